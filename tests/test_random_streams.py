"""One random stream per purpose: a policy changes the draws of what it touches, and nothing else."""

from __future__ import annotations

import numpy as np

from sim import load_scenario
from sim.batch.designs import replication_seeds
from sim.model import OrgModel
from sim.randomness import PURPOSES, stream, streams

SHORT_YY = {"horizon_days": 140, "warmup_days": 40}


def test_the_market_stream_is_the_seeds_first_child_whatever_else_is_drawn():
    # Adding a purpose must never change the customers of a seed.
    for seed in (0, 3, 2026):
        first = stream(np.random.SeedSequence(seed).spawn(1)[0])
        assert streams(seed)["market"].random() == first.random()


def test_every_purpose_has_its_own_stream():
    drawn = streams(7)
    assert list(drawn) == list(PURPOSES)
    firsts = {purpose: generator.random() for purpose, generator in drawn.items()}
    assert len(set(firsts.values())) == len(PURPOSES)


def test_a_policy_leaves_the_customers_and_their_quote_work_alike():
    before = OrgModel(load_scenario("yy_company", SHORT_YY), rng=5)
    after = OrgModel(load_scenario("yy_company", {**SHORT_YY, "policies.training_hours_per_month": 8}), rng=5)
    before.run()
    after.run()
    assert len(before.inquiries) == len(after.inquiries) > 1000
    for a, b in zip(before.inquiries, after.inquiries):
        assert (a.arrived_h, a.wtp, a.quote_work, a.deadline_h) == (b.arrived_h, b.wtp, b.quote_work, b.deadline_h)


def test_a_countermeasure_paired_on_the_seed_is_told_from_noise():
    """The e-commerce committee on the yy company (full horizon), paired on the first 8 seeds of
    docs/findings.md's 30 (tools/countermeasure_effects.py): the standard error of the paired effect on
    conversion is under 0.002, a third of the 0.0066 the issue measured when one stream served every
    purpose (measured: 0.0009 over the 30). What remains is the timing of adaptation, a discrete event a
    change of policy can move: on an occasional seed the pair adapts differently (seed 4 of seeds 1-8
    moves by 0.03), which is why the findings use 30 pairs.
    """
    seeds = replication_seeds(3003, 8)
    base = [OrgModel(load_scenario("yy_company"), rng=s).run()["conversion_rate"] for s in seeds]
    arm = [OrgModel(load_scenario("yy_company", {"policies.committee": "biweekly"}), rng=s).run()["conversion_rate"]
           for s in seeds]
    differences = np.subtract(arm, base)
    assert np.std(differences, ddof=1) / np.sqrt(len(differences)) < 0.002, differences
