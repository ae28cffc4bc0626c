"""A settings file's schema: walking its dotted keys, and saying in one line what is wrong with it.

A scenario and an experiment file are both TOML tables checked by pydantic
models whose fields are plain values or nested models (the nested tables).
A `SettingsSchema` wraps the top-level model: it finds what a dotted key
holds, lists the keys a table allows and turns pydantic's first error into
the one line users see, "FILE: key 'a.b': what is allowed (got X)".
It also holds the checks every settings file shares: `finite_number` (no
inf, NaN or bool where a number belongs) and `did_you_mean`.
"""

from __future__ import annotations

import difflib
import math
import numbers
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo


def finite_number(value: Any, what: str = "value") -> float | int:
    """`value` if it is a finite int or float, else ValueError (one line): bools, inf and NaN are not numbers here.

    Shared by every settings file (scenario values, experiment bounds and levels), so that a value that
    cannot be simulated is refused where it is read, not found as `Infinity` in a result.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{what} must be a number (got {short_repr(value)})")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise ValueError(f"{what} must be a finite number (got {short_repr(value)})")
    return value


def number_field(annotation: Any) -> bool:
    """Whether a field holds numbers (int, float, a table of them) and no bools."""
    members = set()
    for member in union_members(annotation):
        members.update(typing.get_args(member)[1:] if typing.get_origin(member) is dict else (member,))
    return bool(members & {int, float}) and bool not in members


def no_bool_for_a_number(model: type[BaseModel], value: Any, info) -> Any:
    """A field validator (mode="before") for every field: `true` where a number belongs is refused.

    pydantic's lax mode reads true as 1; a bool where a number belongs is a mistake in the file.
    """
    if isinstance(value, bool) or (isinstance(value, dict) and any(isinstance(v, bool) for v in value.values())):
        if number_field(model.model_fields[info.field_name].annotation):
            raise ValueError("should be a number, not true or false")
    return value


def short_repr(value: Any, limit: int = 40) -> str:
    """`repr(value)`, cut to `limit` characters: a 5,000-digit number must not fill the one-line message."""
    try:
        text = repr(value)
    except ValueError:  # an int beyond Python's digit limit for str()
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def did_you_mean(word: str, options) -> str:
    """' (did you mean 'seed'?)' for the option closest to a mistyped `word`, or ''."""
    close = difflib.get_close_matches(str(word), [str(option) for option in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def union_members(annotation: Any) -> list[Any]:
    """The member types of an Optional/Union annotation (None left out), or the annotation itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [member for member in typing.get_args(annotation) if member is not type(None)]
    return [annotation]


def table_class(annotation: Any) -> type[BaseModel] | None:
    """The model of the nested table an annotation holds (`MarketSettings`, `ValidationSettings | None`), else None."""
    for member in union_members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _free_table_values(annotation: Any) -> Any:
    """The value type of a free-form table (a `dict[...]` such as unit_shares), else None."""
    for member in union_members(annotation):
        if typing.get_origin(member) is dict:
            return typing.get_args(member)[1]
    return None


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    """The field a file's key names: by its alias where it has one (`set`), else by its name."""
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _file_key(parts) -> str:
    """A location as a dotted key; a part that holds a dot is quoted, as TOML writes it."""
    return ".".join(f'"{part}"' if "." in part else part for part in map(str, parts))


def _first(error: ValidationError) -> dict:
    """The error to report: an unknown key first (a typo such as `sede` also leaves `seed` unset), else the first."""
    errors = error.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


