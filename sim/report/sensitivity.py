"""Sensitivity indices of a Morris or Sobol' design, through SALib."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

SENSITIVITY_KINDS = ("morris", "sobol")


def _morris(problem: dict, X, Y, spec: dict, seed) -> dict[str, list]:
    from SALib.analyze import morris

    result = morris.analyze(problem, X, Y, num_levels=spec.get("levels", 4), conf_level=0.95,
                            print_to_console=False, seed=seed)
    return {column: result[column] for column in ("mu", "mu_star", "mu_star_conf", "sigma")}


def _sobol(problem: dict, X, Y, spec: dict, seed) -> dict[str, list]:
    from SALib.analyze import sobol

    # With few design points some of SALib's bootstrap resamples are constant, and it warns for each one
    # (Y itself is not constant: `sensitivity` skips such metrics with a note).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sobol.analyze(problem, Y, calc_second_order=spec.get("second_order", False),
                               conf_level=0.95, print_to_console=False, seed=seed)
    return {column: result[column] for column in ("S1", "S1_conf", "ST", "ST_conf")}


def sensitivity(ok: pd.DataFrame, manifest: dict, design: pd.DataFrame | None, metrics: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Morris or Sobol' indices per metric (replications averaged per design point); notes on skips."""
    spec = manifest.get("design", {})
    kind = spec.get("kind")
    notes: list[str] = []
    if kind not in SENSITIVITY_KINDS or design is None:
        return pd.DataFrame(), notes
    analyze = _morris if kind == "morris" else _sobol
    problem = spec["problem"]
    keys = problem["names"]
    design = design.sort_values("point")
    X = design[[f"x.{k}" for k in keys]].to_numpy(dtype=float)
    means = ok.groupby("point")[metrics].mean()
    rows = []
    for metric in metrics:
        # A deduplicated point (`--dedupe`) has the runs of the earlier point it repeats (`run_point`).
        Y = means[metric].reindex(design.get("run_point", design["point"])).to_numpy(dtype=float)
        if not np.isfinite(Y).all():
            notes.append(f"{metric}: skipped (a design point has no finite value: failed, missing or NaN runs)")
            continue
        if np.ptp(Y) == 0:
            notes.append(f"{metric}: skipped (constant over the design)")
            continue
        indices = analyze(problem, X, Y, spec, manifest.get("root_seed"))
        for i, key in enumerate(keys):
            rows.append({"metric": metric, "parameter": key, **{column: values[i] for column, values in indices.items()}})
    return pd.DataFrame(rows), notes
