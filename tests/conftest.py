"""Shared fixtures: small scenarios that run in a fraction of a second, and every registered structure."""

import pytest

from sim import OrgModel, load_scenario
from sim.structures import STRUCTURES


def structure_names() -> list[str]:
    """Every registered structure: a new structure file is tested by every test that takes `structure`."""
    return sorted(STRUCTURES)


def run_model(name="baseline", seed=1, **overrides):
    """Run a bundled scenario with dotted-key overrides; return the finished model.

    Measured from the start (no warm-up) unless `warmup_days` is given: these runs are short.
    """
    overrides.setdefault("warmup_days", 0)
    scenario = load_scenario(name, {k.replace("__", "."): v for k, v in overrides.items()})
    model = OrgModel(scenario, rng=seed)
    model.run()
    return model


def _parametrizes(marker, name: str) -> bool:
    names = marker.args[0]
    return name in ([n.strip() for n in names.split(",")] if isinstance(names, str) else names)


def pytest_generate_tests(metafunc):
    # A test that takes `structure` runs under every registered structure, read at collection time,
    # so a structure registered before collection (a plugin, a new file) is tested too.
    if "structure" in metafunc.fixturenames and not any(
        _parametrizes(marker, "structure") for marker in metafunc.definition.iter_markers("parametrize")
    ):
        metafunc.parametrize("structure", structure_names())
