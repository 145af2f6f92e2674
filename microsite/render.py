"""Turn loaded content into HTML pages, in memory, one language at a time."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .catalogs import Catalog
from .content import RELEASE_KEYS, Edition, ReleaseText, Section
from .facts import TIME_TYPES, Fact, format_fact
from .markup import make_converter, render_body
from .problems import ContentError, Problem
from .settings import Language, Settings

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


@dataclass(frozen=True)
class Page:
    """One output file: its path under site/ and its bytes."""

    path: str
    content: bytes


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


def render_language(edition: Edition, source: Edition, facts: dict[str, Fact], settings: Settings, env: jinja2.Environment) -> Page:
    """Render the release page of one language."""
    context = release_context(edition, source, facts, settings)
    html = render_template(env, "release.html", context)
    return Page(f"{edition.language.code}/index.html", html.encode("utf-8"))


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
        "languages": _language_links(settings, None, ""),
        "titles": [p.striptags() for p in prompts],
        "description": editions[0].release.description,
        "issuers": [Markup(f'<span lang="{escape(e.language.html_lang)}">{escape(typeset_release(e.release, e.language.typography).issuer)}</span>') for e in editions],
        "prompts": prompts,
        "choices": choices,
    }
    return Page("index.html", render_template(envs[source.code], "languages.html", context).encode("utf-8"))


def release_context(edition: Edition, source: Edition, facts: dict[str, Fact], settings: Settings) -> dict:
    """Build the template context of one language's release page."""
    language = edition.language
    return {
        "lang": language,
        "root": "../",
        "languages": _language_links(settings, language.code, "../"),
        "release": typeset_release(edition.release, language.typography),
        "release_date": fact_markup(facts["release_date"], language),
        "sections": _section_contexts(edition, source, facts),
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


def _language_links(settings: Settings, current: str | None, root: str) -> list[dict]:
    return [
        {"code": lang.code, "name": lang.name, "html_lang": lang.html_lang, "href": f"{root}{lang.code}/", "current": lang.code == current}
        for lang in settings.languages
    ]


def _section_contexts(edition: Edition, source: Edition, facts: dict[str, Fact]) -> list[dict]:
    converters = {}
    contexts = []
    for original in source.sections:
        section = edition.section(original.id)
        fallback = section is None
        shown: Section = original if fallback else section
        language = source.language if fallback else edition.language
        if language.code not in converters:
            converters[language.code] = make_converter(facts, lambda f, lang=language: format_fact(f, lang), language.typography)
        html = render_body(converters[language.code], shown, language.typography)
        contexts.append({"id": shown.id, "title": shown.title, "html": Markup(html), "fallback": fallback, "lang": language.html_lang})
    return contexts


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
