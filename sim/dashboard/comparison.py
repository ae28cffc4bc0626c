"""Every structure run on one company, seed and customers, for the compare view.

Nothing here imports Solara, so it is tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim import metrics
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.dashboard.session import Settings, build_scenario, format_value, structure_names, summary_row, timeseries_frame


@dataclass(eq=False)  # compared by identity: it holds DataFrames
class Comparison:
    """Each structure run on the same seed and customers for the same number of days."""

    days: int
    seed: int
    frames: dict[str, pd.DataFrame]
    summaries: dict[str, dict]

    def table(self) -> pd.DataFrame:
        """Headline metrics (rows) by structure (columns)."""
        return pd.DataFrame({name: {k: s[k] for k in metrics.HEADLINE_METRICS} for name, s in self.summaries.items()})


def compare_structures(settings: Settings, days: int, structures=None, progress=None) -> Comparison:
    """Run `settings` under each structure (every registered one by default) for `days` days on one seed.

    ScenarioError when the settings are invalid under any of them.
    """
    structures = structure_names() if structures is None else tuple(structures)
    scenarios = [build_scenario(settings.with_(structure=name)) for name in structures]  # all checked first
    from sim.model import OrgModel

    frames, summaries = {}, {}
    for index, (name, scenario) in enumerate(zip(structures, scenarios)):
        model = OrgModel(scenario, rng=settings.seed)
        model.run_for(days * WORKING_HOURS_PER_DAY)
        frames[name] = timeseries_frame(model)
        summaries[name] = summary_row(model)
        if progress is not None:
            progress((index + 1) / len(structures))
    return Comparison(days, settings.seed, frames, summaries)


def summary_markdown(comparison: Comparison) -> str:
    """The headline metrics by structure as a markdown table."""
    table = comparison.table()
    names = list(table.columns)
    lines = ["| metric | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for metric, row in table.iterrows():
        lines.append(f"| {metric} | " + " | ".join(format_value(row[n]) for n in names) + " |")
    return "\n".join(lines)


def in_words(names) -> str:
    """Names as a phrase: 'hierarchy, holacracy and hybrid'."""
    *rest, last = list(names) or [""]
    return f"{', '.join(rest)} and {last}" if rest else last
