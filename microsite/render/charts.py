"""Horizontal bar charts of key figures as inline SVG: readable by screen readers, scaled by CSS."""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from microsite.render.linebreaks import is_wide, line_breaks, shorten, wrap

# 400 units wide: on a phone (~290 px) a unit is 0.7 px, at the desktop's
# 28rem about 1.1 px, so 15-unit labels come out between ~11 and ~17 px.
WIDTH = 400
LABEL_SIZE = 15
VALUE_SIZE = 16  # bold
BASELINE_SIZE = 12
LINE_STEP = 19  # between the baselines of a label's two lines
LABEL_ASCENT = 14  # from a row's top to its label's first baseline
LABEL_GAP = 6  # from a label's last baseline to its bar: room for descenders
BAR_HEIGHT = 24
VALUE_DROP = 17.6  # from a bar's top to its value's baseline: digits centred in the bar
GAP = 6  # between a bar's end and its value
ROW_GAP = 14
BASELINE_BAND = 18  # above the first row, for the baseline's label
OVERHANG = 3  # the baseline's dashes reach this far above and below each bar
MAX_LINES = 2
# Room above the first line: a Chinese font's ascent (Noto CJK's is 1.16 em)
# reaches above the baseline set for Latin capitals, and would be cut off.
HEADROOM = 5
# Defaults for a page without the stylesheet (a feed reader, a saved page): the
# site's accent, white on it. Any CSS rule wins over these presentation attributes.
BAR_FILL = "#0b5cad"
INSIDE_FILL = "#fff"

# Estimated advances in em: no font is at hand when the page is built, and the
# reader's may be any. Guessing wide is the safe side: a label wraps a little
# early, a value goes inside its bar a little early. Measured against DejaVu
# Sans (Linux's default, the widest common one; bold digits 0.70 em), Noto Sans
# CJK and Arial: a flat 0.55 em for every Latin character let "100" and "81.6%"
# in bold run off the chart, so digits and the widest letters get their own.
WIDE_EM = 1.0  # Chinese characters, full-width and "ambiguous" marks (… “ ”)
BROAD_EM = 1.0  # % ‰ @ M W m w
DIGIT_EM, BOLD_DIGIT_EM = 0.64, 0.72
NARROW_EM, BOLD_NARROW_EM = 0.55, 0.6
_BROAD = frozenset("%‰@MWmw")

