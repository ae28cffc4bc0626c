"""Hierarchy: departments are subtrees under the general manager.

A decision climbs the chain of command until it reaches someone with the
authority it needs; a cross-unit request climbs to the lowest common manager
and comes down to the other unit's head. Every manager on the way is a queue
and a screener.
"""

from __future__ import annotations

from sim.conflicts import RESOLVE
from sim.decisions import Hop
from sim.records import CUSTOMIZATION, Decision
from sim.structures.base import OrgBox, OrgChart, Structure, register

# The units a customization request needs, in order (seed 003: R&D and production).
CUSTOMIZATION_UNITS = ("rnd", "production")
PLACEMENT_PARENT = {"in_it": "rnd", "in_marketing": "sales"}
SHOW_EVERYONE_UP_TO = 60  # employees: above this the org chart shows managers only


@register("hierarchy")
class Hierarchy(Structure):
    """A tree with span of control s; the general manager at level 0, unit heads at level 1."""

    colour = "#1f77b4"

    def build(self, employees):
        model = self.model
        self._chains: dict[int, tuple] = {}  # employee id -> managers above
        self._common: dict[tuple[int, int], object] = {}  # (id, id) -> lowest common manager
        self._paths: dict[tuple, tuple[Hop, ...]] = {}  # (requester id, kind or units) -> hops
        span = model.params.organization.span_of_control
        general_manager = model.units["management"].members[0]
        general_manager.level = 0
        general_manager.roles = ["general_manager"]
        # E-commerce placed in IT (technical, here R&D) or marketing (sales) reports to that head (seed 001, 004).
        parent_unit = PLACEMENT_PARENT.get(model.params.organization.ecommerce_placement)
        ordered = sorted((u for u in model.units.values() if u.name != "management"), key=lambda u: u.name == "ecommerce")
        for unit in ordered:
            members = unit.members
            unit_parent = general_manager
            if unit.name == "ecommerce" and parent_unit in model.units:
                unit_parent = model.units[parent_unit].head
            for index, member in enumerate(members):
                # Breadth-first: member i reports to member (i-1)//s, the head to the GM (or the placement's head).
                boss = unit_parent if index == 0 else members[(index - 1) // span]
                member.manager = boss
                member.level = boss.level + 1
                boss.reports.append(member)
                member.roles = ["head" if index == 0 else "staff"]
        for employee in employees:
            employee.decision_rate = model.decision_process.rate(employee, len(employee.reports))

    # The tree does not change while this structure is in place (a reorganization builds a new
    # structure), so chains, common managers and paths are computed once and then looked up:
    # paths are shared by every decision that takes them, hence tuples.

    def chain_up(self, employee) -> tuple:
        """The managers above `employee`, nearest first."""
        chains = self._chains
        chain = chains.get(employee.unique_id)
        if chain is None:
            found = []
            boss = employee.manager
            while boss is not None:
                found.append(boss)
                boss = boss.manager
            chain = chains[employee.unique_id] = tuple(found)
        return chain

    def lowest_common_manager(self, a, b):
        common = self._common
        key = (a.unique_id, b.unique_id)
        found = common.get(key)
        if found is None:
            above_b = {id(x) for x in (b, *self.chain_up(b))}
            found = next((c for c in (a, *self.chain_up(a)) if id(c) in above_b), None)
            if found is None:
                raise RuntimeError("employees are not in one tree")
            common[key] = found
        return found

    def decision_path(self, decision: Decision) -> tuple[Hop, ...]:
        paths = self._paths
        key = (decision.requester.unique_id, decision.kind)
        path = paths.get(key)
        if path is None:
            path = paths[key] = tuple(self._new_path(decision))
        return path

    def _new_path(self, decision: Decision) -> list[Hop]:
        requester = decision.requester
        if decision.kind == CUSTOMIZATION:
            return self._cross_unit_path(requester, CUSTOMIZATION_UNITS)
        return self.climb(requester, self.grantor(decision))

    def climb(self, requester, grantor) -> list[Hop]:
        """Up the chain of command from the requester's manager to the grantor (the requester alone if it grants)."""
        if grantor is requester:
            return [Hop(requester)]
        path = []
        for boss in self.chain_up(requester):
            path.append(Hop(boss))
            if boss is grantor:
                break
        return path

    def line_of_authority(self, requester):
        return [(self.rank(e), e) for e in (requester, *self.chain_up(requester))]

    @staticmethod
    def rank(employee) -> str:
        """The general manager is the top, the managers under it head units, other managers lead teams."""
        if employee.level == 0:
            return "top"
        if employee.level == 1:
            return "head"
        return "lead" if employee.reports else "staff"

    def _cross_unit_path(self, requester, unit_names) -> tuple[Hop, ...]:
        paths = self._paths
        key = (requester.unique_id, tuple(unit_names))
        path = paths.get(key)
        if path is None:
            path = paths[key] = tuple(self._new_cross_unit_path(requester, unit_names))
        return path

    def _new_cross_unit_path(self, requester, unit_names) -> list[Hop]:
        heads = [self.model.units[name].head for name in unit_names if name != requester.unit]
        if self.model.params.organization.ecommerce_placement == "integrated" and requester.unit == "ecommerce":
            # Integrated e-commerce asks R&D and production directly: no climb to a common manager.
            return [Hop(head, gate_unit=head.unit) for head in heads]
        top = requester
        for head in heads:
            top = self.lowest_common_manager(top, head)
        path = [Hop(boss) for boss in self.chain_up(requester)[: self._depth_between(requester, top)]]
        for head in heads:
            on_the_way = next((hop for hop in path if hop.decider is head), None)
            if on_the_way is not None:
                on_the_way.gate_unit = head.unit  # passed on the way up: asked there, once
            else:
                path.append(Hop(head, gate_unit=head.unit))
        return path

    @staticmethod
    def _depth_between(employee, ancestor) -> int:
        return employee.level - ancestor.level

    def route_conflict(self, conflict, between, circle=None):
        resolver = self.lowest_common_manager(*between)
        resolver.submit(RESOLVE, conflict)

    # ------------------------------------------------------------- org chart

    def org_chart(self, max_nodes: int) -> OrgChart:
        """Everyone in a small company; in a larger one managers only, each standing for the staff
        below them, and only the top levels when even that is more than `max_nodes` boxes."""
        return self.tree_chart(max_nodes, "hierarchy", set_aside=frozenset())

    def tree_chart(self, max_nodes: int, kind: str, set_aside: frozenset) -> OrgChart:
        """The chain of command as a tree of boxes, leaving out the people in `set_aside` (ids)."""
        employees = self.model.employees
        units = self.model.units
        everyone = len(employees) <= SHOW_EVERYONE_UP_TO
        candidates = [
            e for e in employees if id(e) not in set_aside and (everyone or e.reports or e.manager is None)
        ]
        deepest = max((e.level or 0) for e in candidates) if candidates else 0
        depth = deepest
        while depth > 1 and sum(1 for e in candidates if (e.level or 0) <= depth) > max_nodes:
            depth -= 1
        shown = [e for e in candidates if (e.level or 0) <= depth]
        shown_ids = {id(e) for e in shown}
        boxes = []
        for e in shown:
            # Everyone below `e` who is neither drawn nor set aside is represented by `e`.
            hidden = _hidden_below(e, shown_ids, set_aside)
            label = "GM" if e.manager is None else (e.unit if units[e.unit].head is e else "")
            parent = e.manager.unique_id if e.manager is not None and id(e.manager) in shown_ids else None
            backlog = max([e.backlog, *(h.backlog for h in hidden)])
            boxes.append(OrgBox(e.unique_id, label, 1 + len(hidden), backlog, parent, e.unit))
        if everyone:
            note = "Each dot is one person; lines run from manager to report."
        elif depth < deepest:
            note = (
                f"{len(employees):,} people: only managers down to level {depth} are drawn; each dot stands for a "
                "manager and everyone below them, sized by that team."
            )
        else:
            note = "Managers only: each dot stands for a manager and the staff reporting to them, sized by that team."
        return OrgChart(kind, "Org chart", "tree", note, boxes)


def _hidden_below(employee, shown_ids, set_aside) -> list:
    hidden, stack = [], list(employee.reports)
    while stack:
        e = stack.pop()
        if id(e) in shown_ids or id(e) in set_aside:
            continue
        hidden.append(e)
        stack.extend(e.reports)
    return hidden
