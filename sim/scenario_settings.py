"""The settings of each scenario table: `[organization]`, `[market]`, `[work]`, ...

One pydantic class a table, with every parameter's default, unit and bounds.
`docs/ODD.md` documents each one (meaning and source); `sim.scenario.Scenario`
gathers the tables into a whole scenario.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.authority import SCHEDULES
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.records import CUSTOMIZATION, PRICE
from sim.settings_schema import no_bool_for_a_number

# The functions whose share of staff a scenario sets, the one list of unit names
# (management holds the general manager only and has no share).
UnitName = Literal["ecommerce", "sales", "rnd", "production", "logistics", "finance"]
# The default share of each of those units, in the same order.
DEFAULT_UNIT_SHARES: dict[UnitName, float] = dict(zip(get_args(UnitName), (0.08, 0.22, 0.12, 0.38, 0.12, 0.08), strict=True))
# Inquiries go to e-commerce, customizations to R&D and production, dealers to sales.
REQUIRED_UNITS: tuple[UnitName, ...] = ("ecommerce", "sales", "rnd", "production")


def known_structure(value: str) -> str:
    """A registered structure name (sim/structures/), or a ValueError listing them."""
    from sim.structures import STRUCTURES

    if value not in STRUCTURES:
        raise ValueError(f"must be one of {' | '.join(sorted(STRUCTURES))}")
    return value


class Settings(BaseModel):
    """Base of every table: unknown keys are errors, values are checked on assignment, numbers are finite
    (no inf or NaN: a result must stay a number) and a bool is no number (`horizon_days = true`)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    _no_bool = field_validator("*", mode="before")(
        classmethod(lambda cls, value, info: no_bool_for_a_number(cls, value, info))
    )


class OrganizationSettings(Settings):
    """`[organization]`: the structure, its size and who works in which function."""

    structure: str = "hierarchy"
    employees: int = Field(200, ge=8, le=100_000)
    span_of_control: int = Field(6, ge=2, le=50)
    # Share of staff in each function; management holds the general manager only
    # and is not listed. Normalised to 1 when the company is built. A partial
    # table changes only the units it names.
    unit_shares: dict[UnitName, float] = Field(default_factory=lambda: dict(DEFAULT_UNIT_SHARES))
    ecommerce_staff: int | None = Field(None, ge=1, le=10_000)
    ecommerce_placement: Literal["in_it", "in_marketing", "separate", "integrated"] = "separate"
    side_work_share: float = Field(0.3, ge=0.0, le=0.9)
    skill_mean: float = Field(0.5, ge=0.0, le=1.0)
    skill_sd: float = Field(0.15, ge=0.0, le=0.5)
    other_units_skill_gap: float = Field(0.2, ge=0.0, le=1.0)

    _known_structure = field_validator("structure")(classmethod(lambda cls, value: known_structure(value)))

    @model_validator(mode="after")
    def _ecommerce_staff_fits(self):
        # Every other unit with a share needs one person, and the general manager is nobody's staff.
        others = sum(1 for unit, share in self.unit_shares.items() if unit != "ecommerce" and share > 0)
        if self.ecommerce_staff is not None and self.ecommerce_staff > (most := self.employees - 1 - others):
            raise ValueError(f"ecommerce_staff ({self.ecommerce_staff}) must be at most {most}: employees ({self.employees}) "
                             f"less the general manager and one person for each of the {others} other units")
        return self

    @field_validator("unit_shares", mode="before")
    @classmethod
    def _merge_with_defaults(cls, shares):
        return {**DEFAULT_UNIT_SHARES, **shares} if isinstance(shares, dict) else shares

    @field_validator("unit_shares")
    @classmethod
    def _positive_shares(cls, shares: dict[str, float]) -> dict[str, float]:
        if any(v < 0 for v in shares.values()):
            raise ValueError("shares must be >= 0")
        missing = [unit for unit in REQUIRED_UNITS if shares.get(unit, 0) <= 0]
        if missing:
            raise ValueError(f"shares of {', '.join(missing)} must be > 0 (the model routes work to them)")
        return shares


class MarketSettings(Settings):
    """`[market]`: the customers: how many inquiries arrive, what they want and pay."""

    inquiry_rate_mode: Literal["per_employee", "fixed"] = "per_employee"
    inquiries_per_employee_day: float = Field(0.12, ge=0.0, le=100.0)
    inquiries_per_day: float = Field(30.0, ge=0.0, le=100_000.0)
    regions: int = Field(8, ge=1, le=1_000)
    customized_share: float = Field(0.15, ge=0.0, le=1.0)
    price_premium: float = Field(0.10, ge=-0.5, le=3.0)
    wtp_mean: float = Field(1.0, gt=0.0, le=5.0)
    wtp_sd: float = Field(0.15, ge=0.0, le=2.0)
    # Bounded so that sums over a run's orders stay finite numbers (1e308 would overflow to inf).
    order_value_mean: float = Field(7_000.0, gt=0.0, le=1e12)
    order_value_sd: float = Field(3_000.0, ge=0.0, le=1e12)
    lead_half_life_h: float = Field(4.5, gt=0.0, le=10_000.0)
    lead_half_life_spread: float = Field(0.5, ge=0.0, le=3.0)
    patience_median_h: float = Field(16.0, gt=0.0, le=10_000.0)
    patience_spread: float = Field(1.0, ge=0.0, le=3.0)
    customization_cost_mean: float = Field(0.10, gt=0.0, le=5.0)
    customization_cost_spread: float = Field(0.5, ge=0.0, le=3.0)
    customization_parts: int = Field(3, ge=1, le=20)
    # What an order earns at list price after what it costs to make and to serve, as a share of its
    # list-price value (docs/ODD.md §7.1): a discount d leaves V x (margin - d). The default equals
    # `work.profitable_discount`, so a discount beyond that limit loses money.
    margin_at_list: float = Field(0.15, ge=0.0, le=1.0)