_SENTENCE_ENDS = ".!?。！？…"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the magnitude that sets its length, and the value as the page prints it."""

    label: str
    value: float
    text: str
    label_lang: str | None = None  # an HTML lang tag when the label is not in the page's language


def chart_svg(
    chart_id: str,
    title: str,
    bars: list[Bar],
    *,
    baseline: str = "",
    description: str = "",
    title_lang: str | None = None,
) -> Markup:
    """Return a figure holding a horizontal bar chart: each label above its bar, the value after the bar."""
    _check_values(bars)
    full_scale = max([bar.value for bar in bars] + ([1.0] if baseline else []))
    span = WIDTH - _value_room(bars)
    y = BASELINE_BAND if baseline else 0
    shapes, values, rows = [], [], []
    for bar in bars:
        label, bar_top = _draw_label(bar, y)
        length = _length(bar.value, full_scale, span)
        left, right, inside = _place_value(bar.text, length)
        shapes += [label, _draw_bar(length, bar_top)]
        values.append(_draw_value(bar.text, right if inside else left, inside, bar_top))
        rows.append((bar_top, left, right))
        y = bar_top + BAR_HEIGHT + ROW_GAP
    if baseline:
        shapes.append(_draw_baseline(baseline, _length(1.0, full_scale, span), rows))
    values_group = Markup('<g font-size="{}" font-weight="bold">{}</g>').format(
        VALUE_SIZE, Markup("").join(values)
    )
    height = y - ROW_GAP + (OVERHANG if baseline else 0)
    description = describe_chart(title, bars, baseline, description, title_lang)
    body = Markup("\n").join(part for part in (*shapes, values_group) if part)
    return _frame(escape(chart_id), title, title_lang, description, height, body)


def describe_chart(
    title: str, bars: list[Bar], baseline: str = "", description: str = "", title_lang: str | None = None
) -> str:
    """Return the chart as text: the description, every "label: value" in order, then the baseline."""
    chinese = _uses_chinese_punctuation(title, bars, title_lang)
    colon, semicolon, stop, space = ("：", "；", "。", "") if chinese else (": ", "; ", ".", " ")
    listed = semicolon.join(f"{' '.join(bar.label.split())}{colon}{bar.text}" for bar in bars)
    sentences = (description.strip(), listed, baseline.strip())
    return space.join(_as_sentence(sentence, stop) for sentence in sentences if sentence)


def wrap_label(text: str, width: float, size: float = LABEL_SIZE, max_lines: int = MAX_LINES) -> list[str]:
    """Return the label's lines, each at most `width` wide; what would need more than `max_lines` is cut with "…"."""
    text = " ".join(text.split())
    measure = functools.partial(text_width, size=size)
    spans = wrap(text, line_breaks(text), measure, width, max_lines)
    lines = [text[start:end] for start, end in spans[:-1]]
    return [*lines, shorten(text[spans[-1][0] :], measure, width)] if spans else []


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Return the estimated width of `text` at `size`: Chinese characters 1 em, most others a little over half."""
    return size * sum(_advance(char, bold) for char in text)


def _check_values(bars: list[Bar]) -> None:
    # The loader checks what editors type; reaching here with these is a bug upstream.
    if not bars:
        raise ValueError("a chart needs at least one bar")
    for bar in bars:
        if not (math.isfinite(bar.value) and bar.value >= 0):
            raise ValueError(f"the bar {bar.label!r} has the value {bar.value!r}: bars need a number >= 0")


def _value_room(bars: list[Bar]) -> float:
    """Return the width kept right of the longest bar for its value text."""
    longest = max(bar.value for bar in bars)
    widest = max(text_width(bar.text, VALUE_SIZE, bold=True) for bar in bars if bar.value == longest)
    # Capped at half the chart so that a long value ("45.2 billion yuan") does
    # not squeeze every bar: it goes inside its bar's end instead.
    return min(widest + GAP, WIDTH / 2)


def _length(value: float, full_scale: float, span: float) -> float:
    return value / full_scale * span if full_scale > 0 else 0.0


def _draw_label(bar: Bar, top: float) -> tuple[Markup, float]:
    """Return the label's text element, its lines stacked from `top`, and where its bar starts below it."""
    lines = wrap_label(bar.label, WIDTH) or [""]
    first = top + LABEL_ASCENT
    later = Markup("").join(
        Markup('<tspan x="0" y="{}">{}</tspan>').format(_num(first + n * LINE_STEP), line)
        for n, line in enumerate(lines[1:], start=1)
    )
    text = Markup('<text class="chart-label" y="{}"{}>{}{}</text>').format(
        _num(first), _lang(bar.label_lang), lines[0], later
    )
    return (text if lines[0] else Markup("")), first + (len(lines) - 1) * LINE_STEP + LABEL_GAP


def _draw_bar(length: float, top: float) -> Markup:
    if _num(length) == "0":
        return Markup("")  # a zero still gets its value text, at the start of the row
    return Markup('<rect class="chart-bar" fill="{}" y="{}" width="{}" height="{}"/>').format(
        BAR_FILL, _num(top), _num(length), BAR_HEIGHT
    )


def _place_value(text: str, length: float) -> tuple[float, float, bool]:
    """Return where a value's text starts and ends, and whether it sits inside its bar's end."""
    width = text_width(text, VALUE_SIZE, bold=True)
    if _num(length) == "0":
        return 0.0, width, False  # no bar: the value starts the row, as the label does
    if length + GAP + width <= WIDTH or width + 2 * GAP > length:
        return length + GAP, length + GAP + width, False
    return length - GAP - width, length - GAP, True


def _draw_value(text: str, x: float, inside: bool, bar_top: float) -> Markup:
    """Return a value's text element: after its bar, or right-aligned inside its end, in the background colour."""
    y = _num(bar_top + VALUE_DROP)
    if not inside:
        return Markup('<text class="chart-value" x="{}" y="{}">{}</text>').format(_num(x), y, text)
    return Markup(
        '<text class="chart-value-inside" x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
    ).format(_num(x), y, INSIDE_FILL, text)


