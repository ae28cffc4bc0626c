"""Checks of bookkeeping and of directions the literature reports: conservation, size, Graicunas, lead decay.

These compare no figure with a formula: inquiries must add up exactly, and
the rest must point the way the literature says (larger, lower), on the
baseline scenario.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import partial

import numpy as np

from sim.metrics import OUTCOMES
from sim.validation.registry import CHECKS, SEEDS, Check, CheckResult, check, scenario_model

# --------------------------------------------------------------------------- conservation


def conservation(structure: str) -> CheckResult:
    """Baseline: converted + every loss + open == inquiries, each outcome counted from the inquiry records too."""
    model = scenario_model("baseline", {"organization.structure": structure}, SEEDS[0])
    summary = model.run()
    closed = sum(summary[outcome] for outcome in OUTCOMES)
    measured_from = model.measured_from.time_h  # the summary counts the inquiries that arrived after the warm-up
    on_record = Counter(inquiry.outcome for inquiry in model.inquiries if inquiry.arrived_h >= measured_from)
    still_open = on_record["open"]
    total = closed + still_open
    mismatched = [o for o in OUTCOMES if on_record[o] != summary[o]]
    unknown = set(on_record) - set(OUTCOMES) - {"open"}
    simulated = f"{total} = {closed} closed + {still_open} open"
    if mismatched or unknown:
        simulated += f"; records disagree on {', '.join(sorted([*mismatched, *unknown]))}"
    return CheckResult(
        f"Conservation of inquiries: baseline, {structure}",
        simulated,
        f"{summary['inquiries']} inquiries",
        "exact",
        total == summary["inquiries"] and not mismatched and not unknown,
    )


def _register_conservation() -> None:
    from sim.structures import STRUCTURES  # every registered structure, hybrid included when it exists

    for structure in sorted(STRUCTURES):
        CHECKS.append(Check(f"Conservation of inquiries: baseline, {structure}", partial(conservation, structure)))


_register_conservation()


# --------------------------------------------------------------------------- patterns from the literature

SIZE_SEEDS = (1, 2, 3)


@check("Pattern: decisions slow down as a hierarchy grows")
def decision_time_grows_with_size(small: int = 50, large: int = 800) -> CheckResult:
    """Baseline hierarchy at two sizes on the same seeds (seed 000: complexity slows decisions)."""

    def mean_decision_time(employees: int) -> float:
        means = []
        for seed in SIZE_SEEDS:
            overrides = {"organization.structure": "hierarchy", "organization.employees": employees}
            summary = scenario_model("baseline", overrides, seed).run()
            means.append(summary["decision_time_mean_h"])
        return float(np.mean(means))

    at_small, at_large = mean_decision_time(small), mean_decision_time(large)
    return CheckResult(
        f"Pattern: hierarchy decision time, {small} vs {large} staff",
        f"{at_large:.3f} h at {large}",
        f"> {at_small:.3f} h at {small}",
        f"larger (seeds {', '.join(map(str, SIZE_SEEDS))})",
        at_large > at_small,
    )


@check("Pattern: Graicunas supervision load, 10 vs 5 reports")
def graicunas_supervision_load() -> CheckResult:
    """A manager with 10 reports loses a larger share of decision capacity to supervision than one with 5."""
    model = scenario_model("baseline", {}, SEEDS[0])
    manager = model.units["management"].members[0]
    full_rate = model.params.decisions.manager_decisions_per_hour

    def supervision_share(reports: int) -> float:
        return 1.0 - model.decision_process.rate(manager, reports) / full_rate

    with_10, with_5 = supervision_share(10), supervision_share(5)
    return CheckResult(
        "Pattern: Graicunas supervision share, 10 vs 5 reports",
        f"{with_10:.3f} with 10",
        f"> {with_5:.3f} with 5",
        "larger",
        with_10 > with_5,
    )


@check("Pattern: Graicunas relationship count")
def graicunas_relationship_count(largest: int = 12) -> CheckResult:
    """sim.decisions.graicunas_relationships against Graicunas (1937): n(2^(n-1) + n - 1)."""
    import sim.decisions

    relationships = sim.decisions.graicunas_relationships  # looked up at call time, so a patched model is checked
    wrong = [n for n in range(1, largest + 1) if relationships(n) != n * (2 ** (n - 1) + n - 1)]
    return CheckResult(
        f"Pattern: Graicunas relationships, n = 1..{largest}",
        f"{largest - len(wrong)}/{largest} match" + (f" (wrong at n = {', '.join(map(str, wrong))})" if wrong else ""),
        "n(2^(n-1)+n-1)",
        "exact",
        not wrong,
    )


LEAD_FAST_H = 1.0  # "within an hour" (Oldroyd, McElheran & Elkington, HBR 2011)
MIN_INQUIRIES_PER_GROUP = 30


@check("Pattern: lead decay")
def lead_decay(slow_h: float = 8.0) -> CheckResult:
    """Answers that come later find fewer customers still interested (the simulated inquiries themselves)."""
    fast = slow = fast_lost = slow_lost = 0
    for seed in SIZE_SEEDS:
        model = scenario_model("baseline", {}, seed)
        model.run()
        for inquiry in model.inquiries:
            if inquiry.answered_h is None:
                continue
            waited = inquiry.answered_h - inquiry.arrived_h
            lost = inquiry.outcome == "lost_slow"
            if waited <= LEAD_FAST_H:
                fast, fast_lost = fast + 1, fast_lost + lost
            elif waited > slow_h:
                slow, slow_lost = slow + 1, slow_lost + lost
    enough = fast >= MIN_INQUIRIES_PER_GROUP and slow >= MIN_INQUIRIES_PER_GROUP
    fast_share = fast_lost / fast if fast else math.nan
    slow_share = slow_lost / slow if slow else math.nan
    return CheckResult(
        f"Pattern: lead decay, lost_slow share <= {LEAD_FAST_H:g} h vs > {slow_h:g} h",
        f"{fast_share:.3f} of {fast} fast",
        f"< {slow_share:.3f} of {slow} slow",
        f"lower (>= {MIN_INQUIRIES_PER_GROUP} each)",
        enough and fast_share < slow_share,
    )


@check("Pattern: an adapting company of 5,000 has no saturated decider")
def adaptation_keeps_everyone_below_saturation(employees: int = 5_000) -> list[CheckResult]:
    """Baseline at 5,000 employees with adaptation on (the default), each structure: utilization_max < 1."""
    from sim.structures import STRUCTURES

    rows = []
    for structure in STRUCTURES:
        summary = scenario_model(
            "baseline", {"organization.structure": structure, "organization.employees": employees}, SEEDS[0]
        ).run()
        rows.append(
            CheckResult(
                f"Pattern: {employees:,} employees, {structure}, adaptive: busiest decider",
                summary["utilization_max"],
                "< 1",
                f"below 1 ({summary['bottleneck']}; {summary['adaptations']} adaptations)",
                summary["utilization_max"] < 1.0,
            )
        )
    return rows
