"""The orgsim dashboard page (served by `orgsim dashboard`, i.e. `solara run sim/dashboard/app.py`).

The company lives inside `Page`, created with `solara.use_memo`: every browser
session gets its own `Session`, so one participant's actions never show in
another's. Nothing model-related is created at module level.
"""

from __future__ import annotations

import asyncio

import solara

from sim.dashboard.compare_view import CompareView
from sim.dashboard.controls import RunControls, SettingsPanel
from sim.dashboard.results_view import ResultsView
from sim.dashboard.simulation_view import ExportPanel, LossPanel, MetricCards, OrgPanel, TimeSeriesPanel
from sim.dashboard.session import Session, Settings
from sim.scenario import ScenarioError

PLAY_PAUSE_S = 0.05  # between days while playing, so the page keeps up


@solara.component
def Page():
    session: Session = solara.use_memo(Session, [])  # one company per browser session
    draft = solara.use_reactive(session.settings)  # what the side panel shows (may be invalid)
    version = solara.use_reactive(session.version)  # bumps when the company changes: panels redraw
    error = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(1)  # days per update while playing

    def rebuild(settings: Settings) -> None:
        playing.set(False)
        with session.lock:
            problem = session.reset(settings)
        error.set(None if problem is None else f"{problem}. The company shown still runs the last valid settings.")
        version.set(session.version)

    def on_draft_change():
        if draft.value != session.settings:
            rebuild(draft.value)

    solara.use_effect(on_draft_change, [draft.value])

    def choose_scenario(name: str) -> None:
        try:
            draft.set(Settings.for_scenario(name))
        except ScenarioError as problem:
            error.set(str(problem))

    def step(days: int = 1) -> None:
        try:
            session.step(days)
        except Exception as problem:  # a model error must not break the session
            error.set(f"The model stopped: {problem}")
        version.set(session.version)

    async def play_loop() -> None:
        # On the session's event loop, like a click on Step: each day renders before the next.
        while playing.value:
            if session.finished:
                playing.set(False)
                break
            step(max(1, min(int(speed.value), int(session.horizon_days - session.day))))
            await asyncio.sleep(PLAY_PAUSE_S)

    solara.lab.use_task(play_loop, dependencies=[playing.value])

    snapshot = solara.use_memo(session.snapshot, [version.value])

    solara.Title("orgsim dashboard")
    with solara.Sidebar():
        SettingsPanel(draft, choose_scenario)
    with solara.Column(classes=["orgsim-page"]):
        if error.value:
            solara.Error(error.value, classes=["orgsim-error"])
        with solara.lab.Tabs(lazy=True):
            with solara.lab.Tab("Simulation"):
                RunControls(session, playing, lambda: step(1), lambda: rebuild(session.settings), snapshot, speed)
                MetricCards(snapshot)
                TimeSeriesPanel(snapshot, session.company)
                with solara.Columns([5, 8]):
                    LossPanel(snapshot)
                    OrgPanel(snapshot)
                ExportPanel(session, snapshot)
            with solara.lab.Tab("Compare structures"):
                CompareView(session.settings, snapshot.horizon_days)
            with solara.lab.Tab("Sweep results"):
                ResultsView()
