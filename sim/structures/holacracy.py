"""Holacracy: self-managed circles inside an anchor circle.

Roles decide inside their policy at once (one queue, one screener). A decision
outside policy, or a cross-circle need with no standing agreement, becomes a
tension taken up at the circle's next tactical meeting. Governance meetings
widen a role's policy after repeated tensions, make standing agreements
between circles, resolve conflicts and clear role ambiguity.
"""

from __future__ import annotations

import math

from sim.calendar import WORKING_HOURS_PER_DAY, Recurrence
from sim.conflicts import open_conflict, resolve_conflict
from sim.decisions import Hop
from sim.records import CUSTOMIZATION, PRICE, VALIDATION, Decision
from sim.structures.base import OrgBox, OrgChart, Structure, register
from sim.structures.hierarchy import CUSTOMIZATION_UNITS


class Circle:
    """A self-organizing team: members, roles, meetings, tensions and policies."""

    def __init__(self, structure: Holacracy, name: str, unit: str, members, index: int):
        settings = structure.model.params.holacracy
        self.structure = structure
        self.name = name
        self.unit = unit
        self.members = list(members)
        self.lead_link = self.members[0]
        tactical_h = settings.tactical_interval_days * WORKING_HOURS_PER_DAY
        governance_h = settings.governance_interval_days * WORKING_HOURS_PER_DAY
        # Spread circles over the days of the cycle so they do not all meet at once.
        tactical_offset = (index * WORKING_HOURS_PER_DAY) % tactical_h
        self.tactical = Recurrence(tactical_h, tactical_offset, settings.tactical_meeting_hours)
        self.governance = Recurrence(
            governance_h, (tactical_offset + WORKING_HOURS_PER_DAY / 2) % governance_h, settings.governance_meeting_hours
        )
        self.policy_discount = settings.initial_policy_discount
        self.agreements: set[str] = set()  # units whose requests this circle takes without a meeting
        self.tensions: list[Decision] = []
        self.conflicts: list = []
        self.price_tensions = 0
        self.cross_tensions: dict[str, int] = {}
        self.tactical_pending = False
        self.governance_pending = False
        self.pricing_holder = self.members[1] if len(self.members) > 1 else self.members[0]
        self.role_holder = self.pricing_holder

    # -------------------------------------------------------------- tactical meetings

    def add_tension(self, decision: Decision) -> None:
        """A decision this circle must take together: wait for the next tactical meeting."""
        self.tensions.append(decision)
        if not self.tactical_pending:
            self.tactical_pending = True
            self.structure.model.at_next_meeting(self.tactical, self.hold_tactical)

    def hold_tactical(self, _=None) -> None:
        """Take up every tension raised since the last meeting, in order."""
        self.tactical_pending = False
        tensions, self.tensions = self.tensions, []
        decide = self.structure.model.decision_process.done
        for decision in tensions:
            decision.via_meeting = True
            self.structure.on_decided_in_meeting(decision, self)
            decide(self, decision, 0.0)  # the meeting's time is in every member's calendar

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
            self.policy_discount = min(model.params.work.max_discount, self.policy_discount + settings.policy_widen_step)
            self.price_tensions = 0
        for unit, count in list(self.cross_tensions.items()):
            if count >= settings.tensions_to_adapt:
                self.agreements.add(unit)
                del self.cross_tensions[unit]
        conflicts, self.conflicts = self.conflicts, []
        for conflict in conflicts:
            resolve_conflict(model, conflict, self.lead_link.unique_id)


def pricing_hop(model, decision: Decision, grantor) -> Hop:
    """Who decides a discount the `grantor` may grant (a person, or a circle's pricing role).

    A role decides inside its circle's policy; beyond it, or when roles
    are ambiguous, the decision is a tension for the circle's next tactical
    meeting.
    """
    requester = decision.requester
    circle, holder = (requester.circle, requester) if grantor is requester else (grantor, grantor.pricing_holder)
    if model.market.discount_needed(decision.inquiry) > circle.policy_discount:
        return Hop(circle, meeting=True)
    if model.org_random.random() < circle.ambiguity(model.time):
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


def circle_box(circle: Circle, parent=None, shape: str = "round") -> OrgBox:
    """A circle in the org chart: sized by its members, coloured by its longest queue or its tensions."""
    backlog = max([len(circle.tensions), *(member.backlog for member in circle.members)])
    return OrgBox(f"circle:{circle.name}", circle.name, len(circle.members), backlog, parent, circle.unit, shape)


