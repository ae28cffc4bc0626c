"""Reporters: small named functions that read a model, shared by the CLI, experiments and dashboard.

`DAILY_REPORTERS` feed Mesa's DataCollector once a working day; `METRICS` names
the headline metrics of a run (`sim.summary` computes them), whose names are a
contract: scripts, experiments and the dashboard use them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.calendar import WORKING_HOURS_PER_DAY

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
    """What a headline metric is called for people, its unit, and what kind of value it is."""

    label: str
    unit: str = ""  # "" for counts and shares
    integer: bool = False
    text: bool = False  # a name, not a number (e.g. the bottleneck)


# The headline metrics of a run, in contract order: `summarize` returns them, sweeps store them
# (integers as integers), the report and the dashboard label them from here.
METRICS: dict[str, Metric] = {
    "inquiries": Metric("Inquiries", integer=True),
    "converted": Metric("Inquiries converted", integer=True),
    "conversion_rate": Metric("Conversion rate (share of every inquiry)"),
    "conversion_rate_closed": Metric("Conversion rate of closed inquiries (share)"),
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
    "profit": Metric("Profit (margin after discounts and costs, online and through dealers)", "currency"),
    "profit_per_employee": Metric("Profit per employee", "currency"),
    "dealer_sales": Metric("Dealers' sales of our products (at the wholesale price)", "currency"),
    "dealer_sales_lost": Metric("Dealers' offline sales switched to competitors", integer=True),
    "coordination_overhead_share": Metric("Coordination overhead (share of staff time)"),
    **{f"{kind}_conflicts": Metric(f"{kind.capitalize()} conflicts", integer=True) for kind in CONFLICT_KINDS},
    "departures": Metric("Departures", integer=True),
    "utilization_max": Metric("Busiest person or circle: busy share"),
    "bottleneck": Metric("Busiest person or circle", text=True),
    "adaptations": Metric("Adaptations (whole run)", integer=True),
    "headcount_end": Metric("Headcount at the end (the size plus adaptation's hires)", integer=True),
    # The units' own work (sim.operations): what production and logistics got done, and how far behind
    # production and R&D ran (the load a unit weighs when asked for a cross-unit request, docs/ODD.md §7.8).
    "orders_built": Metric("Orders built by production (online and dealer)", integer=True),
    "orders_shipped": Metric("Orders shipped by logistics", integer=True),
    "orders_backlog_days": Metric("Production's backlog, mean", "d"),
    "rnd_backlog_days": Metric("R&D's backlog of customization designs, mean", "d"),
    # E-commerce's roles (seed 004; sim.platform, sim.workforce): its site's downtime and its turnover.
    "platform_downtime_share": Metric("E-commerce platform down (share of the time)"),
    "platform_incidents": Metric("Platform incidents", integer=True),
    "inquiries_held_by_downtime": Metric("Inquiries held up while the platform was down", integer=True),
    "ecommerce_turnover_per_year": Metric("E-commerce staff turnover", "1/year"),
    "other_turnover_per_year": Metric("Other units' staff turnover", "1/year"),
}
HEADLINE_METRICS = tuple(METRICS)
INTEGER_METRICS = frozenset(name for name, metric in METRICS.items() if metric.integer)
TEXT_METRICS = frozenset(name for name, metric in METRICS.items() if metric.text)
NUMERIC_METRICS = tuple(name for name in HEADLINE_METRICS if name not in TEXT_METRICS)


def label(name: str) -> str:
    """A metric's label with its unit, e.g. 'Decision time, mean (h)'."""
    metric = METRICS.get(name)
    if metric is None:
        return name
    return f"{metric.label} ({metric.unit})" if metric.unit else metric.label


RUN_FIELDS = ("scenario", "structure", "employees", "seed", "horizon_days", "warmup_days")


def day(model) -> float:
    return model.time / WORKING_HOURS_PER_DAY


def inquiries(model) -> int:
    return len(model.inquiries)


def converted(model) -> int:
    return model.outcome_counts["converted"]


def conversion_rate(model) -> float:
    """Converted over every inquiry so far (open ones count as not converted), as in the summary."""
    return model.outcome_counts["converted"] / len(model.inquiries) if model.inquiries else math.nan


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


def profit(model) -> float:
    return model.profit


def orders_backlog_days(model) -> float:
    """Production's load now: days of building waiting (sim.operations)."""
    return model.operations.load("production")


def adaptations(model) -> int:
    return len(model.adaptation.events)


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
    "profit": profit,
    "adaptations": adaptations,
    "orders_backlog_days": orders_backlog_days,
}
