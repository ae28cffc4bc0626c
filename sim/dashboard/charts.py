"""Matplotlib figures of what the company did: metrics over time, loss reasons, comparisons.

Each function takes plain data (a DataFrame of daily observations with the
DAILY_REPORTERS columns, or a summary dict) and returns a `Figure`; none uses
pyplot, so nothing is shared between sessions or leaks.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim import metrics
from sim.structures import colour_of as structure_colour

OUTCOME_KEYS = tuple(metrics.OUTCOME_LOOK)  # every inquiry ends in one of these, or is still open
OUTCOME_LABELS = {key: label for key, (label, _) in metrics.OUTCOME_LOOK.items()}
OUTCOME_COLOURS = {key: colour for key, (_, colour) in metrics.OUTCOME_LOOK.items()}


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
    """Decision time, conflicts and conversion by day, side by side.

    The figure is built once per company and only its data change each day:
    building matplotlib axes costs more than drawing them.
    """

    def __init__(self, horizon_days: int):
        self.horizon_days = horizon_days
        figure, axes = _figure(10.5, 2.7, 1, 3)
        self.figure = figure
        self.axes = ax_decision, ax_conflict, ax_conversion = axes[0]
        self.decision = ax_decision.plot([], [], color="#1f77b4", marker=".", markersize=3)[0]
        self.new = ax_conflict.plot([], [], color="#ff9f4a", drawstyle="steps-mid", label="new that day")[0]
        self.open = ax_conflict.plot([], [], color="#d62728", marker=".", markersize=3, label="open")[0]
        self.conversion = ax_conversion.plot([], [], color="#2ca02c", marker=".", markersize=3)[0]
        ax_decision.set_title("Decision time (h, that day's mean)", fontsize=9)
        ax_conflict.set_title("Conflicts", fontsize=9)
        ax_conflict.legend(fontsize=7, loc="upper left")
        ax_conversion.set_title("Conversion (share of answered that bought)", fontsize=9)
        ax_conversion.set_ylim(0, 1)
        for ax in self.axes:
            ax.set_xlabel("working day", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        self.hint = [ax.text(0.5, 0.5, "press Step or Play", ha="center", va="center", transform=ax.transAxes,
                             color="#888888") for ax in self.axes]

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
            ax.set_ylim(0, max(1.0, top * 1.08))
        return self.figure


def timeseries_figure(frame: pd.DataFrame, horizon_days: int) -> Figure:
    """Decision time, conflicts and conversion by day (a new figure; the page reuses a TimeSeriesChart)."""
    return TimeSeriesChart(horizon_days).draw(frame)


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
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
