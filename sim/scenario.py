"""The typed scenario: a whole company and its market, loaded from TOML.

Every parameter of the model lives here, with its default, unit and bounds.
`docs/ODD.md` documents each one (meaning and source). A scenario file only
needs the values that differ from these defaults.

Bad input never produces a traceback: `load_scenario` raises `ScenarioError`
whose message is one line naming the file, the dotted key and what is allowed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.calendar import WORKING_HOURS_PER_DAY

DEFAULT_UNIT_SHARES = {
    "ecommerce": 0.08,
    "sales": 0.22,
    "rnd": 0.12,
    "production": 0.38,
    "logistics": 0.12,
    "finance": 0.08,
}
# Inquiries go to e-commerce, customizations to R&D and production, dealers to sales.
REQUIRED_UNITS = ("ecommerce", "sales", "rnd", "production")
UNIT_NAMES = ("management", "ecommerce", "sales", "rnd", "production", "logistics", "finance")


class ScenarioError(ValueError):
    """A scenario (or an override) is invalid; the message is one user-facing line."""


def known_structure(value: str) -> str:
    """A registered structure name (sim/structures/), or a ValueError listing them."""
    from sim.structures import STRUCTURES

    if value not in STRUCTURES:
        raise ValueError(f"must be one of {' | '.join(sorted(STRUCTURES))}")
    return value


class _Section(BaseModel):
    """Base of every table: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Organization(_Section):
    structure: str = "hierarchy"
    employees: int = Field(200, ge=8, le=100_000)
    span_of_control: int = Field(7, ge=2, le=50)
    # Share of staff in each function; management holds the general manager only
    # and is not listed. Normalised to 1 when the company is built.
    # Share of staff in each function; management holds the general manager only
    # and is not listed. Normalised to 1 when the company is built. A partial
    # table changes only the units it names.
    unit_shares: dict[Literal["ecommerce", "sales", "rnd", "production", "logistics", "finance"], float] = Field(
        default_factory=lambda: dict(DEFAULT_UNIT_SHARES)
    )
    ecommerce_staff: int | None = Field(None, ge=1, le=10_000)
    ecommerce_placement: Literal["in_it", "in_marketing", "separate", "integrated"] = "separate"
    side_work_share: float = Field(0.3, ge=0.0, le=0.9)
    skill_mean: float = Field(0.5, ge=0.0, le=1.0)
    skill_sd: float = Field(0.15, ge=0.0, le=0.5)
    other_units_skill_gap: float = Field(0.2, ge=0.0, le=1.0)

    _known_structure = field_validator("structure")(classmethod(lambda cls, value: known_structure(value)))

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


class Market(_Section):
    inquiry_rate_mode: Literal["per_employee", "fixed"] = "per_employee"
    inquiries_per_employee_day: float = Field(0.12, ge=0.0, le=100.0)
    inquiries_per_day: float = Field(30.0, ge=0.0, le=100_000.0)
    regions: int = Field(8, ge=1, le=1_000)
    customized_share: float = Field(0.15, ge=0.0, le=1.0)
    price_premium: float = Field(0.10, ge=-0.5, le=3.0)
    wtp_mean: float = Field(1.0, gt=0.0, le=5.0)
    wtp_sd: float = Field(0.15, ge=0.0, le=2.0)
    order_value_mean: float = Field(7_000.0, gt=0.0)
    order_value_sd: float = Field(3_000.0, ge=0.0)
    lead_half_life_h: float = Field(24.0, gt=0.0, le=10_000.0)
    lead_half_life_spread: float = Field(0.5, ge=0.0, le=3.0)


class Work(_Section):
    quote_hours: float = Field(1.0, gt=0.0, le=100.0)
    skill_speedup: float = Field(1.0, ge=0.0, le=10.0)
    max_discount: float = Field(0.25, ge=0.0, le=1.0)
    profitable_discount: float = Field(0.15, ge=0.0, le=1.0)
    customization_feasible_share: float = Field(0.6, ge=0.0, le=1.0)


class Decisions(_Section):
    manager_decisions_per_hour: float = Field(2.0, gt=0.0, le=1_000.0)
    role_decisions_per_hour: float = Field(4.0, gt=0.0, le=1_000.0)
    graicunas_hours_coefficient: float = Field(5e-5, ge=0.0, le=1.0)
    screen_accept_good: float = Field(0.95, ge=0.0, le=1.0)
    screen_accept_bad: float = Field(0.5, ge=0.0, le=1.0)
    conflict_resolution_hours: float = Field(1.0, gt=0.0, le=100.0)


class Policies(_Section):
    pricing_authority: Literal["top", "unit", "frontline"] = "unit"
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


