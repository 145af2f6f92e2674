"""The build: load, validate, render, write, each stage once, in that order."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .catalogs import Catalog, check_template_catalog, load_catalog, template_messages
from .content import Edition, load_edition
from .facts import Fact, load_facts
from .glossary import Name, load_glossary, unverified_notices
from .markup import check_fact_refs
from .output import write_site
from .problems import WARNING, ContentError, Problem, errors_in
from .project import Project
from .render import Page, make_environment, render_front_door, render_language
from .schema import suggest
from .settings import Settings, load_settings


@dataclass(frozen=True)
class SiteContent:
    """Everything the build read, checked for syntax: the input of rendering."""

    settings: Settings
    facts: dict[str, Fact]
    glossary: tuple[Name, ...]
    editions: tuple[Edition, ...]
    catalogs: dict[str, Catalog]
    messages: dict


@dataclass(frozen=True)
class BuildResult:
    """What a build produced and what it found worth saying."""

    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]
    seconds: float


def build_site(project: Project, out: Path | None = None) -> BuildResult:
    """Build the whole site into `out` (default site/), or raise ContentError."""
    started = time.perf_counter()
    content, problems = load_site(project)
    problems += validate_site(content, project)
    if errors_in(problems):
        raise ContentError(problems)
    pages = render_site(content, project)
    write_site(pages, project.assets, out or project.site)
    return BuildResult(tuple(pages), tuple(problems), time.perf_counter() - started)


def load_site(project: Project) -> tuple[SiteContent, list[Problem]]:
    """Read settings, facts, glossary, every language's text and catalogs."""
    settings = load_settings(project.content / "site.toml")
    facts, problems = load_facts(project.content / "facts.toml")
    glossary, found = load_glossary(project.content / "glossary.toml", settings)
    problems += found
    editions = []
    for language in settings.languages:
        folder = project.content / language.code
        if not folder.is_dir():
            problems.append(Problem(folder, None, f"the folder for {language.name} is missing", hint=f"Create content/{language.code}/ with a release.toml and its sections."))
            continue
        edition, found = load_edition(folder, language)
        problems += found
        if edition is not None:
            editions.append(edition)
    messages = template_messages(project.templates) if project.templates.is_dir() else {}
    catalogs = {}
    for language in settings.languages:
        catalog, found = load_catalog(project.locales, language, messages, language == settings.source)
        problems += found
        if catalog is not None:
            catalogs[language.code] = catalog
    if errors_in(problems):
        raise ContentError(problems)
    return SiteContent(settings, facts, glossary, tuple(editions), catalogs, messages), problems


def validate_site(content: SiteContent, project: Project) -> list[Problem]:
    """Check what one file cannot check alone: references, coverage, catalogs."""
    problems = _check_release_date(content.facts, project.content / "facts.toml")
    source = content.editions[0]
    for edition in content.editions:
        for section in edition.sections:
            problems += check_fact_refs(section, content.facts)
        problems += _check_figures(edition, source, content.facts)
        if edition is not source:
            problems += _check_coverage(edition, source)
    problems += check_template_catalog(project.locales / "messages.pot", content.messages)
    problems += unverified_notices(content.glossary, content.settings, project.content / "glossary.toml")
    return problems


def render_site(content: SiteContent, project: Project) -> list[Page]:
    """Render every page in memory; nothing is written here."""
    envs = {code: make_environment(project.templates, catalog) for code, catalog in content.catalogs.items()}
    source = content.editions[0]
    pages = [render_front_door(list(content.editions), envs, content.settings)]
    for edition in content.editions:
        pages.append(render_language(edition, source, content.facts, content.settings, envs[edition.language.code]))
    return pages


def _check_release_date(facts: dict[str, Fact], path: Path) -> list[Problem]:
    fact = facts.get("release_date")
    if fact is None or fact.type != "date":
        return [Problem(path, fact.line if fact else None, "the facts need a `release_date` of type \"date\": the dateline shows it", hint="[release_date]\ntype = \"date\"\nvalue = 2023-03-24")]
    return []


def _check_figures(edition: Edition, source: Edition, facts: dict[str, Fact]) -> list[Problem]:
    release = edition.release
    problems = []
    source_ids = dict(source.release.figures)
    for fact_id, line in release.figure_lines:
        if fact_id not in facts:
            problems.append(Problem(release.path, line, f"unknown fact `{fact_id}` in [figures]", hint=suggest(fact_id, facts)))
        elif edition is not source and fact_id not in source_ids:
            problems.append(Problem(release.path, line, f"figure `{fact_id}` is not in the {source.language.name} key figures, so it is not shown", WARNING))
    if edition is not source:
        labels = dict(release.figures)
        for fact_id, _label in source.release.figures:
            if fact_id not in labels:
                problems.append(Problem(release.path, None, f"no {edition.language.name} label for the key figure `{fact_id}`: the {source.language.name} label is shown", WARNING))
    return problems


def _check_coverage(edition: Edition, source: Edition) -> list[Problem]:
    problems = []
    for section in source.sections:
        if edition.section(section.id) is None:
            problems.append(Problem(section.path, section.id_line, f"section `{section.id}` has no {edition.language.name} translation: the {source.language.name} text is shown with a notice", WARNING, hint=f"Add content/{edition.language.code}/{section.path.name} with id = \"{section.id}\"."))
    for section in edition.sections:
        if source.section(section.id) is None:
            hint = suggest(section.id, [s.id for s in source.sections]) or f"Every translated section needs a {source.language.name} original with the same id."
            problems.append(Problem(section.path, section.id_line, f"section id `{section.id}` matches no {source.language.name} section", hint=hint))
    return problems
