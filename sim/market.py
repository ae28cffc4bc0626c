"""The online market: customers arrive, staff quote, the company prices, the customer answers.

1. A customer sends an inquiry (Poisson arrivals; every attribute drawn from
   the market's own stream, so every structure meets the same customers).
2. The dealer policy may hand it to a regional dealer (`Channel`);
   otherwise it lands in the e-commerce team's shared inbox (`Inbox`), and
   the first free member of staff answers it and drafts a quote (`QUOTE`).
   While the site is down (`sim.platform`) it gets through only when it is back.
3. A customized need asks for a CUSTOMIZATION decision; a price above what
   the customer will pay asks for a PRICE decision (a discount), unless it
   lies beyond the price floor (`DecisionProcess` takes them along the path).
4. The answer reaches the customer: is the lead still warm (lead decay), the
   price right, the product there, the local dealer willing? The inquiry
   ends in exactly one outcome.
5. Money: a sale earns its revenue and its profit, the margin at list
   (`market.margin_at_list`) less the discount and the dealer's share; an
   approved infeasible customization fails in production, losing the sale
   and costing `work.failed_customization_cost_share` of the order's value.

Every customer has a patience: with no answer by then, the customer has
walked away (`lost_slow`, at that moment). Staff notice on sight (an inquiry
that reaches the front of the inbox, an answer about to go out) and, for
everything else they hold, in a triage once a day (`triage`, called before the
day's observation): the inquiry is closed at the moment its customer left and
whatever the company still holds for it is dropped when someone reaches it.
"""

from __future__ import annotations

from sim.agents import Customer
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.decisions import DecisionProcess
from sim.inbox import Inbox
from sim.randomness import below
from sim.records import CUSTOMIZATION, PRICE, Inquiry


