"""Each issuing organisation's "About" paragraph, kept once in each language (content/issuers.toml).

A release names its issuer in release.toml; the paragraph about that issuer
closes the release on its page and in the wire copy, as a press release's
boilerplate does. The file is optional: a release whose issuer has no entry
simply has no such paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from microsite.load.schema import Field, check_table
from microsite.load.settings import Settings
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, read_toml
from microsite.problems import WARNING, Problem


@dataclass(frozen=True)
class Issuer:
    """An issuing organisation: its name as the source language writes it, and its paragraph per language."""

    key: str
    name: str
    about: tuple[tuple[str, str], ...]
    path: Path
    line: int | None

    def paragraph(self, code: str) -> str:
        """Return the paragraph in that language ('' when it has none)."""
        return dict(self.about).get(code, "")


def load_issuers(path: Path, settings: Settings) -> tuple[tuple[Issuer, ...], list[Problem]]:
    """Load content/issuers.toml if there is one; return its issuers and every problem found."""
    if not path.exists():
        return (), []
    data, text, problems = read_toml(path)
    if data is None:
        return (), problems
    codes = [language.code for language in settings.languages]
    source = settings.source.code
    fields = {"name": Field((str,))} | {code: Field((str,), code == source) for code in codes}
    issuers: list[Issuer] = []
    named: dict[str, str] = {}
    for key, table in data.items():
        header = line_of_table(text, key)
        if not isinstance(table, dict):
            message = f"`{key}` should be a table [{key}] with the issuer's name and a paragraph per language"
            problems.append(Problem(path, header or line_of_key(text, key), message))
            continue
        line_of = key_lines(text, after=header, default=header)
        found = check_table(table, fields, path, line_of, f"issuer `{key}`")
        name = table.get("name", "").strip() if not found else ""
        if not found and not name:
            found = [Problem(path, line_of("name"), f"issuer `{key}` has no name")]
        if not found and not table[source].strip():
            found = [Problem(path, line_of(source), f"issuer `{key}` has no {source} paragraph")]
        if not found and name in named:
            message = f"issuer `{key}` has the name of issuer `{named[name]}`: which paragraph is meant?"
            found = [Problem(path, line_of("name"), message)]
        problems += found
        if found:
            continue
        named[name] = key
        about = tuple((code, table.get(code, "").strip()) for code in codes)
        issuers.append(Issuer(key, name, about, path, header))
        for language in settings.languages[1:]:
            if not dict(about)[language.code]:
                message = (
                    f'the {language.name} "About" paragraph of issuer `{key}` is missing: '
                    f"the {settings.source.name} one is shown"
                )
                hint = f'Add {language.code} = "…" under [{key}].'
                problems.append(Problem(path, header, message, WARNING, hint, kind="missing-translation"))
    return tuple(issuers), problems


def issuer_named(issuers: tuple[Issuer, ...], name: str) -> Issuer | None:
    """Return the issuer a release names (in the source language), if the file has it."""
    return next((issuer for issuer in issuers if issuer.name == name.strip()), None)