def _draw_baseline(label: str, x: float, rows: list[tuple[float, float, float]]) -> Markup:
    """Return a dashed line at value 1 through every bar, labelled at the top."""
    # Dashes only across the bars' bands, not through the labels above them,
    # and around a value's text rather than through it: struck-through words
    # are hard to read. A row is (bar top, value text's left, its right).
    path = "".join(_baseline_dashes(x, top, not left - 2 <= x <= right + 2) for top, left, right in rows)
    line = Markup(
        '<path class="chart-baseline" d="{}" stroke="currentColor" stroke-dasharray="4 3"/>'
    ).format(path)
    half = text_width(label, BASELINE_SIZE) / 2
    anchor = "start" if x < half else ("end" if x + half > WIDTH else "middle")
    text = Markup(
        '<text class="chart-baseline-label" x="{}" y="{}" font-size="{}" text-anchor="{}">{}</text>'
    ).format(_num(x), BASELINE_SIZE, BASELINE_SIZE, anchor, label)
    return line + Markup("\n") + text


def _baseline_dashes(x: float, top: float, through: bool) -> str:
    """Return path data for the baseline across one bar: the whole band, or stubs above and below its value."""
    start, end = top - OVERHANG, top + BAR_HEIGHT + OVERHANG
    if through:
        return f"M{_num(x)} {_num(start)}V{_num(end)}"
    # The value's glyphs reach from about 4 units below the bar's top (cap
    # height) to about 4 units above its bottom (descenders).
    return f"M{_num(x)} {_num(start)}V{_num(top + 4)}M{_num(x)} {_num(top + BAR_HEIGHT - 2)}V{_num(end)}"


def _frame(
    chart_id: Markup, title: str, title_lang: str | None, description: str, height: float, body: Markup
) -> Markup:
    """Return the figure: a visible caption, and the SVG named by its own title and description."""
    # aria-labelledby on the <title> and <desc>: the one way every current
    # screen reader announces both for role="img".
    return Markup(
        '<figure class="chart" id="chart-{id}">\n'
        '<figcaption id="chart-{id}-title"{lang}>{title}</figcaption>\n'
        '<svg viewBox="0 -{headroom} {width} {height}" role="img"'
        ' aria-labelledby="chart-{id}-svg-title chart-{id}-svg-desc" fill="currentColor" font-size="{size}">\n'
        '<title id="chart-{id}-svg-title"{lang}>{title}</title>\n'
        '<desc id="chart-{id}-svg-desc">{description}</desc>\n'
        "{body}\n"
        "</svg>\n"
        "</figure>"
    ).format(
        id=chart_id,
        lang=_lang(title_lang),
        title=title,
        width=WIDTH,
        height=_num(height + HEADROOM),
        headroom=HEADROOM,
        size=LABEL_SIZE,
        description=description,
        body=body,
    )


def _uses_chinese_punctuation(title: str, bars: list[Bar], title_lang: str | None) -> bool:
    """Return whether the page's own words, the title first, are Chinese: they set the description's punctuation."""
    # A title shown in the source language (title_lang) says nothing about the
    # page's language; its labels and values, printed for this page, do.
    if title_lang is None:
        own = title
    else:
        own = "".join(bar.label for bar in bars if bar.label_lang is None) + "".join(bar.text for bar in bars)
    return any(_is_ideograph_or_kana(char) for char in own)


def _as_sentence(text: str, stop: str) -> str:
    return text if text.endswith(tuple(_SENTENCE_ENDS)) else text + stop


def _advance(char: str, bold: bool) -> float:
    # "Ambiguous" characters (… “ ” ·) are full width in Chinese fonts: counted wide.
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return WIDE_EM
    if char in _BROAD:
        return BROAD_EM
    if char.isdigit():
        return BOLD_DIGIT_EM if bold else DIGIT_EM
    return BOLD_NARROW_EM if bold else NARROW_EM


def _is_ideograph_or_kana(char: str) -> bool:
    return is_wide(char) and char.isalpha()


def _lang(lang: str | None) -> Markup:
    return Markup(' lang="{}"').format(lang) if lang else Markup("")


def _num(value: float) -> str:
    """Return a coordinate rounded to a tenth, without trailing zeros: short, and the same on every run."""
    text = f"{value + 0.0:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text
