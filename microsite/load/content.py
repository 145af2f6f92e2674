"""A release's text in one language: its settings (release.toml) and its Markdown sections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from microsite.load.schema import Field, check_table
from microsite.load.settings import Language
from microsite.load.tomlio import key_lines, line_of_key, line_of_table, parse_toml, read_text, read_toml
from microsite.problems import Problem

FENCE = "+++"
SNAPSHOTS = ".translated-from"  # beside a translation: each original as it was last reviewed
SECTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SECTION_FIELDS = {
    "id": Field((str,)),
    "title": Field((str,)),
    "translated_from": Field((str,), required=False),
}
SOURCE_HASH = re.compile(r"^[0-9a-f]{10}$")
RELEASE_KEYS = ("headline", "subhead", "description", "dateline_place", "distributor", "issuer", "source")
_RELEASE_FIELDS = {key: Field((str,)) for key in RELEASE_KEYS} | {
    "figures": Field((dict,)),
    "contact": Field((dict,), required=False),
    "charts": Field((dict,), required=False),
    "images": Field((dict,), required=False),
}
_IMAGE_FIELDS = {
    "file": Field((str,), required=False),  # the source language's table names the file, once
    "lead": Field((bool,), required=False),
    "section": Field((str,), required=False),
    "alt": Field((str,), required=False),
    "caption": Field((str,), required=False),
    "credit": Field((str,), required=False),
}
IMAGE_EXAMPLE = """[images.plant]
file = "plant.jpg"           # in images/, beside facts.toml
lead = true                  # the release's lead photo (or section = "industry": shown after that section)
alt = "Workers check wafers on the production line"
caption = "The new wafer plant on its first day"
credit = "Photo: the district's news office"
"""
TABLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CHART_FIELDS = {
    "title": Field((str,)),
    "baseline": Field((str,), required=False),
    "bars": Field((dict,), required=False),  # a translation may leave the labels to the source language
}
CHART_EXAMPLE = """[charts.growth]
title = "Growth in [[report_year]]"
[charts.growth.bars]
industrial_investment_growth = "Industrial investment"
"""


@dataclass(frozen=True)
class Section:
    """One section of a release in one language."""

    id: str
    title: str
    body: str
    path: Path
    body_line: int
    id_line: int
    title_line: int
    translated_from: str = ""
    translated_from_line: int | None = None


class Located:
    """A table of release.toml with the line of its header ("") and of each of its keys (`self.lines`)."""

    lines: tuple[tuple[str, int | None], ...]

    def line(self, key: str | None = "") -> int | None:
        """Return the line of one of the table's keys, or of its header."""
        lines = dict(self.lines)
        return lines.get(key) or lines.get("")


@dataclass(frozen=True)
class ChartText(Located):
    """A chart of key figures as one language declares it: its title, and a label for each fact drawn."""

    id: str
    title: str
    baseline: str  # for multipliers: the label of the reference line at 1 ("2021 = 1")
    bars: tuple[tuple[str, str], ...]  # (fact id, label), in the order drawn
    lines: tuple[tuple[str, int | None], ...]  # ("", header), ("title", …), ("baseline", …), (fact id, …)

    def texts(self) -> tuple[tuple[str, str], ...]:
        """Return every text the chart shows, by key: its title, its baseline and each bar's label (by fact id)."""
        return (("title", self.title), ("baseline", self.baseline), *self.bars)


@dataclass(frozen=True)
class TableText(Located):
    """A table of release.toml as one language typed it, checked with the other languages' later.

    [images.ID] (a photo's words, and in the source language its file and
    place) and [contact] (a contact's words, and in the source language how
    to reach it).
    """

    id: str
    fields: tuple[tuple[str, object], ...]  # as typed
    lines: tuple[tuple[str, int | None], ...]  # ("", header), then (key, line)

    def get(self, key: str, default=""):
        """Return one field as typed, or `default`."""
        return dict(self.fields).get(key, default)


@dataclass(frozen=True)
class ReleaseText:
    """A release's words in one language that are not body text, with the line of each."""

    path: Path
    headline: str
    subhead: str
    description: str
    dateline_place: str
    distributor: str
    issuer: str
    source: str
    figures: tuple[tuple[str, str], ...]  # (fact id, label), in the order shown
    figure_lines: tuple[tuple[str, int | None], ...]
    measures: tuple[tuple[str, str], ...] = ()  # (fact id, measure word shown after its value: 家, 名)
    lines: tuple[tuple[str, int | None], ...] = ()  # (key, line) of each text field
    contact: TableText | None = None  # [contact]
    charts: tuple[ChartText, ...] = ()
    images: tuple[TableText, ...] = ()  # [images.ID]

    def line(self, key: str) -> int | None:
        """Return the line where a field or a figure label was typed."""
        return dict(self.lines).get(key) or dict(self.figure_lines).get(key)


