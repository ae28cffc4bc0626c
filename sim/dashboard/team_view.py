"""A participant's place in the room: the team name, what the facilitator sends, and the debrief.

`TeamPanel` sits at the top of the side panel: it registers the page's
company in the room (sim/dashboard/room.py) under the team name typed there,
and a worker thread applies what the facilitator pushes (a scenario, a reset)
through the page's own callbacks, so a push behaves like the participant's
own change. `DebriefView` shows every team's results once the facilitator
reveals them.
"""

from __future__ import annotations

import functools
import threading
from typing import Callable

import solara

from sim.dashboard import charts
from sim.dashboard.facilitator_view import RoomView, room_figure
from sim.dashboard.room import ROOM, Debrief
from sim.dashboard.session import Session, Settings
from sim.dashboard.text import Caption
from sim.scenario import ScenarioError

POLL_S = 1.0  # how soon a push or the debrief reaches a team
# The debrief this browser session shows (0: none). Solara keeps a reactive variable per browser session.
debrief_shown = solara.reactive(0)


@solara.component
def TeamPanel(session: Session, on_settings: Callable[[Settings], None], on_reset: Callable[[], None]):
    """The team name box; joins the room, leaves it when the page closes, and follows the facilitator."""
    team_id = solara.use_memo(lambda: ROOM.join(session), [session])
    solara.use_effect(lambda: (lambda: ROOM.leave(team_id)), [team_id])
    name = solara.use_reactive("")

    def follow(cancel: threading.Event) -> None:
        while not cancel.wait(POLL_S):
            broadcast = ROOM.pending(team_id)
            try:
                if broadcast is not None and broadcast.kind == "scenario":
                    on_settings(broadcast.settings_for(session.settings))
                elif broadcast is not None:
                    on_reset()
            except ScenarioError:  # the page shows its own errors; this thread must keep following the room
                pass
            debrief = ROOM.debrief
            debrief_shown.set(debrief.serial if debrief else 0)

    solara.use_thread(follow, dependencies=[team_id], intrusive_cancel=False)
    solara.InputText("Team name", value=name.value, on_value=lambda text: name.set(ROOM.rename(team_id, text)),
                     continuous_update=False, classes=["orgsim-team-name"])
    if not name.value:
        Caption("Type your team's name and press Enter: the facilitator sees every team by its name.")


@functools.lru_cache(maxsize=2)
def debrief_png(debrief: Debrief) -> bytes | None:
    """The debrief's chart, drawn once for every participant who sees it."""
    return charts.png(room_figure(list(debrief.teams))) if debrief.teams else None


@solara.component
def DebriefView():
    """Every team's results side by side, once the facilitator has revealed them; nothing before."""
    debrief = ROOM.debrief
    if not debrief_shown.value or debrief is None or debrief.serial != debrief_shown.value:
        return
    with solara.Card("Debrief: every team's results", classes=["orgsim-debrief"]):
        Caption("What each team's company did, as it stood when the facilitator revealed the debrief.")
        RoomView(list(debrief.teams), debrief_png(debrief))
