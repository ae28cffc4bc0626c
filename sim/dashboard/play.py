"""Play: a session's company stepped and repainted again and again, off the page's render path.

Every session of the server shares one Python interpreter, so a playing session
takes time from everyone else's clicks. With other sessions playing, each rests
after an update in proportion to what the update cost (`rest_after`), so that
all the plays together keep to about `PLAY_SHARE` of the server and a Step
anywhere in the room still gets through.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from typing import Callable, Iterator

import solara

from sim.dashboard.session import Session

BREATH_S = 0.02  # after each paint, so a click (Pause) gets the page between two paints
PAINT_TIMEOUT_S = 5.0  # a paint that never comes (a page gone) ends the play
PLAY_SHARE = 0.5  # of the server's time, at most, for every playing session together while more than one plays


class Players:
    """How many sessions of this server are playing now."""

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0

    @contextlib.contextmanager
    def joined(self) -> Iterator[None]:
        with self._lock:
            self.count += 1
        try:
            yield
        finally:
            with self._lock:
                self.count -= 1


PLAYERS = Players()  # the server's: one interpreter serves every session


def rest_after(update_s: float, players: int, share: float = PLAY_SHARE) -> float:
    """Seconds a playing session waits after an update that took `update_s`, with `players` playing in all.

    Alone it does not wait. With n players each waiting update_s x (n - 1) / share, each takes about
    share / (share + n - 1) of the server, and all n together about n x share / (share + n - 1): 0.67 of
    it for 2 players at share 0.5, 0.56 for 5, approaching `share` as n grows.
    """
    return update_s * max(0, players - 1) / share


def use_play(session: Session, playing: solara.Reactive[bool], days: solara.Reactive[int],
             seconds: solara.Reactive[float], update: Callable[[int], bool]) -> None:
    """While `playing`, run `update(days)` (step and repaint) again and again in a worker thread.

    A plain function given to `use_task` runs in its own thread (Solara's way to keep blocking work off
    the event loop), and setting a reactive value there repaints from that thread: stepping and drawing
    never hold up a click, in this session or any other. Each update waits until the page has painted
    it: a thread that changes state faster than the page renders keeps the renderer busy to the end
    (the page froze on day 0, then jumped to the horizon). Pause is read before every update, so at most
    the update under way finishes after it. `update` returns False when the model failed.
    """
    painted = solara.use_memo(threading.Event, [])
    solara.use_effect(painted.set, [session.version])  # effects run once a render pass is done
    closed = solara.use_memo(threading.Event, [])
    solara.use_effect(lambda: closed.set, [])  # its clean-up runs when the page goes (a closed tab)

    latest = solara.use_ref(None)  # the newest run: a run that is not (Pause, then Play again) stops

    def play() -> None:
        run = latest.current = object()

        def going() -> bool:  # not paused, not replaced by a newer run, and the page still open
            return not closed.is_set() and playing.value and latest.current is run

        last_paint, rest = 0.0, 0.0
        with PLAYERS.joined():
            while going() and not session.finished:
                # The render interval (read each time: the participant may change it) and the room's share,
                # in slices short enough for Pause to cut them.
                while going() and time.monotonic() - last_paint < max(seconds.value, rest):
                    time.sleep(0.02)
                if not going():
                    return
                started = time.monotonic()
                painted.clear()
                if not update(max(1, min(int(days.value), math.ceil(session.horizon_days - session.day)))):
                    break
                if not painted.wait(PAINT_TIMEOUT_S):
                    break  # no page painted it: nobody is watching
                last_paint = time.monotonic()
                rest = rest_after(last_paint - started, PLAYERS.count)
                time.sleep(BREATH_S)
        if latest.current is run and not closed.is_set():
            playing.set(False)  # the horizon or a model error ended the play

    solara.lab.use_task(play, dependencies=[playing.value])
