"""A release's figures, kept once in no language: what each is and where it was typed."""

from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from babel.numbers import list_currencies

from microsite.load.schema import Field, check_table, suggest
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.problems import Problem

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
NUMBER = (int, float)
_VALUE_TYPES = {
    "count": (int,),
    "percent": NUMBER,
    "multiplier": NUMBER,
    "money": NUMBER,
    "quantity": NUMBER,
    "date": (datetime.date,),
    "month": (str,),
    "year": (int,),
    "duration": (int,),
}
FACT_TYPES = tuple(_VALUE_TYPES)
TIME_TYPES = ("date", "month", "year")
NUMERIC_TYPES = ("count", "percent", "multiplier", "money", "quantity", "duration")
DURATION_UNITS = ("day", "week", "month", "year")
# What press copy says of a figure besides the figure: "nearly 60 percent".
QUALIFIERS = ("nearly", "about", "more than", "over", "at least", "up to", "less than")
# The other ways a reference can write a fact: [[id:change]] "doubled", [[id:adjective]] "three-year".
FORMS = {"multiplier": ("change",), "duration": ("adjective",)}
# Large enough for any figure of a press release (999 trillion), small enough for exact decimals.
LARGEST = Decimal(10) ** 15
_RETIRED_TYPES = {
    "capacity": 'A capacity is a quantity with a unit: type = "quantity" and unit = "power-gigawatt".',
}


@dataclass(frozen=True)
class Fact:
    """One figure of a release: its id, type, value, how it is qualified and where it was typed."""

    id: str
    type: str
    value: object
    line: int | None
    unit: str = ""  # a duration's unit (year, month …) or a quantity's CLDR unit (power-gigawatt …)
    decimals: int | None = None
    qualifier: str = ""  # "", or one of QUALIFIERS
    currency: str = ""  # ISO 4217 code of an amount of money

    def machine_value(self) -> str:
        """Return the language-neutral value for a `datetime` or `value` attribute."""
        if self.type == "date":
            return self.value.isoformat()
        if self.type == "month":
            return f"{self.value[0]:04d}-{self.value[1]:02d}"
        if self.type == "year":
            return f"{self.value:04d}"
        if isinstance(self.value, Decimal):
            return format(self.value, "f")
        return str(self.value)


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """Tell whether a code is an ISO 4217 currency that CLDR can write ("CNY", "USD"; not "XYZ" or "usd")."""
    return code in _currencies()


def load_facts(
    path: Path, default_currency: str = ""
) -> tuple[dict[str, Fact], list[Problem], frozenset[str]]:
    """Load a facts file; return every valid fact, every problem found, and the ids of the broken ones.

    A broken fact is reported once, where it is written: references to it are
    not reported again as references to an unknown fact.
    """
    data, text, problems = read_toml(path)
    if data is None:
        return {}, problems, frozenset()
    facts = {}
    for fact_id, table in data.items():
        fact, found = _read_fact(fact_id, table, path, text, default_currency)
        problems += found
        if fact is not None:
            facts[fact_id] = fact
    return facts, problems, frozenset(data) - facts.keys()


_FIELDS = {
    "type": Field((str,)),
    "value": Field((object,)),
    "unit": Field((str,), False),
    "decimals": Field((int,), False),
    "qualifier": Field((str,), False),
    "currency": Field((str,), False),
}


def _read_fact(fact_id: str, table, path: Path, text: str, default_currency: str):
    header = line_of_table(text, fact_id)
    if not isinstance(table, dict):
        where = line_of_key(text, fact_id) or header
        message = f"`{fact_id}` should be a table [{fact_id}] with a type and a value"
        return None, [Problem(path, where, message, hint=f'[{fact_id}]\ntype = "count"\nvalue = 490')]
    if not ID_PATTERN.match(fact_id):
        message = f"fact id `{fact_id}` should use only lowercase letters, digits and _"
        return None, [Problem(path, header, message)]
    line_of = key_lines(text, after=header, default=header)
    what = f"fact `{fact_id}`"
    problems = check_table(table, _FIELDS, path, line_of, what)
    if problems:
        return None, problems
    kind = table["type"]
    if kind not in _VALUE_TYPES:
        hint = _RETIRED_TYPES.get(kind) or suggest(kind, FACT_TYPES) or f"Types: {', '.join(FACT_TYPES)}."
        return None, [Problem(path, line_of("type"), f"{what} has an unknown type `{kind}`", hint=hint)]
    value, problem = _read_value(kind, table["value"], what)
    if problem:
        return None, [Problem(path, line_of("value"), problem[0], hint=problem[1])]
    for key, check in (("unit", _check_unit), ("qualifier", _check_qualifier), ("decimals", _check_decimals)):
        message = check(kind, table.get(key), what)
        if message:
            return None, [Problem(path, line_of(key), message[0], hint=message[1])]
    currency = table.get("currency", default_currency if kind == "money" else "")
    hint = 'Write the ISO 4217 code of the currency, such as currency = "CNY" (yuan) or "USD".'
    if (kind == "money") != bool(currency):
        return None, [
            Problem(path, line_of("currency"), f"{what}: an amount of money needs its currency", hint=hint)
        ]
    if currency and not is_currency(currency):
        message = f"{what}: {currency!r} is not a currency code"
        return None, [Problem(path, line_of("currency"), message, hint=hint)]
    fact = Fact(
        fact_id,
        kind,
        value,
        header,
        unit=table.get("unit", ""),
        decimals=table.get("decimals"),
        qualifier=table.get("qualifier", ""),
        currency=currency,
    )
    return fact, []


