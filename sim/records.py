"""Work items: plain records (not agents) that move through the organization.

An `Inquiry` is a customer's online request for a quote; a `Decision` is a
request for authority (a discount, a customization, or, in validation mode, a
bare queueing job); a `Conflict` is an open dispute between two units (or two
roles) that waits for a resolution decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    deadline_h: float  # when the customer's patience runs out: with no answer by then, the customer has left
    customization_cost: float  # what customizing it would cost, as a share of the order's value
    parts: tuple[float, ...]  # the parts a customization touches, each a position in [0, 1) of a unit's work
    quote_work: float  # the work its quote takes, in mean quotes (exponential, mean 1): hours = this x quote_hours / speed
    staff_id: int | None = None
    pending: Any = None  # the decision it waits for, if any
    walked_away: bool = False  # the customer left before any answer came
    dealer_region: int | None = None  # set when a dealer handled it
    needs_discount: bool = False
    price_ok: bool = True
    product_ok: bool = True
    answered_h: float | None = None  # when the answer reached the customer
    closed_h: float | None = None  # when its outcome was settled (an answer, or the customer walking away)
    outcome: str = "open"
    revenue: float = 0.0
    # What the order earned after its discount, the dealer's share and a failed customization's cost
    # (negative for a loss; 0 for an inquiry that bought nothing and cost nothing).
    profit: float = 0.0
    build_fails: bool = False  # an infeasible customization was approved: it fails if the order is built


class Decision:
    """A request that needs someone's authority; it hops along `path` until decided.

    A slotted class with its own constructor rather than a dataclass: one is
    made for every discount and customization, and positional arguments with
    no default factories keep that cheap.
    """

    __slots__ = (
        "id", "kind", "requester", "created_h", "good", "inquiry", "then_price", "screened", "path",
        "hop_index", "hop_entered_h", "decided_h", "outcome", "via_meeting", "with_committee", "committee_chair",
        "amount", "dropped", "approvals",
    )  # fmt: skip

    def __init__(self, id, kind, requester, created_h, good, inquiry=None, then_price=True, screened=True, amount=0.0):
        self.id = id
        self.kind = kind
        self.amount = amount  # what it grants: a discount share, a customization's cost share (authority limits)
        self.dropped = False  # its customer left: whoever reaches it next drops it unseen
        self.requester = requester  # Employee
        self.created_h = created_h
        self.good = good  # merit, for Sah-Stiglitz screening
        self.inquiry = inquiry
        self.then_price = then_price  # a customization for our own quote goes on to pricing
        self.screened = screened  # each hop screens it (Sah-Stiglitz); validation jobs are not screened
        self.path: tuple = ()  # hops (see structures.base.Hop), set when the decision starts
        self.hop_index = 0  # the hop it is at: waiting there, or being looked at
        self.hop_entered_h = created_h  # when the current hop received it
        self.decided_h: float | None = None
        self.outcome = "open"  # approved | rejected | refused | abandoned (the customer left) | open
        self.via_meeting = False
        self.with_committee = False  # refused by a unit and taken up by the committee
        self.committee_chair: int | None = None  # who chaired the meeting that decided it, if the committee did
        self.approvals = 0  # judges who accepted it so far (counted under the committee rule only)

    def __repr__(self) -> str:
        return f"Decision(id={self.id}, kind={self.kind}, outcome={self.outcome}, hop {self.hop_index} of {len(self.path)})"

    @property
    def hops_handled(self) -> int:
        """How many hops of its path have looked at it (the current one too, once it has been decided or refused)."""
        return self.hop_index + (self.outcome != "open" or self.with_committee)

    @property
    def deciders(self) -> list[int]:
        """Ids of the people who handled it, in order: each hop's decider, then the committee's chair.

        Derived from the path rather than appended hop by hop: the path is
        shared and already holds who decides where.
        """
        ids = [hop.decider_id for hop in self.path[: self.hops_handled]]
        if self.committee_chair is not None:
            ids.append(self.committee_chair)
        return ids


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
