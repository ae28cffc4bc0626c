"""The experiment file: a base scenario, fixed overrides, a design, replications and metrics.

```toml
name = "size_sweep"
scenario = "scenarios/baseline.toml"   # relative to this file or the repository, or a bundled name
replications = 20
seed = 2026                            # root seed; replication k gets the k-th spawned seed
metrics = ["decision_time_mean_h"]     # optional subset of the headline metrics (default all)
timeseries = false                     # also store the daily time series of every run
[set]                                  # fixed overrides of the base scenario
horizon_days = 120
[design]
kind = "grid"                          # grid | lhs | morris | sobol
samples = 16                           # lhs, morris (trajectories), sobol (base samples)
[design.parameters]                    # lists for grid; [low, high] bounds otherwise
"organization.employees" = [10, 30, 100]
"organization.structure" = ["hierarchy", "holacracy"]
```

`load_experiment` validates the file and every design point's resolved
scenario before anything runs. Any problem is an `ExperimentError`: one line
naming the file and the key (the CLI prints it and exits with code 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.batch.designs import Design, design_size, duplicate_points, make_design, replication_seeds
from sim.metrics import HEADLINE_METRICS
from sim.scenario import (
    SCENARIO_SCHEMA,
    ScenarioError,
    apply_overrides,
    read_scenario_file,
    read_toml,
    resolve_scenario_path,
    scenario_from_dict,
)
from sim.settings_schema import SettingsSchema, finite_number, table_class, union_members

REPO_ROOT = Path(__file__).resolve().parents[2]
MAX_RUNS = 100_000  # default of `orgsim sweep --max-runs`: a bigger design is refused before it is built


class ExperimentError(ScenarioError):
    """An experiment file is invalid; the message is one user-facing line."""


class DesignSpec(BaseModel):
    """The `[design]` table."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["grid", "lhs", "morris", "sobol"]
    samples: int | None = Field(None, ge=1, le=1_000_000)
    levels: int = Field(4, ge=2, le=1_000)  # Morris grid levels
    second_order: bool = False  # Sobol' second-order indices (more points)
    parameters: dict[str, list[Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> DesignSpec:
        if self.kind == "grid":
            if self.samples is not None:
                raise ValueError("'samples' is only for lhs, morris and sobol designs (a grid runs every combination)")
            for key, values in self.parameters.items():
                if not values:
                    raise ValueError(f"parameter '{key}': give at least one value")
        else:
            if self.samples is None:
                raise ValueError(f"a {self.kind} design needs 'samples = N'")
            for key, bounds in self.parameters.items():
                numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bounds)
                if len(bounds) != 2 or not numeric:
                    raise ValueError(f"parameter '{key}': a {self.kind} design needs numeric [low, high] bounds (got {bounds!r})")
                for bound in bounds:  # [1, inf] would sample infinities
                    finite_number(bound, f"parameter '{key}': each bound")
                if not bounds[0] < bounds[1]:
                    raise ValueError(f"parameter '{key}': low must be below high (got {bounds!r})")
        return self


class ExperimentSpec(BaseModel):
    """The experiment file's top level (keys are a contract: users' experiment files use them)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    scenario: str = Field(min_length=1)
    replications: int = Field(ge=1, le=100_000)
    seed: int = Field(ge=0)
    metrics: list[str] | None = None
    timeseries: bool = False
    set_: dict[str, Any] = Field(default_factory=dict, alias="set")
    design: DesignSpec

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        # The name is the default results folder (results/<name>): "." or ".." would write outside it.
        if set(name) == {"."}:
            raise ValueError(f"{name!r} is not a folder name; use letters, digits, '_', '-' or '.'")
        return name

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, metrics: list[str] | None) -> list[str] | None:
        if metrics is None:
            return None
        unknown = [m for m in metrics if m not in HEADLINE_METRICS]
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r} (allowed: {', '.join(HEADLINE_METRICS)})")
        if not metrics:
            raise ValueError("give at least one metric, or leave 'metrics' out for all")
        return list(dict.fromkeys(metrics))


# An experiment file has few keys: messages list them in the order of the example above.
EXPERIMENT_SCHEMA = SettingsSchema(ExperimentSpec, what="experiment", docs="docs/experiments.md", sort_keys=False)


@dataclass
class Experiment:
    """A validated experiment: its spec, base scenario and every design point resolved."""

    path: Path
    spec: ExperimentSpec
    raw: dict  # the file's TOML content, for the manifest
    scenario_path: Path
    design: Design
    scenarios: list[dict]  # per design point: the validated scenario (model_dump), seed not yet set
    seeds: list[int]  # per replication
    repeats: dict[int, int] = field(default_factory=dict)  # point -> earlier identical point (with dedupe)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(self.spec.metrics) if self.spec.metrics else HEADLINE_METRICS

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * len(self.seeds)


# --------------------------------------------------------------------------- scenario keys


def scenario_key_type(dotted: str) -> Any:
    """The annotation of a dotted scenario key, or KeyError(message) naming what is allowed."""
    return SCENARIO_SCHEMA.annotation(dotted)


def is_integer_key(dotted: str) -> bool:
    """Whether a scenario key takes whole numbers only (sampled values of it are rounded)."""
    members = union_members(scenario_key_type(dotted))
    return any(m is int for m in members) and not any(m is float for m in members)


def _is_scenario_table(dotted: str) -> bool:
    """Whether a dotted key names a scenario section (a nested table such as `market`)."""
    try:
        return table_class(scenario_key_type(dotted)) is not None
    except KeyError:
        return False


def flatten_overrides(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`[set]` as dotted keys: nested tables that are scenario sections are flattened."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and _is_scenario_table(dotted):
            flat.update(flatten_overrides(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def get_dotted(data: dict, dotted: str) -> Any:
    """The value at a dotted key of nested tables (a resolved scenario), or None where there is none."""
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


# --------------------------------------------------------------------------- loading


def _read_toml(path: Path) -> dict:
    return read_toml(path, "experiment", ExperimentError)


def _find_scenario(name: str, experiment_path: Path) -> Path:
    for candidate in (experiment_path.parent / name, REPO_ROOT / name):
        if candidate.is_file():
            return candidate
    bundled = resolve_scenario_path(name)
    if bundled.is_file():
        return bundled
    raise ExperimentError(
        f"{experiment_path}: key 'scenario': no scenario {name!r} (looked next to the experiment file, "
        f"in the repository and among the bundled scenarios)"
    )


def _describe_point(point: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in point.items())


def _check_size(path: Path, spec: ExperimentSpec, max_runs: int) -> None:
    """Refuse a design of more than `max_runs` runs, counted from the spec before anything is built."""
    design = spec.design
    points = design_size(design.kind, design.parameters, design.samples, design.second_order)
    runs = points * spec.replications
    if runs > max_runs:
        raise ExperimentError(
            f"{path}: the design makes {points:,} points x {spec.replications:,} replications = {runs:,} runs, "
            f"more than the limit of {max_runs:,}; pass --max-runs {runs} to run it anyway"
        )


def load_experiment(path: str | Path, *, max_runs: int = MAX_RUNS, dedupe: bool = False) -> Experiment:
    """Read and validate an experiment file and every design point's scenario; raise ExperimentError.

    A design of more than `max_runs` runs is refused before it is built; design points
    that resolve to the same scenario are refused unless `dedupe` (then each runs once).
    """
    path = Path(path)
    raw = _read_toml(path)
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as error:
        raise ExperimentError(EXPERIMENT_SCHEMA.error_line(str(path), error)) from None
    _check_size(path, spec, max_runs)

    fixed = flatten_overrides(spec.set_)
    for table, keys in (("set", fixed), ("design.parameters", spec.design.parameters)):
        for key in keys:
            try:
                scenario_key_type(key)
            except KeyError as error:
                raise ExperimentError(f"{path}: key '{table}.\"{key}\"': {error.args[0]}") from None
    for key in spec.design.parameters:
        if key in fixed:
            raise ExperimentError(f"{path}: key 'design.parameters.\"{key}\"': also fixed in [set]; keep it in one place")
        if key == "seed":
            raise ExperimentError(f"{path}: key 'design.parameters.\"seed\"': seeds come from the root seed and replications")

    scenario_path = _find_scenario(spec.scenario, path)
    try:
        base = read_scenario_file(scenario_path)
        base = apply_overrides(base, fixed, f"{path} [set]")
        scenario_from_dict(base, f"{path} [set] on {scenario_path}")
    except ScenarioError as error:
        raise ExperimentError(str(error)) from None

    integer_keys = frozenset(k for k in spec.design.parameters if spec.design.kind != "grid" and is_integer_key(k))
    design = make_design(
        spec.design.kind,
        spec.design.parameters,
        samples=spec.design.samples,
        seed=spec.seed,
        integer_keys=integer_keys,
        levels=spec.design.levels,
        second_order=spec.design.second_order,
    )
    scenarios = []
    for index, point in enumerate(design.points):
        data = apply_overrides(base, point, str(path))
        try:
            scenario = scenario_from_dict(data, f"{path} (design point {index}: {_describe_point(point)})")
        except ScenarioError as error:
            raise ExperimentError(str(error)) from None
        scenarios.append(scenario.model_dump(mode="json"))
    repeats = duplicate_points(scenarios)
    if repeats and not dedupe:
        point, first = next(iter(repeats.items()))
        raise ExperimentError(
            f"{path}: design points {first} ({_describe_point(design.points[first])}) and {point} "
            f"({_describe_point(design.points[point])}) are the same scenario after validation and rounding "
            f"({len(repeats)} repeats in all); remove them, or pass --dedupe to run each scenario once"
        )
    seeds = replication_seeds(spec.seed, spec.replications)
    return Experiment(path, spec, raw, scenario_path, design, scenarios, seeds, repeats)
