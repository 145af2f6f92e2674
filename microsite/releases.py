"""A release: its facts and its text in every language, from one folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .cache import BuildCache, cached_hash
from .content import Edition, load_edition
from .facts import Fact, load_facts
from .problems import Problem
from .settings import Settings

MORE_RELEASES = "releases"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@cached_hash
@dataclass(frozen=True)
class Release:
    """One release. The main one (slug '') lives in content/ itself and is
    published at /LANG/; others live in content/releases/SLUG/ and are
    published at /LANG/SLUG/."""

    slug: str
    folder: Path
    facts: tuple[tuple[str, Fact], ...]
    editions: tuple[Edition, ...]

    @property
    def fact_map(self) -> dict[str, Fact]:
        """Return the release's facts by id."""
        return dict(self.facts)

    def edition(self, code: str) -> Edition | None:
        """Return the release's text in one language, if it has it."""
        return next((e for e in self.editions if e.language.code == code), None)

    def page_path(self, code: str) -> str:
        """Return the output path of the release's page in one language."""
        return f"{code}/{self.slug}/index.html" if self.slug else f"{code}/index.html"


def release_folders(content: Path) -> list[tuple[str, Path]]:
    """Return (slug, folder) of the main release and of each further release."""
    folders = [("", content)]
    more = content / MORE_RELEASES
    if more.is_dir():
        folders += [(p.name, p) for p in sorted(more.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    return folders


def load_release(slug: str, folder: Path, settings: Settings, cache: BuildCache) -> tuple[Release | None, list[Problem]]:
    """Load a release folder: facts.toml and one folder per language."""
    if slug and not SLUG.match(slug):
        return None, [Problem(folder, None, f"the release folder name `{slug}` becomes a web address: use only lowercase letters, digits and -")]
    facts, problems = cache.load(folder / "facts.toml", load_facts)
    problems = list(problems)
    editions = []
    for language in settings.languages:
        language_folder = folder / language.code
        if not language_folder.is_dir():
            problems.append(Problem(language_folder, None, f"the folder for {language.name} is missing", hint=f"Create {language.code}/ beside facts.toml, with a release.toml and its sections."))
            continue
        edition, found = load_edition(language_folder, language, cache)
        problems += found
        if edition is not None:
            editions.append(edition)
    if len(editions) != len(settings.languages):
        return None, problems
    return Release(slug, folder, tuple(sorted(facts.items())), tuple(editions)), problems