class WorkSettings(Settings):
    """`[work]`: how long a quote takes and how far staff may go to win an order."""

    quote_hours: float = Field(1.0, gt=0.0, le=100.0)
    skill_speedup: float = Field(1.0, ge=0.0, le=10.0)
    max_discount: float = Field(0.25, ge=0.0, le=1.0)
    profitable_discount: float = Field(0.15, ge=0.0, le=1.0)
    customization_feasible_share: float = Field(0.6, ge=0.0, le=1.0)
    # What an approved infeasible customization costs when it fails in production, as a share of the
    # order's list-price value (the customer is lost on the product either way).
    failed_customization_cost_share: float = Field(0.10, ge=0.0, le=5.0)


class DecisionSettings(Settings):
    """`[decisions]`: how fast people decide, and how well they screen what reaches them."""

    manager_decisions_per_hour: float = Field(2.0, gt=0.0, le=1_000.0)
    role_decisions_per_hour: float = Field(4.0, gt=0.0, le=1_000.0)
    graicunas_hours_coefficient: float = Field(5e-5, ge=0.0, le=1.0)
    screen_accept_good: float = Field(0.95, ge=0.0, le=1.0)
    screen_accept_bad: float = Field(0.5, ge=0.0, le=1.0)
    # How the judges on a decision's path combine (Sah & Stiglitz 1986; Csaszar 2013): every one must
    # accept (hierarchy), any one may (polyarchy), or a quorum of them (committee).
    aggregation: Literal["hierarchy", "polyarchy", "committee"] = "hierarchy"
    quorum: float = Field(0.5, gt=0.0, le=1.0)  # committee: the share of the path's judges who must accept
    conflict_resolution_hours: float = Field(1.0, gt=0.0, le=100.0)
    pickup_hours: float = Field(1.0, ge=0.0, le=100.0)


class PolicySettings(Settings):
    """`[policies]`: the levers management can pull (authority, incentives, committee, training, ...)."""

    pricing_authority: Literal["top", "unit", "frontline", "graded", "custom"] = "graded"
    adaptation: Literal["none", "adaptive"] = "adaptive"
    incentives: Literal["sales_only", "integrated"] = "sales_only"
    committee: Literal["none", "weekly", "biweekly", "monthly"] = "none"
    committee_meeting_hours: float = Field(1.5, ge=0.0, le=8.0)
    training_hours_per_month: float = Field(0.0, ge=0.0, le=80.0)
    skill_gain_per_training_hour: float = Field(0.02, ge=0.0, le=1.0)
    everyone_helps_customers: bool = False
    remote_share: float = Field(0.0, ge=0.0, le=1.0)
    remote_handoff_hours: float = Field(2.0, gt=0.0, le=80.0)
    turnover_per_year: float = Field(0.12, ge=0.0, le=3.0)
    vacancy_days: float = Field(2.0, ge=0.0, le=260.0)
    new_hire_skill_gap: float = Field(0.15, ge=0.0, le=1.0)


class ConflictSettings(Settings):
    """`[conflict]`: when a unit takes on another's request (its reward, its load), and what open conflicts cost."""

    tolerance_days: float = Field(0.7, gt=0.0, le=1_000.0)  # load at which a unit that gains nothing refuses half
    integrated_worth_days: float = Field(5.0, ge=0.0, le=1_000.0)  # load an average order is worth, integrated
    cooperation_loss_per_open_conflict: float = Field(0.2, ge=0.0, le=10.0)


class HybridSettings(Settings):
    """`[hybrid]`: the clash between a holacratic circle and the hierarchy around it.

    A crossing of the boundary to a unit clashes with probability
    cultural_distance x clash_at_full_distance x exp(-crossings so far per e-commerce member / familiarity_crossings)
    (docs/ODD.md §7.14): more distance, more clashes; shared experience wears them down.
    """

    cultural_distance: float = Field(0.5, ge=0.0, le=1.0)
    clash_at_full_distance: float = Field(0.4, ge=0.0, le=1.0)
    familiarity_crossings: float = Field(60.0, gt=0.0, le=1e9)


