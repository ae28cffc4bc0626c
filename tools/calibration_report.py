"""Print the yy_company fit to seed 003 over 20 seeds: every seed, then means with 95% intervals (markdown).

Usage: .venv/bin/python tools/calibration_report.py
"""

from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy import stats

from sim import OrgModel, load_scenario

SEEDS = range(20)
TARGETS = {
    "inquiries": "~7,000 (±10%)",
    "price share of non-converted": "~0.70 (±0.10)",
    "product or slow share of non-converted": "~0.30 (±0.10)",
    "sales (million)": "~6.2 (±25%)",
    "conversion rate": "not reported",
    "open at the end (share)": "no runaway (≤ 0.05)",
    "response time mean (h)": "not reported",
}


def figures(seed: int) -> dict:
    s = OrgModel(load_scenario("yy_company"), rng=seed).run()
    lost = s["lost_price"] + s["lost_product"] + s["lost_slow"] + s["lost_dealer"]
    return {
        "inquiries": s["inquiries"],
        "price share of non-converted": s["lost_price"] / lost,
        "product or slow share of non-converted": (s["lost_product"] + s["lost_slow"]) / lost,
        "sales (million)": s["revenue"] / 1e6,
        "conversion rate": s["conversion_rate"],
        "open at the end (share)": s["open_at_end"] / s["inquiries"],
        "response time mean (h)": s["response_time_mean_h"],
    }


def interval(values):
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half


def main():
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(figures, SEEDS))
    names = list(TARGETS)
    print("| seed | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for seed, run in zip(SEEDS, runs):
        print(f"| {seed} | " + " | ".join(f"{run[name]:,.4g}" for name in names) + " |")
    print()
    print(f"| figure | seed 003 | simulated mean | 95% CI ({len(SEEDS)} seeds) | range over seeds |")
    print("| --- | --- | --- | --- | --- |")
    for name in names:
        values = [run[name] for run in runs]
        mean, low, high = interval(values)
        print(f"| {name} | {TARGETS[name]} | {mean:,.4g} | {low:,.4g} – {high:,.4g} | {min(values):,.4g} – {max(values):,.4g} |")


if __name__ == "__main__":
    main()
