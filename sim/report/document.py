"""report.md as a whole: what the sweep was, then its sections in order; `write_report` writes it all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.metrics import HEADLINE_METRICS, TEXT_METRICS
from sim.output import atomic_write_bytes
from sim.report import sections, tables
from sim.report.results import ReportError, load_results
from sim.report.sensitivity import SENSITIVITY_KINDS

# Company size and structure are the axes of the size figures; every other design key is a factor.
SIZE_KEYS = ("organization.employees", "organization.structure")


def _reported_metrics(ok: pd.DataFrame, wanted: list[str]) -> tuple[list[str], list[str]]:
    """The wanted metrics with a non-zero value in some run, and a note for each left out (no empty panels)."""
    metrics, notes = [], []
    for metric in wanted:
        values = ok[metric].astype(float)
        if values.isna().all():
            notes.append(f"`{metric}` is NaN in every run and is left out.")
        elif values.fillna(0).eq(0).all():
            notes.append(f"`{metric}` is 0 in every run and is left out.")
        else:
            metrics.append(metric)
    return metrics, notes


def choose_factor(ok: pd.DataFrame, other_keys: list[str], by: str | None, results: Path) -> str | None:
    """The design factor (beyond size and structure) whose levels the size figures separate: `by` if given,
    else the one with the fewest levels, so that no figure pools the levels of a factor into its band."""
    if by is not None:
        if by not in other_keys:
            allowed = ", ".join(other_keys) or "(none: this design varies only size and structure)"
            raise ReportError(f"{results}: --by {by!r} is not a factor of this design; its factors: {allowed}")
        return by
    varied = [key for key in other_keys if ok[key].nunique() > 1]  # a key with one level is held fixed
    if not varied:
        return None
    return min(varied, key=lambda key: ok[key].nunique())


def _held_fixed(manifest: dict) -> list[str]:
    """What the design did not vary: the base scenario and the experiment's fixed settings."""
    experiment = manifest.get("experiment", {})
    fixed = experiment.get("content", {}).get("set", {})
    settings = "; ".join(f"`{key} = {value!r}`" for key, value in fixed.items())
    return [f"- held fixed: every setting of `{experiment.get('scenario_file', '?')}`"
            + (f", with {settings}" if settings else "") + ", apart from the design's keys"]


def _header(name: str, manifest: dict, runs: pd.DataFrame, ok: pd.DataFrame, failed: pd.DataFrame) -> list[str]:
    """Title, description, and what the sweep ran: runs, design, structures and sizes, code version."""
    design = manifest.get("design", {})
    design_keys = design.get("keys", [])
    sizes = sorted(ok["employees"].unique())
    structures = sorted(ok["structure"].unique())
    lines = [f"# Sweep report: {name}", ""]
    description = manifest.get("experiment", {}).get("content", {}).get("description")
    if description:
        lines += [description, ""]
    code = manifest.get("code_version") or {}
    sizes_text = ", ".join(str(s) for s in sizes) if len(sizes) <= 20 else f"{len(sizes)} sizes from {sizes[0]} to {sizes[-1]}"
    return lines + [
        f"- runs stored: {len(runs):,} of {manifest.get('runs_total', len(runs)):,} "
        f"({len(ok):,} ok, {len(failed):,} failed)",
        f"- design: {design.get('kind', 'grid')} over {', '.join(f'`{k}`' for k in design_keys) or '(none)'}; "
        f"{design.get('points', '?')} points x {manifest.get('replications', '?')} replications; "
        f"root seed {manifest.get('root_seed')} (replication k runs on the same spawned seed at every point)",
        *_held_fixed(manifest),
        f"- structures: {', '.join(structures)}; employees: {sizes_text}",
        f"- code version: {code.get('describe') or code.get('commit') or 'unknown'}; "
        f"sweep {manifest.get('started')} – {manifest.get('ended')} on {manifest.get('host')} ({manifest.get('status')})",
        "- intervals are 95% t-intervals over replications; see `manifest.json` for package versions.",
        "",
    ]


def write_report(results_dir: str | Path, out_dir: str | Path | None = None, by: str | None = None) -> Path:
    """Write figures, CSV tables and report.md; return the path of report.md. `by`: the design factor whose
    levels the size figures separate (default: the factor beyond size and structure with the fewest levels)."""
    results = Path(results_dir)
    runs, manifest, design = load_results(results)
    out = Path(out_dir) if out_dir else results / "report"
    out.mkdir(parents=True, exist_ok=True)

    ok = runs[runs["status"] == "ok"].copy()
    failed = runs[runs["status"] != "ok"]
    if ok.empty:
        raise ReportError(f"{results}: every stored run failed ({len(failed)}); see the error column of {results}/runs")
    metrics, notes = _reported_metrics(ok, [m for m in manifest.get("metrics", HEADLINE_METRICS) if m in runs and m not in TEXT_METRICS])
    sweep = sections.Sweep(ok, metrics, out)
    design_keys = list(manifest.get("design", {}).get("keys", []))
    kind = manifest.get("design", {}).get("kind", "grid")
    name = manifest.get("experiment", {}).get("name", results.name)
    other_keys = [k for k in design_keys if k not in SIZE_KEYS]
    lines = _header(name, manifest, runs, ok, failed) + sections.failed_runs_section(failed)

    by_size_design = ok["employees"].nunique() > 1 and kind == "grid"  # sampled designs scatter sizes: no per-size curves
    factor = choose_factor(ok, other_keys, by, results) if by_size_design else None
    size_table = tables.by_size(ok, metrics, factor)
    size_table.to_csv(out / "metrics_by_size.csv", index=False)
    point_table = tables.by_point(ok, design_keys, metrics)
    point_table.to_csv(out / "metrics_by_point.csv", index=False)
    subtitle = f"{name}: mean over replications, 95% CI"
    pooled = [key for key in other_keys if key != factor and ok[key].nunique() > 1]
    if pooled:
        subtitle += f"; pooled over {', '.join(pooled)}"
        notes.append(f"The size figures pool {', '.join(f'`{k}`' for k in pooled)}; `orgsim report --by KEY` "
                     "separates another factor.")

    if by_size_design:
        lines += sections.size_section(sweep, size_table, subtitle, factor)
    lines += sections.loss_section(sweep, pool_sizes=not by_size_design)
    if by_size_design:
        lines += sections.scaling_section(sweep)
    if other_keys and kind == "grid":
        factors = other_keys + (["organization.structure"] if "organization.structure" in design_keys else [])
        lines += sections.main_effects_section(sweep, factors, design_keys, point_table)
    if kind in SENSITIVITY_KINDS:
        lines += sections.sensitivity_section(sweep, kind, manifest, design)
    if notes:
        lines += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    path = out / "report.md"
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path
