"""Incentives as a mechanism: units with work of their own, and the rule by which they take on requests.

Finance, production, logistics and R&D work through their own queues once a
day (`sim.operations`); a unit asked for another unit's request weighs what
it gains under its reward against what the request costs it at its load
(`DecisionProcess.refuses`, docs/ODD.md §7.8). Here: the directions (paired
seeds), the rule against its formula, conservation of orders, the daily
capacity arithmetic and bad input.
"""

from __future__ import annotations

from math import ceil
from types import SimpleNamespace

import pytest

from sim import OrgModel, load_scenario
from sim.operations import Stage
from sim.records import CUSTOMIZATION, Decision
from sim.scenario import ScenarioError
from tests.test_bad_input import assert_bad_input, orgsim

SEEDS = (1, 2, 3, 4, 5)


def run(seed: int, days: int = 80, **overrides) -> OrgModel:
    """A baseline run measured from its first day, with dotted-key overrides."""
    model = OrgModel(load_scenario("baseline", {"horizon_days": days, "warmup_days": 0, **overrides}), rng=seed)
    model.run()
    return model


def refusals_by(model: OrgModel, unit: str) -> int:
    return sum(c.kind == "interunit" and c.unit_b == unit for c in model.conflicts)


# ----------------------------------------------------------------------------- directions (paired seeds)


def test_integrated_incentives_open_fewer_interunit_conflicts_than_sales_only():
    sales_only = [run(seed).summary()["interunit_conflicts"] for seed in SEEDS]
    integrated = [run(seed, **{"policies.incentives": "integrated"}).summary()["interunit_conflicts"] for seed in SEEDS]
    assert all(i < s for i, s in zip(integrated, sales_only, strict=True)), (integrated, sales_only)
    assert sum(integrated) <= 0.6 * sum(sales_only), (integrated, sales_only)


def test_a_more_loaded_unit_refuses_more_under_sales_only():
    # The same customers and requests; production is slower per worker, so it runs further behind.
    loaded = [run(seed, 60, **{"operations.production_orders_per_worker_day": 0.15}) for seed in SEEDS[:4]]
    slack = [run(seed, 60, **{"operations.production_orders_per_worker_day": 1.0}) for seed in SEEDS[:4]]
    busy_load = [m.summary()["orders_backlog_days"] for m in loaded]
    slack_load = [m.summary()["orders_backlog_days"] for m in slack]
    assert all(b > 2 * s for b, s in zip(busy_load, slack_load, strict=True)), (busy_load, slack_load)
    busy, idle = [refusals_by(m, "production") for m in loaded], [refusals_by(m, "production") for m in slack]
    assert sum(busy) > 1.5 * sum(idle), (busy, idle)
    assert sum(b > i for b, i in zip(busy, idle, strict=True)) >= 3, (busy, idle)


# ----------------------------------------------------------------------------- the rule against its formula


def _refusal_share(incentives: str, load_days: float, calls: int = 4000) -> float:
    """How often a production team refuses an average request at a fixed load (no conflict feedback: k = 0)."""
    scenario = load_scenario(
        "baseline",
        {"horizon_days": 5, "warmup_days": 0, "policies.incentives": incentives, "conflict.cooperation_loss_per_open_conflict": 0.0},
    )
    model = OrgModel(scenario, rng=7)
    stage = model.operations.stages["production"]
    if load_days:
        stage.add(load_days * stage.capacity)
    assert model.operations.load("production") == pytest.approx(load_days)
    requester = model.units["ecommerce"].members[0]
    order = SimpleNamespace(order_value=scenario.market.order_value_mean)  # an order of average value
    average = scenario.market.customization_cost_mean  # a request of average size: s = 1
    decision = Decision(0, CUSTOMIZATION, requester, 0.0, True, order, True, True, average)
    refuses = model.decision_process.refuses
    return sum(refuses(decision, "production") for _ in range(calls)) / calls


@pytest.mark.parametrize("load_days", [0.0, 0.5, 2.0])
def test_the_acceptance_share_follows_the_documented_formula(load_days):
    conflict = load_scenario("baseline").conflict
    tolerance, worth = conflict.tolerance_days, conflict.integrated_worth_days
    # Refusal = s*l / (T + I*D*V/Vmean + s*l), here with s = 1 and V = Vmean.
    assert _refusal_share("sales_only", load_days) == pytest.approx(load_days / (tolerance + load_days), abs=0.03)
    assert _refusal_share("integrated", load_days) == pytest.approx(load_days / (tolerance + worth + load_days), abs=0.03)


def test_rnd_takes_on_the_design_of_what_it_accepts():
    model = run(1, 40)
    rnd = model.operations.stages["rnd"]
    assert rnd.arrived > 50  # every R&D team that took a customization on added a design
    assert rnd.arrived == rnd.done + len(rnd.queue)


