"""`orgsim validate`: the model against queueing theory and patterns from the literature.

Every check is a small named function with no arguments that runs the model
on fixed seeds and returns a `CheckResult` (or a list of them, one per table
row): the simulated figure, the expected one, the tolerance in words and
whether it passed. The checks live in one registry, `CHECKS`; adding a check
is adding a function with the `@check("name")` decorator (or appending a
`Check` to the list) to the check module of its story, nothing else (a new
check module is also added to the imports below):

    from sim.validation.registry import CheckResult, check

    @check("yy company: conversion rate")
    def yy_company_conversion() -> CheckResult:
        ...

A check must be a module-level function (or a `functools.partial` of one)
so that it can run in a spawned worker process, which imports its module
afresh (a check patched in at run time runs only with `workers=1`, in
process). Checks are independent and use fixed seeds: `run_checks` runs them
on a process pool and reports them in registry order, so the table is the
same whatever the number of workers.

`registry` defines what a check is and holds `CHECKS`; this module runs the
checks and prints the table, and imports every check module, so that whoever
imports `sim.validation` (the CLI, a fresh process) sees the whole registry.
The check modules, in the order of the table:
- `queueing`: in the validation scenario (the model reduced to a queueing
  network) a hierarchy is a Jackson network, whose mean decision time is
  sum(1 / (mu - lambda_m)) over the managers on each path; Little's law
  L = lambda W at the general manager, each side measured; under holacracy a
  tension waits T/2 for its circle's next tactical meeting.
- `screening`: Sah & Stiglitz (1986), a chain of n screeners accepts a good
  request with p**n, a polyarchy with 1 - (1 - p)**n, a committee needing k
  of n votes with the binomial tail (`decisions.aggregation`).
- `patterns`: conservation (every inquiry is converted, lost for one reason,
  or open); decisions slow down as a hierarchy grows; Graicunas's supervision
  load; lead decay (Oldroyd et al., HBR 2011).
- `calibration`: the yy company scenario against the figures of its case.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

# The check modules register in import order, which is the order of the table's rows.
from sim.validation import queueing, screening, patterns, calibration  # noqa: F401
from sim.validation.queueing import validation_model
from sim.validation.registry import (
    CHECKS,
    RELATIVE_TOLERANCE,
    SEEDS,
    Check,
    CheckResult,
    check,
    relative_result,
    scenario_model,
)

__all__ = [
    "CHECKS",
    "COLUMNS",
    "RELATIVE_TOLERANCE",
    "SEEDS",
    "Check",
    "CheckResult",
    "check",
    "format_table",
    "relative_result",
    "run_check",
    "run_checks",
    "scenario_model",
    "select",
    "validation_model",
]


# --------------------------------------------------------------------------- running


def run_check(item: Check) -> list[CheckResult]:
    """Run one check; an exception is a failed row, not a crash of the whole table."""
    try:
        outcome = item.run()
    except Exception as error:  # noqa: BLE001 - reported in the table
        message = " ".join(f"{type(error).__name__}: {error}".split())
        return [CheckResult(item.name, f"error: {message[:120]}", "-", "-", False)]
    return [outcome] if isinstance(outcome, CheckResult) else list(outcome)


def select(only: str | None = None, checks: list[Check] | None = None) -> list[Check]:
    """The registered checks whose name contains `only` (case-insensitive), in registry order."""
    checks = CHECKS if checks is None else checks
    return [c for c in checks if only is None or only.lower() in c.name.lower()]


def run_checks(checks: list[Check] | None = None, workers: int = 2) -> list[CheckResult]:
    """Run checks (all registered ones by default) on `workers` processes; rows come back in registry order."""
    checks = list(CHECKS if checks is None else checks)
    if workers <= 1 or len(checks) <= 1:
        batches = [run_check(c) for c in checks]
    else:
        # Spawned, not forked: the parent may hold BLAS threads, and forking those is unsafe.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(checks)), mp_context=context) as pool:
            batches = list(pool.map(run_check, checks))
    return [row for batch in batches for row in batch]


def _figure(value: float | str, unit: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "-"
    return f"{value:.3f}{unit}" if isinstance(value, float) else f"{value}{unit}"


COLUMNS = ("check", "simulated", "expected", "tolerance", "result")


def format_table(results: list[CheckResult]) -> str:
    """One plain-text table: check | simulated | expected | tolerance | result."""
    rows = [
        (r.name, _figure(r.simulated, r.unit), _figure(r.expected, r.unit), r.tolerance, "pass" if r.passed else "FAIL")
        for r in results
    ]
    widths = [max([len(title), *(len(row[j]) for row in rows)]) for j, title in enumerate(COLUMNS)]

    def line(cells) -> str:
        return " | ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths)).rstrip()

    return "\n".join([line(COLUMNS), "-+-".join("-" * w for w in widths), *(line(row) for row in rows)])

