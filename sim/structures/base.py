"""The interface every structure implements, and the hop-by-hop decision mechanics they share.

A structure decides *who* handles a decision (its path of hops) and *who*
resolves a conflict. A hop is either a person's queue (the person decides when
the item reaches the front) or a circle's next meeting (a tension). Moving a
decision along its path, screening it at each hop and refusing it at a unit
gate are the same in every structure and live here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.records import Conflict, Decision

if TYPE_CHECKING:
    from sim.agents import Employee
    from sim.model import OrgModel

STRUCTURES: dict[str, type[Structure]] = {}


def register(name: str):
    """Class decorator: make a structure selectable as `organization.structure = name`."""

    def decorate(cls):
        cls.name = name
        STRUCTURES[name] = cls
        return cls

    return decorate


@dataclass(slots=True)
class Hop:
    """One step of a decision's path.

    `decider` is an Employee (a queue) or, for a tension, a circle that decides
    at its next tactical meeting. `gate_unit` names the unit whose cooperation
    this hop asks for (a cross-unit request), where incentives may refuse it.
    `queue_of` is the employee whose queue the decision joins at once, or None
    when entering the hop takes more (a meeting, a remote hand-off).
    """

    decider: object
    gate_unit: str | None = None
    meeting: bool = False
    queue_of: object = field(init=False)

    def __post_init__(self):
        self.queue_of = None if self.meeting or self.decider.remote else self.decider

    @property
    def decider_id(self) -> int:
        """Who decides at this hop: the person, or a circle's lead link for its meeting."""
        return self.decider.lead_link.unique_id if self.meeting else self.decider.unique_id


class Structure(ABC):
    """How the company is arranged: who reports to whom, who decides what."""

    name = "abstract"

    def __init__(self, model: OrgModel):
        self.model = model

    # ------------------------------------------------------------- building

    @abstractmethod
    def build(self, employees: list[Employee]) -> None:
        """Arrange the employees (already assigned to units) into this structure."""

    def start(self) -> None:
        """Schedule recurring activity (meetings); nothing by default."""

    def meetings_of(self, employee: Employee) -> list:
        """The structure's recurring meetings this person attends (none in a hierarchy)."""
        return []

    # ------------------------------------------------------------- routing

    @abstractmethod
    def decision_path(self, decision: Decision) -> list[Hop]:
        """The hops a decision takes, from its requester to its last decider."""

    @abstractmethod
    def route_conflict(self, conflict: Conflict, between: tuple[Employee, Employee], circle=None) -> None:
        """Send a new conflict to whoever resolves it in this structure.

        `between` are the two people it arose between; `circle` is set for a
        role conflict inside one circle.
        """

    def on_decided_in_meeting(self, decision: Decision, circle) -> None:
        """Hook for structures that learn from tensions (holacracy's governance)."""

    def frontline_staff(self, employees: list[Employee]) -> list[Employee]:
        """Who answers customers' inquiries: the e-commerce members who manage no one."""
        members = [e for e in employees if e.unit == "ecommerce"]
        return [e for e in members if not e.reports] or members

    # ------------------------------------------------------------- shared mechanics

    def request(self, decision: Decision) -> None:
        """Start a decision on its path."""
        path = decision.path = self.decision_path(decision)  # hop_index starts at 0
        self._enter_hop(decision, path[0])

    def _enter_hop(self, decision: Decision, hop: Hop) -> None:
        """Hand the decision to its current hop's decider (see `hop_done` for the plain case)."""
        model = self.model
        decision.hop_entered_h = model._time
        decider = hop.decider
        if hop.meeting:
            decider.add_tension(decision)
        elif decider.remote:
            # A remote decider gets the request after an asynchronous hand-off.
            delay = model.org_random.expovariate(1.0 / model.params.policies.remote_handoff_hours)
            model.schedule_at(model._time + delay, self._hand_over, decision)
        else:
            decider.submit("decide", decision)

    def _hand_over(self, decision: Decision) -> None:
        decision.path[decision.hop_index].decider.submit("decide", decision)

    def hop_done(self, decision: Decision) -> None:
        """The current hop has looked at the decision: refuse it, screen it, or pass it on.

        Called when a manager or role holder reaches the decision in its
        queue, or when a circle's meeting takes it up: this is where a
        manager decides. Every hop of every decision comes here, so the plain
        case of `_enter_hop` (the next decider's queue) is written out.
        """
        model = self.model
        path = decision.path
        index = decision.hop_index
        gate_unit = path[index].gate_unit
        if gate_unit is not None and model.refuses(decision, gate_unit):
            model.refused(decision)
            return
        if decision.screened and not model.screen(decision):
            model.finish_decision(decision, "rejected")
            return
        index += 1
        if index == len(path):
            model.finish_decision(decision, "approved")
            return
        decision.hop_index = index
        hop = path[index]
        decider = hop.queue_of
        if decider is None:
            self._enter_hop(decision, hop)
        else:
            decision.hop_entered_h = model._time
            decider.submit("decide", decision)
