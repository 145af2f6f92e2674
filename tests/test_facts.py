"""Every kind of fact, written in every language: golden values kept as data beside the fixtures.

A Babel upgrade or a style change that alters how any figure is written must
fail here, so that a person decides whether the new form is right.
"""

from __future__ import annotations

import datetime
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from microsite.analyse.format import FormatError, format_fact
from microsite.load.facts import Fact, load_facts
from microsite.load.settings import load_settings

from .conftest import FIXTURES

FIGURES = FIXTURES / "every-fact-type"
GOLDEN = tomllib.loads((FIGURES / "golden.toml").read_text(encoding="utf-8"))
SETTINGS = load_settings(FIGURES / "content" / "site.toml")
FRENCH = load_settings(FIXTURES / "three-languages" / "content" / "site.toml").language("fr")


def language(code: str):
    return SETTINGS.language(code)


@pytest.fixture(scope="module")
def facts() -> dict[str, Fact]:
    facts, problems, _broken = load_facts(FIGURES / "content" / "facts.toml", SETTINGS.currency)
    assert problems == []
    return facts


def test_golden_values_cover_every_fact_in_every_language(facts):
    for code in ("en", "zh-hans"):
        assert {key.partition(":")[0] for key in GOLDEN[code]} == set(facts), code


@pytest.mark.parametrize(("code", "key"), [(code, key) for code in ("en", "zh-hans") for key in GOLDEN[code]])
def test_fact_is_written_as_each_language_writes_it(facts, code, key):
    fact_id, _, form = key.partition(":")
    assert format_fact(facts[fact_id], language(code), form) == GOLDEN[code][key]


@pytest.mark.parametrize(
    ("fact", "english", "chinese", "french"),
    [
        # Half up, as readers round: Babel alone would give 1.8 (half to even).
        (Fact("x", "multiplier", Decimal("1.85"), 1, decimals=1), "1.9 times", "1.9倍", "1,9 fois"),
        (Fact("x", "percent", Decimal("81.65"), 1, decimals=1), "81.7 percent", "81.7%", "81,7\u00a0%"),
        # A published 2.0 keeps its decimal when asked to.
        (Fact("x", "percent", Decimal("2.0"), 1, decimals=1), "2.0 percent", "2.0%", "2,0\u00a0%"),
        # The scale comes from the value, and rounding never leaves "1000万" or "0.1 billion".
        (
            Fact("x", "money", Decimal("99999999"), 1, currency="CNY"),
            "100 million yuan",
            "1亿元",
            "100 millions de yuans",
        ),
        (
            Fact("x", "money", Decimal("1250000000"), 1, currency="CNY"),
            "1.25 billion yuan",
            "12.5亿元",
            "1,25 milliard de yuans",
        ),
        (
            Fact("x", "money", Decimal("2500000000000"), 1, currency="CNY"),
            "2.5 trillion yuan",
            "2.5万亿元",
            "2,5 billions de yuans",
        ),
        (
            Fact("x", "money", Decimal("45000"), 1, currency="CNY"),
            "45,000 yuan",
            "4.5万元",
            "45\u202f000 yuans",
        ),
        # Counts: spelled out below ten where the style says so; round millions scaled.
        (Fact("x", "count", 9, 1), "nine", "9", "neuf"),
        (Fact("x", "count", 1234567, 1), "1,234,567", "1234567", "1\u202f234\u202f567"),
        (Fact("x", "count", 3_000_000, 1), "3 million", "300万", "3 millions"),
        (Fact("x", "duration", 2, 1, unit="month"), "two months", "两个月", "deux mois"),
        (Fact("x", "duration", 12, 1, unit="month"), "12 months", "12个月", "12 mois"),
        (Fact("x", "month", (2023, 12), 1), "December 2023", "2023年12月", "décembre 2023"),
        (
            Fact("x", "date", datetime.date(2023, 1, 5), 1),
            "January 5, 2023",
            "2023年1月5日",
            "5 janvier 2023",
        ),
        (
            Fact("x", "quantity", Decimal("2.5"), 1, unit="energy-kilowatt-hour"),
            "2.5 kWh",
            "2.5千瓦时",
            "2,5\u202fkWh",
        ),
        (Fact("x", "count", 60, 1, qualifier="nearly"), "nearly 60", "近60", "près de 60"),
    ],
)
def test_formatting_rules(fact, english, chinese, french):
    assert format_fact(fact, language("en")) == english
    assert format_fact(fact, language("zh-hans")) == chinese
    assert format_fact(fact, FRENCH) == french


