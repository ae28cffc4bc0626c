"""Experimental designs: which values of the design keys each design point gets.

A design turns `[design.parameters]` into a list of points, each a dict of
dotted scenario key -> value:

- `grid`: every combination of the listed values (a full factorial), in the
  order written, the last key varying fastest.
- `lhs`: `samples` points of a Latin hypercube over [low, high] bounds.
- `morris`: `samples` trajectories of Morris' elementary-effects screening
  (`samples` x (keys + 1) points, on `levels` grid levels).
- `sobol`: Saltelli's sampling for Sobol' indices (`samples` x (keys + 2)
  points, x (2 keys + 2) with `second_order = true`).

The last three come from SALib and are seeded from the experiment's root seed,
so a design is the same every time it is generated. Keys whose scenario type
is an integer (e.g. `organization.employees`) are rounded; the unrounded
sample matrix is kept for the sensitivity analysis.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("grid", "lhs", "morris", "sobol")
SENSITIVITY_KINDS = ("morris", "sobol")


@dataclass
class Design:
    """The design points of an experiment, and the raw sample matrix of a sampled design."""

    kind: str
    keys: list[str]
    points: list[dict[str, Any]]
    matrix: np.ndarray | None  # unrounded samples (points x keys); None for a grid
    problem: dict | None  # SALib problem (names, bounds) for sampled designs


def salib_problem(parameters: dict[str, list]) -> dict:
    keys = list(parameters)
    return {"num_vars": len(keys), "names": keys, "bounds": [[float(v[0]), float(v[1])] for v in parameters.values()]}


def sample_matrix(kind: str, parameters: dict[str, list], samples: int, seed: int, levels: int = 4,
                  second_order: bool = False) -> np.ndarray:
    """The unrounded sample matrix of a sampled design (rows are design points)."""
    problem = salib_problem(parameters)
    # SALib seeds numpy's legacy global generator in some samplers; keep the caller's state intact.
    state = np.random.get_state()
    try:
        with warnings.catch_warnings():
            # SALib and numpy warn (e.g. samples not a power of 2): the design is still valid, and a
            # sweep's terminal shows its own lines only.
            warnings.simplefilter("ignore")
            return _sample(kind, problem, samples, seed, levels, second_order)
    finally:
        np.random.set_state(state)


def _sample(kind: str, problem: dict, samples: int, seed: int, levels: int, second_order: bool) -> np.ndarray:
    if kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, samples, seed=seed)
    if kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=second_order, seed=seed)
    raise ValueError(f"unknown design kind {kind!r}")


def expected_points(kind: str, n_keys: int, samples: int, second_order: bool = False) -> int:
    """How many design points a sampled design of `samples` has."""
    if kind == "lhs":
        return samples
    if kind == "morris":
        return samples * (n_keys + 1)
    if kind == "sobol":
        return samples * (2 * n_keys + 2 if second_order else n_keys + 2)
    raise ValueError(kind)


def design_size(kind: str, parameters: dict[str, list], samples: int | None, second_order: bool = False) -> int:
    """How many points a design spec makes, computed without building it (for the --max-runs guard)."""
    if kind == "grid":
        return math.prod(len(values) for values in parameters.values())
    return expected_points(kind, len(parameters), samples or 0, second_order)


def duplicate_points(scenarios: list[dict]) -> dict[int, int]:
    """point -> the earlier point it repeats, for design points whose resolved scenarios are identical.

    Values are compared after validation and rounding: a grid's `[20, 20.0]`, or two
    sampled points whose integer keys round alike, are the same scenario (and run key).
    """
    first: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for index, scenario in enumerate(scenarios):
        text = json.dumps(scenario, sort_keys=True, separators=(",", ":"), default=str)
        if text in first:
            repeats[index] = first[text]
        else:
            first[text] = index
    return repeats


def make_design(kind: str, parameters: dict[str, list], *, samples: int | None = None, seed: int = 0,
                integer_keys: frozenset[str] = frozenset(), levels: int = 4, second_order: bool = False) -> Design:
    """Build the design points; `integer_keys` are rounded to int in sampled designs."""
    keys = list(parameters)
    if kind == "grid":
        points = [dict(zip(keys, combo)) for combo in itertools.product(*parameters.values())]
        return Design(kind, keys, points, None, None)
    matrix = sample_matrix(kind, parameters, samples, seed, levels, second_order)
    points = []
    for row in matrix:
        point = {}
        for key, value in zip(keys, row):
            point[key] = round(float(value)) if key in integer_keys else float(value)
        points.append(point)
    return Design(kind, keys, points, matrix, salib_problem(parameters))


def replication_seeds(root: int, replications: int) -> list[int]:
    """One seed per replication, spawned from the root (replication k: same seed at every point)."""
    children = np.random.SeedSequence(root).spawn(replications)
    # 63 bits: fits a signed 64-bit Parquet column.
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]
