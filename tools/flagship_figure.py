"""The README's flagship figure: the size sweep with and without adaptation, from the sweeps' run tables.

Four panels against company size (log scale), one line per structure, mean
over replications with 95% t-intervals: decision time, the busiest person's
(or circle's) busy share, conversion, conflicts per 100 staff and month. Solid
lines: the adapting organization (`experiments/size_sweep.toml`); dashed: the
same companies that never adapt (`experiments/size_sweep_rigid.toml`).

Usage: .venv/bin/python tools/flagship_figure.py [ADAPTIVE_DIR] [RIGID_DIR] [OUT_STEM]
(defaults: results/size_sweep results/size_sweep_rigid docs/figures/size_sweep)
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "orgsim"  # the same figure gives the same SVG: no churn in git
import matplotlib.pyplot as plt  # noqa: E402

from sim.batch.store import read_runs  # noqa: E402
from sim.metrics import label  # noqa: E402
from sim.report.statistics import t_interval  # noqa: E402
from sim.structures import colour_of  # noqa: E402

PANELS = ("decision_time_mean_h", "utilization_max", "conversion_rate", "conflicts_per_100_staff_month")


def curves(results: Path, metric: str) -> dict[str, tuple[list, list, list, list]]:
    """structure -> (sizes, means, lows, highs) over the successful runs of a sweep."""
    runs = read_runs(results).to_pandas()
    runs = runs[runs["status"] == "ok"]
    found = {}
    for structure, by_structure in runs.groupby("structure", sort=True):
        sizes, means, lows, highs = [], [], [], []
        for employees, group in by_structure.groupby("employees", sort=True):
            mean, low, high, _ = t_interval(group[metric].to_numpy(dtype=float))
            sizes.append(employees)
            means.append(mean)
            lows.append(low)
            highs.append(high)
        found[structure] = (sizes, means, lows, highs)
    return found


def draw(adaptive: Path, rigid: Path, out_stem: Path) -> list[Path]:
    figure, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True)
    for ax, metric in zip(axes.flat, PANELS):
        for folder, style, suffix in ((adaptive, "-", "adapting"), (rigid, "--", "not adapting")):
            if not (folder / "runs").is_dir():
                continue
            for structure, (sizes, means, lows, highs) in curves(folder, metric).items():
                colour = colour_of(structure)
                ax.plot(sizes, means, style, color=colour, marker="o", markersize=3, label=f"{structure}, {suffix}")
                if style == "-":
                    ax.fill_between(sizes, lows, highs, color=colour, alpha=0.15, linewidth=0)
        ax.set_xscale("log")
        ax.set_title(label(metric), fontsize=10)
        ax.grid(alpha=0.3)
        if metric == "utilization_max":
            ax.axhline(1.0, color="#555555", linewidth=0.8)
        if metric == "decision_time_mean_h":
            ax.set_yscale("log")  # the saturated companies' hours would flatten everyone else's curve
    for ax in axes[1]:
        ax.set_xlabel("employees")
    axes[0][0].legend(fontsize=7)
    figure.suptitle("Baseline company by size: adapting (solid, 95% intervals) and not adapting (dashed)", fontsize=11)
    figure.tight_layout()
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in (".png", ".svg"):
        path = out_stem.with_suffix(suffix)
        figure.savefig(path, dpi=110, metadata={"Date": None} if suffix == ".svg" else None)
        written.append(path)
    plt.close(figure)
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    adaptive = Path(args[0] if args else "results/size_sweep")
    rigid = Path(args[1] if len(args) > 1 else "results/size_sweep_rigid")
    stem = Path(args[2] if len(args) > 2 else "docs/figures/size_sweep")
    for path in draw(adaptive, rigid, stem):
        print(f"wrote {path}")
