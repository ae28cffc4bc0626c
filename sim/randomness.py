"""The run's random streams, one per purpose, and the one draw they share.

A run has one root seed. `numpy.random.SeedSequence` spawns an independent
stream from it for each purpose (`PURPOSES`): the market's (every customer
and attribute) and one for each kind of thing the company does. A change of
policy then leaves the draws of everything it does not touch aligned
(common random numbers): two structures run on one seed face the same
customers, and a policy that adds conflicts or turnover does not shift the
service times or screening draws of the decisions. Each stream is a
`random.Random`: scalar draws from it are far cheaper than from numpy's
generators, and the numbers are the same on every platform.
"""

from __future__ import annotations

import random

import numpy as np

# Purpose -> what draws from it. The market's comes first, so that its stream is the root seed's first
# child whatever else is added (SeedSequence children depend only on their index).
PURPOSES = {
    "market": "customers: arrivals, needs, willingness to pay, patience, the work a quote takes",
    "service": "how long a decision takes its decider, and the pick-up delay of a hand-off",
    "screening": "each judge's Sah-Stiglitz draw",
    "cooperation": "refusals at unit interfaces, culture clashes, role ambiguity, how long a conflict takes",
    "people": "hiring, skill, turnover",
    "dealers": "the dealers: their loyalty, their customers, their choices",
    "platform": "the e-commerce platform: IT incidents, web-marketing campaigns, their work and agencies' delays",
}


def stream(seed_sequence: np.random.SeedSequence) -> random.Random:
    """A fast scalar generator seeded from a SeedSequence."""
    return random.Random(int.from_bytes(seed_sequence.generate_state(4, np.uint32).tobytes(), "little"))


def streams(seed: int) -> dict[str, random.Random]:
    """One generator per purpose (`PURPOSES`), each spawned from the run's seed."""
    children = np.random.SeedSequence(seed).spawn(len(PURPOSES))
    return {purpose: stream(child) for purpose, child in zip(PURPOSES, children)}


def below(rng: random.Random, n: int) -> int:
    """`rng.randrange(n)` for n >= 1: the same draw (CPython's _randbelow) without its argument checks."""
    if n <= 0:
        raise ValueError(f"empty range for randrange({n})")
    getrandbits = rng.getrandbits
    k = n.bit_length()
    r = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return r
