"""The orgsim dashboard page (served by `orgsim dashboard`, i.e. `solara run sim/dashboard/app.py`).

The company lives inside `Page`, created with `solara.use_memo`: every browser
session gets its own `Session`, so one participant's actions never show in
another's. Nothing model-related is created at module level.
"""

from __future__ import annotations

import solara
import solara.server.settings

from sim.dashboard import limits
from sim.dashboard.compare_view import CompareView
from sim.dashboard.controls import RunCaption, RunControls, SettingsPanel
from sim.dashboard.facilitator_view import FacilitatorPage
from sim.dashboard.results_view import ResultsView
from sim.dashboard.painter import Painter
from sim.dashboard.play import use_play
from sim.dashboard.simulation_view import (ExportPanel, LossPanel, MetricCards, MetricsCaption, OrgCaption,
                                          OrgPanel, TimeSeriesCaption, TimeSeriesPanel)
from sim.dashboard.session import Session, Settings
from sim.dashboard.team_view import DebriefView, TeamPanel
from sim.dashboard.text import Caption
from sim.scenario import ScenarioError

# Solara's "runs on Solara" badge sits on top of the page's bottom right corner, over the charts.
solara.server.settings.theme.show_banner = False


@solara.component
def Page():
    session: Session = solara.use_memo(Session, [])  # one company per browser session
    painter: Painter = solara.use_memo(Painter, [])  # its charts, drawn by whoever steps it
    draft = solara.use_reactive(session.settings)  # what the side panel shows (may be invalid)
    version = solara.use_reactive(session.version)  # bumps when the company changes: panels redraw
    error = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    days_per_update = solara.use_reactive(1)  # while playing
    seconds_between = solara.use_reactive(0.0)  # the render interval while playing

    def rebuild(settings: Settings) -> None:
        playing.set(False)
        with session.lock:
            problem = session.reset(settings)
        error.set(None if problem is None else f"{problem}. Step and Play wait until the settings can run.")
        version.set(session.version)

    def on_draft_change():
        if draft.value != session.settings:
            rebuild(draft.value)
        else:
            error.set(None)  # back to the settings that run: an old message would be stale

    solara.use_effect(on_draft_change, [draft.value])

    def choose_scenario(name: str) -> None:
        try:
            draft.set(Settings.for_scenario(name))
        except ScenarioError as problem:
            error.set(str(problem))

    def step(days: int = 1) -> bool:
        try:
            session.step(days)
        except Exception as problem:  # a model error must not break the session
            error.set(f"The model stopped: {problem}")
            return False
        finally:
            painter.take(session)  # drawn here, outside the render that follows: a click need not wait for it
            version.set(session.version)
        return True

    use_play(session, playing, days_per_update, seconds_between, step)
    # The same callables at every render (they use only this session's lasting objects), so a panel whose
    # other arguments did not change is not rendered again when a day is stepped.
    on_scenario = solara.use_memo(lambda: choose_scenario, [])
    on_reset = solara.use_memo(lambda: (lambda: rebuild(session.settings)), [])
    on_step = solara.use_memo(lambda: (lambda: step(1)), [])
    blocked = draft.value != session.settings  # the side panel holds settings that cannot run

    picture = solara.use_memo(lambda: painter.take(session), [version.value])
    snapshot = picture.snapshot

    solara.Title("orgsim dashboard")
    with solara.Sidebar():
        TeamPanel(session, draft.set, on_reset)
        SettingsPanel(draft, on_scenario)
        Caption(limits.current().caption())  # what this server lets one participant ask for
    with solara.Column(classes=["orgsim-page"]):
        if error.value:
            solara.Error(error.value, classes=["orgsim-error"])
        DebriefView()
        with solara.lab.Tabs(lazy=True):
            with solara.lab.Tab("Simulation"):
                RunControls(playing, on_step, on_reset, snapshot, days_per_update,
                            seconds_between, blocked)
                MetricCards(snapshot)
                with solara.Columns([11, 9], gutters_dense=True):  # the key charts fit a 1280x720 screen
                    TimeSeriesPanel(picture)
                    with solara.Column(gap="0px"):
                        OrgPanel(picture)
                        LossPanel(snapshot)
                MetricsCaption(snapshot)
                TimeSeriesCaption(snapshot)
                OrgCaption(snapshot)
                RunCaption()
                ExportPanel(session, snapshot)
            with solara.lab.Tab("Compare structures"):
                CompareView(session.settings, snapshot.horizon_days)
            with solara.lab.Tab("Sweep results"):
                ResultsView()


@solara.component
def Layout(children=[]):
    """Solara's usual page frame, without tabs for the routes: participants see no link to the facilitator's page."""
    solara.AppLayout(children=children, navigation=False)


# The participants' page, and the facilitator's (it refuses anyone without the token `orgsim dashboard` printed).
routes = [
    solara.Route(path="/", component=Page, label="orgsim", layout=Layout),
    solara.Route(path="facilitator", component=FacilitatorPage, label="facilitator"),
]
