"""The build: load, validate, render, write, each stage once, in that order."""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from microsite.analyse.markup import check_fact_refs
from microsite.cache import BuildCache, file_signature
from microsite.check import run_checks
from microsite.check.translations import check_translation_state
from microsite.load.assets import AssetSet, load_assets
from microsite.load.catalogs import Catalog, check_template_catalog, load_catalog, template_messages
from microsite.load.content import Edition
from microsite.load.facts import Fact
from microsite.load.glossary import Name, load_glossary, unverified_notices
from microsite.load.releases import Release, load_release, release_folders
from microsite.load.schema import suggest
from microsite.load.settings import Settings, load_settings, with_base_url
from microsite.problems import WARNING, ContentError, Problem, errors_in
from microsite.project import Project
from microsite.render.feeds import render_feed
from microsite.render.metadata import iso
from microsite.render.pages import Converters, RenderOptions, render_pages
from microsite.render.sitemap import render_robots, render_sitemap
from microsite.write.compress import compressed_copies
from microsite.write.output import Page, update_site, write_site


@dataclass(frozen=True)
class SiteContent:
    """Everything the build read, checked for syntax: the input of rendering."""

    settings: Settings
    glossary: tuple[Name, ...]
    releases: tuple[Release, ...]
    catalogs: dict[str, Catalog]
    messages: dict
    templates_key: tuple
    assets: AssetSet


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asked of this build."""

    preview: bool = False  # show embargoed releases, marked and kept out of search engines
    compress: bool = False  # write .gz and .br beside each text file
    base_url: str | None = None  # publish at another address than site.toml says
    now: datetime.datetime | None = (
        None  # when embargoes are judged (default: SOURCE_DATE_EPOCH, else the clock)
    )


def build_time(options: BuildOptions) -> datetime.datetime:
    """Return 'now' for embargo decisions: SOURCE_DATE_EPOCH when set, for reproducible builds."""
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced and what it found worth saying."""

    content: SiteContent
    pages: tuple[Page, ...]
    rendered: tuple[str, ...]
    written: tuple[str, ...]
    problems: tuple[Problem, ...]
    seconds: float


def build_site(
    project: Project,
    out: Path | None = None,
    cache: BuildCache | None = None,
    options: BuildOptions = BuildOptions(),
) -> BuildResult:
    """Build the whole site into `out` (default site/), or raise ContentError.

    With a cache kept from an earlier build into the same folder, only changed
    files are re-read, only affected pages re-rendered and only changed files
    rewritten; the result is the same as a full build.
    """
    started = time.perf_counter()
    cache = cache or BuildCache()
    out = out or project.site
    content, pages, rendered, problems = assemble_site(project, cache, options)
    if options.compress:
        pages += compressed_copies(pages, cache)
    pages.sort(key=lambda page: page.path)
    if cache.written and out.is_dir():
        written = update_site(pages, out, cache.written)
    else:
        write_site(pages, out)
        written = [page.path for page in pages]
    cache.written = {page.path: page.content for page in pages}
    cache.end_build()
    return BuildResult(
        content, tuple(pages), tuple(rendered), tuple(written), tuple(problems), time.perf_counter() - started
    )


def check_site(
    project: Project, options: BuildOptions = BuildOptions()
) -> tuple[SiteContent | None, list[Problem]]:
    """Run every stage but the writing; return what was found."""
    try:
        content, _pages, _rendered, problems = assemble_site(project, BuildCache(), options)
    except ContentError as err:
        return None, err.problems
    return content, problems


def assemble_site(
    project: Project, cache: BuildCache, options: BuildOptions
) -> tuple[SiteContent, list[Page], list[str], list[Problem]]:
    """Load, validate, render and check: everything a build does before it writes."""
    now = build_time(options)
    content, problems = load_site(project, cache, options)
    problems += validate_site(content, project, cache)
    problems += check_embargoes(content, options.preview, now)
    if errors_in(problems):
        raise ContentError(problems)
    pages, rendered = render_pages(content, project, cache, RenderOptions(options.preview, now))
    public = tuple(r for r in content.releases if not r.schedule.embargoed(now))
    listing = tuple((r.slug, r.schedule, tuple((e.language, e.release) for e in r.editions)) for r in public)
    pages += cache.remember(
        ("indexes", content.settings, listing), lambda: render_indexes(content.settings, list(public))
    )
    pages += [Page(path, data) for path, data in content.assets.files]
    problems += run_checks(content, pages, cache, Converters())
    if errors_in(problems):
        raise ContentError(problems)
    return content, pages, rendered, problems


