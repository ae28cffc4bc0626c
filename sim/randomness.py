"""The run's random streams and the one draw they share.

A run has one root seed. `numpy.random.SeedSequence` spawns independent
streams from it: the market's (every customer and attribute) and the
organization's (everything the company does), so that two structures run on
one seed face the same customers (common random numbers). Each stream is a
`random.Random`: scalar draws from it are far cheaper than from numpy's
generators, and the numbers are the same on every platform.
"""

from __future__ import annotations

import random

import numpy as np


def stream(seed_sequence: np.random.SeedSequence) -> random.Random:
    """A fast scalar generator seeded from a SeedSequence."""
    return random.Random(int.from_bytes(seed_sequence.generate_state(4, np.uint32).tobytes(), "little"))


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
