"""Figures written in text, English or Chinese, read back as values the languages can compare.

Both scripts are read by one policy: a figure is a value with the qualifier
("nearly", 近) and the unit ("percent", %) a reader takes with it, and `counts`
says whether a careful editor would call it a figure at all.

Chinese numerals are converted here, not by a converter from PyPI: the
maintained one (cn2an 0.5.24) raises on 2.5万亿 and on any text that is not a
numeral, changes ordinary words when asked to find numerals in running text
(华大九天 becomes 华大9天), and takes about 18 µs per numeral, more than reading
a whole sentence costs here.

Speed matters (every section of every release, in every language, on each
build): each text is scanned once by regular expressions whose first character
is a literal or a set, so that the regex engine skips ahead between candidates,
and every further look is anchored at a candidate, so the time grows with the
length of the text, never faster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext

QUALIFIERS = ("nearly", "about", "more than", "over", "at least", "up to", "less than")


@dataclass(frozen=True)
class Figure:
    """One figure as written in a text, and the value it stands for."""

    value: Decimal  # scale words applied: "2.5万亿" is 2500000000000
    written: str  # exactly the text matched, qualifier and unit included
    start: int  # the span of `written` in the text
    end: int
    qualifier: str = ""  # "" or one of QUALIFIERS
    unit: str = ""  # "percent", "times", "yuan", … or ""
    spelled: bool = False  # written in words: three, 三, 二十
    counts: bool = True  # False for what a careful editor would not call a figure


def figures_in(text: str, script: str) -> list[Figure]:
    """Return each figure written in `text`, in order; `script` is "latin" or "cjk"."""
    with localcontext(_exact_context()):
        return _read_cjk(text) if script == "cjk" else _read_latin(text)


def same_qualifier(a: str, b: str) -> bool:
    """Tell whether two qualifiers make the same claim: equal, or "more than" and "over"."""
    a, b = (_QUALIFIER_WORDS.get(" ".join(q.lower().split()), q) for q in (a, b))
    return a == b or {a, b} == {"more than", "over"}


def english_number_words(text: str) -> int | None:
    """Return the value of a number written in English words ("twenty-five", "a hundred"), else None."""
    return _words_value(text) if _WORDS_WHOLE.fullmatch(text.lower()) else None


def chinese_numeral(text: str) -> int:
    """Return the whole value of the first Chinese numeral in `text` (一亿两千万, 3亿5千万), else 0."""
    match = _CJK_NUMBER.search(text)
    if not match:
        return 0
    with localcontext(_exact_context()):
        return int(_cjk_value(match.group()))


def _exact_context() -> Context:
    # Exact for any figure a release holds; absurd input gives a rounded value, never an exception.
    return Context(prec=100, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def _counts(value: Decimal, unit: str, scaled: bool, decimal: bool) -> bool:
    # Press copy spells small counts in English and writes 3项 or 三项 in
    # Chinese: comparing them across the languages gives noise, not findings.
    return bool(unit) or scaled or decimal or value >= 10


def _plain(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros: 45200000000.0 becomes 45200000000."""
    whole = value.to_integral_value()
    return whole if whole == value else value.normalize()


def _trie(words: Iterable[str]) -> dict:
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return tree