@dataclass(frozen=True)
class SettingsSchema:
    """The top-level model of one kind of settings file, and how its messages name keys."""

    root: type[BaseModel]
    what: str  # the kind of file, in messages: "unknown scenario key ..."
    docs: str  # where every key is documented, named when a message cannot list them
    # Long tables read best alphabetically; short ones in the order their documentation gives.
    sort_keys: bool = True

    def table(self, parts) -> type[BaseModel]:
        """The model of the table at the key path `parts` (empty: the top level); KeyError if it is no table."""
        model = self.root
        for part in parts:
            field = _field(model, str(part))
            section = table_class(field.annotation) if field is not None else None
            if section is None:
                raise KeyError(".".join(map(str, parts)))
            model = section
        return model

    def keys_of(self, model: type[BaseModel]) -> list[str]:
        """The keys a table allows, as files write them."""
        keys = [field.alias or name for name, field in model.model_fields.items()]
        return sorted(keys) if self.sort_keys else keys

    def annotation(self, dotted: str) -> Any:
        """The annotation of a dotted key, or KeyError(message) naming what is allowed."""
        model = self.root
        parts = dotted.split(".")
        for i, part in enumerate(parts):
            field = _field(model, part)
            if field is None:
                where = ".".join(parts[:i]) or "the top level"
                allowed = ", ".join(self.keys_of(model))
                hint = did_you_mean(part, self.keys_of(model))
                raise KeyError(
                    f"unknown {self.what} key '{dotted}'{hint} ('{part}' is not a key of {where}; allowed here: {allowed})"
                )
            if i == len(parts) - 1:
                return field.annotation
            section = table_class(field.annotation)
            if section is not None:
                model = section
                continue
            values = _free_table_values(field.annotation)
            if values is not None and i == len(parts) - 2:
                return values  # a key of a free-form table; which keys it takes is checked on validation
            raise KeyError(f"unknown {self.what} key '{dotted}' ('{'.'.join(parts[: i + 1])}' is a value, not a table)")
        return None

    def _allowed(self, parts) -> str:
        try:
            return ", ".join(self.keys_of(self.table(parts)))
        except KeyError:
            return f"see {self.docs}"

    def error_key(self, error: ValidationError) -> str:
        """The dotted key `error_line` names ('' for the top level)."""
        loc = [str(part) for part in _first(error)["loc"]]
        return _file_key(loc[:-1] if loc and loc[-1] == "[key]" else loc)

    def _hint(self, loc: list[str]) -> str:
        """' (did you mean ...?)' for an unknown key at `loc`, from the keys its table allows."""
        try:
            return did_you_mean(loc[-1], self.keys_of(self.table(loc[:-1])))
        except KeyError:
            return ""

    def error_line(self, source: str, error: ValidationError) -> str:
        """One line: file, dotted key, what is allowed (the first problem pydantic found).

        An unknown key is reported before anything else: a typo (`sede`) is the cause, and a required
        key it leaves missing (`seed`) only its consequence.
        """
        first = _first(error)
        loc = [str(part) for part in first["loc"]]
        kind = first["type"]
        got = first.get("input")
        if loc and loc[-1] == "[key]":  # a bad key of a free-form table (unit_shares): report the key itself
            loc = loc[:-1]
            kind = "bad_dict_key"
        key = _file_key(loc) or "(top level)"
        if kind == "extra_forbidden":
            hint = self._hint(loc)
            return f"{source}: unknown key '{key}'{hint} (allowed here: {self._allowed(loc[:-1])})"
        if kind == "bad_dict_key":
            expected = first.get("ctx", {}).get("expected", f"see {self.docs}").replace("'", "")
            hint = did_you_mean(loc[-1] if loc else "", [word.strip() for word in expected.replace(" or ", ",").split(",")])
            return f"{source}: unknown key '{key}'{hint} (allowed here: {expected})"
        if kind == "missing":
            return f"{source}: key '{key}': required key is missing"
        if kind == "model_type":
            return f"{source}: key '{key}': should be a table [{key}] with keys {self._allowed(loc)} (got {short_repr(got)})"
        if kind == "dict_type":
            return f"{source}: key '{key}': should be a table such as {{ name = value, ... }} (got {short_repr(got)})"
        message = first["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        message = message.split(", got ")[0]  # pydantic's own 'got ...' duplicates the value shown below
        if kind == "finite_number":
            message = "should be a finite number (not inf or nan)"
        shown = "" if isinstance(got, (dict, list)) else f" (got {short_repr(got)})"
        where = f"key '{key}': " if loc else ""  # a check of the whole file names its keys itself
        return f"{source}: {where}{message}{shown}"
