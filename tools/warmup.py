"""How long the default warm-up must be: MSER-5 on the daily decision times of long baseline runs.

For each structure and size, runs the baseline company for `--days` days on
`--seeds` seeds with no warm-up, takes each day's mean decision time, and
finds the MSER-5 truncation point (White 1997; White, Cobb & Spratt 2000):
the day d that minimizes the squared standard error of the mean of the
series (in batches of 5 days) that starts at d. The default `warmup_days`
must cover the largest of these.

Usage: .venv/bin/python tools/warmup.py [--days 600] [--seeds 4] [--sizes 10,50,200,1000,5000]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim import OrgModel, load_scenario
from sim.structures import STRUCTURES

BATCH_DAYS = 5


def mser_truncation(series: np.ndarray, batch: int = BATCH_DAYS) -> int:
    """The MSER-m truncation point of `series`, in its own steps (days); only the first half is searched."""
    usable = len(series) // batch * batch
    batches = series[:usable].reshape(-1, batch).mean(axis=1)
    best, best_at = np.inf, 0
    for start in range(len(batches) // 2):
        rest = batches[start:]
        score = rest.var() / len(rest)
        if score < best:
            best, best_at = score, start
    return best_at * batch


def daily_decision_times(job) -> np.ndarray:
    structure, employees, seed, days = job
    overrides = {"organization.structure": structure, "organization.employees": employees,
                 "horizon_days": days, "warmup_days": 0}
    model = OrgModel(load_scenario("baseline", overrides), rng=seed)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    return frame["decision_time_mean_h"].to_numpy(dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=600)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--sizes", default="10,50,200,1000,5000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    jobs = [(s, n, seed, args.days) for s in STRUCTURES for n in sizes for seed in range(args.seeds)]
    with ProcessPoolExecutor(2) as pool:
        series = list(pool.map(daily_decision_times, jobs))
    print("| structure | employees | MSER-5 truncation (days), per seed | largest |")
    print("| --- | --- | --- | --- |")
    overall = 0
    for structure in STRUCTURES:
        for employees in sizes:
            points = [
                mser_truncation(np.nan_to_num(days, nan=np.nanmean(days)))
                for (s, n, _, _), days in zip(jobs, series)
                if s == structure and n == employees
            ]
            overall = max(overall, *points)
            print(f"| {structure} | {employees:,} | {', '.join(map(str, points))} | {max(points)} |")
    print(f"\nlargest truncation point: {overall} days")


if __name__ == "__main__":
    main()
