"""What a check is and how it is registered: `CheckResult`, `Check`, `CHECKS`, `check`, and what checks share.

Every check module imports this one and registers through it; the package
(`sim.validation`) imports every check module, so nothing here imports them
back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sim.scenario import load_scenario

# Seeds pooled by the statistical checks: fixed, so the table is reproducible.
SEEDS = (1, 2, 3, 4)
RELATIVE_TOLERANCE = 0.05


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One row of the table."""

    name: str
    simulated: float | str
    expected: float | str
    tolerance: str
    passed: bool
    unit: str = ""  # appended to float figures when printed


@dataclass(frozen=True)
class Check:
    """A registered check: a name and a function of no arguments returning one or more results."""

    name: str
    run: Callable[[], CheckResult | list[CheckResult]]


CHECKS: list[Check] = []


def check(name: str):
    """Decorator: register a module-level function of no arguments as a check (the function is returned unchanged)."""

    def decorate(function):
        CHECKS.append(Check(name, function))
        return function

    return decorate


def relative_result(
    name: str, simulated: float, expected: float, rel: float = RELATIVE_TOLERANCE, unit: str = "", note: str = ""
) -> CheckResult:
    """A result that passes when `simulated` is within `rel` of `expected`."""
    error = abs(simulated - expected) / abs(expected) if expected else math.inf
    tolerance = f"+/-{rel:.0%} (off {error:.1%}{'; ' + note if note else ''})"
    return CheckResult(name, simulated, expected, tolerance, bool(error <= rel), unit)


def scenario_model(scenario: str, overrides: dict, seed: int):
    """A model of a bundled scenario with dotted-key overrides, not yet run."""
    from sim.model import OrgModel  # imported where a check runs: listing checks stays cheap

    return OrgModel(load_scenario(scenario, overrides), rng=seed)
