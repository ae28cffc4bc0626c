"""Profit: money both ways (docs/ODD.md §7.1).

A sale earns the margin at list price less its discount and the dealer's
share; an approved infeasible customization fails in production and costs a
share of the order's value. So approving bad requests (Sah & Stiglitz's type-II
error) has a price: it may raise revenue, but it lowers profit. Profit also
holds our margin on the dealers' offline sales (§7.9, `sim.dealers`).

Every run is the baseline measured from the start (no warm-up), 60 days, fixed
seeds. Sums are compared with a relative tolerance of 1e-9 (float rounding of
a few thousand terms); everything else is exact.
"""

from __future__ import annotations

import statistics

import pytest

from tests.conftest import run_model

DAYS = 60
SEEDS = (1, 2, 3, 4, 5)
REL = 1e-9


def _run(seed: int, **overrides):
    return run_model("baseline", seed=seed, horizon_days=DAYS, **overrides)


def _discount(model, inquiry) -> float:
    """The share off the list price a sale was made at (sold at the customer's willingness to pay)."""
    return max(0.0, 1.0 - inquiry.wtp / (1.0 + model.params.market.price_premium))


def _failed(model) -> list:
    return [i for i in model.inquiries if i.build_fails and i.outcome == "lost_product"]


def _dealer_sold(model) -> int:
    """How many of our products the dealers sold to their own offline customers over the run."""
    return sum(sold for _, _, sold, _ in model.channel.business.days)


def test_accepting_bad_requests_lowers_profit():
    """The issue's done-when: screen_accept_bad = 1 earns less profit than 0, over 5 seeds (means)."""
    profit, revenue = {}, {}
    for q in (0.0, 1.0):
        summaries = [_run(seed, decisions__screen_accept_bad=q).summary() for seed in SEEDS]
        profit[q] = statistics.mean(s["profit"] for s in summaries)
        revenue[q] = statistics.mean(s["revenue"] for s in summaries)
    assert profit[1.0] < profit[0.0], profit
    # ... although approving every bad discount sells more: the trade-off the profit metric exists to show.
    assert revenue[1.0] > revenue[0.0], revenue


@pytest.mark.parametrize(
    ("seed", "overrides"),
    [
        (1, {}),
        (2, {"decisions__screen_accept_bad": 1.0, "market__customized_share": 0.5}),
        (3, {"dealers__policy": "o2o", "decisions__screen_accept_bad": 1.0}),
        (4, {"dealers__policy": "assign"}),
    ],
)
def test_profit_is_conserved(seed, overrides):
    """Profit = sum over orders of margin - discount - dealer share - failure costs, plus the margin on the
    dealers' offline sales, and <= margin x (online revenue + dealer sales)."""
    model = _run(seed, **overrides)
    summary = model.summary()
    m = model.params.market.margin_at_list
    cost_share = model.params.work.failed_customization_cost_share
    converted = [i for i in model.inquiries if i.outcome == "converted"]
    failed = _failed(model)
    assert converted
    # The dealers' offline sales: bought from us at the wholesale price, our margin less their discount off list.
    wholesale, value = model.params.dealers.wholesale_price, model.params.market.order_value_mean
    dealer_margin = _dealer_sold(model) * value * (m - (1.0 - wholesale))
    assert _dealer_sold(model) > 0
    assert summary["dealer_sales"] == pytest.approx(_dealer_sold(model) * value * wholesale, rel=REL)

    # The summary, the running total and the inquiries agree.
    assert summary["profit"] == pytest.approx(sum(i.profit for i in model.inquiries) + dealer_margin, rel=REL)
    assert model.profit == pytest.approx(summary["profit"], rel=REL)
    assert summary["profit_per_employee"] == pytest.approx(summary["profit"] / summary["headcount_end"], rel=REL)

    # Rebuilt from the orders: the margin left after each discount, less the dealers' shares and the failures.
    margin = sum(i.order_value * (m - _discount(model, i)) for i in converted)
    failure_costs = cost_share * sum(i.order_value for i in failed)
    assert summary["profit"] == pytest.approx(margin - model.dealer_share_paid - failure_costs + dealer_margin, rel=REL)

    # Only sales and failed builds carry money; a failed build is a loss of exactly its cost.
    assert all(i.profit == 0.0 for i in model.inquiries if i.outcome != "converted" and i not in failed)
    assert all(i.profit == pytest.approx(-cost_share * i.order_value, rel=REL) for i in failed)
    # Each sale's profit never exceeds the margin share of its revenue (discounts and shares only take away).
    assert all(i.profit <= m * i.revenue + 1e-9 for i in converted)
    assert summary["profit"] <= m * (summary["revenue"] + summary["dealer_sales"])


def test_bad_discounts_lose_money_at_the_defaults():
    """With the default margin a sale beyond the profitable discount loses money; one within it does not."""
    model = _run(1, decisions__screen_accept_bad=1.0)
    limit = model.params.work.profitable_discount
    assert model.channel.policy == "direct"  # no dealer share: a sale earns its margin less its discount
    sold = [i for i in model.inquiries if i.outcome == "converted"]
    bad = [i for i in sold if _discount(model, i) > limit]
    good = [i for i in sold if _discount(model, i) <= limit]
    assert bad and good
    assert all(i.profit < 0 for i in bad)
    assert all(i.profit >= 0 for i in good)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_a_bigger_margin_raises_profit_and_changes_nothing_else(seed):
    low = _run(seed, market__margin_at_list=0.15)
    high = _run(seed, market__margin_at_list=0.30)
    a, b = low.summary(), high.summary()
    assert b["profit"] > a["profit"]
    # Every converted order earns 0.15 of its list value more, and so does every dealer's offline sale of ours
    # (valued at the mean order value); margin is accounting, not behaviour.
    sold = sum(i.order_value for i in low.inquiries if i.outcome == "converted")
    sold += _dealer_sold(low) * low.params.market.order_value_mean
    assert b["profit"] - a["profit"] == pytest.approx(0.15 * sold, rel=1e-6)
    others = [k for k in a if not k.startswith("profit")]
    assert all(a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]) for k in others)  # NaN equals NaN here


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_failed_customizations_cost_profit(seed):
    overrides = {"decisions__screen_accept_bad": 1.0, "market__customized_share": 0.5}
    free = _run(seed, work__failed_customization_cost_share=0.0, **overrides)
    costly = _run(seed, work__failed_customization_cost_share=0.5, **overrides)
    failed = _failed(costly)
    assert failed, "no approved infeasible customization was built: the test exercises nothing"
    assert all(not i.product_ok and i.customized for i in failed)
    assert costly.summary()["profit"] < free.summary()["profit"]
    lost = free.summary()["profit"] - costly.summary()["profit"]
    assert lost == pytest.approx(0.5 * sum(i.order_value for i in failed), rel=1e-6)
    # The failure's cost is added: outcomes and revenue are those of the free run.
    assert [i.outcome for i in free.inquiries] == [i.outcome for i in costly.inquiries]
    assert free.revenue == costly.revenue


def test_rejected_customizations_cost_nothing():
    """A rejected customization is lost on the product too, but nothing was built: no cost."""
    model = _run(2, decisions__screen_accept_bad=0.0, market__customized_share=0.5,
                 work__failed_customization_cost_share=0.5)
    assert not _failed(model)
    rejected = [i for i in model.inquiries if i.outcome == "lost_product"]
    assert rejected and all(i.profit == 0.0 for i in rejected)
