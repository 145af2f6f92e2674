"""Turn loaded content into HTML pages, in memory, one language at a time."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import jinja2.meta
from markupsafe import Markup, escape

from .cache import BuildCache, file_signature
from .catalogs import Catalog
from .content import RELEASE_KEYS, Edition, ReleaseText, Section
from .facts import TIME_TYPES, Fact, format_fact
from .markup import Converter
from .problems import ContentError, Problem
from .releases import Release
from .settings import Language, Settings

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
FRONT_DOOR_TEMPLATES = ("languages.html", "choice.html", "prompt.html")
RELEASE_TEMPLATES = ("release.html",)


@dataclass(frozen=True)
class Page:
    """One output file: its path under site/ and its bytes."""

    path: str
    content: bytes


def render_pages(content, project, cache: BuildCache) -> tuple[list[Page], list[str]]:
    """Render every page in memory; return the pages and which were rendered anew."""
    rendered: list[str] = []
    converters = Converters()
    envs = {code: cache.remember(("env", content.templates_key, catalog.key), lambda c=catalog: make_environment(project.templates, c)) for code, catalog in content.catalogs.items()}
    any_env = next(iter(envs.values()))
    keys = {names: cache.remember(("template-key", content.templates_key, names), lambda n=names: template_key(any_env, project.templates, n)) for names in (FRONT_DOOR_TEMPLATES, RELEASE_TEMPLATES)}
    pages = [_render_front_door(content, envs, keys[FRONT_DOOR_TEMPLATES], cache, rendered)]
    for release in content.releases:
        for edition in release.editions:
            pages.append(_render_release_page(release, edition, content, envs, keys[RELEASE_TEMPLATES], cache, rendered, converters))
    return pages, rendered


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


def _render_front_door(content, envs, templates, cache, rendered) -> Page:
    main = content.releases[0]
    key = ("front-door", templates, tuple(c.key for c in content.catalogs.values()), tuple((e.language, e.release) for e in main.editions), content.settings)

    def make():
        rendered.append("index.html")
        return render_front_door(list(main.editions), envs, content.settings)

    return cache.remember(key, make)


def _render_release_page(release: Release, edition: Edition, content, envs, templates: tuple, cache: BuildCache, rendered, converters) -> Page:
    source = release.editions[0]
    code = edition.language.code
    # The key names everything the page is made from, and nothing more: an
    # English section that the Chinese page does not show cannot change it.
    fallback = tuple(s for s in source.sections if edition.section(s.id) is None)
    source_view = (source.language, tuple(s.id for s in source.sections), fallback, source.release.figures)
    others = _other_releases(release, content.releases, code)
    key = ("release", release.slug, code, templates, content.catalogs[code].key, edition, source_view, release.facts, content.settings.languages, others)
    path = release.page_path(code)

    def make():
        rendered.append(path)
        context = release_context(release, edition, content.settings, cache, converters)
        context["more_releases"] = _more_releases_context(others, release, edition.language)
        html = render_template(envs[code], "release.html", context)
        return Page(path, html.encode("utf-8"))

    return cache.remember(key, make)


def _other_releases(release: Release, releases, code: str) -> tuple:
    # Only the main page lists the others: one headline edit elsewhere then
    # re-renders one page per language, not every page of the site.
    if release.slug:
        return ()
    return tuple((r.slug, r.edition(code).release.headline, r.fact_map["release_date"]) for r in releases if r.slug)


def _more_releases_context(others: tuple, release: Release, language: Language) -> list[dict]:
    entries = [{"href": f"{slug}/", "headline": headline, "date": fact_markup(date, language), "order": (date.machine_value(), slug)} for slug, headline, date in others]
    return sorted(entries, key=lambda e: e["order"], reverse=True)


def make_environment(templates: Path, catalog: Catalog) -> jinja2.Environment:
    """Return a fresh, strict, autoescaping Jinja environment for one language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(catalog.translations, newstyle=True)
    return env


def fact_markup(fact: Fact, language: Language) -> Markup:
    """Return the fact formatted for the language, marked up with its machine value."""
    tag, attribute = ("time", "datetime") if fact.type in TIME_TYPES else ("data", "value")
    return Markup(f'<{tag} class="fact" {attribute}="{escape(fact.machine_value())}">{escape(format_fact(fact, language))}</{tag}>')


