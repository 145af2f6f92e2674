"""Bar charts of key figures as inline SVG: named for screen readers, scaled by CSS, escaped, wrapped, stable."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from microsite.render.charts import GAP, VALUE_SIZE, WIDTH, Bar, chart_svg, text_width, wrap_label

GROWTH_EN = [
    Bar("Industrial investment", 81.6, "81.6 percent"),
    Bar("High-tech manufacturing", 40.8, "40.8 percent"),
    Bar("Exports", 20.4, "20.4 percent"),
]
GROWTH_ZH = [
    Bar("工业投资", 81.6, "81.6%"),
    Bar("高技术制造业", 40.8, "40.8%"),
    Bar("出口", 20.4, "20.4%"),
]
TIMES_EN = [Bar("High-tech enterprises", 1.8, "1.8 times"), Bar("Patents", 0.9, "0.9 times")]


def parse(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def svg_of(markup: str):
    return parse(markup).find("svg")


def bar_widths(markup: str) -> list[float]:
    return [float(rect["width"]) for rect in svg_of(markup).find_all("rect", class_="chart-bar")]


def baseline_x(markup: str) -> float:
    d = svg_of(markup).find("path", class_="chart-baseline")["d"]
    return float(re.match(r"M([\d.]+) ", d).group(1))


def label_lines(markup: str) -> list[list[str]]:
    """Return each label's lines as drawn: the text element's own text, then its tspans."""
    labels = svg_of(markup).find_all("text", class_="chart-label")
    return [[str(label.contents[0]), *(t.get_text() for t in label.find_all("tspan"))] for label in labels]


def test_svg_is_an_image_named_by_its_own_title_and_description():
    soup = parse(chart_svg("growth", "Growth in 2023", GROWTH_EN))
    figure, svg = soup.find("figure"), soup.find("svg")
    assert figure["id"] == "chart-growth" and figure["class"] == ["chart"]
    assert figure.find("figcaption")["id"] == "chart-growth-title"
    assert figure.find("figcaption").get_text() == "Growth in 2023"
    assert svg["role"] == "img"
    named_by = [svg.find(id=ref) for ref in svg["aria-labelledby"].split()]
    assert [element.name for element in named_by] == ["title", "desc"]
    assert [element["id"] for element in named_by] == ["chart-growth-svg-title", "chart-growth-svg-desc"]
    assert named_by[0].get_text() == "Growth in 2023"


def test_description_lists_every_value_in_order_in_english():
    desc = svg_of(chart_svg("growth", "Growth in 2023", GROWTH_EN)).find("desc").get_text()
    assert desc == (
        "Industrial investment: 81.6 percent; High-tech manufacturing: 40.8 percent; Exports: 20.4 percent."
    )


def test_description_lists_every_value_in_order_in_chinese():
    desc = svg_of(chart_svg("growth", "2023年增长情况", GROWTH_ZH)).find("desc").get_text()
    assert desc == "工业投资：81.6%；高技术制造业：40.8%；出口：20.4%。"


@pytest.mark.parametrize(
    ("title", "bars", "description", "expected"),
    [
        (
            "Growth in 2023",
            GROWTH_EN[:1],
            "Investment grew fastest",
            "Investment grew fastest. Industrial investment: 81.6 percent.",
        ),
        ("2023年增长情况", GROWTH_ZH[:1], "投资增长最快。", "投资增长最快。工业投资：81.6%。"),
    ],
)
def test_a_given_description_comes_first_as_its_own_sentence(title, bars, description, expected):
    desc = svg_of(chart_svg("growth", title, bars, description=description)).find("desc").get_text()
    assert desc == expected


def test_description_ends_with_the_baseline_a_sighted_reader_sees():
    markup = chart_svg("times", "Compared with 2021", TIMES_EN, baseline="2021 = 1")
    desc = svg_of(markup).find("desc").get_text()
    assert desc == "High-tech enterprises: 1.8 times; Patents: 0.9 times. 2021 = 1."


def test_description_follows_the_page_language_when_the_title_is_a_fallback():
    bars = [Bar("工业投资", 1.8, "1.8倍"), Bar("出口", 0.9, "0.9倍")]
    markup = chart_svg("times", "Compared with 2021", bars, title_lang="en")
    assert svg_of(markup).find("desc").get_text() == "工业投资：1.8倍；出口：0.9倍。"


def test_bar_widths_are_proportional_to_the_values():
    widths = bar_widths(chart_svg("growth", "Growth in 2023", GROWTH_EN))
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.1)


def test_longest_bar_fills_the_width_left_by_its_value():
    markup = chart_svg("growth", "Growth in 2023", GROWTH_EN)
    room = text_width("81.6 percent", VALUE_SIZE, bold=True) + GAP
    assert bar_widths(markup)[0] == pytest.approx(WIDTH - room, abs=0.1)
    value = svg_of(markup).find("text", class_="chart-value")
    assert float(value["x"]) == pytest.approx(bar_widths(markup)[0] + GAP, abs=0.1)


def test_value_too_long_to_follow_its_bar_goes_inside_its_end():
    bars = [Bar("Total", 100, "100"), Bar("Investment", 95, "95.0 billion yuan")]
    svg = svg_of(chart_svg("money", "Investment", bars))
    inside = svg.find("text", class_="chart-value-inside")
    assert inside.get_text() == "95.0 billion yuan"
    assert inside["text-anchor"] == "end"
    assert float(inside["x"]) == pytest.approx(bar_widths(str(svg))[1] - GAP, abs=0.1)
    assert [t.get_text() for t in svg.find_all("text", class_="chart-value")] == ["100"]


def test_baseline_line_sits_at_value_one_on_the_bars_scale():
    markup = chart_svg("times", "Compared with 2021", TIMES_EN, baseline="2021 = 1")
    longest = bar_widths(markup)[0]
    assert baseline_x(markup) == pytest.approx(longest / 1.8, abs=0.1)
    label = svg_of(markup).find("text", class_="chart-baseline-label")
    assert label.get_text() == "2021 = 1"
    assert float(label["x"]) == baseline_x(markup)


def test_baseline_scale_includes_one_when_every_value_is_smaller():
    bars = [Bar("Imports", 0.4, "0.4 times"), Bar("Exports", 0.8, "0.8 times")]
    markup = chart_svg("times", "Compared with 2021", bars, baseline="2021 = 1")
    assert bar_widths(markup)[1] == pytest.approx(baseline_x(markup) * 0.8, abs=0.1)
    assert bar_widths(markup)[0] == pytest.approx(baseline_x(markup) * 0.4, abs=0.1)


def test_without_a_baseline_there_is_no_reference_line():
    svg = svg_of(chart_svg("growth", "Growth in 2023", GROWTH_EN))
    assert svg.find(class_="chart-baseline") is None
    assert svg.find(class_="chart-baseline-label") is None


def test_zero_values_draw_no_bars_but_still_their_values():
    bars = [Bar("Imports", 0, "0 percent"), Bar("Exports", 0, "0 percent")]
    svg = svg_of(chart_svg("flat", "No change", bars))
    assert svg.find("rect") is None
    assert [t.get_text() for t in svg.find_all("text", class_="chart-value")] == ["0 percent", "0 percent"]


def test_hostile_words_come_out_as_inert_text():
    hostile = '</svg><script>alert("x")</script><img src=x onerror=alert(1)>'
    markup = chart_svg('a"b', hostile, [Bar(hostile, 1, hostile, label_lang='en"><script>')])
    soup = parse(markup)
    assert soup.find("script") is None and soup.find("img") is None
    assert "<script" not in markup and "<img" not in markup
    assert soup.find("figcaption").get_text() == hostile
    assert soup.find("text", class_="chart-value").get_text() == hostile
    assert soup.find("figure")["id"] == 'chart-a"b'


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Industrial investment", 1),
        ("High-tech manufacturing output in the Xixian New Area and its science parks, year on year", 2),
        ("西咸新区战略性新兴产业产值（含光伏、氢能、新能源汽车等产业链上下游企业）同比增长", 2),
    ],
)
def test_long_labels_wrap_onto_a_second_line(label, lines):
    drawn = label_lines(chart_svg("growth", "Growth", [Bar(label, 1, "1")]))[0]
    assert len(drawn) == lines
    assert "".join(drawn).replace(" ", "") == label.replace(" ", "")


def test_english_labels_wrap_at_spaces():
    label = "High-tech manufacturing output in the Xixian New Area and its science parks, year on year"
    first, second = wrap_label(label, WIDTH)
    assert f"{first} {second}" == label


@pytest.mark.parametrize(
    "label",
    [
        "High-tech manufacturing output in the Xixian New Area and its science parks, compared with"
        " the same period of the year before, by enterprises above the designated size",
        "西咸新区战略性新兴产业产值（含光伏、氢能、新能源汽车等产业链上下游企业），全年保持较快增长态势，增速位居全省前列",
    ],
)
def test_a_label_too_long_for_two_lines_is_cut_with_an_ellipsis(label):
    drawn = label_lines(chart_svg("growth", "Growth", [Bar(label, 1, "1")]))[0]
    assert len(drawn) == 2
    assert drawn[1].endswith("…")
    assert label.replace(" ", "").startswith("".join(drawn)[:-1].replace(" ", ""))


@pytest.mark.parametrize("mark", ["，", "。", "、", "）", "」", "”"])
def test_a_chinese_line_never_starts_with_closing_punctuation(mark):
    # 26 characters at 15 units fill a 400-unit line; the mark would start the second.
    label = "产" * 26 + mark + "业" * 10
    first, second = wrap_label(label, WIDTH)
    assert not second.startswith(mark)
    assert first + second == label


def test_labels_and_titles_in_another_language_are_marked():
    bars = [Bar("工业投资", 1.8, "1.8 times", label_lang="zh-Hans"), Bar("Exports", 0.9, "0.9 times")]
    soup = parse(chart_svg("times", "与2021年相比", bars, title_lang="zh-Hans"))
    assert [label.get("lang") for label in soup.find_all("text", class_="chart-label")] == ["zh-Hans", None]
    assert soup.find("figcaption")["lang"] == "zh-Hans"
    assert soup.find("title")["lang"] == "zh-Hans"


def test_same_chart_twice_is_byte_identical():
    first = chart_svg("times", "Compared with 2021", TIMES_EN, baseline="2021 = 1")
    assert chart_svg("times", "Compared with 2021", TIMES_EN, baseline="2021 = 1") == first


def test_svg_scales_with_css_and_needs_nothing_outside_itself():
    markup = chart_svg("times", "Compared with 2021", TIMES_EN, baseline="2021 = 1")
    svg = svg_of(markup)
    assert "width" not in svg.attrs and "height" not in svg.attrs
    assert re.search(r'<svg viewBox="0 -5 400 [\d.]+"', markup)  # headroom for Chinese ascents
    for absent in ("xmlns", "style", "script", "href", "font-family", "<foreignObject"):
        assert absent not in markup


def test_text_is_coloured_by_the_stylesheet_or_current_colour():
    svg = svg_of(
        chart_svg("money", "Investment", [Bar("Total", 100, "100"), Bar("Part", 95, "95.0 billion yuan")])
    )
    assert svg["fill"] == "currentColor"
    assert {t.get("fill") for t in svg.find_all("text", class_="chart-value")} == {None}


def test_numbers_are_written_with_at_most_one_decimal():
    markup = str(
        chart_svg("odd", "Odd values", [Bar("A", 3, "3"), Bar("B", 1, "1"), Bar("C", 2 / 7, "0.29")])
    )
    numbers = re.findall(r'(?:x|y|width|height|d|viewBox)="([^"]*)"', markup)
    for number in re.findall(r"[\d.]+", " ".join(numbers)):
        assert re.fullmatch(r"\d+(\.\d)?", number), number


def test_drawing_is_exactly_as_tall_as_its_rows():
    svg = svg_of(chart_svg("growth", "Growth in 2023", GROWTH_EN))
    last = svg.find_all("rect")[-1]
    top, height = (float(n) for n in svg["viewbox"].split()[1::2])
    assert top + height == float(last["y"]) + float(last["height"])


def test_a_three_bar_chart_is_small():
    assert len(str(chart_svg("growth", "Growth in 2023", GROWTH_EN)).encode("utf-8")) < 2048


@pytest.mark.parametrize("bars", [[], [Bar("Loss", -1, "-1")], [Bar("Unknown", float("nan"), "?")]])
def test_a_chart_without_sensible_bars_is_refused(bars):
    with pytest.raises(ValueError):
        chart_svg("bad", "Bad", bars)
