"""The Sah-Stiglitz checks: how n judges on a decision's path combine, against the analytic acceptance.

Sah & Stiglitz (1986): in a hierarchy every screener on the way up has to
accept, so a good project survives n of them with probability p**n; in a
polyarchy any one of them may accept it, so it survives with 1 - (1 - p)**n.
A committee (Sah & Stiglitz 1988; Csaszar 2013) approves with at least k of n
votes: P[X >= k], X ~ Binomial(n, p). Each check runs the same scenario under
one rule (`decisions.aggregation`) and gives one row per chain length n.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from sim import theory
from sim.decisions import votes_needed
from sim.records import PRICE
from sim.validation.registry import SEEDS, CheckResult, check, scenario_model

SCREEN_ACCEPT_GOOD = 0.9
# Under a polyarchy 1 - (1 - 0.9)**n is 0.99 at n = 2 and 0.9999 at n = 4: a share that close to 1
# passes within 4 standard errors whatever the model does (one judge accepting with 0.9 gives 0.9,
# only 5 standard errors away at n = 2 with 400 requests). With p = 0.5 every length differs clearly:
# 0.75, 0.875, 0.9375, 0.969.
POLYARCHY_ACCEPT_GOOD = 0.5
COMMITTEE_QUORUM = 0.5
# Fewer requests on a chain length make its share too noisy to hold to 4 standard errors.
MIN_REQUESTS_PER_CHAIN = 300
# With one chain length, p**n cannot be told from a single screener with another p.
MIN_CHAIN_LENGTHS = 2


def good_price_requests(p: float, more: dict | None = None) -> tuple[Counter, Counter]:
    """(approved, screened to the end) good PRICE requests per chain length n, pooled over the seeds.

    Every PRICE request is good and needs the top: the baseline with span 3 gives chains of several lengths.
    `more` adds overrides (the aggregation rule).
    """
    approved: Counter = Counter()
    total: Counter = Counter()
    overrides = {
        "horizon_days": 120,
        "warmup_days": 0,  # every request counts: the acceptance share does not change with time
        "organization.span_of_control": 3,
        "policies.pricing_authority": "top",
        "decisions.screen_accept_good": p,
        "decisions.manager_decisions_per_hour": 50.0,  # fast managers: screening, not queueing, is measured
        "work.profitable_discount": 1.0,
        "work.max_discount": 1.0,
        "market.customized_share": 0.0,
        # Requests from every level: quotes take a working day, so the e-commerce team is always full
        # and helpers from every depth of the tree answer customers; chains stay as built.
        "work.quote_hours": 8.0,
        "policies.everyone_helps_customers": True,
        "policies.adaptation": "none",
        # Patient customers: none leaves mid-chain, so that which requests finish does not depend on
        # how many screeners passed them.
        "market.patience_median_h": 10_000.0,
        **(more or {}),
    }
    for seed in SEEDS:
        model = scenario_model("baseline", overrides, seed)
        model.run()
        for decision in model.decisions:
            # Screened to the end: approved or rejected by the rule (not dropped when its customer left).
            if decision.outcome not in ("approved", "rejected") or decision.kind != PRICE or not decision.good:
                continue
            n = len(decision.path)
            total[n] += 1
            approved[n] += decision.outcome == "approved"
    return approved, total


def acceptance_rows(
    approved: Counter, total: Counter, expected_of: Callable[[int], float], name_of: Callable[[int], str], label: str
) -> list[CheckResult]:
    """One row per chain length with enough requests: the simulated share within 4 standard errors of the formula."""
    rows = []
    for n in sorted(total):
        if total[n] < MIN_REQUESTS_PER_CHAIN:
            continue
        expected = expected_of(n)
        standard_error = math.sqrt(expected * (1 - expected) / total[n])
        share = approved[n] / total[n]
        rows.append(
            CheckResult(
                name_of(n),
                share,
                expected,
                f"+/-4 SE = {4 * standard_error:.3f} (n = {total[n]})",
                abs(share - expected) <= 4 * standard_error,
            )
        )
    if len(rows) < MIN_CHAIN_LENGTHS:
        rows.append(
            CheckResult(
                label,
                f"{len(rows)} chain length(s) with >= {MIN_REQUESTS_PER_CHAIN} requests",
                f">= {MIN_CHAIN_LENGTHS} lengths",
                "-",
                False,
            )
        )
    return rows


@check("Sah-Stiglitz: a chain of n screeners accepts p**n")
def sah_stiglitz(p: float = SCREEN_ACCEPT_GOOD) -> list[CheckResult]:
    """Hierarchy (the default rule): a request must pass each manager on its chain."""
    approved, total = good_price_requests(p)
    return acceptance_rows(
        approved,
        total,
        lambda n: theory.hierarchy_acceptance(p, n),
        lambda n: f"Sah-Stiglitz: {n} screeners in series, p = {p}",
        f"Sah-Stiglitz: p = {p}",
    )


@check("Sah-Stiglitz polyarchy: any of n judges approves, 1 - (1 - p)**n")
def polyarchy(p: float = POLYARCHY_ACCEPT_GOOD) -> list[CheckResult]:
    """Polyarchy: the first judge who accepts approves; only the last judge's rejection rejects."""
    approved, total = good_price_requests(p, {"decisions.aggregation": "polyarchy"})
    return acceptance_rows(
        approved,
        total,
        lambda n: theory.polyarchy_acceptance(p, n),
        lambda n: f"Polyarchy: {n} judges, any approves, p = {p}",
        f"Polyarchy: p = {p}",
    )


@check("Sah-Stiglitz committee: k of n judges approve, binomial tail")
def committee(p: float = SCREEN_ACCEPT_GOOD, quorum: float = COMMITTEE_QUORUM) -> list[CheckResult]:
    """Committee: every judge on the path votes; at least ceil(quorum x n) acceptances approve."""
    approved, total = good_price_requests(p, {"decisions.aggregation": "committee", "decisions.quorum": quorum})
    return acceptance_rows(
        approved,
        total,
        lambda n: theory.committee_acceptance(p, n, votes_needed(quorum, n)),
        lambda n: f"Committee: {votes_needed(quorum, n)} of {n} judges approve, p = {p}",
        f"Committee: quorum {quorum}, p = {p}",
    )
