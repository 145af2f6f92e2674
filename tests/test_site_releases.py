"""Two releases (tests/fixtures/two-releases): the main release at /LANG/ and a further one at
/LANG/SLUG/, published under a sub-path. Each shows its own facts; the main page, the feeds and
the sitemap lead to both.

The crawl of this fixture under its sub-path (every link, asset, feed and
sitemap entry answers 200) is in tests/test_hosting.py.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlsplit

import pytest
from lxml import etree

from .conftest import Content, fact_references, machine_value, parse, straight

NAME = "two-releases"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def releases(built_fixture) -> Content:
    return Content(built_fixture(NAME))


def further(content: Content) -> list[str]:
    return content.slugs()[1:]


def newest_first(content: Content, slugs: list[str]) -> list[str]:
    return sorted(slugs, key=lambda slug: content.schedule(slug)["published"], reverse=True)


def test_the_fixture_has_a_further_release_and_a_sub_path(releases: Content):
    assert further(releases)
    assert urlsplit(releases.base_url).path != "/"


def kit(content: Content, code: str, slug: str) -> tuple[dict[str, dict], dict[str, dict]]:
    """Return the rows of a release's facts.csv and the entries of its facts.json, by fact id."""
    folder = content.root / "site" / content.page(code, slug).removesuffix("index.html")
    rows = csv.DictReader(io.StringIO((folder / "facts.csv").read_text(encoding="utf-8-sig")))
    data = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    return {row["id"]: row for row in rows}, {entry["id"]: entry for entry in data["facts"]}


def test_further_release_lists_its_own_facts(releases: Content):
    for slug in further(releases):
        own = releases.facts(slug)
        ids = list(releases.release(releases.source["code"], slug)["figures"])
        for code in releases.codes:
            page = parse(releases.root / "site" / releases.page(code, slug))
            rows, entries = kit(releases, code, slug)
            assert set(rows) == set(entries) == set(own), (slug, code)
            for fact_id, fact in own.items():
                assert rows[fact_id]["value"] == machine_value(fact)
                assert (
                    rows[fact_id]["qualifier"] == entries[fact_id]["qualifier"] == fact.get("qualifier", "")
                )
            panel = page.select(".key-figures .figure")
            assert [straight(f.dt.get_text()) for f in panel] == [
                releases.release(code, slug)["figures"][i] for i in ids
            ]
            assert [f.dd.data["value"] for f in panel] == [machine_value(own[i]) for i in ids]
            assert [f.dd.get_text() for f in panel] == [rows[i]["text"] for i in ids]
            for section in releases.sections(code, slug):
                references = [r.partition(":")[0] for r in fact_references(section["body"])]
                shown = page.find("section", id=section["id"]).select(".fact")
                assert [e.get("value") or e.get("datetime") for e in shown] == [
                    machine_value(own[r]) for r in references
                ]
                assert [e.get_text() for e in shown] == [rows[r]["text"] for r in references]
    for code in releases.codes:
        rows, _ = kit(releases, code, "")
        assert set(rows) == set(releases.facts()), code


def test_main_page_lists_each_further_release_under_more_releases(releases: Content):
    site = releases.root / "site"
    listed = newest_first(releases, further(releases))
    for code in releases.codes:
        nav = parse(site / releases.page(code)).select_one("nav.more-releases")
        assert nav.h2.get_text() == releases.interface(code, "More releases")
        assert [
            (li.a["href"], straight(li.a.get_text()), li.time["datetime"]) for li in nav.select("li")
        ] == [
            (
                f"{slug}/",
                releases.release(code, slug)["headline"],
                machine_value(releases.facts(slug)["release_date"]),
            )
            for slug in listed
        ]
        for slug in listed:
            page = parse(site / releases.page(code, slug))
            assert not page.select("nav.more-releases")
            home = page.select_one(".home-link a")
            assert (home["href"], home.get_text()) == (
                f"../../{code}/",
                releases.interface(code, "All releases"),
            )


def test_feeds_and_sitemap_carry_every_release(releases: Content):
    site = releases.root / "site"
    ordered = newest_first(releases, releases.slugs())
    for code in releases.codes:
        feed = etree.parse(str(site / code / "feed.xml"))
        entries = list(feed.iter(f"{ATOM}entry"))
        assert [
            (
                entry.findtext(f"{ATOM}id"),
                straight(entry.findtext(f"{ATOM}title")),
                entry.findtext(f"{ATOM}published"),
                entry.find(f"{ATOM}link").get("href"),
            )
            for entry in entries
        ] == [
            (
                releases.url(code, slug),
                releases.release(code, slug)["headline"],
                releases.schedule(slug)["published"].isoformat(timespec="seconds"),
                releases.url(code, slug),
            )
            for slug in ordered
        ]
        for entry, slug in zip(entries, ordered):
            description = parse(site / releases.page(code, slug)).find("meta", attrs={"name": "description"})
            assert entry.findtext(f"{ATOM}summary") == description["content"]
        assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}published")
    locs = [e.text for e in etree.parse(str(site / "sitemap.xml")).iter("{*}loc")]
    pages = [releases.url(code, slug) for slug in releases.slugs() for code in releases.codes]
    assert sorted(locs) == sorted([*pages, releases.url(None)])


def test_a_figure_that_opens_a_text_starts_with_a_capital_letter(releases: Content):
    checked = 0
    for slug in releases.slugs():
        for lang in releases.languages:
            if lang["typography"] != "latin":
                continue
            page = parse(releases.root / "site" / releases.page(lang["code"], slug))
            release = releases.release(lang["code"], slug)
            for field, shown in (("headline", page.h1), ("subhead", page.select_one(".subhead"))):
                if release[field].startswith("[["):
                    text = shown.get_text()
                    assert text[:1] == text[:1].upper(), (slug, lang["code"], field, text)
                    checked += 1
    assert checked
