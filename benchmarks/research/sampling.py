"""Where a run's time goes, line by line, and which lines grow with the company (not part of `make bench`).

cProfile charges every Python call a fixed overhead, so it overstates small
functions and hides what a cold cache costs inside a line. This samples
instead: a CPU-time timer interrupts the run every SAMPLE_S seconds and the
interrupted frame's line is counted. Time spent in C (a heap pop, a dict
lookup) is charged to the Python line that called it. The samples of each
line, scaled to the run loop's measured time, give microseconds per inquiry.

Each size runs in a fresh process, one after the other (two at once would
share the cache that the comparison is about): the baseline under one
structure for a year, as many runs as `make bench` averages at that size.
The table lists the lines (or functions) whose time per inquiry grows most
from the smallest size to the largest. The timer costs under 1% of a run.

    python benchmarks/research/sampling.py                                   # hierarchy, 1,000 and 10,000
    python benchmarks/research/sampling.py --structure hybrid --by function
    python benchmarks/research/sampling.py --sizes 1000 3000 --top 40
"""

from __future__ import annotations

import argparse
import gc
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCHMARKS))

SAMPLE_S = 0.0005  # of process CPU time between samples


def sampled(structure: str, employees: int) -> dict:
    """One size, in this process: microseconds per inquiry of each (file, line, function)."""
    from cases import runs_for
    from workloads import YEAR_DAYS, company

    from sim.model import OrgModel

    scenario = company("baseline", structure, employees, YEAR_DAYS)
    OrgModel(company("baseline", structure, days=5), rng=1).run()  # imports and first calls, unsampled
    counts: Counter = Counter()

    def count(_signal, frame) -> None:
        code = frame.f_code
        counts[f"{Path(code.co_filename).name}:{frame.f_lineno}:{code.co_name}"] += 1

    signal.signal(signal.SIGPROF, count)
    inquiries, seconds = 0, 0.0
    for _ in range(runs_for(employees)):
        gc.collect()
        model = OrgModel(scenario, rng=1)
        signal.setitimer(signal.ITIMER_PROF, SAMPLE_S, SAMPLE_S)
        started = time.perf_counter()
        model.run_until(scenario.horizon_hours)
        seconds += time.perf_counter() - started
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        inquiries += len(model.inquiries)
        del model
    scale = seconds * 1e6 / inquiries / sum(counts.values())
    return {"us_per_inquiry": seconds * 1e6 / inquiries, "lines": {line: n * scale for line, n in counts.items()}}


def grouped(lines: dict, by: str) -> Counter:
    """Microseconds per inquiry by line ("file:line:function") or by function ("file:function")."""
    if by == "line":
        return Counter(lines)
    found: Counter = Counter()
    for key, us in lines.items():
        file, _, function = key.split(":", 2)
        found[f"{file}:{function}"] += us
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--structure", choices=("hierarchy", "holacracy", "hybrid"), default="hierarchy")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--by", choices=("line", "function"), default="line")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, sampled in this process (the child)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(sampled(args.structure, args.one)))
        return
    runs = {}
    for size in args.sizes:
        command = [sys.executable, __file__, "--structure", args.structure, "--one", str(size)]
        runs[size] = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    first, last = args.sizes[0], args.sizes[-1]
    tables = {size: grouped(run["lines"], args.by) for size, run in runs.items()}
    print(f"{args.structure} baseline, a year: microseconds per inquiry of the run loop, sampled")
    print("  " + "  ".join(f"{size:,}: {run['us_per_inquiry']:.1f}" for size, run in runs.items()))
    print(f"  the {args.top} {args.by}s that grow most from {first:,} to {last:,} employees:")
    print("  " + "".join(f"{size:>9,}" for size in args.sizes) + f"{'growth':>9}  {args.by}")
    keys = set().union(*tables.values())
    growth = sorted(keys, key=lambda key: tables[first][key] - tables[last][key])
    for key in growth[: args.top]:
        sizes = "".join(f"{tables[size][key]:>9.2f}" for size in args.sizes)
        print(f"  {sizes}{tables[last][key] - tables[first][key]:>+9.2f}  {key}")


if __name__ == "__main__":
    main()
