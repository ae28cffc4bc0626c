"""One participant's company: the settings they chose, the model, stepping and export.

Nothing here imports Solara, so it is tested without a browser. The page
creates one `Session` per browser session; a lock keeps the play thread and
the drawing of panels from seeing the model half-way through a day.
"""

from __future__ import annotations

import math
import threading
from dataclasses import asdict, dataclass, replace

import pandas as pd

from sim import metrics
from sim.calendar import WORKING_HOURS_PER_DAY
from sim.dashboard import limits, messages
from sim.scenario import ScenarioError, bundled_scenarios, choices, load_scenario, parse_override
from sim.structures import STRUCTURES

PRICING_AUTHORITIES = choices("policies.pricing_authority")
DEALER_POLICIES = choices("dealers.policy")
INCENTIVES = choices("policies.incentives")
COMMITTEES = choices("policies.committee")
ADAPTATIONS = choices("policies.adaptation")
AGGREGATIONS = choices("decisions.aggregation")
DEFAULT_SCENARIO = "baseline"
TIMESERIES_COLUMNS = tuple(metrics.DAILY_REPORTERS)
SUMMARY_COLUMNS = metrics.RUN_FIELDS + metrics.HEADLINE_METRICS


def structure_names() -> tuple[str, ...]:
    """Every registered structure, in registration order (read each time: a structure may register later)."""
    return tuple(STRUCTURES)


def scenario_names() -> list[str]:
    """Bundled scenarios a participant can start from."""
    return [name for name, _ in bundled_scenarios()]


def scenario_description(name: str) -> str:
    return dict(bundled_scenarios()).get(name, "")


@dataclass(frozen=True)
class Settings:
    """What a participant chose in the side panel. `extra` holds `dotted.key=value` pairs, comma separated."""

    scenario: str = DEFAULT_SCENARIO
    structure: str = "hierarchy"
    employees: int = 200
    seed: int = 1
    pricing_authority: str = "unit"
    dealer_policy: str = "direct"
    incentives: str = "sales_only"
    committee: str = "none"
    adaptation: str = "adaptive"
    aggregation: str = "hierarchy"
    training_hours_per_month: float = 0.0
    everyone_helps_customers: bool = False
    extra: str = ""

    @classmethod
    def for_scenario(cls, name: str) -> Settings:
        """The settings a bundled scenario starts with (ScenarioError if it cannot be loaded)."""
        scenario = load_scenario(name)
        return cls(
            scenario=name,
            structure=scenario.organization.structure,
            employees=scenario.organization.employees,
            seed=scenario.seed,
            pricing_authority=scenario.policies.pricing_authority,
            dealer_policy=scenario.dealers.policy,
            incentives=scenario.policies.incentives,
            committee=scenario.policies.committee,
            adaptation=scenario.policies.adaptation,
            aggregation=scenario.decisions.aggregation,
            training_hours_per_month=scenario.policies.training_hours_per_month,
            everyone_helps_customers=scenario.policies.everyone_helps_customers,
        )

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def overrides(self) -> dict:
        """The scenario overrides these settings stand for (ScenarioError for a malformed `extra`)."""
        values = {
            "organization.structure": self.structure,
            "organization.employees": self.employees,
            "seed": self.seed,
            "policies.pricing_authority": self.pricing_authority,
            "dealers.policy": self.dealer_policy,
            "policies.incentives": self.incentives,
            "policies.committee": self.committee,
            "policies.adaptation": self.adaptation,
            "decisions.aggregation": self.aggregation,
            "policies.training_hours_per_month": self.training_hours_per_month,
            "policies.everyone_helps_customers": self.everyone_helps_customers,
        }
        for item in (part.strip() for part in self.extra.replace("\n", ",").split(",")):
            if item:
                key, value = parse_override(item)
                values[key] = value
        return values

    def as_dict(self) -> dict:
        return asdict(self)


