"""Matplotlib figures of what the company did: metrics over time, loss reasons, comparisons.

Each function takes plain data (a DataFrame of daily observations with the
DAILY_REPORTERS columns, or a summary dict) and returns a `Figure`; none uses
pyplot, so nothing is shared between sessions or leaks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

STRUCTURE_COLOURS = {"hierarchy": "#1f77b4", "holacracy": "#2ca02c", "hybrid": "#9467bd"}
OUTCOME_LABELS = {
    "converted": "bought",
    "lost_price": "lost: price",
    "lost_product": "lost: product",
    "lost_slow": "lost: too slow",
    "lost_dealer": "lost: dealer",
    "open_at_end": "still open",
}
OUTCOME_COLOURS = {
    "converted": "#2ca02c",
    "lost_price": "#d62728",
    "lost_product": "#ff7f0e",
    "lost_slow": "#8c564b",
    "lost_dealer": "#7f7f7f",
    "open_at_end": "#c7c7c7",
}


def _figure(width: float, height: float, rows: int = 1, cols: int = 1, **kwargs):
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.subplots(rows, cols, squeeze=False, **kwargs)


def conflicts_per_day(frame: pd.DataFrame) -> pd.Series:
    """New conflicts each day (the reporter counts them cumulatively)."""
    return frame["conflicts"].diff().fillna(frame["conflicts"]).astype(float)


def timeseries_figure(frame: pd.DataFrame, horizon_days: int) -> Figure:
    """Decision time, conflicts and conversion by day, side by side."""
    figure, axes = _figure(10.5, 2.7, 1, 3)
    ax_decision, ax_conflict, ax_conversion = axes[0]
    day = frame["day"]
    right = max(float(day.max()) if len(day) else 0.0, float(horizon_days))
    ax_decision.plot(day, frame["decision_time_mean_h"], color="#1f77b4", marker="." if len(day) < 30 else None)
    ax_decision.set_title("Decision time (h, that day's mean)", fontsize=9)
    ax_conflict.bar(day, conflicts_per_day(frame), width=0.8, color="#ffbb78", label="new that day")
    ax_conflict.plot(day, frame["conflicts_open"], color="#d62728", label="open")
    ax_conflict.set_title("Conflicts", fontsize=9)
    if len(day):
        ax_conflict.legend(fontsize=7, loc="upper left")
    ax_conversion.plot(day, frame["conversion_rate"], color="#2ca02c")
    ax_conversion.set_ylim(0, 1)
    ax_conversion.set_title("Conversion (share of answered inquiries that bought)", fontsize=9)
    for ax in axes[0]:
        ax.set_xlim(0, right)
        ax.set_xlabel("working day", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if not len(day):
            ax.text(0.5, 0.5, "press Step or Play", ha="center", va="center", transform=ax.transAxes, color="#888888")
    ax_decision.set_ylim(bottom=0)
    ax_conflict.set_ylim(bottom=0)
    return figure


def loss_figure(summary: dict) -> Figure:
    """Where the inquiries went: bought, lost (by reason), still open."""
    figure, axes = _figure(4.6, 2.7)
    ax = axes[0][0]
    keys = list(OUTCOME_LABELS)
    values = [summary.get(k, 0) or 0 for k in keys]
    positions = np.arange(len(keys))[::-1]
    ax.barh(positions, values, color=[OUTCOME_COLOURS[k] for k in keys])
    ax.set_yticks(positions, [OUTCOME_LABELS[k] for k in keys], fontsize=8)
    total = sum(values)
    for y, value in zip(positions, values):
        if total:
            ax.text(value, y, f" {value:,} ({value / total:.0%})", va="center", fontsize=7)
    ax.set_xlim(0, max(1, max(values)) * 1.35)
    ax.set_xlabel("inquiries", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title("What became of the inquiries", fontsize=9)
    return figure


COMPARE_SERIES = (
    ("decision_time_mean_h", "Decision time (h, 5-day mean)"),
    ("conflicts_open", "Open conflicts"),
    ("conversion_rate", "Conversion rate (cumulative)"),
    ("backlog", "Work waiting in all queues"),
)


def compare_figure(frames: dict[str, pd.DataFrame]) -> Figure:
    """Each structure's daily metrics on shared axes, one panel per metric."""
    figure, axes = _figure(10.5, 5.0, 2, 2, sharex=True)
    for ax, (column, title) in zip(axes.flat, COMPARE_SERIES):
        for name, frame in frames.items():
            series = frame[column]
            if column == "decision_time_mean_h":
                series = series.rolling(5, min_periods=1).mean()
            ax.plot(frame["day"], series, label=name, color=STRUCTURE_COLOURS.get(name))
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


COMPARE_BARS = (
    ("decision_time_mean_h", "Decision time (h)"),
    ("conflicts_per_100_staff_month", "Conflicts / 100 staff / month"),
    ("conversion_rate", "Conversion rate"),
    ("revenue_per_employee", "Revenue per employee"),
)


def compare_bars(summaries: dict[str, dict]) -> Figure:
    """The headline metrics of each structure, one small bar chart per metric."""
    figure, axes = _figure(10.5, 2.4, 1, len(COMPARE_BARS))
    names = list(summaries)
    for ax, (key, title) in zip(axes[0], COMPARE_BARS):
        values = [summaries[n][key] for n in names]
        values = [0.0 if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values]
        ax.bar(names, values, color=[STRUCTURE_COLOURS.get(n, "#888888") for n in names])
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
    return figure
