"""Turn loaded content into HTML pages, in memory, one language at a time."""

from __future__ import annotations

import datetime
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.meta
from babel.dates import format_datetime
from markupsafe import Markup, escape

from microsite.analyse.markup import Converter
from microsite.cache import BuildCache, file_signature
from microsite.load.assets import AssetSet
from microsite.load.catalogs import Catalog
from microsite.load.content import Edition, Section, typeset_release
from microsite.load.facts import TIME_TYPES, Fact, format_fact
from microsite.load.releases import Release
from microsite.load.settings import Language, Settings
from microsite.problems import ContentError, Problem
from microsite.render.metadata import front_door_metadata, release_metadata
from microsite.render.presskit import KIT_FILES, render_kit, render_plain_text
from microsite.write.output import Page

FRONT_DOOR_TEMPLATES = ("languages.html", "choice.html", "prompt.html")
RELEASE_TEMPLATES = ("release.html",)
NOT_FOUND_TEMPLATES = ("404.html", "not_found_part.html", "prompt.html")


@dataclass(frozen=True)
class RenderOptions:
    """How this build renders: whether embargoed releases may be shown, and when 'now' is."""

    preview: bool
    now: datetime.datetime


BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def render_pages(content, project, cache: BuildCache, options: RenderOptions) -> tuple[list[Page], list[str]]:
    """Render every page in memory; return the pages and which were rendered anew."""
    rendered: list[str] = []
    converters = Converters()
    assets = content.assets
    envs = {
        code: cache.remember(
            ("env", content.templates_key, catalog.key, assets),
            lambda c=catalog: make_environment(project.templates, c, assets),
        )
        for code, catalog in content.catalogs.items()
    }
    any_env = next(iter(envs.values()))
    keys = {
        names: cache.remember(
            ("template-key", content.templates_key, names),
            lambda n=names: template_key(any_env, project.templates, n),
        )
        for names in (FRONT_DOOR_TEMPLATES, RELEASE_TEMPLATES, NOT_FOUND_TEMPLATES)
    }
    pages = [_render_front_door(content, envs, keys[FRONT_DOOR_TEMPLATES], cache, rendered, options)]
    pages.append(_render_not_found(content, envs, keys[NOT_FOUND_TEMPLATES], cache, rendered))
    for release in content.releases:
        for edition in release.editions:
            pages += _render_release_page(
                release, edition, content, envs, keys[RELEASE_TEMPLATES], cache, rendered, converters, options
            )
    return pages, rendered


EMBARGO_MESSAGE = "Embargoed until %(beijing)s Beijing time (%(utc)s UTC)"  # as templates/base.html words it


def embargo_times(release: Release, language: Language, options: RenderOptions) -> dict | None:
    """Return the embargo moment in Beijing time and UTC, if this preview shows an embargoed release."""
    schedule = release.schedule
    if not (options.preview and schedule.embargoed(options.now)):
        return None
    pattern, locale = language.style.datetime, language.locale
    return {
        "beijing": format_datetime(schedule.embargo.astimezone(BEIJING), pattern, locale=locale),
        "utc": format_datetime(schedule.embargo.astimezone(datetime.UTC), pattern, locale=locale),
    }


