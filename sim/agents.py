"""The agents: employees, units and dealers (Mesa agents), and customers.

An `Employee` (and a `Dealer`) is a single FIFO server: work (a quote, a
decision, a conflict to resolve) waits in its queue and is done one item at a
time. It acts only when work arrives or finishes, so a run costs events, not
employees x ticks.
"""

from __future__ import annotations

from collections import deque
from heapq import heappush
from itertools import chain
from math import inf, log

import mesa

from sim.calendar import OPEN


class Worker(mesa.Agent):
    """Anyone with a work queue: one item at a time, in arrival order.

    A piece of work is a task and an item: the task (`market.QUOTE`,
    `conflicts.RESOLVE`, the model's `DecisionProcess`, ...) says how long the
    item takes this worker (`hours`, or an exponential time at the worker's
    `decision_rate` when `task.exponential`) and what follows when it is done
    (`done`). A worker with nothing of its own to do takes work from its shared
    inbox, if it answers from one. Every decision passes through here once per
    hop, so this is the model's innermost loop: it reads the clock from
    `model._time` (the storage behind Mesa's observable `time`, see `sim.events`).
    """

    def __init__(self, model):
        super().__init__(model)
        self.calendar = OPEN  # until a vacancy or meetings give it its own (sim.calendar)
        # Work waiting: the shared empty tuple until work first waits (most people's never does), then a deque
        # of its own (benchmarks/PROFILE.md, ninth pass).
        self.queue: deque | tuple = ()
        self.busy = False
        self.inbox = None  # the shared inbox this worker answers from when free (sim.inbox)
        self.idle_listed = False  # waiting in its inbox's list of idle staff
        self.worked_h = 0.0  # hours of finished work since the warm-up (utilization)
        self.alarm_at = inf  # queue length at which the adaptation hears of an overload (sim.adaptation)
        self.overloaded_since: float | None = None
        self.watched = True  # the adaptation reviews its busy share (set False to be registered on first queueing)

    @property
    def backlog(self) -> int:
        """Items waiting or in progress: what the dashboard colours by."""
        return len(self.queue) + self.busy

    def submit(self, task, item) -> None:
        """Put work in the queue, or start it at once when idle (its duration drawn now)."""
        model = self.model
        model.queued_jobs += 1
        if self.busy:
            queue = self.queue
            if not queue:
                queue = self.queue = deque()
            queue.append((task, item))
            if not self.watched:  # work waits for this person: from now on the adaptation reviews how busy it is
                model.adaptation.review_busy(self)
            if len(queue) >= self.alarm_at and self.overloaded_since is None:
                model.adaptation.overloaded(self)
            return
        self.busy = True
        if task.exponential:
            # Random.expovariate(decision_rate) written out (CPython's own formula, the same number):
            # this runs once per hop of every decision, where a call would cost more than the draw.
            # A decision whose customer has left is dropped unseen.
            hours = 0.0 if item.dropped else -log(1.0 - model.service_random.random()) / self.decision_rate
        else:
            hours = task.hours(self, item)
        calendar = self.calendar
        end = model._time + hours if calendar.always_open else calendar.finish_time(model._time, hours)
        # model.schedule_at written out (the same event): a call here would be paid on every hop.
        heappush(model._events, (end, next(model._event_order), _finish, (self, task, item, hours)))


def _finish(job) -> None:
    """The event that ends a worker's piece of work (`job`: worker, task, item, hours): what follows it, then
    the next item in the worker's queue or inbox. One function for every worker rather than a method bound
    to each (benchmarks/PROFILE.md, tenth pass)."""
    worker, task, item, hours = job
    worker.busy = False
    worker.worked_h += hours
    task.done(worker, item, hours)
    model = worker.model
    if worker.busy:  # what followed came back to this worker
        model.queued_jobs -= 1
        return
    queue = worker.queue
    if queue:
        model.queued_jobs -= 2  # the finished item, and the next one, which submit counts again
        if worker.overloaded_since is not None and len(queue) <= worker.alarm_at:
            model.adaptation.relieved(worker)
        worker.submit(*queue.popleft())
        return
    model.queued_jobs -= 1
    if worker.inbox is not None:
        worker.inbox.take(worker)


