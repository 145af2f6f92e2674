"""How each language writes a figure: Babel (CLDR) numbers, dates, units and scales, in press style."""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.core import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_name
from babel.units import UnknownUnitError, format_unit

from microsite.load.facts import FORMS, Fact
from microsite.load.settings import UNIT_WIDTHS, Language, Style


class FormatError(ValueError):
    """A fact that a language's style cannot write, with what to do about it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint

    def __reduce__(self):
        # Pickled on its way back from a worker process: keep the hint.
        return (FormatError, (self.message, self.hint))


@functools.lru_cache(maxsize=8192)
def format_fact(fact: Fact, language: Language, form: str = "") -> str:
    """Return the fact written as the language's press copy writes it; raise FormatError if it cannot.

    Kept for the next call: a figure is written in the text, the key figures,
    the press kit and the checks, and Babel takes tens of microseconds a time.
    """
    style, locale = language.style, language.locale
    if form and form not in FORMS.get(fact.type, ()):
        known = ", ".join(f"`:{f}`" for f in FORMS.get(fact.type, ())) or "none"
        raise FormatError(f"a {fact.type} has no form `:{form}`", f"Forms of a {fact.type}: {known}.")
    text = _WRITERS[fact.type](fact, style, locale, form)
    if fact.qualifier:
        text = dict(style.qualifiers)[fact.qualifier].replace("{}", text)
    return text


def fact_format_problem(fact: Fact, language: Language, form: str = "") -> FormatError | None:
    """Return why the fact cannot be written in the language (in this form), or None."""
    try:
        format_fact(fact, language, form)
    except FormatError as err:
        return err
    return None


def _count(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    if style.spell_below_ten and fact.value < 10:
        return style.small_numbers[fact.value]
    value = Decimal(fact.value)
    return _compact(value, style, locale, exact=True, decimals=None) or number(value, 0, style, locale)


def _duration(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    table = style.duration_adjectives if form == "adjective" else style.durations
    forms = dict(dict(table).get(fact.unit, ()))
    if not forms:
        key = "duration_adjectives" if form == "adjective" else "durations"
        raise FormatError(
            f"the style has no `{fact.unit}` in `{key}`", f'Add {fact.unit} = {{ one = "…", other = "…" }}.'
        )
    pattern = forms.get(locale.plural_form(fact.value), forms["other"])
    value = (
        style.small_numbers[fact.value] if fact.value < 10 else number(Decimal(fact.value), 0, style, locale)
    )
    return pattern.replace("{}", value)


def _time(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    if fact.type == "month":
        day = datetime.date(fact.value[0], fact.value[1], 1)
    elif fact.type == "year":
        day = datetime.date(fact.value, 1, 1)
    else:
        day = fact.value
    return format_date(day, getattr(style, fact.type), locale=locale)


def _percent(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    return style.percent.replace("{}", number(fact.value, _decimals(fact, fact.value), style, locale))


def _multiplier(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    if form == "change":
        word = dict(style.change).get(fact.value)
        if word is None:
            known = ", ".join(str(v) for v, _ in style.change) or "none"
            hint = f"This language writes these as a change: {known}. Otherwise write [[{fact.id}]] in a sentence such as “1.8 times that of 2021”."
            raise FormatError(f"{fact.value} cannot be written as a change (doubled, halved …)", hint)
        return word
    word = dict(style.multiplier_words).get(fact.value)
    return word or style.multiplier.replace(
        "{}", number(fact.value, _decimals(fact, fact.value), style, locale)
    )


def _money(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    scaled = _compact(fact.value, style, locale, exact=False, decimals=fact.decimals)
    amount = scaled or number(fact.value, _decimals(fact, fact.value), style, locale)
    currency = dict(style.currencies).get(fact.currency) or get_currency_name(fact.currency, 2, locale)
    pattern = style.money_scaled if scaled else style.money
    return pattern.replace("{}", amount).replace("{currency}", currency)


def _quantity(fact: Fact, style: Style, locale: Locale, form: str) -> str:
    places = _decimals(fact, fact.value)
    override = dict(style.unit_patterns).get(fact.unit)
    if override:
        return override.replace("{}", number(fact.value, places, style, locale))
    rounded = fact.value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # CLDR lacks some widths in some languages (Chinese has no long units);
    # Babel then prints the unit's id: try the next width instead.
    widths = (style.units, *(w for w in UNIT_WIDTHS if w != style.units))
    for width in widths:
        try:
            text = format_unit(rounded, fact.unit, width, format=_pattern(places, style), locale=locale)
        except UnknownUnitError:
            hint = "Use a CLDR unit id such as power-gigawatt, energy-kilowatt-hour, area-square-kilometer, mass-tonne."
            raise FormatError(f"`{fact.unit}` is not a unit this language knows", hint) from None
        if fact.unit not in text:
            return text
    raise FormatError(
        f"this language has no way to write `{fact.unit}`", "Add it to `unit_patterns` in the style."
    )


_WRITERS = {
    "count": _count,
    "duration": _duration,
    "date": _time,
    "month": _time,
    "year": _time,
    "percent": _percent,
    "multiplier": _multiplier,
    "money": _money,
    "quantity": _quantity,
}


def _decimals(fact: Fact, value: Decimal) -> int:
    # Show the figure as precisely as it was published (81.6 keeps one
    # decimal), but never beyond two: press copy does not print 45.237.
    if fact.decimals is not None:
        return fact.decimals
    return _places(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _places(value: Decimal) -> int:
    return max(-value.normalize().as_tuple().exponent, 0)


def _compact(value: Decimal, style: Style, locale: Locale, exact: bool, decimals: int | None) -> str | None:
    """Return the value with CLDR's scale word (5 million, 500万), or None when it is written in full.

    `exact`: only when the scaled value needs at most two decimals (a count of
    1,200,000 is "1.2 million"; 22,147 stays as it is).
    """
    if abs(value) < style.compact_from:
        return None
    formats = locale.compact_decimal_formats.get(style.compact) or locale.compact_decimal_formats["short"]
    other = formats["other"]
    magnitudes = sorted((int(k) for k in other), reverse=True)
    for _attempt in range(2):
        magnitude = next((m for m in magnitudes if abs(value) >= m), None)
        if magnitude is None:
            return None
        digits = other[str(magnitude)].pattern.count("0")
        scaled = value / (Decimal(magnitude) / Decimal(10) ** (digits - 1))
        if exact and scaled != scaled.quantize(Decimal("0.01")):
            return None
        places = (
            decimals if decimals is not None else _places(scaled.quantize(Decimal("0.01"), ROUND_HALF_UP))
        )
        rounded = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        # Rounding can carry into the next scale (999,999,999 -> 1,000 million):
        # start again from the rounded value (CLDR would print "1000 million").
        if abs(rounded) < Decimal(10) ** digits:
            break
        value = rounded * Decimal(magnitude) / Decimal(10) ** (digits - 1)
    pattern = formats.get(locale.plural_form(rounded), other).get(str(magnitude), other[str(magnitude)])
    prefix, suffix = pattern.prefix[0], pattern.suffix[0]
    if not prefix and not suffix:
        return None  # CLDR has no scale word here (Chinese thousands)
    return prefix + number(rounded, places, style, locale) + suffix


def _pattern(decimals: int, style: Style) -> str:
    return ("#,##0" if style.grouping else "0") + ("." + "0" * decimals if decimals else "")


def number(value: Decimal, decimals: int, style: Style, locale: Locale) -> str:
    """Return a number with `decimals` places, rounded half up, grouped as the style says."""
    # Babel on its own rounds half to even (1.85 -> 1.8); readers expect 1.9.
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, _pattern(decimals, style), locale=locale)
