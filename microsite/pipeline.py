"""The build: load, validate, analyse, check, render, write; each stage once, in that order.

A site is its shared inputs (settings, names, catalogs, templates, assets)
and its releases. Each release goes through load → validate → analyse →
check → render on its own (`process_release`), which is what lets releases
be cached and built in parallel; the site-wide pages (front door, 404,
feeds, sitemap) are made from the releases' summaries at the end.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from microsite.analyse.release import Converters, ReleaseRecord, ReleaseSummary, analyse_release, summarise
from microsite.check import check_release
from microsite.check.references import validate_release
from microsite.check.structure import check_page
from microsite.load.assets import AssetSet, load_assets
from microsite.load.catalogs import Catalog, check_template_catalog, load_catalog, template_messages
from microsite.load.glossary import Name, load_glossary, unverified_notices
from microsite.load.releases import Release, load_release, release_folders
from microsite.load.settings import Settings, is_placeholder_url, load_settings, with_base_url
from microsite.problems import NOTICE, ContentError, Problem, errors_in
from microsite.project import Project
from microsite.render.feeds import render_feed
from microsite.render.metadata import iso
from microsite.render.pages import (
    Renderer,
    RenderOptions,
    render_front_door,
    render_not_found,
    render_release,
)
from microsite.render.sitemap import render_robots, render_sitemap
from microsite.write.compress import compressed_copies
from microsite.write.output import Page, write_site


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
class Site:
    """What every release of a build shares: settings, names, catalogs, templates, assets."""

    project: Project
    settings: Settings
    glossary: tuple[Name, ...]
    catalogs: dict[str, Catalog]
    messages: dict
    assets: AssetSet
    render: RenderOptions


@dataclass
class ReleaseOutput:
    """What one release came to: its record and summary, its pages, and what was found."""

    slug: str
    record: ReleaseRecord | None
    summary: ReleaseSummary | None
    pages: list[Page] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Assembled:
    """Everything a build makes before it writes: the site, each release, every page, every finding."""

    site: Site
    releases: tuple[ReleaseOutput, ...]
    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]

    @property
    def records(self) -> tuple[ReleaseRecord, ...]:
        """Return the analysed releases, the main one first."""
        return tuple(r.record for r in self.releases if r.record is not None)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it found worth saying."""

    assembled: Assembled
    written: tuple[str, ...]
    seconds: float

    @property
    def pages(self) -> tuple[Page, ...]:
        return self.assembled.pages

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.assembled.problems


def build_site(
    project: Project, out: Path | None = None, options: BuildOptions = BuildOptions()
) -> BuildResult:
    """Build the whole site into `out` (default site/), or raise ContentError and write nothing."""
    started = time.perf_counter()
    assembled = assemble_site(project, options)
    pages = list(assembled.pages)
    if options.compress:
        pages += compressed_copies(pages)
    pages.sort(key=lambda page: page.path)
    write_site(pages, out or project.site)
    assembled = replace(assembled, pages=tuple(pages))
    return BuildResult(assembled, tuple(p.path for p in pages), time.perf_counter() - started)


def check_site(
    project: Project, options: BuildOptions = BuildOptions()
) -> tuple[Assembled | None, list[Problem]]:
    """Run every stage but the writing; return what was found."""
    try:
        assembled = assemble_site(project, options)
    except ContentError as err:
        return None, err.problems
    return assembled, list(assembled.problems)


def assemble_site(project: Project, options: BuildOptions = BuildOptions()) -> Assembled:
    """Load, validate, analyse, check and render everything; raise ContentError on any error."""
    site, problems = load_site(project, options)
    converters = Converters()
    folders = release_folders(project.content)
    further = [process_release(slug, folder, site, converters) for slug, folder in folders[1:]]
    listing = tuple(r.summary for r in further if r.summary is not None)
    main = process_release(*folders[0], site, converters, listing)
    outputs = (main, *further)
    for output in outputs:
        problems += output.problems
    if main.record is None and not errors_in(problems):
        problems.append(
            Problem(
                project.content,
                None,
                "there is no main release: content/ needs facts.toml, schedule.toml and a folder per language",
            )
        )
    if errors_in(problems):
        raise ContentError(problems)
    pages = [page for output in outputs for page in output.pages]
    pages += render_site_pages(site, main.summary, [o.summary for o in outputs])
    problems += check_paths(pages, site)
    if errors_in(problems):
        raise ContentError(problems)
    return Assembled(site, outputs, tuple(pages), tuple(problems))


def load_site(project: Project, options: BuildOptions) -> tuple[Site, list[Problem]]:
    """Read what every release shares; raise ContentError when it is too broken to go on."""
    settings = load_settings(project.content / "site.toml")
    if options.base_url:
        settings = with_base_url(settings, options.base_url)
    glossary, problems = load_glossary(project.content / "glossary.toml", settings)
    problems += unverified_notices(glossary, settings)
    problems += _placeholder_address(settings)
    messages = template_messages(project.templates) if project.templates.is_dir() else {}
    problems += check_template_catalog(project.locales / "messages.pot", messages)
    catalogs = {}
    for language in settings.languages:
        catalog, found = load_catalog(project.locales, language, messages, language == settings.source)
        problems += found
        if catalog is not None:
            catalogs[language.code] = catalog
    assets, found = load_assets(project.assets, project.static, project.root)
    problems += found
    if errors_in(problems):
        raise ContentError(problems)
    render = RenderOptions(options.preview, build_time(options))
    return Site(project, settings, glossary, catalogs, messages, assets, render), problems


