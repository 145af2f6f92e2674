"""The build: load, validate, analyse, check, render, write; each stage once, in that order.

A site is its shared inputs (settings, names, catalogs, templates, assets)
and its releases. Each release goes through load → validate → analyse →
check → render on its own (`process_release`): that is what lets a release
be taken from the cache of an earlier build, or made in another process.
The site-wide pages (front door, 404, feeds, sitemap) are made from the
releases' summaries at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from microsite.analyse.release import Converters, ReleaseRecord, ReleaseSummary, analyse_release, summarise
from microsite.cache import BuildCache, generator_version, key_of
from microsite.check import check_release
from microsite.check.references import validate_release
from microsite.check.structure import check_page
from microsite.load.assets import AssetSet, load_assets
from microsite.load.catalogs import Catalog, check_template_catalog, load_catalog, template_messages
from microsite.load.contacts import Contact, load_newsroom_contact
from microsite.load.glossary import Name, load_glossary, unverified_notices
from microsite.load.issuers import Issuer, load_issuers
from microsite.load.releases import Release, load_release, release_folders
from microsite.load.settings import Settings, is_placeholder_url, load_settings, with_base_url
from microsite.options import BuildOptions, build_time
from microsite.problems import NOTICE, ContentError, Problem, errors_in, pack, unpack
from microsite.project import Project
from microsite.render.compiled import CompiledOnce
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
from microsite.report import Findings, terminal_report, warnings_and_notices
from microsite.write.compress import compressed_copies
from microsite.write.output import (
    Page,
    clean_leftovers,
    digest,
    read_manifest,
    stale_paths,
    update_site,
    write_site,
)


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
    compress: bool = False
    environments: dict | None = None  # Jinja environments kept across builds (the preview's cache has them)
    compiled: CompiledOnce | None = None  # templates compiled by earlier builds (in the build cache)
    issuers: tuple[Issuer, ...] = ()  # each issuer's "About" paragraph (content/issuers.toml)
    contact: Contact | None = None  # the newsroom's media contact (content/contact.toml)

    def renderer(self) -> Renderer:
        """Return this site's renderer: one Jinja environment per language, made once per process."""
        found = self.__dict__.get("_renderer")
        if found is None:
            found = Renderer(
                self.settings,
                self.project.templates,
                self.catalogs,
                self.assets,
                self.render,
                self.environments,
                self.issuers,
                self.contact,
                self.compiled,
            )
            object.__setattr__(self, "_renderer", found)  # compiling templates is the costly part
        return found


@dataclass
class ReleaseOutput:
    """What one release came to: its summary, its pages' digests, and what was found.

    The pages' bytes travel only when they were made in this run
    (`contents`); a result taken from the cache leaves them there.
    """

    slug: str
    summary: ReleaseSummary | None
    found: Findings = field(default_factory=Findings)
    pages: dict[str, str] = field(default_factory=dict)  # path: digest
    links: list[tuple[str, Problem]] = field(default_factory=list)  # pages of the site it links to
    sections: int = 0
    contents: dict[str, bytes] | None = None
    record: ReleaseRecord | None = None  # made in this process (the preview's review page reads it)
    key: str = ""  # its key in the cache
    made: bool = True  # made by this build (False: taken from the cache)
    in_cache: bool = False  # stored in the cache under its key (its pages are read from there)

    @property
    def problems(self) -> list[Problem]:
        return self.found.problems

    def stored(self, root: Path) -> tuple:
        """Return the part of the output that is kept in the cache, as plain data."""
        targets = [target for target, _ in self.links]
        links = pack([problem for _, problem in self.links])
        found = self.found.stored(root)
        return (self.slug, self.summary, found, targets, links, self.pages, self.sections)

    @classmethod
    def restored(cls, data: tuple, key: str) -> ReleaseOutput:
        """Return an output as stored() kept it."""
        slug, summary, found, targets, links, pages, sections = data
        links = list(zip(targets, unpack(links), strict=True))
        return cls(slug, summary, Findings(kept=found), pages, links, sections, key=key, made=False)


