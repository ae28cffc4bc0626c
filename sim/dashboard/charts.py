"""Matplotlib figures of what the company did: metrics over time, loss reasons, comparisons.

Each function takes plain data (a DataFrame of daily observations with the
DAILY_REPORTERS columns, or a summary dict) and returns a `Figure`; none uses
pyplot, so nothing is shared between sessions or leaks.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from PIL import Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim import metrics
from sim.structures import colour_of as structure_colour

OUTCOME_KEYS = tuple(metrics.OUTCOME_LOOK)  # every inquiry ends in one of these, or is still open
OUTCOME_LABELS = {key: label for key, (label, _) in metrics.OUTCOME_LOOK.items()}
OUTCOME_COLOURS = {key: colour for key, (_, colour) in metrics.OUTCOME_LOOK.items()}
CONVERSION = "share of all inquiries that bought"  # the summary's conversion_rate: open ones count as not bought


def outcome_shares(summary: dict) -> dict[str, tuple[int, float]]:
    """How many inquiries ended each way (still open last), and their share of all inquiries.

    The denominator is the summary's `inquiries`, as for `conversion_rate`: the bar of those who
    bought shows the same share as the conversion card.
    """
    total = summary.get("inquiries") or 0
    counts = {key: int(summary.get(key) or 0) for key in OUTCOME_KEYS}
    return {key: (count, count / total if total else float("nan")) for key, count in counts.items()}


def _figure(width: float, height: float, rows: int = 1, cols: int = 1, margins: dict | None = None, **kwargs):
    # Fixed margins: matplotlib's constrained layout would double the drawing time of every update.
    figure = Figure(figsize=(width, height), dpi=100)
    axes = figure.subplots(rows, cols, squeeze=False, **kwargs)
    figure.subplots_adjust(**{"left": 0.06, "right": 0.99, "bottom": 0.17, "top": 0.88, "wspace": 0.25, **(margins or {})})
    return figure, axes


def conflicts_per_day(frame: pd.DataFrame) -> pd.Series:
    """New conflicts each day (the reporter counts them cumulatively)."""
    return frame["conflicts"].diff().fillna(frame["conflicts"]).astype(float)


class TimeSeriesChart:
    """Decision time, conflicts and conversion by day, one above the other on a shared day axis.

    The figure is built once per company and only its data change each day:
    building matplotlib axes costs more than drawing them. `reorganization`
    (day, new structure) marks the day the scenario switches structure.
    """

    def __init__(self, horizon_days: int, reorganization: tuple[int, str] | None = None):
        self.horizon_days = horizon_days
        figure, axes = _figure(5.6, 3.7, 3, 1, margins={"left": 0.09, "right": 0.98, "bottom": 0.1, "top": 0.94,
                                                         "hspace": 0.42}, sharex=True)
        self.figure = figure
        self.axes = ax_decision, ax_conflict, ax_conversion = axes[:, 0]
        # No markers and few ticks: every update draws this figure again, and each costs time.
        self.decision = ax_decision.plot([], [], color="#1f77b4")[0]
        self.new = ax_conflict.plot([], [], color="#ff9f4a", drawstyle="steps-mid", label="new that day")[0]
        self.open = ax_conflict.plot([], [], color="#d62728", label="open")[0]
        self.conversion = ax_conversion.plot([], [], color="#2ca02c")[0]
        ax_decision.set_title("Decision time (h, that day's mean)", fontsize=8, loc="left")
        ax_conflict.set_title("Conflicts", fontsize=8, loc="left")
        self.legend = ax_conflict.legend(fontsize=7, loc="upper left", ncols=2)
        ax_conversion.set_title(f"Conversion ({CONVERSION})", fontsize=8, loc="left")
        ax_conversion.set_ylim(0, 1)
        ax_conversion.set_xlabel("working day", fontsize=8)
        for ax in self.axes:
            ax.tick_params(labelsize=7)
            ax.yaxis.set_major_locator(MaxNLocator(3))
            ax.grid(alpha=0.3)
        if reorganization is not None:
            day, structure = reorganization
            for ax in self.axes:
                ax.axvline(day, color="#6a3d9a", linestyle="--", linewidth=1)
            ax_decision.annotate(f"day {day}: reorganized into {structure}", (day, 1), xycoords=("data", "axes fraction"),
                                 xytext=(3, -9), textcoords="offset points", fontsize=7, color="#6a3d9a")
        self.hint = [ax.text(0.5, 0.5, "press Step or Play", ha="center", va="center", transform=ax.transAxes,
                             color="#888888") for ax in self.axes]
        self._canvas = FigureCanvasAgg(figure)  # `png` keeps the drawn axes here and draws only the lines
        self._background = None
        self._axes_drawn = None

    def draw(self, frame: pd.DataFrame) -> Figure:
        day = frame["day"].to_numpy(dtype=float)
        self.decision.set_data(day, frame["decision_time_mean_h"].to_numpy(dtype=float))
        self.new.set_data(day, conflicts_per_day(frame).to_numpy(dtype=float))
        self.open.set_data(day, frame["conflicts_open"].to_numpy(dtype=float))
        self.conversion.set_data(day, frame["conversion_rate"].to_numpy(dtype=float))
        right = max(float(day.max()) if len(day) else 0.0, float(self.horizon_days))
        for ax, hint in zip(self.axes, self.hint):
            hint.set_visible(not len(day))
            ax.set_xlim(0, right)
        for ax, lines in ((self.axes[0], [self.decision]), (self.axes[1], [self.new, self.open])):
            values = np.concatenate([line.get_ydata() for line in lines]) if len(day) else np.array([])
            top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
            ax.set_ylim(0, nice_top(top * 1.08))
        return self.figure

    def png(self, frame: pd.DataFrame) -> bytes:
        """The chart as PNG: while the axes stay as they were, only the lines are drawn again.

        Axes, ticks and titles cost most of a drawing; the top of each axis is rounded up to a round
        number, so they change only now and then while the days come in.
        """
        self.draw(frame)
        moving = (self.decision, self.new, self.open, self.conversion, self.legend)  # the legend over the lines
        axes_now = (tuple(ax.get_ylim() for ax in self.axes), tuple(hint.get_visible() for hint in self.hint))
        if axes_now != self._axes_drawn:
            for artist in moving:
                artist.set_animated(True)  # left out of the background
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
            self._axes_drawn = axes_now
        else:
            self._canvas.restore_region(self._background)
        for artist in moving:
            artist.axes.draw_artist(artist)
        width, height = self._canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self._canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (at least 1)."""
    if not math.isfinite(value) or value <= 1.0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1.0, 2.0, 2.5, 5.0, 10.0) if step * power >= value - 1e-12)