@dataclass(frozen=True)
class Edition:
    """Everything one language says: release settings and ordered sections."""

    language: Language
    release: ReleaseText
    sections: tuple[Section, ...]
    unreadable: tuple[str, ...] = ()  # file names of sections too broken to load (reported there)

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if this language has it."""
        return next((s for s in self.sections if s.id == section_id), None)


def load_edition(folder: Path, language: Language, inside: Path) -> tuple[Edition | None, list[Problem]]:
    """Load one language's folder: release.toml and its Markdown sections, in file-name order."""
    if not is_inside(folder, inside):
        return None, [outside_problem(folder)]
    release, problems = load_release_text(folder / "release.toml")
    sections, unreadable = [], []
    for path in sorted(folder.glob("*.md")):
        # Inside a folder that is inside, only a link can lead out: resolving
        # every file would cost a system call per folder on the way.
        if path.is_symlink() and not is_inside(path, inside):
            problems.append(outside_problem(path))
            continue
        section, found = load_section(path)
        problems += found
        if section is not None:
            sections.append(section)
        elif found:
            unreadable.append(path.name)
    problems += _duplicate_ids(sections)
    if release is None:
        return None, problems
    return Edition(language, release, tuple(sections), tuple(unreadable)), problems


def load_snapshot(translation: Section, inside: Path) -> str | None:
    """Return the original as it was when a translation was last reviewed, if it was kept.

    Read only for a translation found outdated (to show what changed), not
    for each of a thousand releases' sections on every build.
    """
    snapshot = translation.path.parent / SNAPSHOTS / f"{translation.id}.md"
    if not snapshot.is_file() or (snapshot.is_symlink() and not is_inside(snapshot, inside)):
        return None
    text, _problems = read_text(snapshot)  # a lost snapshot only costs the diff in a hint
    return text


def is_inside(path: Path, folder: Path) -> bool:
    """Tell whether `path`, links followed, lies inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def outside_problem(path: Path) -> Problem:
    """Return the problem of a file that is a link to somewhere outside the project."""
    hint = "Copy the file into the project instead of linking to it."
    return Problem(
        path, None, f"this is a link to {path.resolve()}, outside the project: it is not read", hint=hint
    )


def load_section(path: Path) -> tuple[Section | None, list[Problem]]:
    """Read one Markdown section: its `+++` header block, then its body."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    header, body, body_line, problems = split_front_matter(text, path)
    if header is None:
        return None, problems
    data, problems = parse_toml(header, path, first_line=2)
    if data is None:
        return None, problems
    line_of = key_lines(header, first_line=2, default=2)
    problems = check_table(data, _SECTION_FIELDS, path, line_of, "the header block")
    if problems:
        return None, problems
    if not SECTION_ID.match(data["id"]):
        message = f"section id `{data['id']}` should use only lowercase letters, digits and -"
        return None, [Problem(path, line_of("id"), message, hint='For example: id = "talent-finance".')]
    if not data["title"].strip():
        return None, [Problem(path, line_of("title"), "the section title is empty")]
    translated_from = data.get("translated_from", "")
    if translated_from and not SOURCE_HASH.match(translated_from):
        message = f"`translated_from` should be the 10-character code that `check --mark-reviewed` writes, not {translated_from!r}"
        hint = "Delete the line and run: python build.py check --mark-reviewed " + data["id"]
        return None, [Problem(path, line_of("translated_from"), message, hint=hint)]
    section = Section(
        id=data["id"],
        title=data["title"].strip(),
        body=body,
        path=path,
        body_line=body_line,
        id_line=line_of("id"),
        title_line=line_of("title"),
        translated_from=translated_from,
        translated_from_line=line_of("translated_from") if translated_from else None,
    )
    return section, []