def test_a_form_the_language_cannot_write_is_refused_with_a_hint():
    with pytest.raises(FormatError) as caught:
        format_fact(Fact("x", "multiplier", Decimal("1.8"), 1), language("en"), "change")
    assert "1.8 cannot be written as a change" in caught.value.message
    with pytest.raises(FormatError):
        format_fact(Fact("x", "count", 3, 1), language("en"), "adjective")
    with pytest.raises(FormatError) as unit:
        format_fact(Fact("x", "quantity", Decimal(1), 1, unit="power-gigawat"), language("en"))
    assert "power-gigawat" in unit.value.message


def test_machine_values_are_language_neutral(facts):
    assert facts["big_money"].machine_value() == "50000000000"
    assert facts["share"].machine_value() == "59.6"
    assert facts["opening_month"].machine_value() == "2024-01"
    assert facts["release_date"].machine_value() == "2024-06-01"
    assert facts["base_year"].machine_value() == "2023"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[a]\ntype = "count"\nvalue = "490"\n', "does not suit its type `count`"),
        ('[a]\ntype = "count"\nvalue = true\n', "does not suit its type `count`: True"),
        ('[a]\ntype = "cout"\nvalue = 490\n', "unknown type `cout`"),
        ('[a]\ntype = "capacity"\nvalue = 100\n', "unknown type `capacity`"),
        ('[a]\ntype = "month"\nvalue = "2023-13"\n', 'should be a month written "YYYY-MM"'),
        ('[a]\ntype = "month"\nvalue = "0000-01"\n', 'should be a month written "YYYY-MM"'),
        ('[a]\ntype = "year"\nvalue = 0\n', "should be a year between 1 and 9999"),
        ('[a]\ntype = "year"\nvalue = 10000\n', "should be a year between 1 and 9999"),
        ('[a]\ntype = "date"\nvalue = 0000-01-01\n', "this TOML is not valid"),
        ('[a]\ntype = "percent"\nvalue = nan\n', "should be a number, not nan"),
        ('[a]\ntype = "percent"\nvalue = inf\n', "should be a number, not inf"),
        ('[a]\ntype = "money"\nvalue = 1e308\n', "is too large for a figure"),
        ('[a]\ntype = "count"\nvalue = -3\n', "should not be negative"),
        ('[a]\ntype = "multiplier"\nvalue = 0\n', "should be more than zero"),
        ('[a]\ntype = "duration"\nvalue = 3\n', "a duration needs a unit"),
        ('[a]\ntype = "quantity"\nvalue = 3\n', "a quantity needs its unit"),
        ('[a]\ntype = "count"\nvalue = 3\nunit = "year"\n', "only a duration or a quantity has a unit"),
        ('[a]\ntype = "count"\nvalue = 3\nqualifier = "nearlyy"\n', "unknown qualifier 'nearlyy'"),
        ('[a]\ntype = "date"\nvalue = 2024-01-01\nqualifier = "about"\n', "a date cannot have a qualifier"),
        ('[a]\ntype = "money"\nvalue = 3\ncurrency = "yuan"\n', "'yuan' is not a currency code"),
        ('[a]\ntype = "count"\nvalue = 3\nvalu = 4\n', "unknown key `valu`"),
        ('[a]\ntype = "count"\n', "has no `value`"),
        ("a = 3\n", "should be a table [a]"),
        ('[A-b]\ntype = "count"\nvalue = 3\n', "should use only lowercase letters"),
        ('[a]\ntype = "money"\nvalue = 5\ncurrency = "usd"\n', "'usd' is not a currency code"),
        ('[a]\ntype = "money"\nvalue = 5\ncurrency = "XYZ"\n', "'XYZ' is not a currency code"),
    ],
)
def test_bad_fact_is_reported_with_its_line(tmp_path: Path, toml, message):
    path = tmp_path / "facts.toml"
    path.write_text(toml, encoding="utf-8")
    facts, problems, _broken = load_facts(path, "CNY")
    assert facts == {}
    assert len(problems) == 1
    assert message in problems[0].message
    assert problems[0].line is not None and problems[0].line >= 1


def test_a_retired_type_says_what_replaced_it(tmp_path: Path):
    path = tmp_path / "facts.toml"
    path.write_text('[a]\ntype = "capacity"\nvalue = 100\n', encoding="utf-8")
    (problem,) = load_facts(path)[1]
    assert 'type = "quantity" and unit = "power-gigawatt"' in problem.hint
