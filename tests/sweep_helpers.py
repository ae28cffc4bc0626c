"""Test-only run functions for sweeps (module level, so worker processes can unpickle them).

They wrap the real `sim.batch.worker.execute`, giving some runs a scenario that
fails validation inside the worker, so the failure goes through the same path
as a model error: `execute` catches it and returns a `failed` result.
"""

from __future__ import annotations

import dataclasses
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
