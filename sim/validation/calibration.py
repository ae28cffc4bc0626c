"""The calibration check: the yy company scenario against the figures of its case (seed 003).

`scenarios/yy_company.toml` was calibrated to the case; this check keeps it
there as the model changes.
"""

from __future__ import annotations

import numpy as np

from sim.validation.registry import CheckResult, check, relative_result, scenario_model

YY_SEEDS = range(8)


@check("Calibration: yy company (seed 003)")
def yy_calibration() -> list[CheckResult]:
    """Seed 003 over 10 months: ~7,000 inquiries, 70/30 price/product split of the lost, ~6.2 M sales."""
    summaries = [scenario_model("yy_company", {}, seed).run() for seed in YY_SEEDS]
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