def render_front_door(editions: list[Edition], envs: dict[str, jinja2.Environment], settings: Settings) -> Page:
    """Render site/index.html, where a visitor picks a language."""
    source = settings.source
    choices, prompts = [], []
    for edition in editions:
        code = edition.language.code
        context = {"lang": edition.language, "href": f"{code}/", "release": typeset_release(edition.release, edition.language.typography)}
        choices.append(Markup(render_template(envs[code], "choice.html", context).strip()))
        prompts.append(Markup(render_template(envs[code], "prompt.html", context).strip()))
    context = {
        "lang": source,
        "root": "",
        "languages": _language_links(settings, None, "", ""),
        "titles": [p.striptags() for p in prompts],
        "description": editions[0].release.description,
        "issuers": [Markup(f'<span lang="{escape(e.language.html_lang)}">{escape(typeset_release(e.release, e.language.typography).issuer)}</span>') for e in editions],
        "prompts": prompts,
        "choices": choices,
    }
    return Page("index.html", render_template(envs[source.code], "languages.html", context).encode("utf-8"))


def release_context(release: Release, edition: Edition, settings: Settings, cache: BuildCache, converters: Converters) -> dict:
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


def typeset_release(release: ReleaseText, typography: str) -> ReleaseText:
    """Return the release text with typographic apostrophes where the language uses them."""
    if typography != "latin":
        return release
    # The body gets this from Markdown's smarty; the headline and other settings
    # are plain text, so "China's" would otherwise keep a typewriter apostrophe.
    fields = {key: _APOSTROPHE.sub("\u2019", getattr(release, key)) for key in RELEASE_KEYS}
    return replace(release, **fields)


def _language_links(settings: Settings, current: str | None, root: str, slug: str) -> list[dict]:
    suffix = f"{slug}/" if slug else ""
    return [
        {"code": lang.code, "name": lang.name, "html_lang": lang.html_lang, "href": f"{root}{lang.code}/{suffix}", "current": lang.code == current}
        for lang in settings.languages
    ]


def _section_contexts(edition: Edition, source: Edition, release: Release, cache: BuildCache, converters: Converters) -> list[dict]:
    contexts = []
    for original in source.sections:
        section = edition.section(original.id)
        fallback = section is None
        shown: Section = original if fallback else section
        language = source.language if fallback else edition.language
        html = cache.remember(("section", shown, language, release.facts), lambda s=shown, lang=language: section_html(s, lang, release.fact_map, converters))
        contexts.append({"id": shown.id, "title": shown.title, "html": html, "fallback": fallback, "lang": language.html_lang})
    return contexts


class Converters(dict):
    """The Markdown converters of one build, one per typography, made when first needed."""

    def __missing__(self, typography: str) -> Converter:
        converter = self[typography] = Converter(typography)
        return converter


def section_html(section: Section, language: Language, facts: dict[str, Fact], converters: Converters) -> Markup:
    """Convert one section's Markdown to HTML, with its facts written for the language."""
    html = converters[language.typography].convert(section, facts, lambda f: format_fact(f, language))
    return Markup(html)


def _figure_contexts(edition: Edition, source: Edition, facts: dict[str, Fact]) -> list[dict]:
    labels = dict(edition.release.figures)
    figures = []
    for fact_id, source_label in source.release.figures:
        translated = labels.get(fact_id)
        figures.append({
            "id": fact_id,
            "label": translated or source_label,
            "label_lang": None if translated else source.language.html_lang,
            "value": fact_markup(facts[fact_id], edition.language),
        })
    return figures


def render_template(env: jinja2.Environment, name: str, context: dict) -> str:
    """Render a template; turn any template failure into a located ContentError."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as err:
        path = Path(err.filename) if err.filename else Path(env.loader.searchpath[0]) / name
        raise ContentError([Problem(path, err.lineno, f"template error: {err.message}")]) from err
    except jinja2.TemplateNotFound as err:
        raise ContentError([Problem(Path(env.loader.searchpath[0]) / name, None, f"template not found: {err.name}")]) from err
    except Exception as err:  # noqa: BLE001 (any error raised while rendering is the template's)
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