class Dealers(_Section):
    policy: Literal["assign", "direct", "o2o"] = "direct"
    decisions_per_hour: float = Field(0.5, gt=0.0, le=1_000.0)
    loyalty_mean: float = Field(0.85, ge=0.0, le=1.0)
    loyalty_sd: float = Field(0.1, ge=0.0, le=0.5)
    discount_room: float = Field(0.10, ge=0.0, le=1.0)
    grievance_per_direct_sale: float = Field(1.0, ge=0.0, le=100.0)
    grievance_per_o2o_sale: float = Field(0.0, ge=0.0, le=100.0)
    grievance_threshold: float = Field(5.0, gt=0.0, le=10_000.0)
    loyalty_loss_per_conflict: float = Field(0.05, ge=0.0, le=1.0)
    loyalty_gain_per_o2o_sale: float = Field(0.005, ge=0.0, le=1.0)
    o2o_profit_share: float = Field(0.10, ge=0.0, le=1.0)


class Conflict(_Section):
    refusal_sales_only: float = Field(0.25, ge=0.0, le=1.0)
    refusal_integrated: float = Field(0.05, ge=0.0, le=1.0)
    cooperation_loss_per_open_conflict: float = Field(0.2, ge=0.0, le=10.0)


class Hybrid(_Section):
    culture_clash_probability: float = Field(0.15, ge=0.0, le=1.0)


class Reorganization(_Section):
    """A switch of structure on a given day, with a turnover shock (e.g. Zappos 2015)."""

    day: int = Field(ge=1, le=5_000)
    to: str
    turnover_shock: float = Field(0.0, ge=0.0, le=1.0)

    _known_structure = field_validator("to")(classmethod(lambda cls, value: known_structure(value)))


class Holacracy(_Section):
    max_circle_size: int = Field(12, ge=3, le=1_000)
    tactical_interval_days: float = Field(5.0, gt=0.0, le=260.0)
    governance_interval_days: float = Field(20.0, gt=0.0, le=260.0)
    tactical_meeting_hours: float = Field(1.0, ge=0.0, le=8.0)
    governance_meeting_hours: float = Field(2.0, ge=0.0, le=8.0)
    initial_policy_discount: float = Field(0.05, ge=0.0, le=1.0)
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
        return self


class Validation(_Section):
    """Present only in validation scenarios: reduces the model to a queueing network."""

    request_rate_per_hour: float = Field(gt=0.0, le=10_000.0)
    manager_service_rate_per_hour: float = Field(gt=0.0, le=100_000.0)
    warmup_days: float = Field(10.0, ge=0.0)


class Scenario(_Section):
    """A whole company and its market. Sections mirror the TOML tables."""

    name: str = "unnamed"
    description: str = ""
    horizon_days: int = Field(120, ge=1, le=5_000)
    seed: int = Field(1, ge=0)
    organization: Organization = Field(default_factory=Organization)
    market: Market = Field(default_factory=Market)
    work: Work = Field(default_factory=Work)
    decisions: Decisions = Field(default_factory=Decisions)
    policies: Policies = Field(default_factory=Policies)
    conflict: Conflict = Field(default_factory=Conflict)
    holacracy: Holacracy = Field(default_factory=Holacracy)
    hybrid: Hybrid = Field(default_factory=Hybrid)
    dealers: Dealers = Field(default_factory=Dealers)
    reorganization: Reorganization | None = None
    validation: Validation | None = None

    @property
    def horizon_hours(self) -> float:
        return self.horizon_days * WORKING_HOURS_PER_DAY


def choices(dotted: str) -> tuple:
    """The values a `Literal` scenario key allows, e.g. choices("policies.pricing_authority")."""
    import typing

    *sections, key = dotted.split(".")
    model: type[BaseModel] = Scenario
    for part in sections:
        model = _section_class(model.model_fields[part].annotation)
    annotation = model.model_fields[key].annotation
    if typing.get_origin(annotation) is not Literal:
        raise TypeError(f"{dotted} is not a list of choices")
    return typing.get_args(annotation)


# --------------------------------------------------------------------------- loading