@dataclass(frozen=True)
class Assembled:
    """Everything a build makes before it writes: the site, each release, site-wide pages, every finding."""

    site: Site
    releases: tuple[ReleaseOutput, ...]
    site_pages: tuple[Page, ...]
    shared: tuple[Problem, ...]  # the findings of the site as a whole, not of one release
    cache: BuildCache | None = None

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """Return every finding (those of releases taken from the cache are read back)."""
        return self.shared + tuple(p for output in self.releases for p in output.problems)

    def report(self) -> str:
        """Return the build's list of findings, read from what each release keeps of them."""
        return terminal_report(self._findings(), self.site.project.root)

    def counts(self) -> tuple[int, int]:
        """Return how many warnings and how many notices were found."""
        return warnings_and_notices(self._findings(), self.site.project.root)

    def _findings(self) -> list[Findings]:
        return [Findings(list(self.shared)), *(output.found for output in self.releases)]

    def digests(self) -> dict[str, str]:
        """Return every output path with the digest of its bytes."""
        found = {path: value for output in self.releases for path, value in output.pages.items()}
        found.update((page.path, digest(page.content)) for page in self.site_pages)
        return found

    def pages(self, only: set[str] | None = None) -> Iterator[Page]:
        """Yield the pages (only those in `only`, if given), a release's at a time, reading the cache as needed."""
        for output in self.releases:
            wanted = output.pages.keys() if only is None else only.intersection(output.pages)
            if not wanted:
                continue
            contents = output.contents if output.contents is not None else self.cache.pages(output.key)
            if contents is None:
                raise ContentError(
                    [
                        Problem(
                            self.site.project.root / ".cache",
                            None,
                            "the build cache lost a page: build again",
                        )
                    ]
                )
            for path in sorted(wanted):
                yield Page(path, contents[path])
        for page in self.site_pages:
            if only is None or page.path in only:
                yield page

    @property
    def sections(self) -> int:
        return sum(output.sections for output in self.releases)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it found worth saying."""

    assembled: Assembled
    written: tuple[str, ...]
    seconds: float

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.assembled.problems

    @property
    def paths(self) -> list[str]:
        return sorted(self.assembled.digests())


def build_site(
    project: Project,
    out: Path | None = None,
    options: BuildOptions = BuildOptions(),
    cache: BuildCache | None = None,
) -> BuildResult:
    """Build the whole site into `out` (default site/), or raise ContentError and write nothing."""
    started = time.perf_counter()
    out = (out or project.site).resolve()
    assembled = assemble_site(project, options, cache=cache)
    digests = assembled.digests()
    manifest = read_manifest(out) if out.is_dir() else None
    cache = assembled.cache
    # What the last build saw of each file it wrote here (kept out of the
    # site, so that two builds write the same bytes).
    stats = (cache.outputs(out) if cache is not None else None) or {}
    clean_leftovers(out)
    if manifest is None:
        stats = write_site(assembled.pages(), out, digests)
        written = sorted(digests)
    else:
        stale = stale_paths(out, digests, manifest, stats)
        contents = {page.path: page.content for page in assembled.pages(stale)}
        written = update_site(out, digests, contents, manifest, stats)
    if cache is not None:
        cache.keep_outputs(out, stats)
        cache.finish()
    return BuildResult(assembled, tuple(written), time.perf_counter() - started)


def check_site(
    project: Project, options: BuildOptions = BuildOptions(), cache: BuildCache | None = None
) -> tuple[Assembled | None, list[Problem]]:
    """Run every stage but the writing; return what was found."""
    try:
        assembled = assemble_site(project, options, cache=cache)
    except ContentError as err:
        return None, err.problems
    if assembled.cache is not None:
        assembled.cache.finish()
    return assembled, list(assembled.problems)


def assemble_site(
    project: Project,
    options: BuildOptions = BuildOptions(),
    keep_records: bool = False,
    cache: BuildCache | None = None,
) -> Assembled:
    """Load, validate, analyse, check and render everything; raise ContentError on any error."""
    from microsite.workers import make_releases  # workers import this module

    if cache is None and options.cache:
        cache = BuildCache(project.root / ".cache" / "microsite")
    site, shared = load_site(project, options, cache)
    if cache is not None and cache.memory is not None:
        site = replace(site, environments=cache.environments)
    outputs, keys = make_releases(site, release_folders(project.content), cache, options.jobs, keep_records)
    main = outputs[0]
    # Only the errors are needed here: a release taken from the cache keeps
    # its warnings packed until someone reads them.
    failed = errors_in(shared) or any(output.found.tally(project.root).errors for output in outputs)
    if main.summary is None and not failed:
        message = (
            "there is no main release: content/ needs facts.toml, schedule.toml and a folder per language"
        )
        shared.append(Problem(project.content, None, message))
        failed = True
    if failed:
        raise ContentError(_every_problem(shared, outputs))
    summaries = [o.summary for o in outputs]
    site_pages = _site_pages(site, summaries, cache, keys.site_pages(summaries) if keys else "")
    shared += check_paths(outputs, site_pages, site)
    if errors_in(shared):
        raise ContentError(_every_problem(shared, outputs))
    return Assembled(site, tuple(outputs), tuple(site_pages), tuple(shared), cache)


def _every_problem(shared: list[Problem], outputs: list[ReleaseOutput]) -> list[Problem]:
    return shared + [problem for output in outputs for problem in output.problems]


def load_site(
    project: Project, options: BuildOptions, cache: BuildCache | None = None
) -> tuple[Site, list[Problem]]:
    """Read what every release shares; raise ContentError when it is too broken to go on."""
    settings = load_settings(project.content / "site.toml")
    if options.base_url:
        settings = with_base_url(settings, options.base_url)
    glossary, problems = load_glossary(project.content / "glossary.toml", settings)
    problems += unverified_notices(glossary, settings)
    issuers, found = load_issuers(project.content / "issuers.toml", settings)
    problems += found
    contact, found = load_newsroom_contact(project.content / "contact.toml", settings)
    problems += found
    problems += _placeholder_address(settings)
    messages = _template_messages(project.templates, cache)
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
    site = Site(
        project,
        settings,
        glossary,
        catalogs,
        messages,
        assets,
        render,
        options.compress,
        issuers=issuers,
        contact=contact,
        compiled=CompiledOnce(cache.folder / "templates", generator_version()) if cache else None,
    )
    return site, problems


def _template_messages(templates: Path, cache: BuildCache | None) -> dict[str, tuple[Path, int]]:
    if not templates.is_dir():
        return {}
    if cache is None:
        return template_messages(templates)
    # Reading the templates' strings takes some 30 ms: done again only when
    # a template or the generator changed (kept in memory by the preview,
    # on disk from one build to the next).
    files = [(path, cache.files.digest(path)) for path in cache.files.tree(templates)]
    key = key_of(generator_version(), files)
    if key not in cache.messages:
        kept = cache.last("template-messages")
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key:
            cache.messages = {key: kept[1]}
        else:
            cache.messages = {key: template_messages(templates)}
            cache.remember("template-messages", (key, cache.messages[key]))
    return cache.messages[key]


def load_releases(project: Project) -> tuple[Site, list[Release]]:
    """Load the site and every release without building anything (for check --mark-reviewed)."""
    site, problems = load_site(project, BuildOptions(preview=True, cache=False))
    releases = []
    for slug, folder in release_folders(project.content):
        release, found = load_release(slug, folder, site.settings, site.glossary, project.root)
        problems += found
        if release is not None:
            releases.append(release)
    if errors_in(problems):
        raise ContentError(problems)
    return site, releases


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
        return ReleaseOutput(slug, None, Findings(problems))
    problems += validate_release(release)
    problems += _embargo(release, site.render)
    problems += _no_contact(release, site.contact)
    if slug:
        problems += unverified_notices(
            tuple(n for n in release.names if n not in site.glossary), site.settings
        )
    sections = sum(len(e.sections) for e in release.editions)
    if errors_in(problems):
        return ReleaseOutput(slug, None, Findings(problems), sections=sections)
    record = analyse_release(release, converters)
    problems += _refusals(record)
    if errors_in(problems):
        return ReleaseOutput(slug, None, Findings(problems), sections=sections, record=record)
    problems += check_release(record, site.settings)
    summary = summarise(record)
    pages = render_release(record, summary, site.renderer(), listing)
    if site.compress:
        pages += compressed_copies(pages)
    found, links = _check_pages(record, pages, site)
    problems += found
    contents = {page.path: page.content for page in pages}
    digests = {path: digest(content) for path, content in contents.items()}
    return ReleaseOutput(slug, summary, Findings(problems), digests, links, sections, contents, record)


def _refusals(record: ReleaseRecord) -> list[Problem]:
    problems = []
    for by_key in record.passages.values():
        for passage in by_key.values():
            for refusal in passage.analysis.refusals if passage.analysis else ():
                line = passage.line_of(refusal.snippet)
                problems.append(
                    Problem(passage.path, line, refusal.message, hint=refusal.hint, kind="unsafe-markup")
                )
    return problems


def _embargo(release: Release, options: RenderOptions) -> list[Problem]:
    schedule = release.schedule
    if options.preview or not schedule.embargoed(options.now):
        return []
    message = f"this release is under embargo until {iso(schedule.embargo)}: a publishable site cannot be built before then"
    hint = "Build a marked preview instead: python build.py build --preview"
    return [Problem(schedule.path, schedule.embargo_line, message, hint=hint, kind="embargo")]


def _no_contact(release: Release, newsroom: Contact | None) -> list[Problem]:
    if release.contact is not None:
        return []
    text = release.source.release
    shown = "the page shows the newsroom's (content/contact.toml)" if newsroom else "the page shows none"
    message = f"this release names no media contact: {shown}"
    hint = (
        "Add a [contact] table with name, phone and email to this release.toml "
        "(and the name in each language's release.toml), or the newsroom's to content/contact.toml."
    )
    return [Problem(text.path, None, message, NOTICE, hint, kind="no-contact")]


def _check_pages(
    record: ReleaseRecord, pages: list[Page], site: Site
) -> tuple[list[Problem], list[tuple[str, Problem]]]:
    release = record.release
    own = frozenset(page.path for page in pages)
    site_path = urlsplit(site.settings.base_url).path
    problems, links = [], []
    for edition in release.editions:
        path = release.page_path(edition.language.code)
        html = next(p.content for p in pages if p.path == path).decode("utf-8")
        found, deferred = check_page(
            record, edition.language.code, html, own, site_path, site.project.templates
        )
        problems += found
        links += deferred
    return problems, links


def _site_pages(
    site: Site, summaries: list[ReleaseSummary], cache: BuildCache | None, key: str
) -> list[Page]:
    # Feeds and the sitemap of a thousand releases take a while to write, and
    # a change to a release's body leaves every summary as it was.
    if cache is not None and cache.get(key) is not None:
        kept = cache.pages(key)
        if kept is not None:
            return [Page(path, data) for path, data in kept.items()]
    pages = render_site_pages(site, summaries[0], summaries)
    if cache is not None:
        cache.put(key, True, {page.path: page.content for page in pages})
    return pages


def render_site_pages(site: Site, main: ReleaseSummary, summaries: list[ReleaseSummary]) -> list[Page]:
    """Render what belongs to the whole site: front door, 404, feeds, sitemap, robots.txt, assets.

    Only public releases are listed in feeds and the sitemap: a preview shows
    embargoed releases on their pages but never announces them.
    """
    options = site.render
    public = [s for s in summaries if not s.schedule.embargoed(options.now)]
    renderer = site.renderer()
    hidden = options.preview and main.schedule.embargoed(options.now)
    pages = [render_front_door(main, renderer, hidden), render_not_found(main, renderer)]
    pages += [render_feed(site.settings, language, public) for language in site.settings.languages]
    pages += [render_sitemap(site.settings, public), render_robots(site.settings)]
    pages += [Page(path, data) for path, data in site.assets.files]
    return pages + (compressed_copies(pages) if site.compress else [])


def check_paths(outputs: list[ReleaseOutput], site_pages: list[Page], site: Site) -> list[Problem]:
    """Report links to pages the site does not have, and two files at one output path."""
    paths: dict[str, int] = {}
    for path in [p for o in outputs for p in o.pages] + [page.path for page in site_pages]:
        paths[path] = paths.get(path, 0) + 1
    problems = [problem for output in outputs for target, problem in output.links if target not in paths]
    for path in sorted(path for path, count in paths.items() if count > 1):
        message = f"two files would be written to {path}: the build makes this file itself"
        problems.append(
            Problem(
                site.project.static / path,
                None,
                message,
                hint="Rename or remove the file in templates/static/.",
            )
        )
    return problems
