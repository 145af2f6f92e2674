"""Site settings: the public address, the languages, and how each language writes figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from microsite.load.facts import DURATION_UNITS, QUALIFIERS, is_currency
from microsite.load.schema import Field, check_table
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.options import check_base_url
from microsite.problems import ContentError, Problem

TEXT = (str,)
TABLE = (dict,)
# A language's folder name becomes part of every path the build writes: a
# lowercase BCP 47 tag and nothing else ("../x" or "/tmp" would escape site/).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_CATALOG = re.compile(r"^[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8})*$")
_OG_LOCALE = re.compile(r"^[a-z]{2,3}_[A-Z]{2}$")
# Reserved for documentation and tests (RFC 2606, RFC 6761): never a real site.
_PLACEHOLDER_HOSTS = re.compile(
    r"(^|\.)(example\.(com|org|net)|example|test|invalid|localhost)$|^(127\.|\[::1\]|0\.0\.0\.0)"
)
_LANGUAGE_FIELDS = {
    "name": Field(TEXT),
    "html_lang": Field(TEXT),
    "locale": Field(TEXT),
    "catalog": Field(TEXT),
    "typography": Field(TEXT),
    "og_locale": Field(TEXT),
    "site_name": Field(TEXT),
    "style": Field(TABLE),
}
_SITE_FIELDS = {"base_url": Field(TEXT), "currency": Field(TEXT, False)}
_STYLE_FIELDS = {
    "grouping": Field((bool,)),
    "spell_below_ten": Field((bool,)),
    "small_numbers": Field((list,)),
    "percent": Field(TEXT),
    "multiplier": Field(TEXT),
    "multiplier_words": Field(TABLE, False),
    "change": Field(TABLE, False),
    "money": Field(TEXT),
    "money_scaled": Field(TEXT, False),
    "currencies": Field(TABLE, False),
    "compact": Field(TEXT),
    "compact_from": Field((int,)),
    "units": Field(TEXT),
    "unit_patterns": Field(TABLE, False),
    "qualifiers": Field(TABLE),
    "date": Field(TEXT),
    "month": Field(TEXT),
    "year": Field(TEXT),
    "datetime": Field(TEXT),
    "durations": Field(TABLE),
    "duration_adjectives": Field(TABLE),
}
_RETIRED_STYLE = {
    "capacity": 'Capacities are facts of type "quantity" with a CLDR unit; `units` sets how units are written.',
    "money_divisor": "Money picks its scale from the value (million, billion; 万, 亿): set `compact` and `compact_from`.",
    "duration_year": "Durations are now `durations` (for five years) and `duration_adjectives` (a five-year plan).",
    "duration_month": "Durations are now `durations` (for five months) and `duration_adjectives` (a five-month plan).",
}
TYPOGRAPHIES = ("latin", "cjk")
UNIT_WIDTHS = ("short", "long", "narrow")


@dataclass(frozen=True)
class Style:
    """How one language writes figures: patterns, words and CLDR choices."""

    grouping: bool
    spell_below_ten: bool
    small_numbers: tuple[str, ...]
    percent: str
    multiplier: str
    multiplier_words: tuple[tuple[Decimal, str], ...]
    change: tuple[tuple[Decimal, str], ...]
    money: str
    money_scaled: str  # with a scale word, where the language needs another pattern: "3,6 milliards de yuans"
    currencies: tuple[tuple[str, str], ...]
    compact: str
    compact_from: int
    units: str
    unit_patterns: tuple[tuple[str, str], ...]
    qualifiers: tuple[tuple[str, str], ...]
    date: str
    month: str
    year: str
    datetime: str
    durations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    duration_adjectives: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


@dataclass(frozen=True)
class Language:
    """One language of the site: its folder, tags, catalog, newsroom name and style."""

    code: str
    name: str
    html_lang: str
    locale: Locale
    catalog: str
    typography: str
    og_locale: str
    site_name: str  # the newsroom's name in this language: every page, feed and card shows it
    style: Style

    def __hash__(self) -> int:
        # Hashed for every figure written (see format_fact's cache): the code
        # names a language as well as all its fields do, at a fraction of the cost.
        return hash(self.code)


@dataclass(frozen=True)
class Settings:
    """The site's public address and languages; the first is the source language."""

    base_url: str
    languages: tuple[Language, ...]
    currency: str = ""  # the currency of money facts that do not name one
    path: Path | None = None
    base_url_line: int | None = None

    @property
    def source(self) -> Language:
        """Return the language translations are made from."""
        return self.languages[0]

    def language(self, code: str) -> Language | None:
        """Return the language with this folder name, if the site has it."""
        return next((lang for lang in self.languages if lang.code == code), None)


