"""Figures written out in text, English or Chinese, read back as values (interim reader)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

QUALIFIERS = ("nearly", "about", "more than", "over", "at least", "up to", "less than")

_LATIN = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(billion|million|thousand)\b)?")
_CJK_DIGITS = re.compile(r"(\d+)(\.\d+)?\s*(万|亿)?")
_CJK_NUMERAL = re.compile(
    r"([零〇一二两三四五六七八九十百千]+)(万|亿)?(?=[个家条名项年月日倍元座批位次天周%％])"
)
_SCALES = {"billion": 10**9, "million": 10**6, "thousand": 10**3, "万": 10**4, "亿": 10**8}
_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class Figure:
    value: Decimal
    written: str
    start: int
    end: int
    qualifier: str = ""
    unit: str = ""
    spelled: bool = False
    counts: bool = True


def same_qualifier(a: str, b: str) -> bool:
    """Tell whether two qualifiers make the same claim ("more than" and "over" do)."""
    alike = {"over": "more than"}
    return alike.get(a, a) == alike.get(b, b)


def chinese_numeral(text: str) -> int:
    """Return the value of a Chinese numeral such as 二十三 or 一百零五."""
    total, digit = 0, 0
    for char in text:
        if char in _DIGIT:
            digit = _DIGIT[char]
        else:
            total += (digit or 1) * _UNIT[char]
            digit = 0
    return total + digit


def figures_in(text: str, script: str) -> list[Figure]:
    """Return each figure written in `text`."""
    found = []
    if script == "cjk":
        for match in _CJK_DIGITS.finditer(text):
            value = Decimal(match.group(1) + (match.group(2) or "")) * _SCALES.get(match.group(3), 1)
            found.append(Figure(value, match.group(0).strip(), match.start(), match.end()))
        for match in _CJK_NUMERAL.finditer(text):
            value = Decimal(chinese_numeral(match.group(1))) * _SCALES.get(match.group(2), 1)
            found.append(
                Figure(value, match.group(0), match.start(), match.end(), spelled=True, counts=value >= 10)
            )
        return found
    for match in _LATIN.finditer(text):
        value = Decimal(match.group(1).replace(",", "") + (match.group(2) or "")) * _SCALES.get(
            match.group(3), 1
        )
        found.append(Figure(value, match.group(0), match.start(), match.end()))
    return found
