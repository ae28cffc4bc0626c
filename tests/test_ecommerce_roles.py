"""Seed 004: e-commerce's roles (operations, IT, web marketing) with their own queues, and turnover per unit.

docs/ODD.md §7.20 (roles, incidents, campaigns) and §7.11 (turnover by unit).
Runs are short and paired on the seed; the whole file takes well under 30 s.
"""

from __future__ import annotations

import math
from functools import cache
from typing import get_args

import pytest
from test_bad_input import assert_bad_input, orgsim

from sim import load_scenario
from sim.model import OrgModel
from sim.platform import EcommerceSettings, role_counts
from sim.scenario import UnitName
from sim.workforce import UnitTurnoverSettings

SEEDS = (1, 2, 3, 4, 5)
SHORT_YY = {"horizon_days": 70, "warmup_days": 10}
SHORT_BASE = {"horizon_days": 60, "warmup_days": 0}


@cache
def yy(seed: int, incidents_per_month: float) -> OrgModel:
    model = OrgModel(load_scenario("yy_company", {**SHORT_YY, "ecommerce.incidents_per_month": incidents_per_month}), rng=seed)
    model.run()
    return model


@cache
def base(seed: int, **overrides) -> OrgModel:
    model = OrgModel(load_scenario("baseline", {**SHORT_BASE, **overrides}), rng=seed)
    model.run()
    return model


def built(name: str, **overrides) -> OrgModel:
    """A model as built, not run: who holds which role."""
    return OrgModel(load_scenario(name, overrides))


# ----------------------------------------------------------------------------- roles and their queues


def test_the_split_follows_the_documented_rule():
    settings = EcommerceSettings()
    assert settings.in_house_from_staff == 8
    # A team below the threshold keeps everyone in operations and buys marketing and IT (seed 004).
    assert role_counts(5, 4, settings) == (0, 0)
    assert role_counts(7, 6, settings) == (0, 0)
    # From it on: round(share x headcount), at least one each.
    assert role_counts(8, 6, settings) == (1, 1)
    assert role_counts(16, 12, settings) == (2, 2)
    assert role_counts(100, 80, settings) == (15, 10)
    # Never at the cost of the last person answering inquiries.
    assert role_counts(8, 2, settings) == (0, 0)


def test_the_yy_company_keeps_its_whole_team_answering_inquiries():
    model = built("yy_company")
    assert model.platform.it.staff == [] and model.platform.marketing.role.staff == []
    frontline = model.structure.frontline_staff(model.employees)
    assert model.staff == frontline and len(model.staff) == 4  # the head and four staff, as before


@pytest.mark.parametrize("structure", ["hierarchy", "holacracy"])
def test_roles_are_ecommerce_people_with_their_own_queues(structure):
    model = built("baseline", **{"organization.structure": structure})
    platform = model.platform
    it, marketers = platform.it.staff, platform.marketing.role.staff
    unit = model.units["ecommerce"]
    frontline = model.structure.frontline_staff(model.employees)
    assert (len(marketers), len(it)) == role_counts(len(unit.members), len(frontline), EcommerceSettings())
    assert len(it) >= 1 and len(marketers) >= 1
    holders = {id(e) for e in [*it, *marketers]}
    assert len(holders) == len(it) + len(marketers)
    assert all(e.unit == "ecommerce" and not e.reports for e in [*it, *marketers])
    assert not holders & {id(e) for e in model.staff}  # they no longer answer inquiries
    assert all(e.inbox is platform.it.inbox for e in it)
    assert all(e.inbox is platform.marketing.role.inbox for e in marketers)
    assert all(e.inbox is model.market.inbox for e in model.staff)


def test_a_reorganization_keeps_who_holds_each_role():
    model = built("zappos_transition")
    it, marketers = list(model.platform.it.staff), list(model.platform.marketing.role.staff)
    model._reorganize()
    assert model.platform.it.staff == it and model.platform.marketing.role.staff == marketers
    assert all(e.inbox is model.platform.it.inbox for e in it)
    assert not {id(e) for e in [*it, *marketers]} & {id(e) for e in model.staff}


def test_incidents_and_campaigns_are_worked_by_their_role():
    model = base(1, **{"ecommerce.incidents_per_month": 6.0})
    platform = model.platform
    it_ids = {e.unique_id for e in platform.it.staff}
    done = [i for i in platform.incidents if i.done_h is not None]
    assert len(done) >= 5
    assert all(i.staff_id in it_ids for i in done)
    assert platform.marketing.launched > 10 and all(e.worked_h > 0 for e in platform.marketing.role.staff)
    holders = it_ids | {e.unique_id for e in platform.marketing.role.staff}
    assert not holders & {i.staff_id for i in model.inquiries}