# ----------------------------------------------------------------------------- conservation


def _assert_conserved(operations) -> None:
    order_stages = [operations.stages[name] for name in ("finance", "production", "logistics")]
    for stage in order_stages:
        assert stage.arrived == stage.done + len(stage.queue)  # in = done + waiting, queue by queue
    # Every order is in exactly one queue until it is shipped.
    assert operations.orders_in == operations.shipped + sum(len(stage.queue) for stage in order_stages)
    assert operations.orders_in == operations.online_orders + operations.dealer_orders


def test_orders_are_conserved_in_a_run_and_every_sale_is_an_order():
    model = run(2, 60)
    operations = model.operations
    _assert_conserved(operations)
    assert operations.online_orders == model.outcome_counts["converted"] > 300
    production = operations.stages["production"]
    assert production.arrived == production.done + len(production.queue)
    assert model.summary()["orders_built"] == production.done  # measured from the start here


def test_dealer_bulk_orders_share_the_queues_and_are_conserved():
    model = OrgModel(load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0}), rng=1)
    operations = model.operations
    for _ in range(40):
        operations.dealer_order(3 * model.params.market.order_value_mean)  # 3 standard orders each
    for _ in range(30):
        operations.day()
        _assert_conserved(operations)
    assert operations.dealer_orders == 40 and operations.shipped == 40
    assert operations.stages["production"].done == 40


# ----------------------------------------------------------------------------- the daily capacity arithmetic


@pytest.mark.parametrize(("orders", "workers", "per_worker"), [(10, 3, 1.0), (7, 7, 1.0), (1, 1, 0.4), (25, 5, 0.5), (100, 76, 0.4)])
def test_a_queue_of_n_orders_at_capacity_c_clears_in_ceil_n_over_c_days(orders, workers, per_worker):
    stage = Stage(SimpleNamespace(members=[None] * workers), per_worker)
    capacity = workers * per_worker
    for _ in range(orders):
        stage.add(1.0)
    assert stage.load() == pytest.approx(orders / capacity)
    days = 0
    while stage.queue:
        stage.day()
        days += 1
    assert days == ceil(orders / capacity - 1e-9)
    assert stage.done == orders and stage.waiting == 0.0


def test_an_order_spends_at_least_a_day_in_each_queue():
    model = OrgModel(load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0}), rng=1)
    operations = model.operations
    operations.dealer_order(model.params.market.order_value_mean)
    shipped_after = []
    for _ in range(4):
        operations.day()
        shipped_after.append(operations.shipped)
    assert shipped_after == [0, 0, 1, 1]  # credit on day 1, built on day 2, shipped on day 3


def test_a_unit_with_no_staff_does_no_such_work_and_orders_pass_it_by():
    scenario = load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0, "organization.unit_shares.finance": 0.0})
    operations = OrgModel(scenario, rng=1).operations
    assert "finance" not in operations.stages and operations.load("finance") == 0.0
    operations.dealer_order(scenario.market.order_value_mean)
    operations.day()
    operations.day()
    assert operations.shipped == operations.orders_in == 1  # built on day 1, shipped on day 2


# ----------------------------------------------------------------------------- bad input


def test_a_capacity_of_zero_is_a_one_line_error():
    result = orgsim("run", "baseline", "--days", "1", "--set", "warmup_days=0", "--set", "operations.production_orders_per_worker_day=0")
    assert_bad_input(result, "'operations.production_orders_per_worker_day'", "greater than 0", "got 0")


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        # the removed refusal probabilities are unknown keys now, and the message lists what replaced them
        ({"conflict.refusal_sales_only": 0.25}, ["'conflict.refusal_sales_only'", "allowed here", "tolerance_days"]),
        ({"conflict.tolerance_days": 0}, ["'conflict.tolerance_days'", "greater than 0"]),
        ({"conflict.integrated_worth_days": -1}, ["'conflict.integrated_worth_days'", "greater than or equal to 0"]),
        ({"operations.rnd_designs_per_worker_day": "fast"}, ["'operations.rnd_designs_per_worker_day'", "number"]),
        ({"operations.shifts": 2}, ["'operations.shifts'", "allowed here", "finance_orders_per_worker_day"]),
    ],
)
def test_bad_settings_are_one_line_errors(override, fragments):
    with pytest.raises(ScenarioError) as error:
        load_scenario("baseline", override)
    message = str(error.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("value", [0.0, -7000.0, float("nan")])
def test_a_dealer_order_without_value_is_refused(value):
    model = OrgModel(load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0}), rng=1)
    with pytest.raises(ValueError, match="value > 0") as error:
        model.operations.dealer_order(value)
    assert "\n" not in str(error.value)
