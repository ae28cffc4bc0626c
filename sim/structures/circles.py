"""Circles: the self-organizing teams of a holacracy (and of a hybrid's e-commerce).

A circle has members, a lead link, a pricing (or domain) role, meetings and
two limits per kind of decision: its role's `policy` (what the role grants
alone) and the circle's `limits` (what the circle may grant at all; beyond
it the anchor circle decides). Both start from the delegation-of-authority
schedule's limit for a unit's head, so that structures differ by how they
decide, not by a head start; `holacracy.initial_policy_discount` sets a
narrower role policy on purpose. A decision beyond the role's policy but within
the circle's limits, or one that meets role ambiguity, is a tension for the
next tactical meeting; governance meetings widen the policy after repeated
tensions, make standing agreements with other units and resolve conflicts.

A tactical meeting is time-boxed (Holacracy Constitution v4.1, art. 4.2 leaves
triage to the facilitator; here it is first raised, first taken): each tension
takes `holacracy.tension_minutes`, so a meeting of `tactical_meeting_hours`
takes up at most floor(hours x 60 / tension_minutes) tensions, each decided
when its turn in the meeting ends; the rest wait for the next meeting.
A circle's core members elect a rep link who is not its lead link (art. 2.5.1):
`elect_rep_link`.
"""

from __future__ import annotations

import math

from sim.authority import limits_for, schedule
from sim.calendar import EPSILON_H, WORKING_HOURS_PER_DAY, Recurrence
from sim.conflicts import open_conflict, resolve_conflict
from sim.decisions import Hop
from sim.records import PRICE, Decision
from sim.structures.base import OrgBox


class Circle:
    """A self-organizing team: members, roles, meetings, tensions, limits and policies."""

    remote = False
    deputies: tuple = ()

    def __init__(self, structure, name: str, unit: str, members, index: int):
        model = structure.model
        settings = model.params.holacracy
        self.structure = structure
        self.name = name
        self.unit = unit
        self.members = list(members)
        self.lead_link = self.members[0]
        self.rep_link = None  # elected by `elect_rep_link` once roles are assigned; none in a circle of one
        tactical_h = settings.tactical_interval_days * WORKING_HOURS_PER_DAY
        governance_h = settings.governance_interval_days * WORKING_HOURS_PER_DAY
        # Spread circles over the days of the cycle so they do not all meet at once.
        tactical_offset = (index * WORKING_HOURS_PER_DAY) % tactical_h
        self.tactical = Recurrence(tactical_h, tactical_offset, settings.tactical_meeting_hours)
        self.governance = Recurrence(
            governance_h, (tactical_offset + WORKING_HOURS_PER_DAY / 2) % governance_h, settings.governance_meeting_hours
        )
        self.limits = limits_for("head", schedule(model.params))
        self.policy = dict(self.limits)
        if settings.initial_policy_discount is not None:
            self.policy[PRICE] = min(self.limits[PRICE], settings.initial_policy_discount)
        self.agreements: set[str] = set()  # units whose requests this circle takes without a meeting
        self.tensions: list[Decision] = []
        self.tensions_taken = 0  # tensions taken up in meetings since the warm-up (the meetings' load)
        self.conflicts: list = []
        self.price_tensions = 0
        self.cross_tensions: dict[str, int] = {}
        self.tactical_pending = False
        self.tactical_held_h = -math.inf  # the start of the last tactical meeting held
        self.governance_pending = False
        self.pricing_holder = self.members[1] if len(self.members) > 1 else self.members[0]

    @property
    def unique_id(self) -> str:
        return f"circle:{self.name}"

    # -------------------------------------------------------------- tactical meetings

    def add_tension(self, decision: Decision) -> None:
        """A decision this circle must take together: wait for the next tactical meeting."""
        self.tensions.append(decision)
        if not self.tactical_pending:
            self._call_tactical()

    def _call_tactical(self) -> None:
        """Schedule the next tactical meeting: the first window that starts after now, and never again one
        already held (a meeting's start is "now" while it runs, and `Recurrence.next_start`'s rounding
        tolerance would otherwise give it back)."""
        self.tactical_pending = True
        model = self.structure.model
        start = self.tactical.next_start(model.time + EPSILON_H)
        if start <= self.tactical_held_h + EPSILON_H:
            start = self.tactical_held_h + self.tactical.interval_h
        model.schedule_at(start, self.hold_tactical)

    def hold_tactical(self, _=None) -> None:
        """Take up as many waiting tensions as the meeting's time box holds, first raised first.

        Each takes `tension_minutes`: the k-th is decided at the meeting's start
        + k x tension_minutes (k = 1, 2, ...), when its turn ends. Tensions the
        box leaves over, and those raised during the meeting, wait for the next one.
        """
        self.tactical_pending = False
        model = self.structure.model
        self.tactical_held_h = model._time
        minutes = model.params.holacracy.tension_minutes
        box = tensions_per_meeting(self.tactical.duration_h, minutes)
        tensions = self.tensions[:box]
        del self.tensions[:box]
        # Counted at the meeting's start, as the meeting they belong to (`sim.summary.utilization`).
        self.tensions_taken += len(tensions)
        start, turn_h = model._time, minutes / 60.0
        for k, decision in enumerate(tensions, 1):
            model.schedule_at(start + k * turn_h, self._take_up, decision)
        if self.tensions:
            self._call_tactical()

    def _take_up(self, decision: Decision) -> None:
        """A tension's turn in the meeting has ended: the circle decides it."""
        decision.via_meeting = True
        self.structure.on_decided_in_meeting(decision, self)
        self.structure.model.decision_process.done(self, decision, 0.0)  # the meeting's time is in every calendar

    # -------------------------------------------------------------- roles

    def elect_rep_link(self):
        """The rep link (Holacracy Constitution v4.1, art. 2.5.1): elected by the circle's core members, and not
        its lead link. The election is a deterministic rule, no random draw: of the members other than the
        lead link, the one holding the fewest roles so far, ties to the lowest id. A circle of one person has
        no rep link (None)."""
        candidates = [m for m in self.members if m is not self.lead_link]
        self.rep_link = min(candidates, key=lambda m: (len(m.roles), m.unique_id)) if candidates else None
        if self.rep_link is not None:
            self.rep_link.roles.append("rep_link")
        return self.rep_link

    def core_links(self) -> list:
        """Who of this circle sits in its super-circle as a core member (art. 2.3.1): the lead link and the
        rep link."""
        return [self.lead_link] if self.rep_link is None else [self.lead_link, self.rep_link]

    # -------------------------------------------------------------- governance meetings

    def ambiguity(self, time_h: float) -> float:
        """Role ambiguity: starts high, cleared by each governance meeting held so far."""
        settings = self.structure.model.params.holacracy
        held = self.governance.count_until(time_h)
        return settings.initial_role_ambiguity * (1.0 - settings.ambiguity_cleared_per_governance) ** held

    def call_governance(self) -> None:
        if not self.governance_pending:
            self.governance_pending = True
            self.structure.model.at_next_meeting(self.governance, self.hold_governance)

    def hold_governance(self, _=None) -> None:
        """Adapt policies and agreements to repeated tensions; resolve conflicts."""
        self.governance_pending = False
        model = self.structure.model
        settings = model.params.holacracy
        if self.price_tensions >= settings.tensions_to_adapt:
            self.policy[PRICE] = min(self.limits[PRICE], self.policy[PRICE] + settings.policy_widen_step)
            self.price_tensions = 0
        for unit, count in list(self.cross_tensions.items()):
            if count >= settings.tensions_to_adapt:
                self.agreements.add(unit)
                del self.cross_tensions[unit]
        conflicts, self.conflicts = self.conflicts, []
        for conflict in conflicts:
            resolve_conflict(model, conflict, self.lead_link.unique_id)


