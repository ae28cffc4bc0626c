"""How the judges on a decision's path combine: hierarchy, polyarchy, committee (`decisions.aggregation`).

Sah & Stiglitz (1986): a hierarchy needs every judge to accept, a polyarchy
any one; a committee (Csaszar 2013) a quorum of the path's judges. The
analytic acceptance of each rule is checked by `orgsim validate` (the
registered checks in sim/validation/screening.py, run by tests/test_theory.py);
here, the directions between the rules, what each rule does to a single
decision, that the default is the hierarchy, and bad input.
"""

from collections import Counter

import pytest

from sim import OrgModel, load_scenario, theory
from sim.decisions import votes_needed
from sim.scenario import ScenarioError
from sim.validation import screening
from tests.conftest import run_model

SEEDS = (1, 2, 3)
# Decisions need the top: long paths (2-3 hops for a discount, 5 for a customization), so the rules differ.
LONG_PATHS = {"horizon_days": 30, "warmup_days": 0, "policies__pricing_authority": "top"}


def _pooled(rule: str, **overrides) -> tuple[float, float]:
    """(approved share of the screened decisions judged to the end, mean decision time in h) over SEEDS."""
    outcomes: Counter = Counter()
    hours = []
    for seed in SEEDS:
        model = run_model(seed=seed, decisions__aggregation=rule, **{**LONG_PATHS, **overrides})
        for decision in model.decisions:
            if decision.screened and decision.outcome in ("approved", "rejected"):
                outcomes[decision.outcome] += 1
                hours.append(decision.decided_h - decision.created_h)
    judged = outcomes["approved"] + outcomes["rejected"]
    assert judged > 600  # enough decisions for the margins below (about 1,000 a rule on 3 seeds)
    return outcomes["approved"] / judged, sum(hours) / len(hours)


@pytest.fixture(scope="module")
def by_rule() -> dict[str, tuple[float, float]]:
    return {rule: _pooled(rule) for rule in ("hierarchy", "committee", "polyarchy")}


# ----------------------------------------------------------------------------- directions


def test_polyarchy_approves_more_than_a_committee_which_approves_more_than_a_hierarchy(by_rule):
    # Measured: hierarchy 0.58, committee (quorum 0.5) 0.87, polyarchy 0.97. Tolerance: each step at least
    # 0.05; with about 1,000 decisions a rule a share's standard error is below 0.016.
    hierarchy, committee, polyarchy = (by_rule[rule][0] for rule in ("hierarchy", "committee", "polyarchy"))
    assert hierarchy + 0.05 < committee < polyarchy - 0.05, by_rule


def test_polyarchy_decides_faster_because_an_approval_ends_the_path(by_rule):
    # Measured: about 2.1 h against 4.7 h. Tolerance: polyarchy below 3/4 of the hierarchy's mean.
    assert by_rule["polyarchy"][1] < 0.75 * by_rule["hierarchy"][1], by_rule


def test_under_polyarchy_a_judge_who_accepts_everything_approves_every_bad_request_at_once():
    model = run_model(decisions__aggregation="polyarchy", decisions__screen_accept_bad=1.0, **LONG_PATHS)
    bad = [d for d in model.decisions if d.screened and not d.good and d.outcome in ("approved", "rejected", "refused")]
    assert len(bad) > 50
    assert all(d.outcome == "approved" for d in bad), Counter(d.outcome for d in bad)
    # The first judge approved each one: later hops never saw it, however long its path.
    assert all(d.hop_index == 0 and d.hops_handled == 1 for d in bad)
    assert max(len(d.path) for d in bad) >= 3


def test_a_committee_visits_every_hop_and_counts_the_votes():
    model = run_model(decisions__aggregation="committee", **LONG_PATHS)
    judged = [d for d in model.decisions if d.screened and d.outcome in ("approved", "rejected")]
    assert len(judged) > 200
    for decision in judged:
        n = len(decision.path)
        assert decision.hops_handled == n  # every judge voted
        assert 0 <= decision.approvals <= n
        assert (decision.outcome == "approved") == (decision.approvals >= votes_needed(0.5, n))
    # Some decisions are approved over a rejection and, on the 5-hop customizations, some rejected despite
    # acceptances: neither happens under the hierarchy.
    assert any(d.outcome == "approved" and d.approvals < len(d.path) for d in judged)
    assert any(d.outcome == "rejected" and d.approvals > 0 for d in judged)


