"""Every fact type, qualifier and form (tests/fixtures/every-fact-type) where readers and journalists
meet them: the sections, the key-figures panel, the headline and other texts, facts.csv and facts.json,
each exactly as the fixture's golden.toml says.

tests/test_facts.py checks the formatting itself; these tests check that
every place of the built site shows what it gives.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lxml import etree

from .conftest import (
    FIXTURES,
    Content,
    expand,
    fact_references,
    fixture_project,
    machine_value,
    parse,
    run_build,
    straight,
)

NAME = "every-fact-type"
FIXTURE = Content(FIXTURES / NAME)
QUALIFIED = [fact_id for fact_id, fact in FIXTURE.facts().items() if "qualifier" in fact]
QUALIFIED_CASES = [(code, fact_id) for code in FIXTURE.codes for fact_id in QUALIFIED]


@pytest.fixture(scope="module")
def figures(built_fixture) -> Content:
    return Content(built_fixture(NAME))


def test_the_fixture_uses_every_qualifier_each_language_knows():
    used = {FIXTURE.facts()[fact_id]["qualifier"] for fact_id in QUALIFIED}
    for lang in FIXTURE.languages:
        assert used == set(lang["style"]["qualifiers"]), lang["code"]


def references_in_sections(content: Content, code: str) -> list[tuple[str, object]]:
    """Pair each fact reference of each section, in order, with the element the page shows it in."""
    page = parse(content.root / "site" / content.page(code))
    pairs = []
    for section in content.sections(code):
        references = fact_references(section["body"])
        elements = page.find("section", id=section["id"]).select(".fact")
        assert len(elements) == len(references), section["id"]
        pairs += list(zip(references, elements))
    return pairs


@pytest.mark.parametrize("code", FIXTURE.codes)
def test_every_reference_in_a_section_is_written_as_golden_says(figures: Content, code):
    facts, written = figures.facts(), figures.golden()[code]
    for reference, element in references_in_sections(figures, code):
        assert element.get_text() == written[reference], reference
        value = element.get("value") or element.get("datetime")
        assert value == machine_value(facts[reference.partition(":")[0]]), reference


@pytest.mark.parametrize(("code", "fact_id"), QUALIFIED_CASES)
def test_every_qualifier_is_written_in_the_page_body(figures: Content, code, fact_id):
    shown = [element for reference, element in references_in_sections(figures, code) if reference == fact_id]
    assert shown, f"[[{fact_id}]] is in no section"
    for element in shown:
        assert element.get_text() == figures.golden()[code][fact_id]
        assert element["value"] == machine_value(figures.facts()[fact_id])


@pytest.fixture(scope="module")
def every_qualifier_a_key_figure(tmp_path_factory) -> Content:
    """The fixture with every qualified fact added to the key-figures panel, in every language."""
    project = fixture_project(tmp_path_factory.mktemp("qualified") / "project", NAME)
    content = Content(project)
    for code in content.codes:
        path = content.folder() / code / "release.toml"
        shown = content.release(code)["figures"]
        # [figures] is the last table of release.toml: new lines at the end belong to it.
        added = "".join(f'{fact_id} = "{fact_id}"\n' for fact_id in QUALIFIED if fact_id not in shown)
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + added, encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return content


@pytest.mark.parametrize(("code", "fact_id"), QUALIFIED_CASES)
def test_every_qualifier_is_written_in_the_key_figures_panel(
    every_qualifier_a_key_figure: Content, code, fact_id
):
    content = every_qualifier_a_key_figure
    ids = list(content.release(content.source["code"])["figures"])
    panel = parse(content.root / "site" / content.page(code)).select(".key-figures .figure dd")
    assert len(panel) == len(ids)
    shown = panel[ids.index(fact_id)]
    assert shown.get_text() == content.golden()[code][fact_id]
    assert shown.data["value"] == machine_value(content.facts()[fact_id])


@pytest.mark.parametrize(("code", "fact_id"), QUALIFIED_CASES)
def test_every_qualifier_is_kept_in_facts_csv_and_json(figures: Content, code, fact_id):
    fact, text = figures.facts()[fact_id], figures.golden()[code][fact_id]
    site = figures.root / "site" / code
    rows = csv.DictReader(io.StringIO((site / "facts.csv").read_text(encoding="utf-8-sig")))
    (row,) = [row for row in rows if row["id"] == fact_id]
    assert (row["qualifier"], row["text"], row["value"]) == (fact["qualifier"], text, machine_value(fact))
    data = json.loads((site / "facts.json").read_text(encoding="utf-8"))
    (entry,) = [entry for entry in data["facts"] if entry["id"] == fact_id]
    assert (entry["qualifier"], entry["text"], entry["value"]) == (fact["qualifier"], text, fact["value"])


def texts_shown(page_path: Path) -> dict[str, list[str]]:
    """Return, by kind, the texts of a release page that come from release.toml and section titles."""
    page = parse(page_path)
    head = page.head
    return {
        "headline": [
            page.h1.get_text(),
            head.find("meta", property="og:title")["content"],
            head.find("meta", attrs={"name": "twitter:title"})["content"],
        ],
        "subhead": [page.select_one(".subhead").get_text()],
        "description": [
            head.find("meta", attrs={"name": "description"})["content"],
            head.find("meta", property="og:description")["content"],
            head.find("meta", attrs={"name": "twitter:description"})["content"],
        ],
        "titles": [section.h2.get_text() for section in page.select(".release-body > section")],
        "contents": [a.get_text() for a in page.select("nav.contents a")],
        "labels": [dt.get_text() for dt in page.select(".key-figures dt")],
        "title": [page.title.get_text()],
    }


@pytest.mark.parametrize("code", FIXTURE.codes)
def test_facts_in_headline_subhead_description_titles_and_labels_are_written_out(figures: Content, code):
    written = figures.golden()[code]
    release = figures.release(code)
    headline = expand(release["headline"], written)
    titles = [expand(section["title"], written) for section in figures.sections(code)]
    labels = [
        expand(release["figures"][i], written) for i in figures.release(figures.source["code"])["figures"]
    ]
    expected = {
        "headline": [headline] * 3,
        "subhead": [expand(release["subhead"], written)],
        "description": [expand(release["description"], written)] * 3,
        "titles": titles,
        "contents": titles,
        "labels": labels,
        "title": [f"{headline} | {figures.language(code)['site_name']}"],
    }
    shown = texts_shown(figures.root / "site" / figures.page(code))
    assert {kind: [straight(text) for text in texts] for kind, texts in shown.items()} == expected
    used = [
        r
        for text in (release["headline"], release["subhead"], *release["figures"].values())
        for r in fact_references(text)
    ]
    assert any(":" in reference for reference in used), "a form ([[id:form]]) is among them"
    site = figures.root / "site" / code
    feed = etree.parse(str(site / "feed.xml"))
    entry_titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")][1:]
    assert [straight(t) for t in entry_titles] == [headline]
    plain = (site / "release.txt").read_text(encoding="utf-8-sig").split("\n\n")
    assert [straight(" ".join(block.split("\n"))) for block in plain[:2]] == [
        headline,
        expected["subhead"][0],
    ]
    assert (
        straight(json.loads((site / "facts.json").read_text(encoding="utf-8"))["release"]["headline"])
        == headline
    )