class ReorganizationSettings(Settings):
    """`[reorganization]`: a switch of structure on a given day, with a turnover shock (e.g. Zappos 2015)."""

    day: int = Field(ge=1, le=5_000)
    to: str
    turnover_shock: float = Field(0.0, ge=0.0, le=1.0)

    _known_structure = field_validator("to")(classmethod(lambda cls, value: known_structure(value)))


class HolacracySettings(Settings):
    """`[holacracy]`: circles, their meetings, and how policies and roles adapt."""

    max_circle_size: int = Field(12, ge=3, le=1_000)
    tactical_interval_days: float = Field(5.0, gt=0.0, le=260.0)
    governance_interval_days: float = Field(20.0, gt=0.0, le=260.0)
    tactical_meeting_hours: float = Field(1.0, ge=0.0, le=8.0)
    governance_meeting_hours: float = Field(2.0, ge=0.0, le=8.0)
    initial_policy_discount: float | None = Field(None, ge=0.0, le=1.0)
    tension_minutes: float = Field(5.0, gt=0.0, le=480.0)
    policy_widen_step: float = Field(0.05, ge=0.0, le=1.0)
    tensions_to_adapt: int = Field(3, ge=1, le=1_000)
    initial_role_ambiguity: float = Field(0.3, ge=0.0, le=1.0)
    ambiguity_cleared_per_governance: float = Field(0.3, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _meetings_fit_their_cycle(self):
        for kind in ("tactical", "governance"):
            interval_h = getattr(self, f"{kind}_interval_days") * WORKING_HOURS_PER_DAY
            if getattr(self, f"{kind}_meeting_hours") >= interval_h:
                raise ValueError(
                    f"{kind}_meeting_hours must be shorter than {kind}_interval_days x {WORKING_HOURS_PER_DAY:g} h"
                )
        # A tactical meeting is time-boxed: it must have time for one tension, or tensions would wait forever.
        # (The same rounding as sim.structures.circles.tensions_per_meeting, which must give at least 1.)
        if self.tactical_meeting_hours * 60.0 / self.tension_minutes + 1e-9 < 1.0:
            raise ValueError("tactical_meeting_hours x 60 must be at least tension_minutes (time for one tension)")
        return self


class ValidationSettings(Settings):
    """`[validation]`, only in validation scenarios: reduces the model to a queueing system.

    `queueing`: every employee without reports sends `request_rate_per_hour` top-authority
    requests; `abandonment`: `servers` staff serve one stream of `request_rate_per_hour` (in all)
    from a shared queue, and customers leave after an exponential patience (Erlang-A).
    """

    kind: Literal["queueing", "abandonment"] = "queueing"
    request_rate_per_hour: float = Field(gt=0.0, le=10_000.0)
    manager_service_rate_per_hour: float = Field(gt=0.0, le=100_000.0)
    servers: int | None = Field(None, ge=1, le=10_000)
    patience_mean_h: float | None = Field(None, gt=0.0, le=10_000.0)

    @model_validator(mode="after")
    def _abandonment_needs_its_queue(self):
        if self.kind == "abandonment":
            missing = [key for key in ("servers", "patience_mean_h") if getattr(self, key) is None]
            if missing:
                raise ValueError(f"kind = \"abandonment\" needs {' and '.join(missing)}")
        return self


Rank = Literal["staff", "lead", "head"]


class AuthoritySettings(Settings):
    """`[authority]`: the delegation-of-authority schedule `policies.pricing_authority = "custom"` uses.

    Each rank's limit: a discount as a share off the list price, a customization's cost as a share
    of the order's value. The top may grant anything.
    """

    discount: dict[Rank, float] = Field(default_factory=lambda: dict(zip(get_args(Rank), SCHEDULES["graded"][PRICE])))
    customization: dict[Rank, float] = Field(
        default_factory=lambda: dict(zip(get_args(Rank), SCHEDULES["graded"][CUSTOMIZATION]))
    )

    @field_validator("discount", "customization")
    @classmethod
    def _every_rank_at_least_the_one_below(cls, limits: dict[str, float]) -> dict[str, float]:
        missing = [rank for rank in get_args(Rank) if rank not in limits]
        if missing:
            raise ValueError(f"give a limit for every rank: {', '.join(get_args(Rank))} (missing {', '.join(missing)})")
        values = [limits[rank] for rank in get_args(Rank)]
        if any(v < 0 for v in values) or values != sorted(values):
            raise ValueError("limits must be >= 0 and grow from staff to lead to head")
        return limits


class AdaptationSettings(Settings):
    """`[adaptation]`: when an overloaded decider adapts under `policies.adaptation = "adaptive"`."""

    backlog_hours: float = Field(4.0, gt=0.0, le=10_000.0)
    overload_days: float = Field(3.0, gt=0.0, le=1_000.0)
    cooldown_days: float = Field(5.0, ge=0.0, le=1_000.0)
    busy_share: float = Field(0.9, gt=0.0, le=1.0)
    liaison_meeting_hours: float = Field(1.0, ge=0.0, le=8.0)
    min_circle_split_size: int = Field(6, ge=4, le=1_000)