@pytest.mark.parametrize("rule", ["polyarchy", "committee"])
def test_a_refusal_is_not_a_judgement_and_still_ends_the_decision(rule):
    # Every unit refuses every cross-unit request: R&D and production are buried in their own work and
    # tolerate next to no load (docs/ODD.md §7.8); under polyarchy no judge accepts either, so every
    # decision reaches its gates. A decision with a gate on its path then ends refused, whatever the rule.
    overrides = {"decisions__aggregation": rule, "conflict__tolerance_days": 1e-9, **LONG_PATHS}
    if rule == "polyarchy":
        overrides |= {"decisions__screen_accept_good": 0.0, "decisions__screen_accept_bad": 0.0}
    model = OrgModel(load_scenario("baseline", {k.replace("__", "."): v for k, v in overrides.items()}), rng=1)
    for unit in ("rnd", "production"):
        model.operations.stages[unit].add(1e9)  # years of work waiting: no daily pass clears it
    model.run()
    gated = [d for d in model.decisions if any(hop.gate_unit for hop in d.path)]
    outcomes = Counter(d.outcome for d in gated)
    assert outcomes["refused"] > 20, outcomes
    assert set(outcomes) <= {"refused", "abandoned", "open"}, outcomes


# ----------------------------------------------------------------------------- the default and the formulas


def test_the_default_is_the_hierarchy():
    assert load_scenario("baseline").decisions.aggregation == "hierarchy"
    default = run_model(**LONG_PATHS).summary()
    explicit = run_model(decisions__aggregation="hierarchy", **LONG_PATHS).summary()
    assert default == explicit
    # ...and the key is read: another rule changes the run.
    assert run_model(decisions__aggregation="polyarchy", **LONG_PATHS).summary() != default


def test_requests_that_are_not_screened_ignore_the_rule():
    # The validation mode's requests are not judged (screened False): every rule gives the same run.
    def summary(rule):
        overrides = {"horizon_days": 40, "warmup_days": 0, "decisions.aggregation": rule}
        return OrgModel(load_scenario("validation/queueing", overrides), rng=3).run()

    assert summary("hierarchy") == summary("polyarchy") == summary("committee")


@pytest.mark.parametrize(
    ("quorum", "judges", "needed"),
    [(0.5, 1, 1), (0.5, 4, 2), (0.5, 5, 3), (0.7, 10, 7), (1.0, 6, 6), (0.01, 3, 1), (0.75, 3, 3), (0.28, 25, 7), (0.56, 25, 14)],
)
def test_votes_needed_is_the_quorum_rounded_up(quorum, judges, needed):
    # 0.28 x 25 and 0.56 x 25 are 7.000000000000001 and 14.000000000000002 in floating point: 7 and 14 votes.
    assert votes_needed(quorum, judges) == needed


@pytest.mark.parametrize("n", range(1, 8))
def test_a_unanimous_committee_is_the_hierarchy_and_a_one_vote_committee_the_polyarchy(n):
    assert theory.committee_acceptance(0.9, n, votes_needed(1.0, n)) == pytest.approx(theory.hierarchy_acceptance(0.9, n), abs=1e-12)
    assert theory.committee_acceptance(0.9, n, 1) == pytest.approx(theory.polyarchy_acceptance(0.9, n), abs=1e-12)


def test_a_committee_with_quorum_one_accepts_like_a_hierarchy():
    # The simulated committee needing every vote, against p**n per chain length within 4 standard errors
    # (the check's own tolerance): p**n, not some other binomial tail.
    rows = screening.committee(0.9, 1.0)
    assert len(rows) >= screening.MIN_CHAIN_LENGTHS and all(row.passed for row in rows), rows
    for row in rows:
        n = int(row.name.split(" of ")[1].split()[0])
        assert row.name.startswith(f"Committee: {n} of {n} judges")
        assert row.expected == pytest.approx(theory.hierarchy_acceptance(0.9, n))


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("decisions.aggregation", "majority", "'hierarchy', 'polyarchy' or 'committee'"),
        ("decisions.quorum", 0.0, "greater than 0"),
        ("decisions.quorum", 1.5, "less than or equal to 1"),
        ("decisions.quorum", "half", "number"),
    ],
)
def test_bad_aggregation_settings_give_one_line_naming_the_key(key, value, fragment):
    with pytest.raises(ScenarioError) as error:
        load_scenario("baseline", {key: value})
    message = str(error.value)
    assert "\n" not in message and f"'{key}'" in message and fragment in message, message
