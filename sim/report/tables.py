"""The report's CSV tables: metrics by size and by design point, scaling exponents, loss reasons, main effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics import OUTCOME_LOOK
from sim.report.statistics import loglog_fit, t_interval

# How an inquiry ends: one of the outcomes, or still open when the run stops.
OUTCOME_COLUMNS = tuple(OUTCOME_LOOK)


def _interval(values) -> dict:
    """n, mean, ci_low and ci_high of one metric over replications, as table columns."""
    mean, low, high, n = t_interval(values.to_numpy(dtype=float))
    return {"n": n, "mean": mean, "ci_low": low, "ci_high": high}


def by_size(ok: pd.DataFrame, metrics: list[str], facet: str | None = None) -> pd.DataFrame:
    """Long table: structure, employees, metric, n, mean, ci_low, ci_high; with a `facet` design key, also
    `level` (its value), so that each level of that factor gets its own interval instead of a pooled one."""
    keys = ["structure", "employees"] if facet is None else [facet, "structure", "employees"]
    ordered = ok.sort_values("point", kind="stable") if facet is not None else ok  # levels as the design lists them
    rows = []
    for values, group in ordered.groupby(keys, sort=facet is None):
        *level, structure, employees = values
        for metric in metrics:
            row = {"structure": structure, "employees": employees, "metric": metric, **_interval(group[metric])}
            rows.append(row if facet is None else {"level": level[0], **row})
    return pd.DataFrame(rows)


def by_point(ok: pd.DataFrame, keys: list[str], metrics: list[str]) -> pd.DataFrame:
    """Wide table: one row per design point, mean and 95% interval of each metric."""
    rows = []
    for point, group in ok.groupby("point", sort=True):
        row = {"point": point, **{k: group[k].iloc[0] for k in keys if k in group}, "n": len(group)}
        for metric in metrics:
            interval = _interval(group[metric])
            row.update({metric: interval["mean"], f"{metric}_ci_low": interval["ci_low"],
                        f"{metric}_ci_high": interval["ci_high"]})
        rows.append(row)
    return pd.DataFrame(rows)


def scaling_table(ok: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The scaling exponent of each metric against employees, per structure, over all runs (`loglog_fit`)."""
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
    """Mean and 95% interval of each metric at each level of each design key, over all other keys."""
    rows = []
    ok = ok.sort_values("point", kind="stable")  # levels in the order the design lists them
    for key in keys:
        for level, group in ok.groupby(key, sort=False):
            for metric in metrics:
                rows.append({"key": key, "level": level, "metric": metric, **_interval(group[metric])})
    return pd.DataFrame(rows)
