"""The Sah-Stiglitz check: a chain of n screeners in series accepts a good request with p**n.

Sah & Stiglitz (1986): in a hierarchy every screener on the way up has to
accept, so a good project survives n of them with probability p**n.
"""

from __future__ import annotations

import math
from collections import Counter

from sim import theory
from sim.records import PRICE
from sim.validation.registry import SEEDS, CheckResult, check, scenario_model

SCREEN_ACCEPT_GOOD = 0.9
# Fewer requests on a chain length make its share too noisy to hold to 4 standard errors.
MIN_REQUESTS_PER_CHAIN = 300
# With one chain length, p**n cannot be told from a single screener with another p.
MIN_CHAIN_LENGTHS = 2


@check("Sah-Stiglitz: a chain of n screeners accepts p**n")
def sah_stiglitz(p: float = SCREEN_ACCEPT_GOOD) -> list[CheckResult]:
    """Every PRICE request is good and needs the top: it must pass each manager on its chain."""
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
    }
    for seed in SEEDS:
        model = scenario_model("baseline", overrides, seed)
        model.run()
        for decision in model.decisions:
            # Screened to the end: approved, or rejected by one screener (not dropped when its customer left).
            if decision.outcome not in ("approved", "rejected") or decision.kind != PRICE or not decision.good:
                continue
            n = len(decision.path)
            total[n] += 1
            approved[n] += decision.outcome == "approved"
    rows = []
    for n in sorted(total):
        if total[n] < MIN_REQUESTS_PER_CHAIN:
            continue
        expected = theory.hierarchy_acceptance(p, n)
        standard_error = math.sqrt(expected * (1 - expected) / total[n])
        share = approved[n] / total[n]
        rows.append(
            CheckResult(
                f"Sah-Stiglitz: {n} screeners in series, p = {p}",
                share,
                expected,
                f"+/-4 SE = {4 * standard_error:.3f} (n = {total[n]})",
                abs(share - expected) <= 4 * standard_error,
            )
        )
    if len(rows) < MIN_CHAIN_LENGTHS:
        rows.append(
            CheckResult(
                f"Sah-Stiglitz: p = {p}",
                f"{len(rows)} chain length(s) with >= {MIN_REQUESTS_PER_CHAIN} requests",
                f">= {MIN_CHAIN_LENGTHS} lengths",
                "-",
                False,
            )
        )
    return rows