def load_settings(path: Path) -> Settings:
    """Load content/site.toml, or raise ContentError listing every problem."""
    data, text, problems = read_toml(path)
    if data is None:
        raise ContentError(problems)
    languages_table = data.get("languages")
    if not isinstance(languages_table, dict) or not languages_table:
        hint = "Add a [languages.en] table (see the README: Add a language)."
        raise ContentError(
            [Problem(path, line_of_table(text, "languages") or 1, "no languages are set", hint=hint)]
        )
    languages = []
    for code, table in languages_table.items():
        language, found = _read_language(code, table, path, text)
        problems += found
        if language is not None:
            languages.append(language)
    unknown = sorted(set(data) - {"languages", "site"})
    problems += [
        Problem(path, line_of_key(text, k) or line_of_table(text, k), f"unknown setting `{k}`")
        for k in unknown
    ]
    site, found = _read_site(data.get("site"), path, text)
    problems += found
    if problems:
        raise ContentError(problems)
    return Settings(site["base_url"], tuple(languages), site["currency"], path, site["line"])


def _read_site(table, path: Path, text: str) -> tuple[dict, list[Problem]]:
    header = line_of_table(text, "site") or 1
    example = 'Add:\n    [site]\n    base_url = "https://news.example.gov/releases/"'
    if not isinstance(table, dict):
        message = "the site settings need a [site] table with the public address"
        return {}, [Problem(path, header, message, hint=example)]
    line_of = key_lines(text, after=header, default=header)
    problems = check_table(table, _SITE_FIELDS, path, line_of, "the [site] settings")
    if problems:
        return {}, problems
    url = table["base_url"].strip()
    wrong = check_base_url(url)
    if wrong:
        return {}, [Problem(path, line_of("base_url"), f"base_url: {wrong}")]
    currency = table.get("currency", "")
    if currency and not is_currency(currency):
        message = f"currency should be an ISO 4217 code such as CNY or USD, not {currency!r}"
        return {}, [Problem(path, line_of("currency"), message)]
    site = {
        "base_url": url if url.endswith("/") else url + "/",
        "currency": currency,
        "line": line_of("base_url"),
    }
    return site, []


