"""The e-commerce department's three kinds of work (seed 004): operations, IT and web marketing.

Seed 004 splits an e-commerce department into web marketing (acquiring and
converting customers: SEM, SEO, e-mailing, social media), IT (keeping the
platform up and developing it) and operations (customer service, the sales
process, after-sales). "The competences of the first two are highly
specialised, so companies often start by working with agencies or
freelancers." Here (docs/ODD.md §7.20):

- **Roles.** A unit of fewer than `ecommerce.in_house_from_staff` people buys
  web marketing and IT from agencies and keeps everyone in operations. A larger
  one gives round(share x its headcount) of its staff (at least one each) to
  web marketing and to IT, taken from the end of its list of staff who manage
  no one, once, when the first structure is installed (a reorganization keeps
  them). Operations is everyone else: the staff who answer inquiries, as before.
- **Own queues** (`sim.role_queue`). IT and web marketing each serve a shared
  queue of their own: the IT staff take platform incidents, the marketers
  campaigns. An agency starts a job after a response delay and has no queue.
- **IT.** Platform incidents arrive as a Poisson stream
  (`ecommerce.incidents_per_month`); each needs Exp(mean
  `ecommerce.incident_hours`) of repair. While any incident is open the site is
  down for new inquiries: a customer who arrives then gets through only when it
  is back, so the inquiry reaches the company later (its lead decays meanwhile)
  or never (its customer's patience ran out: `lost_slow`). Work on inquiries
  already received goes on.
- **Web marketing** (`sim.web_marketing`): campaigns on a calendar; one that
  is late takes its customers away from the inquiry rate in `per_employee`
  mode.

Every draw comes from the run's `platform` stream, a fixed number per incident
and per campaign (the agency's delay is drawn even when staff do the job), so
that runs paired on a seed meet the same incidents and campaigns whoever
handles them. The cost grows with incidents and campaigns, not with employees.
"""

from __future__ import annotations

from pydantic import Field

from sim.calendar import WORKING_DAYS_PER_MONTH, WORKING_HOURS_PER_DAY
from sim.role_queue import Job, RoleQueue
from sim.scenario_settings import Settings
from sim.web_marketing import WebMarketing


class EcommerceSettings(Settings):
    """`[ecommerce]`: the e-commerce department's roles, its platform's incidents and its campaigns (§7.20)."""

    in_house_from_staff: int = Field(8, ge=1, le=100_000)  # a smaller unit buys marketing and IT from agencies
    marketing_share: float = Field(0.15, ge=0.0, le=0.45)  # of the unit's headcount, once in-house
    it_share: float = Field(0.10, ge=0.0, le=0.45)
    incidents_per_month: float = Field(1.0, ge=0.0, le=1_000.0)
    incident_hours: float = Field(2.0, gt=0.0, le=1_000.0)  # mean repair work
    agency_response_hours: float = Field(4.0, ge=0.0, le=1_000.0)  # mean delay before an agency starts a job
    campaign_hours: float = Field(12.0, gt=0.0, le=1_000.0)  # mean work of one campaign
    campaign_lead_days: float = Field(10.0, ge=0.0, le=1_000.0)  # from a campaign's brief to its planned launch
    campaign_days: float = Field(40.0, gt=0.0, le=1_000.0)  # how long a campaign brings inquiries from its launch
    inquiries_per_campaign: float = Field(20.0, gt=0.0, le=1e6)  # over its life
    campaign_inquiry_share: float = Field(0.5, ge=0.0, le=1.0)  # of the nominal rate, brought by the campaigns


def role_counts(unit_size: int, free_staff: int, settings: EcommerceSettings) -> tuple[int, int]:
    """(web marketers, IT staff) an e-commerce unit of `unit_size` keeps in-house, `free_staff` of them managing
    no one: none below `in_house_from_staff`, or when they would leave nobody to answer inquiries."""
    if unit_size < settings.in_house_from_staff:
        return 0, 0
    shares = (settings.marketing_share, settings.it_share)
    marketing, it = (max(1, round(share * unit_size)) if share > 0 else 0 for share in shares)
    return (marketing, it) if marketing + it < free_staff else (0, 0)