def test_a_validation_run_has_no_platform():
    model = built("validation/abandonment")
    assert not model.platform.active and model.platform.reach == 1.0


# ----------------------------------------------------------------------------- IT incidents and downtime


def test_more_incidents_mean_more_downtime_and_fewer_sales():
    """yy company (agency IT), 5 paired seeds: 6 incidents a month against none.

    Measured: 12-21% of the time down and 10% fewer inquiries converted (998 against 1,107); the test
    asks for a downtime share above 5% on every seed and at least 5% fewer conversions over the five.
    """
    calm = [yy(seed, 0.0).summary() for seed in SEEDS]
    rough = [yy(seed, 6.0).summary() for seed in SEEDS]
    assert all(s["platform_downtime_share"] == 0 and s["platform_incidents"] == 0 for s in calm)
    assert all(s["platform_downtime_share"] > 0.05 for s in rough)
    assert sum(s["inquiries"] for s in rough) == sum(s["inquiries"] for s in calm)  # the same customers
    assert sum(s["converted"] for s in rough) < 0.95 * sum(s["converted"] for s in calm)
    assert sum(s["lost_slow"] for s in rough) > sum(s["lost_slow"] for s in calm)


def test_an_agency_leaves_the_site_down_longer_than_own_it_staff():
    """Baseline (16 e-commerce staff), 2 paired seeds, 6 incidents a month: own IT against an agency
    (seed 1 measured: 27 h against 62 h down in 60 d; asked: the agency's at least 1.5 times)."""
    own = [base(seed, **{"ecommerce.incidents_per_month": 6.0}) for seed in (1, 2)]
    agency = [base(seed, **{"ecommerce.incidents_per_month": 6.0, "ecommerce.in_house_from_staff": 1000}) for seed in (1, 2)]
    assert all(m.platform.it.staff for m in own) and not any(m.platform.it.staff for m in agency)
    assert [m.platform.opened for m in own] == [m.platform.opened for m in agency]  # the same incidents
    down = [sum(m.platform.totals()[0] for m in models) for models in (own, agency)]
    assert down[1] > 1.5 * down[0], down


def _union_hours(intervals) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


@pytest.mark.parametrize("run", ["agency", "own_it"])
def test_every_incident_opened_is_resolved_or_still_open(run):
    models = [yy(seed, 6.0) for seed in SEEDS] if run == "agency" else [base(1, **{"ecommerce.incidents_per_month": 6.0})]
    for model in models:
        platform, now = model.platform, model.time
        assert platform.opened == len(platform.incidents) == platform.resolved + platform.open_incidents
        assert all((i.done_h is None) == (i.outcome == "open") for i in platform.incidents)
        assert all(i.done_h is None or i.done_h >= i.opened_h for i in platform.incidents)
        assert platform.down == (platform.open_incidents > 0)
        spells = [(i.opened_h, now if i.done_h is None else i.done_h) for i in platform.incidents]
        assert platform.totals()[0] == pytest.approx(_union_hours(spells), abs=1e-6)
        # Inquiries held up while the site was down still end in exactly one outcome.
        closed = sum(model.outcome_counts.values())
        assert closed + sum(i.outcome == "open" for i in model.inquiries) == len(model.inquiries)
        assert all(i.outcome == "open" for i in platform.held)


# ----------------------------------------------------------------------------- web marketing


def test_marketing_that_falls_behind_brings_fewer_inquiries():
    """Per-employee demand: marketers given far more work than they can do (campaigns of 200 h) launch
    them late, and fewer customers come than when they keep to the plan (the same seed)."""
    keeping_up = base(1)
    behind = base(1, **{"ecommerce.campaign_hours": 200.0})
    on_plan, late = keeping_up.platform.marketing, behind.platform.marketing
    assert on_plan.briefed == late.briefed > 20
    assert on_plan.late == 0 and keeping_up.platform.reach == 1.0
    assert late.late > 0 and late.overdue > 0 and behind.platform.reach < 1.0
    assert len(behind.inquiries) < 0.95 * len(keeping_up.inquiries)


