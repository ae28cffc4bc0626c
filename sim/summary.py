"""The headline metrics of a run (`metrics.METRICS`), taken after the warm-up and never censored.

Every metric counts what began after the warm-up (`warmup_days`): the
inquiries that arrived, the decisions and conflicts that were opened, the
hours worked. Nothing improves because work is left unfinished:

- conversion is over every inquiry that arrived; one still open counts as not
  converted (`conversion_rate_closed` is the share of the closed ones);
- a response, decision or resolution time counts every item: one still open
  at the end counts at its age then, and an inquiry whose customer walked away
  at the time it left (lower bounds, so that saturation can only raise them);
- revenue and profit are sums over the inquiries (`Inquiry.revenue`,
  `Inquiry.profit`: a sale's margin after its discount and the dealer's share,
  or a failed customization's cost), per employee over the headcount now;
  revenue stays the online channel's, and profit adds our margin on the
  dealers' offline sales of the days that ended after the warm-up, which
  `dealer_sales` (revenue at the wholesale price) and `dealer_sales_lost`
  (offline customers switched to competitors) report (`sim.dealers`);
- `utilization_max` is the highest busy share of any one person (work hours
  over the hours their calendar left them) or circle (tension time asked of
  its tactical meetings over their length), and `bottleneck` says who that is;
- the units' own work (`sim.operations`): orders built and shipped after the
  warm-up, and the mean load of production and R&D at the daily passes;
- the e-commerce platform (`sim.platform`): the share of the time after the
  warm-up that it was down, its incidents and the inquiries they held up; and
  the annual turnover of e-commerce and of the other units (`sim.workforce`),
  departures after the warm-up over the unit's headcount now.
"""

from __future__ import annotations

import math

import numpy as np

from sim.calendar import EPSILON_H, WORKING_DAYS_PER_MONTH, WORKING_HOURS_PER_DAY
from sim.metrics import CONFLICT_KINDS, OUTCOMES


def workers(model) -> list:
    """Everyone with a work queue: the employees and the dealers' outlets."""
    return [*model.employees, *(outlet for outlets in model.channel.outlets for outlet in outlets)]


def circles(model) -> list:
    return list(getattr(model.structure, "circles", ()))


def meeting_hours(model, since_h: float) -> float:
    """Person-hours in coordination meetings (structure, committee, liaison; not training) since `since_h`,
    by everyone's meetings as they stand now."""
    now = model.time
    return sum(
        (r.count_until(now) - r.count_until(since_h)) * r.duration_h for e in model.employees for r in e.coordination
    )


class Baseline:
    """What had happened when measuring began (the warm-up's end), so that metrics count only what came after."""

    def __init__(self, model):
        self.time_h = model.time
        self.coordination_hours = model.coordination_hours
        self.departures = model.departures
        self.worked = {id(w): w.worked_h for w in workers(model)}
        self.tensions = {id(c): (c.tensions_taken, c.tactical.count_until(model.time)) for c in circles(model)}
        self.operations = model.operations.totals()
        self.platform = model.platform.totals()
        self.workforce = model.workforce.totals()


def measured_decisions(model) -> list:
    """Decisions created after the warm-up and taken by the end (what queueing theory predicts times for)."""
    t0 = model.measured_from.time_h
    return [d for d in model.decisions if d.created_h >= t0 and d.decided_h is not None]


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _quantile(values, q) -> float:
    return float(np.quantile(values, q)) if len(values) else math.nan


def describe(worker) -> str:
    """Who a worker is, in words a reader of the results knows: a role or a unit."""
    if hasattr(worker, "tactical"):  # a circle
        return f"circle {worker.name} (its tactical meetings)"
    if worker.unit == "dealer":
        return f"dealer of region {worker.region}"
    if worker.level == 0:
        return "general manager"
    if "deputy" in worker.roles:
        return f"{worker.unit} deputy"
    if worker.roles and worker.roles[0].startswith("integrator"):
        return worker.roles[0]
    if worker.circle is not None:
        return f"{', '.join(worker.roles)} in circle {worker.circle.name}"
    if worker.model.units[worker.unit].head is worker:
        return f"{worker.unit} head"
    return f"{worker.unit} {'team lead' if worker.reports else 'staff'}"


