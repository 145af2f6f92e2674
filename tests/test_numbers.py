"""Figures read back from English and Chinese text: one case per rule, both languages read alike."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsite.analyse.numbers import (
    QUALIFIERS,
    Figure,
    chinese_numeral,
    english_number_words,
    figures_in,
    same_qualifier,
)


def fig(written: str, value, qualifier="", unit="", spelled=False, counts=True) -> tuple:
    """The parts of a Figure a case states: everything but its span."""
    return (written, Decimal(str(value)), qualifier, unit, spelled, counts)


def read(text: str, script: str) -> list[tuple]:
    return [(f.written, f.value, f.qualifier, f.unit, f.spelled, f.counts) for f in figures_in(text, script)]


LATIN = [
    # (rule, text, expected figures)
    ("thousands separators", "22,147 professionals", [fig("22,147", 22147)]),
    ("decimals", "rose by 81.6 this year", [fig("81.6", "81.6")]),
    ("scale word billion", "45.2 billion", [fig("45.2 billion", 45200000000)]),
    ("scale word trillion", "1.2 trillion", [fig("1.2 trillion", 1200000000000)]),
    ("scale word million", "3 million people", [fig("3 million", 3000000)]),
    ("scale word thousand", "5 thousand", [fig("5 thousand", 5000)]),
    ("percent", "55.2 percent", [fig("55.2 percent", "55.2", unit="percent")]),
    ("per cent", "55.2 per cent", [fig("55.2 per cent", "55.2", unit="percent")]),
    ("percent sign", "55.2%", [fig("55.2%", "55.2", unit="percent")]),
    (
        "no-break space before the unit",
        "20.4\u00a0percent",
        [fig("20.4\u00a0percent", "20.4", unit="percent")],
    ),
    ("percentage points", "2 percentage points", [fig("2 percentage points", 2, unit="percentage points")]),
    ("times", "1.8 times that of last year", [fig("1.8 times", "1.8", unit="times")]),
    ("yuan after a scale", "157.4 billion yuan", [fig("157.4 billion yuan", 157400000000, unit="yuan")]),
    ("currency before", "$3 billion", [fig("$3 billion", 3000000000, unit="dollars")]),
    (
        "a currency before is not taken again after",
        "USD 586 million\nUSD 397 million",
        [
            fig("USD 586 million", 586000000, unit="dollars"),
            fig("USD 397 million", 397000000, unit="dollars"),
        ],
    ),
    (
        "currency after, on the next line",
        "586 million\nUSD",
        [fig("586 million\nUSD", 586000000, unit="dollars")],
    ),
    ("RMB glued to the number", "RMB5 billion", [fig("RMB5 billion", 5000000000, unit="yuan")]),
    ("a physical unit", "100 GW", [fig("100 GW", 100, unit="gigawatts")]),
    ("spelled unit", "three projects", [fig("three", 3, spelled=True, counts=False)]),
    ("spelled capital", "Three projects", [fig("Three", 3, spelled=True, counts=False)]),
    ("spelled teen", "nineteen firms", [fig("nineteen", 19, spelled=True)]),
    ("spelled tens", "ninety firms", [fig("ninety", 90, spelled=True)]),
    ("hyphenated compound", "twenty-five firms", [fig("twenty-five", 25, spelled=True)]),
    ("a hundred", "a hundred firms", [fig("a hundred", 100, spelled=True)]),
    ("one hundred and five", "one hundred and five", [fig("one hundred and five", 105, spelled=True)]),
    ("compound scales", "one thousand two hundred", [fig("one thousand two hundred", 1200, spelled=True)]),
    ("spelled scale", "two million people", [fig("two million", 2000000, spelled=True)]),
    ("spelled percent", "sixty percent", [fig("sixty percent", 60, unit="percent", spelled=True)]),
    (
        "two numbers are not one",
        "between one and two",
        [fig("one", 1, spelled=True, counts=False), fig("two", 2, spelled=True, counts=False)],
    ),
    ("ordinal words", "the first and second lines", []),
    ("ordinal digits", "the 21st century, the 3rd line", []),
    ("hyphenated ordinal", "the twenty-first century", []),
    ("a year is a figure", "in 2022", [fig("2022", 2022)]),
    ("a year range", "2021-2025", [fig("2021", 2021), fig("2025", 2025)]),
    ("words inside words", "someone often sets the tone in Xi'an; a handsome sum", []),
    ("a qualifier inside a word", "handsome 30", [fig("30", 30)]),
    ("codes and names", "COVID-19, G20, 5G, A320 and 3D", []),
    ("times of day and fractions", "at 8:30, 3/4 of them", []),
    ("small digits do not count", "3 projects", [fig("3", 3, counts=False)]),
    ("a decimal counts", "3.0 points", [fig("3.0", "3.0")]),
    ("a small percent counts", "3 percent", [fig("3 percent", 3, unit="percent")]),
    ("zero", "zero emissions", [fig("zero", 0, spelled=True, counts=False)]),
    ("or more", "10 percent or more", [fig("10 percent or more", 10, "at least", "percent")]),
]

LATIN_QUALIFIERS = [
    ("nearly", "nearly"),
    ("almost", "nearly"),
    ("about", "about"),
    ("around", "about"),
    ("approximately", "about"),
    ("roughly", "about"),
    ("some", "about"),
    ("more than", "more than"),
    ("over", "over"),
    ("above", "over"),
    ("at least", "at least"),
    ("no less than", "at least"),
    ("up to", "up to"),
    ("as many as", "up to"),
    ("no more than", "up to"),
    ("less than", "less than"),
    ("fewer than", "less than"),
    ("under", "less than"),
    ("below", "less than"),
]

CJK = [
    ("万亿 after digits", "2.5万亿", [fig("2.5万亿", 2500000000000)]),
    ("亿 after digits", "452亿", [fig("452亿", 45200000000)]),
    ("千万 after digits", "3千万", [fig("3千万", 30000000)]),
    ("百万 after digits", "5百万", [fig("5百万", 5000000)]),
    ("万 after a decimal", "1.2万", [fig("1.2万", 12000)]),
    ("mixed digits and scales", "3亿5千万", [fig("3亿5千万", 350000000)]),
    ("numeral with 亿 and 万", "一亿两千万", [fig("一亿两千万", 120000000, spelled=True)]),
    ("numeral with 千 and 百 before 万", "三千五百万", [fig("三千五百万", 35000000, spelled=True)]),
    ("numeral before a measure word", "十四个", [fig("十四个", 14, spelled=True)]),
    ("numeral 二十三", "二十三家", [fig("二十三家", 23, spelled=True)]),
    ("numeral with 零", "一百零五项", [fig("一百零五项", 105, spelled=True)]),
    ("two thousand", "两万名", [fig("两万名", 20000, spelled=True)]),
    ("a year written digit by digit", "二〇二二年", [fig("二〇二二年", 2022, spelled=True)]),
    ("a year in digits", "2022年", [fig("2022年", 2022)]),
    ("thousands separator", "22,147人", [fig("22,147人", 22147)]),
    ("full-width digits", "２０２２年", [fig("２０２２年", 2022)]),
    ("percent sign", "8%", [fig("8%", 8, unit="percent")]),
    ("full-width percent sign", "8％", [fig("8％", 8, unit="percent")]),
    ("百分之", "百分之六十", [fig("百分之六十", 60, unit="percent", spelled=True)]),
    ("percentage points", "2个百分点", [fig("2个百分点", 2, unit="percentage points")]),
    ("倍 is times", "1.8倍", [fig("1.8倍", "1.8", unit="times")]),
    ("元 is yuan", "300元", [fig("300元", 300, unit="yuan")]),
    ("亿元 is yuan with the scale", "452亿元", [fig("452亿元", 45200000000, unit="yuan")]),
    ("万元 is yuan with the scale", "5万元", [fig("5万元", 50000, unit="yuan")]),
    ("美元 is not yuan", "3亿美元", [fig("3亿美元", 300000000, unit="dollars")]),
    ("a unit in Latin letters", "100GW", [fig("100GW", 100, unit="gigawatts")]),
    ("千 before 瓦 is kilo", "24.6亿千瓦", [fig("24.6亿千瓦", 2460000000, unit="kilowatts")]),
    ("一站式", "一站式服务", []),
    ("进一步", "进一步推动", []),
    ("统一", "统一部署", []),
    ("一体化", "一体化发展", []),
    ("十分", "十分重要", []),
    ("千方百计", "千方百计", []),
    ("万一", "万一出现", []),
    ("千家万户", "走进千家万户", []),
    ("千万 as 'by all means'", "千万不要", []),
    (
        "百 before 亿 and a unit",
        "超百亿元",
        [fig("超百亿元", 10000000000, "more than", "yuan", spelled=True)],
    ),
    ("千 after a qualifier", "近千家", [fig("近千家", 1000, "nearly", spelled=True)]),
    ("上千 is vague", "上千家", []),
    ("百万 before a unit", "百万千瓦", [fig("百万千瓦", 1000000, unit="kilowatts", spelled=True)]),
    (
        "下一个五年",
        "下一个五年",
        [fig("一个", 1, spelled=True, counts=False), fig("五年", 5, spelled=True, counts=False)],
    ),
    (
        "一个…三项",
        "一个平台、三项任务",
        [
            fig("一个", 1, spelled=True, counts=False),
            fig("三项", 3, spelled=True, counts=False),
        ],
    ),
    ("华大九天", "华大九天", [fig("九天", 9, spelled=True, counts=False)]),
    ("small digits do not count", "3项", [fig("3项", 3, counts=False)]),
    ("ten counts", "十年", [fig("十年", 10, spelled=True)]),
    ("an ordinal", "第三批、第14个", []),
    ("a range", "三四家、五六个", []),
    ("十四五 is a plan's name", "十四五期间", []),
    ("a time of day", "8:30", []),
    ("几十 and 数十 are no figures", "几十家、数十家", []),
    ("codes and names", "5G基站、G20、COVID-19", []),
    ("a month is a date", "3月5日", [fig("3月", 3, counts=False), fig("5日", 5, counts=False)]),
    ("December is a date too", "12月", [fig("12月", 12, counts=False)]),
    ("the 15th is a figure", "15日", [fig("15日", 15)]),
    ("多 after the number", "100多家", [fig("100多家", 100, "over")]),
    ("余 after the number", "100余家", [fig("100余家", 100, "over")]),
    ("余 before a scale", "1000多万元", [fig("1000多万元", 10000000, "over", "yuan")]),
    ("以上 after the unit", "50%以上", [fig("50%以上", 50, "over", "percent")]),
    ("左右 after the measure word", "100家左右", [fig("100家左右", 100, "about")]),
    ("近 before a span of time is not nearly", "近3年来", [fig("3年", 3, counts=False)]),
    ("最近 is not nearly", "最近30年", [fig("30年", 30)]),
    ("签约 is not about", "签约30个项目", [fig("30个", 30)]),
]

CJK_QUALIFIERS = [
    ("近", "nearly"),
    ("将近", "nearly"),
    ("接近", "nearly"),
    ("约", "about"),
    ("大约", "about"),
    ("超过", "more than"),
    ("超", "more than"),
    ("逾", "over"),
    ("至少", "at least"),
    ("不少于", "at least"),
    ("最多", "up to"),
    ("至多", "up to"),
    ("不超过", "up to"),
    ("不到", "less than"),
    ("不足", "less than"),
    ("少于", "less than"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in LATIN], ids=[c[0] for c in LATIN])
def test_english_figure_is_read(text, expected):
    assert read(text, "latin") == expected


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CJK], ids=[c[0] for c in CJK])
def test_chinese_figure_is_read(text, expected):
    assert read(text, "cjk") == expected


@pytest.mark.parametrize(("words", "qualifier"), LATIN_QUALIFIERS, ids=[q[0] for q in LATIN_QUALIFIERS])
def test_english_qualifier_before_the_number_is_read(words, qualifier):
    assert read(f"rose {words} 60 percent", "latin") == [fig(f"{words} 60 percent", 60, qualifier, "percent")]


@pytest.mark.parametrize(("words", "qualifier"), CJK_QUALIFIERS, ids=[q[0] for q in CJK_QUALIFIERS])
def test_chinese_qualifier_before_the_number_is_read(words, qualifier):
    assert read(f"增长{words}60%", "cjk") == [fig(f"{words}60%", 60, qualifier, "percent")]


# The same claim in each language: read to the same value, unit, counting and qualifier.
SAME_CLAIM = [
    ("nearly 60 percent", "近60%"),
    ("more than 100", "逾100家"),
    ("over 100", "100多家"),
    ("about 100", "100家左右"),
    ("at least 10", "不少于10家"),
    ("three projects", "三项"),
    ("3 projects", "3项"),
    ("45.2 billion yuan", "452亿元"),
    ("2.5 trillion yuan", "2.5万亿元"),
    ("120 million", "一亿两千万"),
    ("1.8 times", "1.8倍"),
    ("two million", "两百万人"),
    ("twenty-three firms", "二十三家"),
    ("in 2022", "2022年"),
]


@pytest.mark.parametrize(("english", "chinese"), SAME_CLAIM)
def test_both_languages_read_the_same_claim_alike(english, chinese):
    [en], [zh] = figures_in(english, "latin"), figures_in(chinese, "cjk")
    assert (en.value, en.unit, en.counts) == (zh.value, zh.unit, zh.counts)
    assert same_qualifier(en.qualifier, zh.qualifier)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二十三", 23),
        ("一百零五", 105),
        ("一亿两千万", 120000000),
        ("两万", 20000),
        ("三千五百万", 35000000),
        ("十四", 14),
        ("十", 10),
        ("零", 0),
        ("二〇二二", 2022),
        ("一万零五", 10005),
        ("三千五", 3500),
        ("一万五", 15000),
        ("2.5万亿", 2500000000000),
        ("3亿5千万", 350000000),
        ("", 0),
        ("no numeral", 0),
    ],
)
def test_chinese_numeral_value(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("twenty-five", 25),
        ("two million", 2000000),
        ("a hundred", 100),
        ("one thousand two hundred", 1200),
        ("one hundred and five", 105),
        ("two million three hundred thousand", 2300000),
        ("a million", 1000000),
        ("zero", 0),
        ("Nineteen", 19),
        ("twenty-first", None),
        ("someone", None),
        ("one two", None),
        ("hundred", None),
        ("", None),
    ],
)
def test_english_number_words_value(text, value):
    assert english_number_words(text) == value


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("more than", "over", True),
        ("over", "more than", True),
        ("", "", True),
        ("nearly", "nearly", True),
        ("nearly", "about", False),
        ("nearly", "", False),
        ("at least", "more than", False),
        ("up to", "less than", False),
    ],
)
def test_same_qualifier(a, b, same):
    assert same_qualifier(a, b) is same


def test_a_figure_is_a_frozen_record():
    figure = figures_in("nearly 60 percent", "latin")[0]
    assert isinstance(figure, Figure)
    with pytest.raises(AttributeError):
        figure.value = Decimal(0)  # type: ignore[misc]


# --- Any input: no exception, and spans that tell the truth ---------------------------------------------

PIECES = st.sampled_from(
    [*"0123456789０１.,:-/%％$ \n（）、，。", *"零〇一二两三四五六七八九十百千万亿点多余第近约超逾",
     *"个家项年月日倍元瓦米以上左右分之", "百分之", "个百分点", "亿元", "美元", "GW", "G", "st",
     "one", "twenty", "-five", "a", "an", " hundred", " thousand", " million", " billion", " and ",
     " percent", " per cent", "nearly ", "more than ", "no more than ", "some", "times", "first", "RMB",
     "’", "'", "\u00a0"]
)  # fmt: skip
MIXED_TEXT = st.lists(PIECES, max_size=40).map("".join)


def check_spans(text: str, figures: list[Figure]) -> None:
    end = 0
    for figure in figures:
        assert figure.written == text[figure.start : figure.end]
        assert end <= figure.start < figure.end
        assert figure.qualifier in ("", *QUALIFIERS)
        end = figure.end


@settings(max_examples=400, deadline=None)
@given(st.one_of(MIXED_TEXT, st.text()), st.sampled_from(["latin", "cjk"]))
def test_any_text_is_read_without_error_and_spans_match(text, script):
    check_spans(text, figures_in(text, script))


@settings(max_examples=300, deadline=None)
@given(st.one_of(MIXED_TEXT, st.text()))
def test_number_converters_never_raise(text):
    assert isinstance(chinese_numeral(text), int)
    assert english_number_words(text) is None or english_number_words(text) >= 0
    assert isinstance(same_qualifier(text, text), bool)


# Inputs that would take quadratic time in a reader that re-scans: each is
# 200,000 characters, so a quadratic reader would take minutes, a linear one well under a second.
LONG_INPUTS = [
    ("latin", "1" * 200_000),
    ("latin", "1," * 100_000),
    ("latin", "one " * 50_000),
    ("latin", "a " * 100_000),
    ("latin", "nearly " * 28_571),
    ("latin", "twenty-" * 28_571),
    ("latin", "one million " * 16_666),
    ("cjk", "一" * 200_000),
    ("cjk", "一亿" * 100_000),
    ("cjk", "1亿" * 100_000),
    ("cjk", "近" * 200_000 + "5"),
    ("cjk", "三项，" * 66_666),
]


@pytest.mark.parametrize(("script", "text"), LONG_INPUTS, ids=[f"{s}-{t[:8]!r}" for s, t in LONG_INPUTS])
def test_long_input_is_read_in_linear_time(script, text):
    began = time.perf_counter()
    figures = figures_in(text, script)
    assert time.perf_counter() - began < 3
    check_spans(text, figures)
