"""The release's figures, kept once, and how each is written in a language."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal

from microsite.cache import cached_hash
from microsite.load.schema import Field, check_table, suggest
from microsite.load.settings import Language, Style
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.problems import Problem

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
NUMBER = (int, float)
_VALUE_TYPES = {
    "count": (int,),
    "multiplier": NUMBER,
    "percent": NUMBER,
    "money": NUMBER,
    "capacity": NUMBER,
    "date": (datetime.date,),
    "month": (str,),
    "year": (int,),
    "duration": (int,),
}
FACT_TYPES = tuple(_VALUE_TYPES)
DURATION_UNITS = ("month", "year")
TIME_TYPES = ("date", "month", "year")


@cached_hash
@dataclass(frozen=True)
class Fact:
    """One figure of the release: its id, type, value and where it was typed."""

    id: str
    type: str
    value: object
    line: int | None
    unit: str = ""
    decimals: int | None = None

    def machine_value(self) -> str:
        """Return the language-neutral value for a `datetime` or `value` attribute."""
        if self.type == "date":
            return self.value.isoformat()
        if self.type == "month":
            return f"{self.value[0]:04d}-{self.value[1]:02d}"
        if isinstance(self.value, Decimal):
            return format(self.value, "f")
        return str(self.value)


def load_facts(path: Path) -> tuple[dict[str, Fact], list[Problem]]:
    """Load the facts file; return every valid fact and every problem found."""
    data, text, problems = read_toml(path)
    if data is None:
        return {}, problems
    facts = {}
    for fact_id, table in data.items():
        fact, found = _read_fact(fact_id, table, path, text)
        problems += found
        if fact is not None:
            facts[fact_id] = fact
    return facts, problems


def _read_fact(fact_id: str, table, path: Path, text: str) -> tuple[Fact | None, list[Problem]]:
    header = line_of_table(text, fact_id)
    if not isinstance(table, dict):
        return None, [
            Problem(
                path,
                line_of_key(text, fact_id) or header,
                f"`{fact_id}` should be a table [{fact_id}] with a type and a value",
            )
        ]
    if not ID_PATTERN.match(fact_id):
        return None, [
            Problem(path, header, f"fact id `{fact_id}` should use only lowercase letters, digits and _")
        ]

    line_of = key_lines(text, after=header, default=header)

    fields = {
        "type": Field((str,)),
        "value": Field((object,)),
        "unit": Field((str,), False),
        "decimals": Field((int,), False),
    }
    what = f"fact `{fact_id}`"
    problems = check_table(table, fields, path, line_of, what)
    if problems:
        return None, problems
    kind = table["type"]
    if kind not in _VALUE_TYPES:
        hint = suggest(kind, FACT_TYPES) or f"Types: {', '.join(FACT_TYPES)}."
        return None, [Problem(path, line_of("type"), f"{what} has an unknown type `{kind}`", hint=hint)]
    value, problem = _read_value(kind, table["value"], what)
    if problem:
        return None, [Problem(path, line_of("value"), problem)]
    unit = table.get("unit", "")
    if (kind == "duration") != bool(unit) or (unit and unit not in DURATION_UNITS):
        return None, [
            Problem(
                path,
                line_of("unit"),
                f'{what}: a duration needs unit = "month" or "year", and only a duration has a unit',
            )
        ]
    decimals = table.get("decimals")
    if decimals is not None and not 0 <= decimals <= 4:
        return None, [Problem(path, line_of("decimals"), f"{what}: decimals should be between 0 and 4")]
    return Fact(fact_id, kind, value, header, unit, decimals), []


def _read_value(kind: str, raw, what: str):
    types = _VALUE_TYPES[kind]
    if isinstance(raw, bool) or not isinstance(raw, types) or isinstance(raw, datetime.datetime):
        return None, f"the value of {what} does not suit its type `{kind}`: {raw!r}"
    if kind == "month":
        match = _MONTH.match(raw)
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None, f'the value of {what} should be a month written "YYYY-MM", not {raw!r}'
        return (int(match.group(1)), int(match.group(2))), None
    if isinstance(raw, float):
        return Decimal(repr(raw)), None
    if kind in ("count", "duration") and raw < 0:
        return None, f"the value of {what} should not be negative"
    return (Decimal(raw) if kind in ("multiplier", "percent", "money", "capacity") else raw), None


def format_fact(fact: Fact, language: Language) -> str:
    """Return the fact written as the language's press copy writes it."""
    style, locale = language.style, language.locale
    if fact.type == "count":
        if style.spell_below_ten and fact.value < 10:
            return style.small_numbers[fact.value]
        return _number(Decimal(fact.value), 0, style, locale)
    if fact.type == "duration":
        return _duration(fact, style, locale)
    if fact.type in TIME_TYPES:
        return format_date(_as_date(fact), getattr(style, fact.type), locale=locale)
    value = fact.value
    if fact.type == "money":
        value = value / Decimal(style.money_divisor)
    template = getattr(style, fact.type)
    return template.replace("{}", _number(value, _decimals(fact, value), style, locale))


def _as_date(fact: Fact) -> datetime.date:
    if fact.type == "month":
        return datetime.date(fact.value[0], fact.value[1], 1)
    if fact.type == "year":
        return datetime.date(fact.value, 1, 1)
    return fact.value


def _decimals(fact: Fact, value: Decimal) -> int:
    # Show the figure as precisely as it was published: 81.6 keeps one decimal,
    # 45.2 billion becomes 452 (亿) with none. Money beyond two decimals of its
    # unit is rounded, since press copy never prints "45.237 billion".
    if fact.decimals is not None:
        return fact.decimals
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return max(-rounded.as_tuple().exponent, 0)


def _number(value: Decimal, decimals: int, style: Style, locale) -> str:
    # Quantize here with ROUND_HALF_UP, as readers expect: Babel on its own
    # rounds half to even (1.85 -> 1.8).
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = ("#,##0" if style.grouping else "0") + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, pattern, locale=locale)


def _duration(fact: Fact, style: Style, locale) -> str:
    forms = dict(getattr(style, f"duration_{fact.unit}"))
    form = forms["one"] if locale.plural_form(fact.value) == "one" else forms["other"]
    number = (
        style.small_numbers[fact.value] if fact.value < 10 else _number(Decimal(fact.value), 0, style, locale)
    )
    return form.replace("{}", number)
