"""Conflicts: opened between two units (or inside a circle), resolved by whoever the structure names.

A conflict is inter-unit (a refused cross-unit request), channel (a dealer's
grievance), culture (the hybrid's boundary) or role (a holacratic circle's
ambiguous roles). While it is open, the two units count it against each other
and cooperate less (`DecisionProcess.refuses`). The structure routes it to its
resolver: a manager's queue (`RESOLVE`), a circle's governance meeting; the
committee, when one meets, takes up every conflict between units too. Whoever
gets to it first closes it.
"""

from __future__ import annotations

from sim.records import Conflict


def open_conflict(model, kind: str, unit_a: str, unit_b: str, between, circle=None) -> Conflict:
    """Open a conflict of `kind` between two units; `between` are the two people it arose between."""
    conflict = Conflict(len(model.conflicts), kind, unit_a, unit_b, model.time)
    model.conflicts.append(conflict)
    model.open_conflict_count += 1
    if kind != "role":
        for mine, other in ((unit_a, unit_b), (unit_b, unit_a)):
            opened = model.units[mine].open_conflicts
            opened[other] = opened.get(other, 0) + 1
    model.structure.route_conflict(conflict, between, circle)
    if model.committee is not None and kind != "role":
        model.committee.add_conflict(conflict)
    return conflict


def resolve_conflict(model, conflict: Conflict, resolver_id: int) -> None:
    """Close a conflict; whoever gets to it second (manager, circle or committee) finds it closed."""
    if conflict.resolved_h is not None:
        return
    conflict.resolved_h = model.time
    conflict.resolver_id = resolver_id
    model.open_conflict_count -= 1
    if conflict.kind != "role":
        for mine, other in ((conflict.unit_a, conflict.unit_b), (conflict.unit_b, conflict.unit_a)):
            model.units[mine].open_conflicts[other] -= 1


class Resolve:
    """The task of resolving a conflict in a manager's queue."""

    exponential = False

    @staticmethod
    def hours(manager, conflict: Conflict) -> float:
        if conflict.resolved_h is not None:
            return 0.0  # resolved meanwhile by the committee or a meeting
        model = manager.model
        return model.cooperation_random.expovariate(1.0 / model.params.decisions.conflict_resolution_hours)

    @staticmethod
    def done(manager, conflict: Conflict, hours: float) -> None:
        manager.model.coordination_hours += hours
        resolve_conflict(manager.model, conflict, manager.unique_id)


RESOLVE = Resolve()