def tensions_per_meeting(meeting_h: float, tension_minutes: float) -> int:
    """How many tensions one tactical meeting's time box holds: floor(meeting_h x 60 / tension_minutes)."""
    return math.floor(meeting_h * 60.0 / tension_minutes + 1e-9)


def pricing_hop(model, decision: Decision, grantor) -> Hop:
    """Who decides a discount the `grantor` (the requester's own role, or a circle) may grant.

    A role decides inside its circle's policy; beyond it, or when roles
    are ambiguous, the decision is a tension for the circle's next tactical
    meeting.
    """
    requester = decision.requester
    circle, holder = (requester.circle, requester) if grantor is requester else (grantor, grantor.pricing_holder)
    if holder is not requester and decision.amount > circle.policy[PRICE]:
        return Hop(circle, meeting=True)
    if model.cooperation_random.random() < circle.ambiguity(model.time):
        # Two roles claim (or disown) the domain: a role conflict, and the
        # decision falls back to the circle's next tactical meeting.
        open_conflict(model, "role", circle.unit, circle.unit, (holder, circle.lead_link), circle)
        return Hop(circle, meeting=True)
    return Hop(holder)


def split_into_circles(structure, unit, max_size: int, first_index: int) -> list[Circle]:
    """One circle for a unit, or sub-circles of at most `max_size` when it is larger."""
    members = unit.members
    parts = math.ceil(len(members) / max_size)
    size = math.ceil(len(members) / parts)
    circles = []
    for part in range(parts):
        chunk = members[part * size : (part + 1) * size]
        name = unit.name if parts == 1 else f"{unit.name}-{part + 1}"
        circles.append(Circle(structure, name, unit.name, chunk, first_index + part))
    return circles


def split_circle(structure, circle: Circle, index: int) -> Circle:
    """Governance splits a circle: the second half of its members forms a new circle of the same
    function, with the same limits, policies and agreements; both start with one filler per role."""
    half = len(circle.members) // 2
    stay, moving = circle.members[:half], circle.members[half:]
    siblings = structure.circles_of_unit[circle.unit]
    new = Circle(structure, f"{circle.unit}-{len(siblings) + 1}", circle.unit, moving, index)
    new.limits, new.policy, new.agreements = dict(circle.limits), dict(circle.policy), set(circle.agreements)
    circle.members = stay
    circle.rep_link = None  # the structure's role assignment elects both circles' rep links again
    if circle.pricing_holder not in stay:
        circle.pricing_holder = stay[1] if len(stay) > 1 else stay[0]
    for member in stay + moving:
        member.deputies, member.principal = (), None
    siblings.append(new)
    return new


def circle_box(circle: Circle, parent=None, shape: str = "round") -> OrgBox:
    """A circle in the org chart: sized by its members, coloured by its longest queue or its tensions."""
    backlog = max([len(circle.tensions), *(member.backlog for member in circle.members)])
    return OrgBox(f"circle:{circle.name}", circle.name, len(circle.members), backlog, parent, circle.unit, shape)