@register("holacracy")
class Holacracy(Structure):
    """Circles per function (split when larger than the maximum size) inside an anchor circle."""

    colour = "#2ca02c"

    def build(self, employees):
        model = self.model
        max_size = model.params.holacracy.max_circle_size
        self.circles: list[Circle] = []
        self.circles_of_unit: dict[str, list[Circle]] = {}
        general_manager = model.units["management"].members[0]
        for unit in model.units.values():
            if unit.name == "management":
                continue
            circles = split_into_circles(self, unit, max_size, len(self.circles))
            self.circles.extend(circles)
            self.circles_of_unit[unit.name] = circles
        lead_links = [c.lead_link for c in self.circles]
        self.anchor = Circle(self, "anchor", "management", [general_manager, *lead_links], len(self.circles))
        self.anchor.pricing_holder = general_manager
        self.circles.append(self.anchor)
        self._assign_roles(general_manager)
        if model.params.organization.ecommerce_placement == "integrated":
            # Institutionalized e-commerce: standing agreements with R&D and production from day one.
            for unit_name in CUSTOMIZATION_UNITS:
                for circle in self.circles_of_unit.get(unit_name, []):
                    circle.agreements.add("ecommerce")
        for employee in employees:
            employee.decision_rate = model.decision_process.rate(employee, 0)

    def _assign_roles(self, general_manager) -> None:
        function_role = {"ecommerce": "responder", "rnd": "customization", "production": "production_planning"}
        self.meetings: dict[int, list[Recurrence]] = {}
        for circle in self.circles:
            for member in circle.members:
                self.meetings.setdefault(member.unique_id, []).extend([circle.tactical, circle.governance])
                if circle is not self.anchor:
                    member.circle = circle
                    member.roles = [function_role.get(circle.unit, circle.unit)]
        general_manager.circle = self.anchor
        general_manager.roles = ["anchor_lead_link"]
        for circle in self.circles:
            circle.lead_link.roles.append("lead_link")
            if circle is not self.anchor:
                circle.pricing_holder.roles.append("pricing" if circle.unit == "ecommerce" else "domain_keeper")
                circle.lead_link.roles.append("rep_link")

    def meetings_of(self, employee) -> list[Recurrence]:
        return self.meetings.get(employee.unique_id, [])

    def start(self) -> None:
        """Nothing polls: meetings are scheduled when a tension or conflict needs one."""

    # -------------------------------------------------------------- routing

    def decision_path(self, decision: Decision) -> list[Hop]:
        requester = decision.requester
        if decision.kind == VALIDATION:
            return [Hop(requester.circle, meeting=True)]
        if decision.kind == CUSTOMIZATION:
            return self._cross_circle_path(requester)
        return [pricing_hop(self.model, decision, self.grantor(decision))]

    def line_of_authority(self, requester):
        """The requester's own role, the circle's pricing role, the anchor circle's."""
        return [("staff", requester), ("head", requester.circle), ("top", self.anchor)]

    def _cross_circle_path(self, requester) -> list[Hop]:
        path = []
        for unit_name in CUSTOMIZATION_UNITS:
            if unit_name == requester.unit:
                continue
            target = self.circles_of_unit[unit_name][0]
            if requester.unit in target.agreements:
                path.append(Hop(target.role_holder, gate_unit=unit_name))
            else:
                path.append(Hop(target, gate_unit=unit_name, meeting=True))
        return path

    def on_decided_in_meeting(self, decision: Decision, circle: Circle) -> None:
        settings = self.model.params.holacracy
        if decision.kind == PRICE:
            circle.price_tensions += 1
            if circle.price_tensions >= settings.tensions_to_adapt:
                circle.call_governance()
        elif decision.kind == CUSTOMIZATION:
            unit = decision.requester.unit
            circle.cross_tensions[unit] = circle.cross_tensions.get(unit, 0) + 1
            if circle.cross_tensions[unit] >= settings.tensions_to_adapt:
                circle.call_governance()

    def route_conflict(self, conflict, between, circle: Circle | None = None):
        # Role conflicts go to the circle's own governance; conflicts between
        # circles to the anchor circle's.
        target = circle if circle is not None else self.anchor
        target.conflicts.append(conflict)
        target.call_governance()

    # -------------------------------------------------------------- org chart

    def org_chart(self, max_nodes: int) -> OrgChart:
        """Every circle around the anchor circle, however many (circles are already an aggregation)."""
        anchor = circle_box(self.anchor)
        boxes = [anchor if c is self.anchor else circle_box(c, parent=anchor.key) for c in self.circles]
        note = (
            "Each disc is a circle, sized by its members; the anchor circle (general manager and every lead link) "
            "sits in the middle."
        )
        return OrgChart("circles", "Circles", "radial", note, boxes)
