"""One run of a sweep, as executed on a worker (a pool process or a Dask worker).

`execute` never raises for a model error: it returns a `failed` result with
the error text, so one bad run cannot stop a sweep.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass


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


def execute(task: Task) -> dict:
    """Run one task; return {status, metrics, error, elapsed_s, timeseries}."""
    started = time.perf_counter()
    try:
        from sim.model import OrgModel
        from sim.scenario import Scenario

        model = OrgModel(Scenario.model_validate(task.scenario), rng=task.seed)
        summary = model.run()
        series = None
        if task.timeseries:
            from sim.output import timeseries_table

            series = timeseries_table(model)
        return {
            "status": "ok",
            "metrics": {m: summary.get(m) for m in task.metrics},
            "error": None,
            "elapsed_s": time.perf_counter() - started,
            "timeseries": series,
        }
    except Exception as error:  # noqa: BLE001 - a failing run is recorded, not raised
        return {
            "status": "failed",
            "metrics": {},
            "error": _error_text(error),
            "elapsed_s": time.perf_counter() - started,
            "timeseries": None,
        }
