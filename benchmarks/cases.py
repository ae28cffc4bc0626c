"""One sample of one `make bench` case, measured in this process; its figures go to stdout as one JSON line.

`run.py` starts a fresh process of this script for every sample, so a sample's
peak resident memory (ru_maxrss) is its own and one sample's garbage cannot
slow the next:

    python benchmarks/cases.py validation SEED
    python benchmarks/cases.py scale SCENARIO STRUCTURE EMPLOYEES|- DAYS|- SEED [RUNS]
    python benchmarks/cases.py batch RUNS
    python benchmarks/cases.py bytecodes SEED

This VM's speed moves by up to 2x within seconds (benchmarks/PROFILE.md, third
pass), so a sample is never a single short run: it lasts several seconds, and
where two things are compared (orgsim and the reference, 1 and 2 processes)
they take turns within it.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import resource
import statistics
import time

from workloads import VALIDATION_SEED, company, decisions_done, validation_network

VALIDATION_DAYS = 140  # a run takes about 0.1 s: one pair of runs rarely straddles a change of speed
VALIDATION_ROUNDS = 15  # turns of orgsim and the reference per sample (see case_validation)
BATCH_RUNS = 40
BATCH_ROUNDS = 3  # batches on 1 and on 2 processes per sample, in turns (see case_batch)
CONTROL_LOOP = 1_150_000  # iterations of the batch's CPU-only control task: about one baseline run here


def runs_for(employees: int) -> int:
    """Runs per sample at a company size: enough that a sample lasts about as long as one run at 10,000."""
    return max(1, round(10_000 / employees))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def in_turn_order(turn: int, sides: tuple) -> tuple:
    """`sides` in order on even turns and reversed on odd ones, so that no side always goes first."""
    return sides if turn % 2 == 0 else sides[::-1]


def case_validation(seed: int, rounds: int = VALIDATION_ROUNDS) -> dict:
    """orgsim and the reference on the validation network, `rounds` times each, taking turns.

    A run lasts under half a second and this VM's speed moves by up to 2x within seconds, so one
    back-to-back pair can land on two speeds; several turns, the first mover alternating, put
    both on the same mix. Each side's decisions and times are summed over its runs.
    """
    from reference_heapq import simulate_like

    from sim import theory

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
        done += decisions_done(model)
    summary = model.summary()
    validation = scenario.validation
    return {  # per run: the mean over the rounds
        "rounds": rounds,
        "days": VALIDATION_DAYS,
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
        "peak_mib": peak_mib(),
    }


def case_scale(scenario_name: str, structure: str, employees: int | None, days: int | None, seed: int, runs: int = 1) -> dict:
    """`runs` runs of one company back to back in this process: the mean of each timing, and the peak RSS.

    A small company runs first, untimed, so no timed run pays for lazy imports and first-call
    caches. Small companies run several times per sample (see runs_for): a sample that lasts as
    long as one large run averages over the machine's changing speed the same way the large run does.
    """
    from sim.model import OrgModel

    scenario = company(scenario_name, structure, employees, days)
    OrgModel(company(scenario_name, structure, days=5), rng=seed).run()
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
        "peak_mib": peak_mib(),
        "inquiries": summary["inquiries"],
        "decisions": summary["decisions"],
    }


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
        "peak_mib": peak_mib(),
    }


def case_bytecodes(seed: int) -> dict:
    from bytecodes import count

    return count(seed)


def _size(text: str) -> int | None:
    return None if text == "-" else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cases = parser.add_subparsers(dest="case", required=True)
    cases.add_parser("validation").add_argument("seed", type=int, nargs="?", default=VALIDATION_SEED)
    scale = cases.add_parser("scale")
    scale.add_argument("scenario")
    scale.add_argument("structure")
    scale.add_argument("employees", type=_size, help="'-': the scenario's")
    scale.add_argument("days", type=_size, help="'-': the scenario's")
    scale.add_argument("seed", type=int)
    scale.add_argument("runs", type=int, nargs="?", default=1)
    cases.add_parser("batch").add_argument("runs", type=int, nargs="?", default=BATCH_RUNS)
    cases.add_parser("bytecodes").add_argument("seed", type=int, nargs="?", default=VALIDATION_SEED)
    args = parser.parse_args()
    if args.case == "validation":
        result = case_validation(args.seed)
    elif args.case == "scale":
        result = case_scale(args.scenario, args.structure, args.employees, args.days, args.seed, args.runs)
    elif args.case == "batch":
        result = case_batch(args.runs)
    else:
        result = case_bytecodes(args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