def render_indexes(settings: Settings, public: list[Release]) -> list[Page]:
    """Render what lists the releases for machines: feeds, sitemap, robots.txt.

    Only public releases are listed: a preview shows embargoed releases on
    their pages but never announces them.
    """
    pages = [render_feed(settings, language, public) for language in settings.languages]
    return [*pages, render_sitemap(settings, public), render_robots(settings)]


def check_embargoes(content: SiteContent, preview: bool, now: datetime.datetime) -> list[Problem]:
    """Refuse a publishable build while a release is under embargo."""
    problems = []
    for release in content.releases:
        schedule = release.schedule
        if schedule.embargoed(now) and not preview:
            problems.append(
                Problem(
                    schedule.path,
                    schedule.embargo_line,
                    f"this release is under embargo until {iso(schedule.embargo)}: a publishable site cannot be built before then",
                    hint="Build a marked preview instead: python build.py build --preview",
                )
            )
    return problems


def load_site(
    project: Project, cache: BuildCache, options: BuildOptions = BuildOptions()
) -> tuple[SiteContent, list[Problem]]:
    """Read settings, glossary, every release in every language, catalogs and assets."""
    settings = cache.load(project.content / "site.toml", load_settings_or_problems)
    if isinstance(settings, ContentError):
        raise settings
    if options.base_url:
        settings = with_base_url(settings, options.base_url)
    glossary_path = project.content / "glossary.toml"
    glossary, problems = cache.remember(
        ("glossary", file_signature(glossary_path), settings), lambda: load_glossary(glossary_path, settings)
    )
    problems = list(problems)
    releases = []
    for slug, folder in release_folders(project.content):
        if cache.watched:
            # Every change under the folder bumps its version: an untouched
            # release is not even stat-ed again.
            key = ("release", slug, folder, settings, cache.version(folder))
            release, found = cache.remember(key, lambda s=slug, f=folder: load_release(s, f, settings, cache))
        else:
            release, found = load_release(slug, folder, settings, cache)
        problems += found
        if release is not None:
            releases.append(release)
    templates_key = (
        tuple(file_signature(p) for p in sorted(project.templates.rglob("*.html")))
        if project.templates.is_dir()
        else ()
    )
    messages = cache.remember(
        ("messages", templates_key), lambda: template_messages(project.templates) if templates_key else {}
    )
    catalogs = {}
    for language in settings.languages:
        is_source = language == settings.source
        po = project.locales / language.catalog / "LC_MESSAGES" / "messages.po"
        # Keyed by the msgids, not by the templates: editing a template's
        # markup must not invalidate every page that uses the catalog.
        key = ("catalog", language, file_signature(po), tuple(messages))
        catalog, found = cache.remember(
            key, lambda lang=language, src=is_source: load_catalog(project.locales, lang, messages, src)
        )
        problems += found
        if catalog is not None:
            catalogs[language.code] = replace(catalog, key=key)
    if not any(r.slug == "" for r in releases) and not errors_in(problems):
        problems.append(
            Problem(
                project.content,
                None,
                "there is no main release: content/ needs facts.toml, schedule.toml and a folder per language",
            )
        )
    if errors_in(problems):
        raise ContentError(problems)
    assets_key = (
        tuple(file_signature(p) for p in sorted(project.templates.glob("*/**/*")) if p.is_file())
        if project.templates.is_dir()
        else ()
    )
    assets = cache.remember(("assets", assets_key), lambda: load_assets(project.assets, project.static))
    return SiteContent(
        settings, glossary, tuple(releases), catalogs, messages, templates_key, assets
    ), problems


