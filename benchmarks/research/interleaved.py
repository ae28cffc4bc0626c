"""How much of the growth per inquiry is the size of the live data alone (not part of `make bench`).

A company ten times larger costs more per inquiry for two reasons: its live
objects (people, work in flight) are ten times as many, so fewer of them are
in the cache when touched, and its own work per inquiry grows (a deeper
event heap, a deeper tree, more teams per customization, larger offices).
This separates the two: it runs K companies of N employees in one process,
advancing them in turn by a short step, so the process holds K times the
live data of one, with the work per inquiry of a company of N.

Three cases, in turn, for `--rounds` rounds, each in a process of its own:
one company of N, K companies of N interleaved, one company of K x N.
Microseconds per inquiry of the run loop, over the first `--days` working
days of a year:

    python benchmarks/research/interleaved.py                  # hierarchy, 10 x 1,000 against 10,000
    python benchmarks/research/interleaved.py --structure hybrid --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCHMARKS))

STEP_DAYS = 0.05  # between turns: short against a decision's life, long against one event


def per_inquiry(structure: str, employees: int, companies: int, days: float) -> float:
    """`companies` companies of `employees`, advanced in turn: microseconds of run loop per inquiry."""
    from workloads import YEAR_DAYS, company

    from sim.model import OrgModel

    scenario = company("baseline", structure, employees, YEAR_DAYS)
    OrgModel(company("baseline", structure, days=5), rng=1).run()  # imports and first calls, untimed
    gc.collect()
    models = [OrgModel(scenario, rng=seed) for seed in range(1, companies + 1)]
    hours_per_day = scenario.horizon_hours / YEAR_DAYS
    started = time.perf_counter()
    for step in range(1, round(days / STEP_DAYS) + 1):
        for model in models:
            model.run_until(step * STEP_DAYS * hours_per_day)
    return (time.perf_counter() - started) * 1e6 / sum(len(model.inquiries) for model in models)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--structure", choices=("hierarchy", "holacracy", "hybrid"), default="hierarchy")
    parser.add_argument("--employees", type=int, default=1_000, help="N")
    parser.add_argument("--companies", type=int, default=10, help="K")
    parser.add_argument("--days", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", type=int, nargs=2, help=argparse.SUPPRESS)  # (employees, companies): the child
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(per_inquiry(args.structure, *args.one, args.days)))
        return
    n, k = args.employees, args.companies
    cases = {f"1 x {n:,}": (n, 1), f"{k} x {n:,} interleaved": (n, k), f"1 x {k * n:,}": (k * n, 1)}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, (employees, companies) in cases.items():
            command = [sys.executable, __file__, "--structure", args.structure, "--days", str(args.days),
                       "--one", str(employees), str(companies)]
            times[name].append(json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout))
    alone = statistics.median(times[f"1 x {n:,}"])
    print(f"{args.structure} baseline, the first {args.days:g} working days: microseconds per inquiry of the run loop")
    for name, values in times.items():
        middle = statistics.median(values)
        print(f"  {name:>24}: median {middle:6.1f} ({middle / alone:.2f} x one company of {n:,});"
              f" rounds {', '.join(f'{v:.1f}' for v in values)}")


if __name__ == "__main__":
    main()
