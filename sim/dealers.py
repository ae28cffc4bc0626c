"""The dealers' own business: offline customers who buy our product or a competitor's (seed 003).

Besides whatever the company sells online in its region, each dealer has
customers of its own, offline, and stocks competitors' products as well as
ours. Once a working day (`DealerBusiness.day`, from the model's daily
observation) each dealer:

1. recovers a little: the gap between its effort and full effort, and the gap
   between its loyalty and its standing loyalty (the commitment it started
   with), each halve every `effort_recovery_days` and `loyalty_recovery_days`;
2. serves the day's offline customers, a Poisson count with mean
   `offline_customers_per_inquiry` x its region's online inquiries a day (the
   dealers' market grows with the company's, as its online demand does).
   Each customer buys one product: ours with
   probability loyalty x effort (the dealer stocks and pushes competitors'
   products the less committed to us it is, and the less hard it works for
   us), a competitor's otherwise.

A sale of ours is bought from us at `wholesale_price` of its list-price value:
that is our revenue from the dealer channel, and our margin on it is the
margin at list less the dealer's discount off list. A dealer's sales of the
day are one bulk order to us, which production builds in the same queue as
the online orders (`sim.operations`): the two channels share its capacity. What the dealers respond
to is in `sim.channel`: an online sale in a dealer's region raises its
grievance, and each unit of grievance makes it withdraw
`effort_cut_per_grievance` of its effort (neglect); a grievance past the
threshold opens a channel conflict and costs loyalty (voice, then a step
towards exit: Hirschman 1970). O2O sales raise no grievance and
build loyalty, so they keep the dealers' sales of ours up (docs/ODD.md §7.9).
"""

from __future__ import annotations

from math import exp, sqrt
from statistics import NormalDist
from typing import Literal

from pydantic import Field

from sim.calendar import WORKING_HOURS_PER_DAY
from sim.scenario_settings import Settings


class DealerSettings(Settings):
    """`[dealers]`: the dealer channel, its conflict with direct sales, and the dealers' own business."""

    policy: Literal["assign", "direct", "o2o"] = "direct"
    decisions_per_hour: float = Field(0.5, gt=0.0, le=1_000.0)
    target_load: float = Field(0.7, gt=0.0, le=1.0)
    loyalty_mean: float = Field(0.85, ge=0.0, le=1.0)
    loyalty_sd: float = Field(0.1, ge=0.0, le=0.5)
    discount_room: float = Field(0.10, ge=0.0, le=1.0)
    grievance_per_direct_sale: float = Field(1.0, ge=0.0, le=100.0)
    grievance_per_o2o_sale: float = Field(0.0, ge=0.0, le=100.0)
    grievance_threshold: float = Field(5.0, gt=0.0, le=10_000.0)
    loyalty_loss_per_conflict: float = Field(0.05, ge=0.0, le=1.0)
    loyalty_gain_per_o2o_sale: float = Field(0.005, ge=0.0, le=1.0)
    o2o_profit_share: float = Field(0.10, ge=0.0, le=1.0)
    # The dealers' own offline business: offline customers per online inquiry of the dealer's region, and
    # the share of list price a dealer pays us.
    offline_customers_per_inquiry: float = Field(0.5, ge=0.0, le=100.0)
    wholesale_price: float = Field(0.90, ge=0.0, le=1.0)
    effort_cut_per_grievance: float = Field(0.02, ge=0.0, le=1.0)  # share of its effort a dealer withdraws
    effort_recovery_days: float = Field(10.0, gt=0.0, le=1e9)  # half-life of the effort lost
    loyalty_recovery_days: float = Field(40.0, gt=0.0, le=1e9)  # half-life of loyalty lost or gained


def poisson(draw, mean: float) -> int:
    """A Poisson count by inversion of ONE uniform draw: exactly below a mean of 100; above it, where exp(-mean)
    would underflow, the normal approximation with continuity correction (its error is under 1% there)."""
    u = draw.random()
    if mean > 100.0:
        return max(0, round(mean + sqrt(mean) * NormalDist().inv_cdf(min(max(u, 1e-12), 1 - 1e-12))))
    k, term = 0, exp(-mean)
    cumulative = term
    while u > cumulative and term > 0.0:  # a vanished term ends the search should rounding leave F short of u
        k += 1
        term *= mean / k
        cumulative += term
    return k


class DealerBusiness:
    """The offline sales of one model's dealers, day by day: what the summary and the profit read."""

    def __init__(self, channel):
        model = channel.model
        settings = model.params.dealers
        value = model.params.market.order_value_mean  # an offline order at list price: sizes are not told apart
        self.channel = channel
        # Each dealer's offline customers a day: a share of its region's online inquiries (none in validation mode).
        source = model.source
        per_region_day = source.rate_per_hour() * WORKING_HOURS_PER_DAY / model.params.market.regions if source is model.market else 0.0
        self.rate = settings.offline_customers_per_inquiry * per_region_day
        self.order_value = value
        self.sale_revenue = value * settings.wholesale_price
        # The dealer's discount off list comes off our margin at list, as any discount does (§7.1).
        self.sale_margin = value * (model.params.market.margin_at_list - (1.0 - settings.wholesale_price))
        self.effort_kept = 0.5 ** (1.0 / settings.effort_recovery_days)  # the share of lost effort still lost a day later
        self.loyalty_kept = 0.5 ** (1.0 / settings.loyalty_recovery_days)
        # One row per working day: (its end in hours, offline customers, sales of ours, sales to competitors).
        self.days: list[tuple[float, int, int, int]] = []

    def day(self) -> None:
        """The dealers' working day just ended: they recover, then serve that day's offline customers."""
        channel = self.channel
        draw = channel.random
        rate, effort_kept, loyalty_kept = self.rate, self.effort_kept, self.loyalty_kept
        operations = channel.model.operations
        customers = sold = 0
        for dealer in channel.dealers:
            dealer.effort = 1.0 - (1.0 - dealer.effort) * effort_kept
            standing = dealer.standing_loyalty
            dealer.loyalty = standing + (dealer.loyalty - standing) * loyalty_kept
            ours = dealer.loyalty * dealer.effort
            arriving = poisson(draw, rate)
            customers += arriving
            sold_here = sum(draw.random() < ours for _ in range(arriving))
            if sold_here:
                operations.dealer_order(sold_here * self.order_value)  # the day's sales: one bulk order to build
            sold += sold_here
        model = channel.model
        self.days.append((model.time, customers, sold, customers - sold))
        model.profit += sold * self.sale_margin

    def measured(self, since_h: float) -> tuple[float, int, float]:
        """Since `since_h` (days that ended after it): revenue from dealers' sales of ours, the offline
        customers they switched to competitors, and our margin on their sales."""
        sold = switched = 0
        for end_h, _, ours, theirs in self.days:
            if end_h > since_h:
                sold += ours
                switched += theirs
        return sold * self.sale_revenue, switched, sold * self.sale_margin
