"""The interface every structure implements: who reports to whom, who decides what.

A structure arranges the employees (`build`), names who decides a decision at
each hop (`decision_path`, built on `grantor`: who may grant it) and who
resolves a conflict (`route_conflict`). How a decision then moves along its
path, is screened or refused, is the same in every structure
(`sim.decisions`).

Each module of this package defines one structure and registers it with
`@register`; the command line, the dashboard, the report and the tests read
the registry, so adding a structure is adding a file, nothing else.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.records import Conflict, Decision

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sim.agents import Employee
    from sim.decisions import Hop
    from sim.model import OrgModel

STRUCTURES: dict[str, type[Structure]] = {}


def register(name: str):
    """Class decorator: make a structure selectable as `organization.structure = name`."""

    def decorate(cls):
        cls.name = name
        STRUCTURES[name] = cls
        return cls

    return decorate


@dataclass(frozen=True)
class OrgBox:
    """One box of an org chart: a person, a team or a circle."""

    key: object  # unique within the chart; `parent` refers to it
    label: str  # written beside the box when the chart is small ("" for none)
    people: int  # how many people the box stands for: its size
    backlog: int  # the longest queue of work waiting among them: its colour
    parent: object = None  # the key of the box it hangs under, None at the top
    unit: str = ""  # boxes under one parent are drawn unit by unit
    shape: str = "round"  # "round", "square" or "diamond"


@dataclass
class OrgChart:
    """What a structure's org chart shows, as plain data; the dashboard lays it out and draws it."""

    kind: str  # names the picture for the page (e.g. "hierarchy", "circles")
    title: str  # e.g. "Org chart", "Circles"
    layout: str  # "tree": top down from the roots; "radial": the root in the middle, the rest around it
    note: str  # how the picture aggregates the company, in plain words
    boxes: list[OrgBox] = field(default_factory=list)


class Structure(ABC):
    """How the company is arranged: who reports to whom, who decides what."""

    name = "abstract"
    colour = "#7f7f7f"  # in every chart that shows structures side by side

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

    def frontline_staff(self, employees: list[Employee]) -> list[Employee]:
        """Who answers customers' inquiries: the e-commerce members who manage no one."""
        members = [e for e in employees if e.unit == "ecommerce"]
        return [e for e in members if not e.reports] or members

    # ------------------------------------------------------------- authority

    @abstractmethod
    def line_of_authority(self, requester: Employee) -> Iterable:
        """The requester, then everyone (or every circle) above who may grant more, the top last.

        Each holder has `limits`: the largest amount of each kind of decision
        it may grant (`sim.authority`). The line is walked once, nearest first,
        so a structure may give it without building a list.
        """

    def grantor(self, requester: Employee, kind: str, amount: float):
        """Who grants a decision of `kind` for `amount`: the lowest on the requester's line whose limit covers it."""
        for holder in self.line_of_authority(requester):
            if holder.limits.get(kind, 0.0) >= amount:
                return holder
        return holder  # the top grants what no limit covers (a validation request)

    def relieve(self, person: Employee) -> str | None:
        """Adapt to `person`'s lasting overload (`sim.adaptation`); say what was done, or None.

        By default the person gets deputies who share the work (slack resources).
        """
        return "deputy" if self.model.adaptation.add_deputies(person) else None

    def forget_paths(self) -> None:
        """The arrangement changed (an adaptation): drop any remembered paths."""

    @abstractmethod
    def decision_path(self, decision: Decision) -> list[Hop] | tuple[Hop, ...]:
        """The hops a decision takes, from its requester to its last decider."""

    def on_decided_in_meeting(self, decision: Decision, circle) -> None:
        """Hook for structures that learn from tensions (holacracy's governance)."""

    # ------------------------------------------------------------- org chart

    def org_chart(self, max_nodes: int) -> OrgChart:
        """What the org chart shows, in at most about `max_nodes` boxes.

        By default one box per unit under the general manager's; a structure
        overrides this to show how it is arranged.
        """
        units = self.model.units
        top = units["management"]
        boxes = [
            OrgBox(
                key=unit.name,
                label=unit.name,
                people=len(unit.members),
                backlog=max((member.backlog for member in unit.members), default=0),
                parent=None if unit is top else top.name,
                unit=unit.name,
            )
            for unit in units.values()
        ]
        return OrgChart(self.name, "Org chart", "tree", "Each dot is a unit, sized by its members.", boxes)

    # ------------------------------------------------------------- conflicts

    @abstractmethod
    def route_conflict(self, conflict: Conflict, between: tuple[Employee, Employee], circle=None) -> None:
        """Send a new conflict to whoever resolves it in this structure.

        `between` are the two people it arose between; `circle` is set for a
        role conflict inside one circle.
        """
