"""Atom feeds, one per language, built from whatever releases exist."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from microsite.analyse.release import ReleaseSummary
from microsite.load.settings import Language, Settings
from microsite.render.metadata import iso, public_url
from microsite.write.output import Page

ATOM = "http://www.w3.org/2005/Atom"


def feed_path(language: Language) -> str:
    """Return the output path of a language's feed."""
    return f"{language.code}/feed.xml"


def render_feed(settings: Settings, language: Language, releases: list[ReleaseSummary]) -> Page:
    """Render the Atom feed of one language: newest release first."""
    ET.register_namespace("", ATOM)
    ordered = sorted(releases, key=lambda r: (r.schedule.published, r.slug), reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language.html_lang})
    home = public_url(settings, f"{language.code}/index.html")
    _text(feed, "id", home)
    _text(feed, "title", language.site_name)
    # The newest publication, not the build time: the same input gives the same feed.
    _text(
        feed,
        "updated",
        iso(max(r.schedule.published for r in releases)) if releases else "2000-01-01T00:00:00Z",
    )
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "self", "type": "application/atom+xml", "href": public_url(settings, feed_path(language))},
    )
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": home})
    # The newsroom is the feed's author; each release names who issued it.
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", language.site_name)
    for release in ordered:
        text = dict(dict(release.texts)[language.code])
        url = public_url(settings, release.page_path(language.code))
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", url)
        _text(entry, "title", text["headline"])
        _text(entry, "published", iso(release.schedule.published))
        _text(entry, "updated", iso(release.schedule.published))
        ET.SubElement(
            entry,
            f"{{{ATOM}}}link",
            {"rel": "alternate", "type": "text/html", "hreflang": language.html_lang, "href": url},
        )
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", text["issuer"])
        _text(entry, "summary", text["description"])
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode", short_empty_elements=True)
    return Page(
        feed_path(language), ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
    )


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element