def build_scenario(settings: Settings, **more):
    """The validated scenario for `settings`, within this server's limits (sim.dashboard.limits).

    ScenarioError with a one-line message in plain words, without server paths, when invalid.
    """
    if settings.scenario not in scenario_names():  # only the bundled ones: never a path a participant typed
        raise ScenarioError(f"There is no scenario called {settings.scenario!r} here.")
    limits.current().check_run(settings.employees, 0)  # before the scenario's own, wider, bounds
    try:
        overrides = settings.overrides()
        overrides.update(more)
        scenario = load_scenario(settings.scenario, overrides)
        if "warmup_days" not in overrides and scenario.warmup_days:
            # A room watches the company from its first day: the scenario's measured days, with no warm-up.
            overrides.update(warmup_days=0, horizon_days=scenario.horizon_days - scenario.warmup_days)
            scenario = load_scenario(settings.scenario, overrides)
    except (ValueError, TypeError) as error:  # ScenarioError, pydantic's and anything else the input provokes
        raise ScenarioError(messages.plain(str(error), settings.scenario)) from None
    limits.current().check_run(scenario.organization.employees, scenario.horizon_days)
    return scenario


def make_model(settings: Settings, **more):
    from sim.model import OrgModel

    scenario = build_scenario(settings, **more)
    return OrgModel(scenario, rng=scenario.seed)


def timeseries_frame(model) -> pd.DataFrame:
    """The daily observations so far, with exactly the DAILY_REPORTERS columns (possibly no rows)."""
    frame = model.datacollector.get_model_vars_dataframe()
    return frame.reindex(columns=list(TIMESERIES_COLUMNS)).reset_index(drop=True).copy()


def summary_row(model) -> dict:
    """RUN_FIELDS and HEADLINE_METRICS of the run so far, in contract order."""
    summary = model.summary()
    return {name: summary[name] for name in SUMMARY_COLUMNS}


def to_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def reorganization(scenario) -> tuple[int, str] | None:
    """The day the scenario switches structure and the structure it switches to, if it does."""
    change = scenario.reorganization
    return None if change is None else (change.day, change.to)


@dataclass(eq=False)
class Snapshot:
    """What the panels show, taken at one instant under the session's lock."""

    version: int
    day: float
    horizon_days: int
    scenario: str
    structure: str
    employees: int
    frame: pd.DataFrame
    summary: dict
    org: object  # orgchart.OrgView
    reorganization: tuple[int, str] | None = None  # the scenario's switch of structure: (day, new structure)


class Session:
    """One browser session's company: build, reset, step a day at a time, export."""

    def __init__(self, settings: Settings | None = None):
        self.lock = threading.RLock()
        self.model = None
        self.settings: Settings | None = None
        self.version = 0  # bumps on every change, so panels know when to redraw
        self.company = 0  # bumps when a new company is built
        error = self.reset(settings or Settings())
        if error:  # a scenario that cannot be loaded: fall back to the defaults
            self.reset(Settings())

    def reset(self, settings: Settings) -> str | None:
        """Start a new company from `settings`. On invalid input return the message and keep the old one."""
        try:
            model = make_model(settings)
        except ScenarioError as error:
            return str(error)
        with self.lock:
            self.model = model
            self.settings = settings
            self.version += 1
            self.company += 1
        return None

    @property
    def day(self) -> float:
        return self.model.time / WORKING_HOURS_PER_DAY

    @property
    def horizon_days(self) -> int:
        return self.model.params.horizon_days

    @property
    def finished(self) -> bool:
        return self.day >= self.horizon_days - 1e-9

    def step(self, days: int = 1) -> None:
        """Advance `days` working days (each 8 working hours)."""
        with self.lock:
            self.model.run_for(days * WORKING_HOURS_PER_DAY)
            self.version += 1

    def snapshot(self, max_nodes: int | None = None) -> Snapshot:
        from sim.dashboard import orgchart

        with self.lock:
            model = self.model
            return Snapshot(
                version=self.version,
                day=self.day,
                horizon_days=model.params.horizon_days,
                scenario=model.params.name,
                structure=model.structure.name,
                employees=len(model.employees),
                frame=timeseries_frame(model),
                summary=summary_row(model),
                org=orgchart.org_view(model, max_nodes=max_nodes or orgchart.MAX_NODES),
                reorganization=reorganization(model.params),
            )

    def timeseries_csv(self) -> str:
        with self.lock:
            return to_csv(timeseries_frame(self.model))

    def summary_csv(self) -> str:
        with self.lock:
            return to_csv(pd.DataFrame([summary_row(self.model)], columns=list(SUMMARY_COLUMNS)))


def format_value(value) -> str:
    """A metric for people: thousands separators, three decimals, '–' for not a number."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
