"""A release: its facts and its text in every language, from one folder."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from microsite.load.contacts import Contact, combine, read_contact_table
from microsite.load.content import Edition, is_inside, load_edition, outside_problem
from microsite.load.facts import Fact, load_facts
from microsite.load.glossary import Name, load_glossary, merge_glossaries
from microsite.load.pictures import Photo, load_photos
from microsite.load.schema import Field, check_table
from microsite.load.settings import Settings
from microsite.load.tomlio import key_lines, read_toml
from microsite.problems import Problem

MORE_RELEASES = "releases"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Schedule:
    """When a release goes public, and until when it is embargoed."""

    path: Path
    published: datetime.datetime
    embargo: datetime.datetime | None
    published_line: int | None
    embargo_line: int | None = None

    def embargoed(self, now: datetime.datetime) -> bool:
        """Tell whether the release may not yet be published at `now`."""
        return self.embargo is not None and now < self.embargo


def load_schedule(path: Path) -> tuple[Schedule | None, list[Problem]]:
    """Load a release's schedule.toml: its publication moment and embargo."""
    data, text, problems = read_toml(path)
    if data is None:
        if problems and problems[0].message == "this file is missing":
            problems = [
                Problem(
                    path,
                    None,
                    "this release has no schedule.toml saying when it is published",
                    hint="Add a file schedule.toml with a line such as: published = 2023-03-24T09:00:00+08:00",
                )
            ]
        return None, problems

    line_of = key_lines(text)

    fields = {"published": Field((datetime.datetime,)), "embargo": Field((datetime.datetime,), False)}
    problems = check_table(data, fields, path, line_of, "the schedule")
    for key in ("published", "embargo"):
        value = data.get(key)
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            problems.append(
                Problem(
                    path,
                    line_of(key),
                    f"`{key}` needs its time zone, such as {value.isoformat()}+08:00 for Beijing time",
                )
            )
    if problems:
        return None, problems
    return Schedule(
        path,
        data["published"],
        data.get("embargo"),
        line_of("published"),
        line_of("embargo") if "embargo" in data else None,
    ), []


@dataclass(frozen=True)
class Release:
    """One release. The main one (slug '') lives in content/ itself and is
    published at /LANG/; others live in content/releases/SLUG/ and are
    published at /LANG/SLUG/."""

    slug: str
    folder: Path
    facts: tuple[tuple[str, Fact], ...]
    editions: tuple[Edition, ...]
    schedule: Schedule
    names: tuple[Name, ...] = ()  # the site's glossary and the release's own
    broken_facts: frozenset[str] = frozenset()  # in facts.toml but unreadable (reported there)
    contact: Contact | None = None  # the release's own media contact ([contact] in release.toml)
    photos: tuple[Photo, ...] = ()  # its photos ([images] in release.toml, files in images/)

    @property
    def fact_map(self) -> dict[str, Fact]:
        """Return the release's facts by id (made once; do not change it)."""
        found = self.__dict__.get("_fact_map")
        if found is None:
            found = dict(self.facts)
            object.__setattr__(self, "_fact_map", found)
        return found

    @property
    def source(self) -> Edition:
        """Return the edition in the source language."""
        return self.editions[0]

    def edition(self, code: str) -> Edition | None:
        """Return the release's text in one language, if it has it."""
        return next((e for e in self.editions if e.language.code == code), None)

    def page_path(self, code: str) -> str:
        """Return the output path of the release's page in one language."""
        return f"{code}/{self.slug}/index.html" if self.slug else f"{code}/index.html"

    def reference(self, section_id: str) -> str:
        """Return how the command line names a section of this release: ID, or SLUG/ID."""
        return f"{self.slug}/{section_id}" if self.slug else section_id


def release_folders(content: Path) -> list[tuple[str, Path]]:
    """Return (slug, folder) of the main release and of each further release."""
    folders = [("", content)]
    more = content / MORE_RELEASES
    if more.is_dir():
        folders += [(p.name, p) for p in sorted(more.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    return folders


def load_release(
    slug: str, folder: Path, settings: Settings, shared: tuple[Name, ...], inside: Path
) -> tuple[Release | None, list[Problem]]:
    """Load a release folder: facts, schedule, its own names and one folder per language.

    `inside` is the project folder: files that link out of it are not read.
    """
    if slug and not SLUG.match(slug):
        message = f"the release folder name `{slug}` becomes a web address: use only lowercase letters, digits and -"
        return None, [Problem(folder, None, message)]
    if not is_inside(folder, inside):
        return None, [outside_problem(folder)]
    if slug and folder.is_symlink():
        target = folder.resolve()
        if folder.parent.parent.resolve().is_relative_to(target):  # content/ or a folder holding it
            message = f"the release folder `{slug}` is a link to {target.name}/, which holds the main release"
            hint = "A further release is a folder of its own, with its facts.toml, schedule.toml and a folder per language."
            return None, [Problem(folder, None, message, hint=hint)]
    facts, problems, broken = load_facts(folder / "facts.toml", settings.currency)
    schedule, found = load_schedule(folder / "schedule.toml")
    problems += found
    names = shared
    if slug:
        own, found = load_glossary(folder / "glossary.toml", settings, required=False)
        names, merged = merge_glossaries(shared, own)
        problems += found + merged
    editions = []
    for language in settings.languages:
        language_folder = folder / language.code
        if not language_folder.is_dir():
            hint = f"Create {language.code}/ beside facts.toml, with a release.toml and its sections."
            problems.append(
                Problem(language_folder, None, f"the folder for {language.name} is missing", hint=hint)
            )
            continue
        edition, found = load_edition(language_folder, language, inside)
        problems += found
        if edition is not None:
            editions.append(edition)
    if len(editions) != len(settings.languages) or schedule is None:
        return None, problems
    contact, found = release_contact(editions, settings)
    problems += found
    photos, found = load_photos(folder, editions, settings, inside)
    problems += found
    release = Release(
        slug, folder, tuple(sorted(facts.items())), tuple(editions), schedule, names, broken, contact, photos
    )
    return release, problems


def release_contact(editions: list[Edition], settings: Settings) -> tuple[Contact | None, list[Problem]]:
    """Check each language's [contact] table and make the release's contact of them (None if it has none)."""
    tables, problems = [], []
    source = settings.source.code
    for edition in editions:
        text, code = edition.release, edition.language.code
        if text.contact is None:
            continue
        table = text.contact
        fields, found = read_contact_table(
            dict(table.fields), text.path, table.line, "[contact]", code == source
        )
        problems += found
        tables.append((code, fields, text.path, table.line()))
    if tables and tables[0][0] != source:
        code, _, path, line = tables[0]
        message = (
            f"this [contact] translates a contact that the {settings.source.name} release.toml does not have"
        )
        hint = f"Add the [contact] table, with phone and email, to {source}/release.toml first."
        problems.append(Problem(path, line, message, hint=hint))
    if not tables or problems:
        return None, problems
    names = {language.code: language.name for language in settings.languages}
    return combine(tables, source, names)
