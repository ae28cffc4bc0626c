"""The event core: a Mesa model whose future lies in one binary heap.

Everything that happens in a run is an event: a callback and one argument due
at a model time (in working hours). `schedule_at` puts an event on the heap;
Mesa's `run_until`, `run_for` and `step` (one working hour) pop them in time
order, ties in the order they were scheduled. Nothing else touches the heap,
but `Worker.submit`, which pushes its finish event as `schedule_at` would
(once per hop of every decision, where the call would cost more than the push).
`pending` lists what is scheduled.

Mesa's own event list is not used: its events compare in Python, which costs
an order of magnitude more per event than a tuple in `heapq`
(benchmarks/PROFILE.md). This is why Mesa is pinned exactly: `_advance_time`
and the `time` observable's storage (`_time`) are Mesa internals.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import math
from itertools import count

import mesa
from mesa.experimental.mesa_signals import ObservableSignals

from sim.calendar import EPSILON_H, Recurrence


class _SpanEnded(Exception):
    """Raised by the event that ends a `run_until` span (see EventModel._advance_time)."""


class EventModel(mesa.Model):
    """A Mesa model driven by scheduled events instead of a step over every agent."""

    # Slots, not instance attributes: CPython reads an instance's attributes from a fast inline
    # array only while it has at most 30, and Mesa's Model already sets 21 (benchmarks/PROFILE.md).
    __slots__ = ("_events", "_event_order")

    def __init__(self, *, rng: int):
        super().__init__(rng=rng)
        self._events: list = []
        self._event_order = count()

    def schedule_at(self, time_h: float, callback, argument=None) -> None:
        """Call `callback(argument)` at model time `time_h` (ties run in scheduling order)."""
        heapq.heappush(self._events, (time_h, next(self._event_order), callback, argument))

    def pending(self) -> list[tuple[float, object, object]]:
        """The scheduled events, soonest first (ties in scheduling order): (time, callback, argument) each."""
        return [(time_h, callback, argument) for time_h, _, callback, argument in sorted(self._events)]

    def at_next_meeting(self, meeting: Recurrence, callback) -> None:
        """Call `callback` when the next `meeting` starts (strictly after now)."""
        self.schedule_at(meeting.next_start(self.time + EPSILON_H), callback)

    def _advance_time(self, until: float) -> None:
        # Mesa's run_until, run_for and step all come here.
        if until < self._time:
            return
        events = self._events
        pop = heapq.heappop
        # The span ends with an event of its own, after every event due at `until` (its order is
        # infinite), so the loop needs no time check per event and nothing is popped too early.
        end = (until, math.inf, self._end_span, None)
        heapq.heappush(events, end)
        # A run keeps every record, and the cycle collector's passes during the loop would rescan
        # them over and over (a third of the CPU at 10,000 employees). The loop makes no cyclic
        # garbage, so the collector pauses while it runs and resumes, as the caller had it, after.
        collector_was_on = gc.isenabled()
        gc.disable()
        try:
            if self._has_subscribers("time", ObservableSignals.CHANGED):  # e.g. a dashboard watches the clock
                while True:
                    time_h, _, callback, argument = pop(events)
                    self.time = time_h
                    callback(argument)
            else:
                # Unobserved, Mesa's `time` observable only stores the value in `_time`: store it
                # directly and skip the descriptor's per-event cost.
                while True:
                    time_h, _, callback, argument = pop(events)
                    self._time = time_h
                    callback(argument)
        except _SpanEnded:
            pass
        except BaseException:  # a callback failed or the run was interrupted: leave no stale end behind
            with contextlib.suppress(ValueError):
                events.remove(end)
            heapq.heapify(events)
            raise
        finally:
            if collector_was_on:
                gc.enable()
        self.time = until

    @staticmethod
    def _end_span(_=None) -> None:
        raise _SpanEnded
