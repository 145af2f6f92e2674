"""Who a journalist calls: a release's media contact, or the newsroom's (content/contact.toml).

A contact's words (name, title, organization) are written in each language;
the ways to reach it (phone, e-mail, web address) are typed once, in the
source language's table, and shown in every language as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from microsite.load.schema import Field, check_table
from microsite.load.settings import Settings
from microsite.load.tomlio import key_lines, line_of_table, read_toml
from microsite.load.words import Worded, typed_once
from microsite.problems import WARNING, Problem

WORDS = ("name", "title", "organization")
MEANS = ("phone", "email", "url")
FIELDS = {key: Field((str,), False) for key in WORDS + MEANS}
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
EXAMPLE = 'name = "Li Ming", title = "Press officer", phone = "+86 29 3368 0000", email = "press@example.org"'


@dataclass(frozen=True)
class Contact(Worded):
    """A media contact: its words in each language that gives them, and how to reach it."""

    words: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (language code, ((key, text), …))
    means: tuple[tuple[str, str], ...]  # ((phone|email|url, value), …), as typed
    path: Path
    line: int | None

    def means_of(self, key: str) -> str:
        """Return the phone number, e-mail address or web address ('' when there is none)."""
        return dict(self.means).get(key, "")


def tel_uri(phone: str) -> str:
    """Return a phone number as a tel: link: the plus and the digits, nothing else."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def read_contact_table(
    table: dict, path: Path, line_of, what: str, is_source: bool
) -> tuple[dict[str, str], list[Problem]]:
    """Check one language's contact table; return its non-empty fields and every problem."""
    problems = check_table(table, FIELDS, path, line_of, what)
    if problems:
        return {}, problems
    fields = {key: value.strip() for key, value in table.items() if value.strip()}
    if not is_source:
        return fields, typed_once(MEANS, fields, path, line_of, f"in {what}", "the source language's contact")
    if "name" not in fields:
        problems.append(Problem(path, line_of(None), f"{what} has no `name`", hint=f"For example: {EXAMPLE}"))
    if not any(key in fields for key in ("phone", "email")):
        message = f"{what} gives no phone number and no e-mail address: a journalist could not reach it"
        problems.append(Problem(path, line_of(None), message, hint=f"For example: {EXAMPLE}"))
    email, phone, url = fields.get("email"), fields.get("phone"), fields.get("url")
    if email and not _EMAIL.match(email):
        message = f"`email` in {what} is not an e-mail address: {email!r}"
        problems.append(
            Problem(path, line_of("email"), message, hint='For example: email = "press@example.org"')
        )
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5):
        message = f"`phone` in {what} should hold digits, spaces, + - ( ) only: {phone!r}"
        problems.append(
            Problem(path, line_of("phone"), message, hint='For example: phone = "+86 29 3368 0000"')
        )
    if url and not re.match(r"^https?://[^\s<>\"]+$", url):
        message = f"`url` in {what} should be a web address starting with https://: {url!r}"
        problems.append(Problem(path, line_of("url"), message))
    return fields, problems


def combine(
    tables: list[tuple[str, dict[str, str], Path, int | None]], source: str, names: dict[str, str]
) -> tuple[Contact | None, list[Problem]]:
    """Make one contact of each language's checked fields; warn of words a language lacks.

    `tables` holds (language code, fields, path, line), the source language's first.
    """
    _, first, path, line = tables[0]
    means = tuple((key, first[key]) for key in MEANS if key in first)
    words = tuple(
        (code, tuple((k, v) for k, v in fields.items() if k in WORDS)) for code, fields, *_ in tables
    )
    problems = []
    given = dict(words)
    for code, language_name in names.items():
        if code == source:
            continue
        own_path, own_line = next(((p, n) for c, _, p, n in tables if c == code), (path, line))
        missing = [key for key in WORDS if key in first and key not in dict(given.get(code, ()))]
        if missing:
            fields = ", ".join(f"`{key}`" for key in missing)
            message = (
                f"the media contact's {fields} in {language_name} is missing: the {names[source]} is shown"
            )
            hint = "A person's name stays as it is unless its form in this language is confirmed."
            problems.append(Problem(own_path, own_line, message, WARNING, hint, kind="missing-translation"))
    return Contact(words, means, path, line), problems


def load_newsroom_contact(path: Path, settings: Settings) -> tuple[Contact | None, list[Problem]]:
    """Load content/contact.toml if there is one: a table per language, [en] first holding phone and e-mail."""
    if not path.exists():
        return None, []
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    source = settings.source.code
    codes = [language.code for language in settings.languages]
    tables, problems = [], []
    for key, table in data.items():
        header = line_of_table(text, key)
        if key not in codes or not isinstance(table, dict):
            message = (
                f"`{key}` is not a language of site.toml: content/contact.toml holds a table per language"
            )
            hint = f"Write [{source}] with name, phone and email, then [{codes[-1]}] with the name in that language."
            problems.append(Problem(path, header or key_lines(text)(key), message, hint=hint))
            continue
        line_of = key_lines(text, after=header, default=header)
        fields, found = read_contact_table(table, path, line_of, f"[{key}]", key == source)
        problems += found
        tables.append((key, fields, path, header))
    if not any(code == source for code, *_ in tables) and not problems:
        message = (
            f"the newsroom's contact has no [{source}] table (the source language's, with phone and email)"
        )
        problems.append(Problem(path, 1, message, hint=f"For example: [{source}] {EXAMPLE}"))
    if problems:
        return None, problems
    tables.sort(key=lambda t: codes.index(t[0]))
    names = {language.code: language.name for language in settings.languages}
    return combine(tables, source, names)
