"""`orgsim report RESULTS_DIR`: figures, tables and report.md from a finished (or partial) sweep.

What it writes under `RESULTS_DIR/report/` (or `--out`):

- `figures/<metric>_vs_employees.{png,svg}`: each headline metric against
  company size, one line per structure, mean over replications with a 95%
  t-interval; `figures/overview_vs_employees.{png,svg}` shows them all.
- `figures/loss_reasons.{png,svg}`: how inquiries end (converted or lost, and
  why), stacked shares by structure and size.
- `scaling_exponents.csv` and `figures/scaling_exponents.{png,svg}`: the
  log-log OLS slope beta of each metric (and revenue per employee) against
  employees, per structure, with 95% intervals (metric ~ employees^beta;
  Bettencourt et al. 2007 find beta ~ 1.15 for the output of cities).
- `main_effects.csv` and figures, for designs over other keys (e.g. policies).
- `sensitivity.csv` and a heat map: Morris (mu*, sigma) or Sobol' (S1, ST)
  indices through SALib, when the design is a sensitivity design.
- `metrics_by_size.csv`, `metrics_by_point.csv`, `loss_reasons.csv`.
- `report.md` tying them together.

Metrics that are NaN in every run (e.g. no conflict was ever resolved) are
skipped with a note.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.batch.store import read_runs
from sim.metrics import HEADLINE_METRICS

STRUCTURE_COLOURS = {"hierarchy": "#1f77b4", "holacracy": "#2ca02c", "hybrid": "#d62728"}
OUTCOME_COLUMNS = ("converted", "lost_price", "lost_product", "lost_slow", "lost_dealer", "open_at_end")
OUTCOME_COLOURS = ("#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#bbbbbb")
KEY_METRICS = (
    "decision_time_mean_h",
    "conversion_rate",
    "conflicts_per_100_staff_month",
    "revenue_per_employee",
    "response_time_mean_h",
    "coordination_overhead_share",
)
SCALING_EXTRA = ("revenue_per_employee",)
BETTENCOURT_BETA = 1.15

UNITS = {
    "_h": "hours",
    "rate": "share",
    "share": "share",
    "revenue": "currency",
    "revenue_per_employee": "currency per employee",
    "conflicts_per_100_staff_month": "per 100 staff per month",
}


class ReportError(ValueError):
    """The results folder cannot be reported on; the message is one user-facing line."""


# --------------------------------------------------------------------------- statistics


@functools.cache
def t_critical(df: int) -> float:
    """The two-sided 95% critical value of Student's t with `df` degrees of freedom."""
    from scipy import stats

    return float(stats.t.ppf(0.975, df))


def t_interval(values) -> tuple[float, float, float, int]:
    """Mean and 95% t-interval (over replications) of the finite values; NaN bounds when n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, n
    half = t_critical(n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def loglog_fit(x, y) -> dict:
    """OLS slope of log(y) on log(x) with a 95% t-interval; non-positive values are dropped."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    dropped = int(len(x) - keep.sum())
    lx, ly = np.log(x[keep]), np.log(y[keep])
    n = len(lx)
    result = {"beta": math.nan, "ci_low": math.nan, "ci_high": math.nan, "intercept": math.nan, "r2": math.nan,
              "n": n, "dropped": dropped, "sizes": len(np.unique(lx))}
    if n < 3 or len(np.unique(lx)) < 2:
        return result
    sxx = float(((lx - lx.mean()) ** 2).sum())
    beta = float(((lx - lx.mean()) * (ly - ly.mean())).sum() / sxx)
    intercept = float(ly.mean() - beta * lx.mean())
    residuals = ly - (intercept + beta * lx)
    ssr = float((residuals**2).sum())
    sst = float(((ly - ly.mean()) ** 2).sum())
    se = math.sqrt(ssr / (n - 2) / sxx) if n > 2 else math.nan
    half = t_critical(n - 2) * se
    result.update(beta=beta, ci_low=beta - half, ci_high=beta + half, intercept=intercept,
                  r2=1 - ssr / sst if sst > 0 else math.nan)
    return result


# --------------------------------------------------------------------------- loading


