"""The model against theory: every `orgsim validate` check, the same checks on more settings, and what they leave out.

A check's logic lives once, in `sim.validation`: the tests here run the
registered checks and the same check functions on further settings, and add
only what no check covers (formulas, the calendar, directions).
"""

from functools import partial
from itertools import product

import numpy as np
import pytest

from sim import theory, validation
from sim.calendar import Calendar, Recurrence
from sim.validation import queueing, screening
from tests.conftest import run_model

# The same check functions on settings the registry does not run; the registry
# already runs Jackson spans 2, 4, 7 and 10, a 5-day meeting cycle, p = 0.9 (hierarchy), p = 0.5 (polyarchy)
# and p = 0.9 with quorum 0.5 (committee).
MORE_SETTINGS = [
    validation.Check("Jackson network: span 3, 40 staff", partial(queueing.jackson_network, 3, 40, 0.05, 2.5)),
    validation.Check("Holacracy: meetings every day", partial(queueing.holacracy_meeting_wait, 1.0)),
    validation.Check("Holacracy: meetings every 10 days", partial(queueing.holacracy_meeting_wait, 10.0)),
    validation.Check("Sah-Stiglitz: p = 0.7", partial(screening.sah_stiglitz, 0.7)),
    validation.Check("Sah-Stiglitz polyarchy: p = 0.3", partial(screening.polyarchy, 0.3)),
    # Quorum 0.75 rounds up unevenly (2 of 2, 3 of 3, 3 of 4, 4 of 5): a wrong rounding fails a row.
    validation.Check("Sah-Stiglitz committee: quorum 0.75, p = 0.7", partial(screening.committee, 0.7, 0.75)),
]


@pytest.mark.parametrize("item", [*validation.CHECKS, *MORE_SETTINGS], ids=lambda item: item.name)
def test_check_passes(item):
    rows = validation.run_check(item)
    assert rows and all(row.passed for row in rows), "\n" + validation.format_table(rows)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.9, 1.0])
@pytest.mark.parametrize("n", range(1, 7))
def test_aggregation_formulas_against_enumeration(n, p):
    # Every pattern of n independent accept/reject judgements, weighted by its probability.
    accepted_by = {}  # number of acceptances -> probability
    for votes in product((True, False), repeat=n):
        k = sum(votes)
        accepted_by[k] = accepted_by.get(k, 0.0) + p**k * (1 - p) ** (n - k)
    assert sum(accepted_by.values()) == pytest.approx(1.0)
    assert theory.hierarchy_acceptance(p, n) == pytest.approx(accepted_by.get(n, 0.0), abs=1e-12)
    assert theory.polyarchy_acceptance(p, n) == pytest.approx(1 - accepted_by.get(0, 0.0), abs=1e-12)
    for needed in range(1, n + 1):
        tail = sum(prob for k, prob in accepted_by.items() if k >= needed)
        assert theory.committee_acceptance(p, n, needed) == pytest.approx(tail, abs=1e-12)


def test_the_general_manager_is_an_mm1_station():
    # Little's law holds for any station (the registered check); the GM of a Jackson network is also M/M/1.
    gm = queueing.general_manager_figures()
    service = queueing.BUNDLED_SETTING[3]
    assert gm.sojourn == pytest.approx(theory.mm1_sojourn(gm.arrival_rate, service), rel=0.05)


def test_sah_stiglitz_formulas():
    assert theory.hierarchy_acceptance(0.9, 3) == pytest.approx(0.729)
    assert theory.polyarchy_acceptance(0.9, 3) == pytest.approx(0.999)
    assert theory.hierarchy_acceptance(0.5, 1) == theory.polyarchy_acceptance(0.5, 1)


def test_a_deeper_hierarchy_decides_slower_at_equal_load():
    deep, deep_requesters = queueing.pooled_decision_times("hierarchy", 2, 120, 0.01, 3.0, days=1000)
    flat, flat_requesters = queueing.pooled_decision_times("hierarchy", 12, 120, 0.01, 3.0, days=1000)
    expected = theory.hierarchy_expected_decision_time(deep_requesters, 0.01, 3.0) / theory.hierarchy_expected_decision_time(
        flat_requesters, 0.01, 3.0
    )
    assert expected > 1.3
    assert np.mean(deep) / np.mean(flat) == pytest.approx(expected, rel=0.05)


def test_holacracy_meeting_overhead_grows_with_meetings():
    rare = run_model(organization__structure="holacracy", horizon_days=60, holacracy__tactical_interval_days=10).summary()
    often = run_model(organization__structure="holacracy", horizon_days=60, holacracy__tactical_interval_days=2).summary()
    assert often["coordination_overhead_share"] > rare["coordination_overhead_share"] + 0.01


def test_work_pauses_for_meetings():
    weekly = Recurrence(interval_h=40, offset_h=10, duration_h=2)
    calendar = Calendar([weekly])
    assert calendar.finish_time(0, 5) == 5  # done before the meeting
    assert calendar.finish_time(8, 4) == 14  # 2 h, a 2 h meeting, 2 h
    assert calendar.finish_time(10.5, 1) == 13  # starts when the meeting ends
    assert calendar.finish_time(0, 85) == 89  # two meetings skipped
    assert calendar.hours_until(100) == 6


def test_work_starting_as_a_meeting_starts_is_not_stuck_on_rounding():
    side_work = Recurrence(interval_h=8, offset_h=8 - 2.4, duration_h=2.4)
    calendar = Calendar([side_work])
    start = side_work.offset_h + side_work.interval_h  # 13.6 up to rounding
    assert calendar.finish_time(start, 1.0) == pytest.approx(start + 2.4 + 1.0)
    assert calendar.finish_time(0.0, 20.0) == pytest.approx(20.0 + 3 * 2.4)
