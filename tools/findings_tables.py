"""The tables of docs/findings.md, from the flagship sweeps' run tables (markdown rows).

For each structure and size: the mean over replications (and the range of the
decision time), the busiest person or circle and how busy, conversion,
conflict per head, adaptations and the headcount at the end; for the sweep
that does not adapt, the decisions still open at the end.

Usage: .venv/bin/python tools/findings_tables.py [ADAPTIVE_DIR] [RIGID_DIR]
(defaults: results/size_sweep results/size_sweep_rigid)
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.batch.store import read_runs


def runs_of(results: Path):
    runs = read_runs(results).to_pandas()
    return runs[runs["status"] == "ok"].groupby(["structure", "employees"], sort=True)


def most_common(values) -> str:
    return values.value_counts().index[0]


def adaptive_rows(results: Path) -> list[str]:
    rows = []
    for (structure, employees), g in runs_of(results):
        times = g["decision_time_mean_h"]
        rows.append(
            f"| {structure} | {employees:,} | {times.mean():.2f} | {times.min():.2f}-{times.max():.2f} "
            f"| {g['utilization_max'].mean():.2f} | {most_common(g['bottleneck'])} | {g['conversion_rate'].mean():.3f} "
            f"| {g['conflicts_per_100_staff_month'].mean():.1f} | {g['adaptations'].mean():.1f} "
            f"| {g['headcount_end'].mean():,.0f} |"
        )
    return rows


def rigid_rows(results: Path) -> list[str]:
    rows = []
    for (structure, employees), g in runs_of(results):
        rows.append(
            f"| {structure} | {employees:,} | {g['decision_time_mean_h'].mean():.2f} | {g['utilization_max'].mean():.2f} "
            f"| {most_common(g['bottleneck'])} | {g['conversion_rate'].mean():.3f} | {g['decisions_open_at_end'].mean():,.0f} |"
        )
    return rows


if __name__ == "__main__":
    args = sys.argv[1:]
    adaptive = Path(args[0] if args else "results/size_sweep")
    rigid = Path(args[1] if len(args) > 1 else "results/size_sweep_rigid")
    print("\n".join(adaptive_rows(adaptive)))
    print()
    print("\n".join(rigid_rows(rigid)))
