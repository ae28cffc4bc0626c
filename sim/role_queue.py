"""A role's own queue of jobs (IT incidents, web-marketing campaigns): its staff serve it, or an agency does.

The role's staff take jobs from a shared queue (`sim.inbox`), oldest first,
when they have nothing of their own to do, as the operations staff take
inquiries. A role with no staff buys the work from an agency, which starts
each job after its response delay and works on every job at once (no queue):
docs/ODD.md §7.20.
"""

from __future__ import annotations

from math import inf

from sim.inbox import Inbox


class Job:
    """An incident or a campaign: work that waits in its role's queue (or goes to an agency)."""

    __slots__ = ("opened_h", "work", "agency_delay_h", "done_h", "staff_id", "outcome", "deadline_h")

    def __init__(self, opened_h: float, work: float, agency_delay_h: float):
        self.opened_h = opened_h
        self.work = work  # in mean jobs (exponential, mean 1): hours = this x the role's mean hours
        self.agency_delay_h = agency_delay_h  # drawn for every job, used when an agency does it
        self.done_h: float | None = None
        self.staff_id = None
        self.outcome = "open"  # what the shared queue checks (`sim.inbox`)
        self.deadline_h = inf  # a job never walks away


class RoleTask:
    """A role's work on one job (`sim.agents.Worker`): its hours, and what follows when it is done."""

    exponential = False

    def __init__(self, mean_hours: float, finished):
        self.mean_hours = mean_hours
        self.finished = finished

    def hours(self, worker, job: Job) -> float:
        return job.work * self.mean_hours

    def done(self, worker, job: Job, hours: float) -> None:
        self.finished(job)


class RoleQueue:
    """One role's queue: its staff, or an agency when it has none."""

    def __init__(self, model, mean_hours: float, finished):
        self.model = model
        self.mean_hours = mean_hours
        self.finished = finished  # called with each job when it is done
        self.inbox = Inbox(model, RoleTask(mean_hours, self._done), None)
        self.staff: list = []

    def serve_with(self, staff: list) -> None:
        """These people now hold the role (a structure was installed)."""
        self.staff = staff
        self.inbox.serve_with(staff)

    def put(self, job: Job) -> None:
        if self.staff:
            self.inbox.put(job)
        else:  # the agency: it starts after its response delay, whatever else it works on
            self.model.schedule_at(self.model.time + job.agency_delay_h + job.work * self.mean_hours, self._done, job)

    def waiting(self) -> int:
        """Jobs in the queue nobody has taken yet."""
        return len(self.inbox.waiting)

    def _done(self, job: Job) -> None:
        job.outcome, job.done_h = "done", self.model.time
        self.finished(job)
