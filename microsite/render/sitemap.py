"""sitemap.xml with language alternates, and robots.txt naming it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from microsite.analyse.release import ReleaseSummary
from microsite.load.settings import Settings
from microsite.render.metadata import alternates, public_url
from microsite.write.output import Page

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def render_sitemap(settings: Settings, releases: list[ReleaseSummary]) -> Page:
    """List every published page, each with its language alternates."""
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for release in releases:
        links = alternates(settings, release)
        pages = [public_url(settings, release.page_path(lang.code)) for lang in settings.languages]
        if not release.slug:
            pages.append(settings.base_url)  # the front door is the x-default of the main release
        for page in pages:
            url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
            ET.SubElement(url, f"{{{SITEMAP}}}loc").text = page
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = release.schedule.published.date().isoformat()
            for link in links:
                ET.SubElement(
                    url,
                    f"{{{XHTML}}}link",
                    {"rel": "alternate", "hreflang": link["hreflang"], "href": link["href"]},
                )
    ET.indent(urlset)
    body = ET.tostring(urlset, encoding="unicode")
    return Page("sitemap.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"))


def render_robots(settings: Settings) -> Page:
    """Allow everything and name the sitemap (read by crawlers at a domain's root)."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}sitemap.xml\n"
    return Page("robots.txt", text.encode("utf-8"))
