"""Dealers with a business (docs/ODD.md §7.9, `sim.dealers`).

Each dealer sells to offline customers of its own, our product or a
competitor's by its loyalty and effort; online sales in its region lower its
effort and, through channel conflicts, its loyalty. So under `direct` the
company's outcomes depend on dealer loyalty, and O2O, which raises no
grievance, opens fewer channel conflicts and keeps the dealers' sales up.

The comparisons run yy_company for 120 days after a 40-day warm-up, on paired
seeds 1-5 (the same seed under both settings). Tolerance: the direction must
hold on every one of the 5 pairs, and the mean paired difference must exceed
3 standard errors of the paired differences.
"""

from __future__ import annotations

import math
import random
import statistics
from functools import cache

import pytest

from sim.dealers import poisson
from tests.conftest import run_model
from tests.test_bad_input import assert_bad_input, orgsim

SEEDS = (1, 2, 3, 4, 5)
SHORT = {"horizon_days": 120, "warmup_days": 40}
REL = 1e-9


@cache
def _summary(seed: int, policy: str = "direct", loyalty_mean: float = 0.85, loss: float = 0.05) -> dict:
    model = run_model("yy_company", seed=seed, dealers__policy=policy, dealers__loyalty_mean=loyalty_mean,
                      dealers__loyalty_loss_per_conflict=loss, **SHORT)  # fmt: skip
    return model.summary()


def _assert_paired_increase(low: list[dict], high: list[dict], metric: str) -> None:
    """`high` exceeds `low` in `metric` on every paired seed, by more than 3 paired standard errors on average."""
    differences = [h[metric] - lo[metric] for lo, h in zip(low, high)]
    assert all(d > 0 for d in differences), (metric, differences)
    standard_error = statistics.stdev(differences) / math.sqrt(len(differences))
    assert statistics.mean(differences) > 3 * standard_error, (metric, differences)


def test_under_direct_dealer_loyalty_changes_dealer_sales_and_profit():
    """The issue's done-when: under `direct` the yy company's outcomes depend on dealer loyalty."""
    disloyal = [_summary(seed, loyalty_mean=0.5) for seed in SEEDS]
    loyal = [_summary(seed, loyalty_mean=0.85) for seed in SEEDS]
    assert loyal[0]["dealer_sales"] > 0
    _assert_paired_increase(disloyal, loyal, "dealer_sales")
    _assert_paired_increase(disloyal, loyal, "profit")
    _assert_paired_increase(loyal, disloyal, "dealer_sales_lost")  # disloyal dealers switch more to competitors


def test_under_direct_conflicts_cost_dealer_sales():
    """The issue's finding was that `loyalty_loss_per_conflict = 0` changed nothing under `direct`; now it must."""
    forgiving = [_summary(seed, loss=0.0) for seed in SEEDS]
    resentful = [_summary(seed, loss=0.05) for seed in SEEDS]
    assert all(s["channel_conflicts"] > 0 for s in resentful)
    _assert_paired_increase(resentful, forgiving, "dealer_sales")
    _assert_paired_increase(resentful, forgiving, "profit")


def test_o2o_opens_fewer_channel_conflicts_and_keeps_dealer_sales_up():
    """The issue's done-when: `o2o` opens fewer channel conflicts than `direct` (paired seeds)."""
    direct = [_summary(seed, policy="direct") for seed in SEEDS]
    o2o = [_summary(seed, policy="o2o") for seed in SEEDS]
    _assert_paired_increase(o2o, direct, "channel_conflicts")
    _assert_paired_increase(direct, o2o, "dealer_sales")


def test_every_offline_customer_buys_ours_or_a_competitors():
    """Conservation: each day's offline customers are our sales plus those switched; the summary adds them up."""
    model = run_model("yy_company", seed=7, **SHORT)
    business = model.channel.business
    settings, market = model.params.dealers, model.params.market
    assert len(business.days) == model.params.horizon_days  # one pass per working day
    assert all(customers == ours + theirs for _, customers, ours, theirs in business.days)
    measured = [day for day in business.days if day[0] > model.params.warmup_hours]
    sold = sum(day[2] for day in measured)
    switched = sum(day[3] for day in measured)
    assert sold > 0 and switched > 0
    summary = model.summary()
    assert summary["dealer_sales_lost"] == switched
    assert summary["dealer_sales"] == pytest.approx(sold * market.order_value_mean * settings.wholesale_price, rel=REL)
    online_profit = sum(i.profit for i in model.inquiries if i.arrived_h >= model.params.warmup_hours)
    margin = sold * market.order_value_mean * (market.margin_at_list - (1.0 - settings.wholesale_price))
    assert summary["profit"] == pytest.approx(online_profit + margin, rel=REL)
    # The customers come at the set rate: the whole run's count within 4 standard deviations of its Poisson mean.
    expected = business.rate * market.regions * model.params.horizon_days
    assert abs(sum(day[1] for day in business.days) - expected) < 4 * math.sqrt(expected)


def test_online_sales_cut_effort_only_where_they_raise_grievance():
    """Under `direct` the dealers' effort falls below full; under `assign` (no online sales) and `o2o`
    (no grievance at the defaults) it stays full, and under `assign` loyalty never moves."""
    direct = run_model("yy_company", seed=2, dealers__policy="direct", **SHORT)
    assert all(d.effort < 1.0 for d in direct.channel.dealers)
    assert all(d.loyalty < d.standing_loyalty for d in direct.channel.dealers)
    for policy in ("assign", "o2o"):
        model = run_model("yy_company", seed=2, dealers__policy=policy, **SHORT)
        assert all(d.effort == 1.0 for d in model.channel.dealers), policy
    assign = run_model("yy_company", seed=2, dealers__policy="assign", **SHORT)
    assert all(d.loyalty == d.standing_loyalty for d in assign.channel.dealers)


def test_no_offline_customers_no_dealer_sales():
    summary = run_model("yy_company", seed=1, dealers__offline_customers_per_inquiry=0.0, **SHORT).summary()
    assert summary["dealer_sales"] == 0.0 and summary["dealer_sales_lost"] == 0


@pytest.mark.parametrize("mean", [0.5, 2.0, 40.0])
def test_poisson_count_has_its_mean_and_variance(mean):
    draw = random.Random(11)
    counts = [poisson(draw, mean) for _ in range(20_000)]
    assert statistics.mean(counts) == pytest.approx(mean, abs=4 * math.sqrt(mean / len(counts)))
    assert statistics.variance(counts) == pytest.approx(mean, rel=0.05)


def test_a_negative_offline_customer_rate_is_one_line_of_error(tmp_path):
    result = orgsim("run", "yy_company", "--days", "1", "--set", "warmup_days=0",
                    "--set", "dealers.offline_customers_per_inquiry=-1")  # fmt: skip
    assert_bad_input(result, "'dealers.offline_customers_per_inquiry'", "greater than or equal to 0", "-1")
    path = tmp_path / "negative_offline_customers.toml"
    path.write_text("[dealers]\noffline_customers_per_inquiry = -2.5\n", encoding="utf-8")
    assert_bad_input(orgsim("run", path), path.name, "'dealers.offline_customers_per_inquiry'", "-2.5")
