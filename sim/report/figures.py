"""The report's figures, each saved as PNG and SVG: metrics against size, loss reasons, scaling exponents,
main effects and sensitivity indices."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.metrics import OUTCOME_LOOK, label
from sim.report.statistics import BETTENCOURT_BETA
from sim.report.tables import OUTCOME_COLUMNS
from sim.structures import colour_of as structure_colour

OUTCOME_COLOURS = {key: colour for key, (_, colour) in OUTCOME_LOOK.items()}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, also where there is no display
    import matplotlib.pyplot as plt

    # A fixed SVG hash salt keeps the element ids, and so the files, the same from one report to the next.
    plt.rcParams.update({"svg.hashsalt": "orgsim", "figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3})
    return plt


def _save(fig, folder: Path, name: str) -> list[Path]:
    """Write the figure as name.png and name.svg in folder, close it, and return the two paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        # No date in the SVG, so that the same results give the same file.
        fig.savefig(path, dpi=150 if ext == "png" else None, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
        paths.append(path)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths


LEVEL_STYLES = ("-", "--", ":", "-.")  # the overview tells a factor's levels apart by line style


def levels_of(table: pd.DataFrame) -> list:
    """The levels of the factor a size table is faceted by (`tables.by_size`), or [None] when it is not."""
    return list(dict.fromkeys(table["level"])) if "level" in table else [None]


def _draw_metric(ax, table: pd.DataFrame, metric: str, level=None, style: str = "-", band: bool = True,
                 level_in_legend: bool = False) -> None:
    """One metric against employees on `ax`: a line and 95% band per structure (log x over a tenfold range),
    for one `level` of the faceting factor when there is one."""
    sub = table[table["metric"] == metric]
    if level is not None:
        sub = sub[sub["level"] == level]
    for structure, group in sub.groupby("structure", sort=True):
        group = group.sort_values("employees")
        colour = structure_colour(structure)
        name = f"{structure}, {level}" if level_in_legend else structure
        ax.plot(group["employees"], group["mean"], marker="o", ms=3, color=colour, linestyle=style, label=name)
        if band:
            ax.fill_between(group["employees"], group["ci_low"], group["ci_high"], color=colour, alpha=0.2, linewidth=0)
    sizes = sub["employees"]
    if len(sizes) and sizes.min() > 0 and sizes.max() / sizes.min() >= 10:
        ax.set_xscale("log")
    ax.set_xlabel("employees")


def metric_figures(table: pd.DataFrame, metrics: list[str], folder: Path, subtitle: str,
                   factor: str | None = None) -> dict[str, list[Path]]:
    """One figure per metric against company size (a line per structure; a panel per level of `factor` when
    the table is faceted by one), and an overview of them all (the levels as line styles)."""
    plt = _pyplot()
    made = {}
    levels = levels_of(table)
    for metric in metrics:
        fig, axes = plt.subplots(1, len(levels), figsize=(6 if len(levels) == 1 else 4.2 * len(levels), 4),
                                 sharey=True, squeeze=False)
        for ax, level in zip(axes.flat, levels):
            _draw_metric(ax, table, metric, level)
            ax.legend(title="structure", fontsize=8)
            if level is not None:
                ax.set_title(f"{factor} = {level}", fontsize=9)
        axes.flat[0].set_ylabel(label(metric))
        fig.suptitle(f"{metric} vs company size\n{subtitle}", fontsize=10)
        fig.tight_layout()
        made[metric] = _save(fig, folder, f"{metric}_vs_employees")
    if metrics:
        cols = 4
        rows = math.ceil(len(metrics) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
        for ax, metric in zip(axes.flat, metrics):
            for level, style in zip(levels, LEVEL_STYLES * len(levels)):
                _draw_metric(ax, table, metric, level, style, band=len(levels) == 1, level_in_legend=level is not None)
            ax.set_title(metric, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.set_xlabel("employees", fontsize=8)
        for ax in list(axes.flat)[len(metrics):]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        title = "structure (mean, 95% CI)" if levels == [None] else f"structure, {factor} (mean)"
        fig.legend(handles, labels, loc="upper center", ncol=min(len(labels), 6) or 1, title=title)
        legend_rows = math.ceil(len(labels) / 6)
        fig.tight_layout(rect=(0, 0, 1, 1 - (0.3 + 0.2 * legend_rows) / (3 * rows)))
        made["overview"] = _save(fig, folder, "overview_vs_employees")
    return made


def loss_figure(table: pd.DataFrame, folder: Path) -> list[Path]:
    """Stacked shares of how inquiries end, a panel per structure, a bar per size."""
    plt = _pyplot()
    structures = sorted(table["structure"].unique())
    fig, axes = plt.subplots(1, len(structures), figsize=(max(5, 4.5 * len(structures)), 4), sharey=True, squeeze=False)
    present = [c for c in OUTCOME_COLUMNS if c in table]
    for ax, structure in zip(axes.flat, structures):
        sub = table[table["structure"] == structure].sort_values("employees")
        labels = [str(e) for e in sub["employees"]]
        bottom = np.zeros(len(sub))
        for column in present:
            values = sub[column].fillna(0).to_numpy()
            ax.bar(labels, values, bottom=bottom, color=OUTCOME_COLOURS[column], label=column)
            bottom += values
        ax.set_title(structure)
        ax.set_xlabel("employees")
        ax.tick_params(axis="x", labelrotation=45 if len(labels) > 4 else 0, labelsize=8)
    axes.flat[0].set_ylabel("share of inquiries (mean over replications)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(present), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return _save(fig, folder, "loss_reasons")


def scaling_figure(table: pd.DataFrame, metrics: list[str], folder: Path) -> list[Path]:
    """Each metric's scaling exponent with its 95% interval, per structure, against linear and cities' scaling."""
    plt = _pyplot()
    sub = table[table["metric"].isin(metrics) & table["beta"].notna()]
    if sub.empty:
        return []
    shown = [m for m in metrics if m in set(sub["metric"])]
    structures = sorted(sub["structure"].unique())
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(shown) * (len(structures) + 0.5) + 1.5))
    y = 0
    ticks, labels = [], []
    for metric in shown:
        for structure in structures:
            row = sub[(sub["metric"] == metric) & (sub["structure"] == structure)]
            if row.empty:
                continue
            r = row.iloc[0]
            ax.errorbar(r["beta"], y, xerr=[[r["beta"] - r["ci_low"]], [r["ci_high"] - r["beta"]]], fmt="o",
                        color=structure_colour(structure), label=structure if metric == shown[0] else None, capsize=3)
            y -= 1
        ticks.append(y + len(structures) / 2 + 0.5)
        labels.append(metric)
        y -= 0.5
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.axvline(BETTENCOURT_BETA, color="black", linestyle=":", linewidth=1)
    ax.set_xlabel("scaling exponent beta (metric ~ employees^beta), 95% CI; dashed: linear; dotted: cities' 1.15")
    ax.legend(fontsize=8)
    return _save(fig, folder, "scaling_exponents")


def main_effect_figure(table: pd.DataFrame, metric: str, folder: Path) -> list[Path]:
    """A metric's mean at each level of each design factor, a panel per factor."""
    plt = _pyplot()
    sub = table[table["metric"] == metric]
    keys = list(dict.fromkeys(sub["key"]))
    fig, axes = plt.subplots(1, len(keys), figsize=(3 * len(keys), 3.2), sharey=True, squeeze=False)
    for ax, key in zip(axes.flat, keys):
        rows = sub[sub["key"] == key]
        x = np.arange(len(rows))
        ax.errorbar(x, rows["mean"], yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]], fmt="o-", capsize=3)
        ax.set_xticks(x, [str(v) for v in rows["level"]], fontsize=8)
        ax.set_title(key, fontsize=8)
    axes.flat[0].set_ylabel(label(metric))
    fig.suptitle(f"main effects on {metric} (mean over all other factors, 95% CI)", fontsize=10)
    fig.tight_layout()
    return _save(fig, folder, f"main_effects_{metric}")


def sensitivity_figure(table: pd.DataFrame, kind: str, folder: Path) -> list[Path]:
    """Heat map of the Morris mu* or Sobol' total index of each parameter on each metric."""
    plt = _pyplot()
    value = "mu_star" if kind == "morris" else "ST"
    grid = table.pivot(index="parameter", columns="metric", values=value)
    if kind == "morris":  # scale mu* per metric to [0, 1] so metrics of different units compare
        grid = grid / grid.abs().max().replace(0, np.nan)
    fig, ax = plt.subplots(figsize=(0.5 * grid.shape[1] + 4, 0.4 * grid.shape[0] + 2.5))
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=8)
    colour_label = "Morris mu* (scaled to the largest per metric)" if kind == "morris" else "Sobol' total index ST"
    fig.colorbar(image, ax=ax, label=colour_label)
    ax.set_title(f"{kind} sensitivity", fontsize=10)
    ax.grid(False)
    fig.tight_layout()
    return _save(fig, folder, f"sensitivity_{kind}")
