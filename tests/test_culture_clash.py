"""Culture clash in the hybrid: grows with cultural distance and exposure, decays with shared experience.

Each crossing of the boundary between the holacratic e-commerce circles and R&D or production
(a customization request) opens a `culture` conflict with probability
d x c x exp(-n / F) (docs/ODD.md §7.14): d `hybrid.cultural_distance`, c
`hybrid.clash_at_full_distance`, n the pair's crossings so far per e-commerce member, F `hybrid.familiarity_crossings`.
Runs are small (100 employees, 60-80 days) and use seeds 1-3; each tolerance is stated where used.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim import OrgModel, load_scenario
from sim.records import CUSTOMIZATION
from sim.structures.hierarchy import CUSTOMIZATION_UNITS
from tests.conftest import run_model
from tests.test_bad_input import assert_bad_input, orgsim

SEEDS = (1, 2, 3)
SMALL = {"organization__structure": "hybrid", "organization__employees": 100, "horizon_days": 60}


def hybrid(seed: int, **overrides) -> OrgModel:
    return run_model(seed=seed, **{**SMALL, **overrides})


def culture_conflicts(model: OrgModel, since_h: float = 0.0) -> int:
    return sum(c.kind == "culture" and c.opened_h >= since_h for c in model.conflicts)


def customizations_from_ecommerce(model: OrgModel, since_h: float = 0.0) -> int:
    return sum(d.kind == CUSTOMIZATION and d.requester.unit == "ecommerce" and d.created_h >= since_h for d in model.decisions)


@pytest.mark.parametrize("seed", SEEDS)
def test_crossings_and_clashes_are_recorded_per_pair(seed):
    """Every customization request from the circles crosses to R&D and to production once; each clash is a conflict."""
    model = hybrid(seed)
    structure = model.structure
    crossings = customizations_from_ecommerce(model)
    assert crossings > 50  # the mechanism is exercised
    assert structure.crossings == dict.fromkeys(CUSTOMIZATION_UNITS, crossings)
    for unit in CUSTOMIZATION_UNITS:
        opened = sum(c.kind == "culture" and c.unit_b == unit for c in model.conflicts)
        assert structure.clashes[unit] == opened
    assert model.summary()["culture_conflicts"] == sum(structure.clashes.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_no_distance_no_culture_conflict(seed):
    model = hybrid(seed, hybrid__cultural_distance=0.0, hybrid__clash_at_full_distance=1.0)
    assert min(model.structure.crossings.values()) > 50  # plenty of chances to clash
    assert culture_conflicts(model) == 0


def test_more_distance_more_culture_conflicts():
    """d = 0.8 against d = 0.2: four times the chance per crossing. Asked: more in every seed, over twice as many in all."""
    near = [hybrid(seed, hybrid__cultural_distance=0.2) for seed in SEEDS]
    far = [hybrid(seed, hybrid__cultural_distance=0.8) for seed in SEEDS]
    assert all(culture_conflicts(f) > culture_conflicts(n) for f, n in zip(far, near, strict=True))
    assert sum(map(culture_conflicts, far)) > 2 * sum(map(culture_conflicts, near))


def test_clash_rate_per_crossing_falls_with_shared_experience():
    """Share of crossings that clashed, first half of the run against the second (F = 7.5 crossings per
    e-commerce member: 60 a pair among the 8 members of a 100-person company).

    Expected ratio about 0.25 (exp(-n/F) over ~90 crossings a pair each half); asked: below 0.5 in every seed.
    """
    overrides = {**SMALL, "horizon_days": 110, "warmup_days": 0, "hybrid.cultural_distance": 1.0,
                 "hybrid.clash_at_full_distance": 0.8, "hybrid.familiarity_crossings": 7.5}  # fmt: skip
    overrides = {k.replace("__", "."): v for k, v in overrides.items()}
    for seed in SEEDS:
        params = load_scenario("baseline", overrides)
        model = OrgModel(params, rng=seed)
        model.run_until(params.horizon_hours / 2)
        crossings_1, clashes_1 = sum(model.structure.crossings.values()), sum(model.structure.clashes.values())
        model.run_until(params.horizon_hours)
        crossings_2 = sum(model.structure.crossings.values()) - crossings_1
        clashes_2 = sum(model.structure.clashes.values()) - clashes_1
        assert crossings_1 > 100 and crossings_2 > 100, (crossings_1, crossings_2)
        assert clashes_2 / crossings_2 < 0.5 * (clashes_1 / crossings_1), (seed, clashes_1, crossings_1, clashes_2, crossings_2)


def test_clashes_follow_the_formula():
    """Observed clashes against sum over n < N of d c exp(-n/F) for each pair; within 4 standard deviations (3 seeds pooled)."""
    d, c, f = 0.7, 0.6, 10.0
    expected = variance = observed = 0.0
    for seed in SEEDS:
        model = hybrid(seed, hybrid__cultural_distance=d, hybrid__clash_at_full_distance=c, hybrid__familiarity_crossings=f)
        for unit in CUSTOMIZATION_UNITS:
            members = model.structure.crossers
            chances = [d * c * math.exp(-n / members / f) for n in range(model.structure.crossings[unit])]
            expected += sum(chances)
            variance += sum(p * (1 - p) for p in chances)
            observed += model.structure.clashes[unit]
    assert abs(observed - expected) < 4 * math.sqrt(variance), (observed, expected, math.sqrt(variance))


def test_faster_familiarity_fewer_culture_conflicts():
    """F = 30 crossings against no familiarity (F = 1e9). At most d c F = 9 a pair against ~0.3 a crossing; asked: under half."""
    common = {"hybrid__cultural_distance": 1.0, "hybrid__clash_at_full_distance": 0.3}
    fast = [hybrid(seed, hybrid__familiarity_crossings=4.0, **common) for seed in SEEDS]
    never = [hybrid(seed, hybrid__familiarity_crossings=1e9, **common) for seed in SEEDS]
    assert all(culture_conflicts(a) < culture_conflicts(b) for a, b in zip(fast, never, strict=True))
    assert sum(map(culture_conflicts, fast)) < 0.5 * sum(map(culture_conflicts, never))


def test_reorganization_starts_shared_experience_afresh():
    """A hybrid rebuilt on day 20 is a new structure: its pairs count only the crossings after the switch."""
    day = 20
    params = load_scenario("baseline", {"organization.structure": "hybrid", "organization.employees": 100,
                                        "horizon_days": 40, "warmup_days": 0,
                                        "reorganization.day": day, "reorganization.to": "hybrid"})  # fmt: skip
    model = OrgModel(params, rng=2)
    switch_h = day * 8
    model.run_until(switch_h - 1)
    old = model.structure
    before = dict(old.crossings)
    assert min(before.values()) > 20
    model.run_until(params.horizon_hours)
    new = model.structure
    assert new is not old and old.crossings == before  # the old structure takes no new crossings
    after = customizations_from_ecommerce(model, since_h=switch_h)
    assert after > 20
    assert new.crossings == dict.fromkeys(CUSTOMIZATION_UNITS, after)
    assert sum(new.clashes.values()) == culture_conflicts(model, since_h=switch_h)


# --------------------------------------------------------------------------- bad input (the CLI contract)


def test_distance_above_one_is_one_line_error(tmp_path: Path):
    path = tmp_path / "too_distant.toml"
    path.write_text('[organization]\nstructure = "hybrid"\n\n[hybrid]\ncultural_distance = 1.5\n')
    assert_bad_input(orgsim("run", path), "too_distant.toml", "'hybrid.cultural_distance'", "less than or equal to 1", "1.5")


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ("hybrid.cultural_distance=-0.1", ["'hybrid.cultural_distance'", "greater than or equal to 0", "-0.1"]),
        ("hybrid.clash_at_full_distance=2", ["'hybrid.clash_at_full_distance'", "less than or equal to 1", "2"]),
        ("hybrid.familiarity_crossings=0", ["'hybrid.familiarity_crossings'", "greater than 0", "0"]),
        # the former fixed chance is gone: an unknown key, with the keys allowed instead
        ("hybrid.culture_clash_probability=0.15", ["'hybrid.culture_clash_probability'", "allowed here", "cultural_distance"]),
    ],
)
def test_bad_hybrid_override(override, fragments):
    result = orgsim("run", "baseline", "--days", "1", "--set", "warmup_days=0", "--set", override)
    assert_bad_input(result, "baseline.toml", *fragments)
