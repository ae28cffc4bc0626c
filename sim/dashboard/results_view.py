"""The Sweep results tab: the figures (and report) of a finished sweep, chosen by name under the results root."""

from __future__ import annotations

import solara

from sim.dashboard.results_folder import open_sweep, results_root, sweep_names
from sim.dashboard.text import Caption, Md


@solara.component
def ResultsView():
    """Pick a sweep from the list, then one of its figures; report.md folds out below."""
    root = solara.use_memo(results_root, [])
    names = solara.use_memo(lambda: sweep_names(root), [])
    sweep = solara.use_reactive(names[0] if names else None)
    chosen = solara.use_reactive(None)
    found = solara.use_memo(lambda: sweep.value and open_sweep(sweep.value, root), [sweep.value])
    Md("### A finished sweep's figures")
    Caption(
        f"The finished sweeps in the results folder `{root.name}` this dashboard was started with "
        "(`orgsim sweep`, then `orgsim report`): choose one, then browse its figures."
    )
    if not names:
        solara.Info(f"No finished sweep in the results folder `{root.name}` yet: "
                    "run `orgsim sweep` and `orgsim report`.")
        return
    solara.Select("Sweep", values=names, value=sweep, classes=["orgsim-sweep"])
    if found.problem:
        solara.Warning(found.problem)
    if not found.figures:
        return
    figures = [str(p) for p in found.figures]
    current = chosen.value if chosen.value in figures else figures[0]
    solara.Select(f"Figure ({len(figures)} found)", values=figures, value=current, on_value=chosen.set)
    try:
        data = found.figure_bytes(current)
    except (OSError, ValueError):
        solara.Error(f"The figure {current} cannot be read.")
        return
    solara.Image(data, width="100%", classes=["orgsim-result-figure"])
    if found.report:
        with solara.Details("report.md"):
            Md(found.report, escape=False)