def load_results(results_dir: str | Path) -> tuple[pd.DataFrame, dict, pd.DataFrame | None]:
    """(run table, manifest, design table) of a sweep folder; ReportError when there is none."""
    results = Path(results_dir)
    if not results.is_dir():
        raise ReportError(f"{results}: no such results folder (run `orgsim sweep EXPERIMENT --out {results}` first)")
    manifest_path = results / "manifest.json"
    if not manifest_path.exists():
        raise ReportError(f"{results}: no manifest.json here; is this the --out folder of `orgsim sweep`?")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as error:
        raise ReportError(f"{manifest_path}: not valid JSON ({error})") from None
    runs = read_runs(results).to_pandas()
    if runs.empty:
        raise ReportError(f"{results}/runs: no runs stored yet")
    design_path = results / "design.parquet"
    design = pd.read_parquet(design_path) if design_path.exists() else None
    return runs, manifest, design


def _label(metric: str) -> str:
    unit = UNITS.get(metric) or next((u for suffix, u in UNITS.items() if metric.endswith(suffix)), None)
    return f"{metric} ({unit})" if unit else metric


# --------------------------------------------------------------------------- tables


def by_size(ok: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Long table: structure, employees, metric, n, mean, ci_low, ci_high."""
    rows = []
    for (structure, employees), group in ok.groupby(["structure", "employees"], sort=True):
        for metric in metrics:
            mean, low, high, n = t_interval(group[metric].to_numpy(dtype=float))
            rows.append({"structure": structure, "employees": employees, "metric": metric, "n": n,
                         "mean": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def by_point(ok: pd.DataFrame, keys: list[str], metrics: list[str]) -> pd.DataFrame:
    """Wide table: one row per design point, mean and 95% interval of each metric."""
    rows = []
    for point, group in ok.groupby("point", sort=True):
        row = {"point": point, **{k: group[k].iloc[0] for k in keys if k in group}, "n": len(group)}
        for metric in metrics:
            mean, low, high, _ = t_interval(group[metric].to_numpy(dtype=float))
            row.update({metric: mean, f"{metric}_ci_low": low, f"{metric}_ci_high": high})
        rows.append(row)
    return pd.DataFrame(rows)


def scaling_table(ok: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    rows = []
    for structure, group in ok.groupby("structure", sort=True):
        for metric in metrics:
            fit = loglog_fit(group["employees"].to_numpy(dtype=float), group[metric].to_numpy(dtype=float))
            rows.append({"structure": structure, "metric": metric, **fit})
    return pd.DataFrame(rows)


def loss_table(ok: pd.DataFrame, pool_sizes: bool = False) -> pd.DataFrame:
    """Mean share of inquiries by outcome, per structure and size (or over all sizes)."""
    present = [c for c in OUTCOME_COLUMNS if c in ok]
    if "inquiries" not in ok or not present:
        return pd.DataFrame()
    frame = ok[["structure", "employees", "inquiries", *present]].copy()
    if pool_sizes:
        frame["employees"] = "all"
    total = frame["inquiries"].replace(0, np.nan)
    for column in present:
        frame[column] = frame[column] / total
    return frame.groupby(["structure", "employees"], sort=True)[present].mean().reset_index()


def main_effects(ok: pd.DataFrame, keys: list[str], metrics: list[str]) -> pd.DataFrame:
    rows = []
    ok = ok.sort_values("point", kind="stable")  # levels in the order the design lists them
    for key in keys:
        for level, group in ok.groupby(key, sort=False):
            for metric in metrics:
                mean, low, high, n = t_interval(group[metric].to_numpy(dtype=float))
                rows.append({"key": key, "level": level, "metric": metric, "n": n, "mean": mean,
                             "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def sensitivity(ok: pd.DataFrame, manifest: dict, design: pd.DataFrame | None, metrics: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Morris or Sobol' indices per metric (replications averaged per design point); notes on skips."""
    spec = manifest.get("design", {})
    kind = spec.get("kind")
    notes: list[str] = []
    if kind not in ("morris", "sobol") or design is None:
        return pd.DataFrame(), notes
    problem = spec["problem"]
    keys = problem["names"]
    design = design.sort_values("point")
    X = design[[f"x.{k}" for k in keys]].to_numpy(dtype=float)
    means = ok.groupby("point")[metrics].mean()
    rows = []
    for metric in metrics:
        Y = means[metric].reindex(design["point"]).to_numpy(dtype=float)
        if not np.isfinite(Y).all():
            notes.append(f"{metric}: skipped (a design point has no finite value: failed, missing or NaN runs)")
            continue
        if np.ptp(Y) == 0:
            notes.append(f"{metric}: skipped (constant over the design)")
            continue
        if kind == "morris":
            from SALib.analyze import morris

            result = morris.analyze(problem, X, Y, num_levels=spec.get("levels", 4), conf_level=0.95,
                                    print_to_console=False, seed=manifest.get("root_seed"))
            for i, key in enumerate(keys):
                rows.append({"metric": metric, "parameter": key, "mu": result["mu"][i],
                             "mu_star": result["mu_star"][i], "mu_star_conf": result["mu_star_conf"][i],
                             "sigma": result["sigma"][i]})
        else:
            import warnings

            from SALib.analyze import sobol

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = sobol.analyze(problem, Y, calc_second_order=spec.get("second_order", False),
                                       conf_level=0.95, print_to_console=False, seed=manifest.get("root_seed"))
            for i, key in enumerate(keys):
                rows.append({"metric": metric, "parameter": key, "S1": result["S1"][i], "S1_conf": result["S1_conf"][i],
                             "ST": result["ST"][i], "ST_conf": result["ST_conf"][i]})
    return pd.DataFrame(rows), notes


# --------------------------------------------------------------------------- figures


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "orgsim", "figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3})
    return plt


def _save(fig, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        fig.savefig(path, dpi=150 if ext == "png" else None, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
        paths.append(path)
    return paths


def _colour(structure: str, index: int) -> str:
    return STRUCTURE_COLOURS.get(structure, f"C{index + 3}")


def _draw_metric(ax, table: pd.DataFrame, metric: str) -> None:
    sub = table[table["metric"] == metric]
    for i, (structure, group) in enumerate(sub.groupby("structure", sort=True)):
        group = group.sort_values("employees")
        colour = _colour(structure, i)
        ax.plot(group["employees"], group["mean"], marker="o", ms=3, color=colour, label=structure)
        ax.fill_between(group["employees"], group["ci_low"], group["ci_high"], color=colour, alpha=0.2, linewidth=0)
    sizes = sub["employees"]
    if len(sizes) and sizes.min() > 0 and sizes.max() / sizes.min() >= 10:
        ax.set_xscale("log")
    ax.set_xlabel("employees")


def metric_figures(table: pd.DataFrame, metrics: list[str], folder: Path, subtitle: str) -> dict[str, list[Path]]:
    plt = _pyplot()
    made = {}
    for metric in metrics:
        fig, ax = plt.subplots(figsize=(6, 4))
        _draw_metric(ax, table, metric)
        ax.set_ylabel(_label(metric))
        ax.set_title(f"{metric} vs company size\n{subtitle}", fontsize=10)
        ax.legend(title="structure", fontsize=8)
        made[metric] = _save(fig, folder, f"{metric}_vs_employees")
        plt.close(fig)
    if metrics:
        cols = 4
        rows = math.ceil(len(metrics) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
        for ax, metric in zip(axes.flat, metrics):
            _draw_metric(ax, table, metric)
            ax.set_title(metric, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.set_xlabel("employees", fontsize=8)
        for ax in list(axes.flat)[len(metrics):]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", ncol=len(labels) or 1, title="structure (mean, 95% CI)")
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / (3 * rows)))
        made["overview"] = _save(fig, folder, "overview_vs_employees")
        plt.close(fig)
    return made


def loss_figure(table: pd.DataFrame, folder: Path) -> list[Path]:
    plt = _pyplot()
    structures = sorted(table["structure"].unique())
    fig, axes = plt.subplots(1, len(structures), figsize=(max(5, 4.5 * len(structures)), 4), sharey=True, squeeze=False)
    present = [c for c in OUTCOME_COLUMNS if c in table]
    for ax, structure in zip(axes.flat, structures):
        sub = table[table["structure"] == structure].sort_values("employees")
        labels = [str(e) for e in sub["employees"]]
        bottom = np.zeros(len(sub))
        for column, colour in zip(present, OUTCOME_COLOURS):
            values = sub[column].fillna(0).to_numpy()
            ax.bar(labels, values, bottom=bottom, color=colour, label=column)
            bottom += values
        ax.set_title(structure)
        ax.set_xlabel("employees")
        ax.tick_params(axis="x", labelrotation=45 if len(labels) > 4 else 0, labelsize=8)
    axes.flat[0].set_ylabel("share of inquiries (mean over replications)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(present), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    paths = _save(fig, folder, "loss_reasons")
    plt.close(fig)
    return paths


def scaling_figure(table: pd.DataFrame, metrics: list[str], folder: Path) -> list[Path]:
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
        for i, structure in enumerate(structures):
            row = sub[(sub["metric"] == metric) & (sub["structure"] == structure)]
            if row.empty:
                continue
            r = row.iloc[0]
            ax.errorbar(r["beta"], y, xerr=[[r["beta"] - r["ci_low"]], [r["ci_high"] - r["beta"]]], fmt="o",
                        color=_colour(structure, i), label=structure if metric == shown[0] else None, capsize=3)
            y -= 1
        ticks.append(y + len(structures) / 2 + 0.5)
        labels.append(metric)
        y -= 0.5
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.axvline(BETTENCOURT_BETA, color="black", linestyle=":", linewidth=1)
    ax.set_xlabel("scaling exponent beta (metric ~ employees^beta), 95% CI; dashed: linear; dotted: cities' 1.15")
    ax.legend(fontsize=8)
    paths = _save(fig, folder, "scaling_exponents")
    plt.close(fig)
    return paths


def main_effect_figure(table: pd.DataFrame, metric: str, folder: Path) -> list[Path]:
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
    axes.flat[0].set_ylabel(_label(metric))
    fig.suptitle(f"main effects on {metric} (mean over all other factors, 95% CI)", fontsize=10)
    fig.tight_layout()
    paths = _save(fig, folder, f"main_effects_{metric}")
    plt.close(fig)
    return paths


def sensitivity_figure(table: pd.DataFrame, kind: str, folder: Path) -> list[Path]:
    plt = _pyplot()
    value = "mu_star" if kind == "morris" else "ST"
    grid = table.pivot(index="parameter", columns="metric", values=value)
    if kind == "morris":  # scale mu* per metric to [0, 1] so metrics of different units compare
        grid = grid / grid.abs().max().replace(0, np.nan)
    fig, ax = plt.subplots(figsize=(0.5 * grid.shape[1] + 4, 0.4 * grid.shape[0] + 2.5))
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=8)
    label = "Morris mu* (scaled to the largest per metric)" if kind == "morris" else "Sobol' total index ST"
    fig.colorbar(image, ax=ax, label=label)
    ax.set_title(f"{kind} sensitivity", fontsize=10)
    ax.grid(False)
    fig.tight_layout()
    paths = _save(fig, folder, f"sensitivity_{kind}")
    plt.close(fig)
    return paths


# --------------------------------------------------------------------------- report.md


def _fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    value = float(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _md_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "(none)\n"
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(_fmt(v) if not isinstance(v, str) else v for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body]) + "\n"


def _rel(path: Path, base: Path) -> str:
    return str(path.relative_to(base)).replace("\\", "/")


def write_report(results_dir: str | Path, out_dir: str | Path | None = None) -> Path:
    """Write figures, CSV tables and report.md; return the path of report.md."""
    results = Path(results_dir)
    runs, manifest, design = load_results(results)
    out = Path(out_dir) if out_dir else results / "report"
    figures = out / "figures"
    out.mkdir(parents=True, exist_ok=True)

    wanted = [m for m in manifest.get("metrics", HEADLINE_METRICS) if m in runs]
    ok = runs[runs["status"] == "ok"].copy()
    failed = runs[runs["status"] != "ok"]
    if ok.empty:
        raise ReportError(f"{results}: every stored run failed ({len(failed)}); see the error column of {results}/runs")
    notes: list[str] = []
    metrics = []
    for metric in wanted:
        if ok[metric].astype(float).notna().any():
            metrics.append(metric)
        else:
            notes.append(f"`{metric}` is NaN in every run and is left out.")
    design_keys = list(manifest.get("design", {}).get("keys", []))
    kind = manifest.get("design", {}).get("kind", "grid")
    name = manifest.get("experiment", {}).get("name", results.name)
    sizes = sorted(ok["employees"].unique())
    structures = sorted(ok["structure"].unique())
    other_keys = [k for k in design_keys if k not in ("organization.employees", "organization.structure")]
    lines = [f"# Sweep report: {name}", ""]
    description = manifest.get("experiment", {}).get("content", {}).get("description")
    if description:
        lines += [description, ""]
    code = manifest.get("code_version") or {}
    sizes_text = ", ".join(str(s) for s in sizes) if len(sizes) <= 20 else f"{len(sizes)} sizes from {sizes[0]} to {sizes[-1]}"
    lines += [
        f"- runs stored: {len(runs):,} of {manifest.get('runs_total', len(runs)):,} "
        f"({len(ok):,} ok, {len(failed):,} failed)",
        f"- design: {kind} over {', '.join(f'`{k}`' for k in design_keys) or '(none)'}; "
        f"{manifest.get('design', {}).get('points', '?')} points x {manifest.get('replications', '?')} replications; "
        f"root seed {manifest.get('root_seed')} (replication k runs on the same spawned seed at every point)",
        f"- structures: {', '.join(structures)}; employees: {sizes_text}",
        f"- code version: {code.get('describe') or code.get('commit') or 'unknown'}; "
        f"sweep {manifest.get('started')} – {manifest.get('ended')} on {manifest.get('host')} ({manifest.get('status')})",
        "- intervals are 95% t-intervals over replications; see `manifest.json` for package versions.",
        "",
    ]
    if not failed.empty:
        errors = failed["error"].fillna("(no message)").value_counts().head(5)
        lines += ["## Failed runs", "", f"{len(failed)} runs failed; the most common errors:", ""]
        lines += [f"- {count} x `{error}`" for error, count in errors.items()]
        lines += ["", "Re-run them with `orgsim sweep EXPERIMENT --out DIR --retry-failed`.", ""]

    size_table = by_size(ok, metrics)
    size_table.to_csv(out / "metrics_by_size.csv", index=False)
    point_table = by_point(ok, design_keys, metrics)
    point_table.to_csv(out / "metrics_by_point.csv", index=False)
    subtitle = f"{name}: mean over replications, 95% CI"
    if other_keys:
        subtitle += f"; pooled over {', '.join(other_keys)}"

    by_size_design = len(sizes) > 1 and kind == "grid"  # sampled designs scatter sizes: no per-size curves
    if by_size_design:
        made = metric_figures(size_table, metrics, figures, subtitle)
        lines += ["## Metrics against company size", ""]
        if "overview" in made:
            lines += [f"![all metrics]({_rel(made['overview'][0], out)})", ""]
        main = next((m for m in ("decision_time_mean_h", *metrics) if m in made), None)
        if main:
            lines += [f"![{main}]({_rel(made[main][0], out)})", ""]
        lines += ["One figure per metric (PNG and SVG): " + ", ".join(
            f"[{m}]({_rel(paths[0], out)})" for m, paths in made.items() if m != "overview"), ""]
        key_rows = size_table[size_table["metric"].isin(KEY_METRICS)].copy()
        if not key_rows.empty:
            key_rows["value"] = [
                f"{_fmt(r.mean)} [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]" for r in key_rows.itertuples()
            ]
            for metric in [m for m in KEY_METRICS if m in set(key_rows["metric"])]:
                wide = key_rows[key_rows["metric"] == metric].pivot(index="employees", columns="structure", values="value")
                lines += [f"**{metric}** (mean [95% CI])", "", _md_table(wide.reset_index()), ""]
        lines += ["Tables: `metrics_by_size.csv` (long: structure, employees, metric, n, mean, ci_low, ci_high), "
                  "`metrics_by_point.csv` (one row per design point).", ""]

    losses = loss_table(ok, pool_sizes=not by_size_design)
    if not losses.empty:
        losses.to_csv(out / "loss_reasons.csv", index=False)
        paths = loss_figure(losses, figures)
        lines += ["## How inquiries end, by structure", "", f"![loss reasons]({_rel(paths[0], out)})", "",
                  "Mean share of inquiries (over replications) by outcome: converted, lost on price, product "
                  "(missing or not customizable), slowness (the lead decayed), to a dealer, or still open at the end. "
                  "Table: `loss_reasons.csv`.", ""]

    if by_size_design:
        scale_metrics = list(dict.fromkeys([*metrics, *[m for m in SCALING_EXTRA if m in ok]]))
        scaling = scaling_table(ok, scale_metrics)
        scaling.to_csv(out / "scaling_exponents.csv", index=False)
        shown = [m for m in ("revenue", "revenue_per_employee", "decisions", "decision_time_mean_h", "conflicts",
                             "inquiries", "coordination_overhead_share") if m in scale_metrics]
        paths = scaling_figure(scaling, shown, figures)
        lines += ["## Scaling exponents", ""]
        lines += [
            "Log-log OLS fit of each metric against employees, per structure, over all runs: "
            "metric ∝ employees^β (95% interval of β; runs with a zero or negative value are dropped, see `dropped`). "
            f"Bettencourt et al. (PNAS 2007) find β ≈ {BETTENCOURT_BETA} for the socio-economic output of cities "
            "(superlinear: output per resident rises as cities grow); firms are expected to scale sublinearly "
            "(West, *Scale*, 2017): revenue with β < 1, so revenue per employee falls with size (β_per_employee = β − 1).",
            "",
        ]
        if paths:
            lines += [f"![scaling exponents]({_rel(paths[0], out)})", ""]
        view = scaling[scaling["metric"].isin(shown)][["metric", "structure", "beta", "ci_low", "ci_high", "r2", "n", "dropped"]]
        lines += [_md_table(view), "", "All metrics: `scaling_exponents.csv`.", ""]

    if other_keys and kind == "grid":
        effects = main_effects(ok, other_keys + (["organization.structure"] if "organization.structure" in design_keys else []), metrics)
        effects.to_csv(out / "main_effects.csv", index=False)
        lines += ["## Main effects of the design factors", "",
                  "Mean of each metric at each level of a factor, averaged over every other factor (95% CI). "
                  "Table: `main_effects.csv`; per design point: `metrics_by_point.csv`.", ""]
        for metric in [m for m in ("conversion_rate", "revenue", "decision_time_mean_h", "conflicts",
                                   "response_time_mean_h") if m in metrics]:
            paths = main_effect_figure(effects, metric, figures)
            lines += [f"![main effects on {metric}]({_rel(paths[0], out)})", ""]
        if "conversion_rate" in metrics and len(point_table):
            best = point_table.sort_values("conversion_rate", ascending=False).head(5)
            cols = [k for k in design_keys if k in best] + ["conversion_rate", "revenue", "decision_time_mean_h"]
            lines += ["Design points with the highest conversion rate:", "",
                      _md_table(best[[c for c in cols if c in best]]), ""]

    if kind in ("morris", "sobol"):
        indices, skip_notes = sensitivity(ok, manifest, design, metrics)
        lines += [f"## Sensitivity ({'Morris elementary effects' if kind == 'morris' else 'Sobol indices'}, SALib)", ""]
        if not indices.empty:
            indices.to_csv(out / "sensitivity.csv", index=False)
            paths = sensitivity_figure(indices, kind, figures)
            lines += [f"![sensitivity]({_rel(paths[0], out)})", ""]
            explain = ("mu* is the mean absolute elementary effect (importance), sigma its spread "
                       "(non-linearity or interactions); " if kind == "morris" else
                       "S1 is the first-order index (share of variance explained alone), ST the total index "
                       "(with interactions); ")
            lines += [explain + "replications are averaged per design point before the analysis. "
                      "All metrics: `sensitivity.csv`.", ""]
            for metric in [m for m in KEY_METRICS if m in set(indices["metric"])][:3]:
                sub = indices[indices["metric"] == metric].drop(columns="metric")
                sort_by = "mu_star" if kind == "morris" else "ST"
                lines += [f"**{metric}**", "", _md_table(sub.sort_values(sort_by, ascending=False)), ""]
        lines += [f"- {note}" for note in skip_notes]
        lines += [""]

    if notes:
        lines += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    path = out / "report.md"
    from sim.output import atomic_write_bytes

    atomic_write_bytes(path, "\n".join(lines).encode())
    return path
