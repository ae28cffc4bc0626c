"""`orgsim validate`: the model against queueing theory and patterns from the literature.

Every check is a small named function with no arguments that runs the model
on fixed seeds and returns a `CheckResult` (or a list of them, one per table
row): the simulated figure, the expected one, the tolerance in words and
whether it passed. The checks live in one registry, `CHECKS`; adding a check
is adding a function with the `@check("name")` decorator (or appending a
`Check` to the list), nothing else:

    from sim.validation import CheckResult, check

    @check("yy company: conversion rate")
    def yy_company_conversion() -> CheckResult:
        ...

A check must be a module-level function (or a `functools.partial` of one)
so that it can run in a spawned worker process, which imports this module
afresh (a check patched in at run time runs only with `workers=1`, in
process). Checks are independent and use fixed seeds: `run_checks` runs them
on a process pool and reports them in registry order, so the table is the
same whatever the number of workers.

The checks (DESIGN §3 "Validation mode"):
- Jackson network: in the validation scenario the mean decision time of a
  hierarchy is sum(1 / (mu - lambda_m)) over the managers on each path.
- Little's law at the general manager: L = lambda W, each side measured.
- Holacracy: a tension waits T/2 for its circle's next tactical meeting.
- Sah & Stiglitz (1986): a chain of n screeners accepts a good request with p**n.
- Conservation: every inquiry is converted, lost for one reason, or open.
- Patterns: decisions slow down as a hierarchy grows; Graicunas's
  supervision load; lead decay (Oldroyd et al., HBR 2011).
"""

from __future__ import annotations

import math
import multiprocessing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np

from sim import theory

from sim.metrics import OUTCOMES, measured_decisions
from sim.records import PRICE
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.scenario import load_scenario

# Seeds pooled by the statistical checks: fixed, so the table is reproducible.
SEEDS = (1, 2, 3, 4)
RELATIVE_TOLERANCE = 0.05


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One row of the table."""

    name: str
    simulated: float | str
    expected: float | str
    tolerance: str
    passed: bool
    unit: str = ""  # appended to float figures when printed


@dataclass(frozen=True)
class Check:
    """A registered check: a name and a function of no arguments returning one or more results."""

    name: str
    run: Callable[[], CheckResult | list[CheckResult]]


CHECKS: list[Check] = []


def check(name: str):
    """Decorator: register a module-level function of no arguments as a check (the function is returned unchanged)."""

    def decorate(function):
        CHECKS.append(Check(name, function))
        return function

    return decorate


def relative_result(
    name: str, simulated: float, expected: float, rel: float = RELATIVE_TOLERANCE, unit: str = "", note: str = ""
) -> CheckResult:
    """A result that passes when `simulated` is within `rel` of `expected`."""
    error = abs(simulated - expected) / abs(expected) if expected else math.inf
    tolerance = f"+/-{rel:.0%} (off {error:.1%}{'; ' + note if note else ''})"
    return CheckResult(name, simulated, expected, tolerance, bool(error <= rel), unit)


# --------------------------------------------------------------------------- helpers


def _model(scenario: str, overrides: dict, seed: int):
    from sim.model import OrgModel  # imported where a check runs: listing checks stays cheap

    return OrgModel(load_scenario(scenario, overrides), rng=seed)


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
    return _model("validation/queueing", overrides, seed)


def _decision_times(model) -> list[float]:
    return [d.decided_h - d.created_h for d in measured_decisions(model)]


# --------------------------------------------------------------------------- 1. Jackson network

# (span of control, employees, requests per requester-hour, manager decisions per hour);
# every setting keeps the busiest manager at utilization <= 0.8.
JACKSON_SETTINGS = (
    (2, 31, 0.05, 1.9),  # deep and narrow
    (4, 60, 0.02, 1.5),  # the bundled validation/queueing scenario
    (7, 200, 0.01, 2.6),  # a larger company
    (10, 120, 0.02, 3.0),  # wide spans, busy first-line managers
)
MAX_UTILIZATION = 0.8


def jackson_network(span: int, employees: int, rate: float, service: float, days: int = 3000) -> CheckResult:
    """Mean decision time of the validation hierarchy vs sum over each path of 1/(mu - lambda_m)."""
    name = f"Jackson network: span {span}, {employees} staff, lambda {rate}/h, mu {service}/h"
    times: list[float] = []
    requesters = None
    for seed in SEEDS:
        model = validation_model("hierarchy", span, employees, rate, service, days, seed)
        model.run()
        requesters = model.source.requesters
        times += _decision_times(model)
    utilization = theory.max_utilization(requesters, rate, service)
    expected = theory.hierarchy_expected_decision_time(requesters, rate, service)
    result = relative_result(name, float(np.mean(times)), expected, unit=" h", note=f"rho max {utilization:.2f}")
    if utilization > MAX_UTILIZATION:  # outside the setting the check is meant for
        tolerance = f"rho max {utilization:.2f} > {MAX_UTILIZATION}"
        return CheckResult(name, result.simulated, expected, tolerance, False, " h")
    return result


for _span, _employees, _rate, _service in JACKSON_SETTINGS:
    CHECKS.append(
        Check(
            f"Jackson network: span {_span}, {_employees} staff",
            partial(jackson_network, _span, _employees, _rate, _service),
        )
    )


# --------------------------------------------------------------------------- 2. Little's law


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


@check("Little's law at the general manager")
def littles_law() -> CheckResult:
    """L (sampled backlog of the GM) vs lambda (measured arrivals) x W (measured sojourn at the GM)."""
    model = validation_model("hierarchy", 4, 60, 0.02, 1.5, days=3000, seed=SEEDS[0])
    top = model.units["management"].members[0]
    sampler = BacklogSampler(model, top, every_h=0.37)  # not a divisor of the 8 h day: no aliasing
    model.run()
    at_top = [d for d in model.decisions if d.decided_h is not None and d.deciders and d.deciders[-1] == top.unique_id]
    arrival_rate = len(at_top) / model.time
    sojourn = float(np.mean([d.decided_h - d.hop_entered_h for d in at_top]))
    in_system = float(np.mean(sampler.samples))
    expected = arrival_rate * sojourn
    result = relative_result("Little's law at the general manager", in_system, expected)
    return CheckResult(
        result.name,
        f"L = {in_system:.3f}",
        f"{arrival_rate:.3f}/h x {sojourn:.3f} h = {expected:.3f}",
        result.tolerance,
        result.passed,
    )


# --------------------------------------------------------------------------- 3. holacracy meetings

TACTICAL_INTERVAL_DAYS = 5.0


@check("Holacracy: tension waits T/2 for the meeting")
def holacracy_meeting_wait(interval_days: float = TACTICAL_INTERVAL_DAYS, days: int = 2000) -> CheckResult:
    """Validation scenario under holacracy: every request waits for its circle's next tactical meeting."""
    times: list[float] = []
    for seed in SEEDS:
        model = validation_model(
            "holacracy", 4, 60, 0.02, 1.5, days, seed, **{"holacracy.tactical_interval_days": interval_days}
        )
        model.run()
        times += _decision_times(model)
    interval_h = interval_days * WORKING_HOURS_PER_DAY
    return relative_result(
        f"Holacracy: tension waits T/2 (T = {interval_h:g} h)",
        float(np.mean(times)),
        theory.meeting_wait(interval_h),
        unit=" h",
    )


