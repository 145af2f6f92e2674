"""Check a TOML table against the keys and types it may hold."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from microsite.problems import Problem

_TYPE_WORDS = {
    str: "text in quotes",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list in [ ]",
    dict: "a table",
    datetime.date: "a date such as 2023-03-24",
}


@dataclass(frozen=True)
class Field:
    """A key a table may hold: its accepted types and whether it must be there."""

    types: tuple[type, ...]
    required: bool = True


def suggest(word: str, choices) -> str:
    """Return a "Did you mean …?" hint for a misspelled key or id, or ''."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    # "zh" for "zh-hans": a short form of a longer name is no typo, but still meant it.
    close = close or [c for c in choices if word and c.startswith(word)][:1]
    return f"Did you mean `{close[0]}`?" if close else ""


def check_table(
    table: dict,
    fields: dict[str, Field],
    path: Path,
    line_of: Callable[[str], int | None],
    what: str,
    retired: dict[str, str] | None = None,
) -> list[Problem]:
    """Return a problem for each unknown, missing or wrongly typed key of `table`.

    `retired` maps keys that an older version knew to what replaced them.
    """
    problems = []
    for key, value in table.items():
        field = fields.get(key)
        if field is None:
            known = ", ".join(f"`{k}`" for k in fields)
            hint = (retired or {}).get(key) or " ".join(
                filter(None, [suggest(key, fields), f"Known keys: {known}."])
            )
            problems.append(Problem(path, line_of(key), f"unknown key `{key}` in {what}", hint=hint))
        elif not _has_type(value, field.types):
            expected = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in field.types)
            problems.append(
                Problem(path, line_of(key), f"`{key}` in {what} should be {expected}, not {value!r}")
            )
    for key, field in fields.items():
        if field.required and key not in table:
            problems.append(
                Problem(path, line_of(None), f"{what} has no `{key}`", hint=f"Add a line `{key} = …`.")
            )
    return problems


def _has_type(value, types: tuple[type, ...]) -> bool:
    if object in types:
        return True  # the caller checks the value itself
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, datetime.datetime):
        return datetime.datetime in types
    return isinstance(value, types)
