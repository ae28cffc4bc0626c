"""Guarding one run's resources: how many events a scenario asks for, and progress while it runs.

A run keeps a record of every inquiry and decision, so its memory grows with
its events: a scenario that asks for billions of them (a validation queue
with 10,000 requests an hour) would fill the machine before it said a word.
`orgsim run` estimates the events from the scenario alone and refuses more
than `EVENT_LIMIT` unless `--force`.
"""

from __future__ import annotations

import math
import sys

from sim.calendar import WORKING_HOURS_PER_DAY
from sim.scenario import Scenario

# About 1.5 GB of records at some 500 bytes an event (measured on baseline at 200 and 2,000 staff); the
# flagship sweep's largest company (5,000 staff, 380 days) asks for about 0.7 million.
EVENT_LIMIT = 3_000_000
# Events an inquiry causes on average: its arrival, its answer, the hops of its decision if it needs one.
EVENTS_PER_INQUIRY = 3


def expected_events(scenario: Scenario) -> float:
    """The number of events a run of `scenario` will roughly process (its inquiries or requests, their hops)."""
    days = scenario.horizon_days
    hours = scenario.horizon_hours
    employees = scenario.organization.employees
    validation = scenario.validation
    daily = days * 4  # the daily pass, meetings, the warm-up's end: a handful a day
    if validation is None:
        market = scenario.market
        per_day = (
            market.inquiries_per_employee_day * employees if market.inquiry_rate_mode == "per_employee"
            else market.inquiries_per_day
        )
        return per_day * days * EVENTS_PER_INQUIRY + daily
    if validation.kind == "abandonment":  # one stream for the shared queue: an arrival, then a service or a departure
        return validation.request_rate_per_hour * hours * 2 + daily
    # Every employee but the top sends requests, and each climbs the hierarchy one hop per level.
    levels = max(1, math.ceil(math.log(employees) / math.log(scenario.organization.span_of_control)))
    return validation.request_rate_per_hour * (employees - 1) * hours * (1 + levels) + daily


def too_many_events(scenario: Scenario, limit: int = EVENT_LIMIT) -> str | None:
    """One line saying why a run of `scenario` is refused (the estimate, the limit, --force); None if it is not."""
    estimate = expected_events(scenario)
    if estimate <= limit:
        return None
    return (
        f"{scenario.name}: about {estimate:,.0f} events expected, more than the limit of {limit:,} "
        "(memory grows with every event); add --force to run it anyway"
    )


def run_with_progress(model, show: bool) -> dict:
    """Run `model` to its horizon and return its summary; with `show`, a progress bar by day on stderr.

    The run goes in day-long spans (`run_until` each day's end), which processes the very same events
    as one span to the horizon: the results do not depend on the bar.
    """
    if not show:
        return model.run()
    from tqdm import tqdm

    days = model.params.horizon_days
    # delay: a run shorter than a second shows no bar at all.
    with tqdm(total=days, unit="day", file=sys.stderr, delay=1.0, leave=False, desc=model.params.name) as bar:
        for day in range(1, days + 1):
            model.run_until(day * WORKING_HOURS_PER_DAY)
            bar.update(1)
    return model.summary()