# --------------------------------------------------------------------------- 4. Sah-Stiglitz

SCREEN_ACCEPT_GOOD = 0.9
MIN_REQUESTS_PER_CHAIN = 300


@check("Sah-Stiglitz: a chain of n screeners accepts p**n")
def sah_stiglitz(p: float = SCREEN_ACCEPT_GOOD) -> list[CheckResult]:
    """Every PRICE request is good and needs the top: it must pass each manager on its chain."""
    approved: Counter = Counter()
    total: Counter = Counter()
    overrides = {
        "horizon_days": 120,
        "organization.span_of_control": 3,
        "policies.pricing_authority": "top",
        "decisions.screen_accept_good": p,
        "decisions.manager_decisions_per_hour": 50.0,  # fast managers: screening, not queueing, is measured
        "work.profitable_discount": 1.0,
        "work.max_discount": 1.0,
        "market.customized_share": 0.0,
    }
    for seed in SEEDS:
        model = _model("baseline", overrides, seed)
        model.run()
        for decision in model.decisions:
            if decision.decided_h is None or decision.kind != PRICE or not decision.good:
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
    if not rows:
        rows.append(CheckResult(f"Sah-Stiglitz: p = {p}", "no chain with enough requests", "p**n", "-", False))
    return rows


# --------------------------------------------------------------------------- 5. conservation


def conservation(structure: str) -> CheckResult:
    """Baseline: converted + every loss + open == inquiries, each outcome counted from the inquiry records too."""
    model = _model("baseline", {"organization.structure": structure}, SEEDS[0])
    summary = model.run()
    closed = sum(summary[outcome] for outcome in OUTCOMES)
    on_record = Counter(inquiry.outcome for inquiry in model.inquiries)
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


# --------------------------------------------------------------------------- 6. patterns from the literature

SIZE_SEEDS = (1, 2, 3)


@check("Pattern: decisions slow down as a hierarchy grows")
def decision_time_grows_with_size(small: int = 50, large: int = 800) -> CheckResult:
    """Baseline hierarchy at two sizes on the same seeds (seed 000: complexity slows decisions)."""

    def mean_decision_time(employees: int) -> float:
        means = []
        for seed in SIZE_SEEDS:
            overrides = {"organization.structure": "hierarchy", "organization.employees": employees}
            summary = _model("baseline", overrides, seed).run()
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
    model = _model("baseline", {}, SEEDS[0])
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

    relationships = sim.decisions.graicunas_relationships  # looked up at call time
    wrong = [n for n in range(1, largest + 1) if relationships(n) != n * (2 ** (n - 1) + n - 1)]
    return CheckResult(
        f"Pattern: Graicunas relationships, n = 1..{largest}",
        f"{largest - len(wrong)}/{largest} match" + (f" (wrong at n = {', '.join(map(str, wrong))})" if wrong else ""),
        "n(2^(n-1)+n-1)",
        "exact",
        not wrong,
    )


