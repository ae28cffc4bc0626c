"""Dealers and channel conflict (seed 003).

Dealer policy decides who answers an online inquiry:
- `assign`: the regional dealer answers it; a dealer whose loyalty has worn
  thin sells a competitor's product instead (`lost_dealer`).
- `direct`: the company's own staff answer and sell into the dealer's region;
  every such sale raises the dealer's grievance.
- `o2o`: staff answer, the dealer serves the customer locally and receives a
  geographic profit share; the sale raises little or no grievance and builds
  loyalty. A dealer whose loyalty is low may still divert the customer to a
  competitor (`lost_dealer`).
A grievance past its threshold opens a channel conflict between sales (which
runs the dealer network) and e-commerce, and costs the dealer loyalty.
Under every policy each dealer also sells to offline customers of its own
(`sim.dealers`): grievance lowers its effort, and lower effort and loyalty
switch more of those customers to competitors' products.
"""

from __future__ import annotations

import math

from sim.agents import Dealer
from sim.conflicts import open_conflict
from sim.dealers import DealerBusiness
from sim.records import CUSTOMIZATION


class Channel:
    """The dealer network of one model: one dealer per region, with as many outlets as its inquiries need."""

    def __init__(self, model):
        self.model = model
        settings = model.params.dealers
        self.policy = settings.policy
        # Every draw about the dealers comes from here: their loyalty, their customers, their choices.
        self.random = model.dealer_random
        draw = self.random
        self.dealers = [
            Dealer(model, region, min(1.0, max(0.0, draw.gauss(settings.loyalty_mean, settings.loyalty_sd))))
            for region in range(model.params.market.regions)
        ]
        # The dealers' own offline customers; a validation run has no market, so its dealers have none.
        self.business = DealerBusiness(self) if model.source is model.market else None
        for dealer in self.dealers:
            dealer.decision_rate = settings.decisions_per_hour
        # A dealer staffs its business for the inquiries its region brings (at `target_load`), so that the
        # channel scales with demand as the company's own staff do; the first outlet is the dealer itself.
        regions = model.params.market.regions
        per_region = model.market.rate_per_hour() / regions if self.policy == "assign" else 0.0
        outlets = max(1, math.ceil(per_region / (settings.target_load * settings.decisions_per_hour)))
        self.outlets = [[dealer] for dealer in self.dealers]
        for dealer, outlets_of_region in zip(self.dealers, self.outlets):
            for _ in range(outlets - 1):
                outlet = Dealer(model, dealer.region, dealer.loyalty)
                outlet.decision_rate = settings.decisions_per_hour
                outlets_of_region.append(outlet)

    def day(self) -> None:
        """A working day has ended: the dealers serve their own offline customers (`sim.dealers`)."""
        if self.business is not None:
            self.business.day()

    def measured(self, since_h: float) -> tuple[float, int, float]:
        """The dealers' offline business since `since_h`: our revenue, the sales switched to competitors,
        our margin (all 0 without a market)."""
        return self.business.measured(since_h) if self.business is not None else (0.0, 0, 0.0)

    def takes(self, inquiry) -> Dealer | None:
        """The dealer outlet that answers this inquiry under the policy, if any (the shortest queue of its region)."""
        if self.policy != "assign":
            return None
        return min(self.outlets[inquiry.region], key=lambda outlet: outlet.backlog)

    def hand_to(self, dealer: Dealer, inquiry) -> None:
        dealer.submit(DEALER_QUOTE, inquiry)

    def dealer_quote_ready(self, dealer: Dealer, inquiry) -> None:
        """The dealer has looked at the inquiry: sell a competitor's product, or quote ours."""
        model = self.model
        market = model.market
        if inquiry.outcome != "open":
            return  # the customer left while waiting for the dealer
        if inquiry.deadline_h <= model.time:
            market.walked_away(inquiry)  # noticed now: the customer has left
            return
        dealer = self.dealers[dealer.region]  # outlets share their dealer's loyalty and grievance
        inquiry.dealer_region = dealer.region
        if self.random.random() > dealer.loyalty:
            market.close(inquiry, "lost_dealer")
            return
        discount = market.discount_needed(inquiry)
        inquiry.needs_discount = discount > 0
        inquiry.price_ok = discount <= model.params.dealers.discount_room
        if inquiry.customized and inquiry.price_ok:
            # The dealer asks the company through its sales contact: the structure decides.
            good = inquiry.feasible_draw < model.params.work.customization_feasible_share
            sales_head = model.units["sales"].head
            model.decision_process.request(CUSTOMIZATION, sales_head, good, inquiry, False, inquiry.customization_cost)
        else:
            market.answer(inquiry)

    def serves_locally(self, inquiry) -> bool:
        """Under O2O the regional dealer serves an online sale; a disloyal one diverts it to a competitor."""
        if self.policy != "o2o" or inquiry.dealer_region is not None:
            return True
        return self.random.random() <= self.dealers[inquiry.region].loyalty

    def online_sale(self, inquiry) -> float:
        """A sale made online in a dealer's region: grievance or profit share. Returns the dealer's share."""
        if self.policy == "assign" or inquiry.dealer_region is not None:
            return 0.0
        settings = self.model.params.dealers
        dealer = self.dealers[inquiry.region]
        if self.policy == "o2o":
            grievance = settings.grievance_per_o2o_sale
            dealer.loyalty = min(1.0, dealer.loyalty + settings.loyalty_gain_per_o2o_sale)
            share = settings.o2o_profit_share
        else:
            grievance = settings.grievance_per_direct_sale
            share = 0.0
        dealer.grievance += grievance
        # Neglect: an aggrieved dealer works less for our products with its own customers (sim.dealers).
        dealer.effort *= (1.0 - settings.effort_cut_per_grievance) ** grievance
        if dealer.grievance >= settings.grievance_threshold:
            dealer.grievance = 0.0
            dealer.loyalty = max(0.0, dealer.loyalty - settings.loyalty_loss_per_conflict)
            units = self.model.units
            open_conflict(self.model, "channel", "sales", "ecommerce", (units["sales"].head, units["ecommerce"].head))
        return share


class DealerQuote:
    """The task of a dealer looking at an inquiry assigned to it."""

    exponential = False

    @staticmethod
    def hours(dealer: Dealer, inquiry) -> float:
        if inquiry.outcome != "open" or inquiry.deadline_h <= dealer.model.time:
            return 0.0  # the customer has left: dropped on sight
        return dealer.model.channel.random.expovariate(dealer.decision_rate)

    @staticmethod
    def done(dealer: Dealer, inquiry, hours: float) -> None:
        dealer.model.channel.dealer_quote_ready(dealer, inquiry)


DEALER_QUOTE = DealerQuote()
