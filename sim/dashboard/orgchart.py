"""The org chart a structure declares, as a network coloured by backlog.

Each structure says what its chart shows (`Structure.org_chart`: boxes, who
hangs under whom, a layout and a note); `org_view(model)` turns that into a
networkx graph whose nodes carry a label, the number of people they stand for
and the longest queue among them, and lays it out; `org_figure(view)` draws it.
Structures aggregate large companies so the picture stays readable and fast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

MAX_NODES = 250  # boxes a chart may show; structures aggregate beyond it
MARKERS = {"round": "o", "square": "s"}
# The area of the largest box, in points squared: a few discs in a ring can be large, a tree's many must be small.
LARGEST_AREA = {"tree": 260, "radial": 900}


@dataclass
class OrgView:
    """A drawable picture of the structure: graph, positions and what was aggregated."""

    kind: str  # names the picture for the page, e.g. "hierarchy", "circles", "hybrid"
    title: str  # e.g. "Org chart", "Circles"
    layout: str  # "tree" or "radial"
    graph: nx.DiGraph
    pos: dict
    note: str  # how the picture aggregates the company, in plain words
    bottleneck: str  # who has the longest queue, in plain words
    max_backlog: int = 0
    people: int = 0


def org_view(model, max_nodes: int = MAX_NODES) -> OrgView:
    """Read the chart the model's current structure declares into an OrgView (call under the session's lock)."""
    chart = model.structure.org_chart(max_nodes)
    graph = nx.DiGraph()
    for box in chart.boxes:
        graph.add_node(box.key, label=box.label, people=box.people, backlog=box.backlog, unit=box.unit,
                       shape=MARKERS[box.shape])
    graph.add_edges_from((box.parent, box.key) for box in chart.boxes if box.parent is not None)
    pos = LAYOUTS[chart.layout](graph)
    max_backlog = max((d["backlog"] for _, d in graph.nodes(data=True)), default=0)
    return OrgView(chart.kind, chart.title, chart.layout, graph, pos, chart.note, bottleneck(model.employees),
                   max_backlog, len(model.employees))


def bottleneck(employees) -> str:
    """Who has the longest queue, in plain words."""
    worst = max(employees, key=lambda e: e.backlog)
    if worst.backlog == 0:
        return "No queues right now: nobody has work waiting."
    where = f"circle {worst.circle.name}" if worst.circle is not None else worst.unit
    role = "general manager" if worst.level == 0 else (", ".join(worst.roles) or "staff")
    return f"Longest queue: employee {worst.unique_id} ({role}, {where}) with {worst.backlog} item(s) waiting."


# --------------------------------------------------------------------------- layouts


def _children(graph: nx.DiGraph, node) -> list:
    """A node's children in drawing order: unit by unit."""
    return sorted(graph.successors(node), key=lambda c: (str(graph.nodes[c]["unit"]), str(c)))


def tree_layout(graph: nx.DiGraph) -> dict:
    """Leaves evenly spaced left to right, parents centred over their children, depth downward."""
    roots = [n for n in graph.nodes if graph.in_degree(n) == 0]
    pos: dict = {}
    next_x = [0.0]

    def place(node, depth):
        children = _children(graph, node)
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


def radial_layout(graph: nx.DiGraph) -> dict:
    """The root in the middle, everything one level below it evenly around a circle, the next levels further out."""
    roots = [n for n in graph.nodes if graph.in_degree(n) == 0]
    rings: list[list] = [roots]
    while True:
        ring = [child for node in rings[-1] for child in _children(graph, node)]
        if not ring:
            break
        rings.append(ring)
    pos: dict = {}
    for radius, ring in enumerate(rings if len(roots) == 1 else [[], *rings]):
        if radius == 0:
            pos.update({node: (0.0, 0.0) for node in ring})
            continue
        for index, node in enumerate(ring):
            angle = 2 * math.pi * index / max(1, len(ring))
            pos[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


LAYOUTS = {"tree": tree_layout, "radial": radial_layout}


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
    scale = LARGEST_AREA[view.layout] / max(1.0, largest) ** 0.5
    artist = None
    for shape in MARKERS.values():
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
