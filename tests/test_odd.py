"""docs/ODD.md documents every scenario key, and only scenario keys.

The `## Parameters` table of the ODD has one row per dotted scenario key
(`organization.span_of_control`, `horizon_days`, ...), the key in backticks in
the first cell. These tests walk the pydantic schema in `sim.scenario` and
compare, so adding, renaming or removing a parameter without documenting it
fails here, as does changing a default without updating the table.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario import Scenario
from sim.settings_schema import table_class

ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
COLUMNS = ["key", "default", "unit", "meaning", "source"]
KEY_CELL = re.compile(r"^`([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`$")
SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")


# ----------------------------------------------------------------------------- the schema


def schema_keys(model: type[BaseModel] = Scenario, prefix: str = "") -> dict[str, FieldInfo]:
    """Every leaf parameter of the scenario as `dotted.key -> FieldInfo`; sections are walked, not listed."""
    keys: dict[str, FieldInfo] = {}
    for name, field in model.model_fields.items():
        dotted = f"{prefix}{name}"
        section = table_class(field.annotation)
        if section is None:
            keys[dotted] = field
        else:
            keys.update(schema_keys(section, f"{dotted}."))
    return keys


# ----------------------------------------------------------------------------- the document


def _split_row(line: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` inside a cell is not a separator."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def parameter_table() -> tuple[list[str], list[list[str]]]:
    """(header cells, data rows) of the first table under `## Parameters`."""
    lines = ODD_PATH.read_text(encoding="utf-8").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "## Parameters")
    except StopIteration:
        pytest.fail(f"{ODD_PATH}: no '## Parameters' heading")
    table: list[list[str]] = []
    for line in lines[start + 1 :]:
        if re.match(r"^#{1,2} ", line):
            break
        if line.lstrip().startswith("|"):
            table.append(_split_row(line))
        elif table and line.strip():
            break  # the table ended; prose after it is not part of it
    assert table, f"{ODD_PATH}: no table under '## Parameters'"
    header, *rest = table
    rows = [row for row in rest if not all(SEPARATOR_CELL.match(cell) for cell in row)]
    return header, rows


def documented_rows() -> dict[str, list[str]]:
    header, rows = parameter_table()
    found: dict[str, list[str]] = {}
    for row in rows:
        match = KEY_CELL.match(row[0])
        assert match, f"first cell of a parameter row must be a dotted key in backticks: {row[0]!r}"
        key = match.group(1)
        assert key not in found, f"{key} has two rows in the parameter table"
        assert len(row) == len(header), f"{key}: {len(row)} cells, the header has {len(header)}"
        found[key] = row
    return found


# ----------------------------------------------------------------------------- tests


def test_table_has_the_agreed_columns():
    header, _ = parameter_table()
    assert [cell.lower() for cell in header] == COLUMNS


def test_every_scenario_key_is_documented():
    missing = sorted(set(schema_keys()) - set(documented_rows()))
    assert not missing, f"scenario keys missing from docs/ODD.md '## Parameters': {missing}"


def test_every_documented_key_exists_in_the_schema():
    unknown = sorted(set(documented_rows()) - set(schema_keys()))
    assert not unknown, f"docs/ODD.md documents keys the scenario does not have: {unknown}"


def test_every_row_names_a_source():
    sourceless = [key for key, row in documented_rows().items() if not row[COLUMNS.index("source")].strip()]
    assert not sourceless, f"parameters without a source: {sourceless}"


def test_documented_scalar_defaults_match_the_schema():
    """A scalar default is written as a backticked TOML value first in its cell; it must equal the schema's."""
    rows = documented_rows()
    wrong = []
    for key, field in schema_keys().items():
        if key not in rows:
            continue  # reported by test_every_scenario_key_is_documented
        if field.is_required() or field.default_factory is not None or field.default is None:
            continue  # required, a table (unit_shares) or unset: described in words
        cell = rows[key][COLUMNS.index("default")]
        match = re.match(r"^`([^`]+)`", cell)
        if not match:
            wrong.append(f"{key}: default cell {cell!r} does not start with a backticked value")
            continue
        try:
            written = tomllib.loads(f"v = {match.group(1)}")["v"]
        except tomllib.TOMLDecodeError:
            wrong.append(f"{key}: {match.group(1)!r} is not a TOML value")
            continue
        default = field.default
        same = (
            math.isclose(written, default, rel_tol=1e-12, abs_tol=0.0)
            if isinstance(default, float) and isinstance(written, int | float)
            else written == default and type(written) is type(default)
        )
        if not same:
            wrong.append(f"{key}: documented {written!r}, schema {default!r}")
    assert not wrong, "defaults in docs/ODD.md disagree with sim/scenario_settings.py:\n" + "\n".join(wrong)
