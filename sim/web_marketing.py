"""Web marketing: the campaigns that bring customers (seed 004), and what a late one costs the inquiry rate.

The marketing calendar briefs a campaign every 1/λ hours, where λ is the
nominal inquiry rate (`sim.market`) times `ecommerce.campaign_inquiry_share`
(s) over `ecommerce.inquiries_per_campaign`, each planned to launch
`ecommerce.campaign_lead_days` after its brief and to bring customers for
`ecommerce.campaign_days` (D) from then. Each campaign is a job in the web
marketers' own queue, or an agency's (`sim.role_queue`), of Exp(mean
`ecommerce.campaign_hours`) work. A campaign not done by its launch date is
*overdue* until it is done or its planned life is over, and

    reach = 1 − s × overdue / (λ D),

where λ D is the number of campaigns the plan has live at any time: each
overdue campaign takes away the customers it would have brought meanwhile.
Reach is exactly 1 while marketing keeps to its plan, so that the customers'
arrival times do not depend on who does the work, and falls as marketing
falls behind (too few marketers for the work, vacancies after turnover).
Under `market.inquiry_rate_mode = "per_employee"` customers arrive at the
nominal rate times reach; under `fixed` the rate stays fixed (reach stays 1)
and campaigns are only work (none at all when an agency does them).
docs/ODD.md §7.20.
"""

from __future__ import annotations

import random
from collections import deque

from sim.calendar import WORKING_HOURS_PER_DAY
from sim.role_queue import Job, RoleQueue


class Campaign(Job):
    """A campaign: a job with a launch date."""

    __slots__ = ("due_h", "overdue")


class WebMarketing:
    """The campaign calendar, the campaigns overdue and the reach they leave."""

    def __init__(self, model, platform):
        self.model = model
        self.platform = platform
        settings = model.params.ecommerce
        self.share = settings.campaign_inquiry_share
        self.life_h = settings.campaign_days * WORKING_HOURS_PER_DAY
        self.lead_h = settings.campaign_lead_days * WORKING_HOURS_PER_DAY
        self.agency_response_h = settings.agency_response_hours
        self.per_hour = model.market.rate_per_hour() * self.share / settings.inquiries_per_campaign
        self.planned_live = self.per_hour * self.life_h  # campaigns live at any time when all launch on time
        self.sets_rate = model.params.market.inquiry_rate_mode == "per_employee"
        # Its own generator, seeded once from the platform's stream: campaigns draw the same numbers
        # however many incidents the platform has.
        self.random = random.Random(platform.random.getrandbits(64))
        self.role = RoleQueue(model, settings.campaign_hours, self._done)
        # Campaigns briefed and not yet at their launch date. Each launches a fixed lead after its brief,
        # so they come due in the order they were briefed: only the first one's date is on the event heap.
        self.awaiting_launch: deque[Campaign] = deque()
        self.overdue = 0
        self.briefed = self.launched = self.late = 0

    def start(self) -> None:
        """Called once the roles are chosen. Campaigns that neither set the rate nor occupy anyone (a fixed
        rate, an agency's work) change nothing, and are not run."""
        if self.per_hour <= 0 or not (self.sets_rate or self.role.staff):
            return
        self.model.schedule_at(1.0 / self.per_hour, self._brief)

    def _brief(self, _=None) -> None:
        """The calendar's next campaign joins the marketers' queue (or goes to the agency)."""
        model, draw = self.model, self.random
        self.briefed += 1
        model.schedule_at(model.time + 1.0 / self.per_hour, self._brief)
        campaign = Campaign(model.time, draw.expovariate(1.0), draw.expovariate(1.0) * self.agency_response_h)
        campaign.due_h, campaign.overdue = model.time + self.lead_h, False
        self.awaiting_launch.append(campaign)
        if len(self.awaiting_launch) == 1:
            model.schedule_at(campaign.due_h, self._launch_date)
        self.role.put(campaign)

    def _launch_date(self, _=None) -> None:
        """The first campaign in line reaches its launch date."""
        awaiting = self.awaiting_launch
        campaign = awaiting.popleft()
        if awaiting:
            self.model.schedule_at(awaiting[0].due_h, self._launch_date)
        if campaign.done_h is None:  # not ready: overdue until it is, or until its planned life is over
            campaign.overdue = True
            self._count_overdue(+1)
            self.model.schedule_at(campaign.due_h + self.life_h, self._life_over, campaign)

    def _life_over(self, campaign: Campaign) -> None:
        if campaign.overdue:
            campaign.overdue = False
            self._count_overdue(-1)

    def _done(self, campaign: Campaign) -> None:
        self.launched += 1
        if campaign.done_h > campaign.due_h:
            self.late += 1
        if campaign.overdue:
            campaign.overdue = False
            self._count_overdue(-1)

    def _count_overdue(self, change: int) -> None:
        self.overdue += change
        if self.sets_rate:
            self.platform.reach = max(1.0 - self.share, 1.0 - self.share * self.overdue / self.planned_live)
