"""Every structure run on one company, seed and customers, for the compare view.

A comparison is the longest job a participant can start, so it runs within the
server's limits (sim.dashboard.limits), in chunks of days, reporting progress
after each chunk and stopping at the next one once asked to (a Cancel press or
a closed page). Nothing here imports Solara, so it is tested without a browser.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass

import pandas as pd

from sim import metrics
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.dashboard import limits as server_limits
from sim.dashboard.session import Settings, build_scenario, format_value, structure_names, summary_row, timeseries_frame

CHUNK_DAYS = 10  # days run between two progress reports (and two looks at the stop flag)
CELL = "padding: 2px 12px; white-space: nowrap"  # a gap between columns, numbers on one line


class Cancelled(Exception):
    """The comparison was stopped before its end."""


@dataclass(eq=False)  # compared by identity: it holds DataFrames
class Comparison:
    """Each structure run on the same settings, seed and customers for the same number of days."""

    settings: Settings
    days: int
    frames: dict[str, pd.DataFrame]
    summaries: dict[str, dict]

    @property
    def seed(self) -> int:
        return self.settings.seed

    def table(self) -> pd.DataFrame:
        """Headline metrics (rows, by their contract names) by structure (columns)."""
        return pd.DataFrame({name: {k: s[k] for k in metrics.HEADLINE_METRICS} for name, s in self.summaries.items()})

    def label(self) -> str:
        """What was compared, in one line: scenario, size, seed, days and the policies."""
        return settings_label(self.settings, self.days)


def settings_label(settings: Settings, days: int) -> str:
    """The settings a comparison runs, in words: what a participant needs to tell two comparisons apart."""
    s = settings
    helps = "yes" if s.everyone_helps_customers else "no"
    text = (
        f"{s.scenario}, {s.employees:,} employees, seed {s.seed}, {days:,} days; "
        f"pricing authority {s.pricing_authority}, dealers {s.dealer_policy}, incentives {s.incentives}, "
        f"committee {s.committee}, adaptation {s.adaptation}, aggregation {s.aggregation}, "
        f"training {format_value(s.training_hours_per_month)} h/month, everyone helps customers: {helps}"
    )
    return f"{text}; extra: {s.extra.strip()}" if s.extra.strip() else text


def compare_structures(
    settings: Settings,
    days: int,
    structures=None,
    progress=None,
    stop: threading.Event | None = None,
    limits: server_limits.Limits | None = None,
) -> Comparison:
    """Run `settings` under each structure (every registered one by default) for `days` days on one seed.

    `progress(share done)` is called after every chunk of CHUNK_DAYS days; once `stop` is set the run ends
    at the next chunk with Cancelled. ScenarioError when the settings are invalid under any structure or
    the comparison is larger than the server's limits allow.
    """
    structures = structure_names() if structures is None else tuple(structures)
    scenarios = [build_scenario(settings.with_(structure=name)) for name in structures]  # all checked first
    (limits or server_limits.current()).check_comparison(scenarios[0].organization.employees, days)
    from sim.model import OrgModel

    frames, summaries = {}, {}
    total = len(structures) * days
    for index, (name, scenario) in enumerate(zip(structures, scenarios)):
        model = OrgModel(scenario, rng=settings.seed)
        done = 0
        while done < days:
            if stop is not None and stop.is_set():
                raise Cancelled(f"stopped after {index * days + done} of {total} structure-days")
            chunk = min(CHUNK_DAYS, days - done)
            model.run_for(chunk * WORKING_HOURS_PER_DAY)
            done += chunk
            if progress is not None:
                progress((index * days + done) / total)
        frames[name] = timeseries_frame(model)
        summaries[name] = summary_row(model)
    return Comparison(settings, days, frames, summaries)


def summary_html(comparison: Comparison) -> str:
    """The headline metrics by structure as an HTML table: readable labels with units, numbers right-aligned."""
    table = comparison.table()
    names = list(table.columns)

    def cell(tag: str, text: str, align: str = "right") -> str:
        return f'<{tag} style="text-align: {align}; {CELL}">{html.escape(text)}</{tag}>'

    head = cell("th", "Metric", "left") + "".join(cell("th", name) for name in names)
    rows = []
    for metric, row in table.iterrows():
        align = "left" if metric in metrics.TEXT_METRICS else "right"
        values = "".join(cell("td", format_value(row[name]), align) for name in names)
        rows.append(f"<tr>{cell('td', metrics.label(metric), 'left')}{values}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def in_words(names) -> str:
    """Names as a phrase: 'hierarchy, holacracy and hybrid'."""
    *rest, last = list(names) or [""]
    return f"{', '.join(rest)} and {last}" if rest else last
