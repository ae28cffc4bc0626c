"""Pinned results: full summaries of a few runs, as literals.

A performance change must not change what a seed produces: run this after
every optimization. The literals were last recaptured for the mechanisms of
issue 13 (dealers' own business, units' own work and incentives, e-commerce
roles and turnover per unit, one random stream per purpose, relief by the
office's work over the overload, the yy refit); the baseline cases
measure 60 days after a 30-day warm-up. A deliberate *model* change does
alter them: then recapture with

    .venv/bin/python tests/test_pinned.py > /tmp/pins.py

and paste the printed literals over PINNED and DAILY_SUMS, saying so in the commit.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

NAN = math.nan
# The daily table's run: 60 days measured from the start (no warm-up), so every day is pinned.
DAILY_RUN = {"horizon_days": 60, "warmup_days": 0}

PINNED = [
    (('baseline', {'organization.structure': 'hierarchy', 'horizon_days': 90, 'warmup_days': 30}, 1), {
        'scenario': 'baseline',
        'structure': 'hierarchy',
        'employees': 200,
        'seed': 1,
        'horizon_days': 90,
        'warmup_days': 30,
        'inquiries': 1479,
        'converted': 607,
        'conversion_rate': 0.41041244083840434,
        'conversion_rate_closed': 0.4123641304347826,
        'lost_price': 253,
        'lost_product': 60,
        'lost_slow': 552,
        'lost_dealer': 0,
        'open_at_end': 7,
        'response_time_mean_h': 2.875143085559868,
        'response_time_p90_h': 6.427534843398906,
        'decisions': 1004,
        'decision_time_mean_h': 2.9473870011754424,
        'decision_time_p50_h': 2.1677525192996825,
        'decision_time_p90_h': 6.899392201615185,
        'decisions_open_at_end': 5,
        'conflicts': 187,
        'conflicts_per_100_staff_month': 33.42959295929593,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': 1.8586981346382005,
        'revenue': 3920673.8047457305,
        'revenue_per_employee': 19409.276261117477,
        'profit': 515728.73482963024,
        'profit_per_employee': 2553.112548661536,
        'dealer_sales': 1310400.0,
        'dealer_sales_lost': 463,
        'coordination_overhead_share': 0.012015727189846549,
        'channel_conflicts': 121,
        'interunit_conflicts': 66,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 7,
        'utilization_max': 0.5340967692765415,
        'bottleneck': 'general manager',
        'adaptations': 1,
        'headcount_end': 202,
        'orders_built': 780,
        'orders_shipped': 785,
        'orders_backlog_days': 0.4392845481430904,
        'rnd_backlog_days': 0.33845203257185613,
        'platform_downtime_share': 0.002996334177634452,
        'platform_incidents': 1,
        'inquiries_held_by_downtime': 2,
        'ecommerce_turnover_per_year': 0.0,
        'other_turnover_per_year': 0.1657559198542805,
    }),
    (('baseline', {'organization.structure': 'holacracy', 'horizon_days': 90, 'warmup_days': 30}, 1), {
        'scenario': 'baseline',
        'structure': 'holacracy',
        'employees': 200,
        'seed': 1,
        'horizon_days': 90,
        'warmup_days': 30,
        'inquiries': 1479,
        'converted': 676,
        'conversion_rate': 0.4570655848546315,
        'conversion_rate_closed': 0.45861601085481685,
        'lost_price': 223,
        'lost_product': 119,
        'lost_slow': 456,
        'lost_dealer': 0,
        'open_at_end': 5,
        'response_time_mean_h': 2.5341860055169523,
        'response_time_p90_h': 4.515448677915618,
        'decisions': 999,
        'decision_time_mean_h': 2.735224432048054,
        'decision_time_p50_h': 0.9696060401728346,
        'decision_time_p90_h': 4.143036819378153,
        'decisions_open_at_end': 3,
        'conflicts': 359,
        'conflicts_per_100_staff_month': 64.81944444444444,
        'conflicts_open_at_end': 26,
        'conflict_resolution_time_mean_h': 66.59071475384653,
        'revenue': 4321328.203514156,
        'revenue_per_employee': 21606.64101757078,
        'profit': 487262.3047239742,
        'profit_per_employee': 2436.311523619871,
        'dealer_sales': 1215900.0,
        'dealer_sales_lost': 478,
        'coordination_overhead_share': 0.047080834715915225,
        'channel_conflicts': 135,
        'interunit_conflicts': 164,
        'role_conflicts': 60,
        'culture_conflicts': 0,
        'departures': 9,
        'utilization_max': 0.4624785105057337,
        'bottleneck': 'responder in circle ecommerce-2',
        'adaptations': 0,
        'headcount_end': 200,
        'orders_built': 836,
        'orders_shipped': 842,
        'orders_backlog_days': 0.4721869143889851,
        'rnd_backlog_days': 0.1292826779394937,
        'platform_downtime_share': 0.005079667510967786,
        'platform_incidents': 1,
        'inquiries_held_by_downtime': 5,
        'ecommerce_turnover_per_year': 0.0,
        'other_turnover_per_year': 0.21311475409836064,
    }),
    (('baseline', {'organization.structure': 'hybrid', 'horizon_days': 90, 'warmup_days': 30}, 1), {
        'scenario': 'baseline',
        'structure': 'hybrid',
        'employees': 200,
        'seed': 1,
        'horizon_days': 90,
        'warmup_days': 30,
        'inquiries': 1479,
        'converted': 641,
        'conversion_rate': 0.43340094658553074,
        'conversion_rate_closed': 0.4357579877634262,
        'lost_price': 251,
        'lost_product': 66,
        'lost_slow': 513,
        'lost_dealer': 0,
        'open_at_end': 8,
        'response_time_mean_h': 2.8583584849475607,
        'response_time_p90_h': 6.352803440629681,
        'decisions': 1007,
        'decision_time_mean_h': 3.2370133832584878,
        'decision_time_p50_h': 1.3389570941973261,
        'decision_time_p90_h': 7.379024577538371,
        'decisions_open_at_end': 7,
        'conflicts': 335,
        'conflicts_per_100_staff_month': 59.59222769567598,
        'conflicts_open_at_end': 5,
        'conflict_resolution_time_mean_h': 9.783458413611651,
        'revenue': 4175647.7635314353,
        'revenue_per_employee': 20569.69341641101,
        'profit': 509622.1622509343,
        'profit_per_employee': 2510.4540012361294,
        'dealer_sales': 1285200.0,
        'dealer_sales_lost': 467,
        'coordination_overhead_share': 0.01235087851699184,
        'channel_conflicts': 128,
        'interunit_conflicts': 74,
        'role_conflicts': 52,
        'culture_conflicts': 81,
        'departures': 5,
        'utilization_max': 0.4936940269126892,
        'bottleneck': 'responder, pricing in circle ecommerce-2',
        'adaptations': 1,
        'headcount_end': 203,
        'orders_built': 812,
        'orders_shipped': 811,
        'orders_backlog_days': 0.4626901494508814,
        'rnd_backlog_days': 0.33006232834088295,
        'platform_downtime_share': 0.005079667510967786,
        'platform_incidents': 1,
        'inquiries_held_by_downtime': 5,
        'ecommerce_turnover_per_year': 0.0,
        'other_turnover_per_year': 0.11839708561020035,
    }),
    (('yy_company', {}, 3), {
        'scenario': 'yy_company',
        'structure': 'hierarchy',
        'employees': 300,
        'seed': 3,
        'horizon_days': 497,
        'warmup_days': 280,
        'inquiries': 7005,
        'converted': 1008,
        'conversion_rate': 0.14389721627408994,
        'conversion_rate_closed': 0.14404115461560446,
        'lost_price': 4255,
        'lost_product': 358,
        'lost_slow': 1377,
        'lost_dealer': 0,
        'open_at_end': 7,
        'response_time_mean_h': 1.5095041658268302,
        'response_time_p90_h': 3.6805362412998877,
        'decisions': 2051,
        'decision_time_mean_h': 2.0737193823155944,
        'decision_time_p50_h': 0.4624603258298521,
        'decision_time_p90_h': 6.579145302762754,
        'decisions_open_at_end': 3,
        'conflicts': 465,
        'conflicts_per_100_staff_month': 15.373699148533586,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': 1.0325857322756786,
        'revenue': 6854916.416192568,
        'revenue_per_employee': 22698.398729114462,
        'profit': 1372023.3949071062,
        'profit_per_employee': 4543.123824195716,
        'dealer_sales': 11138400.0,
        'dealer_sales_lost': 1760,
        'coordination_overhead_share': 0.003760375886802782,
        'channel_conflicts': 203,
        'interunit_conflicts': 262,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 35,
        'utilization_max': 0.7180920047306941,
        'bottleneck': 'ecommerce staff',
        'adaptations': 1,
        'headcount_end': 302,
        'orders_built': 2128,
        'orders_shipped': 2122,
        'orders_backlog_days': 0.26358259194177563,
        'rnd_backlog_days': 0.3043429690112119,
        'platform_downtime_share': 0.012824507874456728,
        'platform_incidents': 3,
        'inquiries_held_by_downtime': 102,
        'ecommerce_turnover_per_year': 0.0,
        'other_turnover_per_year': 0.14263770024138686,
    }),
    (('validation/queueing', {}, 7), {
        'scenario': 'validation/queueing',
        'structure': 'hierarchy',
        'employees': 60,
        'seed': 7,
        'horizon_days': 400,
        'warmup_days': 20,
        'inquiries': 0,
        'converted': 0,
        'conversion_rate': NAN,
        'conversion_rate_closed': NAN,
        'lost_price': 0,
        'lost_product': 0,
        'lost_slow': 0,
        'lost_dealer': 0,
        'open_at_end': 0,
        'response_time_mean_h': NAN,
        'response_time_p90_h': NAN,
        'decisions': 2414,
        'decision_time_mean_h': 3.0458150146218537,
        'decision_time_p50_h': 2.7137640426785765,
        'decision_time_p90_h': 5.450366531410641,
        'decisions_open_at_end': 2,
        'conflicts': 0,
        'conflicts_per_100_staff_month': 0.0,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': NAN,
        'revenue': 0.0,
        'revenue_per_employee': 0.0,
        'profit': 0.0,
        'profit_per_employee': 0.0,
        'dealer_sales': 0.0,
        'dealer_sales_lost': 0,
        'coordination_overhead_share': 0.027868781870542012,
        'channel_conflicts': 0,
        'interunit_conflicts': 0,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 0,
        'utilization_max': 0.5266231963847844,
        'bottleneck': 'general manager',
        'adaptations': 0,
        'headcount_end': 60,
        'orders_built': 0,
        'orders_shipped': 0,
        'orders_backlog_days': 0.0,
        'rnd_backlog_days': 0.0,
        'platform_downtime_share': 0.0,
        'platform_incidents': 0,
        'inquiries_held_by_downtime': 0,
        'ecommerce_turnover_per_year': 0.0,
        'other_turnover_per_year': 0.0,
    }),
]

# Column sums of the daily DataCollector table (baseline, 60 days from the start, seed 1).
DAILY_SUMS = {
    'hierarchy': {
        'day': 1830.0,
        'inquiries': 42136.0,
        'converted': 19027.0,
        'lost_price': 6737.0,
        'lost_product': 1672.0,
        'lost_slow': 14227.0,
        'lost_dealer': 0.0,
        'open_inquiries': 473.0,
        'conversion_rate': 26.992850372628563,
        'decisions_today': 935.0,
        'decision_time_mean_h': 162.37240526049544,
        'conflicts': 4871.0,
        'conflicts_open': 47.0,
        'backlog': 435.0,
        'revenue': 127308733.79438941,
        'profit': 19020931.7268375,
        'adaptations': 0.0,
        'orders_backlog_days': 31.349722232734102,
    },
    'holacracy': {
        'day': 1830.0,
        'inquiries': 42136.0,
        'converted': 19440.0,
        'lost_price': 5687.0,
        'lost_product': 2116.0,
        'lost_slow': 14250.0,
        'lost_dealer': 0.0,
        'open_inquiries': 643.0,
        'conversion_rate': 27.202902543225715,
        'decisions_today': 924.0,
        'decision_time_mean_h': 240.35401060637886,
        'conflicts': 10941.0,
        'conflicts_open': 3340.0,
        'backlog': 312.0,
        'revenue': 128289704.58976768,
        'profit': 17913938.594964813,
        'adaptations': 0.0,
        'orders_backlog_days': 32.660601915364666,
    },
    'hybrid': {
        'day': 1830.0,
        'inquiries': 42136.0,
        'converted': 18932.0,
        'lost_price': 5845.0,
        'lost_product': 1828.0,
        'lost_slow': 14972.0,
        'lost_dealer': 0.0,
        'open_inquiries': 559.0,
        'conversion_rate': 26.5779005267754,
        'decisions_today': 927.0,
        'decision_time_mean_h': 222.1827376088112,
        'conflicts': 10799.0,
        'conflicts_open': 874.0,
        'backlog': 362.0,
        'revenue': 124520727.52512889,
        'profit': 17818713.52089913,
        'adaptations': 54.0,
        'orders_backlog_days': 32.01951459323813,
    },
}


def _same(actual, expected) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return actual == expected


def _case_id(case) -> str:
    name, overrides, seed = case
    return f"{name}-{'-'.join(f'{k}={v}' for k, v in overrides.items()) or 'default'}-seed{seed}"


@pytest.mark.parametrize(("case", "expected"), PINNED, ids=[_case_id(case) for case, _ in PINNED])
def test_summary_is_pinned(case, expected):
    from sim import OrgModel, load_scenario

    name, overrides, seed = case
    summary = OrgModel(load_scenario(name, dict(overrides)), rng=seed).run()
    assert list(summary) == list(expected)
    different = {k: (summary[k], v) for k, v in expected.items() if not _same(summary[k], v)}
    assert not different, f"changed (actual, pinned): {different}"


@pytest.mark.parametrize("structure", list(DAILY_SUMS))
def test_daily_table_is_pinned(structure):
    from sim import OrgModel, load_scenario

    model = OrgModel(load_scenario("baseline", {"organization.structure": structure, **DAILY_RUN}), rng=1)
    model.run()
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == 60
    sums = {k: float(v) for k, v in table.sum(numeric_only=True).items()}
    different = {k: (sums.get(k), v) for k, v in DAILY_SUMS[structure].items() if not _same(sums.get(k), v)}
    assert not different, f"changed (actual, pinned): {different}"


def test_calendar_shortcut_matches_the_full_computation():
    """Calendar.finish_time remembers a meeting-free stretch: same answers as a fresh calendar."""
    import random

    from sim.calendar import Calendar, Recurrence

    rng = random.Random(11)
    for _ in range(200):
        recurrences = [
            Recurrence(interval, rng.uniform(0, interval), rng.uniform(0.05, 0.5) * interval)
            for interval in rng.sample([8.0, 16.0, 40.0, 80.0, 173.33333333333334, 3.0], rng.randint(1, 3))
        ]
        cached = Calendar(recurrences)
        t = 0.0
        for _ in range(100):
            pick = rng.random()
            if pick < 0.2:  # exactly at, or a hair around, a meeting boundary
                r = rng.choice(recurrences)
                edge = r.next_start(t) + rng.choice([0.0, r.duration_h])
                t = edge + rng.choice([0.0, 1e-12, -1e-12, 1e-9, -1e-9, 1e-7, -1e-7])
            elif pick < 0.3:
                t = max(0.0, t - rng.uniform(0, 20))  # sometimes earlier than before
            else:
                t += rng.expovariate(1.0)
            work = rng.choice([0.0, rng.expovariate(2.0), rng.uniform(0, 30)])
            assert cached.finish_time(t, work) == Calendar(recurrences).finish_time(t, work)


def _recapture() -> str:
    """The PINNED and DAILY_SUMS literals for the code as it is now."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sim import OrgModel, load_scenario

    def literal(value) -> str:
        return "NAN" if isinstance(value, float) and math.isnan(value) else repr(value)

    lines = ["PINNED = ["]
    for (name, overrides, seed), _ in PINNED:
        summary = OrgModel(load_scenario(name, dict(overrides)), rng=seed).run()
        lines.append(f"    (({name!r}, {overrides!r}, {seed}), {{")
        lines += [f"        {k!r}: {literal(v)}," for k, v in summary.items()]
        lines.append("    }),")
    lines += ["]", "", "# Column sums of the daily DataCollector table (baseline, 60 days from the start, seed 1).", "DAILY_SUMS = {"]
    for structure in DAILY_SUMS:
        model = OrgModel(load_scenario("baseline", {"organization.structure": structure, **DAILY_RUN}), rng=1)
        model.run()
        table = model.datacollector.get_model_vars_dataframe()
        lines.append(f"    {structure!r}: {{")
        lines += [f"        {k!r}: {literal(float(v))}," for k, v in table.sum(numeric_only=True).items()]
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(_recapture())
