"""OrgModel: a company that sells online, its customers, and the structure it runs under.

Time is continuous, in working hours (8 a day). The model is event-driven:
something happens only when a customer arrives, a piece of work finishes, a
meeting is held, or the daily observation is due. Events sit in one binary
heap (`heapq`); Mesa's own event list is not used because its events compare
in Python and cost an order of magnitude more (TOOLCHAIN.md). `run_until`,
`run_for` and `step` (one working hour) work as on any Mesa model.

Two random streams come from the run's seed: the *market* stream draws every
customer and attribute, the *organization* stream everything the company does
(routing, service times, screening). Two structures run on one seed therefore
face the same customers (common random numbers).
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import math
import random
from itertools import count

import mesa
import numpy as np
from mesa.experimental.mesa_signals import ObservableSignals

from sim import metrics
from sim.agents import Customer, Employee, Unit
from sim.calendar import EPSILON_H, Calendar, Recurrence
from sim.channel import Channel
from sim.committee import Committee
from sim.records import CUSTOMIZATION, PRICE, VALIDATION, Conflict, Decision, Inquiry
from sim.scenario import UNIT_NAMES, WORKING_DAYS_PER_MONTH, WORKING_HOURS_PER_DAY, Scenario
from sim.structures import STRUCTURES


def _stream(seed_sequence: np.random.SeedSequence) -> random.Random:
    """A fast scalar generator seeded from a SeedSequence (same numbers on every platform)."""
    return random.Random(int.from_bytes(seed_sequence.generate_state(4, np.uint32).tobytes(), "little"))


def _below(rng: random.Random, n: int) -> int:
    """`rng.randrange(n)` for n >= 1, the same draw (CPython's _randbelow) without its argument checks."""
    if n <= 0:
        raise ValueError(f"empty range for randrange({n})")
    getrandbits = rng.getrandbits
    k = n.bit_length()
    r = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return r


def graicunas_relationships(reports: int) -> int:
    """Graicunas (1937): direct, group and cross relationships a manager of n reports oversees."""
    n = reports
    return n * (2 ** (n - 1) + n - 1) if n > 0 else 0


def allocate_units(total: int, shares: dict[str, float], ecommerce_staff: int | None) -> dict[str, int]:
    """Split `total` employees (the general manager excluded) over units by share (largest remainder)."""
    counts: dict[str, int] = {}
    rest = total
    shares = {k: v for k, v in shares.items() if v > 0}
    if ecommerce_staff is not None:
        counts["ecommerce"] = min(ecommerce_staff, max(1, total - (len(shares) - 1)))
        rest -= counts["ecommerce"]
        shares = {k: v for k, v in shares.items() if k != "ecommerce"}
    # Every unit with a positive share gets at least one person.
    weight = sum(shares.values())
    exact = {k: rest * v / weight for k, v in shares.items()}
    floor = {k: max(1, int(x)) for k, x in exact.items()}
    left = rest - sum(floor.values())
    for name in sorted(exact, key=lambda k: (exact[k] - int(exact[k]), k), reverse=True):
        if left <= 0:
            break
        floor[name] += 1
        left -= 1
    for name in sorted(floor, key=lambda k: floor[k], reverse=True):
        while left < 0 and floor[name] > 1:
            floor[name] -= 1
            left += 1
    counts.update(floor)
    return counts


class _SpanEnded(Exception):
    """Raised by the event that ends a `run_until` span (see OrgModel._advance_time)."""


class OrgModel(mesa.Model):
    """A company of `organization.employees` people under one structure, and its online market."""

    # The model's own attributes live in slots. CPython keeps an instance's attributes in a fast
    # inline array only up to 30 of them; Mesa's Model sets 21, and with these 27 in the instance
    # dict as well every `model.x` in the event loop became a hashed dict lookup (about 2.5 % of
    # the machine instructions per decision; benchmarks/PROFILE.md, fourth pass).
    __slots__ = (
        "params", "seed", "market_random", "org_random", "_events", "_event_order", "_validation_rate",
        "queued_jobs", "coordination_hours", "revenue", "dealer_share_paid", "open_conflict_count", "outcome_counts",
        "units", "employees", "staff", "requesters", "structure", "channel", "committee", "training", "departures",
        "inquiries", "decisions", "decisions_today", "conflicts", "datacollector",
    )

    def __init__(self, scenario: Scenario | None = None, *, rng: int | None = None):
        params = scenario if scenario is not None else Scenario()
        seed = params.seed if rng is None else int(rng)
        super().__init__(rng=seed)
        self.params = params
        self.seed = seed
        market_seed, org_seed = np.random.SeedSequence(seed).spawn(2)
        self.market_random = _stream(market_seed)
        self.org_random = _stream(org_seed)

        self._events: list = []
        self._event_order = count()
        self.queued_jobs = 0
        self.coordination_hours = 0.0
        self.inquiries: list[Inquiry] = []
        self.decisions: list[Decision] = []
        self.conflicts: list[Conflict] = []
        self.outcome_counts = dict.fromkeys(("converted", "lost_price", "lost_product", "lost_slow", "lost_dealer"), 0)
        self.revenue = 0.0
        self.open_conflict_count = 0
        self.decisions_today: list[float] = []

        self.departures = 0
        self.dealer_share_paid = 0.0

        self.units: dict[str, Unit] = {}
        self.employees: list[Employee] = []
        self._build_company()
        policies = params.policies
        self.training = (
            Recurrence(WORKING_DAYS_PER_MONTH * WORKING_HOURS_PER_DAY, 2 * WORKING_HOURS_PER_DAY, policies.training_hours_per_month)
            if policies.training_hours_per_month > 0
            else None
        )
        self.committee = Committee(self, policies.committee) if policies.committee != "none" else None
        self.channel = Channel(self)
        self._install_structure(params.organization.structure)
        if params.validation is None and policies.turnover_per_year > 0:
            self._schedule_next_departure()
        if params.reorganization is not None:
            self.schedule_at(params.reorganization.day * WORKING_HOURS_PER_DAY, self._reorganize)

        self.datacollector = mesa.DataCollector(model_reporters=metrics.DAILY_REPORTERS)
        self.schedule_at(WORKING_HOURS_PER_DAY, self._observe_day)
        if params.validation is not None:
            self._start_validation_requests()
        else:
            self._schedule_next_customer()

    # ------------------------------------------------------------------ event core

    def schedule_at(self, time_h: float, callback, argument=None) -> None:
        """Call `callback(argument)` at model time `time_h` (ties run in scheduling order)."""
        heapq.heappush(self._events, (time_h, next(self._event_order), callback, argument))

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
                # Unobserved, Mesa's `time` Observable only stores the value in `_time`: store it
                # directly and skip the descriptor's per-event cost (Mesa is pinned; see TOOLCHAIN.md).
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

    def run(self) -> dict:
        """Run to the scenario's horizon and return the summary."""
        self.run_until(self.params.horizon_hours)
        return self.summary()

    # ------------------------------------------------------------------ building

    def _build_company(self) -> None:
        organization = self.params.organization
        counts = allocate_units(organization.employees - 1, organization.unit_shares, organization.ecommerce_staff)
        rng = self.org_random
        for name in UNIT_NAMES:
            size = 1 if name == "management" else counts.get(name, 0)
            if size == 0:
                continue
            unit = Unit(self, name)
            self.units[name] = unit
            mean_skill = organization.skill_mean - (0.0 if name == "ecommerce" else organization.other_units_skill_gap)
            for _ in range(size):
                skill = min(1.0, max(0.0, rng.gauss(mean_skill, organization.skill_sd)))
                employee = Employee(self, name, skill)
                employee.remote = name != "management" and rng.random() < self.params.policies.remote_share
                unit.members.append(employee)
                self.employees.append(employee)
            unit.head = unit.members[0]

    def _install_structure(self, name: str) -> None:
        """Arrange the employees under structure `name` and give each their meetings."""
        self.structure = STRUCTURES[name](self)
        self.structure.build(self.employees)
        everyone_helps = self.params.policies.everyone_helps_customers and self.params.validation is None
        self.staff = (
            [e for e in self.employees if e.unit != "management"]
            if everyone_helps
            else self.structure.frontline_staff(self.employees)
        )
        self._assign_calendars()
        self.structure.start()

    def _assign_calendars(self) -> None:
        """Meetings (structure and committee), training and side work block each person's time."""
        organization = self.params.organization
        side_work = None
        if organization.ecommerce_placement in ("in_it", "in_marketing") and organization.side_work_share > 0:
            # Staff placed in another department also do that department's work, every day.
            hours = organization.side_work_share * WORKING_HOURS_PER_DAY
            side_work = Recurrence(WORKING_HOURS_PER_DAY, WORKING_HOURS_PER_DAY - hours, hours)
        committee_members = {id(e) for e in self.committee.members()} if self.committee else set()
        for employee in self.employees:
            coordination = list(self.structure.meetings_of(employee))
            if id(employee) in committee_members:
                coordination.append(self.committee.meeting)
            other = [self.training] if self.training else []
            if side_work is not None and employee.unit == "ecommerce":
                other.append(side_work)
            employee.coordination = coordination
            employee.calendar = Calendar(coordination + other, employee.calendar.vacant_until)  # a vacancy outlasts a reorganization

    def trained_skill(self, employee: Employee) -> float:
        """Skill after the training sessions held since hiring (each hour closes a share of the gap)."""
        if self.training is None:
            return employee.base_skill
        sessions = self.training.count_until(self.time) - self.training.count_until(employee.hired_h)
        hours = sessions * self.training.duration_h
        gain = self.params.policies.skill_gain_per_training_hour
        return 1.0 - (1.0 - employee.base_skill) * (1.0 - gain) ** hours

    def decision_rate(self, employee: Employee, reports: int) -> float:
        """Decisions per hour this person can take; managers lose time to supervision (Graicunas)."""
        if self.params.validation is not None:
            return self.params.validation.manager_service_rate_per_hour
        decisions = self.params.decisions
        if reports == 0:
            return decisions.role_decisions_per_hour
        supervision_share = min(0.9, decisions.graicunas_hours_coefficient * graicunas_relationships(reports))
        return decisions.manager_decisions_per_hour * (1.0 - supervision_share)

    # ------------------------------------------------------------------ the market

    def inquiry_rate_per_hour(self) -> float:
        market = self.params.market
        per_day = (
            market.inquiries_per_day
            if market.inquiry_rate_mode == "fixed"
            else market.inquiries_per_employee_day * self.params.organization.employees
        )
        return per_day / WORKING_HOURS_PER_DAY

    def _schedule_next_customer(self) -> None:
        rate = self.inquiry_rate_per_hour()
        if rate > 0:
            self.schedule_at(self.time + self.market_random.expovariate(rate), self._customer_arrives)

    def _customer_arrives(self, _=None) -> None:
        """A customer sends an online inquiry; the next one is drawn from the market stream."""
        market = self.params.market
        draw = self.market_random
        # A fixed number of market draws per customer keeps the stream aligned across structures.
        region = _below(draw, market.regions)
        customized = draw.random() < market.customized_share
        wtp = max(0.05, draw.gauss(market.wtp_mean, market.wtp_sd))
        value = max(1.0, draw.gauss(market.order_value_mean, market.order_value_sd))
        half_life = market.lead_half_life_h * draw.lognormvariate(0.0, market.lead_half_life_spread)
        interest_draw, feasible_draw = draw.random(), draw.random()
        customer = Customer(self, region)
        inquiry = Inquiry(
            len(self.inquiries), customer, self.time, region, customized, wtp, value, half_life, interest_draw, feasible_draw
        )
        self.inquiries.append(inquiry)
        self._schedule_next_customer()
        dealer = self.channel.takes(inquiry)
        if dealer is not None:
            dealer.submit("dealer_quote", inquiry)
            return
        staff = self._pick_staff()
        inquiry.staff_id = staff.unique_id
        staff.submit("quote", inquiry)

    def _pick_staff(self) -> Employee:
        """The shorter queue of two staff picked at random (power of two choices)."""
        staff = self.staff
        first = staff[_below(self.org_random, len(staff))]
        second = staff[_below(self.org_random, len(staff))]
        return second if second.backlog < first.backlog else first

    def list_price(self) -> float:
        """List price relative to the market price."""
        return 1.0 + self.params.market.price_premium

    def discount_needed(self, inquiry: Inquiry) -> float:
        """Share off the list price that brings it to the customer's willingness to pay."""
        return max(0.0, 1.0 - inquiry.wtp / self.list_price())

    # ------------------------------------------------------------------ inquiry lifecycle

    def _quote_ready(self, inquiry: Inquiry, staff: Employee) -> None:
        """Staff have answered and drafted a quote: ask for what it needs, or answer at once."""
        if inquiry.customized:
            good = inquiry.feasible_draw < self.params.work.customization_feasible_share
            self.request_decision(CUSTOMIZATION, staff, good, inquiry)
        else:
            self._price_inquiry(inquiry, staff)

    def _price_inquiry(self, inquiry: Inquiry, staff: Employee) -> None:
        work = self.params.work
        discount = self.discount_needed(inquiry)
        inquiry.needs_discount = discount > 0
        if discount == 0:
            self.answer(inquiry)
        elif discount > work.max_discount:
            inquiry.price_ok = False  # no one may go below the price floor
            self.answer(inquiry)
        else:
            self.request_decision(PRICE, staff, discount <= work.profitable_discount, inquiry)

    def answer(self, inquiry: Inquiry) -> None:
        """The answer reaches the customer: is the lead still warm, the price right, the product there?"""
        waited = self.time - inquiry.arrived_h
        interest = 0.5 ** (waited / inquiry.half_life_h)  # lead decay
        if inquiry.interest_draw > interest:
            self.close_inquiry(inquiry, "lost_slow")
        elif not inquiry.price_ok:
            self.close_inquiry(inquiry, "lost_price")
        elif not inquiry.product_ok:
            self.close_inquiry(inquiry, "lost_product")
        elif not self.channel.serves_locally(inquiry):
            self.close_inquiry(inquiry, "lost_dealer")
        else:
            value = inquiry.order_value * min(1.0, inquiry.wtp / self.list_price())
            dealer_share = self.channel.online_sale(inquiry)
            self.dealer_share_paid += value * dealer_share
            inquiry.revenue = value * (1.0 - dealer_share)
            self.revenue += inquiry.revenue
            self.close_inquiry(inquiry, "converted")

    def close_inquiry(self, inquiry: Inquiry, outcome: str) -> None:
        """Record the one outcome this inquiry ends in."""
        inquiry.answered_h = self.time
        inquiry.outcome = outcome
        self.outcome_counts[outcome] += 1
        inquiry.customer.remove()
        inquiry.customer = None

    # ------------------------------------------------------------------ decisions

    def request_decision(
        self, kind: str, requester: Employee, good: bool, inquiry: Inquiry | None = None, then_price: bool = True
    ) -> Decision:
        # Positional arguments: a keyword call costs more than building the record.
        decision = Decision(len(self.decisions), kind, requester, self._time, good, inquiry, then_price, kind != VALIDATION)
        self.decisions.append(decision)
        self.structure.request(decision)
        return decision

    def screen(self, decision: Decision) -> bool:
        """Sah-Stiglitz screening: accept a good request with p, a bad one with q."""
        if not decision.screened:
            return True
        decisions = self.params.decisions
        accept = decisions.screen_accept_good if decision.good else decisions.screen_accept_bad
        return self.org_random.random() < accept

    def refuses(self, decision: Decision, gate_unit: str) -> bool:
        """Does `gate_unit` refuse a cross-unit request? Incentives and open conflicts pull apart."""
        conflict_settings = self.params.conflict
        unit = self.units[gate_unit]
        base = conflict_settings.refusal_sales_only if unit.incentives == "sales_only" else conflict_settings.refusal_integrated
        open_between = unit.open_conflicts.get(decision.requester.unit, 0)
        willingness = (1.0 - base) * math.exp(-conflict_settings.cooperation_loss_per_open_conflict * open_between)
        if self.org_random.random() < willingness:
            return False
        gatekeeper = unit.head
        self.open_conflict("interunit", decision.requester.unit, gate_unit, (decision.requester, gatekeeper))
        return True

    def refused(self, decision: Decision) -> None:
        """A unit refused a cross-unit request: the committee takes it up, or it ends refused."""
        if self.committee is not None:
            self.committee.add_request(decision)
        else:
            self.finish_decision(decision, "refused")

    def finish_decision(self, decision: Decision, outcome: str) -> None:
        now = self._time
        decision.decided_h = now
        decision.outcome = outcome
        self.decisions_today.append(now - decision.created_h)
        inquiry = decision.inquiry
        if inquiry is None:
            return
        approved = outcome == "approved"
        if decision.kind == CUSTOMIZATION:
            # An infeasible customization approved by mistake fails when it is built.
            inquiry.product_ok = approved and decision.good
            if approved and decision.then_price:
                self._price_inquiry(inquiry, decision.requester)
            else:
                self.answer(inquiry)
        else:
            inquiry.price_ok = approved
            self.answer(inquiry)

    # ------------------------------------------------------------------ conflicts

    def open_conflict(self, kind: str, unit_a: str, unit_b: str, between, circle=None) -> Conflict:
        conflict = Conflict(len(self.conflicts), kind, unit_a, unit_b, self.time)
        self.conflicts.append(conflict)
        self.open_conflict_count += 1
        if kind != "role":
            for mine, other in ((unit_a, unit_b), (unit_b, unit_a)):
                opened = self.units[mine].open_conflicts
                opened[other] = opened.get(other, 0) + 1
        self.structure.route_conflict(conflict, between, circle)
        if self.committee is not None and kind != "role":
            self.committee.add_conflict(conflict)
        return conflict

    def resolve_conflict(self, conflict: Conflict, resolver_id: int) -> None:
        """Close a conflict; whoever gets to it second (manager, circle or committee) finds it closed."""
        if conflict.resolved_h is not None:
            return
        conflict.resolved_h = self.time
        conflict.resolver_id = resolver_id
        self.open_conflict_count -= 1
        if conflict.kind != "role":
            for mine, other in ((conflict.unit_a, conflict.unit_b), (conflict.unit_b, conflict.unit_a)):
                self.units[mine].open_conflicts[other] -= 1

    # ------------------------------------------------------------------ work

    def service_hours(self, employee: Employee, kind: str, item) -> float:
        """How long one piece of work takes this person (exponential)."""
        draw = self.org_random
        if kind == "dealer_quote":  # (a decision's service time is drawn in Worker.submit, its hot path)
            return draw.expovariate(employee.decision_rate)
        if kind == "quote":
            work = self.params.work
            speed = max(0.2, 1.0 + work.skill_speedup * (employee.skill - 0.5))
            return draw.expovariate(speed / work.quote_hours)
        if item.resolved_h is not None:
            return 0.0  # resolved meanwhile by the committee or a meeting
        return draw.expovariate(1.0 / self.params.decisions.conflict_resolution_hours)

    def job_done(self, employee: Employee, kind: str, item, hours: float) -> None:
        """Work other than a decision is finished (decisions go to the structure: Worker._finish)."""
        if kind == "quote":
            self._quote_ready(item, employee)
        elif kind == "dealer_quote":
            self.channel.dealer_quote_ready(employee, item)
        else:
            self.coordination_hours += hours
            self.resolve_conflict(item, employee.unique_id)

    # ------------------------------------------------------------------ workforce

    def _schedule_next_departure(self) -> None:
        per_hour = self.params.policies.turnover_per_year * len(self.employees) / (260 * WORKING_HOURS_PER_DAY)
        self.schedule_at(self.time + self.org_random.expovariate(per_hour), self._employee_leaves)

    def _employee_leaves(self, _=None) -> None:
        """Someone leaves; after a vacancy a less experienced hire takes over the position and its queue."""
        # Anyone but the general manager (index 0); indexing, not a copy of the list, keeps this O(1).
        self.replace_employee(self.employees[1 + self.org_random.randrange(len(self.employees) - 1)])
        self._schedule_next_departure()

    def replace_employee(self, employee: Employee) -> None:
        organization, policies = self.params.organization, self.params.policies
        mean_skill = organization.skill_mean - policies.new_hire_skill_gap
        if employee.unit != "ecommerce":
            mean_skill -= organization.other_units_skill_gap
        employee.base_skill = min(1.0, max(0.0, self.org_random.gauss(mean_skill, organization.skill_sd)))
        employee.hired_h = self.time
        employee.calendar.leave_vacant_until(self.time + policies.vacancy_days * WORKING_HOURS_PER_DAY)
        self.departures += 1

    def _reorganize(self, _=None) -> None:
        """Switch structure mid-run (e.g. the Zappos transition) with a turnover shock.

        Work already on someone's desk or on a circle's agenda finishes on
        its old path; new requests follow the new structure.
        """
        change = self.params.reorganization
        leaving = int(round(change.turnover_shock * (len(self.employees) - 1)))
        for employee in self.org_random.sample(self.employees[1:], leaving):
            self.replace_employee(employee)
        for employee in self.employees:
            employee.clear_position()
        self._install_structure(change.to)

    # ------------------------------------------------------------------ validation mode

    def _start_validation_requests(self) -> None:
        """Every employee with no reports emits top-authority requests as a Poisson stream."""
        self.requesters = [e for e in self.employees if not e.reports and e.unit != "management"]
        self._validation_rate = self.params.validation.request_rate_per_hour * len(self.requesters)
        self.schedule_at(self.market_random.expovariate(self._validation_rate), self._validation_request)

    def _validation_request(self, _=None) -> None:
        draw = self.market_random
        requester = self.requesters[_below(draw, len(self.requesters))]
        self.request_decision(VALIDATION, requester, True)
        # The next arrival: expovariate and schedule_at written out (the same draw and event, as in
        # Worker.submit), since this runs once per decision of the validation network.
        gap = -math.log(1.0 - draw.random()) / self._validation_rate
        heapq.heappush(self._events, (self._time + gap, next(self._event_order), self._validation_request, None))

    # ------------------------------------------------------------------ observation

    def _observe_day(self, _=None) -> None:
        self.datacollector.collect(self)
        self.decisions_today = []
        self.schedule_at(self.time + WORKING_HOURS_PER_DAY, self._observe_day)

    def summary(self) -> dict:
        """The headline metrics (names are a contract: DESIGN §3)."""
        return metrics.summarize(self)