def template_key(env: jinja2.Environment, folder: Path, names: tuple[str, ...]) -> tuple:
    """Return the versions of some templates and of every template they pull in."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0]
            referenced = list(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            # A broken or missing template fails at render time with its line;
            # until then, depend on every template.
            return ("all", tuple(file_signature(p) for p in sorted(folder.rglob("*.html"))))
        if None in referenced:
            return ("all", tuple(file_signature(p) for p in sorted(folder.rglob("*.html"))))
        todo += referenced
    return tuple(file_signature(folder / n) for n in sorted(seen))


def _render_front_door(content, envs, templates, cache, rendered, options: RenderOptions) -> Page:
    main = content.releases[0]
    hidden = options.preview and main.schedule.embargoed(options.now)
    key = (
        "front-door",
        templates,
        tuple(c.key for c in content.catalogs.values()),
        tuple((e.language, e.release) for e in main.editions),
        content.settings,
        hidden,
    )

    def make():
        rendered.append("index.html")
        return render_front_door(
            main, envs, content.settings, front_door_metadata(content.settings, main, hidden)
        )

    return cache.remember(key, make)


def _render_not_found(content, envs, templates, cache, rendered) -> Page:
    main = content.releases[0]
    key = (
        "not-found",
        templates,
        tuple(c.key for c in content.catalogs.values()),
        tuple((e.language, e.release) for e in main.editions),
        content.settings,
    )

    def make():
        rendered.append("404.html")
        return render_not_found(main, envs, content.settings)

    return cache.remember(key, make)


def _render_release_page(
    release: Release,
    edition: Edition,
    content,
    envs,
    templates: tuple,
    cache: BuildCache,
    rendered,
    converters,
    options: RenderOptions,
) -> list[Page]:
    source = release.editions[0]
    language = edition.language
    code = language.code
    catalog = content.catalogs[code]
    embargo = embargo_times(release, language, options)
    notice = catalog.translations.gettext(EMBARGO_MESSAGE) % embargo if embargo else None
    # The key names everything the page is made from, and nothing more: an
    # English section that the Chinese page does not show cannot change it.
    fallback = tuple(s for s in source.sections if edition.section(s.id) is None)
    source_view = (source.language, tuple(s.id for s in source.sections), fallback, source.release.figures)
    others = _other_releases(release, content.releases, code, options)
    key = (
        "release",
        release.slug,
        code,
        templates,
        catalog.key,
        edition,
        source_view,
        release.facts,
        release.schedule,
        content.settings,
        others,
        notice,
    )
    path = release.page_path(code)

    def make():
        rendered.append(path)
        context = release_context(release, edition, content.settings, cache, converters)
        context["more_releases"] = _more_releases_context(others, release, language)
        context["embargo"] = embargo
        context["meta"] = release_metadata(content.settings, release, language, noindex=notice is not None)
        context["feed"] = context["root"] + f"{code}/feed.xml"
        context["downloads"] = {name: name for name in KIT_FILES}
        html = render_template(envs[code], "release.html", context)
        dateline = catalog.translations.gettext("%(place)s, %(date)s") % {
            "place": context["release"].dateline_place,
            "date": format_fact(release.fact_map["release_date"], language),
        }
        dateline += f" /{context['release'].distributor}/"
        source_line = catalog.translations.gettext("Source: %(source)s") % {
            "source": context["release"].source
        }
        text = render_plain_text(release, language, context["sections"], dateline, source_line, notice)
        return [Page(path, html.encode("utf-8")), *render_kit(content.settings, release, language, text)]

    return cache.remember(key, make)


def _other_releases(release: Release, releases, code: str, options: RenderOptions) -> tuple:
    # Only the main page lists the others: one headline edit elsewhere then
    # re-renders one page per language, not every page of the site. An
    # embargoed release is listed only in a preview build.
    if release.slug:
        return ()
    return tuple(
        (r.slug, r.edition(code).release.headline, r.fact_map["release_date"])
        for r in releases
        if r.slug and (options.preview or not r.schedule.embargoed(options.now))
    )


def _more_releases_context(others: tuple, release: Release, language: Language) -> list[dict]:
    entries = [
        {
            "href": f"{slug}/",
            "headline": headline,
            "date": fact_markup(date, language),
            "order": (date.machine_value(), slug),
        }
        for slug, headline, date in others
    ]
    return sorted(entries, key=lambda e: e["order"], reverse=True)


def make_environment(templates: Path, catalog: Catalog, assets: AssetSet) -> jinja2.Environment:
    """Return a fresh, strict, autoescaping Jinja environment for one language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(catalog.translations, newstyle=True)
    env.globals["asset"] = assets.url
    return env


def fact_markup(fact: Fact, language: Language) -> Markup:
    """Return the fact formatted for the language, marked up with its machine value."""
    tag, attribute = ("time", "datetime") if fact.type in TIME_TYPES else ("data", "value")
    return Markup(
        f'<{tag} class="fact" {attribute}="{escape(fact.machine_value())}">{escape(format_fact(fact, language))}</{tag}>'
    )


def render_front_door(
    main: Release, envs: dict[str, jinja2.Environment], settings: Settings, meta: dict
) -> Page:
    """Render site/index.html, where a visitor picks a language."""
    context = _bilingual_context(main, envs, settings, "", "choice.html")
    context["meta"] = meta
    return Page(
        "index.html", render_template(envs[settings.source.code], "languages.html", context).encode("utf-8")
    )


def render_not_found(main: Release, envs: dict[str, jinja2.Environment], settings: Settings) -> Page:
    """Render 404.html: hosts serve it for any missing address, at any depth.

    Its links therefore start from the site's public path (for example
    /xixian-2023/), not from wherever the missing page would have been.
    """
    root = urlsplit(settings.base_url).path
    context = _bilingual_context(main, envs, settings, root, "not_found_part.html")
    context["meta"] = {
        "canonical": None,
        "alternates": [],
        "noindex": True,
        "og": [],
        "twitter": [],
        "json_ld": None,
    }
    return Page("404.html", render_template(envs[settings.source.code], "404.html", context).encode("utf-8"))


