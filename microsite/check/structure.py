"""Structure: unused facts, image descriptions, heading levels, and each page's ids, links and dateline."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from microsite.analyse.markup import used_fact_ids
from microsite.analyse.release import ReleaseRecord
from microsite.analyse.text import Passage
from microsite.load.releases import Release
from microsite.problems import ERROR, WARNING, Problem

SECTION_TITLE_LEVEL = 2  # the template shows each section's title as h2
# Our own HTML, written by Jinja with double-quoted, escaped attributes: a
# pattern reads it exactly, at a fraction of the cost of an HTML parser.
_ATTRIBUTE = re.compile(r'\s(id|href|src)="([^"]*)"')
# A footnote reference Markdown left as text: it has no note of that name.
_ORPHAN_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_DATELINE = re.compile(r'<p class="dateline">[^<]*<time[^>]*\sdatetime="([^"]*)"')


def check_release_structure(record: ReleaseRecord) -> list[Problem]:
    """Report unused facts, images without alt text, skipped heading levels and notes never written."""
    problems = _unused_facts(record.release)
    for by_key in record.passages.values():
        for passage in by_key.values():
            if passage.analysis is not None:
                problems += _images(passage) + _headings(passage) + _footnotes(passage)
    return problems


def _unused_facts(release: Release) -> list[Problem]:
    used = {"release_date"}
    for edition in release.editions:
        for section in edition.sections:
            used.update(used_fact_ids(section.body), used_fact_ids(section.title))
        text = edition.release
        used.update(fact_id for fact_id, _ in text.figures)
        for _, label in text.figures:
            used.update(used_fact_ids(label))
        for key, _line in text.lines:
            used.update(used_fact_ids(getattr(text, key)))
        for chart in text.charts:  # a fact drawn in a chart is shown
            used.update(fact_id for fact_id, _ in chart.bars)
            for _key, words in chart.texts():
                used.update(used_fact_ids(words))
    path = release.folder / "facts.toml"
    return [
        Problem(
            path,
            fact.line,
            f"the fact `{fact_id}` is not used by any section",
            WARNING,
            hint="Use it as [[" + fact_id + "]] in a section, or delete it.",
            kind="unused-fact",
        )
        for fact_id, fact in release.facts
        if fact_id not in used
    ]


def _images(passage: Passage) -> list[Problem]:
    return [
        Problem(
            passage.path,
            passage.line_of(src),
            f"the image {src!r} has no description (alt text)",
            WARNING,
            hint="Write it as ![what the image shows](" + src + ").",
            kind="missing-alt",
        )
        for src, alt in passage.analysis.images
        if not (alt or "").strip()
    ]


def _footnotes(passage: Passage) -> list[Problem]:
    if "[^" not in passage.text:
        return []
    return [
        Problem(
            passage.path,
            passage.line_of(match.group(0)),
            f"the footnote {match.group(0)} has no note: readers see {match.group(0)!r} in the text",
            WARNING,
            hint=f"Add the note on a line of its own: {match.group(0)}: what the note says",
            kind="missing-footnote",
        )
        for match in _ORPHAN_FOOTNOTE.finditer(passage.text)
    ]


def _headings(passage: Passage) -> list[Problem]:
    problems = []
    previous = SECTION_TITLE_LEVEL
    for heading in passage.analysis.headings:
        if heading.level > previous + 1 or heading.level <= 1:
            marks = "#" * heading.level
            expected = "#" * max(previous + 1, SECTION_TITLE_LEVEL + 1)
            message = f"the heading {heading.text!r} is level {heading.level} right after level {previous}"
            hint = f"Sub-headings of a section start at {'#' * (SECTION_TITLE_LEVEL + 1)}; write it as {expected} {heading.text}."
            problems.append(
                Problem(
                    passage.path,
                    passage.line_of(f"{marks} {heading.text}"),
                    message,
                    WARNING,
                    hint=hint,
                    kind="heading-skip",
                )
            )
        previous = heading.level
    return problems


def check_page(
    record: ReleaseRecord, code: str, html: str, own: frozenset[str], site_path: str, templates: Path
) -> tuple[list[Problem], list[tuple[str, Problem]]]:
    """Check one rendered release page: ids used twice, links that lead nowhere, the dateline's date.

    `own` holds the paths this release writes: links to anything else (other
    releases, feeds, assets) are returned as (path, problem if it is missing),
    for the build to settle once every page of the site is known.
    """
    release = record.release
    page = release.page_path(code)
    ids, links = [], []
    for kind, value in _ATTRIBUTE.findall(html):
        (ids if kind == "id" else links).append(value)
    problems = _duplicate_ids(record, code, ids)
    deferred = []
    anchors = set(ids)
    for href in dict.fromkeys(links):
        target = resolve(page, href, site_path)
        if target is None:
            continue
        target_path, fragment = target
        if target_path not in own:
            deferred.append(
                (target_path, _broken(record, code, page, href, "leads to no page of the site", templates))
            )
        elif fragment and target_path == page and fragment not in anchors:
            what = f"points at #{fragment}, which the page does not have"
            problems.append(_broken(record, code, page, href, what, templates))
    dateline = _DATELINE.search(html)
    expected = release.fact_map["release_date"].machine_value()
    if dateline is None or dateline.group(1) != expected:
        shown = dateline.group(1) if dateline else None
        name = release.edition(code).language.name
        message = f"the {name} dateline shows {shown!r}, not the release date {expected}"
        hint = 'The template must show the release date in the dateline: <p class="dateline">… {{ release_date }}'
        problems.append(
            Problem(
                release.folder / "facts.toml",
                release.fact_map["release_date"].line,
                message,
                ERROR,
                hint=hint,
                kind="dateline-date",
            )
        )
    return problems, deferred


def _duplicate_ids(record: ReleaseRecord, code: str, ids: list[str]) -> list[Problem]:
    problems = []
    edition = record.release.edition(code)
    for element_id, count in Counter(ids).items():
        if count < 2:
            continue
        # Blame an id written inside a section ({: #…}) before a section's own.
        written = (
            s for s in edition.sections if element_id in record.passages[code][f"section:{s.id}"].analysis.ids
        )
        own = (s for s in edition.sections if element_id in (s.id, f"{s.id}-title"))
        section = next(written, None) or next(own, None)
        if section is None:
            continue  # the templates' own ids (page_…) cannot clash with a section's
        message = f"the id `{element_id}` appears {count} times on the {edition.language.name} page: links to it are ambiguous"
        hint = f"Section `{section.id}` or an id written in it ({{: #…}}) clashes with another section. Give the section another id, or change the {{: #…}}."
        problems.append(
            Problem(section.path, section.id_line, message, ERROR, hint=hint, kind="duplicate-id")
        )
    return problems


def resolve(page: str, href: str, site_path: str) -> tuple[str, str] | None:
    """Return (output path, fragment) a link of `page` leads to, or None for links that leave the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    path = unquote(parts.path)
    if path.startswith("/"):
        # The 404 page starts from the site's public path (/newsroom/).
        if not path.startswith(site_path):
            return ("(outside the site) " + path, "")
        page, path = "index.html", path[len(site_path) :] or "./"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/") or target in (".", ""):
        target = posixpath.join(target, "index.html") if target not in (".", "") else "index.html"
    return target, unquote(parts.fragment)


def _broken(record: ReleaseRecord, code: str, page: str, href: str, what: str, templates: Path) -> Problem:
    for section in record.release.edition(code).sections:
        for number, line in enumerate(section.body.split("\n"), start=section.body_line):
            if f"]({href}" in line or f"<{href}>" in line or f"]: {href}" in line:
                return Problem(section.path, number, f"the link {href!r} {what}", WARNING, kind="broken-link")
    return Problem(templates, None, f"the link {href!r} on {page} {what}", WARNING, kind="broken-link")
