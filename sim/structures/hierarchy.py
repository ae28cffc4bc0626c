"""Hierarchy: departments are subtrees under the general manager.

Every person holds limits from the delegation-of-authority schedule by rank
(`sim.authority`). A discount climbs the chain of command from the requester
only to the lowest manager whose limit covers it. A customization needs a
sponsor on the requester's side (by its cost) and the approval of every team
of R&D and production whose part of the product it touches; those teams'
approvers are the lowest managers above them whose limit covers the cost.
Between two units a request goes through their lowest common manager, unless
the units have a lateral relation: then through their integrator (an
adaptation), or straight to the other unit (integrated e-commerce).
Every manager on the way is a queue and a screener; every unit asked for its
part is an interface where the request can be refused.

An overloaded manager adapts (Galbraith 1974; `relieve`): one who mostly
grants delegates that authority a level down, one who mostly relays
requests between units opens a lateral relation between them, any other gets
a deputy.
"""

from __future__ import annotations

import itertools
from collections import Counter

from sim.authority import RANKS, limits_for, schedule
from sim.conflicts import RESOLVE
from sim.decisions import Hop
from sim.records import CUSTOMIZATION, Conflict, Decision
from sim.structures.base import OrgChart, Structure, register
from sim.structures.tree_chart import tree_chart

# The units a customization request needs, in order (seed 003: R&D and production).
CUSTOMIZATION_UNITS = ("rnd", "production")
PLACEMENT_PARENT = {"in_it": "rnd", "in_marketing": "sales"}


