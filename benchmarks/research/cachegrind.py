"""Machine instructions and simulated cache misses, counted by valgrind's cachegrind (not part of `make bench`).

Wall time on this VM moves by up to 2x; cachegrind's counts barely move. This reproduces the
cachegrind tables in benchmarks/PROFILE.md (third and fourth passes):

- validation: machine instructions per decision of orgsim and of the
  bare-heapq reference on the benchmarked validation network, as the
  difference between a 700-day and a 2-day run (building and start-up cancel);
- sizes: per inquiry of the baseline (hierarchy, or --structure) at each size, days 26 to 260
  of a year (a 260-day run minus a 26-day run): instructions, first-level
  data-cache misses and misses of a 1 MiB last-level cache (this CPU's L2).

A difference of two long runs is needed because start-up alone executes
about 4 G instructions, and its count moves by some tens of millions between
identical runs.

Each measured process is `benchmarks/workloads.py KIND DAYS` (one workload
alone; its docstring says what it leaves out of the counts). Needs `valgrind`
and `cg_annotate` on the PATH. Runs two processes at a time; everything takes
about 15 minutes.

    python benchmarks/research/cachegrind.py                  # both tables
    python benchmarks/research/cachegrind.py --sizes 1000 3000
    python benchmarks/research/cachegrind.py --only sizes --structure holacracy
    python benchmarks/research/cachegrind.py --only validation
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKLOADS = ROOT / "benchmarks" / "workloads.py"
# 48 KiB 12-way first level and a 1 MiB 16-way last level: this CPU's L1d and L2.
CACHES = ["--D1=49152,12,64", "--LL=1048576,16,64"]
VALIDATION_LONG = 700  # days: ~100,000 decisions
SIZES_FROM_DAY = 26  # the sizes count days 26-260
COUNTS = {"instructions": r"I\s+refs:\s+([\d,]+)", "d1_misses": r"D1\s+misses:\s+([\d,]+)", "ll_misses": r"LLd misses:\s+([\d,]+)"}


def out_file(workdir: str, kind: str, days: int) -> str:
    """Where cachegrind writes the counts of one workload (kept with --keep, for cg_annotate)."""
    return f"{workdir}/{kind.replace(':', '_')}_{days}.out"


def counted(kind: str, days: int, workdir: str) -> dict:
    """Run one workload under cachegrind: its item count and cachegrind's totals."""
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=yes", *CACHES,
        f"--cachegrind-out-file={out_file(workdir, kind, days)}",
        sys.executable, str(WORKLOADS), kind, str(days),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} {days} days failed:\n{done.stderr[-2000:]}")
    totals = {name: int(re.search(pattern, done.stderr).group(1).replace(",", "")) for name, pattern in COUNTS.items()}
    return {"items": int(done.stdout.strip().splitlines()[-1]), **totals}


def per_item(long: dict, short: dict) -> dict:
    """The longer run minus the shorter one, per item: building and start-up cancel."""
    items = long["items"] - short["items"]
    return {"items": items, **{name: (long[name] - short[name]) / items for name in COUNTS}}


def misses_by_function(long_file: str, short_file: str, items: int, top: int = 5) -> list[tuple[str, float]]:
    """Where the 1 MiB-cache misses (reads and writes) of `long - short` fall, per item: the top C functions.

    Read from `cg_annotate`, which names the interpreter's C source file and function
    (`_PyEval_EvalFrameDefault` is the interpreter running bytecode, attribute access included).
    """

    def by_function(path: str) -> dict[str, int]:
        text = subprocess.run(
            ["cg_annotate", "--show=DLmr,DLmw", "--threshold=0.001", path], capture_output=True, text=True, check=True
        ).stdout
        found: dict[str, int] = {}
        for line in text.splitlines():
            row = re.match(r"\s*([\d,]+) \([^)]*\)\s+([\d,]+) \([^)]*\)\s+\S*?([^/\s]+:\S+)", line)
            if row and "PROGRAM TOTALS" not in line:
                name = row.group(3).split(":", 1)[1]  # the function, over every source file it spans
                found[name] = found.get(name, 0) + int(row.group(1).replace(",", "")) + int(row.group(2).replace(",", ""))
        return found

    long, short = by_function(long_file), by_function(short_file)
    extra = {name: (long.get(name, 0) - short.get(name, 0)) / items for name in long}
    return sorted(extra.items(), key=lambda kv: -kv[1])[:top]


def size_kind(args, size: int) -> str:
    """The workload name of one company size: "STRUCTURE:EMPLOYEES" (see benchmarks/workloads.py)."""
    return f"{args.structure}:{size}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("validation", "sizes"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 3_000, 10_000])
    parser.add_argument("--structure", choices=("hierarchy", "holacracy", "hybrid"), default="hierarchy")
    parser.add_argument("--keep", help="keep cachegrind's output files in this directory (for cg_annotate)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("benchmarks/research/cachegrind.py: valgrind is not installed")
    jobs = []
    if args.only in (None, "validation"):
        jobs += [(side, days) for side in ("orgsim", "reference") for days in (VALIDATION_LONG, 2)]
    if args.only in (None, "sizes"):
        jobs += [(size_kind(args, size), days) for size in args.sizes for days in (260, SIZES_FROM_DAY)]
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(max_workers=2) as pool:
        workdir = args.keep or scratch
        os.makedirs(workdir, exist_ok=True)
        results = dict(zip(jobs, pool.map(lambda job: counted(*job, workdir), jobs)))
        report(args, results, workdir)


def report(args, results: dict, workdir: str) -> None:
    if args.only in (None, "validation"):
        orgsim = per_item(results["orgsim", VALIDATION_LONG], results["orgsim", 2])
        reference = per_item(results["reference", VALIDATION_LONG], results["reference", 2])
        print(f"validation network, machine instructions per decision ({VALIDATION_LONG} days minus 2 days):")
        print(f"  orgsim {orgsim['instructions']:,.0f}, bare heapq {reference['instructions']:,.0f}:"
              f" ratio {reference['instructions'] / orgsim['instructions']:.2f}")  # fmt: skip
    if args.only in (None, "sizes"):
        print(f"{args.structure} baseline, per inquiry, days {SIZES_FROM_DAY}-260 of a year:")
        print(f"  {'employees':>10} {'inquiries':>10} {'instructions':>13} {'L1d misses':>11} {'1 MiB-cache misses':>19}")
        rows = {size: per_item(results[size_kind(args, size), 260], results[size_kind(args, size), SIZES_FROM_DAY])
                for size in args.sizes}
        for size, row in rows.items():
            print(f"  {size:>10,} {row['items']:>10,} {row['instructions']:>13,.0f} {row['d1_misses']:>11,.0f} {row['ll_misses']:>19.1f}")
        print("  1 MiB-cache misses per inquiry by C function (the top five):")
        for size, row in rows.items():
            kind = size_kind(args, size)
            top = misses_by_function(out_file(workdir, kind, 260), out_file(workdir, kind, SIZES_FROM_DAY), row["items"])
            print(f"  {size:>10,} " + "; ".join(f"{name} {n:.1f}" for name, n in top))


if __name__ == "__main__":
    main()
