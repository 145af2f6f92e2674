"""Every fact, formatted in every language: golden values.

A Babel upgrade or a style change that alters how any figure is written must
fail here, so that a person decides whether the new form is right.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from microsite.load.facts import Fact, format_fact, load_facts
from microsite.load.settings import load_settings

from .conftest import ROOT

GOLDEN = {
    # fact id: (English, Chinese)
    "release_date": ("March 24, 2023", "2023年3月24日"),
    "report_year": ("2022", "2022年"),
    "baseline_year": ("2021", "2021年"),
    "new_tech_firms_multiple": ("1.8 times", "1.8倍"),
    "achievement_firms_multiple": ("2.5 times", "2.5倍"),
    "high_tech_firms": ("490", "490"),
    "high_tech_firms_multiple": ("2.2 times", "2.2倍"),
    "fortune_500_firms": ("18", "18"),
    "leading_chinese_firms": ("24", "24"),
    "industrial_investment_growth": ("81.6 percent", "81.6%"),
    "large_firm_output_growth": ("20.4 percent", "20.4%"),
    "high_tech_output_growth": ("23.1 percent", "23.1%"),
    "industrial_belts": ("one", "1"),
    "industrial_parks": ("10", "10"),
    "key_industrial_chains": ("12", "12"),
    "longi_project_month": ("January 2023", "2023年1月"),
    "wafer_capacity": ("100 GW", "100GW"),
    "cell_capacity": ("50 GW", "50GW"),
    "longi_project_investment": ("45.2 billion yuan", "452亿元"),
    "longi_earlier_investment": ("32.8 billion yuan", "328亿元"),
    "high_level_talent": ("253", "253"),
    "incubator_professionals": ("22,147", "22147"),
    "capital_market_month": ("February 2023", "2023年2月"),
    "action_plan_date": ("March 14, 2023", "2023年3月14日"),
    "action_plan_term": ("three-year", "三年"),
    "sensor_cost_cut": ("20 percent", "20%"),
    "sensecraft_arrival_month": ("March 2022", "2022年3月"),
    "sensecraft_fitout_month": ("July 2022", "2022年7月"),
    "first_line_month": ("November 2022", "2022年11月"),
    "first_delivery_lag": ("one month", "一个月"),
}


@pytest.fixture(scope="module")
def settings():
    return load_settings(ROOT / "content" / "site.toml")


@pytest.fixture(scope="module")
def facts():
    facts, problems = load_facts(ROOT / "content" / "facts.toml")
    assert problems == []
    return facts


def test_golden_table_covers_every_fact(facts):
    assert sorted(GOLDEN) == sorted(facts)


@pytest.mark.parametrize("fact_id", sorted(GOLDEN))
def test_fact_is_written_as_each_language_writes_it(fact_id, facts, settings):
    english, chinese = (format_fact(facts[fact_id], language) for language in settings.languages)
    assert (english, chinese) == GOLDEN[fact_id]


def language(settings, code):
    return next(lang for lang in settings.languages if lang.code == code)


@pytest.mark.parametrize(
    ("fact", "english", "chinese"),
    [
        # Half up, as readers round: Babel alone would give 1.8 (half to even).
        (Fact("x", "multiplier", Decimal("1.85"), 1, decimals=1), "1.9 times", "1.9倍"),
        (Fact("x", "percent", Decimal("81.65"), 1, decimals=1), "81.7 percent", "81.7%"),
        # A published 2.0 keeps its decimal when asked to.
        (Fact("x", "multiplier", Decimal("2.0"), 1, decimals=1), "2.0 times", "2.0倍"),
        # Money: billions in English, 亿 in Chinese, no carry-over surprises.
        (Fact("x", "money", Decimal("99999999"), 1), "0.1 billion yuan", "1亿元"),
        (Fact("x", "money", Decimal("1250000000"), 1), "1.25 billion yuan", "12.5亿元"),
        # Counts: AP style spells out below ten in English only.
        (Fact("x", "count", 9, 1), "nine", "9"),
        (Fact("x", "count", 1234567, 1), "1,234,567", "1234567"),
        (Fact("x", "duration", 2, 1, unit="month"), "two months", "两个月"),
        (Fact("x", "duration", 12, 1, unit="month"), "12 months", "12个月"),
        (Fact("x", "month", (2023, 12), 1), "December 2023", "2023年12月"),
        (Fact("x", "date", datetime.date(2023, 1, 5), 1), "January 5, 2023", "2023年1月5日"),
    ],
)
def test_formatting_rules(fact, english, chinese, settings):
    assert format_fact(fact, language(settings, "en")) == english
    assert format_fact(fact, language(settings, "zh-hans")) == chinese


def test_machine_values_are_language_neutral(facts):
    assert facts["longi_project_investment"].machine_value() == "45200000000"
    assert facts["industrial_investment_growth"].machine_value() == "81.6"
    assert facts["longi_project_month"].machine_value() == "2023-01"
    assert facts["release_date"].machine_value() == "2023-03-24"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[a]\ntype = "count"\nvalue = "490"\n', "does not suit its type `count`"),
        ('[a]\ntype = "cout"\nvalue = 490\n', "unknown type `cout`"),
        ('[a]\ntype = "month"\nvalue = "2023-13"\n', 'should be a month written "YYYY-MM"'),
        ('[a]\ntype = "duration"\nvalue = 3\n', "a duration needs unit"),
        ('[a]\ntype = "count"\nvalue = 3\nvalu = 4\n', "unknown key `valu`"),
        ('[a]\ntype = "count"\n', "has no `value`"),
    ],
)
def test_bad_fact_is_reported_with_its_line(tmp_path: Path, toml, message):
    path = tmp_path / "facts.toml"
    path.write_text(toml, encoding="utf-8")
    facts, problems = load_facts(path)
    assert facts == {}
    assert len(problems) == 1
    assert message in problems[0].message
    assert problems[0].line is not None and problems[0].line >= 1
