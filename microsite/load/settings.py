"""Site settings: the languages of the site and how each writes figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from microsite.cache import cached_hash
from microsite.load.schema import Field, check_table
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.problems import ContentError, Problem

TEXT = (str,)
_LANGUAGE_FIELDS = {
    "name": Field(TEXT),
    "html_lang": Field(TEXT),
    "locale": Field(TEXT),
    "catalog": Field(TEXT),
    "typography": Field(TEXT),
    "og_locale": Field(TEXT),
    "site_name": Field(TEXT),
    "style": Field((dict,)),
}
_SITE_FIELDS = {"base_url": Field(TEXT)}
_PLURAL = Field((dict,))
_STYLE_FIELDS = {
    "grouping": Field((bool,)),
    "spell_below_ten": Field((bool,)),
    "small_numbers": Field((list,)),
    "multiplier": Field(TEXT),
    "percent": Field(TEXT),
    "money": Field(TEXT),
    "money_divisor": Field((int,)),
    "capacity": Field(TEXT),
    "date": Field(TEXT),
    "month": Field(TEXT),
    "year": Field(TEXT),
    "datetime": Field(TEXT),
    "duration_month": _PLURAL,
    "duration_year": _PLURAL,
}
_UNIT_TEMPLATES = ("multiplier", "percent", "money", "capacity")
TYPOGRAPHIES = ("latin", "cjk")


@cached_hash
@dataclass(frozen=True)
class Style:
    """How one language writes figures: patterns and unit words."""

    grouping: bool
    spell_below_ten: bool
    small_numbers: tuple[str, ...]
    multiplier: str
    percent: str
    money: str
    money_divisor: int
    capacity: str
    date: str
    month: str
    year: str
    datetime: str
    duration_month: tuple[tuple[str, str], ...]
    duration_year: tuple[tuple[str, str], ...]


@cached_hash
@dataclass(frozen=True)
class Language:
    """One language of the site: its folder, tags, catalog and style."""

    code: str
    name: str
    html_lang: str
    locale: Locale
    catalog: str
    typography: str
    og_locale: str
    site_name: str
    style: Style


@cached_hash
@dataclass(frozen=True)
class Settings:
    """The site's public address and languages; the first is the source language."""

    base_url: str
    languages: tuple[Language, ...]

    @property
    def source(self) -> Language:
        """Return the language translations are made from."""
        return self.languages[0]


def load_settings(path: Path) -> Settings:
    """Load content/site.toml, or raise ContentError listing every problem."""
    data, text, problems = read_toml(path)
    if data is None:
        raise ContentError(problems)
    languages_table = data.get("languages")
    if not isinstance(languages_table, dict) or not languages_table:
        raise ContentError([Problem(path, 1, "no languages are set", hint="Add a [languages.en] table.")])
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
    base_url, found = _read_site(data.get("site"), path, text)
    problems += found
    if problems:
        raise ContentError(problems)
    return Settings(base_url, tuple(languages))


def _read_site(table, path: Path, text: str) -> tuple[str, list[Problem]]:
    header = line_of_table(text, "site") or 1
    example = 'Add:\n    [site]\n    base_url = "https://example.org/xixian-2023/"'
    if not isinstance(table, dict):
        return "", [
            Problem(
                path, header, "the site settings need a [site] table with the public address", hint=example
            )
        ]

    line_of = key_lines(text, after=header, default=header)

    problems = check_table(table, _SITE_FIELDS, path, line_of, "the [site] settings")
    if problems:
        return "", problems
    url = table["base_url"].strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return "", [
            Problem(
                path,
                line_of("base_url"),
                f"base_url should be the full public address, such as https://example.org/xixian-2023/, not {url!r}",
            )
        ]
    return url if url.endswith("/") else url + "/", []


def with_base_url(settings: Settings, url: str) -> Settings:
    """Return the settings with another public address (the --base-url option)."""
    return replace(settings, base_url=url if url.endswith("/") else url + "/")


def _read_language(code: str, table, path: Path, text: str) -> tuple[Language | None, list[Problem]]:
    header = line_of_table(text, code)
    where = f"language `{code}`"
    if not isinstance(table, dict):
        return None, [Problem(path, header, f"{where} should be a table")]

    line_of = key_lines(text, after=header, default=header)

    problems = check_table(table, _LANGUAGE_FIELDS, path, line_of, f"the settings of {where}")
    if problems:
        return None, problems
    style_header = line_of_table(text, f"{code}.style") or header
    style, problems = _read_style(table["style"], path, text, style_header, where)
    try:
        locale = Locale.parse(table["locale"])
    except (UnknownLocaleError, ValueError):
        problems.append(
            Problem(
                path,
                line_of("locale"),
                f"unknown locale `{table['locale']}` for {where}",
                hint="Use a CLDR locale id such as en or zh_Hans_CN.",
            )
        )
    if table["typography"] not in TYPOGRAPHIES:
        problems.append(
            Problem(
                path,
                line_of("typography"),
                f"typography of {where} should be one of {', '.join(TYPOGRAPHIES)}",
            )
        )
    if problems:
        return None, problems
    fields = {k: table[k] for k in ("name", "html_lang", "catalog", "typography", "og_locale", "site_name")}
    return Language(code=code, locale=locale, style=style, **fields), []


def _read_style(
    table: dict, path: Path, text: str, header: int | None, where: str
) -> tuple[Style | None, list[Problem]]:
    line_of = key_lines(text, after=header, default=header)

    problems = check_table(table, _STYLE_FIELDS, path, line_of, f"the style of {where}")
    if problems:
        return None, problems
    for key in _UNIT_TEMPLATES:
        if table[key].count("{}") != 1:
            problems.append(
                Problem(path, line_of(key), f"`{key}` should contain `{{}}` once, where the number goes")
            )
    for key in ("duration_month", "duration_year"):
        forms = table[key]
        if set(forms) != {"one", "other"} or not all(
            isinstance(v, str) and v.count("{}") == 1 for v in forms.values()
        ):
            problems.append(
                Problem(path, line_of(key), f'`{key}` should be {{ one = "{{}} …", other = "{{}} …" }}')
            )
    numbers = table["small_numbers"]
    if len(numbers) != 10 or not all(isinstance(n, str) for n in numbers):
        problems.append(
            Problem(path, line_of("small_numbers"), "`small_numbers` should list the words for zero to nine")
        )
    if table["money_divisor"] <= 0:
        problems.append(
            Problem(path, line_of("money_divisor"), "`money_divisor` should be a positive whole number")
        )
    if problems:
        return None, problems
    values = dict(table)
    values["small_numbers"] = tuple(numbers)
    for key in ("duration_month", "duration_year"):
        values[key] = tuple(sorted(table[key].items()))
    return Style(**values), []
