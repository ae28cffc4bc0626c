"""Checks of the validation mode against queueing theory: Jackson networks, Little's law, meeting waits.

In the validation scenario (`scenarios/validation/queueing.toml`) the model is
a pure queueing network: Poisson requests from every employee without
reports, each decider one FIFO server with exponential service. A hierarchy
then is a Jackson network and a holacracy's requests wait for meetings, so
the figures the model measures have closed forms (`sim.theory`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from sim import theory
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.summary import measured_decisions
from sim.validation.registry import CHECKS, SEEDS, Check, CheckResult, check, relative_result, scenario_model

# (span of control, employees, requests per requester-hour, manager decisions per hour)
# of the bundled validation/queueing scenario.
BUNDLED_SETTING = (4, 60, 0.02, 1.5)


def validation_model(
    structure: str, span: int, employees: int, rate: float, service: float, days: int, seed: int, **extra
):
    """A validation-mode model (pure queueing network) of the given shape and rates."""
    overrides = {
        "organization.structure": structure,
        "organization.span_of_control": span,
        "organization.employees": employees,
        "validation.request_rate_per_hour": rate,
        "validation.manager_service_rate_per_hour": service,
        "horizon_days": days,
        **extra,
    }
    return scenario_model("validation/queueing", overrides, seed)


def pooled_decision_times(
    structure: str, span: int, employees: int, rate: float, service: float, days: int, **extra
) -> tuple[list[float], list]:
    """Decision times (after the warm-up) of validation models run on every seed, and the last model's requesters.

    The requesters are those of one model only: the organization chart does
    not depend on the seed, and the theory needs only its shape.
    """
    times: list[float] = []
    requesters: list = []
    for seed in SEEDS:
        model = validation_model(structure, span, employees, rate, service, days, seed, **extra)
        model.run()
        requesters = model.source.requesters
        times += [d.decided_h - d.created_h for d in measured_decisions(model)]
    return times, requesters


def _failed(result: CheckResult, reason: str | None) -> CheckResult:
    """`result`, or `result` failed with `reason` as its tolerance when the run cannot tell (too few decisions, say)."""
    return result if reason is None else replace(result, tolerance=reason, passed=False)


def _too_few(count: int, minimum: int) -> str | None:
    return None if count > minimum else f"only {count:,} decisions (needs more than {minimum:,})"


# --------------------------------------------------------------------------- Jackson network

# Every setting keeps the busiest manager at utilization <= 0.8.
JACKSON_SETTINGS = (
    (2, 31, 0.05, 1.9),  # deep and narrow
    BUNDLED_SETTING,
    (7, 200, 0.01, 2.6),  # a larger company
    (10, 120, 0.02, 3.0),  # wide spans, busy first-line managers
)
# Near saturation a queue's mean settles slowly (its relaxation time grows like
# 1 / (1 - rho)**2): beyond this the horizons here are too short for a 5% tolerance.
MAX_UTILIZATION = 0.8
# Fewer pooled decisions leave the mean too noisy for the 5% tolerance.
MIN_JACKSON_DECISIONS = 10_000


def jackson_network(span: int, employees: int, rate: float, service: float, days: int = 3000) -> CheckResult:
    """Mean decision time of the validation hierarchy vs sum over each path of 1/(mu - lambda_m)."""
    name = f"Jackson network: span {span}, {employees} staff, lambda {rate}/h, mu {service}/h"
    times, requesters = pooled_decision_times("hierarchy", span, employees, rate, service, days)
    utilization = theory.max_utilization(requesters, rate, service)
    expected = theory.hierarchy_expected_decision_time(requesters, rate, service)
    result = relative_result(name, float(np.mean(times)), expected, unit=" h", note=f"rho max {utilization:.2f}")
    if utilization > MAX_UTILIZATION:  # outside the setting the check is meant for
        return _failed(result, f"rho max {utilization:.2f} > {MAX_UTILIZATION}")
    return _failed(result, _too_few(len(times), MIN_JACKSON_DECISIONS))


for _span, _employees, _rate, _service in JACKSON_SETTINGS:
    CHECKS.append(
        Check(
            f"Jackson network: span {_span}, {_employees} staff",
            partial(jackson_network, _span, _employees, _rate, _service),
        )
    )


# --------------------------------------------------------------------------- Little's law


class BacklogSampler:
    """Samples one employee's backlog (waiting plus in service) every `every_h` hours.

    The model calls `sample` through `schedule_at`; whoever creates the
    sampler keeps a reference to it until the run ends.
    """

    def __init__(self, model, employee, every_h: float):
        self.model, self.employee, self.every_h = model, employee, every_h
        self.samples: list[int] = []
        model.schedule_at(every_h, self.sample)

    def sample(self, _=None) -> None:
        self.samples.append(self.employee.backlog)
        self.model.schedule_at(self.model.time + self.every_h, self.sample)


@dataclass(frozen=True, slots=True)
class StationFigures:
    """The three sides of Little's law at one station, each measured on its own."""

    arrival_rate: float  # lambda: decisions per hour that ended at the station
    sojourn: float  # W: hours from reaching the station to the decision
    in_system: float  # L: mean sampled backlog, waiting plus in service


