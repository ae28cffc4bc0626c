"""Hybrid: a holacratic e-commerce circle inside a hierarchical company (seed 000).

Inside the circle, roles decide prices within their policy and tensions go
to the circle's meetings, as in a holacracy. Everything that crosses the
boundary follows the chain of command, from the circle's lead link upward.
Each crossing can clash with the other culture: a culture conflict between
e-commerce and the other unit, which lowers their cooperation like any open
conflict until the common manager resolves it. The chance grows with the
cultural distance between the two and falls as the pair gains shared
experience (crossings so far): see `clash_probability`.
"""

from __future__ import annotations

import math

from sim.authority import limits_for, schedule
from sim.conflicts import open_conflict
from sim.decisions import Hop
from sim.records import CUSTOMIZATION, Decision
from sim.structures.base import OrgChart, register
from sim.structures.circles import circle_box, pricing_hop, split_circle, split_into_circles
from sim.structures.hierarchy import CUSTOMIZATION_UNITS, Hierarchy
from sim.structures.holacracy import Holacracy
from sim.structures.tree_chart import tree_chart


@register("hybrid")
class Hybrid(Hierarchy):
    """The hierarchy everywhere but e-commerce, which self-organizes in circles."""

    colour = "#9467bd"

    def build(self, employees):
        super().build(employees)
        model = self.model
        unit = model.units["ecommerce"]
        self.circles = split_into_circles(self, unit, model.params.holacracy.max_circle_size, 0)
        self.circles_of_unit = {"ecommerce": self.circles}
        staff = limits_for("staff", schedule(model.params))
        for member in unit.members:
            if member is not unit.head:
                # No boss inside the circles: the boundary (the unit's head) represents them upward.
                member.decision_rate = model.decision_process.rate(member, 0)
                member.limits = staff  # one table for all (sim.authority)
        self._assign_circle_roles()
        # Exposure of each pair (e-commerce, unit): crossings so far and the culture conflicts they
        # opened. Kept on the structure, so a reorganization (a new structure object) starts afresh.
        # Experience is a person's: the pair's crossings are shared among the e-commerce staff who make
        # them, so a big company does not grow familiar faster than a small one.
        self.crossers = max(1, len(unit.members))
        self.crossings = dict.fromkeys(CUSTOMIZATION_UNITS, 0)
        self.clashes = dict.fromkeys(CUSTOMIZATION_UNITS, 0)

    def _assign_circle_roles(self, circles=None) -> None:
        """Roles in `circles` (every e-commerce circle by default; a split, the two it changed): other
        circles, and their fillers, keep theirs."""
        for circle in self.circles if circles is None else circles:
            for member in circle.members:
                member.circle = circle
                member.roles = ["responder"]
            circle.lead_link.roles.append("lead_link")
            circle.pricing_holder.roles.append("pricing")
        head = self.model.units["ecommerce"].head
        if "boundary" not in head.roles:
            head.roles.append("boundary")

    def meetings_of(self, employee):
        """A circle member's circle meetings; the rest of the company meets as a hierarchy does (not at all)."""
        own = employee.circle
        return [] if own is None else [own.tactical, own.governance]

    def decision_path(self, decision: Decision) -> list[Hop]:
        requester = decision.requester
        if requester.circle is None:
            return super().decision_path(decision)
        boundary = self.model.units["ecommerce"].head
        if decision.kind == CUSTOMIZATION:
            self._culture_clash(requester, boundary)
            path = list(self.customization_path(boundary, decision))
        else:
            grantor = self.grantor(requester, decision.kind, decision.amount)
            if grantor is requester or grantor is requester.circle:
                return [pricing_hop(self.model, decision, grantor)]
            # Crossing the boundary: up the chain from the circle's lead link.
            path = self.climb(boundary, grantor)
        if requester is boundary or (path and path[0].decider is boundary):
            return path  # the boundary is already the first to look at it
        return [Hop(boundary), *path]

    def line_of_authority(self, requester):
        """Inside a circle: the requester's role, the circle, then the chain above the boundary."""
        if requester.circle is None:
            return super().line_of_authority(requester)
        return [requester, requester.circle, *self.chain_up(self.model.units["ecommerce"].head)]

    def relieve(self, person) -> str | None:
        """The boundary takes on the circles' other lead links as fillers; in a circle as in a holacracy
        (split, or a second filler); elsewhere as in a hierarchy."""
        circle = person.circle
        if person is self.model.units["ecommerce"].head:
            lead_links = [circle.lead_link for circle in self.circles]
            return self.model.adaptation.add_fillers(person, lead_links) or super().relieve(person)
        if circle is None:
            return super().relieve(person)
        if len(circle.members) >= self.model.params.adaptation.min_circle_split_size:
            self.split(circle)
            return "circle split"
        return self.model.adaptation.add_fillers(person, circle.members)

    def split(self, circle) -> None:
        """A new e-commerce circle from half of `circle`; its members' meetings change."""
        new = split_circle(self, circle, len(self.circles))
        self.circles.append(new)
        self._assign_circle_roles((circle, new))
        self.model.refresh_calendars([*circle.members, *new.members])

    def clash_probability(self, unit_name: str) -> float:
        """The chance that the next crossing to `unit_name` opens a culture conflict.

        d x c x exp(-n / F): d the cultural distance, c the chance at full distance with no shared
        experience, n the pair's crossings so far per e-commerce member and F `familiarity_crossings`
        (docs/ODD.md §7.14).
        """
        hybrid = self.model.params.hybrid
        familiarity = math.exp(-self.crossings[unit_name] / self.crossers / hybrid.familiarity_crossings)
        return hybrid.cultural_distance * hybrid.clash_at_full_distance * familiarity

    def _culture_clash(self, requester, boundary) -> None:
        """A customization request crosses to each approving unit; one uniform draw per crossing."""
        model = self.model
        for unit_name in CUSTOMIZATION_UNITS:
            chance = self.clash_probability(unit_name)
            self.crossings[unit_name] += 1
            if model.cooperation_random.random() < chance:
                self.clashes[unit_name] += 1
                other = model.units[unit_name].head
                open_conflict(model, "culture", "ecommerce", unit_name, (boundary, other))

    # Holacratic circles call these: learning from tensions and handing over role conflicts.
    on_decided_in_meeting = Holacracy.on_decided_in_meeting

    def route_conflict(self, conflict, between, circle=None):
        if circle is not None:
            circle.conflicts.append(conflict)
            circle.call_governance()
        else:
            super().route_conflict(conflict, between)

    # ------------------------------------------------------------- org chart

    def org_chart(self, max_nodes: int) -> OrgChart:
        """The hierarchy's chart, with the e-commerce circles as squares under the e-commerce head."""
        head = self.model.units["ecommerce"].head
        in_circles = frozenset(id(m) for c in self.circles for m in c.members if m is not head)
        chart = tree_chart(self.model, max_nodes, "hybrid", set_aside=in_circles)
        if any(box.key == head.unique_id for box in chart.boxes):
            chart.boxes.extend(circle_box(c, parent=head.unique_id, shape="square") for c in self.circles)
        if self.circles:
            chart.note += " Squares are the self-organizing e-commerce circles (hybrid)."
        return chart
