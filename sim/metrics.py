"""Reporters: small named functions that read a model, shared by the CLI, experiments and dashboard.

`DAILY_REPORTERS` feed Mesa's DataCollector once a working day; `summarize`
gives the headline metrics of a run, whose names are a contract: scripts, experiments and the
dashboard use them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.calendar import WORKING_DAYS_PER_MONTH, WORKING_HOURS_PER_DAY
from sim.records import VALIDATION

# Every inquiry ends in exactly one of these, or stays `open` at the end of a run.
OUTCOMES = ("converted", "lost_price", "lost_product", "lost_slow", "lost_dealer")
# How every chart (dashboard and report) names and colours the ends of inquiries, open ones last.
OUTCOME_LOOK = {
    "converted": ("bought", "#2ca02c"),
    "lost_price": ("lost: price", "#d62728"),
    "lost_product": ("lost: product", "#ff7f0e"),
    "lost_slow": ("lost: too slow", "#8c564b"),
    "lost_dealer": ("lost: dealer", "#7f7f7f"),
    "open_at_end": ("still open", "#c7c7c7"),
}
CONFLICT_KINDS = ("channel", "interunit", "role", "culture")


@dataclass(frozen=True)
class Metric:
    """What a headline metric is called for people, its unit, and whether it counts things."""

    label: str
    unit: str = ""  # "" for counts and shares
    integer: bool = False


# The headline metrics of a run, in contract order: `summarize` returns them, sweeps store them
# (integers as integers), the report and the dashboard label them from here.
METRICS: dict[str, Metric] = {
    "inquiries": Metric("Inquiries", integer=True),
    "converted": Metric("Inquiries converted", integer=True),
    "conversion_rate": Metric("Conversion rate (share)"),
    "lost_price": Metric("Lost on price", integer=True),
    "lost_product": Metric("Lost on product", integer=True),
    "lost_slow": Metric("Lost to a slow answer", integer=True),
    "lost_dealer": Metric("Lost to a dealer", integer=True),
    "open_at_end": Metric("Inquiries open at the end", integer=True),
    "response_time_mean_h": Metric("Response time, mean", "h"),
    "response_time_p90_h": Metric("Response time, 90th percentile", "h"),
    "decisions": Metric("Decisions taken", integer=True),
    "decision_time_mean_h": Metric("Decision time, mean", "h"),
    "decision_time_p50_h": Metric("Decision time, median", "h"),
    "decision_time_p90_h": Metric("Decision time, 90th percentile", "h"),
    "decisions_open_at_end": Metric("Decisions open at the end", integer=True),
    "conflicts": Metric("Conflicts opened", integer=True),
    "conflicts_per_100_staff_month": Metric("Conflicts per 100 staff per month"),
    "conflicts_open_at_end": Metric("Conflicts open at the end", integer=True),
    "conflict_resolution_time_mean_h": Metric("Conflict resolution time, mean", "h"),
    "revenue": Metric("Revenue", "currency"),
    "revenue_per_employee": Metric("Revenue per employee", "currency"),
    "coordination_overhead_share": Metric("Coordination overhead (share of staff time)"),
    **{f"{kind}_conflicts": Metric(f"{kind.capitalize()} conflicts", integer=True) for kind in CONFLICT_KINDS},
    "departures": Metric("Departures", integer=True),
}
HEADLINE_METRICS = tuple(METRICS)
INTEGER_METRICS = frozenset(name for name, metric in METRICS.items() if metric.integer)


def label(name: str) -> str:
    """A metric's label with its unit, e.g. 'Decision time, mean (h)'."""
    metric = METRICS.get(name)
    if metric is None:
        return name
    return f"{metric.label} ({metric.unit})" if metric.unit else metric.label


RUN_FIELDS = ("scenario", "structure", "employees", "seed", "horizon_days")


def day(model) -> float:
    return model.time / WORKING_HOURS_PER_DAY


def inquiries(model) -> int:
    return len(model.inquiries)


def converted(model) -> int:
    return model.outcome_counts["converted"]


def conversion_rate(model) -> float:
    closed = sum(model.outcome_counts.values())
    return model.outcome_counts["converted"] / closed if closed else math.nan


