"""The sections of report.md: each writes its CSV tables and figures and returns its Markdown lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.report import figures, tables
from sim.report.markdown import image, interval, md_table, relative
from sim.report.sensitivity import sensitivity
from sim.report.statistics import BETTENCOURT_BETA

# The metrics whose numbers report.md prints in full (the rest are in the CSV tables and figures).
KEY_METRICS = (
    "decision_time_mean_h",
    "conversion_rate",
    "conflicts_per_100_staff_month",
    "revenue_per_employee",
    "response_time_mean_h",
    "coordination_overhead_share",
)
# Fitted for scaling even when the sweep does not store it as a metric: it tells revenue's beta - 1.
SCALING_EXTRA = ("revenue_per_employee",)
# The metrics in report.md's scaling figure and table (every metric is in scaling_exponents.csv).
SCALING_SHOWN = ("revenue", "revenue_per_employee", "decisions", "decision_time_mean_h", "conflicts", "inquiries",
                 "coordination_overhead_share")
# The metrics with a main-effects figure in report.md (every metric is in main_effects.csv).
MAIN_EFFECTS_SHOWN = ("conversion_rate", "revenue", "decision_time_mean_h", "conflicts", "response_time_mean_h")


@dataclass(frozen=True)
class Sweep:
    """What the sections read: the successful runs, the metrics to report, and where the report goes."""

    ok: pd.DataFrame
    metrics: list[str]
    out: Path

    @property
    def figures(self) -> Path:
        """Where the figures go."""
        return self.out / "figures"

    def image(self, alt: str, paths: list[Path]) -> list[str]:
        """report.md lines that show a figure just saved."""
        return image(alt, paths, self.out)


def failed_runs_section(failed: pd.DataFrame) -> list[str]:
    """The most common errors of the failed runs, and how to run them again."""
    if failed.empty:
        return []
    errors = failed["error"].fillna("(no message)").value_counts().head(5)
    return ["## Failed runs", "", f"{len(failed)} runs failed; the most common errors:", "",
            *[f"- {count} x `{error}`" for error, count in errors.items()],
            "", "Re-run them with `orgsim sweep EXPERIMENT --out DIR --retry-failed`.", ""]


def size_section(sweep: Sweep, size_table: pd.DataFrame, subtitle: str, factor: str | None = None) -> list[str]:
    """Each metric against company size (a panel per level of `factor`, if any): the overview first, then
    each metric's figure, and the key metrics' numbers per size and structure (and level)."""
    made = figures.metric_figures(size_table, sweep.metrics, sweep.figures, subtitle, factor)
    lines = ["## Metrics against company size", ""]
    if factor is not None:
        lines += [f"Every figure and table separates the levels of `{factor}` (a panel each; line styles in the "
                  "overview): pooling them would show the spread between levels as if it were noise.", ""]
    if "overview" in made:
        lines += sweep.image("all metrics", made["overview"])
    main = next((m for m in ("decision_time_mean_h", *sweep.metrics) if m in made), None)
    if main:
        lines += sweep.image(main, made[main])
    lines += ["One figure per metric (PNG and SVG): " + ", ".join(
        f"[{m}]({relative(paths[0], sweep.out)})" for m, paths in made.items() if m != "overview"), ""]
    key_rows = size_table[size_table["metric"].isin(KEY_METRICS)].copy()
    if not key_rows.empty:
        key_rows["value"] = [interval(r.mean, r.ci_low, r.ci_high) for r in key_rows.itertuples()]
        index = ["employees"] if factor is None else ["level", "employees"]
        for metric in [m for m in KEY_METRICS if m in set(key_rows["metric"])]:
            wide = key_rows[key_rows["metric"] == metric].pivot(index=index, columns="structure", values="value")
            wide = wide.reset_index().rename(columns={"level": factor})
            lines += [f"**{metric}** (mean [95% CI])", "", md_table(wide), ""]
    lines += ["Tables: `metrics_by_size.csv` (long: [level,] structure, employees, metric, n, mean, ci_low, ci_high), "
              "`metrics_by_point.csv` (one row per design point).", ""]
    return lines


def loss_section(sweep: Sweep, pool_sizes: bool) -> list[str]:
    """How inquiries end, by structure (and size unless `pool_sizes`); nothing without outcome columns."""
    losses = tables.loss_table(sweep.ok, pool_sizes=pool_sizes)
    if losses.empty:
        return []
    losses.to_csv(sweep.out / "loss_reasons.csv", index=False)
    paths = figures.loss_figure(losses, sweep.figures)
    return ["## How inquiries end, by structure", "", *sweep.image("loss reasons", paths),
            "Mean share of inquiries (over replications) by outcome: converted, lost on price, product "
            "(missing or not customizable), slowness (the lead decayed), to a dealer, or still open at the end. "
            "Table: `loss_reasons.csv`.", ""]


def scaling_section(sweep: Sweep) -> list[str]:
    """Scaling exponents of the metrics against employees, per structure, against those of cities and firms."""
    scale_metrics = list(dict.fromkeys([*sweep.metrics, *[m for m in SCALING_EXTRA if m in sweep.ok]]))
    scaling = tables.scaling_table(sweep.ok, scale_metrics)
    scaling.to_csv(sweep.out / "scaling_exponents.csv", index=False)
    shown = [m for m in SCALING_SHOWN if m in scale_metrics]
    paths = figures.scaling_figure(scaling, shown, sweep.figures)
    lines = ["## Scaling exponents", "",
             "Log-log OLS fit of each metric against employees, per structure, over all runs: "
             "metric ∝ employees^β (95% interval of β; runs with a zero or negative value are dropped, see `dropped`). "
             f"Bettencourt et al. (PNAS 2007) find β ≈ {BETTENCOURT_BETA} for the socio-economic output of cities "
             "(superlinear: output per resident rises as cities grow); firms are expected to scale sublinearly "
             "(West, *Scale*, 2017): revenue with β < 1, so revenue per employee falls with size (β_per_employee = β − 1).",
             ""]
    if paths:
        lines += sweep.image("scaling exponents", paths)
    view = scaling[scaling["metric"].isin(shown)][["metric", "structure", "beta", "ci_low", "ci_high", "r2", "n", "dropped"]]
    return lines + [md_table(view), "", "All metrics: `scaling_exponents.csv`.", ""]


def main_effects_section(sweep: Sweep, keys: list[str], design_keys: list[str], point_table: pd.DataFrame) -> list[str]:
    """Each metric's mean at each level of the design factors `keys`, and the best design points."""
    effects = tables.main_effects(sweep.ok, keys, sweep.metrics)
    effects.to_csv(sweep.out / "main_effects.csv", index=False)
    lines = ["## Main effects of the design factors", "",
             "Mean of each metric at each level of a factor, averaged over every other factor (95% CI). "
             "Table: `main_effects.csv`; per design point: `metrics_by_point.csv`.", ""]
    for metric in [m for m in MAIN_EFFECTS_SHOWN if m in sweep.metrics]:
        lines += sweep.image(f"main effects on {metric}", figures.main_effect_figure(effects, metric, sweep.figures))
    if "conversion_rate" in sweep.metrics and len(point_table):
        best = point_table.sort_values("conversion_rate", ascending=False).head(5)
        cols = [k for k in design_keys if k in best] + ["conversion_rate", "revenue", "decision_time_mean_h"]
        lines += ["Design points with the highest conversion rate:", "", md_table(best[[c for c in cols if c in best]]), ""]
    return lines