def _trie_pattern(node: dict) -> str:
    """Return an alternation of a trie's words in which a mismatch costs a step, not a word."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if "" in node:
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def _alternatives(forms: Iterable[str]) -> str:
    """Return an alternation of fixed `forms`, longest first, any space standing for any spacing."""
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))


# --- English and other Latin-script text --------------------------------------------------------------

_UNITS_EN = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_EN = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_SCALES_EN = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALES_AFTER_DIGITS = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
}

_END = r"(?![\w'’])"  # the word ends here: "often" holds no "ten", "someone" no "one"
_TENS_WORD = f"(?:{_trie_pattern(_trie(_TENS_EN))}){_END}"
_DIGIT_WORD = f"(?:{_trie_pattern(_trie(list(_UNITS_EN)[1:10]))}){_END}"  # one to nine, as in twenty-five
_UNIT_WORD = f"(?:{_trie_pattern(_trie(_UNITS_EN))}){_END}"
_SMALL = rf"(?:{_TENS_WORD}(?:(?:-|\s+){_DIGIT_WORD})?|{_UNIT_WORD})"  # zero to ninety-nine
_HUNDREDS = rf"(?:(?:{_SMALL}|an?)\s+hundred{_END}(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL})"
_BIG = rf"(?:thousand|million|billion|trillion){_END}"
_WORDS = rf"(?:{_HUNDREDS}|an?(?=\s+{_BIG}))(?:\s+{_BIG}(?:\s+(?:and\s+)?{_HUNDREDS})?)*"
_WORDS_AT = re.compile(_WORDS)
_WORDS_WHOLE = re.compile(rf"\s*{_WORDS}\s*")

# A number in words begins after a space or a mark such as ( or “, never after a
# letter, an apostrophe or a hyphen ("often", "twenty-five"). Matching
# that mark first lets the regex engine skip from one mark to the next, and the
# trie of number words then fails within a letter or two of an ordinary word.
_BEFORE_WORD = r"\s" + re.escape('()[]{}"“”‘«»「」<>—–/,.;:!?*_…')
_WORD_START = re.compile(
    rf"[{_BEFORE_WORD}](?:{_trie_pattern(_trie([*_UNITS_EN, *_TENS_EN]))}|an?(?=\s+(?:hundred|{_BIG})))"
)
_DIGITS_AT = re.compile(
    rf"""[0-9](?:(?<![\w'’.,:/].)(?<![A-Za-z]-.)|(?<=RMB.|CNY.|USD.))
    (?P<digits>[0-9]{{0,2}}(?:,[0-9]{{3}})+|[0-9]*)(?P<fraction>\.[0-9]+)?
    (?:\s*(?P<scale>thousand|million|billion|trillion|bn){_END})?
    (?![\w'’]|[.,:/][0-9])""",
    re.VERBOSE,
)
_ORDINAL_TAIL = re.compile(r"-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b")

_UNIT_FORMS_EN = {
    "percentage point": "percentage points", "percentage points": "percentage points",
    "%": "percent", "percent": "percent", "per cent": "percent",
    "times": "times", "fold": "times", "-fold": "times",
    "yuan": "yuan", "RMB": "yuan", "renminbi": "yuan", "CNY": "yuan",
    "dollars": "dollars", "US dollars": "dollars", "USD": "dollars",
    "GW": "gigawatts", "gigawatt": "gigawatts", "gigawatts": "gigawatts",
    "MW": "megawatts", "megawatt": "megawatts", "megawatts": "megawatts",
    "kWh": "kilowatt-hours", "kilowatt-hour": "kilowatt-hours", "kilowatt-hours": "kilowatt-hours",
    "kW": "kilowatts", "kilowatt": "kilowatts", "kilowatts": "kilowatts",
    "km²": "square kilometres", "sq km": "square kilometres", "square kilometres": "square kilometres",
    "square kilometre": "square kilometres", "square kilometers": "square kilometres",
    "square kilometer": "square kilometres",
    "m²": "square metres", "square metres": "square metres", "square metre": "square metres",
    "square meters": "square metres", "square meter": "square metres",
    "km": "kilometres", "kilometres": "kilometres", "kilometre": "kilometres", "kilometers": "kilometres",
    "kilometer": "kilometres",
    "metres": "metres", "metre": "metres", "meters": "metres", "meter": "metres",
    "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes", "ton": "tonnes",
    "hectares": "hectares", "hectare": "hectares",
}  # fmt: skip
_LATIN_AFTER = re.compile(
    rf"(?:\s*(?P<unit>{_alternatives(_UNIT_FORMS_EN)}){_END})?(?P<more>\s+or\s+more(?!\s+than){_END})?"
)

_QUALIFIER_WORDS = {
    "nearly": "nearly", "almost": "nearly", "close to": "nearly",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "more than": "more than", "exceeding": "more than", "exceeded": "more than", "exceeds": "more than",
    "over": "over", "above": "over", "in excess of": "over",
    "at least": "at least", "no less than": "at least", "not less than": "at least",
    "no fewer than": "at least", "not fewer than": "at least",
    "up to": "up to", "as many as": "up to", "as much as": "up to", "no more than": "up to",
    "not more than": "up to",
    "less than": "less than", "fewer than": "less than", "under": "less than", "below": "less than",
}  # fmt: skip
_CURRENCY_BEFORE = {
    "$": "dollars",
    "US$": "dollars",
    "USD": "dollars",
    "RMB": "yuan",
    "CNY": "yuan",
    "¥": "yuan",
}
_OPENING = "([{\"'“‘—–-"
_QUALIFIER_ENDINGS = frozenset(q.rsplit(" ", 1)[-1] for q in _QUALIFIER_WORDS)
_CURRENCY_ENDINGS = (*_CURRENCY_BEFORE, "RMB ", "CNY ", "USD ", "￥")


def _read_latin(text: str) -> list[Figure]:
    folded = text.lower()
    if len(folded) != len(text):
        folded = text  # a rare letter whose lower case is longer: read lower-case words only
    candidates = sorted(
        [(m.start(), m) for m in _DIGITS_AT.finditer(text)]
        + [(m.start() + 1, None) for m in _WORD_START.finditer(folded)]
        + ([(0, None)] if folded[:1].isalpha() else []),
        key=lambda candidate: candidate[0],
    )
    found: list[Figure] = []
    for start, digits in candidates:
        earliest = found[-1].end if found else 0
        if start < earliest:
            continue  # "two" in "one thousand two hundred"
        figure = (
            _digits_figure(text, digits, earliest) if digits else _words_figure(text, folded, start, earliest)
        )
        if figure:
            found.append(figure)
    return found


def _digits_figure(text: str, match: re.Match, earliest: int) -> Figure:
    scale = match["scale"]
    number = text[match.start()] + match["digits"].replace(",", "") + (match["fraction"] or "")
    value = Decimal(number) * _SCALES_AFTER_DIGITS.get(scale, 1)
    return _latin_figure(
        text, match.start(), match.end(), earliest, _plain(value), bool(scale), "." in number
    )


def _words_figure(text: str, folded: str, start: int, earliest: int) -> Figure | None:
    match = _WORDS_AT.match(folded, start)
    if not match or _ORDINAL_TAIL.match(folded, match.end()):
        return None  # "tent", "twenty-first"
    value = Decimal(_words_value(match.group()))
    return _latin_figure(text, start, match.end(), earliest, value, False, False, spelled=True)


def _latin_figure(
    text: str, start: int, end: int, earliest: int, value: Decimal, scaled: bool, decimal: bool, spelled=False
) -> Figure:
    after = _LATIN_AFTER.match(text, end)
    qualifier, currency, start = _latin_before(text, start, earliest)
    if currency and after["unit"]:
        # "USD 586 million" then a table's next cell, "USD 397 million": the
        # second currency is the next figure's, not this one's unit.
        after = _LATIN_AFTER.match(text, end, end)
    unit = _UNIT_FORMS_EN[" ".join(after["unit"].split())] if after["unit"] else currency
    return Figure(
        value=value,
        written=text[start : after.end()],
        start=start,
        end=after.end(),
        qualifier=qualifier or ("at least" if after["more"] else ""),
        unit=unit,
        spelled=spelled,
        counts=_counts(value, unit, scaled, decimal),
    )


def _latin_before(text: str, start: int, earliest: int) -> tuple[str, str, int]:
    """Return (qualifier, currency, where they start) written just before `start`."""
    window = max(earliest, start - 40)
    head = text[window:start]
    words = head.split()[-4:]
    if not words or (
        words[-1].lstrip(_OPENING).lower() not in _QUALIFIER_ENDINGS and not head.endswith(_CURRENCY_ENDINGS)
    ):
        return "", "", start  # most numbers: no need to look closer
    starts = _word_starts(head, words)
    currency = (
        _CURRENCY_BEFORE.get(words[-1].lstrip(_OPENING).upper().replace("￥", "¥"), "") if words else ""
    )
    if currency:
        begin = starts[-1] + len(words[-1]) - len(words[-1].lstrip(_OPENING))
        words, starts = words[:-1], starts[:-1]
    elif not head[-1:].isspace():
        return "", "", start  # the number is glued to something: (3, #3
    else:
        begin = len(head)
    for size in (3, 2, 1):
        if len(words) < size or (starts[-size] == 0 and window > 0 and not text[window - 1].isspace()):
            continue  # too few words, or the first is cut: "handsome" is no "some"
        first = words[-size].lstrip(_OPENING)
        qualifier = _QUALIFIER_WORDS.get(" ".join((first, *words[len(words) - size + 1 :])).lower())
        if qualifier:
            return qualifier, currency, window + starts[-size] + len(words[-size]) - len(first)
    return "", currency, window + begin


def _word_starts(head: str, words: list[str]) -> list[int]:
    """Return where each of the last `words` of `head` starts in it."""
    starts, position = [], len(head)
    for word in reversed(words):
        position = head.rfind(word, 0, position)
        starts.append(position)
    return starts[::-1]


def _words_value(words: str) -> int:
    total, current = 0, 0
    for word in re.findall(r"[a-z]+", words.lower()):
        if word in _UNITS_EN or word in _TENS_EN:
            current += _UNITS_EN.get(word) or _TENS_EN.get(word, 0)
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES_EN:
            total += (current or 1) * _SCALES_EN[word]
            current = 0
    return total + current


# --- Chinese ------------------------------------------------------------------------------------------

_DIGITS_ZH = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_UNITS_ZH = {"十": 10, "百": 100, "千": 1000}
_SCALES_ZH = {"万": 10**4, "亿": 10**8, "万亿": 10**12}
_ZH_DIGIT = "".join(_DIGITS_ZH)
_ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9０-９]+)(?:\.[0-9０-９]+)?"
_ARABIC_ONLY = re.compile(_ARABIC)
# 千 before 瓦, 米 or 克 is the kilo- of a unit (5千瓦 is 5 kW), not a thousand.
# A numeral never starts with 万 or 亿 (万一, 万众); one starting with 百 or
# 千 is looked at again below (超百亿元, 近千家, but 千方百计, 千家万户, 百姓).
_CJK_NUMBER = re.compile(
    rf"""(?:{_ARABIC}|[{_ZH_DIGIT}十百千])
    (?:
        [十百万亿] | 千(?![瓦米克])
      | (?<![0-9０-９])[{_ZH_DIGIT}]           # 3亿5千万, but not 2022一
      | (?<![{_ZH_DIGIT}]){_ARABIC}            # nor 一2022
      | 点(?=[{_ZH_DIGIT}])
    ){{0,39}}                                 # longer is no numeral, and costs time growing as its square""",
    re.VERBOSE,
)
_CJK_PIECE = re.compile(rf"{_ARABIC}|.", re.DOTALL)
_HAS_ARABIC = re.compile("[0-9０-９]")
_SIDE_BY_SIDE = re.compile("[一二两三四五六七八九]{2}")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789", ",")

_UNIT_FORMS_ZH = {
    "个百分点": "percentage points", "%": "percent", "％": "percent", "倍": "times",
    "美元": "dollars", "元": "yuan", "人民币": "yuan",
    "吉瓦": "gigawatts", "GW": "gigawatts", "兆瓦": "megawatts", "MW": "megawatts",
    "千瓦时": "kilowatt-hours", "kWh": "kilowatt-hours", "千瓦": "kilowatts", "kW": "kilowatts",
    "平方公里": "square kilometres", "km²": "square kilometres",
    "平方米": "square metres", "㎡": "square metres", "m²": "square metres",
    "公里": "kilometres", "千米": "kilometres", "km": "kilometres", "米": "metres",
    "吨": "tonnes", "公顷": "hectares", "亩": "mu",
}  # fmt: skip
# Measure words make 三 a figure (三项) without being a unit.
_MEASURES_ZH = (
    "个月", "个", "家", "条", "名", "项", "年", "月", "日", "天", "周", "季度", "小时", "分钟",
    "座", "批", "位", "次", "人次", "人", "所", "种", "台", "栋", "户", "件", "款", "套", "部",
    "辆", "架", "艘", "篇", "届", "期", "轮", "场", "类", "层", "级", "块", "片", "支", "颗",
    "只", "张", "份", "笔", "间", "处", "岁",
)  # fmt: skip
_CJK_AFTER = re.compile(
    rf"(?P<more>多|余)?(?P<scale>万亿|亿|万)?"
    rf"(?:(?P<unit>{_alternatives(_UNIT_FORMS_ZH)})(?![A-Za-z])|(?P<measure>{_alternatives(_MEASURES_ZH)}))?"
    r"(?P<q>以上|左右|以下|以内)?"
)
_QUALIFIERS_AFTER_ZH = {
    "多": "over", "余": "over", "以上": "over", "左右": "about", "以下": "less than", "以内": "up to",
}  # fmt: skip
_QUALIFIERS_BEFORE_ZH = {
    "近": "nearly", "将近": "nearly", "接近": "nearly",
    "约": "about", "大约": "about",
    "超过": "more than", "超": "more than",
    "逾": "over",
    "至少": "at least", "不少于": "at least",
    "最多": "up to", "至多": "up to", "不超过": "up to", "最高": "up to", "高达": "up to",
    "不到": "less than", "不足": "less than", "少于": "less than",
}  # fmt: skip
# The leftmost match wins, so 不超过 is read before 超过 and 将近 before 近;
# 最近, 附近, 签约, 节约 and 赶超 are words of their own, not qualifiers.
_CJK_BEFORE = re.compile(
    r"(?:将近|接近|(?<![最附邻临亲靠贴])近|大约|(?<![签合预节制公条邀履违践特相])约"
    r"|不超过|超过|(?<![赶高])超|逾|至少|不少于|最多|至多|最高|高达|不到|不足|少于)$"
)
_CJK_QUALIFIER_ENDS = frozenset(q[-1] for q in _QUALIFIERS_BEFORE_ZH)
_TIME_MEASURES = frozenset(("年", "个月", "月", "天", "日", "周", "季度"))
# Words that end in 一: 统一, 唯一, 同一, 单一, 万一, 逐一 …
_YI_WORDS = frozenset("统唯同单专划归合均整万逐之")


def _read_cjk(text: str) -> list[Figure]:
    found: list[Figure] = []
    for match in _CJK_NUMBER.finditer(text):
        figure = _cjk_figure(text, match, found[-1].end if found else 0)
        if figure:
            found.append(figure)
    return found


def _cjk_figure(text: str, match: re.Match, earliest: int) -> Figure | None:
    start, end, token = match.start(), match.end(), match.group()
    if token == "一" and text[start - 1 : start] in _YI_WORDS:
        return None  # 统一部署 has no 一部
    after = _CJK_AFTER.match(text, end)
    if _not_a_figure(text[max(0, start - 2) : start], token, text[end : end + 2], after["unit"]):
        return None
    unit = _UNIT_FORMS_ZH[after["unit"]] if after["unit"] else ""
    if text[max(earliest, start - 3) : start] == "百分之":
        start, unit = start - 3, "percent"
    spelled = not _HAS_ARABIC.search(token)
    scaled = "万" in token or "亿" in token or bool(after["scale"])
    if spelled and not (scaled or unit or after["measure"]):
        return None  # 一站式, 统一, 十分
    qualifier, start = _cjk_before(text, start, earliest, after["measure"])
    if token[0] in "百千" and not _round_figure(
        text[start - 1 : start], token, qualifier, unit or after["measure"]
    ):
        return None
    value = _plain(_cjk_value(token) * _SCALES_ZH.get(after["scale"], 1))
    qualifier = qualifier or _QUALIFIERS_AFTER_ZH.get(after["more"] or after["q"] or "", "")
    counts = _counts(value, unit, scaled, "." in token or "点" in token)
    if after["measure"] == "月" and not after["more"] and value in _MONTHS:
        counts = False  # 3月 is March: a date, not a figure
    return Figure(value, text[start : after.end()], start, after.end(), qualifier, unit, spelled, counts)


_MONTHS = frozenset(Decimal(n) for n in range(1, 13))


def _round_figure(before: str, token: str, qualifier: str, unit: str | None) -> bool:
    """Tell whether a numeral starting with 百 or 千 is a figure: 百亿元, 近千家, but not 千家万户 or 上千家."""
    if not unit or before in ("上", "几", "数", "成"):
        return False  # 千万 (by all means), 上千家 (thousands of)
    return "万" in token or "亿" in token or bool(qualifier)


def _not_a_figure(before: str, token: str, following: str, unit: str | None) -> bool:
    """Tell whether a numeral or what is around it makes it none: 第三, 数十, 三四家, G20, 5G, 8:30."""
    last, next_char = before[-1:], following[:1]
    return bool(
        (last and last in "第.:：/０１２３４５６７８９")
        or (last.isascii() and last.isalnum())
        or (last in ("几", "数") and token[0] == "十")
        or (last == "-" and before[:1].isascii() and before[:1].isalpha())
        or (not unit and next_char.isascii() and next_char.isalpha())
        or (next_char and next_char in ":：/" and following[1:2].isdigit())
        or _is_range(token)
    )


def _is_range(token: str) -> bool:
    """Tell whether two digits side by side make a range or a name (三四家, 五六个, 十四五), not a number."""
    if not _SIDE_BY_SIDE.search(token):
        return False
    year_like = len(token) > 2 or "〇" in token or "零" in token  # 二〇二二, 一九九八: digit by digit
    return not (year_like and all(c in _DIGITS_ZH for c in token))


def _cjk_before(text: str, start: int, earliest: int, measure: str | None) -> tuple[str, int]:
    """Return the qualifier written just before `start` (近, 超过, 逾 …) and where it starts."""
    if not start or text[start - 1] not in _CJK_QUALIFIER_ENDS:
        return "", start
    before = _CJK_BEFORE.search(text, max(earliest, start - 3), start)
    if not before or (before.group() == "近" and measure in _TIME_MEASURES):
        return "", start  # 近三年 is "the past three years"
    return _QUALIFIERS_BEFORE_ZH[before.group()], before.start()


def _cjk_value(token: str) -> Decimal:
    """Return the value of a Chinese numeral, Arabic digits allowed: 2.5万亿, 3亿5千万, 二〇二二, 三点五."""
    if _ARABIC_ONLY.fullmatch(token):
        return Decimal(token.translate(_ASCII_DIGITS))
    whole, _, fraction = token.partition("点")
    value = Decimal(_cjk_whole(_CJK_PIECE.findall(whole)))
    digits = "".join(str(_DIGITS_ZH[c]) for c in fraction if c in _DIGITS_ZH)
    return value + Decimal("0." + digits) if digits else value


def _cjk_whole(pieces: list[str]) -> int | Decimal:
    if len(pieces) > 1 and all(p in _DIGITS_ZH for p in pieces):
        return Decimal("".join(str(_DIGITS_ZH[p]) for p in pieces))  # 二〇二二, read digit by digit
    # Whole numbers in ints, which are exact and several times faster than Decimal.
    total = section = group = 0  # the 亿 part, the 万 part, the part below 万
    digit: int | Decimal | None = None
    after_unit = 0  # the unit just before `digit`, for 三千五
    for piece in pieces:
        if piece in _DIGITS_ZH:
            digit = _DIGITS_ZH[piece]
            after_unit = after_unit if digit else 0
        elif piece in _UNITS_ZH:
            group += (1 if digit is None else digit) * _UNITS_ZH[piece]
            digit, after_unit = None, _UNITS_ZH[piece]
        elif piece == "万":
            section, group, digit, after_unit = (section + group + (digit or 0)) * 10**4, 0, None, 10**4
        elif piece == "亿":
            total, section, group = (total + section + group + (digit or 0)) * 10**8, 0, 0
            digit, after_unit = None, 10**8
        else:
            digit, after_unit = Decimal(piece.translate(_ASCII_DIGITS)), 0
    return total + section + group + _last_digit(digit, after_unit)


def _last_digit(digit: int | Decimal | None, after_unit: int) -> int | Decimal:
    # 三千五 is 3500 and 一万五 is 15000: a last digit straight after a unit
    # counts in the next unit down. In 一百零五 the 零 stops that.
    if digit is None:
        return 0
    return digit * after_unit // 10 if after_unit > 10 else digit
