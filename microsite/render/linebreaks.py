"""Lines of Chinese or Latin text for what is drawn rather than laid out by a browser.

Share cards and charts set their own lines: Chinese breaks between any two
characters, Latin only at spaces, and neither puts closing punctuation at
the start of a line nor opening punctuation at its end (the rules Chinese
press typesetting follows). Each measures text its own way: the card with
the font's advances, the chart with an estimate.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

Measure = Callable[[str], float]  # how wide a text is drawn
T = TypeVar("T")
ELLIPSIS = "…"

# These never start a line…
NO_START = frozenset("，。、；：？！）」』】〕〉》〗”’％‰·・…—～,.;:?!)]}%")
# …and these never end one.
NO_END = frozenset("（「『【〔〈《〖“‘([{￥$#")
# Left off before the ellipsis of a cut text: "创新，…" reads as a typo.
TRAILING = " ，、；：,;:"


def line_breaks(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Return where a line from `start` may end, as (end of this line, start of the next), the text's end last."""
    found = []
    for i in range(start + 1, len(text)):
        before, after = text[i - 1], text[i]
        if after == " ":
            found.append((i, i + 1))  # the space itself is on neither line
        elif before != " " and may_break(before, after):
            found.append((i, i))
    found.append((len(text), len(text)))
    return found


def may_break(before: str, after: str) -> bool:
    """Tell whether a line may break between two characters that are not spaces."""
    if after in NO_START or before in NO_END:
        return False
    return is_wide(before) or is_wide(after)


def is_wide(char: str) -> bool:
    """Tell whether a character is full width (Chinese), which a line may break beside."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def wrap(
    text: str, breaks: list[tuple[int, int]], measure: Measure, width: float, limit: int
) -> list[tuple[int, int]]:
    """Return up to `limit` lines of `text` as (start, end) spans, each at most `width` wide, broken at `breaks`."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text) and len(spans) < limit:
        ends = [b for b in breaks if b[0] > start]
        found = last_fitting(ends, lambda b, start=start: measure(text[start : b[0]]) <= width)
        if found is None:
            # One word wider than the line (a long URL): cut it where it must be cut.
            cut = _forced_cut(text, start, measure, width)
            found = (cut, cut + 1 if text[cut : cut + 1] == " " else cut)
        spans.append((start, found[0]))
        start = found[1]
    return spans


def shorten(text: str, measure: Measure, width: float) -> str:
    """Return `text` if it fits in one line of `width`, else as much as fits (up to a break if one does), ended with "…"."""
    if measure(text) <= width:
        return text
    ends = [end for end, _ in line_breaks(text)]
    found = last_fitting(ends, lambda end: measure(with_ellipsis(text[:end])) <= width)
    if found is None:
        found = last_fitting(range(1, len(text) + 1), lambda end: measure(with_ellipsis(text[:end])) <= width)
    return with_ellipsis(text[: found or 1])


def with_ellipsis(text: str) -> str:
    """Return a cut text ended with "…", without the punctuation or space it was cut after."""
    return text.rstrip(TRAILING) + ELLIPSIS


def last_fitting(items: Sequence[T], fits: Callable[[T], bool]) -> T | None:
    """Return the last item that fits, assuming those that fit come first; None if none does."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if fits(items[middle]):
            low = middle + 1
        else:
            high = middle
    return items[low - 1] if low else None


def _forced_cut(text: str, start: int, measure: Measure, width: float) -> int:
    cut = last_fitting(range(start + 1, len(text) + 1), lambda end: measure(text[start:end]) <= width)
    return cut or start + 1  # a single character always goes on the line