def sensitivity_section(sweep: Sweep, kind: str, manifest: dict, design: pd.DataFrame | None) -> list[str]:
    """Morris or Sobol' indices: a heat map, what they mean, the key metrics' indices, and the metrics skipped."""
    indices, skip_notes = sensitivity(sweep.ok, manifest, design, sweep.metrics)
    lines = [f"## Sensitivity ({'Morris elementary effects' if kind == 'morris' else 'Sobol indices'}, SALib)", ""]
    if not indices.empty:
        indices.to_csv(sweep.out / "sensitivity.csv", index=False)
        lines += sweep.image("sensitivity", figures.sensitivity_figure(indices, kind, sweep.figures))
        explain = ("mu* is the mean absolute elementary effect (importance), sigma its spread "
                   "(non-linearity or interactions); " if kind == "morris" else
                   "S1 is the first-order index (share of variance explained alone), ST the total index "
                   "(with interactions); ")
        lines += [explain + "replications are averaged per design point before the analysis. "
                  "All metrics: `sensitivity.csv`.", ""]
        sort_by = "mu_star" if kind == "morris" else "ST"
        for metric in [m for m in KEY_METRICS if m in set(indices["metric"])][:3]:
            sub = indices[indices["metric"] == metric].drop(columns="metric")
            lines += [f"**{metric}**", "", md_table(sub.sort_values(sort_by, ascending=False)), ""]
    return lines + [f"- {note}" for note in skip_notes] + [""]
