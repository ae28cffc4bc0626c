"""One run of a sweep, as executed on a worker (a pool process or a Dask worker).

`execute` never raises for a model error: it returns a `failed` result with
the error text, so one bad run cannot stop a sweep. A run over its wall-time
or memory limit (`Task.timeout_s`, `Task.memory_mb`) fails the same way, with
the limit in its error. Warnings (numpy's, e.g. the mean of an empty slice)
stay inside the worker: a sweep's terminal shows its own lines only.
"""

from __future__ import annotations

import gc
import time
import traceback
import warnings
from dataclasses import dataclass

from sim.batch.guards import RunTimeout, run_limits
from sim.calendar import WORKING_HOURS_PER_DAY

GC_AFTER_S = 0.2  # collect garbage after runs longer than this (a collection costs a few ms)
CHECK_DAYS = 10  # a run with a wall-time limit looks at the clock after every span of this many working days


@dataclass(frozen=True)
class Task:
    """One run: a resolved scenario (its seed set), which point and replication it is."""

    key: str
    point: int
    replication: int
    seed: int
    scenario: dict
    metrics: tuple[str, ...]
    timeseries: bool = False
    timeout_s: float | None = None  # wall-time limit of the run (None: none)
    memory_mb: int | None = None  # address-space limit of the worker during the run (None: none)


def _error_text(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {_short(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}{where}"


def _short(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    if "sim" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("sim"):])
    return parts[-1]


_frozen = False


def _freeze_imports() -> None:
    """Once per worker: move the imported modules' objects out of the collector's sight (cheap collections)."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


def execute(task: Task) -> dict:
    """Run one task; return {status, metrics, error, elapsed_s, timeseries}."""
    started = time.perf_counter()
    try:
        with warnings.catch_warnings(), run_limits(task.timeout_s, task.memory_mb):
            warnings.simplefilter("ignore")
            result = _execute(task, started)
        if not task.timeout_s or result["elapsed_s"] <= task.timeout_s:
            return result
        raise RunTimeout  # the timer's interrupt was swallowed (e.g. in a finalizer); the limit still holds
    except RunTimeout:
        error = f"RunTimeout: the run took longer than {task.timeout_s:g} s (raise --run-timeout)"
    except MemoryError:
        gc.collect()
        error = f"MemoryError: the run needed more than {task.memory_mb} MB (raise --run-memory)"
    return {"status": "failed", "metrics": {}, "error": error, "elapsed_s": time.perf_counter() - started,
            "timeseries": None}


def _run(model, task: Task, started: float) -> dict:
    """Run to the horizon and summarize. Under a wall-time limit the run goes in spans of CHECK_DAYS
    working days and stops with RunTimeout after the span that passes the limit: on a Dask worker's
    task thread the timer of `run_limits` cannot interrupt it. The spans change no event's order."""
    if not task.timeout_s:
        return model.run()
    horizon = model.params.horizon_hours
    span = CHECK_DAYS * WORKING_HOURS_PER_DAY
    while model.time < horizon:
        model.run_until(min(horizon, model.time + span))
        if time.perf_counter() - started > task.timeout_s:
            raise RunTimeout
    return model.summary()


def _execute(task: Task, started: float) -> dict:
    try:
        from sim.model import OrgModel
        from sim.scenario import Scenario

        _freeze_imports()
        model = OrgModel(Scenario.model_validate(task.scenario), rng=task.seed)
        summary = _run(model, task, started)
        series = None
        if task.timeseries:
            from sim.output import timeseries_table

            series = timeseries_table(model)
        del model
        if time.perf_counter() - started > GC_AFTER_S:
            # A model is full of reference cycles (agents <-> model); without a collection a worker running
            # many large companies in a row holds every one of them until Python's own (rare) full collection.
            gc.collect()
        return {
            "status": "ok",
            "metrics": {m: summary.get(m) for m in task.metrics},
            "error": None,
            "elapsed_s": time.perf_counter() - started,
            "timeseries": series,
        }
    except (RunTimeout, MemoryError):
        raise  # `execute` names the limit
    except Exception as error:  # noqa: BLE001 - a failing run is recorded, not raised
        return {
            "status": "failed",
            "metrics": {},
            "error": _error_text(error),
            "elapsed_s": time.perf_counter() - started,
            "timeseries": None,
        }
