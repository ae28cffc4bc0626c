"""The typed scenario: a whole company and its market, loaded from TOML.

`Scenario` gathers the tables of `sim.scenario_settings`, where every
parameter has its default, unit and bounds; `docs/ODD.md` documents each one
(meaning and source). A scenario file only needs the values that differ from
these defaults.

Bad input never produces a traceback: `load_scenario` raises `ScenarioError`
whose message is one line naming the file, the dotted key and what is allowed.
"""

from __future__ import annotations

import copy
import tomllib
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from sim.calendar import WORKING_HOURS_PER_DAY
from sim.dealers import DealerSettings
from sim.operations import OperationsSettings
from sim.platform import EcommerceSettings
from sim.scenario_settings import (
    DEFAULT_UNIT_SHARES,
    REQUIRED_UNITS,
    AdaptationSettings,
    AuthoritySettings,
    ConflictSettings,
    DecisionSettings,
    HolacracySettings,
    HybridSettings,
    MarketSettings,
    OrganizationSettings,
    PolicySettings,
    ReorganizationSettings,
    Settings,
    UnitName,
    ValidationSettings,
    WorkSettings,
    known_structure,
)
from sim.settings_schema import SettingsSchema
from sim.workforce import UnitTurnoverSettings

__all__ = [
    "DEFAULT_UNIT_SHARES",
    "REQUIRED_UNITS",
    "SCENARIO_SCHEMA",
    "Scenario",
    "ScenarioError",
    "UnitName",
    "apply_overrides",
    "bundled_scenarios",
    "choices",
    "known_structure",
    "load_scenario",
    "parse_override",
    "read_scenario_file",
    "read_toml",
    "resolve_scenario_path",
    "scenario_from_dict",
    "scenarios_dir",
]


class ScenarioError(ValueError):
    """A scenario (or an override) is invalid; the message is one user-facing line."""


class Scenario(Settings):
    """A whole company and its market. Sections mirror the TOML tables."""

    name: str = "unnamed"
    description: str = ""
    horizon_days: int = Field(380, ge=1, le=5_000)
    warmup_days: int = Field(280, ge=0, le=5_000, validate_default=True)
    seed: int = Field(1, ge=0, le=2**63 - 1)
    organization: OrganizationSettings = Field(default_factory=OrganizationSettings)
    market: MarketSettings = Field(default_factory=MarketSettings)
    work: WorkSettings = Field(default_factory=WorkSettings)
    decisions: DecisionSettings = Field(default_factory=DecisionSettings)
    policies: PolicySettings = Field(default_factory=PolicySettings)
    conflict: ConflictSettings = Field(default_factory=ConflictSettings)
    operations: OperationsSettings = Field(default_factory=OperationsSettings)  # its table lives with its work
    holacracy: HolacracySettings = Field(default_factory=HolacracySettings)
    hybrid: HybridSettings = Field(default_factory=HybridSettings)
    dealers: DealerSettings = Field(default_factory=DealerSettings)
    ecommerce: EcommerceSettings = Field(default_factory=EcommerceSettings)  # its roles, platform and campaigns
    unit_turnover: UnitTurnoverSettings = Field(default_factory=UnitTurnoverSettings)
    authority: AuthoritySettings = Field(default_factory=AuthoritySettings)
    adaptation: AdaptationSettings = Field(default_factory=AdaptationSettings)
    reorganization: ReorganizationSettings | None = None
    validation: ValidationSettings | None = None

    @field_validator("warmup_days")
    @classmethod
    def _shorter_than_the_horizon(cls, warmup: int, info: ValidationInfo) -> int:
        horizon = info.data.get("horizon_days")
        if horizon is not None and warmup >= horizon:
            raise ValueError(
                f"must be shorter than horizon_days ({horizon}): every headline metric is measured after the "
                "warm-up (set warmup_days = 0 to measure from the start)"
            )
        return warmup

    @model_validator(mode="after")
    def _servers_are_employees(self):
        validation = self.validation
        if validation is not None and validation.servers is not None and validation.servers >= self.organization.employees:
            raise ValueError(
                f"validation.servers ({validation.servers}) must be fewer than organization.employees "
                f"({self.organization.employees}): the servers are employees other than the general manager"
            )
        return self

    @model_validator(mode="after")
    def _validation_keeps_its_structure(self):
        # The validation mode compares one fixed network with its analytic answer (a requester's path is found once).
        if self.validation is not None and self.reorganization is not None:
            raise ValueError(
                "a validation scenario takes no [reorganization]: its queueing system keeps one structure"
            )
        return self

    @model_validator(mode="after")
    def _reorganization_within_the_horizon(self):
        # A switch at or after the end would never happen: say so rather than ignore it.
        if self.reorganization is not None and self.reorganization.day >= self.horizon_days:
            raise ValueError(
                f"reorganization.day ({self.reorganization.day}) must be before horizon_days ({self.horizon_days}), "
                "or the reorganization never happens"
            )
        return self

    @property
    def horizon_hours(self) -> float:
        return self.horizon_days * WORKING_HOURS_PER_DAY

    @property
    def warmup_hours(self) -> float:
        return self.warmup_days * WORKING_HOURS_PER_DAY