def general_manager_figures(days: int = 3000, seed: int = SEEDS[0]) -> StationFigures:
    """Lambda, W and L at the general manager of the bundled validation hierarchy."""
    model = validation_model("hierarchy", *BUNDLED_SETTING, days=days, seed=seed)
    top = model.units["management"].members[0]
    sampler = BacklogSampler(model, top, every_h=0.37)  # not a divisor of the 8 h day: no aliasing
    model.run()
    at_top = [d for d in model.decisions if d.decided_h is not None and d.deciders and d.deciders[-1] == top.unique_id]
    return StationFigures(
        arrival_rate=len(at_top) / model.time,
        sojourn=float(np.mean([d.decided_h - d.hop_entered_h for d in at_top])),
        in_system=float(np.mean(sampler.samples)),
    )


@check("Little's law at the general manager")
def littles_law() -> CheckResult:
    """L (sampled backlog of the GM) vs lambda (measured arrivals) x W (measured sojourn at the GM)."""
    gm = general_manager_figures()
    expected = gm.arrival_rate * gm.sojourn
    result = relative_result("Little's law at the general manager", gm.in_system, expected)
    return replace(
        result,
        simulated=f"L = {gm.in_system:.3f}",
        expected=f"{gm.arrival_rate:.3f}/h x {gm.sojourn:.3f} h = {expected:.3f}",
    )


# --------------------------------------------------------------------------- holacracy meetings

TACTICAL_INTERVAL_DAYS = 5.0
# Fewer pooled decisions leave the mean too noisy for the 5% tolerance.
MIN_MEETING_DECISIONS = 5_000


@check("Holacracy: tension waits T/2 for the meeting")
def holacracy_meeting_wait(interval_days: float = TACTICAL_INTERVAL_DAYS, days: int = 2000) -> CheckResult:
    """Validation scenario under holacracy: every request waits for its circle's next tactical meeting."""
    extra = {"holacracy.tactical_interval_days": interval_days}
    times, _ = pooled_decision_times("holacracy", *BUNDLED_SETTING, days, **extra)
    interval_h = interval_days * WORKING_HOURS_PER_DAY
    result = relative_result(
        f"Holacracy: tension waits T/2 (T = {interval_h:g} h)",
        float(np.mean(times)),
        theory.meeting_wait(interval_h),
        unit=" h",
    )
    return _failed(result, _too_few(len(times), MIN_MEETING_DECISIONS))


# --------------------------------------------------------------------------- Erlang-A

# (servers c, requests per hour in all, service rate mu, mean patience): loads 0.6, 1.0 and 1.6 per server.
ERLANG_A_SETTINGS = ((5, 3.0, 1.0, 1.0), (5, 5.0, 1.0, 1.0), (5, 8.0, 1.0, 1.0))
MIN_ABANDONED = 2_000  # fewer leave the abandonment share too noisy for the 5% tolerance


def erlang_a_abandonment(servers: int, rate: float, service: float, patience_h: float, days: int = 3000) -> CheckResult:
    """The shared inbox with impatient customers (validation/abandonment) vs Erlang-A's P(abandon)."""
    overrides = {
        "validation.servers": servers,
        "validation.request_rate_per_hour": rate,
        "validation.manager_service_rate_per_hour": service,
        "validation.patience_mean_h": patience_h,
        "horizon_days": days,
    }
    arrived = abandoned = 0
    for seed in SEEDS:
        summary = scenario_model("validation/abandonment", overrides, seed).run()
        arrived += summary["inquiries"]
        abandoned += summary["abandoned"]
    expected = theory.erlang_a(rate, service, servers, 1.0 / patience_h)["p_abandon"]
    load = rate / (servers * service)
    result = relative_result(
        f"Erlang-A: c {servers}, lambda {rate:g}/h, mu {service:g}/h, patience {patience_h:g} h",
        abandoned / arrived,
        expected,
        note=f"rho {load:.1f}; {abandoned:,} of {arrived:,} left",
    )
    return _failed(result, None if abandoned >= MIN_ABANDONED else f"only {abandoned:,} abandoned (needs {MIN_ABANDONED:,})")


for _setting in ERLANG_A_SETTINGS:
    CHECKS.append(Check(f"Erlang-A abandonment: load {_setting[1] / (_setting[0] * _setting[2]):.1f}",
                        partial(erlang_a_abandonment, *_setting)))
