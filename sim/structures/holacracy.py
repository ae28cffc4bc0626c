"""Holacracy: self-managed circles inside an anchor circle (`sim.structures.circles`).

Roles decide inside their policy at once (one queue, one screener). A discount
climbs only as far as the lowest holder whose limit covers it: the
requester's own role, the circle's pricing role (a tension for the circle's
meeting beyond its policy), the anchor circle. A customization goes straight
to every circle of R&D and production whose part of the product it touches
(a self-managed role asks the circle that holds the domain; no chain to climb
on the requesting side): a role holder decides it where the circle has a
standing agreement with the requester's unit, the circle's tactical meeting
where it has none, the anchor circle beyond the circle's limit.

Each circle's lead link and its rep link (an elected member who is not the
lead link; Holacracy Constitution v4.1, art. 2.5.1) are core members of the
anchor circle (art. 2.3.1): they sit in its meetings, and its overloaded
roles take fillers from them.

An overloaded role holder adapts: the anchor's governance delegates its
authority to the circles; a large circle splits in two (a new lead link and
meetings); a small one gives the role a second filler.
"""

from __future__ import annotations

from collections import Counter

from sim.authority import UNLIMITED, limits_for, schedule
from sim.calendar import Recurrence
from sim.decisions import Hop
from sim.records import CUSTOMIZATION, PRICE, VALIDATION, Decision
from sim.structures.base import OrgChart, Structure, register
from sim.structures.circles import Circle, circle_box, pricing_hop, split_circle, split_into_circles
from sim.structures.hierarchy import CUSTOMIZATION_UNITS