def utilization(model, since: Baseline) -> tuple[float, str]:
    """The highest busy share of any one person or circle since `since`, and who that is."""
    now = model.time
    window = now - since.time_h
    best, who = 0.0, "nobody"
    if window <= 0:
        return math.nan, who
    for worker in workers(model):
        # Blocked hours in the window by the calendar as it stands now (a calendar can change mid-run).
        available = worker.calendar.open_hours(since.time_h, now)
        busy = worker.worked_h - since.worked.get(id(worker), 0.0)
        if available > 0 and busy / available > best:
            best, who = busy / available, describe(worker)
    minutes = model.params.holacracy.tension_minutes
    for circle in circles(model):
        taken, held = since.tensions.get(id(circle), (0, 0))
        # Tensions are counted at their meeting's start; a meeting that starts at the very end has run (its
        # event came before the end), one that starts at the warm-up's end runs after the baseline: so the
        # meetings in the window are those starting in [t0, now], and none takes more than its time box.
        meetings_h = (circle.tactical.count_until(now + EPSILON_H) - held) * circle.tactical.duration_h
        if meetings_h > 0:
            share = (circle.tensions_taken - taken) * minutes / 60.0 / meetings_h
            if share > best:
                best, who = share, describe(circle)
    return best, who


def summarize(model) -> dict:
    """The headline metrics of a run, plus the fields that identify it."""
    params = model.params
    since = model.measured_from
    t0, now = since.time_h, model.time
    staff = len(model.employees)  # the headcount now: the scenario's size plus adaptation's hires
    inquiries = [i for i in model.inquiries if i.arrived_h >= t0]
    counts = dict.fromkeys(OUTCOMES, 0)
    responses, revenue, profit = [], 0.0, 0.0
    for inquiry in inquiries:
        if inquiry.outcome != "open":
            counts[inquiry.outcome] += 1
        ended = inquiry.answered_h if inquiry.answered_h is not None else inquiry.closed_h
        responses.append((now if ended is None else ended) - inquiry.arrived_h)
        revenue += inquiry.revenue
        profit += inquiry.profit
    closed = sum(counts.values())
    dealer_sales, dealer_sales_lost, dealer_margin = model.channel.measured(t0)
    profit += dealer_margin
    decisions = [d for d in model.decisions if d.created_h >= t0]
    decision_times = [(now if d.decided_h is None else d.decided_h) - d.created_h for d in decisions]
    conflicts = [c for c in model.conflicts if c.opened_h >= t0]
    resolution = [(now if c.resolved_h is None else c.resolved_h) - c.opened_h for c in conflicts]
    window_h = now - t0
    months = window_h / WORKING_HOURS_PER_DAY / WORKING_DAYS_PER_MONTH
    staff_hours = staff * window_h
    coordination = model.coordination_hours - since.coordination_hours + meeting_hours(model, t0)
    busiest, bottleneck = utilization(model, since)
    summary = {
        "scenario": params.name,
        "structure": params.organization.structure,
        "employees": params.organization.employees,
        "seed": model.seed,
        "horizon_days": params.horizon_days,
        "warmup_days": params.warmup_days,
        "inquiries": len(inquiries),
        "converted": counts["converted"],
        "conversion_rate": counts["converted"] / len(inquiries) if inquiries else math.nan,
        "conversion_rate_closed": counts["converted"] / closed if closed else math.nan,
        **{reason: counts[reason] for reason in OUTCOMES if reason != "converted"},
        "open_at_end": len(inquiries) - closed,
        "response_time_mean_h": _mean(responses),
        "response_time_p90_h": _quantile(responses, 0.9),
        "decisions": len(decisions),
        "decision_time_mean_h": _mean(decision_times),
        "decision_time_p50_h": _quantile(decision_times, 0.5),
        "decision_time_p90_h": _quantile(decision_times, 0.9),
        "decisions_open_at_end": sum(d.decided_h is None for d in model.decisions),
        "conflicts": len(conflicts),
        "conflicts_per_100_staff_month": len(conflicts) / (staff / 100) / months if months else math.nan,
        "conflicts_open_at_end": model.open_conflict_count,
        "conflict_resolution_time_mean_h": _mean(resolution),
        "revenue": revenue,
        "revenue_per_employee": revenue / staff,
        "profit": profit,
        "profit_per_employee": profit / staff,
        "dealer_sales": dealer_sales,
        "dealer_sales_lost": dealer_sales_lost,
        "coordination_overhead_share": coordination / staff_hours if staff_hours else math.nan,
        **{f"{kind}_conflicts": sum(c.kind == kind for c in conflicts) for kind in CONFLICT_KINDS},
        "departures": model.departures - since.departures,
        "utilization_max": busiest,
        "bottleneck": bottleneck,
        "adaptations": len(model.adaptation.events),
        "headcount_end": staff,
    }
    summary.update(model.operations.measured(since.operations))
    summary.update(model.platform.measured(since.platform))
    summary.update(model.workforce.measured(since.workforce))
    summary.update(model.source.measured(t0))
    return summary