@register("hierarchy")
class Hierarchy(Structure):
    """A tree with span of control s; the general manager at level 0, unit heads at level 1."""

    colour = "#1f77b4"

    def build(self, employees):
        model = self.model
        # Keyed by the people themselves, not their ids: a person hashes by identity without its memory being
        # read, where an id is an int object of its own to fetch (benchmarks/PROFILE.md, eleventh pass).
        self._chains: dict[object, tuple] = {}  # employee -> managers above
        self._common: dict[tuple, object] = {}  # (employee, employee) -> lowest common manager
        self._paths: dict[tuple, tuple[Hop, ...]] = {}  # (first decider, grantor) -> hops
        span = model.params.organization.span_of_control
        general_manager = model.units["management"].members[0]
        general_manager.level = 0
        general_manager.roles = ["general_manager"]
        # E-commerce placed in IT (technical, here R&D) or marketing (sales) reports to that head (seed 001, 004).
        parent_unit = PLACEMENT_PARENT.get(model.params.organization.ecommerce_placement)
        ordered = sorted((u for u in model.units.values() if u.name != "management"), key=lambda u: u.name == "ecommerce")
        for unit in ordered:
            head, *below = unit.members
            unit_parent = general_manager
            if unit.name == "ecommerce" and parent_unit in model.units:
                unit_parent = model.units[parent_unit].head
            _report(head, unit_parent, "head")
            _teams(head, below, span)
        table = schedule(model.params)
        by_rank = {rank: limits_for(rank, table) for rank in ("top", *RANKS)}  # one table per rank, shared (sim.authority)
        for employee in employees:
            employee.decision_rate = model.decision_process.rate(employee, len(employee.reports))
            employee.limits = by_rank[self.rank(employee)]
        # A unit's teams: its lowest managers (or its head alone); each owns a share of the unit's work.
        self.teams = {
            unit.name: [m for m in unit.members if m.reports and not any(r.reports for r in m.reports)] or [unit.head]
            for unit in model.units.values()
        }
        # Pairs of units in direct contact: requests between them skip their common manager, and their
        # integrator (if an adaptation hired one) resolves their conflicts.
        self.lateral: dict[frozenset, object] = {}
        if model.params.organization.ecommerce_placement == "integrated":
            self.lateral = {frozenset(("ecommerce", name)): None for name in CUSTOMIZATION_UNITS}

    def rank(self, employee) -> str:
        """The general manager is the top; each unit's head heads it; other managers lead teams."""
        if employee.level == 0:
            return "top"
        if self.model.units[employee.unit].head is employee:
            return "head"
        return "lead" if employee.reports else "staff"

    # The tree does not change while this structure is in place (adaptation adds deputies and
    # moves limits, and then forgets the paths), so chains, common managers and paths are
    # computed once and then looked up: paths are shared by every decision that takes them.

    def chain_up(self, employee) -> tuple:
        """The managers above `employee`, nearest first."""
        chains = self._chains
        chain = chains.get(employee)
        if chain is None:
            found = []
            boss = employee.manager
            while boss is not None:
                found.append(boss)
                boss = boss.manager
            chain = chains[employee] = tuple(found)
        return chain

    def lowest_common_manager(self, a, b):
        common = self._common
        key = (a, b)
        found = common.get(key)
        if found is None:
            above_b = {id(x) for x in (b, *self.chain_up(b))}
            found = next((c for c in (a, *self.chain_up(a)) if id(c) in above_b), None)
            if found is None:
                raise RuntimeError("employees are not in one tree")
            common[key] = found
        return found

    def line_of_authority(self, requester):
        return itertools.chain((requester,), self.chain_up(requester))  # walked, not built: asked for every request

    def forget_paths(self) -> None:
        self._paths.clear()

    # ------------------------------------------------------------- paths

    def decision_path(self, decision: Decision) -> tuple[Hop, ...]:
        requester = decision.requester
        if decision.kind == CUSTOMIZATION:
            return self.customization_path(requester, decision)
        grantor = self.grantor(requester, decision.kind, decision.amount)
        # The path starts at the requester's manager (at the requester, if it grants), so a team's members
        # share theirs: one path per team and grantor, not one per person.
        first = requester if grantor is requester else requester.manager
        key = (first, grantor)
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = tuple(self.climb(requester, grantor))
        return path

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

    def customization_path(self, origin, decision: Decision) -> tuple[Hop, ...]:
        """From `origin` (the requester, or a hybrid's boundary) up to its sponsor, then to every approver."""
        cost = decision.amount
        approvers: dict[tuple, int] = {}  # (unit, approver) -> teams it asks, in order
        for unit_name in CUSTOMIZATION_UNITS:
            if unit_name == origin.unit:
                continue
            teams = self.teams[unit_name]
            for team in dict.fromkeys(teams[int(part * len(teams))] for part in decision.inquiry.parts):
                key = (unit_name, self.grantor(team, CUSTOMIZATION, cost))
                approvers[key] = approvers.get(key, 0) + 1
        top = self.grantor(origin, CUSTOMIZATION, cost)  # the sponsor on the origin's side
        liaisons = []  # integrators the request passes through, once each
        for unit_name, approver in approvers:
            pair = frozenset((origin.unit, unit_name))
            if pair in self.lateral:
                if self.lateral[pair] is not None and self.lateral[pair] not in liaisons:
                    liaisons.append(self.lateral[pair])
                continue
            common = self.lowest_common_manager(origin, approver)
            if common.level < top.level:
                top = common
        path = [*self.climb(origin, top), *(Hop(integrator) for integrator in liaisons)]
        on_path = {id(hop.decider): hop for hop in path}
        for (unit_name, approver), teams in approvers.items():
            passed = on_path.get(id(approver))
            if passed is None:
                hop = on_path[id(approver)] = Hop(approver, gate_unit=unit_name, gate_teams=teams)
                path.append(hop)
            elif passed.gate_unit is None and approver.level > 0:
                passed.gate_unit, passed.gate_teams = unit_name, teams  # met on the way up: asked there, once
        return tuple(path)

    def route_conflict(self, conflict, between, circle=None):
        resolver = self.lateral.get(frozenset((conflict.unit_a, conflict.unit_b)))
        if resolver is None:
            resolver = self.lowest_common_manager(*between)
        if resolver.deputies:
            resolver = resolver.office_member()
        resolver.submit(RESOLVE, conflict)

    # ------------------------------------------------------------- adaptation

    def relieve(self, person) -> str | None:
        """Galbraith (1974): delegate what the manager mostly grants; link the units whose requests or
        conflicts meet only at it; else hire deputies (slack resources)."""
        granted: Counter = Counter()
        between: set[frozenset] = set()  # unit pairs that meet here only because it is their common manager
        adaptation = self.model.adaptation
        # What the office was asked over the overload (not the queue of the moment, which a review may
        # find empty or a burst may fill with one kind): each decision by its place on the path.
        asked = adaptation.decisions_through(person)
        conflicts = [item for _, item in person.queue if isinstance(item, Conflict)]
        for item in conflicts:
            between.add(frozenset((item.unit_a, item.unit_b)))
        for item, index in asked:
            hop = item.path[index]
            if index == len(item.path) - 1 or hop.gate_unit is not None:
                granted[item.kind] += 1
            elif item.kind == CUSTOMIZATION and person.limits.get(CUSTOMIZATION, 0.0) >= item.amount:
                # It could grant it but only relays it: the units meet nowhere lower.
                between |= {frozenset((item.requester.unit, hop.gate_unit)) for hop in item.path if hop.gate_unit}
        # Each structural remedy that applies, at once: delegate what the office grants, link the units that
        # meet only here (Galbraith 1974: rules and targets, then lateral relations, before slack resources).
        # Choosing one by the office's mix flipped between seeds whose mix sat near the threshold, and
        # putting one first left the other's work piling up for a cooldown, which deputies then absorbed.
        done = []
        if granted and adaptation.delegate(person, granted.most_common(1)[0][0]):
            done.append("delegation")
        new_links = {pair for pair in between if len(pair) == 2} - self.lateral.keys()
        if new_links:
            adaptation.link_units(self, new_links)
            done.append("lateral relation")
        if done:
            return " and ".join(done)
        return "deputy" if adaptation.add_deputies(person) else None

    # ------------------------------------------------------------- org chart

    def org_chart(self, max_nodes: int) -> OrgChart:
        return tree_chart(self.model, max_nodes, "hierarchy", set_aside=frozenset())


def _report(person, boss, role: str) -> None:
    person.manager = boss
    person.level = boss.level + 1
    boss.reports.append(person)
    person.roles = [role]


def _teams(boss, people: list, span: int) -> None:
    """Arrange `people` under `boss` as full teams: staff at the bottom in teams of at most `span`
    under team leads, leads grouped under managers by the same span, only as many levels as needed."""
    depth, capacity = 1, span  # the fewest levels whose full tree holds everyone
    while capacity < len(people):
        depth += 1
        capacity = capacity * span + span
    if depth == 1:
        for person in people:
            _report(person, boss, "staff")
        return
    below_each = (capacity - span) // span  # what one subtree one level down holds, its root excluded
    count = -(-len(people) // (1 + below_each))  # as few subtrees as hold everyone
    leaders, rest = people[:count], people[count:]
    for index, leader in enumerate(leaders):
        _report(leader, boss, "lead")
        _teams(leader, rest[index::count], span)