def _placeholder_address(settings: Settings) -> list[Problem]:
    if not is_placeholder_url(settings.base_url):
        return []
    message = f"the public address {settings.base_url} is a placeholder: canonical links, the sitemap and feeds would point nowhere"
    hint = (
        "Set base_url in content/site.toml to the address the site will have (or build with --base-url URL)."
    )
    return [
        Problem(settings.path, settings.base_url_line, message, NOTICE, hint=hint, kind="placeholder-address")
    ]


def process_release(
    slug: str, folder: Path, site: Site, converters: Converters, listing: tuple[ReleaseSummary, ...] = ()
) -> ReleaseOutput:
    """Take one release through every stage: load, validate, analyse, check, render."""
    release, problems = load_release(slug, folder, site.settings, site.glossary, site.project.root)
    if release is None:
        return ReleaseOutput(slug, None, None, problems=problems)
    problems += validate_release(release)
    problems += _embargo(release, site.render)
    if slug:
        problems += unverified_notices(
            tuple(n for n in release.names if n not in site.glossary), site.settings
        )
    if errors_in(problems):
        return ReleaseOutput(slug, None, None, problems=problems)
    record = analyse_release(release, converters)
    problems += _refusals(record)
    if errors_in(problems):
        return ReleaseOutput(slug, record, None, problems=problems)
    problems += check_release(record, site.settings)
    renderer = _renderer(site)
    pages = render_release(record, renderer, listing)
    problems += _check_pages(record, pages, site, listing)
    return ReleaseOutput(slug, record, summarise(record), pages, problems)


def _renderer(site: Site) -> Renderer:
    # One Jinja environment per language and process: compiling templates is
    # the costly part, and a Site never changes once loaded.
    found = site.__dict__.get("_renderer")
    if found is None:
        found = Renderer(site.settings, site.project.templates, site.catalogs, site.assets, site.render)
        object.__setattr__(site, "_renderer", found)
    return found


def _refusals(record: ReleaseRecord) -> list[Problem]:
    problems = []
    for by_key in record.passages.values():
        for passage in by_key.values():
            if passage.analysis is None:
                continue
            for refusal in passage.analysis.refusals:
                problems.append(
                    Problem(
                        passage.path,
                        passage.line_of(refusal.snippet),
                        refusal.message,
                        hint=refusal.hint,
                        kind="unsafe-markup",
                    )
                )
    return problems


def _embargo(release: Release, options: RenderOptions) -> list[Problem]:
    schedule = release.schedule
    if options.preview or not schedule.embargoed(options.now):
        return []
    message = f"this release is under embargo until {iso(schedule.embargo)}: a publishable site cannot be built before then"
    hint = "Build a marked preview instead: python build.py build --preview"
    return [Problem(schedule.path, schedule.embargo_line, message, hint=hint, kind="embargo")]


def _check_pages(
    record: ReleaseRecord, pages: list[Page], site: Site, listing: tuple[ReleaseSummary, ...]
) -> list[Problem]:
    release = record.release
    paths = frozenset(
        _known_paths(site, [release.slug, *(s.slug for s in listing)]) | {p.path for p in pages}
    )
    site_path = urlsplit(site.settings.base_url).path
    problems = []
    for edition in release.editions:
        html = next(p.content for p in pages if p.path == release.page_path(edition.language.code)).decode(
            "utf-8"
        )
        problems += check_page(record, edition.language.code, html, paths, site_path, site.project.templates)
    return problems


def _known_paths(site: Site, slugs: list[str]) -> set[str]:
    """Return the output paths every build has besides a release's own: pages of other releases, feeds, assets."""
    codes = [language.code for language in site.settings.languages]
    paths = {"index.html", "404.html", "sitemap.xml", "robots.txt", *(path for path, _ in site.assets.files)}
    paths |= {f"{code}/feed.xml" for code in codes}
    paths |= {
        f"{code}/{slug}/index.html" if slug else f"{code}/index.html"
        for code in codes
        for slug in [*slugs, ""]
    }
    return paths


def render_site_pages(site: Site, main: ReleaseSummary, summaries: list[ReleaseSummary]) -> list[Page]:
    """Render what belongs to the whole site: front door, 404, feeds, sitemap, robots.txt, assets.

    Only public releases are listed in feeds and the sitemap: a preview shows
    embargoed releases on their pages but never announces them.
    """
    options = site.render
    public = [s for s in summaries if not s.schedule.embargoed(options.now)]
    renderer = _renderer(site)
    hidden = options.preview and main.schedule.embargoed(options.now)
    pages = [render_front_door(main, renderer, hidden), render_not_found(main, renderer)]
    pages += [render_feed(site.settings, language, public) for language in site.settings.languages]
    pages += [render_sitemap(site.settings, public), render_robots(site.settings)]
    return pages + [Page(path, data) for path, data in site.assets.files]


def check_paths(pages: list[Page], site: Site) -> list[Problem]:
    """Report two files at one output path (a static file named like a page, say)."""
    seen: dict[str, int] = {}
    for page in pages:
        seen[page.path] = seen.get(page.path, 0) + 1
    clashes = sorted(path for path, count in seen.items() if count > 1)
    return [
        Problem(
            site.project.static / path,
            None,
            f"two files would be written to {path}: the build makes this file itself",
            hint="Rename or remove the file in templates/static/.",
        )
        for path in clashes
    ]