def open_inquiries(model) -> int:
    return len(model.inquiries) - sum(model.outcome_counts.values())


def decision_time_today_h(model) -> float:
    times = model.decisions_today
    return sum(times) / len(times) if times else math.nan


def decisions_today(model) -> int:
    return len(model.decisions_today)


def conflicts_opened(model) -> int:
    return len(model.conflicts)


def conflicts_open(model) -> int:
    return model.open_conflict_count


def backlog(model) -> int:
    """Work items waiting or in progress in every queue."""
    return model.queued_jobs


def revenue(model) -> float:
    return model.revenue


def _loss(reason):
    def reporter(model) -> int:
        return model.outcome_counts[reason]

    reporter.__name__ = reason
    return reporter


DAILY_REPORTERS = {
    "day": day,
    "inquiries": inquiries,
    "converted": converted,
    **{reason: _loss(reason) for reason in OUTCOMES if reason != "converted"},
    "open_inquiries": open_inquiries,
    "conversion_rate": conversion_rate,
    "decisions_today": decisions_today,
    "decision_time_mean_h": decision_time_today_h,
    "conflicts": conflicts_opened,
    "conflicts_open": conflicts_open,
    "backlog": backlog,
    "revenue": revenue,
}


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _quantile(values, q) -> float:
    return float(np.quantile(values, q)) if len(values) else math.nan


def measured_decisions(model):
    """Decisions that count for timing: finished, and after the warm-up in validation mode."""
    warmup_h = model.params.validation.warmup_days * WORKING_HOURS_PER_DAY if model.params.validation else 0.0
    return [
        d
        for d in model.decisions
        if d.decided_h is not None and not (d.kind == VALIDATION and d.created_h < warmup_h)
    ]


def meeting_hours(model) -> float:
    """Person-hours spent in coordination meetings so far (structure and committee; not training or side work)."""
    return sum(r.count_until(model.time) * r.duration_h for e in model.employees for r in e.coordination)


def summarize(model) -> dict:
    """The headline metrics of a run, plus the fields that identify it."""
    params = model.params
    employees = len(model.employees)
    counts = model.outcome_counts
    closed = sum(counts.values())
    answered = [i.answered_h - i.arrived_h for i in model.inquiries if i.answered_h is not None]
    decision_times = [d.decided_h - d.created_h for d in measured_decisions(model)]
    resolved = [c.resolved_h - c.opened_h for c in model.conflicts if c.resolved_h is not None]
    months = model.time / WORKING_HOURS_PER_DAY / WORKING_DAYS_PER_MONTH
    staff_hours = employees * model.time
    coordination = model.coordination_hours + meeting_hours(model)
    return {
        "scenario": params.name,
        "structure": params.organization.structure,
        "employees": employees,
        "seed": model.seed,
        "horizon_days": params.horizon_days,
        "inquiries": len(model.inquiries),
        "converted": counts["converted"],
        "conversion_rate": counts["converted"] / closed if closed else math.nan,
        **{reason: counts[reason] for reason in OUTCOMES if reason != "converted"},
        "open_at_end": len(model.inquiries) - closed,
        "response_time_mean_h": _mean(answered),
        "response_time_p90_h": _quantile(answered, 0.9),
        "decisions": len(decision_times),
        "decision_time_mean_h": _mean(decision_times),
        "decision_time_p50_h": _quantile(decision_times, 0.5),
        "decision_time_p90_h": _quantile(decision_times, 0.9),
        # Decision times count finished decisions only: a saturated queue shows up here.
        "decisions_open_at_end": sum(d.decided_h is None for d in model.decisions),
        "conflicts": len(model.conflicts),
        "conflicts_per_100_staff_month": len(model.conflicts) / (employees / 100) / months if months else math.nan,
        "conflicts_open_at_end": model.open_conflict_count,
        "conflict_resolution_time_mean_h": _mean(resolved),
        "revenue": model.revenue,
        "revenue_per_employee": model.revenue / employees,
        "coordination_overhead_share": coordination / staff_hours if staff_hours else math.nan,
        **{f"{kind}_conflicts": sum(c.kind == kind for c in model.conflicts) for kind in CONFLICT_KINDS},
        "departures": model.departures,
    }
