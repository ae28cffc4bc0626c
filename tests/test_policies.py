"""Direction checks: each policy moves its metric the way its mechanism says.

Each comparison averages several seeds (common random numbers: the same
customers under both settings) and asks for a stated margin, so a reversal
or a null effect fails.
"""

import numpy as np
import pytest

from sim import OrgModel, load_scenario

SEEDS = (1, 2, 3, 4, 5)


def mean_metric(scenario, metric, overrides, days=80, seeds=SEEDS):
    values = []
    for seed in seeds:
        params = load_scenario(scenario, {"horizon_days": days, **overrides})
        values.append(OrgModel(params, rng=seed).run()[metric])
    return float(np.mean(values))


def price_decision_time(overrides):
    times = []
    for seed in SEEDS:
        model = OrgModel(load_scenario("baseline", {"horizon_days": 60, **overrides}), rng=seed)
        model.run()
        times += [d.decided_h - d.created_h for d in model.decisions if d.kind == "PRICE" and d.decided_h is not None]
    return float(np.mean(times))


# (scenario, metric, better setting, worse setting, the better one must be lower by this factor)
LOWER_IS_BETTER = [
    ("baseline", "channel_conflicts", {"dealers.policy": "o2o"}, {"dealers.policy": "direct"}, 0.5),
    ("baseline", "interunit_conflicts", {"policies.incentives": "integrated"}, {"policies.incentives": "sales_only"}, 0.5),
    (
        "baseline",
        "conflict_resolution_time_mean_h",
        {"organization.structure": "holacracy", "policies.committee": "weekly"},
        {"organization.structure": "holacracy", "policies.committee": "none"},
        0.7,
    ),
    (
        "baseline",
        "conflicts_open_at_end",
        {"organization.structure": "holacracy", "policies.committee": "weekly"},
        {"organization.structure": "holacracy", "policies.committee": "none"},
        0.7,
    ),
    ("yy_company", "response_time_mean_h", {"policies.everyone_helps_customers": True}, {}, 0.8),
    ("baseline", "decision_time_mean_h", {}, {"policies.remote_share": 0.6}, 0.9),
    ("yy_company", "response_time_mean_h", {"organization.ecommerce_placement": "separate"},
     {"organization.ecommerce_placement": "in_it"}, 0.8),
    ("baseline", "lost_dealer", {"dealers.policy": "direct"}, {"dealers.policy": "assign"}, 0.1),
]


@pytest.mark.parametrize("scenario, metric, better, worse, factor", LOWER_IS_BETTER)
def test_policy_lowers_its_metric(scenario, metric, better, worse, factor):
    good = mean_metric(scenario, metric, better)
    bad = mean_metric(scenario, metric, worse)
    assert good <= factor * bad, f"{metric}: {good:.3f} with {better} vs {bad:.3f} with {worse}"


def test_frontline_pricing_authority_cuts_price_decision_time():
    frontline = price_decision_time({"policies.pricing_authority": "frontline"})
    unit = price_decision_time({"policies.pricing_authority": "unit"})
    top = price_decision_time({"policies.pricing_authority": "top"})
    assert frontline < 0.7 * unit
    assert unit < top


def test_training_raises_conversion():
    trained = mean_metric("yy_company", "conversion_rate", {"policies.training_hours_per_month": 8.0}, days=217)
    untrained = mean_metric("yy_company", "conversion_rate", {"policies.training_hours_per_month": 0.0}, days=217)
    assert trained > untrained + 0.005


def test_integrated_placement_speeds_customization_decisions():
    def customization_time(placement):
        times = []
        for seed in SEEDS:
            model = OrgModel(load_scenario("baseline", {"horizon_days": 60, "organization.ecommerce_placement": placement}), rng=seed)
            model.run()
            times += [d.decided_h - d.created_h for d in model.decisions if d.kind == "CUSTOMIZATION" and d.decided_h]
        return float(np.mean(times))

    assert customization_time("integrated") < 0.8 * customization_time("separate")


def test_turnover_costs_skill_and_speed():
    low = mean_metric("yy_company", "response_time_mean_h", {"policies.turnover_per_year": 0.0}, days=150)
    high = mean_metric("yy_company", "response_time_mean_h", {"policies.turnover_per_year": 1.0}, days=150)
    assert high > 1.05 * low
    assert mean_metric("baseline", "departures", {"policies.turnover_per_year": 1.0}, days=60) > 30
