"""An organization that adapts when its deciders are overloaded (`policies.adaptation = "adaptive"`).

Galbraith (1974, "Organization design: an information processing view")
names what an organization does when more exceptions reach its hierarchy
than it can handle: it sets rules and goals so that lower levels decide
within limits (delegation), adds slack resources, creates lateral relations
between units, and forms self-contained tasks. Here:

- a decider is *overloaded* while its queue holds more than
  `adaptation.backlog_hours` of work at its own pace; an overload that lasts
  `adaptation.overload_days` makes the structure relieve it
  (`Structure.relieve`), at most once every `adaptation.cooldown_days`. So is
  one busy more than `adaptation.busy_share` of its working time over such a
  stretch: where customers walk away, a saturated decider's queue stays short
  (their requests are dropped), but it is never idle;
- *delegation*: the decider's direct reports (or the circles) get its rank's
  limit for the kind of decision it mostly grants, one level down and no
  further; fewer people then screen each request (Sah & Stiglitz 1986), the
  cost;
- *deputy*: new hires share the decider's queue, as many as its measured
  load needs; a headcount the company pays for;
- *lateral relation*: two units whose requests and conflicts meet only at
  their common manager get an integrator (a new hire; Lawrence & Lorsch 1967;
  Galbraith's liaison role) through whom requests between them pass instead
  of the common manager, and who resolves their conflicts, holding a weekly
  liaison meeting with the two heads;
- *circle split* (holacracy): governance splits a large circle, adding a lead
  link and meetings; a small circle gives the overloaded role a second filler.

Every adaptation is an event (`events`, `adaptations.parquet`). With
`policies.adaptation = "none"` nothing of this happens: the organization of
the first edition, which does not adapt. The validation mode never adapts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.agents import Employee
from sim.calendar import WORKING_HOURS_PER_DAY, Recurrence
from sim.records import Conflict

LIAISON_INTERVAL_H = 5 * WORKING_HOURS_PER_DAY  # weekly
TARGET_LOAD = 0.8  # deputies are hired until the office's measured load per person is at most this
PLAIN_ROLES = frozenset({"staff", "responder"})  # roles of those who only answer customers


@dataclass(frozen=True, slots=True)
class AdaptationEvent:
    """One change the organization made to relieve an overloaded decider."""

    time_h: float
    kind: str  # delegation | lateral relation | delegation and lateral relation | deputy | circle split | role filler
    employee_id: int  # the overloaded decider
    unit: str
    detail: str


class Adaptation:
    """Watches every decider's queue and asks the structure to relieve a lasting overload."""

    def __init__(self, model):
        self.model = model
        self.on = model.params.policies.adaptation == "adaptive" and model.source.organization_adapts
        self.events: list[AdaptationEvent] = []
        self._overloaded: dict[int, object] = {}  # unique id -> worker, in the order they became overloaded
        self._last: dict[int, float] = {}  # unique id -> time of its last adaptation
        self._looked_at: dict[int, tuple[float, float]] = {}  # unique id -> (time, hours queued for its office)
        self._busy: dict[int, tuple] = {}  # principal's id -> (principal, office's hours worked, time) at the last review
        self._reviewed_at = 0.0
        self._office_busy: dict[int, float] = {}  # principal's id -> busy share when it was last relieved
        self._liaisons: dict[int, list[Recurrence]] = {}  # employee id -> liaison meetings

    def watch(self, people) -> None:
        """Arm the overload alarm of everyone who decides, and note the authority each holds by rank
        (called when a structure is installed)."""
        backlog_h = self.model.params.adaptation.backlog_hours
        for person in people:
            person.own_limits = person.limits  # the same table: limits are replaced, never changed (sim.authority)
            rate = person.decision_rate
            # Staff who only answer customers are the scenario's to size (organization.ecommerce_staff, the
            # unit's share), not the adaptation's: neither their queue nor their busy share is watched.
            plain_staff = person.inbox is not None and not person.reports and set(person.roles) <= PLAIN_ROLES
            watched = self.on and rate > 0 and not plain_staff
            person.alarm_at = max(1, math.ceil(backlog_h * rate)) if watched else math.inf
            person.watched = not watched

    def reset(self) -> None:
        """A new structure: what the old one adapted is gone."""
        self._overloaded.clear()
        self._liaisons.clear()
        self._busy.clear()

    def meetings_of(self, employee) -> list[Recurrence]:
        """Liaison meetings this person holds for the lateral relations of its unit."""
        return self._liaisons.get(employee.unique_id, [])

    # ------------------------------------------------------------------ the alarm (Worker's queue)

    def overloaded(self, worker) -> None:
        worker.overloaded_since = self.model.time
        self._overloaded[worker.unique_id] = worker

    def relieved(self, worker) -> None:
        worker.overloaded_since = None
        self._overloaded.pop(worker.unique_id, None)

    def review_busy(self, worker) -> None:
        """From now on, the busy share of `worker`'s office (its principal's, for a deputy) is reviewed with
        the others' every `overload_days`."""
        worker.watched = True
        principal = worker.principal or worker
        self._busy[principal.unique_id] = (principal, _office_worked(principal), self.model.time)

    def check(self) -> None:
        """Once a day: relieve everyone whose overload has lasted long enough."""
        if not self.on:
            return
        model = self.model
        settings = model.params.adaptation
        now = model.time
        lasting = settings.overload_days * WORKING_HOURS_PER_DAY
        for worker in list(self._overloaded.values()):
            since = worker.overloaded_since
            if since is not None and now - since >= lasting:
                self._relieve(worker)
        if now - self._reviewed_at >= lasting:
            self._reviewed_at = now
            for principal, worked_h, since in list(self._busy.values()):
                self.review_busy(principal)  # the next review's starting point
                office = [principal, *principal.deputies]
                available = sum(m.calendar.open_hours(since, now) for m in office)
                busy = (_office_worked(principal) - worked_h) / available if available > 0 else 0.0
                if busy >= settings.busy_share:
                    self._relieve(principal, busy)

    def _relieve(self, worker, busy: float | None = None) -> None:
        """Ask the structure to relieve `worker`'s office (at most once a cooldown) and record what it did.
        `busy` is the office's measured busy share when a review found it, else it was busy throughout."""
        model = self.model
        now = model.time
        if now - self._last.get(worker.unique_id, -math.inf) < model.params.adaptation.cooldown_days * WORKING_HOURS_PER_DAY:
            return
        # A deputy's overload is its office's: relieve the person it deputizes for.
        principal = worker.principal or worker
        self._office_busy[principal.unique_id] = 1.0 if busy is None else busy
        kind = model.structure.relieve(principal)
        if worker.overloaded_since is not None:
            worker.overloaded_since = now  # a further adaptation needs a further lasting overload
        self._last[worker.unique_id] = now
        if kind is not None:
            model.structure.forget_paths()
            where = worker.circle.name if getattr(worker, "circle", None) is not None else worker.unit
            self.events.append(AdaptationEvent(now, kind, worker.unique_id, worker.unit, where))

    def decisions_through(self, person) -> list[tuple]:
        """(decision, index of `person`'s hop) for every decision created over the last `overload_days`
        whose path passes through `person`: what its office was asked to do during the overload."""
        model = self.model
        since = model.time - model.params.adaptation.overload_days * WORKING_HOURS_PER_DAY
        asked = []
        for decision in reversed(model.decisions):  # in order of creation: the window is at the end
            if decision.created_h < since:
                break
            for index, hop in enumerate(decision.path):
                if hop.decider is person:
                    asked.append((decision, index))
                    break
        return asked

    # ------------------------------------------------------------------ what the structures do

    def delegate(self, person, kind: str) -> bool:
        """The person's direct reports may now grant what the person's rank may; False if they already could.

        Only authority held by rank is passed on, one level: authority received by delegation is not
        delegated again (sub-delegation needs express approval in written schedules), so requests for
        more than a level may grant still climb."""
        limit = person.own_limits.get(kind, 0.0)
        changed = False
        for report in person.reports:
            for holder in (report, *report.deputies):
                if holder.limits.get(kind, 0.0) < limit:
                    holder.limits = {**holder.limits, kind: limit}  # its own table now: others of its rank keep theirs
                    changed = True
        return changed

    def add_deputies(self, person) -> int:
        """Hire deputies who share the person's decisions (same limits and pace), as many as its load needs."""
        hires = self._shortfall(person)
        for _ in range(hires):
            deputy = self.hire(person.unit, "deputy", person.level, person)
            deputy.limits = person.limits
            deputy.decision_rate = person.decision_rate
            self.watch([deputy])
            deputy.own_limits = person.own_limits
            deputy.principal = person
            person.deputies = [*person.deputies, deputy]
        return hires

    def _shortfall(self, person) -> int:
        """How many more people the person's office (the person and its deputies or fillers) needs so that
        its load is at most `TARGET_LOAD` each. The office worked at its measured busy share; the work
        queued for it grew (or shrank) on top since it was last looked at: that is its demand, in people's
        worth of work."""
        model = self.model
        office = [person, *person.deputies]
        queued_h = sum(self._hours_of(member, task, item) for member in office for task, item in member.queue)
        start_h, start_queued_h = self._looked_at.get(
            person.unique_id, (person.overloaded_since or model.time, model.params.adaptation.backlog_hours)
        )
        self._looked_at[person.unique_id] = (model.time, queued_h)
        working = len(office) * self._office_busy.get(person.unique_id, 1.0)
        demand = working + (queued_h - start_queued_h) / max(WORKING_HOURS_PER_DAY, model.time - start_h)
        return max(0, math.ceil(demand / TARGET_LOAD) - len(office))

    def _hours_of(self, worker, task, item) -> float:
        """The work an item in a queue is expected to take: a decision at the worker's pace, a conflict's
        resolution, a quote."""
        if task.exponential:
            return 1.0 / worker.decision_rate
        params = self.model.params
        return params.decisions.conflict_resolution_hours if isinstance(item, Conflict) else params.work.quote_hours

    def hire(self, unit: str, role: str, level: int | None, manager) -> Employee:
        """A new employee of `unit` in `role`, skill drawn as for anyone hired into it."""
        model = self.model
        organization = model.params.organization
        mean_skill = organization.skill_mean - (0.0 if unit == "ecommerce" else organization.other_units_skill_gap)
        skill = min(1.0, max(0.0, model.people_random.gauss(mean_skill, organization.skill_sd)))
        person = Employee(model, unit, skill)
        person.hired_h = model.time
        person.level, person.manager, person.roles = level, manager, [role]
        model.units[unit].members.append(person)
        model.employees.append(person)
        return person

    def add_fillers(self, person, members) -> str | None:
        """More of `members` (a circle's) take on the person's role, as many as its load needs (those with
        the shortest queues); None when nobody is left to take it on."""
        taken = {id(person), *(id(d) for d in person.deputies)}
        candidates = sorted((m for m in members if id(m) not in taken), key=lambda member: member.backlog)
        needed = self._shortfall(person)
        if not candidates or not needed:
            return None
        for filler in candidates[:needed]:
            person.deputies = [*person.deputies, filler]
            filler.principal = person
            filler.roles.append(f"{person.roles[-1] if person.roles else 'role'} (another filler)")
        return "role filler"

    def link_units(self, structure, pairs) -> None:
        """Units that dealt only through their common manager now deal through an integrator, hired into
        management, who relays their requests, resolves their conflicts and meets their heads weekly."""
        model = self.model
        hours = model.params.adaptation.liaison_meeting_hours
        meeting_now = []
        for pair in sorted(pairs, key=sorted):
            integrator = self.hire("management", f"integrator {'-'.join(sorted(pair))}", None, None)
            integrator.decision_rate = model.decision_process.rate(integrator, 0)
            self.watch([integrator])
            structure.lateral[pair] = integrator
            meeting = Recurrence(LIAISON_INTERVAL_H, (len(structure.lateral) * 3.0) % LIAISON_INTERVAL_H, hours)
            for person in (integrator, *(model.units[name].head for name in sorted(pair))):
                self._liaisons.setdefault(person.unique_id, []).append(meeting)
                meeting_now.append(person)
        model.refresh_calendars(meeting_now)


def _office_worked(principal) -> float:
    """Hours of work the person and its deputies or fillers have finished so far."""
    return principal.worked_h + sum(deputy.worked_h for deputy in principal.deputies)
