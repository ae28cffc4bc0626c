"""Pinned results: full summaries of a few runs, as literals.

A performance change must not change what a seed produces: run this after
every optimization. The literals were captured from commit e06bd12, before
the performance work of issue 4 changed any simulation code. A deliberate
*model* change does alter them: then recapture with

    .venv/bin/python tests/test_pinned.py > /tmp/pins.py

and paste the printed literals over PINNED and DAILY_SUMS, saying so in the commit.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

NAN = math.nan

PINNED = [
    (('baseline', {'organization.structure': 'hierarchy', 'horizon_days': 60}, 1), {
        'scenario': 'baseline',
        'structure': 'hierarchy',
        'employees': 200,
        'seed': 1,
        'horizon_days': 60,
        'inquiries': 1445,
        'converted': 705,
        'conversion_rate': 0.4989384288747346,
        'lost_price': 298,
        'lost_product': 124,
        'lost_slow': 286,
        'lost_dealer': 0,
        'open_at_end': 32,
        'response_time_mean_h': 8.701071802753884,
        'response_time_p90_h': 22.43155990637999,
        'decisions': 992,
        'decision_time_mean_h': 10.782258016217348,
        'decision_time_p50_h': 8.605220045400984,
        'decision_time_p90_h': 22.178737695896906,
        'decisions_open_at_end': 32,
        'conflicts': 191,
        'conflicts_per_100_staff_month': 34.486111111111114,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': 2.0088964401568927,
        'revenue': 4656327.792421167,
        'revenue_per_employee': 23281.638962105833,
        'coordination_overhead_share': 0.01220090291458385,
        'channel_conflicts': 139,
        'interunit_conflicts': 52,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 2,
    }),
    (('baseline', {'organization.structure': 'holacracy', 'horizon_days': 60}, 1), {
        'scenario': 'baseline',
        'structure': 'holacracy',
        'employees': 200,
        'seed': 1,
        'horizon_days': 60,
        'inquiries': 1445,
        'converted': 768,
        'conversion_rate': 0.5370629370629371,
        'lost_price': 240,
        'lost_product': 207,
        'lost_slow': 215,
        'lost_dealer': 0,
        'open_at_end': 15,
        'response_time_mean_h': 7.075423296549343,
        'response_time_p90_h': 27.205744753785183,
        'decisions': 983,
        'decision_time_mean_h': 8.602754947994038,
        'decision_time_p50_h': 0.8556186429394756,
        'decision_time_p90_h': 30.611762375980575,
        'decisions_open_at_end': 13,
        'conflicts': 404,
        'conflicts_per_100_staff_month': 72.94444444444444,
        'conflicts_open_at_end': 116,
        'conflict_resolution_time_mean_h': 76.72640456401938,
        'revenue': 5054985.030890145,
        'revenue_per_employee': 25274.925154450728,
        'coordination_overhead_share': 0.04252169433648026,
        'channel_conflicts': 150,
        'interunit_conflicts': 198,
        'role_conflicts': 56,
        'culture_conflicts': 0,
        'departures': 2,
    }),
    (('baseline', {'organization.structure': 'hybrid', 'horizon_days': 60}, 1), {
        'scenario': 'baseline',
        'structure': 'hybrid',
        'employees': 200,
        'seed': 1,
        'horizon_days': 60,
        'inquiries': 1445,
        'converted': 788,
        'conversion_rate': 0.5498953244940684,
        'lost_price': 245,
        'lost_product': 156,
        'lost_slow': 244,
        'lost_dealer': 0,
        'open_at_end': 12,
        'response_time_mean_h': 7.268563911696305,
        'response_time_p90_h': 26.78118317969415,
        'decisions': 1013,
        'decision_time_mean_h': 8.614852224305665,
        'decision_time_p50_h': 2.072191517613362,
        'decision_time_p90_h': 29.447599368604404,
        'decisions_open_at_end': 11,
        'conflicts': 331,
        'conflicts_per_100_staff_month': 59.76388888888889,
        'conflicts_open_at_end': 22,
        'conflict_resolution_time_mean_h': 11.462419763234792,
        'revenue': 5164812.095153745,
        'revenue_per_employee': 25824.060475768725,
        'coordination_overhead_share': 0.009806349143565095,
        'channel_conflicts': 155,
        'interunit_conflicts': 53,
        'role_conflicts': 61,
        'culture_conflicts': 62,
        'departures': 6,
    }),
    (('yy_company', {}, 3), {
        'scenario': 'yy_company',
        'structure': 'hierarchy',
        'employees': 300,
        'seed': 3,
        'horizon_days': 217,
        'inquiries': 6978,
        'converted': 991,
        'conversion_rate': 0.1437064965197216,
        'lost_price': 4678,
        'lost_product': 755,
        'lost_slow': 472,
        'lost_dealer': 0,
        'open_at_end': 82,
        'response_time_mean_h': 8.8412611762416,
        'response_time_p90_h': 17.633120361607666,
        'decisions': 1872,
        'decision_time_mean_h': 2.0352787488525865,
        'decision_time_p50_h': 1.4940957411104563,
        'decision_time_p90_h': 4.551898414735689,
        'decisions_open_at_end': 2,
        'conflicts': 467,
        'conflicts_per_100_staff_month': 15.542754736303122,
        'conflicts_open_at_end': 1,
        'conflict_resolution_time_mean_h': 1.6226595697924184,
        'revenue': 6738092.0800805045,
        'revenue_per_employee': 22460.30693360168,
        'coordination_overhead_share': 0.004365496709421999,
        'channel_conflicts': 195,
        'interunit_conflicts': 272,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 25,
    }),
    (('validation/queueing', {}, 7), {
        'scenario': 'validation/queueing',
        'structure': 'hierarchy',
        'employees': 60,
        'seed': 7,
        'horizon_days': 400,
        'inquiries': 0,
        'converted': 0,
        'conversion_rate': NAN,
        'lost_price': 0,
        'lost_product': 0,
        'lost_slow': 0,
        'lost_dealer': 0,
        'open_at_end': 0,
        'response_time_mean_h': NAN,
        'response_time_p90_h': NAN,
        'decisions': 2590,
        'decision_time_mean_h': 2.581039583200376,
        'decision_time_p50_h': 2.262927596908412,
        'decision_time_p90_h': 4.863610130774577,
        'decisions_open_at_end': 2,
        'conflicts': 0,
        'conflicts_per_100_staff_month': 0.0,
        'conflicts_open_at_end': 0,
        'conflict_resolution_time_mean_h': NAN,
        'revenue': 0.0,
        'revenue_per_employee': 0.0,
        'coordination_overhead_share': 0.024967363182031254,
        'channel_conflicts': 0,
        'interunit_conflicts': 0,
        'role_conflicts': 0,
        'culture_conflicts': 0,
        'departures': 0,
    }),
]

# Column sums of the daily DataCollector table (baseline, 60 days, seed 1).
DAILY_SUMS = {
    'hierarchy': {
        'day': 1830.0,
        'inquiries': 44345.0,
        'converted': 22589.0,
        'lost_price': 9579.0,
        'lost_product': 4281.0,
        'lost_slow': 6294.0,
        'lost_dealer': 0.0,
        'open_inquiries': 1602.0,
        'conversion_rate': 32.607587461801586,
        'decisions_today': 992.0,
        'decision_time_mean_h': 624.0884731549804,
        'conflicts': 6065.0,
        'conflicts_open': 47.0,
        'backlog': 1649.0,
        'revenue': 148129103.9006695,
    },
    'holacracy': {
        'day': 1830.0,
        'inquiries': 44345.0,
        'converted': 22445.0,
        'lost_price': 7442.0,
        'lost_product': 6011.0,
        'lost_slow': 7371.0,
        'lost_dealer': 0.0,
        'open_inquiries': 1076.0,
        'conversion_rate': 31.36418967238828,
        'decisions_today': 983.0,
        'decision_time_mean_h': 331.74493944054353,
        'conflicts': 11593.0,
        'conflicts_open': 3815.0,
        'backlog': 217.0,
        'revenue': 148192198.63958573,
    },
    'hybrid': {
        'day': 1830.0,
        'inquiries': 44345.0,
        'converted': 23139.0,
        'lost_price': 7427.0,
        'lost_product': 4706.0,
        'lost_slow': 7957.0,
        'lost_dealer': 0.0,
        'open_inquiries': 1116.0,
        'conversion_rate': 31.783565175247666,
        'decisions_today': 1013.0,
        'decision_time_mean_h': 352.9443414180832,
        'conflicts': 9524.0,
        'conflicts_open': 688.0,
        'backlog': 409.0,
        'revenue': 151333316.86470813,
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

    model = OrgModel(load_scenario("baseline", {"organization.structure": structure, "horizon_days": 60}), rng=1)
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
    lines += ["]", "", "# Column sums of the daily DataCollector table (baseline, 60 days, seed 1).", "DAILY_SUMS = {"]
    for structure in DAILY_SUMS:
        model = OrgModel(load_scenario("baseline", {"organization.structure": structure, "horizon_days": 60}), rng=1)
        model.run()
        table = model.datacollector.get_model_vars_dataframe()
        lines.append(f"    {structure!r}: {{")
        lines += [f"        {k!r}: {literal(float(v))}," for k, v in table.sum(numeric_only=True).items()]
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(_recapture())
