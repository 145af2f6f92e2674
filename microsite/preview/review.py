"""The preview-only pages: the translators' review page and the build error page."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from microsite.analyse.markup import used_fact_ids
from microsite.cache import BuildCache
from microsite.load.facts import format_fact
from microsite.load.glossary import Name
from microsite.load.releases import Release
from microsite.problems import ERROR, NOTICE, WARNING, Problem, display_path
from microsite.render.pages import Converters, cached_section_html

_TAG = re.compile(r"(<[^>]+>)")


def preview_environment() -> jinja2.Environment:
    """Return the environment of the preview's own pages (not the site's templates)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def problem_view(problem: Problem, root: Path) -> dict:
    """Return a problem as the preview pages show it."""
    where = display_path(problem.path, root) + (f":{problem.line}" if problem.line else "")
    return {"where": where, "message": problem.message, "hint": problem.hint, "severity": problem.severity}


def render_error_page(problems: list[Problem], root: Path) -> str:
    """Render the page the browser shows while the site cannot be built."""
    order = {ERROR: 0, WARNING: 1, NOTICE: 2}
    ranked = sorted(problems, key=lambda p: (order[p.severity], display_path(p.path, root), p.line or 0))
    errors = [problem_view(p, root) for p in ranked if p.severity == ERROR]
    others = [problem_view(p, root) for p in ranked if p.severity != ERROR]
    return preview_environment().get_template("error.html").render(errors=errors, others=others)


def render_review_page(
    content, slug: str, problems: list[Problem], root: Path, cache: BuildCache
) -> str | None:
    """Render the review page of one release, or None if there is no such release."""
    release = next((r for r in content.releases if r.slug == slug), None)
    if release is None:
        return None
    languages = content.settings.languages
    unverified = [n for n in content.glossary if not n.verified]
    relevant = [problem_view(p, root) for p in problems if p.severity != ERROR]
    source = release.editions[0]
    converters = Converters()
    context = {
        "headline": source.release.headline,
        "stylesheet": "/" + content.assets.url("style.css"),
        "languages": languages,
        "source_name": source.language.name,
        "problems": _unique(relevant),
        "releases": [
            {
                "href": f"/_review/{r.slug}/" if r.slug else "/_review/",
                "label": r.slug or "main release",
                "current": r is release,
            }
            for r in content.releases
        ],
        "sections": [
            _section_view(release, section.id, unverified, cache, converters) for section in source.sections
        ],
    }
    return preview_environment().get_template("review.html").render(context)


def _section_view(
    release: Release, section_id: str, unverified: list[Name], cache: BuildCache, converters
) -> dict:
    facts = release.fact_map
    columns, used = [], []
    for edition in release.editions:
        language = edition.language
        section = edition.section(section_id)
        if section is None:
            columns.append(
                {"lang": language.html_lang, "language": language.name, "title": "(missing)", "missing": True}
            )
            continue
        html = cached_section_html(cache, release, section, language, converters)
        columns.append(
            {
                "lang": language.html_lang,
                "language": language.name,
                "title": section.title,
                "missing": False,
                "html": _mark_names(html, unverified, (language.code, release.editions[0].language.code)),
            }
        )
        used += [f for f in used_fact_ids(section) if f in facts and f not in used]
    rows = [
        {
            "id": f,
            "cells": [
                {"lang": e.language.html_lang, "text": format_fact(facts[f], e.language)}
                for e in release.editions
            ],
        }
        for f in used
    ]
    return {"id": section_id, "columns": columns, "facts": rows}


def _mark_names(html: str, names: list[Name], codes: tuple[str, str]) -> Markup:
    # A name with no confirmed translation appears in its source-language form.
    forms = sorted({n.form(code) for n in names for code in codes if n.form(code)}, key=len, reverse=True)
    if not forms:
        return Markup(html)
    pattern = re.compile("|".join(re.escape(str(escape(f))) for f in forms))
    parts = _TAG.split(html)
    marked = [
        part
        if part.startswith("<")
        else pattern.sub(lambda m: f'<mark class="unverified">{m.group(0)}</mark>', part)
        for part in parts
    ]
    return Markup("".join(marked))


def _unique(items: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for item in items:
        key = (item["where"], item["message"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique
