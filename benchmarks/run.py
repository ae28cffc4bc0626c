"""`make bench`: the performance figures quoted in the README (issue 4).

Every case runs in a fresh subprocess (`run.py --case ...`), so its peak
resident memory (ru_maxrss) is its own and one case's garbage cannot slow the
next. Timings are medians over repetitions; the table goes to stdout and to
benchmarks/results.md.

    python benchmarks/run.py               # everything (about 8 minutes on 2 cores)
    python benchmarks/run.py --quick       # one repetition each, no 10,000-employee runs
    python benchmarks/run.py --only scale  # validation | small | scale | batch

Cases:
- validation: the hierarchy validation network (scenarios/validation/queueing.toml
  with every rate x20, run for 140 days: ~20,000 decisions) in decisions
  completed per wall second of the run loop, next to the same network as a bare
  heapq loop (benchmarks/reference_heapq.py); a sample runs both 15 times in
  turns in one process (case_validation); and the bytecode instructions each
  executes per decision (benchmarks/bytecodes.py), a figure the machine's load
  cannot move;
- yy_company (10 months) and the baseline company at 1,000, 3,000 and 10,000
  employees for a year (260 working days), under each structure: wall time
  (building, running and summarizing) and peak memory; the runtime exponent is
  the median, over rounds, of the least-squares slope of log(wall) against
  log(employees) fitted to one round: the sizes run one after the other in a
  round (about 20 s), so each fit compares runs made in the same state of
  the machine, which drifts over minutes. A sample at
  1,000 employees is the mean of 10 runs in one process, at 3,000 of 3, so that
  every sample lasts about as long as one run at 10,000 and averages over the
  machine's changing speed alike (case_scale, runs_for);
- 40 baseline runs (seeds 0..39) on a ProcessPoolExecutor of 1 and of 2 workers;
  a sample runs each 3 times, in turns (case_batch), then the same pools on 40
  pure-Python loops of about one run each: a control whose speed-up only the
  machine can limit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STRUCTURES = ("hierarchy", "holacracy", "hybrid")
YEAR_DAYS = 260
SIZES = (1_000, 3_000, 10_000)
# The bundled validation network (span 4, 60 staff) with every rate scaled by 20: the same
# queueing network (utilization 0.6 at the top) on a clock 20 times faster, so the run loop
# handles ~140 decisions a day and the once-a-day observation does not dominate. A run of 140 days
# takes about 0.1 s, short enough that one pair of runs rarely straddles a change in the machine's speed.
VALIDATION_SCALE = 20
VALIDATION_DAYS = 140
VALIDATION_SEED = 7
VALIDATION_ROUNDS = 15  # turns of orgsim and the reference per sample (see case_validation)
BATCH_RUNS = 40
BATCH_ROUNDS = 3  # batches on 1 and on 2 processes per sample, in turns (see case_batch)
CONTROL_LOOP = 1_150_000  # iterations of the batch's CPU-only control task: about one baseline run here

# Targets (issue 4).
TARGET_RATIO = 0.5  # validation throughput at least half the bare-heapq reference
TARGET_YY_S = 1.0
TARGET_1K_S = 5.0
TARGET_10K_S = 60.0
TARGET_10K_MIB = 1024.0
TARGET_EXPONENT = 1.1
TARGET_SPEEDUP = 1.8


# --------------------------------------------------------------------------- cases (run in a subprocess)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def in_turn_order(turn: int, sides: tuple) -> tuple:
    """`sides` in order on even turns and reversed on odd ones, so that no side always goes first."""
    return sides if turn % 2 == 0 else sides[::-1]


def validation_network(days: int, seed: int):
    """The benchmarked validation network (every rate x VALIDATION_SCALE) for `days`: a model and its scenario."""
    from sim import load_scenario
    from sim.model import OrgModel

    bundled = load_scenario("validation/queueing").validation
    scenario = load_scenario(
        "validation/queueing",
        {
            "horizon_days": days,
            "validation.request_rate_per_hour": bundled.request_rate_per_hour * VALIDATION_SCALE,
            "validation.manager_service_rate_per_hour": bundled.manager_service_rate_per_hour * VALIDATION_SCALE,
        },
    )
    return OrgModel(scenario, rng=seed), scenario


def case_validation(seed: int, rounds: int = VALIDATION_ROUNDS) -> dict:
    """orgsim and the reference on the validation network, `rounds` times each, taking turns.

    A run lasts under half a second and this VM's speed moves by up to 2x within seconds, so one
    back-to-back pair can land on two speeds; several turns, the first mover alternating, put
    both on the same mix. Each side's decisions and times are summed over its runs.
    """
    import gc

    from benchmarks.reference_heapq import simulate_like

    done = wall = cpu = 0.0
    reference = {"decisions": 0, "wall_s": 0.0, "cpu_s": 0.0}
    for turn in range(rounds):
        model, scenario = validation_network(VALIDATION_DAYS, seed)
        for side in in_turn_order(turn, ("orgsim", "reference")):
            gc.collect()  # the previous runs' garbage is not this run's cost
            if side == "orgsim":
                started, cpu_started = time.perf_counter(), time.process_time()
                model.run_until(scenario.horizon_hours)
                wall += time.perf_counter() - started
                cpu += time.process_time() - cpu_started
            else:
                run = simulate_like(model, seed=seed)
                reference = {**run, **{key: reference[key] + run[key] for key in ("decisions", "wall_s", "cpu_s")}}
        done += sum(d.decided_h is not None for d in model.decisions)
    summary = model.summary()
    validation = scenario.validation
    from sim import theory

    return {  # per run: the mean over the rounds
        "rounds": rounds,
        "decisions": round(done / rounds),
        "wall_s": wall / rounds,
        "decisions_per_s": done / wall,
        "cpu_s": cpu / rounds,
        "mean_h": summary["decision_time_mean_h"],
        "ref_decisions": round(reference["decisions"] / rounds),
        "ref_wall_s": reference["wall_s"] / rounds,
        "ref_cpu_s": reference["cpu_s"] / rounds,
        "ref_decisions_per_s": reference["decisions"] / reference["wall_s"],
        "ref_mean_h": reference["decision_time_mean_h"],
        "jackson_mean_h": theory.hierarchy_expected_decision_time(
            model.source.requesters, validation.request_rate_per_hour, validation.manager_service_rate_per_hour
        ),
        "peak_mib": _peak_mib(),
    }


def case_scale(scenario_name: str, structure: str, employees: int | None, days: int | None, seed: int, runs: int = 1) -> dict:
    """`runs` runs of one company back to back in this process: the mean of each timing, and the peak RSS.

    A small company runs first, untimed, so no timed run pays for lazy imports and first-call
    caches. Small companies run several times per sample (see runs_for): this VM's speed moves by
    up to 2x within seconds, and a sample that lasts as long as one large run averages over that
    the same way the large run does.
    """
    import gc

    from sim import load_scenario
    from sim.model import OrgModel

    overrides: dict = {"organization.structure": structure}
    if employees is not None:
        overrides["organization.employees"] = employees
    if days is not None:
        overrides["horizon_days"] = days
    scenario = load_scenario(scenario_name, overrides)
    OrgModel(load_scenario(scenario_name, {"organization.structure": structure, "horizon_days": 5}), rng=seed).run()
    timings = []
    for _ in range(runs):
        gc.collect()  # the previous run's garbage is not this run's cost
        started, cpu = time.perf_counter(), time.process_time()
        model = OrgModel(scenario, rng=seed)
        built = time.perf_counter()
        model.run_until(scenario.horizon_hours)
        ran = time.perf_counter()
        summary = model.summary()
        ended = time.perf_counter()
        timings.append(
            {
                "wall_s": ended - started,
                "cpu_s": time.process_time() - cpu,
                "build_s": built - started,
                "run_s": ran - built,
                "summary_s": ended - ran,
            }
        )
        del model
    return {
        **{key: statistics.fmean(t[key] for t in timings) for key in timings[0]},
        "runs": runs,
        "peak_mib": _peak_mib(),
        "inquiries": summary["inquiries"],
        "decisions": summary["decisions"],
    }


def runs_for(employees: int) -> int:
    """Runs per sample at a company size: enough that a sample lasts about as long as one run at 10,000."""
    return max(1, round(10_000 / employees))


def _baseline_run(seed: int) -> dict:
    from sim import load_scenario
    from sim.model import OrgModel

    return OrgModel(load_scenario("baseline"), rng=seed).run()


def _cpu_only_task(_=None) -> int:
    """The batch's control: a pure-Python loop about as long as one baseline run, touching no memory.

    Two of these in parallel can only be slower than one because of the machine (shared
    caches, clock boost, other tenants), so their speed-up is the ceiling the batch can reach.
    """
    total = 0
    for i in range(CONTROL_LOOP):
        total += i * i
    return total


def _pool_wall(workers: int, context, task, runs: int) -> tuple[float, list]:
    """Wall time of `runs` tasks on a fresh pool of `workers` processes, pool start-up included."""
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = list(pool.map(task, range(runs)))
    return time.perf_counter() - started, results


def case_batch(runs: int, rounds: int = BATCH_ROUNDS) -> dict:
    """The batch of `runs` baseline runs on a pool of 1 and of 2 processes, `rounds` times each, in turns.

    A 2-process batch lasts about 1.5 s, short enough to land on one of this VM's two speeds;
    taking turns within one sample puts both pool sizes on the same mix (see case_validation).
    The same pools then run as many CPU-only control tasks (`_cpu_only_task`), in turns too.
    """
    import multiprocessing

    import sim.model  # noqa: F401  (imported before forking, as a batch runner would)

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    wall = {1: 0.0, 2: 0.0}
    control = {1: 0.0, 2: 0.0}
    digests = set()
    for turn in range(rounds):
        for workers in in_turn_order(turn, (1, 2)):
            seconds, summaries = _pool_wall(workers, context, _baseline_run, runs)
            wall[workers] += seconds
            digests.add(hashlib.sha256(json.dumps(summaries, sort_keys=True, default=repr).encode()).hexdigest()[:16])
    for turn in range(rounds):
        for workers in in_turn_order(turn, (1, 2)):
            control[workers] += _pool_wall(workers, context, _cpu_only_task, runs)[0]
    if len(digests) != 1:
        raise RuntimeError("the batch gave different results on 1 and 2 processes")
    return {
        "wall_1_s": wall[1] / rounds,
        "wall_2_s": wall[2] / rounds,
        "control_1_s": control[1] / rounds,
        "control_2_s": control[2] / rounds,
        "rounds": rounds,
        "start_method": context.get_start_method(),
        "peak_mib": _peak_mib(),
    }


def run_case(argv: list[str]) -> dict:
    kind, *rest = argv
    if kind == "validation":
        return case_validation(int(rest[0]))
    if kind == "scale":
        scenario, structure, employees, days, seed, *runs = rest
        return case_scale(
            scenario,
            structure,
            None if employees == "-" else int(employees),
            None if days == "-" else int(days),
            int(seed),
            int(runs[0]) if runs else 1,
        )
    if kind == "batch":
        return case_batch(int(rest[0]))
    if kind == "bytecodes":
        from benchmarks.bytecodes import count

        return count(int(rest[0]))
    raise SystemExit(f"unknown case {kind}")


# --------------------------------------------------------------------------- driver


def in_subprocess(*args) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--case", *map(str, args)]
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


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in ("mesa", "numpy", "pandas", "pydantic"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "-"
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "-"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
        "commit": commit or "-",
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def loglog_slope(points: list[tuple[float, float]]) -> float:
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="one repetition each, no 10,000-employee runs")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of the small cases (default 3)")
    parser.add_argument("--reps-large", type=int, default=5, help="repetitions at 10,000 employees (default 5)")
    parser.add_argument("--reps-validation", type=int, default=5, help="repetitions of the validation network (default 5)")
    parser.add_argument("--only", choices=("validation", "small", "scale", "batch"), action="append")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.md"), help="markdown file ('-': none)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return

    reps = 1 if args.quick else args.reps
    reps_scale = 1 if args.quick else max(args.reps, 5)  # the small points steer the exponent's fit
    reps_large = args.reps_large
    sizes = SIZES[:2] if args.quick else SIZES
    wanted = set(args.only or ("validation", "small", "scale", "batch"))
    info = machine()
    started = time.perf_counter()
    rows: list[tuple[str, str, str, str]] = []  # measure, value, target, verdict

    if "validation" in wanted:
        n_reps = 1 if args.quick else args.reps_validation
        results = repeated(n_reps, "validation", VALIDATION_SEED, label="validation network")
        dps, ref = median(results, "decisions_per_s"), median(results, "ref_decisions_per_s")
        # Each sample times orgsim and the reference in turns in one process, so the median of the
        # per-sample ratios is steadier on a shared machine than the ratio of the two medians.
        ratio = statistics.median(r["decisions_per_s"] / r["ref_decisions_per_s"] for r in results)
        cpu_ratio = statistics.median((r["ref_cpu_s"] / r["ref_decisions"]) / (r["cpu_s"] / r["decisions"]) for r in results)
        counted = in_subprocess("bytecodes", VALIDATION_SEED)
        print(f"  bytecode count {counted['ratio']:.2f}", file=sys.stderr, flush=True)
        first = results[0]
        rows.append(
            (
                f"Validation network (queueing.toml, rates x{VALIDATION_SCALE}, {VALIDATION_DAYS:,} days): orgsim decisions/s",
                f"{dps:,.0f} ({first['decisions']:,} decisions, mean {first['mean_h']:.4f} h)",
                "",
                "",
            )
        )
        rows.append(
            (
                "Same network, bare heapq (benchmarks/reference_heapq.py): decisions/s",
                (
                    f"{ref:,.0f} ({first['ref_decisions']:,} decisions, mean {first['ref_mean_h']:.4f} h;"
                    f" Jackson network {first['jackson_mean_h']:.4f} h)"
                ),
                "",
                "",
            )
        )
        rows.append(
            (
                f"Throughput ratio orgsim / heapq (median of {n_reps} samples, each {VALIDATION_ROUNDS} runs of both in turns)",
                f"{ratio:.2f} (on CPU time {cpu_ratio:.2f})",
                f">= {TARGET_RATIO} (within 2x)",
                verdict(ratio >= TARGET_RATIO),
            )
        )
        rows.append(
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
            )
        )

    if "small" in wanted:
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

    if "scale" in wanted:
        for structure in STRUCTURES:
            points = []
            # Sizes take turns (1,000, 3,000, 10,000, then again), so a change in the machine's load
            # while they run moves every point of the exponent's fit alike.
            by_size: dict[int, list[dict]] = {size: [] for size in sizes}
            wanted_reps = {size: reps_large if size >= 10_000 else reps_scale for size in sizes}
            for rep in range(max(wanted_reps.values())):
                for size in sizes:
                    if rep < wanted_reps[size]:
                        label = f"{size:,} employees {structure} ({rep + 1}/{wanted_reps[size]})"
                        by_size[size] += repeated(
                            1, "scale", "baseline", structure, size, YEAR_DAYS, 1, 1 if args.quick else runs_for(size), label=label
                        )
            for size in sizes:
                results, n_reps = by_size[size], wanted_reps[size]
                wall, peak = median(results, "wall_s"), max(r["peak_mib"] for r in results)
                run = median(results, "run_s")
                points.append((size, wall))
                if size == 1_000:
                    target, ok = f"< {TARGET_1K_S:g} s", wall < TARGET_1K_S
                elif size == 10_000:
                    target = f"< {TARGET_10K_S:g} s, < {TARGET_10K_MIB / 1024:g} GiB"
                    ok = wall < TARGET_10K_S and peak < TARGET_10K_MIB
                else:
                    target, ok = "", None
                rows.append(
                    (
                        f"{size:,} employees, 1 year, {structure}: wall / peak RSS",
                        (
                            f"{wall:.2f} s / {peak:.0f} MiB (CPU {median(results, 'cpu_s'):.2f} s; run loop {run:.2f} s;"
                            f" {results[0]['inquiries']:,} inquiries,"
                            f" {results[0]['decisions']:,} decisions; median of {n_reps} samples"
                            f" of {results[0]['runs']} run{'s' if results[0]['runs'] > 1 else ''} each)"
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
            slope, cpu_slope = statistics.median(slopes), statistics.median(cpu_slopes)
            span = f"{points[0][0]:,}-{points[-1][0]:,}"
            rows.append(
                (
                    f"Runtime exponent {span} employees, {structure}",
                    (
                        f"{slope:.2f} (median of the rounds' fits {', '.join(f'{x:.2f}' for x in slopes)};"
                        f" on CPU time {cpu_slope:.2f};"
                        f" fit of the medians {loglog_slope(points):.2f})"
                    ),
                    f"<= {TARGET_EXPONENT}",
                    verdict(slope <= TARGET_EXPONENT),
                )
            )

    if "batch" in wanted:
        n_batch = 1 if args.quick else max(reps, 5)
        samples = []
        for rep in range(n_batch):
            samples += repeated(1, "batch", BATCH_RUNS, label=f"batch, 1 and 2 processes ({rep + 1}/{n_batch})")
        wall1, wall2 = median(samples, "wall_1_s"), median(samples, "wall_2_s")
        speedup = statistics.median(r["wall_1_s"] / r["wall_2_s"] for r in samples)
        rows.append((f"{BATCH_RUNS} baseline runs, 1 process", f"{wall1:.2f} s (median of {n_batch} samples)", "", ""))
        rows.append((f"{BATCH_RUNS} baseline runs, 2 processes", f"{wall2:.2f} s (median of {n_batch} samples)", "", ""))
        rows.append(
            (
                f"Batch speed-up on 2 processes (median of {n_batch} samples, each {BATCH_ROUNDS} batches on each in turns)",
                f"{speedup:.2f}x",
                f">= {TARGET_SPEEDUP}x",
                verdict(speedup >= TARGET_SPEEDUP),
            )
        )
        control = statistics.median(r["control_1_s"] / r["control_2_s"] for r in samples)
        rows.append(
            (
                f"Control: the same pools on {BATCH_RUNS} CPU-only tasks of about one run each (the machine's ceiling)",
                f"{control:.2f}x ({median(samples, 'control_1_s'):.2f} s on 1 process, {median(samples, 'control_2_s'):.2f} s on 2)",
                "",
                "",
            )
        )

    elapsed = time.perf_counter() - started
    text = render(info, rows, reps, reps_large, 1 if args.quick else args.reps_validation, elapsed)
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text + "\n")
        print(f"(written to {os.path.relpath(args.out, Path.cwd())})", file=sys.stderr)


def render(info: dict, rows, reps: int, reps_large: int, reps_validation: int, elapsed: float) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    load = "" if info["load"] is None else " / ".join(f"{x:.2f}" for x in info["load"])
    lines = [
        "## Performance",
        "",
        (
            f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), {info['memory']} RAM;"
            f" {info['os']}; Python {info['python']}; {packages}."
        ),
        f"Commit {info['commit']}, {info['date']}; load average before the run {load}.",
        (
            f"Medians of samples ({reps} of yy_company, 5 at 1,000 and 3,000 employees, {reps_large} at 10,000,"
            f" {reps_validation} of the validation network, 5 of the batches), each in a fresh process;"
            f" a sample of a company is the mean of {runs_for(1_000)} runs at 1,000 employees, {runs_for(3_000)} at 3,000"
            f" and 1 at 10,000, so that each lasts about as long; a validation sample runs orgsim and the reference"
            f" {VALIDATION_ROUNDS} times each, in turns, and a batch sample the batch on 1 and on 2 processes"
            f" {BATCH_ROUNDS} times each, in turns, then a CPU-only control task likewise; the sizes run in rounds (1,000, 3,000, then 10,000 employees)"
            f" and the runtime exponent is the median of one fit per round;"
            f" peak RSS is that process's ru_maxrss (interpreter and imports included); CPU is the process's own"
            f" CPU time for the same span, which a busy machine inflates less than wall time."
            f" `make bench` took {elapsed / 60:.1f} min."
        ),
        "",
        "| Measure | Result | Target | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