class Platform:
    """The e-commerce department's IT and web-marketing roles, and the site they keep up."""

    def __init__(self, model):
        self.model = model
        self.settings = settings = model.params.ecommerce
        self.active = model.source is model.market  # a validation run has no site and no customers
        self.random = model.platform_random
        self.reach = 1.0  # what web marketing leaves of the nominal inquiry rate (sim.web_marketing)
        self.it = RoleQueue(model, settings.incident_hours, self._resolved)
        self.marketing = WebMarketing(model, self) if self.active else None
        self.holders: set[int] | None = None  # ids of the staff given IT or marketing, once chosen
        self.down = False  # an incident is open: new inquiries cannot get through
        self.incidents: list[Job] = []  # every incident so far (a few a month)
        self.open_incidents = 0
        self.opened = self.resolved = 0
        self.downtime_h = 0.0  # closed down spells, summed
        self.down_since = 0.0
        self.held: list = []  # inquiries that arrived while the site was down
        self.held_count = 0

    def start(self) -> None:
        if self.active and self.settings.incidents_per_month > 0:
            self._schedule_next_incident()
        if self.marketing is not None:
            self.marketing.start()

    # ------------------------------------------------------------------ roles

    def assign_roles(self, team: list) -> list:
        """A structure is installed: the IT and web-marketing staff serve their own queues; returns `team` (who
        answer inquiries) without them. The roles are chosen the first time and kept."""
        if not self.active:
            return team
        if self.holders is None:
            unit = self.model.units["ecommerce"]
            free = [e for e in team if e.unit == "ecommerce"]
            marketers, it = role_counts(len(unit.members), len(free), self.settings)
            chosen = free[len(free) - marketers - it :] if marketers + it else []
            self.marketing.role.staff, self.it.staff = chosen[:marketers], chosen[marketers:]
            self.holders = {id(e) for e in chosen}
        self.marketing.role.serve_with(self.marketing.role.staff)
        self.it.serve_with(self.it.staff)
        return [e for e in team if id(e) not in self.holders]

    # ------------------------------------------------------------------ IT: incidents and the site

    def _schedule_next_incident(self) -> None:
        per_hour = self.settings.incidents_per_month / (WORKING_DAYS_PER_MONTH * WORKING_HOURS_PER_DAY)
        self.model.schedule_at(self.model.time + self.random.expovariate(per_hour), self._incident)

    def _incident(self, _=None) -> None:
        """The platform fails: the site is down until the incident is repaired."""
        draw, model = self.random, self.model
        incident = Job(model.time, draw.expovariate(1.0), draw.expovariate(1.0) * self.settings.agency_response_hours)
        self.incidents.append(incident)
        self.opened += 1
        self.open_incidents += 1
        if not self.down:
            self.down, self.down_since = True, model.time
        self._schedule_next_incident()
        self.it.put(incident)

    def _resolved(self, incident: Job) -> None:
        self.resolved += 1
        self.open_incidents -= 1
        if self.open_incidents == 0:
            self.down = False
            self.downtime_h += self.model.time - self.down_since
            self._release()

    def hold(self, inquiry) -> None:
        """A customer arrives while the site is down: the inquiry gets through when it is back."""
        self.held.append(inquiry)
        self.held_count += 1

    def _release(self) -> None:
        market, now = self.model.market, self.model.time
        held, self.held = self.held, []
        for inquiry in held:
            if inquiry.outcome != "open":
                continue  # closed in a triage: its customer had left
            if inquiry.deadline_h <= now:
                market.walked_away(inquiry)
            else:
                market.route(inquiry)

    # ------------------------------------------------------------------ what the summary reads

    def totals(self) -> tuple:
        """Running counts now (the summary's baseline at the warm-up's end)."""
        downtime = self.downtime_h + (self.model.time - self.down_since if self.down else 0.0)
        return downtime, self.opened, self.held_count

    def measured(self, since: tuple) -> dict:
        """The platform's metrics since `since` (a `totals()`)."""
        now_totals = self.totals()
        window_h = self.model.time - self.model.measured_from.time_h
        return {
            "platform_downtime_share": (now_totals[0] - since[0]) / window_h if window_h > 0 else float("nan"),
            "platform_incidents": now_totals[1] - since[1],
            "inquiries_held_by_downtime": now_totals[2] - since[2],
        }
