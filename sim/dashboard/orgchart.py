"""The org chart a structure declares, as a network coloured by backlog.

Each structure says what its chart shows (`Structure.org_chart`: boxes, who
hangs under whom, a layout and a note); `org_view(model)` turns that into a
networkx graph whose nodes carry a label, the number of people they stand for
and the longest queue among them, and lays it out; `org_figure(view)` draws it.
Structures aggregate large companies so the picture stays readable and fast.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from PIL import Image

MAX_NODES = 250  # boxes a chart may show; structures aggregate beyond it
MARKERS = {"round": "o", "square": "s", "diamond": "D"}
# The area of the largest box, in points squared: a few discs in a ring can be large, a tree's many must be small.
LARGEST_AREA = {"tree": 260, "radial": 900}
X_MARGIN = 0.06  # of the boxes' width, on each side
NAME_LIFTS = (7, 16, 25)  # heights above a box, in points, at which its name may be written
NAME_PT_PER_CHARACTER = 4.2  # about the width of a character of the 7-point names


@dataclass
class OrgView:
    """A drawable picture of the structure: graph, positions and what was aggregated."""

    kind: str  # names the picture for the page, e.g. "hierarchy", "circles", "hybrid"
    title: str  # e.g. "Org chart", "Circles"
    layout: str  # "tree" or "radial"
    graph: nx.DiGraph
    pos: dict
    note: str  # how the picture aggregates the company, in plain words
    bottleneck: str  # the box with the longest queue (the one the picture marks), in plain words
    worst: object = None  # that box's key, None when nothing waits anywhere
    max_backlog: int = 0
    people: int = 0


def org_view(model, max_nodes: int = MAX_NODES) -> OrgView:
    """Read the chart the model's current structure declares into an OrgView (call under the session's lock)."""
    chart = model.structure.org_chart(max_nodes)
    graph = nx.DiGraph()
    for box in chart.boxes:
        graph.add_node(box.key, label=box.label, people=box.people, backlog=box.backlog, unit=box.unit,
                       shape=MARKERS[box.shape], name=box_name(box))
    graph.add_edges_from((box.parent, box.key) for box in chart.boxes if box.parent is not None)
    pos = LAYOUTS[chart.layout](graph)
    worst = longest_queue(graph)
    max_backlog = graph.nodes[worst]["backlog"] if worst is not None else 0
    return OrgView(chart.kind, chart.title, chart.layout, graph, pos, chart.note, bottleneck(graph, worst), worst,
                   max_backlog, len(model.employees))


def longest_queue(graph: nx.DiGraph):
    """The box the colour marks darkest: the longest queue of the chart (None when nothing waits).

    The caption and the picture both name this box, so they cannot disagree: a circle's agenda of
    tensions counts as its queue in the colour, and so in the caption too.
    """
    worst = max(graph.nodes, key=lambda n: graph.nodes[n]["backlog"], default=None)
    return worst if worst is not None and graph.nodes[worst]["backlog"] > 0 else None


def box_name(box) -> str:
    """A box in plain words: a circle, a person, or a manager with the people they stand for."""
    if str(box.key).startswith("circle:"):
        return f"circle {box.label} (its agenda of tensions or a member's queue)"
    if box.label == "GM":
        who = "the general manager"
    elif box.label == box.unit:
        who = f"the head of {box.unit}"
    else:
        who = f"the {box.label}" if box.label else f"someone in {box.unit}"
    return who if box.people == 1 else f"{who} or one of the {box.people - 1:,} people under them"


def bottleneck(graph: nx.DiGraph, worst) -> str:
    """The caption for the box the picture marks."""
    if worst is None:
        return "No queues right now: nobody has work waiting."
    node = graph.nodes[worst]
    return f"Longest queue (marked on the chart): {node['name']}, with {node['backlog']} item(s) waiting."


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


def color_top(view: OrgView) -> int:
    """The queue length drawn darkest red (at least 4, so a queue of one is not alarming)."""
    return max(4, view.max_backlog)


def org_figure(view: OrgView, width: float = 7.5, height: float = 4.2) -> Figure:
    """Draw the view: colour = longest queue at that node, from yellow (nothing waits) to dark red (`color_top`)."""
    figure = Figure(figsize=(width, height), dpi=100)  # fixed axes: faster than a layout engine
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    graph, pos = view.graph, view.pos
    ax.set_axis_off()
    if not graph.nodes:
        ax.text(0.5, 0.5, "nothing to draw", ha="center", va="center", transform=ax.transAxes)
        return figure
    segments = [(pos[a], pos[b]) for a, b in graph.edges]
    ax.add_collection(LineCollection(segments, colors="#b0b0b0", linewidths=0.6, zorder=1))
    vmax = color_top(view)
    largest = max(d["people"] for _, d in graph.nodes(data=True))
    scale = LARGEST_AREA[view.layout] / max(1.0, largest) ** 0.5
    room = _room_in_row(pos, width * 72.0) if view.layout == "tree" else {}
    for nodes in _boxes_by_shape(graph):
        shape = graph.nodes[nodes[0]]["shape"]
        xs = [pos[n][0] for n in nodes]
        ys = [pos[n][1] for n in nodes]
        sizes = [min(max(12.0, scale * graph.nodes[n]["people"] ** 0.5), room.get(n, math.inf)) for n in nodes]
        colours = [graph.nodes[n]["backlog"] for n in nodes]
        ax.scatter(
            xs, ys, s=sizes, c=colours, cmap="YlOrRd", vmin=0, vmax=vmax, marker=shape,
            edgecolors="#555555", linewidths=0.5, zorder=2,
        )
    if len(graph) <= 45:
        for (x, y), label, lift in _name_places(graph, pos, width * 72.0):
            ax.annotate(label, (x, y), xytext=(0, lift), textcoords="offset points", ha="center", fontsize=7, zorder=3)
    mark = ax.annotate("longest queue", (0, 0), xytext=(12, -14), textcoords="offset points", fontsize=8,
                       color="#8b0000", arrowprops={"arrowstyle": "-", "color": "#8b0000"}, zorder=4)
    _place_mark(mark, view)
    ax.margins(X_MARGIN, 0.1)  # no colour bar: the caption gives the scale, and the figure draws twice as fast
    return figure


def _name_places(graph: nx.DiGraph, pos: dict, width_pt: float) -> list:
    """Where the boxes' names go: ((x, y), name, lift in points) above each box, at the lowest of a few heights
    where the name clears its left neighbour's; a name that fits at none is left out rather than overprinted."""
    per_unit = width_pt / _x_span(pos)
    places, right_ends = [], {}  # (row, lift) -> where the last name placed there ends, in points
    for y, x, label in sorted((pos[n][1], pos[n][0], d["label"]) for n, d in graph.nodes(data=True) if d["label"]):
        half = len(label) * NAME_PT_PER_CHARACTER / 2 + 2.0
        left = x * per_unit - half
        lift = next((lift for lift in NAME_LIFTS if right_ends.get((y, lift), -math.inf) < left), None)
        if lift is not None:
            right_ends[(y, lift)] = x * per_unit + half
            places.append(((x, y), label, lift))
    return places


