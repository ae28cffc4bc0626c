"""The Compare structures tab: the side panel's company run under every registered structure."""

from __future__ import annotations

import threading

import solara

from sim.dashboard import charts, limits
from sim.dashboard.comparison import Cancelled, Comparison, compare_structures, in_words, settings_label, summary_html
from sim.dashboard.session import Settings, structure_names
from sim.dashboard.text import Caption, Html, Md
from sim.scenario import ScenarioError


def days_problem(settings: Settings, days: int, server: limits.Limits) -> str | None:
    """Why `days` cannot be run for `settings` on this server, or None."""
    try:
        server.check_comparison(settings.employees, days)
    except ScenarioError as problem:
        return str(problem)
    return None


@solara.component
def CompareView(settings: Settings, default_days: int):
    """Run the side panel's company under every structure for a number of days, then show them side by side."""
    names = in_words(structure_names())
    server = solara.use_memo(limits.current, [])
    days = solara.use_reactive(min(default_days, server.compare_days_allowed(settings.employees)))
    result = solara.use_reactive(None)
    error = solara.use_reactive(None)
    done = solara.use_reactive(0.0)
    latest = solara.use_ref(settings)
    latest.current = settings  # the task runs with the settings of the last render
    stop = solara.use_ref(threading.Event())  # set by Cancel, and when the view goes (tab left or page closed)

    def stop_when_gone():
        return lambda: stop.current.set()  # the cleanup: a closed page must not leave its comparison running

    solara.use_effect(stop_when_gone, [])

    def asked_days() -> int:  # an emptied box counts as no days
        return days.value if isinstance(days.value, int) else 0

    def run() -> None:
        error.set(None)
        done.set(0.0)
        try:
            result.set(compare_structures(latest.current, asked_days(), progress=done.set, stop=stop.current))
        except Cancelled:
            error.set("The comparison was cancelled.")
        except ScenarioError as problem:
            error.set(str(problem))
        except Exception as problem:  # never let a bad run break the session
            error.set(f"The comparison failed: {problem}")

    task = solara.lab.use_task(run, dependencies=None)

    def start() -> None:
        stop.current = threading.Event()  # before the thread starts, so a Cancel or a close right away counts
        task()

    problem = days_problem(settings, asked_days(), server)
    comparison: Comparison | None = result.value
    lines = solara.use_memo(lambda: comparison and charts.compare_figure(comparison.frames), [id(comparison)])
    bars = solara.use_memo(lambda: comparison and charts.compare_bars(comparison.summaries), [id(comparison)])
    Md(f"### {names[:1].upper()}{names[1:]} side by side")
    Caption(
        "The company in the side panel runs under each structure on the same seed, so every structure meets "
        "exactly the same customers; only how the company decides differs. Leaving this tab or closing the "
        f"page stops a running comparison. {server.caption()}"
    )
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt("Days to run", value=days, continuous_update=False)
        solara.Button("Run comparison", icon_name="mdi-compare", on_click=start,
                      disabled=task.pending or problem is not None, classes=["orgsim-compare-run"])
        if task.pending:
            solara.Button("Cancel", icon_name="mdi-stop", on_click=lambda: stop.current.set(),
                          classes=["orgsim-compare-cancel"])
    if task.pending:
        solara.ProgressLinear(value=round(100 * done.value), classes=["orgsim-compare-progress"])
        Caption(f"Running {settings_label(latest.current, asked_days())}: {done.value:.0%} done.")
    if problem:
        solara.Error(problem, classes=["orgsim-compare-problem"])
    if error.value:
        solara.Error(error.value)
    if comparison is None:
        solara.Info(f"Press Run comparison to run each structure: {names}.")
        return
    stale = comparison.settings != settings
    with solara.Column(classes=["orgsim-compare"] + (["orgsim-compare-stale"] if stale else [])):
        if stale:
            solara.Warning(
                "Out of date: the side panel's settings have changed since this comparison ran. "
                "Press Run comparison to compare the current company.", classes=["orgsim-compare-stale-note"]
            )
        Md(f"**Compared:** {comparison.label()}", classes=["orgsim-compare-label"])
        solara.FigureMatplotlib(lines, dependencies=[id(comparison)], format="png")
        Caption(
            f"Working days 1–{comparison.days}, seed {comparison.seed}: each line is one structure, on shared axes. "
            "Decision time is smoothed over 5 days."
        )
        solara.FigureMatplotlib(bars, dependencies=[id(comparison)], format="png")
        Caption("The headline metrics at the end of the comparison.")
        Html(summary_html(comparison), classes=["orgsim-compare-table"])