def _format_error(source: str, error: ValidationError) -> str:
    """One line: file, dotted key, what is allowed (the first problem found)."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    kind = first["type"]
    got = first.get("input")
    if loc and loc[-1] == "[key]":  # a bad key of a free-form table (unit_shares): report the key itself
        loc = loc[:-1]
        kind = "bad_dict_key"
    key = ".".join(loc) or "(top level)"
    if kind == "extra_forbidden":
        parent = ".".join(loc[:-1])
        try:
            allowed = ", ".join(_allowed_keys(parent))
        except KeyError:
            allowed = "see docs/ODD.md"
        return f"{source}: unknown key '{key}' (allowed here: {allowed})"
    if kind == "bad_dict_key":
        expected = first.get("ctx", {}).get("expected", "see docs/ODD.md").replace("'", "")
        return f"{source}: unknown key '{key}' (allowed here: {expected})"
    if kind == "missing":
        return f"{source}: key '{key}': required key is missing"
    if kind == "model_type":
        try:
            allowed = ", ".join(_allowed_keys(key))
        except KeyError:
            allowed = "see docs/ODD.md"
        return f"{source}: key '{key}': should be a table [{key}] with keys {allowed} (got {got!r})"
    if kind == "dict_type":
        return f"{source}: key '{key}': should be a table such as {{ name = value, ... }} (got {got!r})"
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    message = message.split(", got ")[0]  # pydantic's own 'got ...' duplicates the value shown below
    shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
    return f"{source}: key '{key}': {message}{shown}"


def _allowed_keys(dotted_parent: str) -> list[str]:
    """Keys allowed in the table at `dotted_parent`; KeyError if that is not a section."""
    model: type[BaseModel] = Scenario
    for part in filter(None, dotted_parent.split(".")):
        if part not in model.model_fields:
            raise KeyError(dotted_parent)
        annotation = model.model_fields[part].annotation
        model = _section_class(annotation)
    return sorted(model.model_fields)


def _section_class(annotation: Any) -> type[BaseModel]:
    for candidate in getattr(annotation, "__args__", (annotation,)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    raise KeyError(annotation)


def parse_override(text: str) -> tuple[str, Any]:
    """Split `dotted.key=value`; the value is read as a TOML value, else as a string."""
    if "=" not in text:
        raise ScenarioError(f"--set {text}: expected dotted.key=value")
    key, raw = text.split("=", 1)
    key, raw = key.strip(), raw.strip()
    if not key:
        raise ScenarioError(f"--set {text}: empty key, expected dotted.key=value")
    if any(not part.strip() for part in key.split(".")):
        raise ScenarioError(f"--set {text}: empty part in key '{key}', expected e.g. organization.employees=500")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any], source: str) -> dict[str, Any]:
    """Return a copy of `data` with dotted keys set; unknown sections are reported by validation."""
    result = _deep_copy(data)
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        table = result
        for part in parts[:-1]:
            child = table.setdefault(part, {})
            if not isinstance(child, dict):
                raise ScenarioError(f"{source}: key '{dotted}': '{part}' is a value, not a table")
            table = child
        table[parts[-1]] = value
    return result


def _deep_copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _deep_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_deep_copy(v) for v in data]
    return data


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a plain dict (TOML content) into a Scenario, or raise ScenarioError."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_format_error(source, error)) from None


def read_toml(path: str | Path, what: str = "scenario", error: type[ScenarioError] = ScenarioError, hint: str = "") -> dict[str, Any]:
    """Parse a TOML file into a dict; a missing, unreadable or malformed file raises `error` (one line)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file{hint}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, expected a .toml {what} file") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML: {problem}") from None
    except UnicodeDecodeError as problem:
        raise error(f"{path}: not valid TOML: not UTF-8 text (byte {problem.start})") from None
    except OSError as problem:
        raise error(f"{path}: cannot read {what} file: {problem.strerror or problem}") from None


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """Parse a scenario TOML file into a dict; a missing file or bad TOML is a ScenarioError."""
    return read_toml(path, "scenario", hint=" (see 'orgsim scenarios')")


def load_scenario(path: str | Path, overrides: dict[str, Any] | list[str] | None = None) -> Scenario:
    """Load and validate a scenario file, applying `dotted.key=value` overrides.

    `path` may be a file path or the name of a bundled scenario (`baseline`,
    `validation/queueing`).
    """
    resolved = resolve_scenario_path(path)
    data = read_scenario_file(resolved)
    if isinstance(overrides, list):
        overrides = dict(parse_override(item) for item in overrides)
    if overrides:
        data = apply_overrides(data, overrides, str(resolved))
    return scenario_from_dict(data, str(resolved))


def scenarios_dir() -> Path:
    """The bundled scenarios folder (the repository's `scenarios/`)."""
    return Path(__file__).resolve().parent.parent / "scenarios"


def resolve_scenario_path(name: str | Path) -> Path:
    """A path as given if it exists, else a bundled scenario by name."""
    path = Path(name)
    if path.exists():
        return path
    bundled = scenarios_dir() / (str(name) if str(name).endswith(".toml") else f"{name}.toml")
    return bundled if bundled.exists() else path


def bundled_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every bundled scenario, sorted by name."""
    root = scenarios_dir()
    found = []
    for file in sorted(root.rglob("*.toml")):
        name = str(file.relative_to(root).with_suffix(""))
        try:
            description = tomllib.loads(file.read_text()).get("description", "")
        except tomllib.TOMLDecodeError:
            description = "(unreadable)"
        found.append((name, description))
    return found