def test_campaigns_wait_for_their_launch_dates_in_the_order_they_were_briefed():
    """Only the next launch date is an event; the campaigns still waiting are those briefed within the lead."""
    behind = base(1, **{"ecommerce.campaign_hours": 200.0})
    marketing, now = behind.platform.marketing, behind.time
    waiting = [campaign.due_h for campaign in marketing.awaiting_launch]
    assert waiting == sorted(waiting) and all(now < due <= now + marketing.lead_h for due in waiting)
    briefs_within_lead = math.floor(marketing.lead_h * marketing.per_hour)
    assert abs(len(waiting) - briefs_within_lead) <= 1
    launch_events = [(due, callback) for due, callback, _ in behind.pending() if callback == marketing._launch_date]
    assert len(launch_events) == 1 and launch_events[0][0] == waiting[0]


def test_marketing_that_keeps_to_plan_leaves_the_customers_alone():
    """Reach is exactly 1 while no campaign is late: the customers are those of a run without campaigns."""
    with_campaigns = base(2)
    without = base(2, **{"ecommerce.campaign_inquiry_share": 0.0})
    assert with_campaigns.platform.marketing.late == 0
    assert [i.arrived_h for i in with_campaigns.inquiries] == [i.arrived_h for i in without.inquiries]


def test_a_fixed_rate_stays_fixed():
    model = yy(1, 0.0)
    assert model.platform.reach == 1.0 and model.platform.marketing.briefed == 0  # an agency's, and no effect


# ----------------------------------------------------------------------------- turnover by unit


def test_ecommerce_staff_leave_more_often_than_the_others_at_the_defaults():
    """1,000 people (80 in e-commerce) for 20 years without customers (turnover needs none), 3 seeds.

    The default multiplier is 1.5. Measured ratios of departures per head, e-commerce over the others:
    1.54, 1.52, 1.31 (pooled 1.46, from about 800 e-commerce and 6,300 other departures). Asked: above
    1.15 in every seed, and pooled within 1.3-1.7 (about 3 standard errors of the counts either side).
    """
    left = {"ecommerce": 0, "other": 0}
    heads = {"ecommerce": 0, "other": 0}
    long_run = {"organization.employees": 1000, "horizon_days": 5000, "warmup_days": 0, "market.inquiries_per_employee_day": 0.0}
    for seed in (1, 2, 3):
        scenario = load_scenario("baseline", long_run)
        model = OrgModel(scenario, rng=seed)
        model.run()
        counts = model.workforce.left
        others = [u for u in model.units if u not in ("ecommerce", "management")]
        seed_left = {"ecommerce": counts["ecommerce"], "other": sum(counts[u] for u in others)}
        seed_heads = {"ecommerce": len(model.units["ecommerce"].members), "other": sum(len(model.units[u].members) for u in others)}
        ratio = (seed_left["ecommerce"] / seed_heads["ecommerce"]) / (seed_left["other"] / seed_heads["other"])
        assert ratio > 1.15, (seed, seed_left, seed_heads)
        summary = model.summary()
        assert summary["ecommerce_turnover_per_year"] > summary["other_turnover_per_year"]
        assert summary["other_turnover_per_year"] == pytest.approx(0.12, rel=0.1)  # policies.turnover_per_year
        for key in left:
            left[key] += seed_left[key]
            heads[key] += seed_heads[key]
    pooled = (left["ecommerce"] / heads["ecommerce"]) / (left["other"] / heads["other"])
    assert 1.3 <= pooled <= 1.7, (left, heads)


def test_every_unit_has_a_turnover_multiplier():
    assert tuple(UnitTurnoverSettings.model_fields) == get_args(UnitName)
    assert UnitTurnoverSettings().ecommerce > 1.0 and {UnitTurnoverSettings().model_dump()[u] for u in get_args(UnitName)[1:]} == {1.0}


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("table", "fragments"),
    [
        ("[ecommerce]\nincidents_per_month = -1.0\n", ["'ecommerce.incidents_per_month'", "greater than or equal to 0", "-1"]),
        ("[unit_turnover]\necommerce = -0.5\n", ["'unit_turnover.ecommerce'", "greater than or equal to 0", "-0.5"]),
        ("[unit_turnover]\nmarketing = 2.0\n", ["'unit_turnover.marketing'", "allowed here", "ecommerce"]),
    ],
)
def test_bad_input_gets_one_line(tmp_path, table, fragments):
    path = tmp_path / "bad_platform.toml"
    path.write_text(f'name = "bad"\n{table}')
    assert_bad_input(orgsim("run", path), "bad_platform.toml", *fragments)
