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
stored with their error; `retry_failed=True` runs them again.
"""

from __future__ import annotations

import getpass
import json
import platform
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pyarrow as pa

from sim.batch.experiment import REPO_ROOT, Experiment, get_dotted
from sim.batch.store import FAILED, OK, RunStore, design_value, run_key, run_schema
from sim.batch.worker import Task, execute
from sim.output import atomic_write_bytes, atomic_write_table

PACKAGES = ("orgsim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "SALib", "dask", "distributed", "scipy")


@dataclass
class SweepResult:
    out_dir: Path
    total: int  # runs in the experiment
    skipped: int  # already stored before this sweep
    ran: int
    failed: int  # failures among the runs of this sweep
    seconds: float


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def code_version() -> dict:
    """git describe and commit of the source tree, when it is a git checkout."""

    def git(*args):
        try:
            out = subprocess.run(["git", *args], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() or None if out.returncode == 0 else None

    return {"describe": git("describe", "--always", "--dirty", "--tags"), "commit": git("rev-parse", "HEAD")}


def package_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _design_section(experiment: Experiment) -> dict:
    spec = experiment.spec.design
    return {
        "kind": spec.kind,
        "keys": experiment.design.keys,
        "parameters": spec.parameters,
        "samples": spec.samples,
        "levels": spec.levels,
        "second_order": spec.second_order,
        "points": len(experiment.design.points),
        "problem": experiment.design.problem,
    }


class Manifest:
    """`DIR/manifest.json`: what was run, with what, where and when (rewritten atomically)."""

    def __init__(self, path: Path, experiment: Experiment, backend: dict):
        self.path = path
        previous = {}
        if path.exists():
            try:
                previous = json.loads(path.read_text())
            except (OSError, ValueError):
                previous = {}
        self.data = {
            "experiment": {
                "name": experiment.name,
                "file": str(experiment.path),
                "content": experiment.raw,
                "scenario_file": str(experiment.scenario_path),
            },
            "root_seed": experiment.spec.seed,
            "replications": experiment.spec.replications,
            "replication_seeds": experiment.seeds,
            "metrics": list(experiment.metrics),
            "design": _design_section(experiment),
            "runs_total": experiment.n_runs,
            "created": previous.get("created", _now()),
            "sessions": previous.get("sessions", []),
        }
        self.session = {
            "started": _now(),
            "ended": None,
            "status": "running",
            "host": socket.gethostname(),
            "platform": platform.platform(),
            "user": _user(),
            "command": " ".join(sys.argv),
            **backend,
            "code_version": code_version(),
            "packages": package_versions(),
        }
        self.data["sessions"].append(self.session)

    def write(self, **session_fields) -> None:
        self.session.update(session_fields)
        # The newest session's facts, at the top level for a quick look.
        self.data.update(
            {
                "started": self.session["started"],
                "ended": self.session["ended"],
                "status": self.session["status"],
                "host": self.session["host"],
                "code_version": self.session["code_version"],
                "packages": self.session["packages"],
            }
        )
        text = json.dumps(self.data, indent=2, default=str)
        atomic_write_bytes(self.path, (text + "\n").encode())


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return None


def write_design(out_dir: Path, experiment: Experiment) -> None:
    """`DIR/design.parquet`: one row per design point (resolved values; unrounded samples as x.<key>)."""
    columns: dict[str, list] = {"point": list(range(len(experiment.design.points)))}
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
            runs.append((run_key({**scenario, "seed": seed}, replication), point, replication))
    return runs


def run_sweep(
    experiment: Experiment,
    out_dir: str | Path,
    backend,
    *,
    retry_failed: bool = False,
    progress: bool = True,
    flush_rows: int = 50,
    flush_seconds: float = 10.0,
    log=None,
    runner=execute,
) -> SweepResult:
    """Run what is missing of `experiment` on `backend`, streaming rows into `out_dir`.

    `runner` is the function a worker calls with each `Task` (a module-level
    function, so it pickles); it defaults to `sim.batch.worker.execute`.
    """
    log = log or (lambda message: print(message, file=sys.stderr))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    keys = experiment.design.keys
    design_values = {k: [get_dotted(s, k) for s in experiment.scenarios] for k in keys}
    schema = run_schema(keys, design_values, experiment.metrics)
    store = RunStore(out, schema, flush_rows=flush_rows, flush_seconds=flush_seconds)
    store.lock()
    try:
        return _sweep_into(store, experiment, backend, retry_failed=retry_failed, progress=progress, log=log, runner=runner)
    finally:
        store.unlock()


def _sweep_into(store: RunStore, experiment: Experiment, backend, *, retry_failed: bool, progress: bool, log,
                runner) -> SweepResult:
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
    if foreign:
        log(f"note: {out}/runs holds {foreign} runs that are not part of this experiment (an earlier design?)")
    todo = [(key, point, rep) for key, point, rep in runs if key not in stored]
    earlier_failed = sum(1 for key, _, _ in runs if stored.get(key) == FAILED)
    if earlier_failed:
        log(f"{earlier_failed} runs failed earlier; run again with --retry-failed to retry them")

    write_design(out, experiment)
    manifest = Manifest(out / "manifest.json", experiment, backend.describe())
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
            )

    started = time.perf_counter()
    failed = done = 0
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=experiment.name, unit="run", dynamic_ncols=True, file=sys.stderr)
        bar.set_postfix(failed=0)
    status = "interrupted"
    try:
        for task, result in backend.map_unordered(runner, tasks()):
            scenario = task.scenario
            organization = scenario["organization"]
            row = {
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
            series = result.get("timeseries")
            if series is not None:
                series = series.add_column(0, "run_key", pa.array([task.key] * series.num_rows, pa.string()))
            store.add(row, series)
            done += 1
            if result["status"] != OK:
                failed += 1
                if bar is not None:
                    bar.set_postfix(failed=failed)
            if bar is not None:
                bar.update(1)
        status = "complete"
    finally:
        store.flush()
        if bar is not None:
            bar.close()
        seconds = time.perf_counter() - started
        manifest.write(
            ended=_now(),
            status=status,
            runs_done=done,
            runs_failed=failed,
            wall_seconds=round(seconds, 3),
            runs_per_second=round(done / seconds, 3) if seconds > 0 else None,
        )
    return SweepResult(out, len(runs), len(runs) - len(todo), done, failed, seconds)
