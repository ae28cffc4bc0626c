"""Customers who leave, staff who drop what the customer left, metrics that count every item, and Erlang-A."""

import math

import numpy as np
import pytest
from scipy import special

from sim import OrgModel, load_scenario
from sim import theory
from tests.conftest import run_model


def test_a_customer_without_an_answer_walks_away_at_its_patience():
    model = run_model("yy_company", horizon_days=120, work__quote_hours=3.0)  # an overloaded team: many leave
    walked = [i for i in model.inquiries if i.walked_away]
    assert len(walked) > 100
    assert all(i.outcome == "lost_slow" and i.answered_h is None for i in walked)
    assert all(i.closed_h == pytest.approx(i.deadline_h) for i in walked)  # closed at the moment it left


def test_no_work_is_spent_on_customers_who_left():
    model = run_model("yy_company", horizon_days=120, work__quote_hours=3.0)
    walked = {id(i) for i in model.inquiries if i.walked_away}
    abandoned = [d for d in model.decisions if d.outcome == "abandoned"]
    assert all(id(d.inquiry) in walked for d in abandoned)
    # Staff drop an inquiry whose customer left on sight: the queue never holds more than the customers
    # still waiting plus those who left since anyone looked.
    assert model.market.inbox.dropped > 0
    assert len(model.market.inbox.waiting) <= sum(i.outcome == "open" for i in model.inquiries) + model.market.inbox.dropped


def test_patience_ends_the_runaway_backlog_a_busy_team_built_up():
    # Five people answering 32 inquiries a day at 1.6 hours each: more work than time.
    model = run_model("yy_company", horizon_days=200, work__quote_hours=1.6)
    summary = model.summary()
    assert summary["open_at_end"] < 0.02 * summary["inquiries"]
    assert summary["utilization_max"] > 0.95 and summary["bottleneck"] == "ecommerce staff"


def test_conversion_counts_every_inquiry_and_open_ones_as_not_converted():
    model = OrgModel(load_scenario("baseline", {"horizon_days": 30, "warmup_days": 10}), rng=2)
    model.run_until(20 * 8)  # stopped early: many items still open
    summary = model.summary()
    measured = [i for i in model.inquiries if i.arrived_h >= 10 * 8]
    assert summary["inquiries"] == len(measured)
    assert summary["conversion_rate"] == pytest.approx(summary["converted"] / len(measured))
    closed = len(measured) - summary["open_at_end"]
    assert summary["conversion_rate_closed"] == pytest.approx(summary["converted"] / closed)
    assert summary["open_at_end"] > 0 and summary["conversion_rate"] < summary["conversion_rate_closed"]


def test_open_decisions_count_at_their_age_so_saturation_only_raises_decision_time():
    def rigid(employees):
        return OrgModel(load_scenario("baseline", {"horizon_days": 60, "warmup_days": 20, "policies.adaptation": "none",
                                                   "policies.pricing_authority": "unit",
                                                   "organization.employees": employees}), rng=3)

    model = rigid(1000)
    summary = model.run()
    start = 20 * 8
    measured = [d for d in model.decisions if d.created_h >= start]
    every = [(d.decided_h if d.decided_h is not None else model.time) - d.created_h for d in measured]
    assert summary["decisions"] == len(measured)
    assert summary["decision_time_mean_h"] == pytest.approx(np.mean(every))
    assert summary["decisions_open_at_end"] > 100  # the saturated head's queue
    # Past saturation the finished decisions alone would show less and less; counting the open ones, more.
    assert summary["decision_time_mean_h"] > 2 * rigid(300).run()["decision_time_mean_h"]


def test_metrics_count_only_what_began_after_the_warmup():
    model = OrgModel(load_scenario("baseline", {"horizon_days": 50, "warmup_days": 30}), rng=4)
    summary = model.run()
    start = 30 * 8
    assert summary["inquiries"] == sum(i.arrived_h >= start for i in model.inquiries) < len(model.inquiries)
    assert summary["decisions"] == sum(d.created_h >= start for d in model.decisions)
    assert summary["conflicts"] == sum(c.opened_h >= start for c in model.conflicts)
    assert summary["revenue"] == pytest.approx(sum(i.revenue for i in model.inquiries if i.arrived_h >= start))


def test_a_warmup_as_long_as_the_run_is_refused():
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="warmup_days.*shorter than horizon_days"):
        load_scenario("baseline", {"horizon_days": 30, "warmup_days": 30})


def _erlang_a_closed_form(arrival, service, servers, patience_rate):
    """Garnett, Mandelbaum & Reiman (2002), eq. 2.3-2.5: P(wait) and P(abandon | wait) through A(x, y)."""
    x, y = servers * service / patience_rate, arrival / patience_rate
    a = x * math.exp(y) / y**x * special.gammainc(x, y) * special.gamma(x)  # lower incomplete gamma
    offered = arrival / service
    erlang_b = 1.0
    for k in range(1, servers + 1):
        erlang_b = offered * erlang_b / (k + offered * erlang_b)
    p_wait = a * erlang_b / (1 + (a - 1) * erlang_b)
    rho = arrival / (servers * service)
    return p_wait, (1 / (rho * a) + 1 - 1 / rho) * p_wait


@pytest.mark.parametrize("arrival", [3.0, 5.0, 8.0])
def test_the_birth_death_erlang_a_matches_the_closed_form(arrival):
    p_wait, p_abandon = _erlang_a_closed_form(arrival, 1.0, 5, 1.0)
    computed = theory.erlang_a(arrival, 1.0, 5, 1.0)
    assert computed["p_wait"] == pytest.approx(p_wait, rel=1e-9)
    assert computed["p_abandon"] == pytest.approx(p_abandon, rel=1e-9)


def test_the_shared_inbox_with_impatient_customers_is_an_erlang_a_queue():
    summary = OrgModel(load_scenario("validation/abandonment", {"horizon_days": 1500}), rng=5).run()
    expected = theory.erlang_a(5.0, 1.0, 5, 1.0)["p_abandon"]
    assert summary["abandoned"] / summary["inquiries"] == pytest.approx(expected, rel=0.05)
    # Busy share of a server: the customers served, each an hour of work, over five servers' time.
    served = summary["inquiries"] - summary["abandoned"]
    assert summary["utilization_max"] == pytest.approx(served / (1480 * 8) / 5, rel=0.05)
