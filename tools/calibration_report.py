"""Print the yy_company fit to seed 003 over 20 seeds, with 95% confidence intervals (markdown).

Usage: .venv/bin/python tools/calibration_report.py
"""

import numpy as np
from scipy import stats

from sim import OrgModel, load_scenario

SEEDS = range(20)


def interval(values):
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half


def main():
    rows = {"inquiries": [], "price share of non-converted": [], "product or slow share of non-converted": [],
            "sales (million)": [], "conversion rate": [], "response time mean (h)": []}
    for seed in SEEDS:
        s = OrgModel(load_scenario("yy_company"), rng=seed).run()
        lost = s["lost_price"] + s["lost_product"] + s["lost_slow"] + s["lost_dealer"]
        rows["inquiries"].append(s["inquiries"])
        rows["price share of non-converted"].append(s["lost_price"] / lost)
        rows["product or slow share of non-converted"].append((s["lost_product"] + s["lost_slow"]) / lost)
        rows["sales (million)"].append(s["revenue"] / 1e6)
        rows["conversion rate"].append(s["conversion_rate"])
        rows["response time mean (h)"].append(s["response_time_mean_h"])
    targets = {"inquiries": "~7,000 (±10%)", "price share of non-converted": "~0.70 (±0.10)",
               "product or slow share of non-converted": "~0.30 (±0.10)", "sales (million)": "~6.2 (±25%)",
               "conversion rate": "not reported", "response time mean (h)": "not reported"}
    print(f"| figure | seed 003 | simulated mean | 95% CI ({len(SEEDS)} seeds) |")
    print("| --- | --- | --- | --- |")
    for name, values in rows.items():
        mean, low, high = interval(values)
        print(f"| {name} | {targets[name]} | {mean:,.3f} | {low:,.3f} – {high:,.3f} |")


if __name__ == "__main__":
    main()
