"""Direction checks: each policy moves its metric the way its mechanism says.

Each comparison averages several seeds (common random numbers: the same
customers under both settings) and asks for a stated margin, so a reversal
or a null effect fails.
"""

import numpy as np
import pytest

from sim import OrgModel, load_scenario
from tests.conftest import run_model

SEEDS = (1, 2, 3, 4, 5)


def mean_metric(scenario, metric, overrides, days=80, seeds=SEEDS):
    values = []
    for seed in seeds:
        params = load_scenario(scenario, {"horizon_days": days, "warmup_days": 0, **overrides})
        values.append(OrgModel(params, rng=seed).run()[metric])
    return float(np.mean(values))


def price_decision_time(overrides):
    times = []
    for seed in SEEDS:
        model = OrgModel(load_scenario("baseline", {"horizon_days": 60, "warmup_days": 0, **overrides}), rng=seed)
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
    # Helpers take inquiries only when the team is busy: it matters when the team is stretched (1 h a quote).
    ("yy_company", "response_time_mean_h", {"policies.everyone_helps_customers": True, "work.quote_hours": 1.0},
     {"work.quote_hours": 1.0}, 0.8),
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


def test_training_raises_skill_and_frees_the_busy_team():
    # Training costs working hours and pays back in faster quotes: the yy team ends less busy. (Its
    # conversion barely moves: at 0.6 h a quote, the team is not what loses the yy company's customers.)
    trained = mean_metric("yy_company", "utilization_max", {"policies.training_hours_per_month": 8.0}, days=217)
    untrained = mean_metric("yy_company", "utilization_max", {"policies.training_hours_per_month": 0.0}, days=217)
    assert trained < 0.95 * untrained
    skilled = run_model("yy_company", horizon_days=217, policies__training_hours_per_month=8.0)
    unskilled = run_model("yy_company", horizon_days=217, policies__training_hours_per_month=0.0)
    assert _team_skill(skilled) > _team_skill(unskilled) + 0.05


def _team_skill(model) -> float:
    return float(np.mean([e.skill for e in model.units["ecommerce"].members]))


def test_integrated_placement_speeds_customization_decisions():
    def customization_time(placement):
        times = []
        for seed in SEEDS:
            model = OrgModel(load_scenario("baseline", {"horizon_days": 60, "warmup_days": 0, "organization.ecommerce_placement": placement}), rng=seed)
            model.run()
            times += [d.decided_h - d.created_h for d in model.decisions if d.kind == "CUSTOMIZATION" and d.decided_h]
        return float(np.mean(times))

    # Integrated e-commerce asks R&D and production directly, not through the common manager (each hop
    # saved is a queue and a pick-up delay).
    assert customization_time("integrated") < 0.9 * customization_time("separate")


def test_turnover_costs_skill_and_speed():
    # Skill: the people at the end are less experienced when a third of the company has turned over.
    def mean_skill(turnover):
        model = run_model(horizon_days=150, warmup_days=0, policies__turnover_per_year=turnover)
        return float(np.mean([e.base_skill for e in model.employees]))

    assert mean_skill(1.0) < mean_skill(0.0) - 0.02
    # Speed: yy's five-person team loses about five people in 150 days at 2 a year; vacancies and
    # new hires slow its answers (measured +4.9% over these seeds; the team has slack, so the
    # effect is small, and the margin asked is 2%).
    low = mean_metric("yy_company", "response_time_mean_h", {"policies.turnover_per_year": 0.0}, days=150)
    high = mean_metric("yy_company", "response_time_mean_h", {"policies.turnover_per_year": 2.0}, days=150)
    assert high > 1.02 * low
    assert mean_metric("baseline", "departures", {"policies.turnover_per_year": 1.0}, days=60) > 10
