"""Bad input gets a clear error (the CLI contract).

ONE line on stderr naming the file, the dotted key and what is allowed; exit
code 2; no traceback; nothing half-written (no result files with --out).

Every file in tests/bad_scenarios/ is run through the real CLI in a subprocess
(`python -m sim run FILE`), so the test covers loading, validation, message
formatting and the exit path together.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BAD_DIR = Path(__file__).resolve().parent / "bad_scenarios"
EXIT_BAD_INPUT = 2

# file name -> (dotted key the message must name, or None when no key is involved;
#               fragments showing what is allowed)
BAD_SCENARIOS: dict[str, tuple[str | None, list[str]]] = {
    "unknown_top_level_key.toml": ("employees", ["allowed here", "organization", "horizon_days"]),
    "unknown_key_in_organization.toml": ("organization.employes", ["allowed here", "employees", "span_of_control"]),
    "misspelled_section.toml": ("organisation", ["allowed here", "organization"]),
    "employees_is_string.toml": ("organization.employees", ["integer", "'many'"]),
    "employees_is_float.toml": ("organization.employees", ["integer", "20.5"]),
    "employees_too_few.toml": ("organization.employees", ["greater than or equal to 8", "got 3"]),
    "span_of_control_one.toml": ("organization.span_of_control", ["greater than or equal to 2", "got 1"]),
    "negative_unit_share.toml": ("organization.unit_shares", [">= 0"]),
    "zero_ecommerce_share.toml": ("organization.unit_shares", ["shares of ecommerce must be > 0"]),
    "zero_rnd_share.toml": ("organization.unit_shares", ["shares of rnd must be > 0"]),
    "meeting_longer_than_cycle.toml": ("holacracy", ["tactical_meeting_hours must be shorter"]),
    "unknown_unit_in_shares.toml": ("organization.unit_shares.marketing", ["allowed here", "ecommerce", "logistics"]),
    "unit_shares_not_table.toml": ("organization.unit_shares", ["table", "got 3"]),
    "customized_share_above_one.toml": ("market.customized_share", ["less than or equal to 1", "1.5"]),
    "margin_above_one.toml": ("market.margin_at_list", ["less than or equal to 1", "1.2"]),
    "unknown_structure.toml": ("organization.structure", ["hierarchy", "holacracy", "'matrix'"]),
    "invalid_toml_syntax.toml": (None, ["not valid TOML", "line 4"]),
    "duplicate_key.toml": (None, ["not valid TOML", "line 4"]),
    "bad_pricing_authority.toml": ("policies.pricing_authority", ["'top'", "'unit'", "'frontline'", "'ceo'"]),
    "bad_incentives.toml": ("policies.incentives", ["'sales_only'", "'integrated'", "'bonus'"]),
    "bad_inquiry_rate_mode.toml": ("market.inquiry_rate_mode", ["'per_employee'", "'fixed'", "'per_day'"]),
    "bad_aggregation.toml": ("decisions.aggregation", ["'hierarchy'", "'polyarchy'", "'committee'", "'majority'"]),
    "organization_not_table.toml": ("organization", ["table", "employees", "got 5"]),
    "validation_not_table.toml": ("validation", ["table", "request_rate_per_hour"]),
    "validation_missing_key.toml": ("validation.manager_service_rate_per_hour", ["required", "missing"]),
    "unknown_key_in_validation.toml": ("validation.service_rate", ["allowed here", "manager_service_rate_per_hour"]),
    "negative_horizon.toml": ("horizon_days", ["greater than or equal to 1", "-5"]),
    "quote_hours_with_unit.toml": ("work.quote_hours", ["number", "'1h'"]),
    "holacracy_circle_too_small.toml": ("holacracy.max_circle_size", ["greater than or equal to 3", "got 2"]),
    "line_break_in_key.toml": (None, ["unknown key", "allowed here"]),
    # issue 14: every value finite and typed, no silent clamp or ignore, unknown keys named
    "money_infinite.toml": ("market.order_value_mean", ["finite number", "got inf"]),
    "money_overflows.toml": ("market.order_value_mean", ["less than or equal to", "1e+308"]),
    "horizon_is_bool.toml": ("horizon_days", ["a number, not true or false"]),
    "validation_warmup_infinite.toml": ("warmup_days", ["finite number (not inf or nan)", "got inf"]),
    "validation_rate_nan.toml": ("validation.request_rate_per_hour", ["finite number (not inf or nan)", "got nan"]),
    "ecommerce_staff_above_employees.toml": ("organization", ["ecommerce_staff (50) must be at most 14", "employees (20)"]),
    "reorganization_after_horizon.toml": (None, ["reorganization.day (200) must be before horizon_days (100)"]),
    "validation_with_reorganization.toml": (None, ["a validation scenario takes no [reorganization]", "one structure"]),
    "huge_integer.toml": (None, ["too many digits"]),
    "typo_seed.toml": ("sede", ["did you mean 'seed'?", "allowed here"]),
    "typo_employees.toml": ("organization.employes", ["did you mean 'employees'?", "allowed here"]),
}


def orgsim(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def assert_bad_input(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit 2, exactly one non-empty stderr line, no traceback, nothing on stdout; returns the line."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == EXIT_BAD_INPUT, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"expected one stderr line, got {lines!r}"
    assert result.stdout == "", result.stdout
    line = lines[0]
    assert len(re.findall(r"\bgot\b", line)) <= 1, f"'got' repeated: {line}"
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} missing from: {line}"
    return line


def test_every_bad_scenario_file_has_an_expectation():
    on_disk = {path.name for path in BAD_DIR.glob("*.toml")}
    assert on_disk == set(BAD_SCENARIOS)
    assert len(on_disk) >= 12


@pytest.mark.parametrize("name", sorted(BAD_SCENARIOS))
def test_bad_scenario_file(name: str):
    key, allowed = BAD_SCENARIOS[name]
    fragments = [name, *allowed]
    if key is not None:
        fragments.append(f"'{key}'")
    assert_bad_input(orgsim("run", BAD_DIR / name), *fragments)


def test_file_that_is_not_utf8(tmp_path: Path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "café"\n'.encode("latin-1"))
    assert_bad_input(orgsim("run", path), "latin1.toml", "not valid TOML", "UTF-8")


def test_missing_scenario_file(tmp_path: Path):
    assert_bad_input(orgsim("run", tmp_path / "no_such_scenario.toml"), "no_such_scenario.toml", "orgsim scenarios")


def test_missing_bundled_scenario_name():
    assert_bad_input(orgsim("run", "no_such_bundled_name"), "no_such_bundled_name", "orgsim scenarios")


def test_directory_instead_of_file(tmp_path: Path):
    assert_bad_input(orgsim("run", tmp_path), str(tmp_path), ".toml")


# --------------------------------------------------------------------------- --set


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        # unknown dotted key: names the key and lists the keys allowed in that table
        # (blamed on the --set, with the file it was applied to)
        ("organization.employes=50", ["--set organization.employes=50 (on", "baseline.toml", "'organization.employes'",
                                      "did you mean 'employees'?", "allowed here"]),
        ("organisation.employees=50", ["--set organisation.employees=50 (on", "baseline.toml", "'organisation",
                                       "did you mean 'organization'?", "allowed here"]),
        ("sede=77", ["--set sede=77 (on", "'sede'", "did you mean 'seed'?"]),
        # bad value: names the key, says what is expected and shows the value
        ("organization.employees=abc", ["--set organization.employees=abc (on", "baseline.toml", "'organization.employees'",
                                        "integer", "'abc'"]),
        ("market.order_value_mean=inf", ["--set market.order_value_mean=inf", "finite number", "got inf"]),
        ("market.order_value_mean=1e308", ["--set market.order_value_mean=1e308", "less than or equal to"]),
        ("validation.request_rate_per_hour=inf", ["--set validation.request_rate_per_hour=inf", "finite number"]),
        ("organization.ecommerce_staff=199", ["baseline.toml with --set organization.ecommerce_staff=199",
                                              "must be at most 194"]),
        ("seed=" + "9" * 5000, ["--set seed=999", "too many digits"]),
        ("organization.employees=2", ["'organization.employees'", "greater than or equal to 8", "got 2"]),
        ("policies.incentives=bonus", ["'policies.incentives'", "'sales_only'", "'integrated'", "'bonus'"]),
        ("market.margin_at_list=-0.1", ["'market.margin_at_list'", "greater than or equal to 0", "-0.1"]),
        ("work.failed_customization_cost_share=-1", ["'work.failed_customization_cost_share'", "greater than or equal to 0", "-1"]),
        ("organization.structure=matrix", ["'organization.structure'", "hierarchy", "holacracy"]),
        # a key below a plain value
        ("organization.employees.x=5", ["'organization.employees.x'", "not a table"]),
        # malformed --set text
        ("organization.employees", ["--set organization.employees", "dotted.key=value"]),
        ("=50", ["--set =50", "dotted.key=value"]),
        ("organization..employees=50", ["--set organization..employees=50", "empty part"]),
    ],
)
def test_bad_override(override: str, fragments: list[str]):
    assert_bad_input(orgsim("run", "baseline", "--days", "1", "--set", "warmup_days=0", "--set", override), *fragments)


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ("horizon_days=true", ["--set horizon_days=true", "'horizon_days'", "not true or false"]),
        ("horizon_days=" + "9" * 5000, ["--set horizon_days=999", "too many digits"]),
        ("reorganization.day=40", ["'reorganization.to'", "required"]),  # a table a --set starts must be whole
    ],
)
def test_bad_override_of_the_horizon(override: str, fragments: list[str]):
    # no --days here: it would override the --set
    assert_bad_input(orgsim("run", "baseline", "--set", "warmup_days=0", "--set", override), *fragments)


def test_reorganization_after_the_horizon_set_on_the_command_line():
    result = orgsim("run", "zappos_transition", "--days", "30", "--set", "warmup_days=0")
    assert_bad_input(result, "zappos_transition.toml with", "--set horizon_days=30", "reorganization.day (60) must be before")


def test_no_structure_in_compare():
    assert_bad_input(orgsim("compare", "baseline", "--days", "1", "--structures", ","), "--structures ','", "hierarchy")


def test_bad_override_in_compare():
    result = orgsim("compare", "baseline", "--days", "1", "--set", "warmup_days=0", "--set", "market.inquiry_rate_mode=weekly")
    assert_bad_input(result, "'market.inquiry_rate_mode'", "'per_employee'", "'fixed'")


def test_bad_structure_in_compare():
    # the bad name first: the error must come before any model runs
    result = orgsim("compare", "baseline", "--days", "1", "--set", "warmup_days=0", "--structures", "matrix,hierarchy")
    assert_bad_input(result, "'organization.structure'", "hierarchy", "holacracy", "'matrix'")


# --------------------------------------------------------------------------- nothing half-written


def test_invalid_scenario_writes_no_results(tmp_path: Path):
    out = tmp_path / "results"
    assert_bad_input(orgsim("run", BAD_DIR / "employees_too_few.toml", "--out", out), "employees_too_few.toml")
    assert not out.exists() or not any(out.iterdir())


def test_invalid_override_leaves_existing_out_dir_empty(tmp_path: Path):
    out = tmp_path / "results"
    out.mkdir()
    result = orgsim("run", "baseline", "--days", "1", "--set", "warmup_days=0", "--set", "organization.employees=abc", "--out", out)
    assert_bad_input(result, "'organization.employees'")
    assert list(out.iterdir()) == []


# --------------------------------------------------------------------------- good input still works


def test_valid_overrides_run(tmp_path: Path):
    out = tmp_path / "results"
    result = orgsim("run", "baseline", "--set", "organization.employees=50", "--set", "warmup_days=0", "--days", "5", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "hierarchy" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["employees"] == 50
    assert summary["horizon_days"] == 5


def test_scenarios_lists_bundled():
    result = orgsim("scenarios")
    assert result.returncode == 0, result.stderr
    names = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"baseline", "startup", "validation/queueing"} <= names


def test_bad_option_value_is_one_line():
    assert_bad_input(orgsim("run", "baseline", "--days", "0"), "--days")
