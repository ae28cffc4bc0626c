"""OrgModel: a company that sells online, its customers, and the structure it runs under.

Time is continuous, in working hours (8 a day). Something happens only when a
customer arrives, a piece of work finishes, a meeting is held or the daily
observation is due (`sim.events`). `run_until`, `run_for` and `step` (one
working hour) work as on any Mesa model.

The parts, each in a module of its own:

- `company`: who works where (units, skills, calendars);
- `structures/`: who decides what (a hierarchy, a holacracy, a hybrid);
- `market`: customers, quotes, prices and answers, the usual source of work
  (`validation_mode`: a pure queueing network instead);
- `decisions`: a decision's path, hop by hop, to its outcome;
- `operations`: the units' own work (credit, building, shipping, designs),
  worked through in the daily pass;
- `platform`: e-commerce's IT and web-marketing roles, the site's incidents
  and the campaigns' reach (seed 004);
- `conflicts`, `channel` (dealers), `committee`, `workforce` (training and
  turnover by unit);
- `metrics`: what is observed each day and summarized at the end.

The run's seed gives one random stream per purpose (`randomness`): the
market's, the deciders' service, screening, cooperation, people, dealers, the platform. Two
structures run on one seed face the same customers, and a policy changes only
the draws of what it touches.
"""

from __future__ import annotations

import mesa

from sim import metrics
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.channel import Channel
from sim.committee import Committee
from sim.company import assign_calendars, hire
from sim.adaptation import Adaptation
from sim.events import EventModel
from sim.market import Market
from sim.operations import Operations
from sim.platform import Platform
from sim.randomness import streams
from sim.scenario import Scenario
from sim.structures import STRUCTURES
from sim.summary import Baseline, summarize
from sim.validation_mode import VALIDATION_SOURCES
from sim.workforce import Workforce


class OrgModel(EventModel):
    """A company of `organization.employees` people under one structure, and its online market."""

    # Slots, not instance attributes: see EventModel.
    __slots__ = (
        "params", "seed", "market_random", "service_random", "screening_random", "cooperation_random",
        "people_random", "dealer_random", "platform_random",
        "inquiries", "decisions", "conflicts", "decisions_today", "outcome_counts",
        "revenue", "profit", "dealer_share_paid", "coordination_hours", "queued_jobs", "open_conflict_count",
        "departures",
        "market", "source", "decision_process", "units", "employees", "staff", "workforce", "committee", "channel",
        "operations", "platform",
        "structure", "adaptation", "datacollector", "measured_from",
    )  # fmt: skip

    def __init__(self, scenario: Scenario | None = None, *, rng: int | None = None):
        params = scenario if scenario is not None else Scenario()
        seed = params.seed if rng is None else int(rng)
        super().__init__(rng=seed)
        self.params = params
        self.seed = seed
        drawn = streams(seed)
        self.market_random, self.service_random = drawn["market"], drawn["service"]
        self.screening_random, self.cooperation_random = drawn["screening"], drawn["cooperation"]
        self.people_random, self.dealer_random = drawn["people"], drawn["dealers"]
        self.platform_random = drawn["platform"]

        # What happened, one record per item, and running totals (read by `metrics`).
        self.inquiries, self.decisions, self.conflicts = [], [], []
        self.decisions_today: list[float] = []
        self.outcome_counts = dict.fromkeys(metrics.OUTCOMES, 0)
        self.revenue = self.profit = self.dealer_share_paid = self.coordination_hours = 0.0
        self.queued_jobs = self.open_conflict_count = self.departures = 0

        # The company and how it works.
        self.market = Market(self)
        self.source = self.market if params.validation is None else VALIDATION_SOURCES[params.validation.kind](self)
        self.decision_process = self.source.decision_process(self)
        self.adaptation = Adaptation(self)
        self.units, self.employees = hire(self)
        self.operations = Operations(self)
        self.workforce = Workforce(self)
        policies = params.policies
        self.committee = Committee(self, policies.committee) if policies.committee != "none" else None
        self.platform = Platform(self)  # e-commerce's IT and web-marketing roles, and its site
        self.channel = Channel(self)
        self.install_structure(params.organization.structure)
        self.workforce.start()
        if params.reorganization is not None:
            self.schedule_at(params.reorganization.day * WORKING_HOURS_PER_DAY, self._reorganize)

        self.datacollector = mesa.DataCollector(model_reporters=metrics.DAILY_REPORTERS)
        self.schedule_at(WORKING_HOURS_PER_DAY, self._observe_day)
        self.measured_from = Baseline(self)  # the warm-up's end moves it (metrics are taken after it)
        self.schedule_at(params.warmup_hours, self._end_warmup)
        self.source.start()
        self.platform.start()

    def install_structure(self, name: str) -> None:
        """Arrange the employees under structure `name`; choose who answers customers; fill calendars."""
        self.adaptation.reset()
        self.structure = STRUCTURES[name](self)
        self.structure.build(self.employees)
        team = self.structure.frontline_staff(self.employees)
        helpers = []
        if self.params.policies.everyone_helps_customers:
            in_team = {id(e) for e in team}
            helpers = [e for e in self.employees if e.unit != "management" and id(e) not in in_team]
        team = self.platform.assign_roles(team)  # IT and web marketers serve their own queues (sim.platform)
        self.staff = [*team, *helpers]
        self.market.serve_with(team, helpers)
        self.adaptation.watch(self.employees)
        assign_calendars(self)
        self.structure.start()

    def refresh_calendars(self, people) -> None:
        """Meetings changed (a circle split, a liaison began): the calendars of `people`, whose meetings
        changed, again. Only theirs: a large company splits circles in proportion to its size, and
        rebuilding everyone's calendar at each split would make its cost grow with the square of it."""
        assign_calendars(self, people)

    def _reorganize(self, _=None) -> None:
        """Switch structure mid-run (e.g. the Zappos transition) with a turnover shock.

        Work already on someone's desk or on a circle's agenda finishes on
        its old path; new requests follow the new structure.
        """
        change = self.params.reorganization
        self.workforce.shock(change.turnover_shock)
        for employee in self.employees:
            employee.clear_position()
        self.install_structure(change.to)

    def _observe_day(self, _=None) -> None:
        self.market.triage()
        self.operations.day()
        self.channel.day()
        self.datacollector.collect(self)
        self.decisions_today = []
        self.adaptation.check()
        self.schedule_at(self.time + WORKING_HOURS_PER_DAY, self._observe_day)

    def _end_warmup(self, _=None) -> None:
        self.measured_from = Baseline(self)

    def run(self) -> dict:
        """Run to the scenario's horizon and return the summary."""
        self.run_until(self.params.horizon_hours)
        return self.summary()

    def summary(self) -> dict:
        """The headline metrics (`metrics.METRICS`), taken after the warm-up (`sim.summary`)."""
        return summarize(self)
