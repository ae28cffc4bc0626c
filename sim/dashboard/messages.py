"""Error messages for participants: plain words, no server paths, no pydantic wording.

`sim.scenario` writes its errors for the command line ("/path/x.toml: key
'organization.employees': Input should be greater than or equal to 8 (got 3)").
On a shared page the path tells a participant nothing and tells the room where
the server keeps its files, so `plain` rewrites such a message for the page.
"""

from __future__ import annotations

import re

# The side panel's own fields, named as the panel names them; other keys come from the "extra" box,
# where the participant typed the dotted key themself, so it stays as typed.
FIELD_NAMES = {
    "organization.employees": "Employees",
    "organization.structure": "Structure",
    "seed": "Seed",
    "horizon_days": "Days of the run",
    "warmup_days": "Warm-up days",
    "policies.training_hours_per_month": "Training hours per month",
    "policies.pricing_authority": "Pricing authority",
    "policies.incentives": "Incentives",
    "policies.committee": "Committee",
    "policies.adaptation": "Adaptation",
    "dealers.policy": "Dealer policy",
    "decisions.aggregation": "Aggregation",
}

# pydantic's phrases and what a participant reads instead, in order (each sees the text after "key 'x': ").
PHRASES = [
    (r"Input should be greater than or equal to (\S+)", r"must be at least \1"),
    (r"Input should be greater than (\S+)", r"must be more than \1"),
    (r"Input should be less than or equal to (\S+)", r"must be at most \1"),
    (r"Input should be less than (\S+)", r"must be less than \1"),
    (r"Input should be a valid number[^(]*", "must be a number "),
    (r"Input should be a valid integer[^(]*", "must be a whole number "),
    (r"Input should be a valid boolean[^(]*", "must be true or false "),
    (r"Input should be (.+?) \(got", r"must be \1 (got"),
    (r"\(got ([^)]*)\)", r"(you gave \1)"),
]
PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:~|\.{1,2})?(?:[\\/][\w.@+-]+)+[\\/]?")


def field_name(key: str) -> str:
    return FIELD_NAMES.get(key, f"'{key}'")


def plain(message: str, scenario: str = "") -> str:
    """`message` without file paths (the scenario's name instead) and with pydantic's wording rewritten."""
    text = message.strip().splitlines()[0] if message.strip() else "Invalid input"
    text = re.sub(r"^\s*\S*\.toml:\s*", "", text)  # the scenario file the message starts with
    text = re.sub(r"^--set ([^:]+):", r"Extra setting '\1':", text)
    key = re.match(r"key '([^']+)':\s*(.*)$", text)
    if key:
        detail = key.group(2)
        for pattern, replacement in PHRASES:
            detail = re.sub(pattern, replacement, detail)
        text = f"{field_name(key.group(1))} {detail.strip()}"
    text = re.sub(r"unknown key '([^']+)'", r"there is no setting '\1'", text)
    text = PATH.sub(lambda m: scenario or "the scenario", text)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", ")")) else text + "."
