"""The org chart (hierarchy) or the circles (holacracy) as a network coloured by backlog.

`org_view(model)` reads the company into a networkx graph whose nodes carry a
label, the number of people they stand for and the longest queue among them;
`org_figure(view)` draws it. Large companies are aggregated so the picture
stays readable and fast: a hierarchy shows managers only (each box stands for
the manager and the staff reporting directly to them), and only the top levels
when even that is too many; a holacracy shows circles, sized by members.
A hybrid shows its hierarchy with the e-commerce circles hanging under the
e-commerce head.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

SHOW_EVERYONE_UP_TO = 60  # employees: above this a hierarchy shows managers only
MAX_NODES = 250  # above this a hierarchy shows only its top levels


@dataclass
class OrgView:
    """A drawable picture of the structure: graph, positions and what was aggregated."""

    kind: str  # "hierarchy", "circles" or "hybrid"
    graph: nx.DiGraph
    pos: dict
    note: str  # how the picture aggregates the company, in plain words
    bottleneck: str  # who has the longest queue, in plain words
    max_backlog: int = 0
    people: int = 0
    labels: dict = field(default_factory=dict)


def _queue(employee) -> int:
    return employee.backlog


def org_view(model, max_nodes: int = MAX_NODES) -> OrgView:
    """Read the model's current structure into an OrgView (call under the session's lock)."""
    structure = model.structure
    if structure.name == "holacracy":
        view = _circles_view(model)
    else:
        view = _hierarchy_view(model, max_nodes, hybrid=structure.name == "hybrid")
    view.people = len(model.employees)
    worst = max(model.employees, key=_queue)
    if _queue(worst) == 0:
        view.bottleneck = "No queues right now: nobody has work waiting."
    else:
        where = f"circle {worst.circle.name}" if worst.circle is not None else worst.unit
        role = "general manager" if worst.manager is None and structure.name != "holacracy" else (
            ", ".join(worst.roles) or "staff"
        )
        view.bottleneck = (
            f"Longest queue: employee {worst.unique_id} ({role}, {where}) with {_queue(worst)} item(s) waiting."
        )
    view.max_backlog = max((d["backlog"] for _, d in view.graph.nodes(data=True)), default=0)
    return view


# --------------------------------------------------------------------------- hierarchy


def _hierarchy_view(model, max_nodes: int, hybrid: bool) -> OrgView:
    employees = model.employees
    everyone = len(employees) <= SHOW_EVERYONE_UP_TO
    circles = list(getattr(model.structure, "circles", [])) if hybrid else []
    boundary = model.units["ecommerce"].head if hybrid and "ecommerce" in model.units else None
    in_circles = {id(m) for c in circles for m in c.members if m is not boundary}

    def shown(e) -> bool:
        if id(e) in in_circles:
            return False
        return everyone or bool(e.reports) or e.manager is None

    candidates = [e for e in employees if shown(e)]
    depth = max((e.level or 0) for e in candidates) if candidates else 0
    while depth > 1 and sum(1 for e in candidates if (e.level or 0) <= depth) > max_nodes:
        depth -= 1
    nodes = [e for e in candidates if (e.level or 0) <= depth]
    shown_ids = {id(e) for e in nodes}
    cut = depth < max((e.level or 0) for e in candidates) if candidates else False

    graph = nx.DiGraph()
    for e in nodes:
        # Everyone below `e` who is not drawn and not in a drawn circle is represented by `e`.
        hidden = _hidden_below(e, shown_ids, in_circles)
        backlog = max([_queue(e), *(_queue(h) for h in hidden)])
        head = model.units[e.unit].head is e
        label = "GM" if e.manager is None else (e.unit if head else "")
        graph.add_node(e.unique_id, label=label, people=1 + len(hidden), backlog=backlog, unit=e.unit, shape="o")
        if e.manager is not None and id(e.manager) in shown_ids:
            graph.add_edge(e.manager.unique_id, e.unique_id)
    if boundary is not None and id(boundary) in shown_ids:
        for circle in circles:
            key = f"circle:{circle.name}"
            backlog = max(_queue(m) for m in circle.members)
            backlog = max(backlog, len(circle.tensions))
            graph.add_node(key, label=circle.name, people=len(circle.members), backlog=backlog, unit="ecommerce", shape="s")
            graph.add_edge(boundary.unique_id, key)

    pos = _tree_layout(graph)
    if everyone:
        note = "Each dot is one person; lines run from manager to report."
    elif cut:
        note = (
            f"{len(employees):,} people: only managers down to level {depth} are drawn; each dot stands for a manager "
            "and everyone below them, sized by that team."
        )
    else:
        note = "Managers only: each dot stands for a manager and the staff reporting to them, sized by that team."
    if circles:
        note += " Squares are the self-organizing e-commerce circles (hybrid)."
    return OrgView("hybrid" if hybrid else "hierarchy", graph, pos, note, "")


def _hidden_below(employee, shown_ids, skip_ids) -> list:
    hidden, stack = [], list(employee.reports)
    while stack:
        e = stack.pop()
        if id(e) in shown_ids or id(e) in skip_ids:
            continue
        hidden.append(e)
        stack.extend(e.reports)
    return hidden


def _tree_layout(graph: nx.DiGraph) -> dict:
    """Leaves evenly spaced left to right, parents centred over their children, depth downward."""
    roots = [n for n in graph.nodes if graph.in_degree(n) == 0]
    pos: dict = {}
    next_x = [0.0]

    def place(node, depth):
        children = sorted(graph.successors(node), key=lambda c: (str(graph.nodes[c]["unit"]), str(c)))
        if not children:
            x = next_x[0]
            next_x[0] += 1.0
        else:
            xs = [place(child, depth + 1) for child in children]
            x = (xs[0] + xs[-1]) / 2
        pos[node] = (x, -depth)
        return x

    for root in roots:
        place(root, 0)  # depth grows with log(size): no recursion limit in sight
    return pos


# --------------------------------------------------------------------------- holacracy


def _circles_view(model) -> OrgView:
    structure = model.structure
    anchor = structure.anchor
    others = [c for c in structure.circles if c is not anchor]
    graph = nx.DiGraph()
    for circle in structure.circles:
        backlog = max([len(circle.tensions), *(_queue(m) for m in circle.members)])
        graph.add_node(
            f"circle:{circle.name}",
            label=circle.name,
            people=len(circle.members),
            backlog=backlog,
            unit=circle.unit,
            shape="o",
        )
    for circle in others:
        graph.add_edge(f"circle:{anchor.name}", f"circle:{circle.name}")
    pos = {f"circle:{anchor.name}": (0.0, 0.0)}
    ordered = sorted(others, key=lambda c: (c.unit, c.name))
    for index, circle in enumerate(ordered):
        angle = 2 * math.pi * index / max(1, len(ordered))
        pos[f"circle:{circle.name}"] = (math.cos(angle), math.sin(angle))
    note = (
        "Each disc is a circle, sized by its members; the anchor circle (general manager and every lead link) "
        "sits in the middle."
    )
    return OrgView("circles", graph, pos, note, "")


# --------------------------------------------------------------------------- drawing


def org_figure(view: OrgView, width: float = 7.5, height: float = 4.2) -> Figure:
    """Draw the view: colour = longest queue at that node (yellow empty, dark red long)."""
    figure = Figure(figsize=(width, height), dpi=100)  # fixed axes: faster than a layout engine
    ax = figure.add_axes((0.0, 0.02, 0.86, 0.96))
    graph, pos = view.graph, view.pos
    ax.set_axis_off()
    if not graph.nodes:
        ax.text(0.5, 0.5, "nothing to draw", ha="center", va="center", transform=ax.transAxes)
        return figure
    segments = [(pos[a], pos[b]) for a, b in graph.edges]
    ax.add_collection(LineCollection(segments, colors="#b0b0b0", linewidths=0.6, zorder=1))
    vmax = max(4, view.max_backlog)
    largest = max(d["people"] for _, d in graph.nodes(data=True))
    base = 900 if view.kind == "circles" else 260
    scale = base / max(1.0, largest) ** 0.5
    artist = None
    for shape in ("o", "s"):
        nodes = [n for n, d in graph.nodes(data=True) if d["shape"] == shape]
        if not nodes:
            continue
        xs = [pos[n][0] for n in nodes]
        ys = [pos[n][1] for n in nodes]
        sizes = [max(12.0, scale * graph.nodes[n]["people"] ** 0.5) for n in nodes]
        colours = [graph.nodes[n]["backlog"] for n in nodes]
        artist = ax.scatter(
            xs, ys, s=sizes, c=colours, cmap="YlOrRd", vmin=0, vmax=vmax, marker=shape,
            edgecolors="#555555", linewidths=0.5, zorder=2,
        )
    if len(graph) <= 45:
        labelled = sorted((pos[n][1], pos[n][0], d["label"]) for n, d in graph.nodes(data=True) if d["label"])
        for index, (y, x, label) in enumerate(labelled):
            lift = 7 + 9 * (index % 2)  # alternate heights so neighbours' names do not overlap
            ax.annotate(label, (x, y), xytext=(0, lift), textcoords="offset points", ha="center", fontsize=7, zorder=3)
    worst = max(graph.nodes, key=lambda n: graph.nodes[n]["backlog"])
    if graph.nodes[worst]["backlog"] > 0:
        x, y = pos[worst]
        ax.annotate("longest queue", (x, y), xytext=(12, -14), textcoords="offset points", fontsize=8,
                    color="#8b0000", arrowprops={"arrowstyle": "-", "color": "#8b0000"}, zorder=4)
    ax.margins(0.06)
    if artist is not None:
        bar = figure.colorbar(artist, cax=figure.add_axes((0.88, 0.1, 0.02, 0.8)))
        bar.set_label("items waiting (longest queue)")
    return figure
