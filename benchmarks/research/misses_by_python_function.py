"""Cache misses per inquiry charged to each Python function, at two company sizes (not part of `make bench`).

`research/cachegrind.py` counts misses by C function, and nearly all of them
fall in the interpreter's loop, which runs every Python function alike. This
names the Python functions instead. Python 3.12's `-X perf` gives each Python
function a trampoline of its own, a few machine instructions through which
every call of that function enters the interpreter; `/tmp/perf-PID.map` says
which addresses belong to which function. valgrind's callgrind, with
`--dump-instr=yes`, records the inclusive cost of every call by the address
it was made from, so the calls made from a trampoline's addresses add up to
that Python function's inclusive cost: its own work and everything it calls.

Inclusive costs nest (a callback includes the functions it calls), so read the
table as a tree: a large figure that its callees do not explain is the
function's own. Each size runs once, from day 0 for the days `--small` and
`--large` give (a year's first weeks, when the organization still adapts,
weigh more than in a year's run).
Under callgrind a run takes about 150 times as long as alone: the defaults
(1,000 employees for 60 days and 10,000 for 35) take about 20 minutes.

    python benchmarks/research/misses_by_python_function.py
    python benchmarks/research/misses_by_python_function.py --structure holacracy --top 40
    python benchmarks/research/misses_by_python_function.py --keep /tmp/calls   # keep callgrind's files
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cachegrind import CACHES, ROOT, WORKLOADS  # the same simulated caches and workloads (this folder)

SHOWN = ("Ir", "DLmr", "DLmw")  # instructions; last-level read and write misses


def run(kind: str, days: int, workdir: str) -> tuple[str, str, int]:
    """One workload under callgrind: its output file, its perf map and the inquiries it handled."""
    out = f"{workdir}/{kind.replace(':', '_')}_{days}.callgrind"
    command = [
        "valgrind", "--tool=callgrind", "--dump-instr=yes", "--cache-sim=yes", *CACHES, f"--callgrind-out-file={out}",
        sys.executable, "-X", "perf", str(WORKLOADS), kind, str(days),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} {days} days failed:\n{done.stderr[-2000:]}")
    pid = re.search(r"^pid: (\d+)", Path(out).read_text(errors="replace")[:4000], re.M).group(1)
    return out, f"/tmp/perf-{pid}.map", int(done.stdout.strip().splitlines()[-1])


def trampolines(perf_map: str):
    """A lookup from a machine address to the Python function whose trampoline holds it."""
    spans = []
    for line in Path(perf_map).read_text().splitlines():
        start, size, name = line.split(" ", 2)
        spans.append((int(start, 16), int(start, 16) + int(size, 16), name.removeprefix("py::")))
    spans.sort()
    starts = [start for start, _, _ in spans]

    def function_at(address: int) -> str | None:
        i = bisect.bisect_right(starts, address) - 1
        return spans[i][2] if i >= 0 and address < spans[i][1] else None

    return function_at


def inclusive_costs(callgrind_file: str, function_at) -> dict[str, list[int]]:
    """Python function -> [calls, *SHOWN]: the calls made from its trampoline, with their inclusive costs.

    Reads callgrind's format: positions are `instr line`, each absolute, relative (+n, -n) to the
    previous position line, calls= targets included, or `*` (the same); names are compressed as (id).
    """
    events: list[str] = []
    last = [0, 0]
    in_trampoline = False
    calls_pending = None
    names: dict[str, str] = {}
    found: dict[str, list[int]] = {}

    def positions(tokens: list[str]) -> list[int]:
        for k, token in enumerate(tokens[:2]):
            if token == "*":
                continue
            last[k] = last[k] + int(token, 0) if token[0] in "+-" else int(token, 0)
        return last

    for line in open(callgrind_file, errors="replace"):
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith("fn="):
            spec = re.match(r"fn=\((\d+)\)(?: (.*))?", line.strip())
            if spec.group(2) is not None:
                names[spec.group(1)] = spec.group(2)
            in_trampoline = "py_trampoline" in names.get(spec.group(1), "")
        elif line.startswith("calls="):
            count, *target = line[6:].split()
            calls_pending = int(count)
            positions(target)
        elif line[:1].isdigit() or line[:1] in "+-*":
            tokens = line.split()
            address = positions(tokens)[0]
            if calls_pending is not None and in_trampoline and (name := function_at(address)) is not None:
                costs = [int(x) for x in tokens[2:]] + [0] * len(events)
                row = found.setdefault(name, [0] * (1 + len(SHOWN)))
                row[0] += calls_pending
                for k, event in enumerate(SHOWN, start=1):
                    row[k] += costs[events.index(event)]
            calls_pending = None
        elif line.startswith("cfn="):  # a called function's name, compressed in the same table as fn=
            spec = re.match(r"cfn=\((\d+)\)(?: (.*))?", line.strip())
            if spec.group(2) is not None:
                names[spec.group(1)] = spec.group(2)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--structure", choices=("hierarchy", "holacracy", "hybrid"), default="hierarchy")
    parser.add_argument("--small", type=int, nargs=2, default=[1_000, 60], metavar=("EMPLOYEES", "DAYS"))
    parser.add_argument("--large", type=int, nargs=2, default=[10_000, 35], metavar=("EMPLOYEES", "DAYS"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--keep", help="keep callgrind's output files in this directory")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("benchmarks/research/misses_by_python_function.py: valgrind is not installed")
    sizes = [tuple(args.small), tuple(args.large)]
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(max_workers=2) as pool:
        workdir = args.keep or scratch
        os.makedirs(workdir, exist_ok=True)
        runs = list(pool.map(lambda size: run(f"{args.structure}:{size[0]}", size[1], workdir), sizes))
        tables = []
        for out, perf_map, inquiries in runs:
            costs = inclusive_costs(out, trampolines(perf_map))
            tables.append({name: [value / inquiries for value in row] for name, row in costs.items()})
            os.remove(perf_map)
    small, large = tables
    # The model's own functions, those whose read misses grow most first.
    names = [name for name in large if "/sim/" in name]
    names.sort(key=lambda name: -(large[name][2] - small.get(name, [0] * 4)[2]))
    print(f"{args.structure} baseline, inclusive cost per inquiry of each function, from day 0:"
          f" {sizes[0][0]:,} employees for {sizes[0][1]} days | {sizes[1][0]:,} for {sizes[1][1]}")  # fmt: skip
    heading = f"{'calls':>6} {'instr':>7} {'LLrd':>6} {'LLwr':>6}"
    print(f"  {'function':58} {heading} | {heading}")

    def cells(row: list[float]) -> str:
        calls, instructions, reads, writes = row
        return f"{calls:>6.2f} {instructions:>7,.0f} {reads:>6.1f} {writes:>6.1f}"

    for name in names[: args.top]:
        label = re.sub(r":.*/sim/", " ", name)[:58]
        print(f"  {label:58} {cells(small.get(name, [0] * 4))} | {cells(large[name])}")


if __name__ == "__main__":
    main()