class Employee(Worker):
    """A person in the company: a unit, a place in the structure, skill and a work queue."""

    def __init__(self, model, unit: str, skill: float):
        super().__init__(model)
        self.unit = unit
        self.base_skill = skill  # internet literacy when hired, 0-1
        self.hired_h = 0.0
        self.remote = False
        self.level: int | None = None  # hierarchy: 0 = general manager
        self.manager: Employee | None = None
        self.reports: list[Employee] = []
        self.circle = None  # holacracy: the circle this person works in
        self.roles: list[str] = []
        self.decision_rate = 0.0  # decisions per hour when deciding
        # The largest amount of each kind of decision this person may grant: a table that may be shared by
        # rank, so it is replaced, never changed in place (sim.authority).
        self.limits: dict[str, float] = {}
        self.own_limits: dict[str, float] = {}  # those its rank gives (what it may delegate; sim.adaptation)
        # People who share this person's decisions (sim.adaptation): the shared empty tuple until there are some.
        self.deputies: list[Employee] | tuple = ()
        self.principal: Employee | None = None  # whose decisions this person shares, as a deputy or filler
        self.office_turn = 0  # where the next search for the least busy member of its office starts
        self.coordination: list = []  # recurring meetings (structure, committee) this person attends

    def office_member(self) -> Employee:
        """Who takes the next item for this person's office: the member with the shortest queue, ties
        taken in turn, so that an office of equals shares its work evenly."""
        # The office is this person (place 0) and its deputies (places 1 on). It is searched in place,
        # from `turn` round to just before it: an office can have hundreds of deputies, and the
        # search usually ends within the first two members looked at.
        deputies = self.deputies
        size = len(deputies) + 1
        turn = self.office_turn = (self.office_turn + 1) % size
        chosen, least = self, inf
        for place in chain(range(turn, size), range(turn)):
            member = deputies[place - 1] if place else self
            backlog = len(member.queue) + member.busy
            if backlog < least:
                if backlog == 0:  # nobody has less: the search is over (a large office is searched often)
                    return member
                chosen, least = member, backlog
        return chosen

    @property
    def skill(self) -> float:
        """Internet literacy now: what was brought at hiring plus training since (diminishing returns)."""
        return self.model.workforce.trained_skill(self)

    def clear_position(self) -> None:
        """Forget the place in the structure (before a reorganization builds a new one)."""
        self.level, self.manager, self.reports, self.circle, self.roles = None, None, [], None, []
        self.limits, self.own_limits, self.deputies, self.principal = {}, {}, (), None


class Unit(mesa.Agent):
    """A department (hierarchy) or a function's circle family (holacracy)."""

    def __init__(self, model, name: str):
        super().__init__(model)
        self.name = name
        self.members: list[Employee] = []
        self.head: Employee | None = None
        self.incentives = model.params.policies.incentives
        self.open_conflicts: dict[str, int] = {}  # other unit -> open conflicts


class Dealer(Worker):
    """A regional distributor's outlet: sells our products, or a competitor's when its loyalty is low."""

    def __init__(self, model, region: int, loyalty: float):
        super().__init__(model)
        self.region = region
        self.loyalty = loyalty
        self.standing_loyalty = loyalty  # what its loyalty returns to as conflicts and O2O sales fade (sim.dealers)
        self.grievance = 0.0
        self.effort = 1.0  # how hard it sells our products to its own customers, 0-1 (sim.dealers)
        self.unit = "dealer"


class Customer:
    """A buyer who sends one online inquiry, then buys or walks away.

    Not registered with Mesa's agent sets: a customer has no step of its own and
    lives only as long as its inquiry (the inquiry holds its draws), and a yy run
    creates 16,000 of them (benchmarks/PROFILE.md, sixth pass).
    """

    __slots__ = ("model", "region")

    def __init__(self, model, region: int):
        self.model = model
        self.region = region

    def remove(self) -> None:
        """The customer's inquiry is closed: it leaves the model (nothing else holds it)."""
        self.model = None
