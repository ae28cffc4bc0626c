"""Each of seed 003's countermeasures alone, against the yy company as it was: paired effects over replications.

Every replication runs the yy company as the seed describes it and, on the
same seed, with one countermeasure switched on (the five of
`experiments/yy_countermeasures.toml`). Because every purpose draws from its
own random stream (`sim.randomness`), the pair faces the same customers, the
same quote work, service times and screening draws wherever the
countermeasure does not change them, so the paired difference measures the
countermeasure, not the noise. For conversion and profit the table gives the
mean paired difference, its standard error and a 95% t-interval.

Usage: .venv/bin/python tools/countermeasure_effects.py [--replications 30] [--processes 2]
Prints the markdown table of docs/findings.md ("What each countermeasure does").
"""

from __future__ import annotations

import argparse
from multiprocessing import Pool

import numpy as np
from scipy import stats

from sim import load_scenario
from sim.batch.designs import replication_seeds
from sim.model import OrgModel

ROOT_SEED = 3003  # the countermeasures experiment's root seed
COUNTERMEASURES = {  # seed 003's name -> the setting that switches it on (as in yy_countermeasures.toml)
    "fast quotation": {"policies.pricing_authority": "frontline"},
    "O2O dealer model": {"dealers.policy": "o2o"},
    "integrated assessment": {"policies.incentives": "integrated"},
    "e-commerce committee": {"policies.committee": "biweekly"},
    "training": {"policies.training_hours_per_month": 8},
}
OUTCOMES = ("conversion_rate", "profit")


def run(job: tuple[dict, int]) -> dict:
    overrides, seed = job
    summary = OrgModel(load_scenario("yy_company", overrides), rng=seed).run()
    return {outcome: summary[outcome] for outcome in OUTCOMES}


def paired(before: list[float], after: list[float]) -> tuple[float, float, float, float]:
    """Mean paired difference, its standard error and a 95% t-interval."""
    differences = np.asarray(after) - np.asarray(before)
    mean = float(differences.mean())
    se = float(differences.std(ddof=1) / np.sqrt(len(differences)))
    half = float(stats.t.ppf(0.975, len(differences) - 1) * se)
    return mean, se, mean - half, mean + half


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    seeds = replication_seeds(ROOT_SEED, args.replications)
    arms = {"as it was": {}, **COUNTERMEASURES}
    jobs = [(overrides, seed) for overrides in arms.values() for seed in seeds]
    with Pool(args.processes) as pool:
        results = pool.map(run, jobs, chunksize=4)
    by_arm = {name: results[i * len(seeds) : (i + 1) * len(seeds)] for i, name in enumerate(arms)}
    base = by_arm["as it was"]
    print(f"yy company, {args.replications} paired replications (root seed {ROOT_SEED}); as it was: "
          f"conversion {np.mean([r['conversion_rate'] for r in base]):.4f}, "
          f"profit {np.mean([r['profit'] for r in base]):,.0f}\n")
    print("| countermeasure | setting | conversion: effect (SE) | 95% CI | profit: effect (SE) | 95% CI |")
    print("|---|---|---|---|---|---|")
    for name, overrides in COUNTERMEASURES.items():
        arm = by_arm[name]
        cells = []
        for outcome, fmt in (("conversion_rate", "{:+.4f}"), ("profit", "{:+,.0f}")):
            mean, se, low, high = paired([r[outcome] for r in base], [r[outcome] for r in arm])
            cells += [f"{fmt.format(mean)} ({fmt.format(se).lstrip('+')})", f"{fmt.format(low)} to {fmt.format(high)}"]
        setting = ", ".join(f"`{key} = {value!r}`" for key, value in overrides.items())
        print(f"| {name} | {setting} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