def _x_span(pos: dict) -> float:
    """The width the axes show, in units of x: the boxes' extent and the margins beside it."""
    xs = [x for x, _ in pos.values()]
    return (max(xs) - min(xs)) * (1 + 2 * X_MARGIN) or 1.0


def _room_in_row(pos: dict, width_pt: float) -> dict:
    """The largest marker area (points squared) each box of a tree may have without touching its neighbours in
    its row: a row of many teams gets small markers rather than a smear of overlapping ones."""
    per_unit = width_pt / _x_span(pos)  # points per unit of x: the axes fill the figure's width
    rows: dict = {}
    for node, (x, y) in pos.items():
        rows.setdefault(y, []).append((x, node))
    room = {}
    for row in rows.values():
        row.sort(key=lambda item: item[0])
        for index, (x, node) in enumerate(row):
            gaps = [abs(x - row[j][0]) for j in (index - 1, index + 1) if 0 <= j < len(row)]
            if gaps:
                room[node] = (0.9 * min(gaps) * per_unit) ** 2
    return room


def _place_mark(mark, view: OrgView) -> None:
    """Point the "longest queue" mark at the box the caption names; hide it when nothing waits."""
    mark.set_visible(view.worst is not None)
    if view.worst is not None:
        mark.xy = view.pos[view.worst]
        right_half = mark.xy[0] > sum(x for x, _ in view.pos.values()) / len(view.pos)
        mark.xyann = (-80 if right_half else 12, -14)  # written towards the middle, not off the edge


def _boxes_by_shape(graph: nx.DiGraph) -> list[list]:
    """The boxes of each marker shape, in drawing order (one scatter per shape)."""
    groups = [[n for n, d in graph.nodes(data=True) if d["shape"] == shape] for shape in MARKERS.values()]
    return [group for group in groups if group]


class OrgImage:
    """The org chart as PNG, for one arrangement of boxes: lines and names are drawn once, then only colours.

    `fits(view)` says whether a new view has the same boxes in the same places; if not, make a new one.
    """

    def __init__(self, view: OrgView, width: float, height: float):
        self.key = self.key_of(view)
        self.figure = org_figure(view, width, height)
        ax = self.figure.axes[0]
        self.dots = list(ax.collections[1:])  # one scatter per shape; the first collection holds the lines
        self.mark = next(text for text in ax.texts if text.get_text() == "longest queue")
        self.names = [text for text in ax.texts if text is not self.mark]  # drawn over the dots, as in org_figure
        for artist in (*self.dots, *self.names, self.mark):
            artist.set_animated(True)  # left out of the background
        self.canvas = FigureCanvasAgg(self.figure)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    @staticmethod
    def key_of(view: OrgView) -> tuple:
        graph = view.graph
        return view.layout, tuple((n, d["people"]) for n, d in graph.nodes(data=True)), tuple(graph.edges)

    def fits(self, view: OrgView) -> bool:
        return self.key == self.key_of(view)

    def png(self, view: OrgView) -> bytes:
        self.canvas.restore_region(self.background)
        for dots, boxes in zip(self.dots, _boxes_by_shape(view.graph)):
            dots.set_array(np.array([view.graph.nodes[n]["backlog"] for n in boxes], dtype=float))
            dots.set_clim(0, color_top(view))
            self.mark.axes.draw_artist(dots)
        _place_mark(self.mark, view)
        for text in (*self.names, self.mark):
            self.mark.axes.draw_artist(text)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
