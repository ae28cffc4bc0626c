"""The units' own work: what production, logistics, finance and R&D do besides answering e-commerce.

Every order, an online sale (`online_order`, from `sim.market`) or a dealer's
bulk order (`dealer_order`), goes through three queues in turn: finance
approves its credit, production builds it, logistics ships it. R&D's own
queue holds the designs of the customizations its teams have taken on
(`take_on`, from `DecisionProcess.refuses`). Each queue is first in, first
out, and is worked through once a working day (`day`, from the model's daily
observation) at the unit's capacity: its headcount times its rate per worker
per day (`[operations]`). An order passes at most one queue a day, so it
spends at least a day in each.

Work is counted in *standard orders*: an order of value V is V / V̄ of them
(V̄ = `market.order_value_mean`), so a bulk order weighs what it is worth; a
customized order asks production for (1 + its customization's cost share)
times that. A unit's *load* is the work waiting in its queue over its daily
capacity: the days it would take to clear (docs/ODD.md §7.8). It is what a
unit weighs when another unit asks it to take on a request, and what the
summary reports (`orders_backlog_days`, `rnd_backlog_days`).

One daily pass costs a step per order or design finished, whatever the
headcount: the run's cost grows with orders, not with employees x days.
"""

from __future__ import annotations

from collections import deque

from pydantic import Field

from sim.scenario_settings import Settings

# A hair of work: what is left of a job after floating-point subtraction, taken as none.
EPSILON_WORK = 1e-9


class OperationsSettings(Settings):
    """`[operations]`: how much of its own work one worker of each unit does a day (docs/ODD.md §7.8)."""

    finance_orders_per_worker_day: float = Field(2.5, gt=0.0, le=10_000.0)
    production_orders_per_worker_day: float = Field(0.4, gt=0.0, le=10_000.0)
    logistics_orders_per_worker_day: float = Field(1.5, gt=0.0, le=10_000.0)
    rnd_designs_per_worker_day: float = Field(0.25, gt=0.0, le=10_000.0)


class Stage:
    """One unit's own queue of work: jobs wait in arrival order and are done at the unit's daily capacity.

    A job is a list [work left here, its work in every queue of its path]: an order moves from queue to
    queue as the same list, so a hand-over allocates nothing.
    """

    __slots__ = ("unit", "per_worker", "queue", "waiting", "capacity", "arrived", "done", "load_days_sum", "days")

    def __init__(self, unit, per_worker: float):
        self.unit = unit  # the Unit whose headcount sets the capacity
        self.per_worker = per_worker
        self.queue: deque = deque()
        self.waiting = 0.0  # work in the queue, in its own units (standard orders, designs)
        self.capacity = per_worker * len(unit.members)  # work a day; `day` follows hires and reorganizations
        self.arrived = self.done = 0  # jobs, since the start
        self.load_days_sum = 0.0  # the load at each daily pass since the start, summed
        self.days = 0

    def add(self, work: float, works: list | tuple = ()) -> None:
        """A job of `work` joins the back of the queue (`works`: an order's work in every queue of its path)."""
        self.queue.append([work, works])
        self.waiting += work
        self.arrived += 1

    def load(self) -> float:
        """Days of work waiting: what the queue holds over the unit's capacity a day."""
        return self.waiting / self.capacity

    def day(self, following: Stage | None = None, place: int = 0) -> int:
        """Record today's load, then do a day's capacity of work, oldest first; how many jobs it finished.

        A finished order moves on to `following`, the next queue of its path, where `place` is that
        queue's place on it. Capacity left when the queue is empty is lost (a unit cannot bank idle
        time); a job larger than what is left of the day is worked on and finished on a later day.
        """
        capacity = self.capacity = self.per_worker * len(self.unit.members)
        waiting = self.waiting
        self.load_days_sum += waiting / capacity
        self.days += 1
        budget = capacity + EPSILON_WORK  # a job that needs a hair more than is left still finishes today
        queue = self.queue
        done = 0
        moved = 0.0  # work handed to the following queue
        while queue:
            job = queue[0]
            work = job[0]
            if work > budget:
                job[0] = work - budget
                waiting -= budget
                break
            queue.popleft()
            budget -= work
            waiting -= work
            done += 1
            if following is not None:  # Stage.add written out: the same list moves on
                next_work = job[0] = job[1][place]
                following.queue.append(job)
                moved += next_work
        self.waiting = waiting if queue else 0.0  # no rounding left behind in an empty queue
        self.done += done
        if following is not None:
            following.waiting += moved
            following.arrived += done
        return done


