"""The chain of command drawn as a tree of boxes (used by the hierarchy and the hybrid)."""

from __future__ import annotations

from sim.structures.base import OrgBox, OrgChart

SHOW_EVERYONE_UP_TO = 60  # employees: above this the org chart shows managers only
WIDEST_ROW = 60  # boxes side by side at the bottom of the tree: beyond it they are too small to tell apart


def tree_chart(model, max_nodes: int, kind: str, set_aside: frozenset) -> OrgChart:
    """Everyone in a small company; in a larger one managers only, each standing for the staff below
    them, and only the top levels when even that is more than `max_nodes` boxes. The people in
    `set_aside` (ids) are left out."""
    employees = model.employees
    units = model.units
    everyone = len(employees) <= SHOW_EVERYONE_UP_TO
    candidates = [e for e in employees if id(e) not in set_aside and (everyone or e.reports or e.manager is None)]
    deepest = max((e.level or 0) for e in candidates) if candidates else 0
    depth = deepest
    while depth > 1 and (sum(1 for e in candidates if (e.level or 0) <= depth) > max_nodes or _leaves(candidates, depth) > WIDEST_ROW):
        depth -= 1
    shown = [e for e in candidates if (e.level or 0) <= depth]
    shown_ids = {id(e) for e in shown}
    general_manager = units["management"].head
    boxes = []
    for e in shown:
        # Everyone below `e` who is neither drawn nor set aside is represented by `e`.
        hidden = _hidden_below(e, shown_ids, set_aside)
        label = e.unit if e.manager is not None and units[e.unit].head is e else ""
        parent = e.manager.unique_id if e.manager is not None and id(e.manager) in shown_ids else None
        shape = "round"
        if e is general_manager:
            label = "GM"
        elif e.manager is None:  # beside the chain of command: an integrator between two units (an adaptation)
            label, shape = (e.roles[0].split()[0] if e.roles else ""), "diamond"
            parent = general_manager.unique_id  # hired into management, at the general manager's side
        backlog = max([e.backlog, *(h.backlog for h in hidden)])
        boxes.append(OrgBox(e.unique_id, label, 1 + len(hidden), backlog, parent, e.unit, shape))
    if everyone:
        note = "Each dot is one person; lines run from manager to report."
    elif depth < deepest:
        note = (
            f"{len(employees):,} people: only managers down to level {depth} are drawn; each dot stands for a "
            "manager and everyone below them, sized by that team."
        )
    else:
        note = "Managers only: each dot stands for a manager and the staff reporting to them, sized by that team."
    if any(box.shape == "diamond" for box in boxes):
        note += " Diamonds under the general manager are integrators, each linking two units (an adaptation)."
    return OrgChart(kind, "Org chart", "tree", note, boxes)


def _leaves(candidates, depth: int) -> int:
    """How many boxes the tree down to `depth` has at its bottom (boxes with no box below): its width."""
    shown = {id(e) for e in candidates if (e.level or 0) <= depth}
    return sum(1 for e in candidates if id(e) in shown and not any(id(r) in shown for r in e.reports))


def _hidden_below(employee, shown_ids, set_aside) -> list:
    hidden, stack = [], list(employee.reports)
    while stack:
        e = stack.pop()
        if id(e) in shown_ids or id(e) in set_aside:
            continue
        hidden.append(e)
        stack.extend(e.reports)
    return hidden