def is_placeholder_url(url: str) -> bool:
    """Tell whether an address is reserved for examples and tests, so no reader can reach it."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return bool(_PLACEHOLDER_HOSTS.search(host))


def with_base_url(settings: Settings, url: str) -> Settings:
    """Return the settings with another public address (the --base-url option)."""
    return replace(settings, base_url=url if url.endswith("/") else url + "/", base_url_line=None)


def _read_language(code: str, table, path: Path, text: str) -> tuple[Language | None, list[Problem]]:
    header = line_of_table(text, code) or line_of_table(text, "languages")
    where = f"language `{code}`"
    if not LANGUAGE_CODE.match(code):
        message = f"the language code `{code}` becomes a folder of the site: use a lowercase BCP 47 tag"
        return None, [Problem(path, header, message, hint="For example: en, fr, zh-hans, pt-br.")]
    if not isinstance(table, dict):
        return None, [Problem(path, header, f"{where} should be a table [languages.{code}]")]
    line_of = key_lines(text, after=header, default=header)
    problems = check_table(table, _LANGUAGE_FIELDS, path, line_of, f"the settings of {where}")
    if problems:
        return None, problems
    style_header = line_of_table(text, f"{code}.style") or header
    style, problems = _read_style(table["style"], path, text, style_header, where)
    try:
        locale = Locale.parse(table["locale"])
    except (UnknownLocaleError, ValueError, TypeError):
        hint = "Use a CLDR locale id such as en, fr or zh_Hans_CN."
        problems.append(
            Problem(path, line_of("locale"), f"unknown locale `{table['locale']}` for {where}", hint=hint)
        )
    shapes = (
        ("html_lang", _BCP47, "a BCP 47 tag such as en or zh-Hans"),
        ("catalog", _CATALOG, "a locale folder name such as en or zh_Hans_CN"),
        ("og_locale", _OG_LOCALE, "a locale such as en_US or zh_CN"),
    )
    for key, shape, example in shapes:
        if not shape.match(table[key]):
            problems.append(
                Problem(path, line_of(key), f"`{key}` of {where} should be {example}, not {table[key]!r}")
            )
    if table["typography"] not in TYPOGRAPHIES:
        message = f"typography of {where} should be one of {', '.join(TYPOGRAPHIES)}"
        problems.append(Problem(path, line_of("typography"), message))
    if problems:
        return None, problems
    fields = {
        k: table[k].strip() for k in ("name", "html_lang", "catalog", "typography", "og_locale", "site_name")
    }
    return Language(code=code, locale=locale, style=style, **fields), []


def _read_style(table: dict, path: Path, text: str, header: int | None, where: str):
    line_of = key_lines(text, after=header, default=header)
    problems = check_table(table, _STYLE_FIELDS, path, line_of, f"the style of {where}", _RETIRED_STYLE)
    if problems:
        return None, problems
    values = dict(table)
    values.setdefault("money_scaled", table["money"])
    for key, check in _STYLE_CHECKS.items():
        value, message = check(values.get(key))
        if message:
            hint = _STYLE_HINTS.get(key, "")
            problems.append(
                Problem(path, line_of(key), f"`{key}` in the style of {where} {message}", hint=hint)
            )
        else:
            values[key] = value
    if problems:
        return None, problems
    return Style(**values), []


def _template(value: str) -> tuple[str, str]:
    return (
        (value, "") if value.count("{}") == 1 else (value, "should contain `{}` once, where the number goes")
    )


def _money(value: str) -> tuple[str, str]:
    if value.count("{}") != 1 or value.count("{currency}") != 1:
        return value, "should contain `{}` (the amount) and `{currency}` once each"
    return value, ""


def _small_numbers(value: list) -> tuple[tuple[str, ...], str]:
    if len(value) != 10 or not all(isinstance(n, str) for n in value):
        return (), "should list the words for zero to nine"
    return tuple(value), ""


def _by_number(table: dict | None) -> tuple[tuple[tuple[Decimal, str], ...], str]:
    pairs = []
    for key, word in (table or {}).items():
        try:
            number = Decimal(key)
        except InvalidOperation:
            return (), f'should map numbers to words, such as "2" = "twice", not {key!r}'
        if not isinstance(word, str) or not word.strip():
            return (), f"should give text for {key!r}"
        pairs.append((number, word))
    return tuple(sorted(pairs)), ""


def _texts(table: dict | None) -> tuple[tuple[tuple[str, str], ...], str]:
    table = table or {}
    if not all(isinstance(v, str) for v in table.values()):
        return (), "should give text in quotes for each entry"
    return tuple(sorted(table.items())), ""


def _currencies(table: dict | None) -> tuple[tuple[tuple[str, str], ...], str]:
    pairs, message = _texts(table)
    if not message and not all(is_currency(code) for code, _ in pairs):
        message = "should be keyed by ISO 4217 codes such as CNY"
    return pairs, message


def _qualifiers(table: dict) -> tuple[tuple[tuple[str, str], ...], str]:
    missing = [q for q in QUALIFIERS if q not in table]
    unknown = [q for q in table if q not in QUALIFIERS]
    if missing or unknown:
        return (), "should give a pattern for each of " + ", ".join(f'"{q}"' for q in QUALIFIERS)
    if not all(isinstance(v, str) and v.count("{}") == 1 for v in table.values()):
        return (), "should give each qualifier as text with `{}` where the figure goes"
    return tuple((q, table[q]) for q in QUALIFIERS), ""


def _plural_forms(table: dict) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None:
    result = []
    for unit, forms in table.items():
        if unit not in DURATION_UNITS or not isinstance(forms, dict) or "other" not in forms:
            return None
        if not all(k in ("zero", "one", "two", "few", "many", "other") for k in forms):
            return None
        if not all(isinstance(v, str) and v.count("{}") == 1 for v in forms.values()):
            return None
        result.append((unit, tuple(sorted(forms.items()))))
    return tuple(sorted(result))


def _durations(table: dict):
    forms = _plural_forms(table)
    if forms is None:
        return (
            (),
            'should give, for each unit (day, week, month, year), { one = "{} year", other = "{} years" }',
        )
    return forms, ""


def _choice(options):
    def check(value):
        return (value, "") if value in options else (value, "should be one of " + ", ".join(options))

    return check


def _positive(value: int) -> tuple[int, str]:
    return (value, "") if value > 0 else (value, "should be a positive whole number")


_STYLE_CHECKS = {
    "small_numbers": _small_numbers,
    "percent": _template,
    "multiplier": _template,
    "multiplier_words": _by_number,
    "change": _by_number,
    "money": _money,
    "money_scaled": _money,
    "currencies": _currencies,
    "compact": _choice(("long", "short")),
    "compact_from": _positive,
    "units": _choice(UNIT_WIDTHS),
    "unit_patterns": _texts,
    "qualifiers": _qualifiers,
    "durations": _durations,
    "duration_adjectives": _durations,
}
_STYLE_HINTS = {
    "qualifiers": 'For example: qualifiers = { nearly = "nearly {}", about = "about {}", "more than" = "more than {}", '
    'over = "over {}", "at least" = "at least {}", "up to" = "up to {}", "less than" = "less than {}" }',
    "compact": '"long" writes 5 million; "short" writes 5M, or 500万 in Chinese (CLDR has no long form there).',
    "units": 'CLDR unit width: "short" writes 100 GW, "long" 100 gigawatts, "narrow" 100GW.',
}