# Scenario tables are long: their keys are listed alphabetically in messages.
SCENARIO_SCHEMA = SettingsSchema(Scenario, what="scenario", docs="docs/ODD.md", sort_keys=True)


def choices(dotted: str) -> tuple:
    """The values a `Literal` scenario key allows, e.g. choices("policies.pricing_authority")."""
    annotation = SCENARIO_SCHEMA.annotation(dotted)
    if typing.get_origin(annotation) is not Literal:
        raise TypeError(f"{dotted} is not a list of choices")
    return typing.get_args(annotation)


# --------------------------------------------------------------------------- loading


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
    except ValueError:  # an integer beyond Python's digit limit: no scenario value is that large
        raise ScenarioError(f"--set {_cut(text)}: the number has too many digits") from None
    return key, value


def _cut(text: str, limit: int = 60) -> str:
    """An override as typed, cut short: a 5,000-digit value must not fill the one-line message."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any], source: str) -> dict[str, Any]:
    """Return a copy of `data` with dotted keys set; unknown sections are reported by validation."""
    result = copy.deepcopy(data)
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


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>", blame: dict[str, str] | None = None) -> Scenario:
    """Validate a plain dict (TOML content) into a Scenario, or raise ScenarioError.

    `blame` maps a dotted key to what set it (`--set a.b=1`): an error in that key names it, not `source`.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(SCENARIO_SCHEMA.error_line(_blamed(source, error, blame or {}), error)) from None


def _blamed(source: str, error: ValidationError, blame: dict[str, str]) -> str:
    """Who to name for a validation error: the override that set its key, else the file."""
    key = SCENARIO_SCHEMA.error_key(error)
    for dotted, who in blame.items():
        if key == dotted or key.startswith(f"{dotted}."):
            return f"{who} (on {source})"
    within = [who for dotted, who in blame.items() if dotted.startswith(f"{key}.") or not key]
    return f"{source} with {', '.join(within)}" if within else source


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
    except ValueError:  # tomllib's int() of an integer beyond Python's digit limit (4,300)
        raise error(f"{path}: an integer has too many digits (no {what} value is that large)") from None
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
    blame: dict[str, str] = {}
    if isinstance(overrides, list):  # the command line's --set: its mistakes are named as --set, not the file's
        parsed = {}
        for item in overrides:
            key, value = parse_override(item)
            try:
                SCENARIO_SCHEMA.annotation(key)
            except KeyError as unknown:
                raise ScenarioError(f"--set {_cut(item)} (on {resolved}): {unknown.args[0]}") from None
            parsed[key] = value
            blame[key] = f"--set {_cut(item)}"
        overrides = parsed
    if overrides:
        data = apply_overrides(data, overrides, str(resolved))
    return scenario_from_dict(data, str(resolved), blame)


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
