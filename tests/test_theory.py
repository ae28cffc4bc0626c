"""The model against theory: Jackson networks, meeting waits, Sah-Stiglitz screening, and direction checks."""

import numpy as np
import pytest

from sim import theory
from sim.calendar import Calendar, Recurrence
from sim.metrics import measured_decisions
from sim.validation import validation_model
from tests.conftest import run_model

SEEDS = (1, 2, 3, 4)


def _validation_runs(structure, span, employees, rate, service, days=3000, **extra):
    return [validation_model(structure, span, employees, rate, service, days, seed, **extra) for seed in SEEDS]


def _pooled_mean_decision_time(models):
    times = []
    for model in models:
        model.run()
        times += [d.decided_h - d.created_h for d in measured_decisions(model)]
    return float(np.mean(times)), len(times)


@pytest.mark.parametrize(
    "span, employees, rate, service",
    [
        (2, 31, 0.05, 1.9),  # deep and narrow
        (3, 40, 0.05, 2.5),
        (4, 60, 0.02, 1.5),
        (7, 200, 0.01, 2.6),  # the GM near rho = 0.76
        (10, 120, 0.02, 3.0),  # wide spans, busy first-line managers
    ],
)
def test_hierarchy_decision_time_matches_jackson_network(span, employees, rate, service):
    models = _validation_runs("hierarchy", span, employees, rate, service)
    requesters = models[0].source.requesters
    assert theory.max_utilization(requesters, rate, service) <= 0.8
    expected = theory.hierarchy_expected_decision_time(requesters, rate, service)
    simulated, count = _pooled_mean_decision_time(models)
    assert count > 10_000
    assert simulated == pytest.approx(expected, rel=0.05)


class _QueueSampler:
    """Samples one employee's backlog at a fixed interval (kept referenced by the test)."""

    def __init__(self, model, employee, every_h):
        self.model, self.employee, self.every_h, self.samples = model, employee, every_h, []
        model.schedule_at(every_h, self.sample)

    def sample(self, _=None):
        self.samples.append(self.employee.backlog)
        self.model.schedule_at(self.model.time + self.every_h, self.sample)


def test_littles_law_holds_at_the_general_manager():
    (model, *_) = _validation_runs("hierarchy", 4, 60, 0.02, 1.5, days=3000)
    top = model.units["management"].members[0]
    sampler = _QueueSampler(model, top, every_h=0.37)
    model.run()
    at_top = [d for d in model.decisions if d.decided_h is not None and d.deciders[-1] == top.unique_id]
    arrival_rate = len(at_top) / model.time  # lambda, measured
    sojourn = float(np.mean([d.decided_h - d.hop_entered_h for d in at_top]))  # W, measured
    in_system = float(np.mean(sampler.samples))  # L, measured
    assert in_system == pytest.approx(arrival_rate * sojourn, rel=0.05)
    # ...and both agree with the M/M/1 station the GM is.
    assert sojourn == pytest.approx(theory.mm1_sojourn(arrival_rate, 1.5), rel=0.05)


@pytest.mark.parametrize("interval_days", [1.0, 5.0, 10.0])
def test_holacracy_meeting_wait_is_half_the_cycle(interval_days):
    models = _validation_runs("holacracy", 4, 60, 0.02, 1.5, days=2000, **{"holacracy.tactical_interval_days": interval_days})
    simulated, count = _pooled_mean_decision_time(models)
    assert count > 5_000
    assert simulated == pytest.approx(theory.meeting_wait(interval_days * 8), rel=0.05)


@pytest.mark.parametrize("p", [0.7, 0.9])
def test_a_chain_of_screeners_accepts_good_requests_with_p_to_the_n(p):
    # Every PRICE request is good and needs the top: it passes each manager on its chain.
    approved_by_length, total_by_length = {}, {}
    for seed in SEEDS:
        model = run_model(
            seed=seed,
            horizon_days=120,
            organization__span_of_control=3,
            policies__pricing_authority="top",
            decisions__screen_accept_good=p,
            decisions__manager_decisions_per_hour=50.0,
            work__profitable_discount=1.0,
            work__max_discount=1.0,
            market__customized_share=0.0,
        )
        for decision in model.decisions:
            if decision.decided_h is None:
                continue
            n = len(decision.path)
            total_by_length[n] = total_by_length.get(n, 0) + 1
            approved_by_length[n] = approved_by_length.get(n, 0) + (decision.outcome == "approved")
    assert len(total_by_length) >= 2  # staff sit at different depths
    for n, total in total_by_length.items():
        if total < 300:
            continue
        expected = theory.hierarchy_acceptance(p, n)
        standard_error = (expected * (1 - expected) / total) ** 0.5
        assert approved_by_length[n] / total == pytest.approx(expected, abs=4 * standard_error)


def test_sah_stiglitz_formulas():
    assert theory.hierarchy_acceptance(0.9, 3) == pytest.approx(0.729)
    assert theory.polyarchy_acceptance(0.9, 3) == pytest.approx(0.999)
    assert theory.hierarchy_acceptance(0.5, 1) == theory.polyarchy_acceptance(0.5, 1)


def test_a_deeper_hierarchy_decides_slower_at_equal_load():
    deep = _pooled_mean_decision_time(_validation_runs("hierarchy", 2, 120, 0.01, 3.0, days=1000))[0]
    flat = _pooled_mean_decision_time(_validation_runs("hierarchy", 12, 120, 0.01, 3.0, days=1000))[0]
    assert deep > 1.5 * flat


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
