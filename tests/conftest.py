"""Shared fixtures: small scenarios that run in a fraction of a second."""

import pytest

from sim import OrgModel, load_scenario

STRUCTURE_NAMES = ("hierarchy", "holacracy")


def run_model(name="baseline", seed=1, **overrides):
    """Run a bundled scenario with dotted-key overrides; return the finished model."""
    scenario = load_scenario(name, {k.replace("__", "."): v for k, v in overrides.items()})
    model = OrgModel(scenario, rng=seed)
    model.run()
    return model


@pytest.fixture(params=STRUCTURE_NAMES)
def structure(request):
    return request.param
