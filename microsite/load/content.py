"""The release's text in each language: its settings and its sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from microsite.cache import BuildCache, cached_hash
from microsite.load.schema import Field, check_table
from microsite.load.settings import Language
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, parse_toml, read_toml
from microsite.problems import Problem

FENCE = "+++"
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
SECTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SECTION_FIELDS = {
    "id": Field((str,)),
    "title": Field((str,)),
    "translated_from": Field((str,), required=False),
}
SOURCE_HASH = re.compile(r"^[0-9a-f]{10}$")
RELEASE_KEYS = ("headline", "subhead", "description", "dateline_place", "distributor", "issuer", "source")
_RELEASE_FIELDS = {key: Field((str,)) for key in RELEASE_KEYS} | {"figures": Field((dict,))}


@cached_hash
@dataclass(frozen=True)
class Section:
    """One section of the release in one language."""

    id: str
    title: str
    body: str
    path: Path
    body_line: int
    id_line: int
    translated_from: str = ""
    translated_from_line: int | None = None


@cached_hash
@dataclass(frozen=True)
class ReleaseText:
    """The release's words in one language that are not body text."""

    path: Path
    headline: str
    subhead: str
    description: str
    dateline_place: str
    distributor: str
    issuer: str
    source: str
    figures: tuple[tuple[str, str], ...]
    figure_lines: tuple[tuple[str, int | None], ...]


@cached_hash
@dataclass(frozen=True)
class Edition:
    """Everything one language says: release settings and ordered sections."""

    language: Language
    release: ReleaseText
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if this language has it."""
        return next((s for s in self.sections if s.id == section_id), None)


def load_edition(folder: Path, language: Language, cache: BuildCache) -> tuple[Edition | None, list[Problem]]:
    """Load one language's folder: release.toml and its Markdown sections."""
    release, problems = cache.load(folder / "release.toml", load_release_text)
    problems = list(problems)
    sections = []
    for path in sorted(folder.glob("*.md")):
        section, found = cache.load(path, load_section)
        problems += found
        if section is not None:
            sections.append(section)
    problems += _duplicate_ids(sections)
    if release is None:
        return None, problems
    return Edition(language, release, tuple(sections)), problems


def load_section(path: Path) -> tuple[Section | None, list[Problem]]:
    """Read one Markdown section: its `+++` header block, then its body."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return None, [
            Problem(
                path,
                None,
                f"this file is not UTF-8 text ({err.reason})",
                hint="Save it as UTF-8 in your editor.",
            )
        ]
    header, body, body_line, problems = split_front_matter(text, path)
    if header is None:
        return None, problems
    data, problems = parse_toml(header, path, first_line=2)
    if data is None:
        return None, problems

    line_of = key_lines(header, first_line=2)

    problems = check_table(data, _SECTION_FIELDS, path, line_of, "the header block")
    if problems:
        return None, problems
    if not SECTION_ID.match(data["id"]):
        return None, [
            Problem(
                path,
                line_of("id"),
                f"section id `{data['id']}` should use only lowercase letters, digits and -",
                hint='For example: id = "talent-finance".',
            )
        ]
    if not data["title"].strip():
        return None, [Problem(path, line_of("title"), "the section title is empty")]
    translated_from = data.get("translated_from", "")
    if translated_from and not SOURCE_HASH.match(translated_from):
        return None, [
            Problem(
                path,
                line_of("translated_from"),
                f"`translated_from` should be the 10-character code that `python build.py check --mark-reviewed {data['id']}` writes, not {translated_from!r}",
            )
        ]
    line = line_of("translated_from") if translated_from else None
    return Section(
        data["id"], data["title"].strip(), body, path, body_line, line_of("id"), translated_from, line
    ), []


def split_front_matter(text: str, path: Path) -> tuple[str | None, str, int, list[Problem]]:
    """Split a section file into header block text, body text and body's first line."""
    lines = text.lstrip("\ufeff").split("\n")
    example = 'Start the file with a line +++, then id = "…" and title = "…", then a line +++.'
    if not lines or lines[0].strip() != FENCE:
        return None, "", 0, [Problem(path, 1, "this section has no header block", hint=example)]
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            header = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return header, body, index + 2, []
    return (
        None,
        "",
        0,
        [
            Problem(
                path,
                1,
                "the header block that starts on line 1 is never closed",
                hint="Add a line +++ after the title line.",
            )
        ],
    )


def load_release_text(path: Path) -> tuple[ReleaseText | None, list[Problem]]:
    """Load a language's release.toml: headline, dateline, figure labels, …"""
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems

    line_of = key_lines(text)

    problems = check_table(data, _RELEASE_FIELDS, path, line_of, "the release settings")
    if problems:
        return None, problems
    figures_line = line_of_table(text, "figures")
    labels = data["figures"]
    bad = [k for k, v in labels.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        return None, [
            Problem(
                path,
                line_of_key(text, k, after=figures_line) or figures_line,
                f"the label of figure `{k}` should be text in quotes",
            )
            for k in bad
        ]
    lines = tuple((k, line_of_key(text, k, after=figures_line) if figures_line else None) for k in labels)
    values = {key: data[key].strip() for key in RELEASE_KEYS}
    return ReleaseText(path=path, figures=tuple(labels.items()), figure_lines=lines, **values), []


def _duplicate_ids(sections: list[Section]) -> list[Problem]:
    seen: dict[str, Section] = {}
    problems = []
    for section in sections:
        first = seen.setdefault(section.id, section)
        if first is not section:
            problems.append(
                Problem(
                    section.path,
                    section.id_line,
                    f"section id `{section.id}` is already used by {first.path.name}",
                    hint="Each section needs its own id.",
                )
            )
    return problems


def typeset_release(release: ReleaseText, typography: str) -> ReleaseText:
    """Return the release text with typographic apostrophes where the language uses them."""
    if typography != "latin":
        return release
    # The body gets this from Markdown's smarty; the headline and other settings
    # are plain text, so "China's" would otherwise keep a typewriter apostrophe.
    fields = {key: _APOSTROPHE.sub("\u2019", getattr(release, key)) for key in RELEASE_KEYS}
    return replace(release, **fields)