class Market:
    """The customers of one model and what becomes of their inquiries: the model's usual source of work."""

    decision_process = DecisionProcess  # how decisions move (the validation mode's networks use a leaner one)
    decision_rate = None  # deciders work at their own pace (the validation mode fixes one rate)
    staff_turn_over = True
    organization_adapts = True  # under policies.adaptation = "adaptive" (the validation mode never adapts)
    handoff_delays = True  # a request handed to someone waits until they look at it (decisions.pickup_hours)

    def __init__(self, model):
        self.model = model
        self.inbox = Inbox(model, QUOTE, self.walked_away)
        self.open: dict[int, Inquiry] = {}  # every inquiry still open, by id (the daily triage goes through them)
        self._rate_per_hour = self._base_rate_per_hour()  # the scenario's size and rates are fixed for the run

    def start(self) -> None:
        self._schedule_next_customer()

    def measured(self, since_h: float) -> dict:
        """Metrics of its own beyond the inquiries' (none: `sim.summary` reads the inquiries)."""
        return {}

    def serve_with(self, team: list, helpers: list = ()) -> None:
        """The team answers inquiries from the shared inbox; helpers (everyone helps) when the team is busy."""
        self.inbox.serve_with(team, helpers)

    def rate_per_hour(self) -> float:
        """Inquiries per working hour before web marketing's campaigns: a fixed rate, or one that grows with size."""
        return self._rate_per_hour

    def _base_rate_per_hour(self) -> float:
        params = self.model.params
        market = params.market
        per_day = (
            market.inquiries_per_day
            if market.inquiry_rate_mode == "fixed"
            else market.inquiries_per_employee_day * params.organization.employees
        )
        return per_day / WORKING_HOURS_PER_DAY

    def _schedule_next_customer(self) -> None:
        model = self.model
        rate = self._rate_per_hour * model.platform.reach  # web marketing's campaigns (sim.web_marketing)
        if rate > 0:
            model.schedule_at(model._time + model.market_random.expovariate(rate), self.customer_arrives)

    def customer_arrives(self, _=None) -> None:
        """A customer sends an online inquiry; the next one is drawn from the market stream."""
        model = self.model
        now = model._time  # the clock's storage: this runs for every customer (sim.events)
        market = model.params.market
        draw = model.market_random
        # A fixed number of market draws per customer keeps the stream aligned across structures.
        region = below(draw, market.regions)
        customized = draw.random() < market.customized_share
        wtp = max(0.05, draw.gauss(market.wtp_mean, market.wtp_sd))
        value = max(1.0, draw.gauss(market.order_value_mean, market.order_value_sd))
        half_life = market.lead_half_life_h * draw.lognormvariate(0.0, market.lead_half_life_spread)
        interest_draw, feasible_draw = draw.random(), draw.random()
        patience = market.patience_median_h * draw.lognormvariate(0.0, market.patience_spread)
        spread = market.customization_cost_spread
        cost = market.customization_cost_mean * draw.lognormvariate(-spread * spread / 2, spread)  # mean-preserving
        parts = tuple([draw.random() for _ in range(market.customization_parts)])
        quote_work = draw.expovariate(1.0)
        inquiry = Inquiry(
            len(model.inquiries), Customer(model, region), now, region, customized, wtp, value, half_life,
            interest_draw, feasible_draw, now + patience, cost, parts, quote_work,
        )  # fmt: skip
        model.inquiries.append(inquiry)
        self.open[inquiry.id] = inquiry
        self._schedule_next_customer()
        if model.platform.down:
            model.platform.hold(inquiry)  # the site is down: the inquiry gets through when it is back
        else:
            self.route(inquiry)

    def route(self, inquiry: Inquiry) -> None:
        """The inquiry reaches the company: a dealer takes it, or it lands in the shared inbox."""
        channel = self.model.channel
        dealer = channel.takes(inquiry)
        if dealer is not None:
            channel.hand_to(dealer, inquiry)
        else:
            self.inbox.put(inquiry)

    def walked_away(self, inquiry: Inquiry) -> None:
        """The customer's patience ran out with no answer: it left then (and the company drops the work)."""
        inquiry.walked_away = True
        if inquiry.pending is not None:
            inquiry.pending.dropped = True
        self.close(inquiry, "lost_slow", inquiry.deadline_h)

    def triage(self) -> None:
        """Once a day staff go through what they hold and close the inquiries whose customers have left."""
        now = self.model.time
        for inquiry in [i for i in self.open.values() if i.deadline_h <= now]:
            self.walked_away(inquiry)

    def list_price(self) -> float:
        """List price relative to the market price."""
        return 1.0 + self.model.params.market.price_premium

    def discount_needed(self, inquiry: Inquiry) -> float:
        """Share off the list price that brings it to the customer's willingness to pay."""
        return max(0.0, 1.0 - inquiry.wtp / self.list_price())

    # ------------------------------------------------------------------ quote, price, answer

    def quote_ready(self, inquiry: Inquiry, staff) -> None:
        """Staff have answered and drafted a quote: ask for what it needs, or answer at once."""
        if inquiry.outcome != "open":
            return  # the customer left while the quote was drafted
        if inquiry.deadline_h <= self.model._time:
            self.walked_away(inquiry)  # noticed now: the customer has left
            return
        if inquiry.customized:
            good = inquiry.feasible_draw < self.model.params.work.customization_feasible_share
            self.model.decision_process.request(CUSTOMIZATION, staff, good, inquiry, True, inquiry.customization_cost)
        else:
            self._price(inquiry, staff)

    def _price(self, inquiry: Inquiry, staff) -> None:
        work = self.model.params.work
        discount = self.discount_needed(inquiry)
        inquiry.needs_discount = discount > 0
        if discount == 0:
            self.answer(inquiry)
        elif discount > work.max_discount:
            inquiry.price_ok = False  # no one may go below the price floor
            self.answer(inquiry)
        else:
            self.model.decision_process.request(PRICE, staff, discount <= work.profitable_discount, inquiry, True, discount)

    def decided(self, decision) -> None:
        """A decision an inquiry waited for is taken: price it next, or answer the customer."""
        inquiry = decision.inquiry
        approved = decision.outcome == "approved"
        if decision.kind == CUSTOMIZATION:
            # An infeasible customization approved by mistake fails when it is built.
            inquiry.product_ok = approved and decision.good
            inquiry.build_fails = approved and not decision.good
            if approved and decision.then_price:
                self._price(inquiry, decision.requester)
            else:
                self.answer(inquiry)
        else:
            inquiry.price_ok = approved
            self.answer(inquiry)

    def answer(self, inquiry: Inquiry) -> None:
        """The answer reaches the customer: is the lead still warm, the price right, the product there?"""
        model = self.model
        now = model._time
        if inquiry.deadline_h <= now:
            self.walked_away(inquiry)  # too late: the customer has left
            return
        inquiry.answered_h = now
        waited = now - inquiry.arrived_h
        interest = 0.5 ** (waited / inquiry.half_life_h)  # lead decay
        channel = model.channel
        if inquiry.interest_draw > interest:
            self.close(inquiry, "lost_slow")
        elif not inquiry.price_ok:
            self.close(inquiry, "lost_price")
        elif not inquiry.product_ok:
            if inquiry.build_fails:
                # The customer ordered; the infeasible customization fails in production: no sale, and a cost.
                inquiry.profit = -inquiry.order_value * model.params.work.failed_customization_cost_share
                model.profit += inquiry.profit
            self.close(inquiry, "lost_product")
        elif not channel.serves_locally(inquiry):
            self.close(inquiry, "lost_dealer")
        else:
            value = inquiry.order_value * min(1.0, inquiry.wtp / self.list_price())
            dealer_share = channel.online_sale(inquiry)
            model.dealer_share_paid += value * dealer_share
            inquiry.revenue = value * (1.0 - dealer_share)
            model.revenue += inquiry.revenue
            # The margin at list less the discount (sold at the willingness to pay), less the dealer's share.
            margin = model.params.market.margin_at_list - self.discount_needed(inquiry)
            inquiry.profit = inquiry.order_value * margin - value * dealer_share
            model.profit += inquiry.profit
            model.operations.online_order(inquiry)  # the order now needs credit, building and shipping
            self.close(inquiry, "converted")

    def close(self, inquiry: Inquiry, outcome: str, when_h: float | None = None) -> None:
        """Record the one outcome this inquiry ends in (one of `metrics.OUTCOMES`), now or at `when_h`."""
        inquiry.closed_h = self.model._time if when_h is None else when_h
        inquiry.outcome = outcome
        del self.open[inquiry.id]
        self.model.outcome_counts[outcome] += 1
        inquiry.customer.remove()
        inquiry.customer = None


class Quote:
    """The task of answering an inquiry and drafting its quote (staff work faster with more skill)."""

    exponential = False

    @staticmethod
    def hours(staff, inquiry: Inquiry) -> float:
        work = staff.model.params.work
        speed = max(0.2, 1.0 + work.skill_speedup * (staff.skill - 0.5))
        # The inquiry brings its own amount of work (drawn with the customer), so that whoever quotes it,
        # under any policy, faces the same work: staff differ only by their speed.
        return inquiry.quote_work * work.quote_hours / speed

    @staticmethod
    def done(staff, inquiry: Inquiry, hours: float) -> None:
        staff.model.market.quote_ready(inquiry, staff)


QUOTE = Quote()
