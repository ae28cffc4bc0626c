"""The Compare structures tab: the side panel's company run under every registered structure."""

from __future__ import annotations

import solara

from sim.dashboard import charts
from sim.dashboard.comparison import Comparison, compare_structures, in_words, summary_markdown
from sim.dashboard.session import Settings, structure_names
from sim.dashboard.text import Caption, Md
from sim.scenario import ScenarioError


@solara.component
def CompareView(settings: Settings, default_days: int):
    """Run the side panel's company under every structure for a number of days, then show them side by side."""
    names = in_words(structure_names())
    days = solara.use_reactive(default_days)
    result = solara.use_reactive(None)
    error = solara.use_reactive(None)
    latest = solara.use_ref(settings)
    latest.current = settings  # the task runs with the settings of the last render

    def run() -> None:
        error.set(None)
        try:
            result.set(compare_structures(latest.current, int(days.value)))
        except ScenarioError as problem:
            error.set(str(problem))
        except Exception as problem:  # never let a bad run break the session
            error.set(f"The comparison failed: {problem}")

    task = solara.lab.use_task(run, dependencies=None)
    comparison: Comparison | None = result.value
    lines = solara.use_memo(lambda: comparison and charts.compare_figure(comparison.frames), [id(comparison)])
    bars = solara.use_memo(lambda: comparison and charts.compare_bars(comparison.summaries), [id(comparison)])
    Md(f"### {names[:1].upper()}{names[1:]} side by side")
    Caption(
        "The company in the side panel runs under each structure on the same seed, so every structure meets "
        "exactly the same customers; only how the company decides differs."
    )
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt("Days to run", value=days, continuous_update=False)
        solara.Button("Run comparison", icon_name="mdi-compare", on_click=task, disabled=task.pending,
                      classes=["orgsim-compare-run"])
    if task.pending:
        solara.ProgressLinear(True)
    if days.value < 1 or days.value > 5000:
        solara.Error("Days to run must be between 1 and 5000.")
    if error.value:
        solara.Error(error.value)
    if comparison is None:
        solara.Info(f"Press Run comparison to run each structure: {names}.")
        return
    with solara.Column(classes=["orgsim-compare"]):
        solara.FigureMatplotlib(lines, dependencies=[id(comparison)], format="png")
        Caption(
            f"Working days 1–{comparison.days}, seed {comparison.seed}: each line is one structure, on shared axes. "
            "Decision time is smoothed over 5 days."
        )
        solara.FigureMatplotlib(bars, dependencies=[id(comparison)], format="png")
        Caption("The headline metrics at the end of the comparison.")
        Md(summary_markdown(comparison))