FUNCTION_ROLE = {"ecommerce": "responder", "rnd": "customization", "production": "production_planning"}


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
        # Anyone else in management (an integrator or deputy hired before a reorganization) joins the anchor;
        # the circles' lead links and rep links join it when roles are assigned (`_assign_roles`).
        self.anchor_others = [e for e in model.units["management"].members if e is not general_manager]
        self.anchor = Circle(self, "anchor", "management", [general_manager, *self.anchor_others], len(self.circles))
        self.anchor.pricing_holder = general_manager
        self.anchor.limits = dict.fromkeys(self.anchor.limits, UNLIMITED)
        self.anchor.policy = dict(self.anchor.limits)
        self.circles.append(self.anchor)
        if model.params.organization.ecommerce_placement == "integrated":
            # Institutionalized e-commerce: standing agreements with R&D and production from day one.
            for unit_name in CUSTOMIZATION_UNITS:
                for circle in self.circles_of_unit.get(unit_name, []):
                    circle.agreements.add("ecommerce")
        # Everyone's own role may grant what the schedule gives staff; the general manager holds the anchor's.
        staff = limits_for("staff", schedule(model.params))
        for employee in employees:
            employee.decision_rate = model.decision_process.rate(employee, 0)
            # One table for all staff (sim.authority); the general manager's is a copy of the anchor's, which
            # governance changes in place.
            employee.limits = dict(self.anchor.limits) if employee is general_manager else staff
        self._assign_roles(general_manager)

    def _assign_roles(self, general_manager, circles=None) -> None:
        """Roles in `circles` (every sub-circle by default; a split, the two it changed) and their rep link
        elections, then the anchor's core members. Only those circles: a split elsewhere leaves a circle's
        roles, its fillers' among them, as they were."""
        sub_circles = [circle for circle in self.circles if circle is not self.anchor]
        for circle in sub_circles if circles is None else circles:
            for member in circle.members:
                member.circle = circle
                member.roles = [FUNCTION_ROLE.get(circle.unit, circle.unit)]
            circle.lead_link.roles.append("lead_link")
            circle.pricing_holder.roles.append("pricing" if circle.unit == "ecommerce" else "domain_keeper")
            circle.elect_rep_link()  # not the lead link (art. 2.5.1); none in a circle of one
        # Art. 2.3.1: each sub-circle's lead link and rep link are core members of the super-circle.
        links = [member for circle in sub_circles for member in circle.core_links()]
        self.anchor.members = [general_manager, *self.anchor_others, *links]
        for member in self.anchor.members:
            if member.circle is None:
                member.circle, member.roles = self.anchor, ["anchor_member"]
        general_manager.circle = self.anchor
        general_manager.roles = ["anchor_lead_link", "lead_link"]
        self.in_anchor = {id(member) for member in self.anchor.members}

    def meetings_of(self, employee) -> list[Recurrence]:
        """The meetings of the person's own circle, and the anchor's for its core members."""
        own = employee.circle
        meetings = [] if own is None or own is self.anchor else [own.tactical, own.governance]
        if id(employee) in self.in_anchor:
            meetings += [self.anchor.tactical, self.anchor.governance]
        return meetings

    # -------------------------------------------------------------- routing

    def line_of_authority(self, requester):
        """The requester's own role, its circle, the anchor circle."""
        return [requester, requester.circle, self.anchor]

    def decision_path(self, decision: Decision) -> list[Hop]:
        requester = decision.requester
        if decision.kind == VALIDATION:
            return [Hop(requester.circle, meeting=True)]
        if decision.kind == CUSTOMIZATION:
            return self.customization_path(requester.unit, decision)
        return [pricing_hop(self.model, decision, self.grantor(requester, PRICE, decision.amount))]

    def customization_path(self, from_unit: str, decision: Decision) -> list[Hop]:
        """Every circle of R&D and production whose part the customization touches, in turn."""
        path = []
        cost = decision.amount
        for unit_name in CUSTOMIZATION_UNITS:
            if unit_name == from_unit:
                continue
            circles = self.circles_of_unit[unit_name]
            beyond = 0  # circles whose limit the cost exceeds: the anchor decides for them
            for circle in dict.fromkeys(circles[int(part * len(circles))] for part in decision.inquiry.parts):
                if cost > circle.limits[CUSTOMIZATION]:
                    beyond += 1
                elif from_unit in circle.agreements and cost <= circle.policy[CUSTOMIZATION]:
                    path.append(Hop(circle.pricing_holder, gate_unit=unit_name))
                else:
                    path.append(Hop(circle, gate_unit=unit_name, meeting=True))
            if beyond and not any(hop.decider is self.anchor.pricing_holder for hop in path):
                path.append(Hop(self.anchor.pricing_holder))  # the anchor's word: the circles comply (as under the GM)
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

    # -------------------------------------------------------------- adaptation

    def relieve(self, person) -> str | None:
        """The anchor delegates to the circles what it mostly decides; a large circle splits; a small
        one gives the overloaded role a second filler."""
        if person.circle is self.anchor or person.circle is None:
            kinds = Counter(item.kind for _, item in person.queue if isinstance(item, Decision))
            for kind, _ in kinds.most_common():
                if kind in self.anchor.limits and any(c.limits[kind] < self.anchor.limits[kind] for c in self.circles):
                    for circle in self.circles:
                        circle.limits[kind] = circle.policy[kind] = self.anchor.limits[kind]
                    return "delegation"
            return self.model.adaptation.add_fillers(person, self.anchor.members)
        circle = person.circle
        if len(circle.members) >= self.model.params.adaptation.min_circle_split_size:
            self.split(circle)
            return "circle split"
        return self.model.adaptation.add_fillers(person, circle.members)

    def split(self, circle: Circle) -> None:
        """A new circle from half of `circle`: both elect rep links again, the new lead link and rep link join
        the anchor. Only the two circles' members' meetings change: whoever joins or leaves the anchor with
        the new links is one of them."""
        new = split_circle(self, circle, len(self.circles))
        self.circles.insert(len(self.circles) - 1, new)  # the anchor stays last
        self._assign_roles(self.anchor.members[0], (circle, new))
        self.model.refresh_calendars([*circle.members, *new.members])

    # -------------------------------------------------------------- org chart

    def org_chart(self, max_nodes: int) -> OrgChart:
        """Every circle around the anchor circle, however many (circles are already an aggregation)."""
        anchor = circle_box(self.anchor)
        boxes = [anchor if c is self.anchor else circle_box(c, parent=anchor.key) for c in self.circles]
        note = (
            "Each disc is a circle, sized by its members; the anchor circle (general manager, every lead link and "
            "rep link) sits in the middle."
        )
        return OrgChart("circles", "Circles", "radial", note, boxes)
