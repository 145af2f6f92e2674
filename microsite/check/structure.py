"""Structure: unused facts, links and anchors, image descriptions, heading levels, datelines."""

from __future__ import annotations

import hashlib
import posixpath
from html.parser import HTMLParser
from urllib.parse import urlsplit

from microsite.analyse.markup import used_fact_ids
from microsite.analyse.text import SectionText
from microsite.cache import BuildCache
from microsite.problems import ERROR, WARNING, Problem
from microsite.write.output import Page

SECTION_TITLE_LEVEL = 2  # the template shows each section's title as h2


def check_release_structure(release, texts: dict[str, dict[str, SectionText]]) -> list[Problem]:
    """Report unused facts, images without alt text and skipped heading levels."""
    problems = _unused_facts(release)
    for sections in texts.values():
        for text in sections.values():
            problems += _images(text) + _headings(text)
    return problems


def _unused_facts(release) -> list[Problem]:
    used = {"release_date"}
    for edition in release.editions:
        used |= {fact_id for section in edition.sections for fact_id in used_fact_ids(section)}
        used |= {fact_id for fact_id, _ in edition.release.figures}
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


def _images(text: SectionText) -> list[Problem]:
    return [
        Problem(
            text.section.path,
            text.line_of(src),
            f"the image {src!r} has no description (alt text)",
            WARNING,
            hint="Write it as ![what the image shows](" + src + ").",
            kind="missing-alt",
        )
        for src, alt in text.images
        if not (alt or "").strip()
    ]


def _headings(text: SectionText) -> list[Problem]:
    problems = []
    previous = SECTION_TITLE_LEVEL
    for heading in text.headings:
        if heading.level > previous + 1 or heading.level <= 1:
            marks = "#" * heading.level
            expected = "#" * (previous + 1)
            problems.append(
                Problem(
                    text.section.path,
                    text.line_of(f"{marks} {heading.text}"),
                    f"the heading {heading.text!r} is level {heading.level} right after level {previous}",
                    WARNING,
                    hint=f"Sub-headings of a section start at {'#' * (SECTION_TITLE_LEVEL + 1)}; write it as {expected} {heading.text}.",
                    kind="heading-skip",
                )
            )
        previous = heading.level
    return problems


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.dateline: str | None = None
        self.linked_into: tuple[str, ...] = ()
        self._in_dateline = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "p" and "dateline" in (attributes.get("class") or "").split():
            self._in_dateline = True
        elif tag == "time" and self._in_dateline and self.dateline is None:
            self.dateline = attributes.get("datetime")

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_dateline = False


def _read(page: Page, site_path: str) -> _Anchors:
    reader = _Anchors()
    reader.feed(page.content.decode("utf-8"))
    targets = (
        _resolve(page.path, href, site_path)
        for href in reader.links
        if "#" in href and not href.startswith("#")
    )
    reader.linked_into = tuple(sorted({t[0] for t in targets if t and t[0] != page.path}))
    return reader


def check_links(pages: list[Page], content, cache: BuildCache) -> list[Problem]:
    """Report links and #anchors of the pages that lead nowhere, and datelines that disagree."""
    html = {page.path: page for page in pages if page.path.endswith(".html")}
    paths = frozenset(page.path for page in pages)
    # A digest stands for the set in cache keys: comparing two sets of
    # thousands of paths for every page would cost more than the check.
    paths_key = hashlib.sha1("\n".join(sorted(paths)).encode("utf-8")).hexdigest()
    site_path = urlsplit(content.settings.base_url).path
    templates = content.releases[0].folder.parent / "templates"  # the main release lives in content/
    readers = {
        path: cache.remember(("anchors", page, site_path), lambda p=page: _read(p, site_path))
        for path, page in html.items()
    }
    anchors = {path: frozenset(reader.ids) for path, reader in readers.items()}
    problems = []
    for path, reader in readers.items():
        # Keyed by all it depends on: the page, the site's files, and the
        # anchors of the other pages it links into (rarely any).
        key = ("links", html[path], paths_key, site_path, tuple(anchors.get(t) for t in reader.linked_into))
        broken = cache.remember(key, lambda p=path, r=reader: _broken_links(p, r, paths, anchors, site_path))
        problems += [_broken(_sections_of(content, p), p, href, what, templates) for p, href, what in broken]
    problems += _datelines(readers, content)
    return problems


def _broken_links(
    path: str, reader: _Anchors, paths: frozenset, anchors: dict, site_path: str
) -> list[tuple[str, str, str]]:
    broken = []
    for href in reader.links:
        target = _resolve(path, href, site_path)
        if target is None:
            continue
        target_path, fragment = target
        if target_path not in paths:
            broken.append((path, href, "leads to no page of the site"))
        elif fragment and target_path in anchors and fragment not in anchors[target_path]:
            broken.append((path, href, f"points at #{fragment}, which that page does not have"))
    return broken


def _sections_of(content, page: str) -> list:
    for release in content.releases:
        for edition in release.editions:
            if release.page_path(edition.language.code) == page:
                return list(edition.sections)
    return []


def _resolve(page: str, href: str, site_path: str) -> tuple[str, str] | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "tel:")):
        return None
    if not parts.path:
        return page, parts.fragment
    path = parts.path
    if path.startswith("/"):
        # The 404 page starts from the site's public path (/xixian-2023/).
        if not path.startswith(site_path):
            return ("(outside the site) " + path, "")
        page, path = "index.html", path[len(site_path) :] or "./"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/") or target in (".", ""):
        target = posixpath.join(target, "index.html") if target not in (".", "") else "index.html"
    return target, parts.fragment


def _broken(sections, page: str, href: str, what: str, templates) -> Problem:
    for section in sections or []:
        for number, line in enumerate(section.body.split("\n"), start=section.body_line):
            if f"]({href}" in line or f'href="{href}"' in line:
                return Problem(section.path, number, f"the link {href!r} {what}", WARNING, kind="broken-link")
    return Problem(templates, None, f"the link {href!r} on {page} {what}", WARNING, kind="broken-link")


def _datelines(readers, content) -> list[Problem]:
    problems = []
    for release in content.releases:
        expected = release.fact_map["release_date"].machine_value()
        for edition in release.editions:
            reader = readers.get(release.page_path(edition.language.code))
            if reader is not None and reader.dateline != expected:
                problems.append(
                    Problem(
                        release.folder / "facts.toml",
                        release.fact_map["release_date"].line,
                        f"the {edition.language.name} dateline shows {reader.dateline!r}, not the release date {expected}",
                        ERROR,
                        kind="dateline-date",
                    )
                )
    return problems
