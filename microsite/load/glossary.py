"""Proper names of the release in each language, and which are confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from microsite.load.schema import Field, check_table
from microsite.load.settings import Settings
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.problems import NOTICE, Problem

KINDS = ("place", "organisation", "company", "person", "programme", "publication")
# Inventing these is the mistake that embarrasses a publisher most.
NEVER_GUESS = ("company", "person")


@dataclass(frozen=True)
class Name:
    """A proper name and its form in each language."""

    key: str
    kind: str
    forms: tuple[tuple[str, str], ...]
    verified: bool
    source: str
    note: str
    line: int | None

    def form(self, language_code: str) -> str:
        """Return the name as written in that language ('' when not known)."""
        return dict(self.forms).get(language_code, "")


def load_glossary(path: Path, settings: Settings) -> tuple[tuple[Name, ...], list[Problem]]:
    """Load the glossary; return its names and every problem found."""
    data, text, problems = read_toml(path)
    if data is None:
        return (), problems
    codes = [language.code for language in settings.languages]
    fields = {
        "kind": Field((str,)),
        "verified": Field((bool,)),
        "source": Field((str,), False),
        "note": Field((str,), False),
    }
    fields |= {code: Field((str,), code == settings.source.code) for code in codes}
    names = []
    for key, table in data.items():
        header = line_of_table(text, key)
        if not isinstance(table, dict):
            problems.append(
                Problem(path, header or line_of_key(text, key), f"`{key}` should be a table [{key}]")
            )
            continue

        line_of = key_lines(text, after=header, default=header)

        found = check_table(table, fields, path, line_of, f"name `{key}`")
        if not found:
            found = _check_name(key, table, codes, path, line_of)
        problems += found
        if not found:
            forms = tuple((code, table.get(code, "").strip()) for code in codes)
            names.append(
                Name(
                    key,
                    table["kind"],
                    forms,
                    table["verified"],
                    table.get("source", ""),
                    table.get("note", ""),
                    header,
                )
            )
    return tuple(names), problems


def _check_name(key, table, codes, path, line_of) -> list[Problem]:
    what = f"name `{key}`"
    if table["kind"] not in KINDS:
        return [
            Problem(
                path,
                line_of("kind"),
                f"{what} has an unknown kind `{table['kind']}`",
                hint=f"Kinds: {', '.join(KINDS)}.",
            )
        ]
    if not table[codes[0]].strip():
        return [Problem(path, line_of(codes[0]), f"{what} has no {codes[0]} form")]
    if table["verified"]:
        missing = [c for c in codes[1:] if not table.get(c, "").strip()]
        if missing:
            return [
                Problem(
                    path,
                    line_of("verified"),
                    f"{what} is marked verified but has no {missing[0]} form",
                    hint="Add the confirmed form, or set verified = false.",
                )
            ]
        if not table.get("source", "").strip():
            return [
                Problem(
                    path,
                    line_of("verified"),
                    f"{what} is marked verified but does not say where it was confirmed",
                    hint='Add source = "…" naming the reliable source.',
                )
            ]
    return []


def unverified_notices(names: tuple[Name, ...], settings: Settings, path: Path) -> list[Problem]:
    """List each name whose translated form staff still have to confirm."""
    notices = []
    for name in names:
        if name.verified:
            continue
        shown = [
            f"{code}: {name.form(code) or '(none; the ' + settings.source.code + ' form is used)'}"
            for code, _ in name.forms[1:]
        ]
        guess = " A person's or company's name must never be guessed." if name.kind in NEVER_GUESS else ""
        notices.append(
            Problem(
                path,
                name.line,
                f"unverified name: {name.form(settings.source.code)} ({name.kind}); {'; '.join(shown)}",
                NOTICE,
                hint=(name.note + guess).strip(),
                kind="unverified-name",
            )
        )
    return notices
