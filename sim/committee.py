"""The e-commerce committee (seed 003's countermeasure): unit heads meeting on a cadence.

At each meeting the committee resolves every open conflict between units
(inter-unit, channel, culture) and takes up the cross-unit requests a unit
refused: with all heads in the room the request is judged on its merit (one
Sah-Stiglitz screening) instead of on one unit's incentives.
"""

from __future__ import annotations

from sim.calendar import WORKING_DAYS_PER_MONTH, WORKING_HOURS_PER_DAY, Recurrence
from sim.conflicts import resolve_conflict

CADENCE_DAYS = {"weekly": 5.0, "biweekly": 10.0, "monthly": WORKING_DAYS_PER_MONTH}


class Committee:
    """Meets every `cadence`; members are the heads of the units (or circles' lead links)."""

    def __init__(self, model, cadence: str):
        self.model = model
        interval_h = CADENCE_DAYS[cadence] * WORKING_HOURS_PER_DAY
        # Meets in the afternoon of the cycle's first day.
        self.meeting = Recurrence(interval_h, WORKING_HOURS_PER_DAY / 2, model.params.policies.committee_meeting_hours)
        self.conflicts: list = []
        self.requests: list = []
        self.pending = False

    def members(self) -> list:
        """The general manager and each unit's head: who sits in the meeting."""
        return [unit.head for unit in self.model.units.values()]

    def add_conflict(self, conflict) -> None:
        self.conflicts.append(conflict)
        self._call()

    def add_request(self, decision) -> None:
        decision.with_committee = True
        self.requests.append(decision)
        self._call()

    def _call(self) -> None:
        if not self.pending:
            self.pending = True
            self.model.at_next_meeting(self.meeting, self.hold_meeting)

    def hold_meeting(self, _=None) -> None:
        model = self.model
        self.pending = False
        chair = model.units["management"].head.unique_id
        conflicts, self.conflicts = self.conflicts, []
        for conflict in conflicts:
            resolve_conflict(model, conflict, chair)
        requests, self.requests = self.requests, []
        process = model.decision_process
        for decision in requests:
            decision.via_meeting = True
            decision.committee_chair = chair
            if decision.dropped:  # its customer has left
                process.finish(decision, "abandoned")
            else:
                process.finish(decision, "approved" if process.screen(decision) else "rejected")
