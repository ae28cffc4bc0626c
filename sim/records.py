"""Work items: plain records (not agents) that move through the organization.

An `Inquiry` is a customer's online request for a quote; a `Decision` is a
request for authority (a discount, a customization, or, in validation mode, a
bare queueing job); a `Conflict` is an open dispute between two units (or two
roles) that waits for a resolution decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every inquiry ends in exactly one of these, or stays `open` at the end of a run.
OUTCOMES = ("converted", "lost_price", "lost_product", "lost_slow", "lost_dealer")

PRICE = "PRICE"
CUSTOMIZATION = "CUSTOMIZATION"
VALIDATION = "VALIDATION"


@dataclass(slots=True, eq=False)
class Inquiry:
    """A customer's online inquiry and everything that happened to it."""

    id: int
    customer: Any
    arrived_h: float
    region: int
    customized: bool
    wtp: float  # willingness to pay relative to the market price
    order_value: float  # value of the order at list price
    half_life_h: float  # this customer's lead half-life
    interest_draw: float  # uniform draw compared with the decayed interest
    feasible_draw: float  # uniform draw: is the customization feasible?
    staff_id: int | None = None
    dealer_region: int | None = None  # set when a dealer handled it
    needs_discount: bool = False
    price_ok: bool = True
    product_ok: bool = True
    answered_h: float | None = None
    outcome: str = "open"
    revenue: float = 0.0


@dataclass(slots=True, eq=False)
class Decision:
    """A request that needs someone's authority; it hops along `path` until decided."""

    id: int
    kind: str
    requester: Any  # Employee
    created_h: float
    good: bool  # merit, for Sah-Stiglitz screening
    inquiry: Inquiry | None = None
    then_price: bool = True  # a customization for our own quote goes on to pricing
    screened: bool = True  # each hop screens it (Sah-Stiglitz); validation jobs are not screened
    path: tuple = ()  # hops (see structures.base.Hop), set when the decision starts
    hop_index: int = 0
    hop_entered_h: float = 0.0  # when the current hop received it
    deciders: list = field(default_factory=list)  # ids of employees who handled it
    decided_h: float | None = None
    outcome: str = "open"  # approved | rejected | refused | open
    via_meeting: bool = False


@dataclass(slots=True, eq=False)
class Conflict:
    """A dispute between two units (inter-unit) or inside a circle (role)."""

    id: int
    kind: str  # interunit | channel | culture | role
    unit_a: str
    unit_b: str
    opened_h: float
    resolved_h: float | None = None
    resolver_id: int | None = None
