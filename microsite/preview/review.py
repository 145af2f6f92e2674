"""The preview-only pages: the translators' review page and the build error page."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from microsite.analyse.format import format_fact
from microsite.analyse.release import Converters, ReleaseRecord, analyse_release
from microsite.load.glossary import Name
from microsite.load.releases import load_release, release_folders
from microsite.problems import ERROR, Problem, display_path
from microsite.report import ranked

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
    ordered, _paths = ranked(problems, root)
    errors = [problem_view(p, root) for p in ordered if p.severity == ERROR]
    others = [problem_view(p, root) for p in ordered if p.severity != ERROR]
    return preview_environment().get_template("error.html").render(errors=errors, others=others)


def render_review_page(assembled, slug: str, problems: list[Problem], root: Path) -> str | None:
    """Render the review page of one release, or None if there is no such release.

    The release is loaded and analysed again here (one release is quick):
    the build keeps only its pages and findings, not every release's analysis.
    """
    site = assembled.site
    folders = dict(release_folders(site.project.content))
    if slug not in folders:
        return None
    release, _found = load_release(slug, folders[slug], site.settings, site.glossary, site.project.root)
    if release is None:
        return None
    record = analyse_release(release, Converters())
    source = release.source
    codes = (source.language.code,)
    waiting = [n for n in release.names if any(code not in n.verified for code, _ in n.forms[1:])]
    relevant = [
        problem_view(p, root) for p in problems if p.severity != ERROR and _in(p.path, release.folder, slug)
    ]
    context = {
        "headline": record.field(source.language.code, "headline"),
        "stylesheet": "/" + site.assets.url("style.css"),
        "languages": site.settings.languages,
        "source_name": source.language.name,
        "problems": _unique(relevant),
        "releases": [
            {
                "href": f"/_review/{s}/" if s else "/_review/",
                "label": s or "main release",
                "current": s == slug,
            }
            for s in folders
        ],
        "sections": [_section_view(record, section.id, waiting, codes) for section in source.sections],
    }
    return preview_environment().get_template("review.html").render(context)


def _in(path: Path, folder: Path, slug: str) -> bool:
    # The main release's folder (content/) holds the others: their findings are theirs.
    inside = path.is_relative_to(folder)
    return inside and (bool(slug) or not path.is_relative_to(folder / "releases"))


def _section_view(
    record: ReleaseRecord, section_id: str, waiting: list[Name], codes: tuple[str, ...]
) -> dict:
    release = record.release
    facts = release.fact_map
    columns, used = [], []
    for edition in release.editions:
        language = edition.language
        section = record.passage(language.code, f"section:{section_id}")
        if section is None:
            columns.append(
                {"lang": language.html_lang, "language": language.name, "title": "(missing)", "missing": True}
            )
            continue
        title = record.passage(language.code, f"title:{section_id}").text
        html = _mark_names(section.analysis.html, waiting, (language.code, *codes))
        columns.append(
            {
                "lang": language.html_lang,
                "language": language.name,
                "title": title,
                "missing": False,
                "html": html,
            }
        )
        used += [use.fact_id for use in section.facts if use.fact_id in facts and use.fact_id not in used]
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
