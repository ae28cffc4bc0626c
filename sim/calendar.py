"""Model time, recurring meetings and the working time they take away.

Time is continuous, in working hours: 8 a day, 5 days a week, 260 days a year.

A member of a circle is unavailable while its circle meets. Rather than one
event per member per meeting, a job's end time is computed by skipping the
meeting windows that fall inside it, so meetings cost O(1) per job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


WORKING_HOURS_PER_DAY = 8.0
WORKING_DAYS_PER_YEAR = 260.0  # 52 weeks x 5 days
WORKING_DAYS_PER_MONTH = WORKING_DAYS_PER_YEAR / 12.0

EPSILON_H = 1e-9  # times closer than this are the same instant
FREE_MARGIN_H = 1e-6  # Calendar.finish_time's shortcut stays this far from the next meeting
MAX_SPAN_H = 100_000.0  # no job is pushed this far by meetings unless the calendar is full


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A meeting held every `interval_h`, first at `offset_h`, lasting `duration_h`."""

    interval_h: float
    offset_h: float
    duration_h: float

    def next_start(self, t: float) -> float:
        """Start of the first meeting that starts at or after `t`."""
        k = max(0, math.ceil((t - self.offset_h) / self.interval_h - EPSILON_H))
        return self.offset_h + k * self.interval_h

    def window_containing(self, t: float) -> tuple[float, float] | None:
        """The (start, end) of a meeting in progress at `t`, if any."""
        if self.duration_h <= 0 or t < self.offset_h - EPSILON_H:
            return None
        # The tolerance makes a meeting that starts "now" (up to rounding) count as in progress,
        # which keeps this consistent with next_start and guarantees finish_time progresses.
        k = math.floor((t - self.offset_h) / self.interval_h + EPSILON_H)
        start = self.offset_h + k * self.interval_h
        end = start + self.duration_h
        return (start, end) if start - EPSILON_H <= t < end else None

    def count_until(self, horizon_h: float) -> int:
        """How many meetings start before `horizon_h`."""
        if horizon_h <= self.offset_h:
            return 0
        return math.floor((horizon_h - self.offset_h - 1e-12) / self.interval_h) + 1


class Calendar:
    """When one person can work: the meetings they attend, and a vacancy while their position is empty."""

    __slots__ = ("_free_from", "_free_until", "always_open", "recurrences", "vacant_until")

    def __init__(self, recurrences: list[Recurrence] | None = None, vacant_until: float = 0.0):
        self.recurrences = [r for r in (recurrences or []) if r.duration_h > 0]
        self.vacant_until = vacant_until  # no work starts before this time (a vacancy after turnover)
        # Nothing ever blocks this person's time: work ends at start + hours (the worker checks
        # this flag instead of calling finish_time, once per piece of work).
        self.always_open = not self.recurrences and vacant_until <= 0.0
        # The last meeting-free stretch found: no meeting in progress at `_free_from`, and the
        # next one starts at `_free_until`. Inside it (FREE_MARGIN_H short of its end, far wider
        # than the rounding tolerances) the loop below would find nothing and return start + work.
        self._free_from = math.inf
        self._free_until = -math.inf

    @classmethod
    def of(cls, recurrences: list[Recurrence], vacant_until: float = 0.0) -> Calendar:
        """A calendar with these meetings and vacancy: the shared `OPEN` one when nothing blocks the time."""
        calendar = cls(recurrences, vacant_until)
        return OPEN if calendar.always_open else calendar

    def vacant(self, until_h: float) -> Calendar:
        """This calendar with the position empty until `until_h` (a new one: `OPEN` is shared)."""
        calendar = Calendar(self.recurrences, until_h)
        calendar.always_open = False
        return calendar

    def finish_time(self, start: float, work_h: float) -> float:
        """When `work_h` hours of work begun at `start` end, the vacancy waited out and meetings skipped."""
        if start < self.vacant_until:
            start = self.vacant_until
        if not self.recurrences:
            return start + work_h
        if self._free_from <= start and start + work_h <= self._free_until - FREE_MARGIN_H:
            return start + work_h
        t, remaining = start, work_h
        while True:
            if t - start > MAX_SPAN_H + work_h:
                raise RuntimeError("meetings, training and side work leave no working time in this calendar")
            in_meeting = [w for r in self.recurrences if (w := r.window_containing(t))]
            if in_meeting:
                t = max(end for _, end in in_meeting)
                continue
            next_meeting = min(r.next_start(t) for r in self.recurrences)
            self._free_from, self._free_until = t, next_meeting
            if t + remaining <= next_meeting:
                return t + remaining
            remaining -= next_meeting - t
            t = next_meeting

    def hours_until(self, horizon_h: float) -> float:
        """Meeting hours one member spends before `horizon_h`."""
        return sum(r.count_until(horizon_h) * r.duration_h for r in self.recurrences)

    def open_hours(self, start_h: float, end_h: float) -> float:
        """Hours between `start_h` and `end_h` that the calendar leaves free for work (its windows taken out)."""
        return end_h - start_h - (self.hours_until(end_h) - self.hours_until(start_h))


# The calendar of everyone whose time nothing blocks, shared (most people's; benchmarks/PROFILE.md, ninth
# pass). Never changed in place: a vacancy or meetings give a worker a calendar of its own.
OPEN = Calendar()
