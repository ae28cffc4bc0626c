"""Where a run's results came from: the resolved scenario as TOML, the overrides, a fingerprint.

`orgsim run --out DIR` writes `DIR/scenario.toml` (every value after
validation, the seed included), so `orgsim run DIR/scenario.toml` runs the same
model again, and `DIR/overrides.toml` (the `--set` values and the file they
were applied to). summary.json's `provenance` holds only what the resolved
scenario fixes (its SHA-256 and the program's version): rerunning
`DIR/scenario.toml` elsewhere writes a byte-identical summary.json.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import metadata
from typing import Any

from sim.scenario import Scenario

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes are TOML's, except that TOML wants DEL escaped and has no surrogate pairs (ensure_ascii=False).
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def toml_text(data: dict[str, Any], header: str = "") -> str:
    """`data` as TOML: plain values first, then one [table] per nested table; None values are left out."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]

    def emit(prefix: list[str], table: dict[str, Any]) -> None:
        if prefix:
            lines.extend(["", f"[{'.'.join(map(_key, prefix))}]"])
        nested = []
        for key, value in table.items():
            if value is None:
                continue
            if isinstance(value, dict) and value and all(not isinstance(v, dict) for v in value.values()) and prefix:
                lines.append(f"{_key(key)} = {_value(value)}")  # a free-form table of values (unit_shares)
            elif isinstance(value, dict):
                nested.append((key, value))
            else:
                lines.append(f"{_key(key)} = {_value(value)}")
        for key, value in nested:
            emit([*prefix, key], value)

    emit([], data)
    return "\n".join(lines).lstrip("\n") + "\n"


def resolved_scenario_text(scenario: Scenario) -> str:
    """The scenario after validation, every value written out: loading it gives the same scenario."""
    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    return toml_text(data, "The resolved scenario of this run (every value after validation), written by orgsim.")


def overrides_text(source: str, overrides: list[str]) -> str:
    """overrides.toml: the file a run started from and the `--set` values applied to it, in order."""
    lines = [
        "# What this run was started with: a scenario file and the --set values applied to it, in order.",
        "# scenario.toml, next to this file, holds the result: every value.",
        f"scenario = {_string(source)}",
        "set = [" + ", ".join(_string(item) for item in overrides) + "]",
    ]
    return "\n".join(lines) + "\n"


def version() -> str:
    """The installed orgsim's version ('unknown' when run from a bare checkout)."""
    try:
        return metadata.version("orgsim")
    except metadata.PackageNotFoundError:
        return "unknown"


def provenance(scenario_text: str) -> dict[str, str]:
    """summary.json's provenance: fixed by the resolved scenario alone, so a rerun of it writes the same bytes."""
    return {
        "scenario_file": "scenario.toml",
        "scenario_sha256": hashlib.sha256(scenario_text.encode()).hexdigest(),
        "orgsim_version": version(),
        "overrides_file": "overrides.toml",
    }