def timeseries_figure(frame: pd.DataFrame, horizon_days: int, reorganization: tuple[int, str] | None = None) -> Figure:
    """Decision time, conflicts and conversion by day (a new figure; the page reuses a TimeSeriesChart)."""
    return TimeSeriesChart(horizon_days, reorganization).draw(frame)


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # The least compression: the bytes stay on this machine's network, the time is every update's.
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


COMPARE_SERIES = (
    ("decision_time_mean_h", "Decision time (h, 5-day mean)"),
    ("conflicts_open", "Open conflicts"),
    ("conversion_rate", "Conversion rate (cumulative)"),
    ("backlog", "Work waiting in all queues"),
)


def compare_figure(frames: dict[str, pd.DataFrame]) -> Figure:
    """Each structure's daily metrics on shared axes, one panel per metric."""
    figure, axes = _figure(10.5, 5.0, 2, 2, margins={"bottom": 0.09, "top": 0.94, "hspace": 0.3, "wspace": 0.15}, sharex=True)
    for ax, (column, title) in zip(axes.flat, COMPARE_SERIES):
        for name, frame in frames.items():
            series = frame[column]
            if column == "decision_time_mean_h":
                series = series.rolling(5, min_periods=1).mean()
            ax.plot(frame["day"], series, label=name, color=structure_colour(name))
        ax.set_title(title, fontsize=9)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        if column == "conversion_rate":
            ax.set_ylim(0, 1)
        else:
            ax.set_ylim(bottom=0)
    axes[0][0].legend(fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel("working day", fontsize=8)
    return figure


COMPARE_BARS = ("decision_time_mean_h", "conflicts_per_100_staff_month", "conversion_rate", "revenue_per_employee")


def compare_bars(summaries: dict[str, dict]) -> Figure:
    """The headline metrics of each structure, one small bar chart per metric."""
    figure, axes = _figure(10.5, 2.4, 1, len(COMPARE_BARS), margins={"bottom": 0.12, "top": 0.86, "wspace": 0.4})
    names = list(summaries)
    for ax, key in zip(axes[0], COMPARE_BARS):
        values = [summaries[n][key] for n in names]
        values = [0.0 if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values]
        ax.bar(names, values, color=[structure_colour(n) for n in names])
        ax.set_title(metrics.label(key), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
    return figure
