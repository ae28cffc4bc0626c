"""Python bytecode instructions per decision: orgsim's validation network against the bare-heapq reference.

Wall-clock throughput on a shared 2-core machine moves by tens of percent
from run to run; the number of bytecode instructions the interpreter executes
does not. This counts them with `sys.monitoring` (Python 3.12+) over the same
network `make bench` times (validation/queueing with every rate x20), run for
`DAYS` days, and attributes them to the functions that executed them. The
ratio of the two totals predicts the measured throughput ratio to a few
percent, and the per-function table says where orgsim's extra instructions go.

    python benchmarks/bytecodes.py             # the totals and orgsim's top functions
    python benchmarks/bytecodes.py --days 2    # a quick look (per-decision figures less stable)
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from reference_heapq import simulate_like
from workloads import VALIDATION_SEED, decisions_done, validation_network

DAYS = 20  # ~2,800 decisions: stable per-decision figures, ~20 s under monitoring
TOOL_ID = 3  # sys.monitoring.OPTIMIZER_ID: a slot no debugger or profiler claims


def _counted(run) -> tuple[Counter, int]:
    """Bytecode instructions executed by `run()`, per (file, function), and the Python calls it made."""
    monitoring = sys.monitoring
    events = monitoring.events
    counts: Counter = Counter()
    calls = 0

    def on_instruction(code, _offset):
        counts[(Path(code.co_filename).name, code.co_name)] += 1

    def on_start(_code, _offset):  # a Python function's frame starts
        nonlocal calls
        calls += 1

    monitoring.use_tool_id(TOOL_ID, "orgsim-bytecodes")
    try:
        monitoring.register_callback(TOOL_ID, events.INSTRUCTION, on_instruction)
        monitoring.register_callback(TOOL_ID, events.PY_START, on_start)
        monitoring.set_events(TOOL_ID, events.INSTRUCTION | events.PY_START)
        run()
    finally:
        monitoring.set_events(TOOL_ID, 0)
        monitoring.register_callback(TOOL_ID, events.INSTRUCTION, None)
        monitoring.register_callback(TOOL_ID, events.PY_START, None)
        monitoring.free_tool_id(TOOL_ID)
    return counts, calls


def count(seed: int = VALIDATION_SEED, days: int = DAYS) -> dict:
    """Instructions and Python calls per decision for orgsim and the reference, and orgsim's per-function split."""
    model, scenario = validation_network(days, seed)
    orgsim, orgsim_calls = _counted(lambda: model.run_until(scenario.horizon_hours))
    decided = decisions_done(model)
    result: dict = {}
    reference, reference_calls = _counted(lambda: result.update(simulate_like(model, seed=seed)))
    per_decision = sum(orgsim.values()) / decided
    reference_per_decision = sum(reference.values()) / result["decisions"]
    return {
        "days": days,
        "decisions": decided,
        "per_decision": per_decision,
        "reference_decisions": result["decisions"],
        "reference_per_decision": reference_per_decision,
        "ratio": reference_per_decision / per_decision,
        "calls_per_decision": orgsim_calls / decided,
        "reference_calls_per_decision": reference_calls / result["decisions"],
        "by_function": [(f"{file}:{name}", n / decided) for (file, name), n in orgsim.most_common(15)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=DAYS, help=f"working days of the network to count (default {DAYS})")
    parser.add_argument("--seed", type=int, default=VALIDATION_SEED)
    args = parser.parse_args()
    found = count(args.seed, args.days)
    print(
        f"validation network, {found['days']} days: orgsim {found['per_decision']:.0f} bytecode instructions per decision"
        f" ({found['decisions']:,} decisions), bare heapq {found['reference_per_decision']:.0f}"
        f" ({found['reference_decisions']:,}); ratio {found['ratio']:.2f}"
    )
    print(
        f"Python function calls per decision: orgsim {found['calls_per_decision']:.1f},"
        f" bare heapq {found['reference_calls_per_decision']:.1f}"
    )
    print("\norgsim, per decision, by function:")
    for name, n in found["by_function"]:
        print(f"  {n:7.1f}  {name}")


if __name__ == "__main__":
    main()