def _read_value(kind: str, raw, what: str) -> tuple[object, tuple[str, str] | None]:
    types = _VALUE_TYPES[kind]
    if isinstance(raw, bool) or not isinstance(raw, types) or isinstance(raw, datetime.datetime):
        return None, (f"the value of {what} does not suit its type `{kind}`: {raw!r}", _EXAMPLES[kind])
    if kind == "month":
        match = _MONTH.match(raw)
        if not match or not int(match.group(1)) >= 1 or not 1 <= int(match.group(2)) <= 12:
            return None, (
                f'the value of {what} should be a month written "YYYY-MM", not {raw!r}',
                _EXAMPLES[kind],
            )
        return (int(match.group(1)), int(match.group(2))), None
    if kind == "year" and not 1 <= raw <= 9999:
        return None, (f"the value of {what} should be a year between 1 and 9999, not {raw}", _EXAMPLES[kind])
    if kind in ("date", "month", "year"):
        return raw, None
    if isinstance(raw, float) and not math.isfinite(raw):
        return None, (f"the value of {what} should be a number, not {raw}", _EXAMPLES[kind])
    number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if abs(number) >= LARGEST:
        return None, (
            f"the value of {what} is too large for a figure: {raw}",
            "Figures go up to 999 trillion.",
        )
    if number < 0 and kind != "percent":
        return None, (
            f"the value of {what} should not be negative",
            "Say in the text that it fell or was lost.",
        )
    if kind == "multiplier" and number == 0:
        return None, (f"the value of {what} should be more than zero", _EXAMPLES[kind])
    return (number if kind not in ("count", "duration") else raw), None


_EXAMPLES = {
    "count": "value = 490",
    "percent": "value = 81.6   (written as printed: 81.6 percent, not 0.816)",
    "multiplier": "value = 1.8   (1.8 times the baseline)",
    "money": "value = 45_200_000_000   (in full: 45.2 billion)",
    "quantity": 'value = 100 and unit = "power-gigawatt"',
    "date": "value = 2023-03-24",
    "month": 'value = "2023-01"',
    "year": "value = 2022",
    "duration": 'value = 3 and unit = "year"',
}


def _check_unit(kind: str, unit, what: str) -> tuple[str, str] | None:
    if kind == "duration":
        if unit not in DURATION_UNITS:
            return f"{what}: a duration needs a unit: {', '.join(DURATION_UNITS)}", 'unit = "year"'
        return None
    if kind == "quantity":
        if not unit:
            return (
                f"{what}: a quantity needs its unit",
                'For example unit = "power-gigawatt" (CLDR unit ids).',
            )
        return None
    if unit is not None:
        return f"{what}: only a duration or a quantity has a unit", "Delete the unit line."
    return None


def _check_qualifier(kind: str, qualifier, what: str) -> tuple[str, str] | None:
    if qualifier is None:
        return None
    if kind not in NUMERIC_TYPES:
        return f"{what}: a {kind} cannot have a qualifier", "Delete the qualifier line."
    if qualifier not in QUALIFIERS:
        hint = (
            suggest(qualifier, QUALIFIERS) or "Qualifiers: " + ", ".join(f'"{q}"' for q in QUALIFIERS) + "."
        )
        return f"{what} has an unknown qualifier {qualifier!r}", hint
    return None


def _check_decimals(kind: str, decimals, what: str) -> tuple[str, str] | None:
    if decimals is None:
        return None
    if kind not in ("percent", "multiplier", "money", "quantity"):
        return f"{what}: a {kind} has no decimals", "Delete the decimals line."
    if not 0 <= decimals <= 4:
        return f"{what}: decimals should be between 0 and 4", ""
    return None