def _bilingual_context(main: Release, envs, settings: Settings, root: str, part: str) -> dict:
    parts, prompts = [], []
    for edition in main.editions:
        code = edition.language.code
        context = {
            "lang": edition.language,
            "href": f"{root}{code}/",
            "root": root,
            "release": typeset_release(edition.release, edition.language.typography),
        }
        parts.append(Markup(render_template(envs[code], part, context).strip()))
        prompts.append(Markup(render_template(envs[code], "prompt.html", context).strip()))
    return {
        "lang": settings.source,
        "root": root,
        "home": None,
        "feed": None,
        "languages": _language_links(settings, None, root, ""),
        "titles": [p.striptags() for p in prompts],
        "description": main.editions[0].release.description,
        "issuers": [
            Markup(
                f'<span lang="{escape(e.language.html_lang)}">{escape(typeset_release(e.release, e.language.typography).issuer)}</span>'
            )
            for e in main.editions
        ],
        "prompts": prompts,
        "parts": parts,
    }


def release_context(
    release: Release, edition: Edition, settings: Settings, cache: BuildCache, converters: Converters
) -> dict:
    """Build the template context of one language's release page."""
    language = edition.language
    source = release.editions[0]
    facts = release.fact_map
    root = "../../" if release.slug else "../"
    return {
        "lang": language,
        "root": root,
        "home": None if not release.slug else f"{root}{language.code}/",
        "languages": _language_links(settings, language.code, root, release.slug),
        "release": typeset_release(edition.release, language.typography),
        "release_date": fact_markup(facts["release_date"], language),
        "sections": _section_contexts(edition, source, release, cache, converters),
        "figures": _figure_contexts(edition, source, facts),
    }


def _language_links(settings: Settings, current: str | None, root: str, slug: str) -> list[dict]:
    suffix = f"{slug}/" if slug else ""
    return [
        {
            "code": lang.code,
            "name": lang.name,
            "html_lang": lang.html_lang,
            "href": f"{root}{lang.code}/{suffix}",
            "current": lang.code == current,
        }
        for lang in settings.languages
    ]


def _section_contexts(
    edition: Edition, source: Edition, release: Release, cache: BuildCache, converters: Converters
) -> list[dict]:
    contexts = []
    for original in source.sections:
        section = edition.section(original.id)
        fallback = section is None
        shown: Section = original if fallback else section
        language = source.language if fallback else edition.language
        html = cached_section_html(cache, release, shown, language, converters)
        contexts.append(
            {
                "id": shown.id,
                "title": shown.title,
                "html": html,
                "fallback": fallback,
                "lang": language.html_lang,
            }
        )
    return contexts


class Converters(dict):
    """The Markdown converters of one build, one per typography, made when first needed."""

    def __missing__(self, typography: str) -> Converter:
        converter = self[typography] = Converter(typography)
        return converter


def cached_section_html(
    cache: BuildCache, release: Release, section: Section, language: Language, converters: Converters
) -> Markup:
    """Return a section's HTML, shared by the pages, the checks and the review page."""
    key = ("section", section, language, release.facts)
    return cache.remember(key, lambda: section_html(section, language, release.fact_map, converters))


def section_html(
    section: Section, language: Language, facts: dict[str, Fact], converters: Converters
) -> Markup:
    """Convert one section's Markdown to HTML, with its facts written for the language."""
    html = converters[language.typography].convert(section, facts, lambda f: format_fact(f, language))
    return Markup(html)


def _figure_contexts(edition: Edition, source: Edition, facts: dict[str, Fact]) -> list[dict]:
    labels = dict(edition.release.figures)
    figures = []
    for fact_id, source_label in source.release.figures:
        translated = labels.get(fact_id)
        figures.append(
            {
                "id": fact_id,
                "label": translated or source_label,
                "label_lang": None if translated else source.language.html_lang,
                "value": fact_markup(facts[fact_id], edition.language),
            }
        )
    return figures


def render_template(env: jinja2.Environment, name: str, context: dict) -> str:
    """Render a template; turn any template failure into a located ContentError."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as err:
        path = Path(err.filename) if err.filename else Path(env.loader.searchpath[0]) / name
        raise ContentError([Problem(path, err.lineno, f"template error: {err.message}")]) from err
    except jinja2.TemplateNotFound as err:
        raise ContentError(
            [Problem(Path(env.loader.searchpath[0]) / name, None, f"template not found: {err.name}")]
        ) from err
    except Exception as err:
        path, line = _template_frame(err, Path(env.loader.searchpath[0]) / name)
        raise ContentError([Problem(path, line, f"template error: {_describe(err)}")]) from err


def _template_frame(err: Exception, fallback: Path) -> tuple[Path, int | None]:
    # Jinja rewrites tracebacks so that template code shows as frames of the
    # template file; the innermost such frame is where the template failed.
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith(".html"):
            return Path(frame.filename), frame.lineno
    return fallback, None


def _describe(err: Exception) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return f"{err.message} (a name the template uses is not provided)"
    return f"{type(err).__name__}: {err}"
