"""A sweep: run every (design point, replication) of an experiment that is not stored yet.

```python
from sim.batch.experiment import load_experiment
from sim.batch.sweep import run_sweep
from sim.batch.executors import ProcessPoolBackend
run_sweep(load_experiment("experiments/size_sweep.toml"), "results/size_sweep", ProcessPoolBackend(2))
```

Replication k of every design point runs on the same seed (common random
numbers). Each run is keyed by a hash of its resolved scenario and its
replication; a run already stored is not run again, so re-running the same
command after an interruption runs only what is missing. Failed runs are
stored with their error; `retry_failed=True` runs them again. Runs lost to the
machinery (see `executors`) are not stored: the next sweep runs them. A folder
holds one experiment (see `versions`); SIGTERM and SIGHUP stop a sweep as
Ctrl-C does (see `guards`).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from sim.batch.executors import LOST
from sim.batch.experiment import Experiment, get_dotted
from sim.batch.guards import RUN_MEMORY_MB, RUN_TIMEOUT_S, hold_signals, stop_on_signals
from sim.batch.manifest import Manifest
from sim.batch.store import FAILED, OK, RunStore, design_value, run_key, run_schema
from sim.batch.versions import experiment_hash, sweep_folder
from sim.batch.worker import Task, execute
from sim.output import atomic_write_table


@dataclass
class SweepResult:
    """What a sweep did: how many runs the experiment has, were stored already, ran and failed."""

    out_dir: Path  # the version's folder (the --out folder, or its vN/ subfolder)
    total: int  # runs in the experiment
    skipped: int  # already stored before this sweep
    ran: int
    failed: int  # failures among the runs of this sweep
    seconds: float
    lost: int = 0  # runs lost to the machinery every time they were tried (not stored: run again)
    version: int = 1


def write_design(out_dir: Path, experiment: Experiment) -> None:
    """`DIR/design.parquet`: one row per design point (resolved values; unrounded samples as x.<key>)."""
    points = range(len(experiment.design.points))
    # run_point: the point whose runs hold this point's results (itself, or the earlier point it repeats).
    columns: dict[str, list] = {"point": list(points), "run_point": [experiment.repeats.get(i, i) for i in points]}
    for key in experiment.design.keys:
        values = [get_dotted(s, key) for s in experiment.scenarios]
        columns[key] = [json.dumps(v) if isinstance(v, (dict, list)) else v for v in values]
    if experiment.design.matrix is not None:
        for j, key in enumerate(experiment.design.keys):
            columns[f"x.{key}"] = experiment.design.matrix[:, j].tolist()
    atomic_write_table(out_dir / "design.parquet", pa.table(columns))


def plan(experiment: Experiment) -> list[tuple[str, int, int]]:
    """(run key, point, replication) of every run, replication by replication.

    Each replication sweeps the whole design before the next begins, so the
    load is mixed (small and large companies alternate), the time left is
    estimated well, and an interrupted sweep holds whole replications.
    """
    runs = []
    for replication, seed in enumerate(experiment.seeds):
        for point, scenario in enumerate(experiment.scenarios):
            if point in experiment.repeats:
                continue  # the same scenario as an earlier point (deduplicated): one run, one key
            runs.append((run_key({**scenario, "seed": seed}, replication), point, replication))
    return runs


def run_sweep(
    experiment: Experiment,
    out_dir: str | Path,
    backend,
    *,
    retry_failed: bool = False,
    new_version: bool = False,
    run_timeout: float | None = RUN_TIMEOUT_S,
    run_memory: int | None = RUN_MEMORY_MB,
    progress: bool = True,
    flush_rows: int = 50,
    flush_seconds: float = 10.0,
    log=None,
    runner=execute,
) -> SweepResult:
    """Run what is missing of `experiment` on `backend`, streaming rows into `out_dir`.

    `runner` is the function a worker calls with each `Task` (a module-level
    function, so it pickles); it defaults to `sim.batch.worker.execute`. A folder
    holding another experiment raises `versions.FolderMismatch`, unless
    `new_version` (then this one goes to a new `vN/` subfolder).
    """
    log = log or (lambda message: print(message, file=sys.stderr))
    digest = experiment_hash(experiment)
    out, version = sweep_folder(out_dir, digest, new_version=new_version, planned={key for key, _, _ in plan(experiment)})
    out.mkdir(parents=True, exist_ok=True)
    keys = experiment.design.keys
    design_values = {k: [get_dotted(s, k) for s in experiment.scenarios] for k in keys}
    schema = run_schema(keys, design_values, experiment.metrics)
    store = RunStore(out, schema, flush_rows=flush_rows, flush_seconds=flush_seconds)
    store.lock()
    try:
        limits = {"timeout_s": run_timeout, "memory_mb": run_memory}
        identity = {"experiment_hash": digest, "version": version}
        return _sweep_into(store, experiment, backend, retry_failed=retry_failed, progress=progress, log=log,
                           runner=runner, limits=limits, identity=identity)
    finally:
        store.unlock()


def _sweep_into(store: RunStore, experiment: Experiment, backend, *, retry_failed: bool, progress: bool, log,
                runner, limits: dict, identity: dict) -> SweepResult:
    """The body of `run_sweep`, run while `store` holds the folder's lock."""
    out, schema, keys = store.out, store.schema, experiment.design.keys
    repaired = store.repair()
    if repaired:
        log(f"removed {repaired} duplicate or orphan rows left by an interrupted sweep")
    if retry_failed:
        dropped = store.drop_failed()
        log(f"retrying {dropped} failed runs")
    stored = store.statuses()
    runs = plan(experiment)
    wanted = {key for key, _, _ in runs}
    foreign = sum(1 for key in stored if key not in wanted)
    if foreign:  # cannot happen for a folder made by this version (one experiment per folder)
        log(f"note: {out}/runs holds {foreign} runs that are not part of this experiment")
    todo = [(key, point, rep) for key, point, rep in runs if key not in stored]
    earlier_failed = sum(1 for key, _, _ in runs if stored.get(key) == FAILED)
    if earlier_failed:
        log(f"{earlier_failed} runs failed earlier; run again with --retry-failed to retry them")

    write_design(out, experiment)
    manifest = Manifest(out / "manifest.json", experiment, backend.describe(), identity)
    manifest.write(runs_todo=len(todo), runs_stored_before=len(runs) - len(todo))

    def tasks():
        for key, point, replication in todo:
            seed = experiment.seeds[replication]
            yield Task(
                key=key,
                point=point,
                replication=replication,
                seed=seed,
                scenario={**experiment.scenarios[point], "seed": seed},
                metrics=experiment.metrics,
                timeseries=experiment.spec.timeseries,
                **limits,
            )

    started = time.perf_counter()
    failed = done = lost = 0
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=experiment.name, unit="run", dynamic_ncols=True, file=sys.stderr)
        bar.set_postfix(failed=0)
    status = "interrupted"
    with stop_on_signals():
        try:
            for task, result in backend.map_unordered(runner, tasks()):
                if result["status"] == LOST:
                    lost += 1  # not stored: the next sweep runs it again
                    continue
                series = result.get("timeseries")
                if series is not None:
                    series = series.add_column(0, "run_key", pa.array([task.key] * series.num_rows, pa.string()))
                # Buffered and counted before any write: a stop during a write leaves the count right.
                store.add(_row(task, result, schema, keys), series, flush=False)
                done += 1
                failed += result["status"] != OK
                store.flush_if_due()
                if bar is not None:
                    bar.set_postfix(failed=failed)
                    bar.update(1)
            status = "complete" if not lost else "incomplete"
        finally:
            hold_signals()  # what is finished gets written, even if another signal comes
            store.flush()
            if bar is not None:
                bar.close()
            seconds = time.perf_counter() - started
            manifest.end(
                status=status,
                runs_done=done,
                runs_failed=failed,
                runs_lost=lost,
                wall_seconds=round(seconds, 3),
                runs_per_second=round(done / seconds, 3) if seconds > 0 else None,
            )
    return SweepResult(out, len(runs), len(runs) - len(todo), done, failed, seconds, lost, identity["version"])


def _row(task: Task, result: dict, schema: pa.Schema, keys: list[str]) -> dict:
    """The run table's row of a finished run."""
    scenario = task.scenario
    organization = scenario["organization"]
    return {
        "run_key": task.key,
        "status": result["status"],
        "point": task.point,
        "replication": task.replication,
        "seed": task.seed,
        "scenario": scenario["name"],
        "structure": organization["structure"],
        "employees": organization["employees"],
        "horizon_days": scenario["horizon_days"],
        **{k: design_value(get_dotted(scenario, k), schema.field(k).type) for k in keys},
        **result["metrics"],
        "error": result["error"],
        "elapsed_s": result["elapsed_s"],
    }