class Operations:
    """The own work of every unit of one model: the order pipeline and R&D's designs."""

    def __init__(self, model):
        self.model = model
        settings = model.params.operations
        self.value_unit = model.params.market.order_value_mean  # the value of one standard order
        units = model.units
        # An order's path: the queues it passes, in order. A unit with no staff (a share of 0) does no such
        # work: its orders pass it by.
        rates = {
            "finance": settings.finance_orders_per_worker_day,
            "production": settings.production_orders_per_worker_day,
            "logistics": settings.logistics_orders_per_worker_day,
        }
        self.stages = {name: Stage(units[name], rate) for name, rate in rates.items() if name in units}
        self.path = tuple(self.stages.values())
        self.build = tuple(self.stages).index("production")  # every company has production and R&D (REQUIRED_UNITS)
        self.usual = len(self.path) == 3  # finance, production and logistics all have staff
        self.stages["rnd"] = Stage(units["rnd"], settings.rnd_designs_per_worker_day)
        self.orders_in = self.online_orders = self.dealer_orders = self.shipped = 0

    # ------------------------------------------------------------------ work coming in

    def online_order(self, inquiry) -> None:
        """An online sale: its order goes to finance, then production, then logistics."""
        self.online_orders += 1
        work = inquiry.order_value / self.value_unit
        # A customization is extra work of the same kind as the order, in proportion to its cost.
        build = work * (1.0 + inquiry.customization_cost) if inquiry.customized else work
        if self.usual:  # `_enter` and Stage.add written out for the usual path: this runs once per sale
            self.orders_in += 1
            first = self.path[0]
            first.queue.append([work, (work, build, work)])
            first.waiting += work
            first.arrived += 1
        else:
            self._enter(work, build)

    def dealer_order(self, value: float) -> None:
        """A dealer's bulk order of `value` (at list price): the same queues as an online order."""
        if not value > 0:  # also catches NaN
            raise ValueError(f"a dealer's order must have a value > 0 (got {value!r})")
        self.dealer_orders += 1
        work = value / self.value_unit
        self._enter(work, work)

    def _enter(self, work: float, build: float) -> None:
        """An order joins the first queue of its path; production's share of its work may be larger."""
        self.orders_in += 1
        works = [work] * len(self.path)
        works[self.build] = build
        self.path[0].add(works[0], works)

    def take_on(self, unit_name: str, size: float) -> None:
        """A team of `unit_name` took on a cross-unit request of `size` (1 for an average one).

        R&D designs the customization: a design of that size joins its queue. Production's share of the
        work comes when the order is built (`online_order`); other units do no work for a request.
        """
        if unit_name == "rnd":
            self.stages["rnd"].add(size)

    # ------------------------------------------------------------------ the daily pass

    def load(self, unit_name: str) -> float:
        """The unit's load: days of its own work waiting (0 for a unit with no work of its own)."""
        stage = self.stages.get(unit_name)
        return 0.0 if stage is None else stage.waiting / stage.capacity

    def day(self) -> None:
        """A working day's work in every queue. The last queue of the path goes first, so that what one
        finishes today reaches the next tomorrow."""
        path = self.path
        last = len(path) - 1
        self.shipped += path[last].day()
        for place in range(last - 1, -1, -1):
            path[place].day(path[place + 1], place + 1)
        self.stages["rnd"].day()

    # ------------------------------------------------------------------ what is reported

    def totals(self) -> dict:
        """Running totals (what `sim.summary` subtracts the warm-up's from)."""
        production, rnd = self.stages["production"], self.stages["rnd"]  # every company has both (REQUIRED_UNITS)
        return {
            "built": production.done,
            "shipped": self.shipped,
            "production_load": (production.load_days_sum, production.days),
            "rnd_load": (rnd.load_days_sum, rnd.days),
        }

    def measured(self, since: dict) -> dict:
        """The units' own work since `since` (the warm-up's `totals`): orders built and shipped, and the
        mean load, in days, of production and of R&D at the daily passes."""
        now = self.totals()

        def mean_load(key):
            (total, days), (total0, days0) = now[key], since[key]
            return (total - total0) / (days - days0) if days > days0 else 0.0

        return {
            "orders_built": now["built"] - since["built"],
            "orders_shipped": now["shipped"] - since["shipped"],
            "orders_backlog_days": mean_load("production_load"),
            "rnd_backlog_days": mean_load("rnd_load"),
        }
