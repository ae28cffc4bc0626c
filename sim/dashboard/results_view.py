"""The Sweep results tab: browse the figures (and report) of a finished sweep's results folder."""

from __future__ import annotations

import solara

from sim.dashboard.session import DEFAULT_RESULTS_DIR, open_results
from sim.dashboard.text import Caption, Md


@solara.component
def ResultsView():
    """Pick a results folder, then one of its figures; report.md folds out below."""
    folder = solara.use_reactive(DEFAULT_RESULTS_DIR)
    chosen = solara.use_reactive(None)
    found = solara.use_memo(lambda: open_results(folder.value), [folder.value])
    Md("### A finished sweep's figures")
    Caption(
        "Open the results folder of `orgsim sweep` / `orgsim report` (relative to where the dashboard was "
        "started) and browse its figures."
    )
    solara.InputText("Results folder", value=folder, continuous_update=False)
    if found.problem:
        solara.Warning(found.problem)
    if not found.figures:
        return
    names = [str(p.relative_to(found.path)) for p in found.figures]
    current = chosen.value if chosen.value in names else names[0]
    solara.Select(f"Figure ({len(names)} found)", values=names, value=current, on_value=chosen.set)
    try:
        data = (found.path / current).read_bytes()
    except OSError as problem:
        solara.Error(f"cannot read {current}: {problem.strerror or problem}")
        return
    solara.Image(data, width="100%", classes=["orgsim-result-figure"])
    if found.report:
        with solara.Details("report.md"):
            Md(found.report)