LEAD_FAST_H = 1.0
LEAD_SLOW_H = 24.0
MIN_INQUIRIES_PER_GROUP = 30


@check("Pattern: lead decay")
def lead_decay() -> CheckResult:
    """Oldroyd et al. (HBR 2011): leads answered within an hour are far more often still warm than after a day."""
    fast = slow = fast_lost = slow_lost = 0
    for seed in SIZE_SEEDS:
        model = _model("baseline", {}, seed)
        model.run()
        for inquiry in model.inquiries:
            if inquiry.answered_h is None:
                continue
            waited = inquiry.answered_h - inquiry.arrived_h
            lost = inquiry.outcome == "lost_slow"
            if waited <= LEAD_FAST_H:
                fast, fast_lost = fast + 1, fast_lost + lost
            elif waited > LEAD_SLOW_H:
                slow, slow_lost = slow + 1, slow_lost + lost
    enough = fast >= MIN_INQUIRIES_PER_GROUP and slow >= MIN_INQUIRIES_PER_GROUP
    fast_share = fast_lost / fast if fast else math.nan
    slow_share = slow_lost / slow if slow else math.nan
    return CheckResult(
        f"Pattern: lead decay, lost_slow share <= {LEAD_FAST_H:g} h vs > {LEAD_SLOW_H:g} h",
        f"{fast_share:.3f} of {fast} fast",
        f"< {slow_share:.3f} of {slow} slow",
        f"lower (>= {MIN_INQUIRIES_PER_GROUP} each)",
        enough and fast_share < slow_share,
    )


YY_SEEDS = range(8)


@check("Calibration: yy company (seed 003)")
def yy_calibration() -> list[CheckResult]:
    """Seed 003 over 10 months: ~7,000 inquiries, 70/30 price/product split of the lost, ~6.2 M sales."""
    summaries = [_model("yy_company", {}, seed).run() for seed in YY_SEEDS]
    lost = [s["lost_price"] + s["lost_product"] + s["lost_slow"] + s["lost_dealer"] for s in summaries]
    price_share = float(np.mean([s["lost_price"] / n for s, n in zip(summaries, lost)]))
    sales = float(np.mean([s["revenue"] for s in summaries]))
    inquiries = float(np.mean([s["inquiries"] for s in summaries]))
    return [
        relative_result("Calibration yy: inquiries in 10 months", inquiries, 7000, rel=0.10),
        CheckResult(
            "Calibration yy: price share of the non-converted",
            price_share,
            0.70,
            "+/-0.10",
            abs(price_share - 0.70) <= 0.10,
        ),
        relative_result("Calibration yy: sales in 10 months", sales, 6.2e6, rel=0.25),
    ]


# --------------------------------------------------------------------------- running


def run_check(item: Check) -> list[CheckResult]:
    """Run one check; an exception is a failed row, not a crash of the whole table."""
    try:
        outcome = item.run()
    except Exception as error:  # noqa: BLE001 - reported in the table
        message = " ".join(f"{type(error).__name__}: {error}".split())
        return [CheckResult(item.name, f"error: {message[:120]}", "-", "-", False)]
    return [outcome] if isinstance(outcome, CheckResult) else list(outcome)


def select(only: str | None = None, checks: list[Check] | None = None) -> list[Check]:
    """The registered checks whose name contains `only` (case-insensitive), in registry order."""
    checks = CHECKS if checks is None else checks
    return [c for c in checks if only is None or only.lower() in c.name.lower()]


def run_checks(checks: list[Check] | None = None, workers: int = 2) -> list[CheckResult]:
    """Run checks (all registered ones by default) on `workers` processes; rows come back in registry order."""
    checks = list(CHECKS if checks is None else checks)
    if workers <= 1 or len(checks) <= 1:
        batches = [run_check(c) for c in checks]
    else:
        # Spawned, not forked: the parent may hold BLAS threads, and forking those is unsafe.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(checks)), mp_context=context) as pool:
            batches = list(pool.map(run_check, checks))
    return [row for batch in batches for row in batch]


def _figure(value: float | str, unit: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "-"
    return f"{value:.3f}{unit}" if isinstance(value, float) else f"{value}{unit}"


COLUMNS = ("check", "simulated", "expected", "tolerance", "result")


def format_table(results: list[CheckResult]) -> str:
    """One plain-text table: check | simulated | expected | tolerance | result."""
    rows = [
        (r.name, _figure(r.simulated, r.unit), _figure(r.expected, r.unit), r.tolerance, "pass" if r.passed else "FAIL")
        for r in results
    ]
    widths = [max([len(title), *(len(row[j]) for row in rows)]) for j, title in enumerate(COLUMNS)]

    def line(cells) -> str:
        return " | ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths)).rstrip()

    return "\n".join([line(COLUMNS), "-+-".join("-" * w for w in widths), *(line(row) for row in rows)])
