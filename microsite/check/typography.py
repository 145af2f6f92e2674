"""Chinese typography: full-width punctuation, Chinese quotes, one number-unit style."""

from __future__ import annotations

import re

from microsite.analyse.text import Passage
from microsite.problems import WARNING, Problem

_HAN = "\u3400-\u9fff"
_HALF_WIDTH = re.compile(f"(?<=[{_HAN}])[,.:;?!]|[(](?=[{_HAN}])|(?<=[{_HAN}])[()]|[)](?=[{_HAN}])")
_FULL_WIDTH = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_STRAIGHT_QUOTE = re.compile(f"(?<=[{_HAN}])[\"']|[\"'](?=[{_HAN}])")
_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)( ?)([倍亿万元个家条名项%％]|GW|MW|kW)")


def check_typography(passages: dict[str, dict[str, Passage]], typography: dict[str, str]) -> list[Problem]:
    """Check the Chinese text of every passage of a release (`typography` by language code)."""
    problems = []
    for code, by_key in passages.items():
        if typography[code] != "cjk":
            continue
        for passage in by_key.values():
            problems += _punctuation(passage) + _quotes(passage)
        problems += _number_units(list(by_key.values()))
    return problems


def _context(text: str, start: int) -> str:
    return text[max(0, start - 6) : start + 7].replace("\n", " ")


def _punctuation(text: Passage) -> list[Problem]:
    problems = []
    for match in _HALF_WIDTH.finditer(text.text):
        mark = match.group(0)
        snippet = _context(text.text, match.start())
        problems.append(
            Problem(
                text.path,
                text.line_near(match.start()),
                f"half-width {mark!r} in Chinese text: {snippet!r}",
                WARNING,
                hint=f"Use the full-width {_FULL_WIDTH[mark]!r}.",
                kind="half-width-punctuation",
            )
        )
    return problems


def _quotes(text: Passage) -> list[Problem]:
    problems = []
    for match in _STRAIGHT_QUOTE.finditer(text.text):
        snippet = _context(text.text, match.start())
        problems.append(
            Problem(
                text.path,
                text.line_near(match.start()),
                f"straight quote {match.group(0)!r} in Chinese text: {snippet!r}",
                WARNING,
                hint="Use Chinese quotation marks: “…” (and ‘…’ inside them).",
                kind="straight-quote",
            )
        )
    return problems


def _number_units(texts: list[Passage]) -> list[Problem]:
    # Both styles are acceptable; mixing them is not. Report the minority.
    found = [(text, match) for text in texts for match in _NUMBER_UNIT.finditer(text.text)]
    spaced = [f for f in found if f[1].group(2)]
    tight = [f for f in found if not f[1].group(2)]
    if not spaced or not tight:
        return []
    minority, majority = (spaced, tight) if len(spaced) <= len(tight) else (tight, spaced)
    example = majority[0][1].group(0)
    problems = []
    for text, match in minority:
        written = match.group(0)
        problems.append(
            Problem(
                text.path,
                text.line_of(written),
                f"{written!r} is written differently from the rest of the Chinese text, which writes numbers and units like {example!r}",
                WARNING,
                hint="Write every number and unit the same way.",
                kind="number-unit-style",
            )
        )
    return problems
