"""Proper names in each language, and in which languages each form is confirmed.

The site's names (content/glossary.toml) hold for every release; a release may
add its own (content/releases/SLUG/glossary.toml).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from microsite.load.schema import Field, check_table, suggest
from microsite.load.settings import Settings
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.problems import NOTICE, Problem

KINDS = ("place", "organisation", "company", "person", "programme", "publication", "term")
# Inventing these is the mistake that embarrasses a publisher most.
NEVER_GUESS = ("company", "person")


@dataclass(frozen=True)
class Name:
    """A proper name, its form in each language, and the languages whose form is confirmed."""

    key: str
    kind: str
    forms: tuple[tuple[str, str], ...]
    verified: tuple[str, ...]
    source: str
    note: str
    path: Path
    line: int | None

    def form(self, language_code: str) -> str:
        """Return the name as written in that language ('' when not known)."""
        return dict(self.forms).get(language_code, "")

    def shown(self, language_code: str, source_code: str) -> str:
        """Return the form a text in that language uses: its own, or the source language's."""
        return self.form(language_code) or self.form(source_code)


def load_glossary(
    path: Path, settings: Settings, required: bool = True
) -> tuple[tuple[Name, ...], list[Problem]]:
    """Load a glossary; return its names and every problem found.

    A release's own glossary is optional (`required=False`); the site's is not.
    """
    if not required and not path.exists():
        return (), []
    data, text, problems = read_toml(path)
    if data is None:
        return (), problems
    codes = [language.code for language in settings.languages]
    fields = {
        "kind": Field((str,)),
        "verified": Field((list,)),
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
        found = _old_verified(table, codes, path, line_of, key) or check_table(
            table, fields, path, line_of, f"name `{key}`"
        )
        if not found:
            found = _check_name(key, table, codes, path, line_of)
        problems += found
        if not found:
            forms = tuple((code, table.get(code, "").strip()) for code in codes)
            verified = tuple(code for code in codes[1:] if code in table["verified"])
            names.append(
                Name(
                    key,
                    table["kind"],
                    forms,
                    verified,
                    table.get("source", ""),
                    table.get("note", ""),
                    path,
                    header,
                )
            )
    return tuple(names), problems


def _old_verified(table: dict, codes: list[str], path: Path, line_of, key: str) -> list[Problem]:
    # `verified = true` was one flag for every language: a third language
    # would have had to un-confirm the others.
    if not isinstance(table.get("verified"), bool):
        return []
    confirmed = [c for c in codes[1:] if table.get(c, "").strip()] if table["verified"] else []
    example = "verified = [" + ", ".join(f'"{c}"' for c in confirmed) + "]"
    message = f"name `{key}`: `verified` now lists the languages whose form is confirmed"
    return [Problem(path, line_of("verified"), message, hint=f"Write: {example}")]


def _check_name(key, table, codes, path, line_of) -> list[Problem]:
    what = f"name `{key}`"
    if table["kind"] not in KINDS:
        hint = suggest(table["kind"], KINDS) or f"Kinds: {', '.join(KINDS)}."
        return [Problem(path, line_of("kind"), f"{what} has an unknown kind `{table['kind']}`", hint=hint)]
    if not table[codes[0]].strip():
        return [Problem(path, line_of(codes[0]), f"{what} has no {codes[0]} form")]
    problems = []
    for code in table["verified"]:
        if code not in codes[1:]:
            hint = (
                suggest(str(code), codes[1:])
                or f"List language codes of translations: {', '.join(codes[1:])}."
            )
            problems.append(
                Problem(
                    path,
                    line_of("verified"),
                    f"{what}: `verified` names {code!r}, which is no translation",
                    hint=hint,
                )
            )
        elif not table.get(code, "").strip():
            hint = f"Add the confirmed {code} form, or take {code!r} out of `verified`."
            problems.append(
                Problem(
                    path,
                    line_of("verified"),
                    f"{what} is confirmed in {code} but has no {code} form",
                    hint=hint,
                )
            )
    if table["verified"] and not table.get("source", "").strip():
        hint = 'Add source = "…" naming the reliable source.'
        problems.append(
            Problem(path, line_of("verified"), f"{what} is confirmed but does not say where", hint=hint)
        )
    return problems


def merge_glossaries(
    shared: tuple[Name, ...], own: tuple[Name, ...]
) -> tuple[tuple[Name, ...], list[Problem]]:
    """Return a release's names: the site's and its own; a name given twice is reported."""
    known = {name.key: name for name in shared}
    problems = []
    for name in own:
        if name.key in known:
            other = known[name.key]
            message = f"the name `{name.key}` is already in {other.path.name} (line {other.line}): a release cannot redefine it"
            hint = "Give it another key, or change the site's glossary."
            problems.append(Problem(name.path, name.line, message, hint=hint))
    return shared + tuple(n for n in own if n.key not in known), problems


def unverified_notices(names: tuple[Name, ...], settings: Settings) -> list[Problem]:
    """List each name whose translated forms staff still have to confirm."""
    notices = []
    source = settings.source.code
    for name in names:
        waiting = [code for code, _ in name.forms[1:] if code not in name.verified]
        if not waiting:
            continue
        shown = [
            f"{code}: {name.form(code) or '(none; the ' + source + ' form is used)'}" for code in waiting
        ]
        guess = " A person's or company's name must never be guessed." if name.kind in NEVER_GUESS else ""
        message = f"unverified name: {name.form(source)} ({name.kind}); {'; '.join(shown)}"
        notices.append(
            Problem(
                name.path,
                name.line,
                message,
                NOTICE,
                hint=(name.note + guess).strip(),
                kind="unverified-name",
            )
        )
    return notices
