"""Test-only run functions for sweeps (module level, so worker processes can unpickle them).

They wrap the real `sim.batch.worker.execute`, giving some runs a scenario that
fails validation inside the worker, so the failure goes through the same path
as a model error: `execute` catches it and returns a `failed` result, or
kill their own worker process, as an infrastructure failure would.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

from sim.batch.worker import Task, execute


def _broken(task: Task) -> Task:
    organization = {**task.scenario["organization"], "employees": -1}
    return dataclasses.replace(task, scenario={**task.scenario, "organization": organization})


def execute_failing_at_20(task: Task) -> dict:
    """Runs of 20-employee companies raise; every other run is real."""
    return execute(_broken(task) if task.scenario["organization"]["employees"] == 20 else task)


def execute_failing_while_flag(flag: str, task: Task) -> dict:
    """Runs of 20-employee companies raise while the file `flag` exists (use with functools.partial)."""
    if task.scenario["organization"]["employees"] == 20 and Path(flag).exists():
        task = _broken(task)
    return execute(task)


def execute_dying_once_at_20(folder: str, task: Task) -> dict:
    """The worker of a 20-employee run dies (SIGKILL) the first time that run is tried (functools.partial)."""
    flag = Path(folder) / task.key
    if task.scenario["organization"]["employees"] == 20 and not flag.exists():
        flag.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return execute(task)


def execute_dying_at_20(task: Task) -> dict:
    """The worker of a 20-employee run always dies (SIGKILL): the run is lost every time it is tried."""
    if task.scenario["organization"]["employees"] == 20:
        os.kill(os.getpid(), signal.SIGKILL)
    return execute(task)


# --------------------------------------------------------------------------- experiments for the guard tests

SMALL = """
name = "small"
scenario = "baseline"
replications = {replications}
seed = 11
[set]
horizon_days = {days}
warmup_days = 0
[design]
kind = "grid"
[design.parameters]
"organization.employees" = {sizes}
"organization.structure" = ["hierarchy", "holacracy"]
"""


def small_experiment(folder: Path, *, replications=1, days=10, sizes="[10, 20]", name="exp.toml", text=None) -> Path:
    """A tiny grid experiment file (sizes x 2 structures x replications runs of a few days)."""
    path = folder / name
    path.write_text(text if text is not None else SMALL.format(replications=replications, days=days, sizes=sizes))
    return path


def execute_hungry(task: Task) -> dict:
    """Each run first asks for 2 GB at once (inside the run, where `--run-memory` applies)."""
    from sim.batch import worker

    worker._freeze_imports = lambda: bytearray(2 << 30)
    return execute(task)