def load_settings_or_problems(path: Path) -> Settings | ContentError:
    """Load site.toml, returning (not raising) its problems so they can be cached."""
    try:
        return load_settings(path)
    except ContentError as err:
        return err


def validate_site(content: SiteContent, project: Project, cache: BuildCache) -> list[Problem]:
    """Check what one file cannot check alone: references, coverage, catalogs."""
    problems = []
    for release in content.releases:
        problems += cache.remember(("validate", release), lambda r=release: validate_release(r))
    problems += check_template_catalog(project.locales / "messages.pot", content.messages)
    problems += unverified_notices(content.glossary, content.settings, project.content / "glossary.toml")
    return problems


def validate_release(release: Release) -> list[Problem]:
    """Check one release: fact references, key figures and translation coverage."""
    facts = release.fact_map
    problems = _check_release_date(facts, release.folder / "facts.toml")
    problems += _check_publication_date(release, facts)
    source = release.editions[0]
    for edition in release.editions:
        for section in edition.sections:
            problems += check_fact_refs(section, facts)
        problems += _check_figures(edition, source, facts)
        if edition is not source:
            problems += _check_coverage(edition, source)
    return problems


def _check_publication_date(release: Release, facts: dict[str, Fact]) -> list[Problem]:
    fact = facts.get("release_date")
    published = release.schedule.published
    if fact is None or fact.type != "date" or published.date() == fact.value:
        return []
    return [
        Problem(
            release.schedule.path,
            release.schedule.published_line,
            f"`published` is on {published.date().isoformat()} but the fact `release_date` says {fact.value.isoformat()}",
            hint="The dateline and the publication date must agree: correct one of them.",
        )
    ]


def _check_release_date(facts: dict[str, Fact], path: Path) -> list[Problem]:
    fact = facts.get("release_date")
    if fact is None or fact.type != "date":
        return [
            Problem(
                path,
                fact.line if fact else None,
                'the facts need a `release_date` of type "date": the dateline shows it',
                hint='[release_date]\ntype = "date"\nvalue = 2023-03-24',
            )
        ]
    return []


def _check_figures(edition: Edition, source: Edition, facts: dict[str, Fact]) -> list[Problem]:
    release = edition.release
    problems = []
    source_ids = dict(source.release.figures)
    for fact_id, line in release.figure_lines:
        if fact_id not in facts:
            problems.append(
                Problem(
                    release.path, line, f"unknown fact `{fact_id}` in [figures]", hint=suggest(fact_id, facts)
                )
            )
        elif edition is not source and fact_id not in source_ids:
            problems.append(
                Problem(
                    release.path,
                    line,
                    f"figure `{fact_id}` is not in the {source.language.name} key figures, so it is not shown",
                    WARNING,
                )
            )
    if edition is not source:
        labels = dict(release.figures)
        for fact_id, _label in source.release.figures:
            if fact_id not in labels:
                problems.append(
                    Problem(
                        release.path,
                        None,
                        f"no {edition.language.name} label for the key figure `{fact_id}`: the {source.language.name} label is shown",
                        WARNING,
                    )
                )
    return problems


def _check_coverage(edition: Edition, source: Edition) -> list[Problem]:
    problems = []
    for section in source.sections:
        if edition.section(section.id) is None:
            target = edition.release.path.parent / section.path.name
            problems.append(
                Problem(
                    section.path,
                    section.id_line,
                    f"section `{section.id}` has no {edition.language.name} translation: the {source.language.name} text is shown with a notice",
                    WARNING,
                    hint=f'Add {target.parent.name}/{target.name} with id = "{section.id}".',
                    kind="missing-translation",
                )
            )
    for section in edition.sections:
        original = source.section(section.id)
        if original is not None:
            problems += check_translation_state(original, section, edition.language.name)
        else:
            hint = (
                suggest(section.id, [s.id for s in source.sections])
                or f"Every translated section needs a {source.language.name} original with the same id."
            )
            problems.append(
                Problem(
                    section.path,
                    section.id_line,
                    f"section id `{section.id}` matches no {source.language.name} section",
                    hint=hint,
                )
            )
    return problems