def split_front_matter(text: str, path: Path) -> tuple[str | None, str, int, list[Problem]]:
    """Split a section file into header block text, body text and body's first line."""
    lines = text.split("\n")
    example = 'Start the file with a line +++, then id = "…" and title = "…", then a line +++.'
    if not lines or lines[0].strip() != FENCE:
        return None, "", 0, [Problem(path, 1, "this section has no header block", hint=example)]
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2, []
    message = "the header block that starts on line 1 is never closed"
    return None, "", 0, [Problem(path, 1, message, hint="Add a line +++ after the title line.")]


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
    labels, measures, bad = {}, {}, []
    for key, value in data["figures"].items():
        # A label, or { label = "…", measure = "家" } for a value shown with its measure word.
        if (
            isinstance(value, dict)
            and set(value) <= {"label", "measure"}
            and all(isinstance(v, str) for v in value.values())
        ):
            value, measure = value.get("label", ""), value.get("measure", "").strip()
            if measure:
                measures[key] = measure
        if not isinstance(value, str) or not value.strip():
            bad.append(key)
        else:
            labels[key] = value
    if bad:
        example = 'high_tech_firms = "High-tech enterprises"  or  high_tech_firms = { label = "高新技术企业", measure = "家" }'
        return None, [
            Problem(
                path,
                line_of_key(text, k, after=figures_line) or figures_line,
                f"the label of figure `{k}` should be text in quotes",
                hint=example,
            )
            for k in bad
        ]
    figure_lines = tuple(
        (k, line_of_key(text, k, after=figures_line) if figures_line else None) for k in data["figures"]
    )
    values = {key: data[key].strip() for key in RELEASE_KEYS}
    if not values["headline"]:
        return None, [
            Problem(
                path, line_of("headline"), "the headline is empty: it is the page's title and first heading"
            )
        ]
    charts, problems = _read_charts(data.get("charts", {}), text, path)
    images, found = _read_images(data.get("images", {}), text, path)
    problems += found
    if problems:
        return None, problems
    contact = None
    if "contact" in data:
        header = line_of_table(text, "contact")
        lines = (("", header), *((k, line_of_key(text, k, after=header)) for k in data["contact"]))
        contact = TableText("contact", tuple(data["contact"].items()), lines)
    release = ReleaseText(
        path=path,
        contact=contact,
        charts=charts,
        images=images,
        figures=tuple((k, v.strip()) for k, v in labels.items()),
        measures=tuple(measures.items()),
        figure_lines=figure_lines,
        lines=tuple((key, line_of(key)) for key in RELEASE_KEYS),
        **values,
    )
    return release, []


def _named_tables(
    tables: dict, kind: str, text: str, path: Path, example: str
) -> tuple[list[tuple[str, dict, int | None]], list[Problem]]:
    """Return each [KIND.ID] table with the line of its header; a problem for each that is not a table."""
    found, problems = [], []
    start = line_of_table(text, kind) or 0
    for name, table in tables.items():
        header = line_of_table(text, name, after=start or None) or line_of_key(text, name) or start
        if not isinstance(table, dict) or not TABLE_ID.match(name):
            message = f"`{name}` under [{kind}] should be a table [{kind}.{name}] named with lowercase letters, digits, _ and -"
            problems.append(Problem(path, header, message, hint=example))
        else:
            found.append((name, table, header))
    return found, problems


def _read_charts(charts: dict, text: str, path: Path) -> tuple[tuple[ChartText, ...], list[Problem]]:
    """Read [charts.ID] tables: a title, an optional baseline and [charts.ID.bars] (fact id = label)."""
    found = []
    tables, problems = _named_tables(charts, "charts", text, path, CHART_EXAMPLE)
    for chart_id, table, header in tables:
        line_of = key_lines(text, after=header, default=header)
        what = f"the chart `{chart_id}`"
        errors = check_table(table, _CHART_FIELDS, path, line_of, what)
        bars = table.get("bars", {}) if not errors else {}
        bars_line = line_of_table(text, f"{chart_id}.bars", after=header) or line_of("bars")
        bad = [fact for fact, label in bars.items() if not isinstance(label, str) or not label.strip()]
        for fact in bad:
            line = line_of_key(text, fact, after=bars_line) or bars_line
            message = f"the label of `{fact}` in {what} should be text in quotes"
            errors.append(Problem(path, line, message, hint=CHART_EXAMPLE))
        problems += errors
        if errors:
            continue
        lines = (
            ("", header),
            ("title", line_of("title")),
            ("baseline", line_of("baseline") if "baseline" in table else None),
            *((fact, line_of_key(text, fact, after=bars_line) or bars_line) for fact in bars),
        )
        found.append(
            ChartText(
                chart_id,
                table["title"].strip(),
                table.get("baseline", "").strip(),
                tuple((fact, label.strip()) for fact, label in bars.items()),
                lines,
            )
        )
    return tuple(found), problems


def _read_images(images: dict, text: str, path: Path) -> tuple[tuple[TableText, ...], list[Problem]]:
    """Read [images.ID] tables; which keys each language must give is checked with the other languages."""
    found = []
    tables, problems = _named_tables(images, "images", text, path, IMAGE_EXAMPLE)
    for image_id, table, header in tables:
        line_of = key_lines(text, after=header, default=header)
        errors = check_table(table, _IMAGE_FIELDS, path, line_of, f"the image `{image_id}`")
        problems += errors
        if not errors:
            fields = tuple((k, v.strip() if isinstance(v, str) else v) for k, v in table.items())
            lines = (("", header), *((key, line_of(key)) for key in table))
            found.append(TableText(image_id, fields, lines))
    return tuple(found), problems


def _duplicate_ids(sections: list[Section]) -> list[Problem]:
    seen: dict[str, Section] = {}
    problems = []
    for section in sections:
        first = seen.setdefault(section.id, section)
        if first is not section:
            message = f"section id `{section.id}` is already used by {first.path.name}"
            problems.append(
                Problem(section.path, section.id_line, message, hint="Each section needs its own id.")
            )
    return problems
