"""Pinned results: full summaries of a few runs, as literals.

A performance change must not change what a seed produces: run this after
every optimization. The literals were last recaptured for the model of
delegated authority, adaptation and customer patience; the baseline cases
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
        'inquiries': 1451,
        'converted': 587,
        'conversion_rate': 0.4045485871812543,
        'conversion_rate_closed': 0.40650969529085873,
        'lost_price': 300,
        'lost_product': 63,
        'lost_slow': 494,
        'lost_dealer': 0,
        'open_at_end': 7,
        'response_time_mean_h': 2.7914633190241984,
        'response_time_p90_h': 6.5207027378630755,
        'decisions': 999,
        'decision_time_mean_h': 2.830247592061344,
        'decision_time_p50_h': 1.9358197594676767,
        'decision_time_p90_h': 7.228040604916647,
        'decisions_open_at_end': 4,
        'conflicts': 163,
        'conflicts_per_100_staff_month': 29.28413488114981,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': 1.660980761196167,
        'revenue': 3992662.7230761633,
        'revenue_per_employee': 19863.993647145093,
        'profit': 457628.4281949959,
        'profit_per_employee': 2276.7583492288354,
        'coordination_overhead_share': 0.010553250117162757,
        'channel_conflicts': 118,
        'interunit_conflicts': 45,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 8,
        'utilization_max': 0.4732612177904096,
        'bottleneck': 'general manager',
        'adaptations': 1,
        'headcount_end': 201,
    }),
    (('baseline', {'organization.structure': 'holacracy', 'horizon_days': 90, 'warmup_days': 30}, 1), {
        'scenario': 'baseline',
        'structure': 'holacracy',
        'employees': 200,
        'seed': 1,
        'horizon_days': 90,
        'warmup_days': 30,
        'inquiries': 1451,
        'converted': 654,
        'conversion_rate': 0.450723638869745,
        'conversion_rate_closed': 0.45322245322245325,
        'lost_price': 236,
        'lost_product': 112,
        'lost_slow': 441,
        'lost_dealer': 0,
        'open_at_end': 8,
        'response_time_mean_h': 2.5630831534718035,
        'response_time_p90_h': 4.845912668885944,
        'decisions': 996,
        'decision_time_mean_h': 2.7323414496490472,
        'decision_time_p50_h': 0.9440969288574479,
        'decision_time_p90_h': 4.7400598692888565,
        'decisions_open_at_end': 3,
        'conflicts': 379,
        'conflicts_per_100_staff_month': 68.43055555555556,
        'conflicts_open_at_end': 36,
        'conflict_resolution_time_mean_h': 68.35253752474885,
        'revenue': 4359192.524816563,
        'revenue_per_employee': 21795.96262408282,
        'profit': 415205.0624903212,
        'profit_per_employee': 2076.0253124516057,
        'coordination_overhead_share': 0.04702875404392807,
        'channel_conflicts': 132,
        'interunit_conflicts': 168,
        'role_conflicts': 79,
        'culture_conflicts': 0,
        'departures': 7,
        'utilization_max': 0.3512858955166727,
        'bottleneck': 'responder, pricing in circle ecommerce-1',
        'adaptations': 0,
        'headcount_end': 200,
    }),
    (('baseline', {'organization.structure': 'hybrid', 'horizon_days': 90, 'warmup_days': 30}, 1), {
        'scenario': 'baseline',
        'structure': 'hybrid',
        'employees': 200,
        'seed': 1,
        'horizon_days': 90,
        'warmup_days': 30,
        'inquiries': 1451,
        'converted': 635,
        'conversion_rate': 0.4376292212267402,
        'conversion_rate_closed': 0.43944636678200694,
        'lost_price': 262,
        'lost_product': 64,
        'lost_slow': 484,
        'lost_dealer': 0,
        'open_at_end': 6,
        'response_time_mean_h': 2.824993518966315,
        'response_time_p90_h': 6.10942628064555,
        'decisions': 1007,
        'decision_time_mean_h': 3.157333920624589,
        'decision_time_p50_h': 1.3767067800954464,
        'decision_time_p90_h': 7.367370889658093,
        'decisions_open_at_end': 6,
        'conflicts': 307,
        'conflicts_per_100_staff_month': 54.611384783798584,
        'conflicts_open_at_end': 6,
        'conflict_resolution_time_mean_h': 12.359187406364613,
        'revenue': 4272512.104164594,
        'revenue_per_employee': 21046.85765598322,
        'profit': 439109.32531342906,
        'profit_per_employee': 2163.100124696695,
        'coordination_overhead_share': 0.012191838006161158,
        'channel_conflicts': 127,
        'interunit_conflicts': 57,
        'role_conflicts': 58,
        'culture_conflicts': 65,
        'departures': 10,
        'utilization_max': 0.39507003034825583,
        'bottleneck': 'responder, lead_link, boundary in circle ecommerce-1',
        'adaptations': 1,
        'headcount_end': 203,
    }),
    (('yy_company', {}, 3), {
        'scenario': 'yy_company',
        'structure': 'hierarchy',
        'employees': 300,
        'seed': 3,
        'horizon_days': 497,
        'warmup_days': 280,
        'inquiries': 7072,
        'converted': 847,
        'conversion_rate': 0.11976809954751132,
        'conversion_rate_closed': 0.11990373725934315,
        'lost_price': 4347,
        'lost_product': 431,
        'lost_slow': 1439,
        'lost_dealer': 0,
        'open_at_end': 8,
        'response_time_mean_h': 1.580886785944533,
        'response_time_p90_h': 4.054467073147635,
        'decisions': 2151,
        'decision_time_mean_h': 3.0433545988314354,
        'decision_time_p50_h': 2.089119037567798,
        'decision_time_p90_h': 6.950352633007697,
        'decisions_open_at_end': 2,
        'conflicts': 528,
        'conflicts_per_100_staff_month': 17.39897492053353,
        'conflicts_open_at_end': 1,
        'conflict_resolution_time_mean_h': 1.4368312267624288,
        'revenue': 5655703.391112091,
        'revenue_per_employee': 18665.687759445846,
        'profit': 642761.1207489944,
        'profit_per_employee': 2121.323830854767,
        'coordination_overhead_share': 0.004796655496755558,
        'channel_conflicts': 170,
        'interunit_conflicts': 358,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 27,
        'utilization_max': 0.6425295245223085,
        'bottleneck': 'ecommerce staff',
        'adaptations': 2,
        'headcount_end': 303,
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
        'decision_time_mean_h': 3.037390666115131,
        'decision_time_p50_h': 2.635527401379349,
        'decision_time_p90_h': 5.597210728550845,
        'decisions_open_at_end': 1,
        'conflicts': 0,
        'conflicts_per_100_staff_month': 0.0,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': NAN,
        'revenue': 0.0,
        'revenue_per_employee': 0.0,
        'profit': 0.0,
        'profit_per_employee': 0.0,
        'coordination_overhead_share': 0.027868494652027856,
        'channel_conflicts': 0,
        'interunit_conflicts': 0,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 0,
        'utilization_max': 0.5264608760351035,
        'bottleneck': 'general manager',
        'adaptations': 0,
        'headcount_end': 60,
    }),
]

# Column sums of the daily DataCollector table (baseline, 60 days from the start, seed 1).
DAILY_SUMS = {
    'hierarchy': {
        'day': 1830.0,
        'inquiries': 44022.0,
        'converted': 18911.0,
        'lost_price': 8699.0,
        'lost_product': 1845.0,
        'lost_slow': 14075.0,
        'lost_dealer': 0.0,
        'open_inquiries': 492.0,
        'conversion_rate': 25.408536887733455,
        'decisions_today': 966.0,
        'decision_time_mean_h': 171.50883385746823,
        'conflicts': 5139.0,
        'conflicts_open': 44.0,
        'backlog': 369.0,
        'revenue': 126840706.54395498,
        'profit': 14353970.091598142,
        'adaptations': 57.0,
    },
    'holacracy': {
        'day': 1830.0,
        'inquiries': 44022.0,
        'converted': 20096.0,
        'lost_price': 6698.0,
        'lost_product': 1910.0,
        'lost_slow': 14698.0,
        'lost_dealer': 0.0,
        'open_inquiries': 620.0,
        'conversion_rate': 26.44946281476465,
        'decisions_today': 959.0,
        'decision_time_mean_h': 250.15588558667213,
        'conflicts': 11233.0,
        'conflicts_open': 3429.0,
        'backlog': 236.0,
        'revenue': 132969690.6769985,
        'profit': 13094292.261650998,
        'adaptations': 0.0,
    },
    'hybrid': {
        'day': 1830.0,
        'inquiries': 44022.0,
        'converted': 19417.0,
        'lost_price': 7457.0,
        'lost_product': 1586.0,
        'lost_slow': 14980.0,
        'lost_dealer': 0.0,
        'open_inquiries': 582.0,
        'conversion_rate': 26.35963548937329,
        'decisions_today': 965.0,
        'decision_time_mean_h': 229.04343506546624,
        'conflicts': 11335.0,
        'conflicts_open': 889.0,
        'backlog': 374.0,
        'revenue': 129524163.23803036,
        'profit': 13858117.71617636,
        'adaptations': 51.0,
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
