"""`make bench`: the performance figures, printed and written to benchmarks/results.md.

    python benchmarks/run.py               # everything (about 9 minutes on 2 cores)
    python benchmarks/run.py --quick       # one sample each, no 10,000-employee runs
    python benchmarks/run.py --only scale  # validation | small | scale | batch

Every sample runs in a fresh process (`cases.py`, which says what a sample
is); this script decides how many, takes medians, fits the runtime exponent,
checks the targets and writes the table (`table.py`). The cases:

- validation: the validation network (`workloads.py`: queueing.toml with every
  rate x20, run for 140 days: ~20,000 decisions) in decisions completed per
  wall second of the run loop, next to the same network as a bare heapq loop
  (`reference_heapq.py`), and the bytecode instructions each executes per
  decision (`bytecodes.py`), a figure the machine's load cannot move;
- small: yy_company (10 months) under each structure: wall time (building,
  running and summarizing) and peak memory;
- scale: the baseline company at 1,000, 3,000 and 10,000 employees for a year
  (260 working days) under each structure, likewise. The runtime exponent is
  the median, over rounds, of the least-squares slope of log(wall) against
  log(employees) fitted to one round: the sizes run one after the other in a
  round (about 20 s), so each fit compares runs made in the same state of the
  machine, which drifts over minutes;
- batch: 40 baseline runs (seeds 0..39) on a ProcessPoolExecutor of 1 and of 2
  workers, then the same pools on 40 pure-Python loops of about one run each: a
  control whose speed-up only the machine can limit.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cases import BATCH_ROUNDS, BATCH_RUNS, VALIDATION_ROUNDS, runs_for
from table import ROOT, machine, render
from workloads import STRUCTURES, VALIDATION_SCALE, VALIDATION_SEED, YEAR_DAYS

CASES = Path(__file__).resolve().parent / "cases.py"
SIZES = (1_000, 3_000, 10_000)

# Targets (issue 4).
TARGET_RATIO = 0.5  # validation throughput at least half the bare-heapq reference
TARGET_YY_S = 1.0
TARGET_1K_S = 5.0
TARGET_10K_S = 60.0
TARGET_10K_MIB = 1024.0
TARGET_EXPONENT = 1.1
TARGET_SPEEDUP = 1.8

Row = tuple[str, str, str, str]  # measure, value, target, verdict


def in_subprocess(*args) -> dict:
    """One sample: `cases.py ARGS` in a fresh process, and the JSON it prints last."""
    command = [sys.executable, str(CASES), *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def repeated(reps: int, *args, label: str) -> list[dict]:
    results = []
    for rep in range(reps):
        started = time.perf_counter()
        results.append(in_subprocess(*args))
        print(f"  {label} [{rep + 1}/{reps}] {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    return results


def median(results: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in results)


def loglog_slope(points: list[tuple[float, float]]) -> float:
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def validation_rows(n_reps: int) -> list[Row]:
    results = repeated(n_reps, "validation", VALIDATION_SEED, label="validation network")
    dps, ref = median(results, "decisions_per_s"), median(results, "ref_decisions_per_s")
    # Each sample times orgsim and the reference in turns in one process, so the median of the
    # per-sample ratios is steadier on a shared machine than the ratio of the two medians.
    ratio = statistics.median(r["decisions_per_s"] / r["ref_decisions_per_s"] for r in results)
    cpu_ratio = statistics.median((r["ref_cpu_s"] / r["ref_decisions"]) / (r["cpu_s"] / r["decisions"]) for r in results)
    counted = in_subprocess("bytecodes", VALIDATION_SEED)
    print(f"  bytecode count {counted['ratio']:.2f}", file=sys.stderr, flush=True)
    first = results[0]
    return [
        (
            f"Validation network (queueing.toml, rates x{VALIDATION_SCALE}, {first['days']:,} days): orgsim decisions/s",
            f"{dps:,.0f} ({first['decisions']:,} decisions, mean {first['mean_h']:.4f} h)",
            "",
            "",
        ),
        (
            "Same network, bare heapq (benchmarks/reference_heapq.py): decisions/s",
            (
                f"{ref:,.0f} ({first['ref_decisions']:,} decisions, mean {first['ref_mean_h']:.4f} h;"
                f" Jackson network {first['jackson_mean_h']:.4f} h)"
            ),
            "",
            "",
        ),
        (
            f"Throughput ratio orgsim / heapq (median of {n_reps} samples, each {VALIDATION_ROUNDS} runs of both in turns)",
            f"{ratio:.2f} (on CPU time {cpu_ratio:.2f})",
            f">= {TARGET_RATIO} (within 2x)",
            verdict(ratio >= TARGET_RATIO),
        ),
        (
            f"Bytecode instructions per decision, same network for {counted['days']} days (benchmarks/bytecodes.py)",
            (
                f"orgsim {counted['per_decision']:.0f}, heapq {counted['reference_per_decision']:.0f}:"
                f" ratio {counted['ratio']:.2f} (deterministic; predicts the throughput ratio);"
                f" Python calls per decision: orgsim {counted['calls_per_decision']:.1f},"
                f" heapq {counted['reference_calls_per_decision']:.1f}"
            ),
            "",
            "",
        ),
    ]


def small_rows(reps: int) -> list[Row]:
    rows = []
    for structure in STRUCTURES:
        results = repeated(reps, "scale", "yy_company", structure, "-", "-", 3, label=f"yy_company {structure}")
        wall, peak = median(results, "wall_s"), max(r["peak_mib"] for r in results)
        rows.append(
            (
                f"yy_company, 10 months, {structure}: wall / peak RSS",
                f"{wall:.2f} s / {peak:.0f} MiB (CPU {median(results, 'cpu_s'):.2f} s)",
                f"< {TARGET_YY_S:g} s",
                verdict(wall < TARGET_YY_S),
            )
        )
    return rows


def size_target(size: int, wall: float, peak: float) -> tuple[str, bool | None]:
    """The target at a company size, and whether it was met (None: no target there)."""
    if size == 1_000:
        return f"< {TARGET_1K_S:g} s", wall < TARGET_1K_S
    if size == 10_000:
        return f"< {TARGET_10K_S:g} s, < {TARGET_10K_MIB / 1024:g} GiB", wall < TARGET_10K_S and peak < TARGET_10K_MIB
    return "", None


def scale_rows(structure: str, sizes: tuple[int, ...], wanted_reps: dict[int, int], quick: bool) -> list[Row]:
    # Sizes take turns (1,000, 3,000, 10,000, then again), so a change in the machine's load
    # while they run moves every point of the exponent's fit alike.
    by_size: dict[int, list[dict]] = {size: [] for size in sizes}
    for rep in range(max(wanted_reps.values())):
        for size in sizes:
            if rep < wanted_reps[size]:
                label = f"{size:,} employees {structure} ({rep + 1}/{wanted_reps[size]})"
                runs = 1 if quick else runs_for(size)
                by_size[size] += repeated(1, "scale", "baseline", structure, size, YEAR_DAYS, 1, runs, label=label)
    rows, points = [], []
    for size in sizes:
        results, n_reps = by_size[size], wanted_reps[size]
        wall, peak = median(results, "wall_s"), max(r["peak_mib"] for r in results)
        points.append((size, wall))
        target, ok = size_target(size, wall, peak)
        runs = results[0]["runs"]
        rows.append(
            (
                f"{size:,} employees, 1 year, {structure}: wall / peak RSS",
                (
                    f"{wall:.2f} s / {peak:.0f} MiB (CPU {median(results, 'cpu_s'):.2f} s;"
                    f" run loop {median(results, 'run_s'):.2f} s; {results[0]['inquiries']:,} inquiries,"
                    f" {results[0]['decisions']:,} decisions; median of {n_reps} samples"
                    f" of {runs} run{'s' if runs > 1 else ''} each)"
                ),
                target,
                verdict(ok) if ok is not None else "",
            )
        )
    # One fit per round in which every size ran: its points were timed within seconds of each
    # other. The fit of the medians (each size's median may come from a different round) is
    # shown beside it.
    rounds = min(wanted_reps.values())
    slopes = [loglog_slope([(size, by_size[size][r]["wall_s"]) for size in sizes]) for r in range(rounds)]
    cpu_slopes = [loglog_slope([(size, by_size[size][r]["cpu_s"]) for size in sizes]) for r in range(rounds)]
    slope = statistics.median(slopes)
    rows.append(
        (
            f"Runtime exponent {points[0][0]:,}-{points[-1][0]:,} employees, {structure}",
            (
                f"{slope:.2f} (median of the rounds' fits {', '.join(f'{x:.2f}' for x in slopes)};"
                f" on CPU time {statistics.median(cpu_slopes):.2f};"
                f" fit of the medians {loglog_slope(points):.2f})"
            ),
            f"<= {TARGET_EXPONENT}",
            verdict(slope <= TARGET_EXPONENT),
        )
    )
    return rows


def batch_rows(n_batch: int) -> list[Row]:
    samples = []
    for rep in range(n_batch):
        samples += repeated(1, "batch", BATCH_RUNS, label=f"batch, 1 and 2 processes ({rep + 1}/{n_batch})")
    speedup = statistics.median(r["wall_1_s"] / r["wall_2_s"] for r in samples)
    control = statistics.median(r["control_1_s"] / r["control_2_s"] for r in samples)
    return [
        (f"{BATCH_RUNS} baseline runs, 1 process", f"{median(samples, 'wall_1_s'):.2f} s (median of {n_batch} samples)", "", ""),
        (f"{BATCH_RUNS} baseline runs, 2 processes", f"{median(samples, 'wall_2_s'):.2f} s (median of {n_batch} samples)", "", ""),
        (
            f"Batch speed-up on 2 processes (median of {n_batch} samples, each {BATCH_ROUNDS} batches on each in turns)",
            f"{speedup:.2f}x",
            f">= {TARGET_SPEEDUP}x",
            verdict(speedup >= TARGET_SPEEDUP),
        ),
        (
            f"Control: the same pools on {BATCH_RUNS} CPU-only tasks of about one run each (the machine's ceiling)",
            (
                f"{control:.2f}x ({median(samples, 'control_1_s'):.2f} s on 1 process,"
                f" {median(samples, 'control_2_s'):.2f} s on 2)"
            ),
            "",
            "",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one sample each, no 10,000-employee runs")
    parser.add_argument("--reps", type=int, default=3, help="samples of the small cases (default 3)")
    parser.add_argument("--reps-large", type=int, default=5, help="samples at 10,000 employees (default 5)")
    parser.add_argument("--reps-validation", type=int, default=5, help="samples of the validation network (default 5)")
    parser.add_argument("--only", choices=("validation", "small", "scale", "batch"), action="append")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.md"), help="markdown file ('-': none)")
    args = parser.parse_args()

    samples = {
        "small": 1 if args.quick else args.reps,
        "scale": 1 if args.quick else max(args.reps, 5),  # the small points steer the exponent's fit
        "large": 0 if args.quick else args.reps_large,
        "validation": 1 if args.quick else args.reps_validation,
        "batch": 1 if args.quick else max(args.reps, 5),
    }
    sizes = SIZES[:2] if args.quick else SIZES
    wanted = set(args.only or ("validation", "small", "scale", "batch"))
    info = machine()
    started = time.perf_counter()
    rows: list[Row] = []
    if "validation" in wanted:
        rows += validation_rows(samples["validation"])
    if "small" in wanted:
        rows += small_rows(samples["small"])
    if "scale" in wanted:
        wanted_reps = {size: samples["large"] if size >= 10_000 else samples["scale"] for size in sizes}
        for structure in STRUCTURES:
            rows += scale_rows(structure, sizes, wanted_reps, args.quick)
    if "batch" in wanted:
        rows += batch_rows(samples["batch"])

    text = render(info, rows, samples, time.perf_counter() - started)
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text + "\n")
        print(f"(written to {os.path.relpath(args.out, Path.cwd())})", file=sys.stderr)


if __name__ == "__main__":
    main()
