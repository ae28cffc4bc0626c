"""Which functions execute more bytecode per inquiry in a larger company (not part of `make bench`).

Wall time per inquiry grows with the company partly because each bytecode
runs slower (a larger company's objects fall out of the cache) and partly
because more of them run. This counts the second part exactly: the bytecode
instructions each function executes per inquiry (`sys.monitoring`, as
`benchmarks/bytecodes.py` does for the validation network), over a window
of working days after the first weeks, at each size in a process of its own.
Functions whose count grows with the company are work that grows faster than
the company: what the model's mechanisms add (a deeper tree, more teams per
customization) or what the code does more often than it needs to.

    python benchmarks/research/bytecodes_by_size.py                          # hierarchy, 1,000 and 10,000
    python benchmarks/research/bytecodes_by_size.py --structure holacracy --top 20
    python benchmarks/research/bytecodes_by_size.py --days 26 40             # a shorter window

Counting slows a run about fiftyfold: the default window (days 26 to 60)
takes some minutes at 10,000 employees.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCHMARKS))

TOOL_ID = 3  # sys.monitoring.OPTIMIZER_ID: a slot no debugger or profiler claims


def counted(structure: str, employees: int, first_day: float, last_day: float) -> dict:
    """One size, in this process: bytecode instructions per inquiry of each function over the window."""
    from workloads import YEAR_DAYS, company

    from sim.model import OrgModel

    scenario = company("baseline", structure, employees, YEAR_DAYS)
    model = OrgModel(scenario, rng=1)
    hours_per_day = scenario.horizon_hours / YEAR_DAYS
    model.run_until(first_day * hours_per_day)
    arrived = len(model.inquiries)
    by_code: Counter = Counter()
    monitoring = sys.monitoring
    monitoring.use_tool_id(TOOL_ID, "orgsim-bytecodes-by-size")
    try:
        monitoring.register_callback(TOOL_ID, monitoring.events.INSTRUCTION, lambda code, _: by_code.update((code,)))
        monitoring.set_events(TOOL_ID, monitoring.events.INSTRUCTION)
        model.run_until(last_day * hours_per_day)
    finally:
        monitoring.set_events(TOOL_ID, 0)
        monitoring.register_callback(TOOL_ID, monitoring.events.INSTRUCTION, None)
        monitoring.free_tool_id(TOOL_ID)
    inquiries = len(model.inquiries) - arrived
    functions: Counter = Counter()
    for code, n in by_code.items():
        functions[f"{Path(code.co_filename).name}:{code.co_name}"] += n / inquiries
    return {"inquiries": inquiries, "functions": functions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--structure", choices=("hierarchy", "holacracy", "hybrid"), default="hierarchy")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--days", type=float, nargs=2, default=[26, 60], metavar=("FIRST", "LAST"))
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, counted in this process (the child)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(counted(args.structure, args.one, *args.days)))
        return
    runs = {}
    for size in args.sizes:
        command = [sys.executable, __file__, "--structure", args.structure, "--days", *map(str, args.days), "--one", str(size)]
        runs[size] = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    first, last = args.sizes[0], args.sizes[-1]
    tables = {size: Counter(run["functions"]) for size, run in runs.items()}
    print(f"{args.structure} baseline, days {args.days[0]:g} to {args.days[1]:g}: bytecode instructions per inquiry")
    print("  " + "  ".join(f"{size:,}: {sum(tables[size].values()):,.0f} ({runs[size]['inquiries']:,} inquiries)" for size in args.sizes))
    print(f"  the {args.top} functions that grow most from {first:,} to {last:,} employees:")
    print("  " + "".join(f"{size:>9,}" for size in args.sizes) + f"{'growth':>9}  function")
    keys = set().union(*tables.values())
    for key in sorted(keys, key=lambda key: tables[first][key] - tables[last][key])[: args.top]:
        sizes = "".join(f"{tables[size][key]:>9.1f}" for size in args.sizes)
        print(f"  {sizes}{tables[last][key] - tables[first][key]:>+9.1f}  {key}")


if __name__ == "__main__":
    main()
