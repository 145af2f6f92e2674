"""Three languages (tests/fixtures/three-languages): English, Simplified Chinese and a French
translation that lacks a section. What a reader sees in each language, and what a search engine
is told about the others.

Every expectation comes from the fixture's own files: site.toml for the
languages, the section files for what is translated, the French catalog for
the French interface.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from lxml import etree

from microsite.options import BuildOptions
from microsite.pipeline import build_site
from microsite.project import Project

from .conftest import Content, fixture_project, parse, run_build, straight

NAME = "three-languages"
FALLBACK_NOTICE = "This section has not been translated yet. It is shown in its original language."


@pytest.fixture(scope="module")
def trilingual(built_fixture) -> Content:
    return Content(built_fixture(NAME))


def untranslated(content: Content, code: str) -> list[str]:
    """Return the ids of the original's sections that a language has no translation of."""
    translated = {section["id"] for section in content.sections(code)}
    return [s["id"] for s in content.sections(content.source["code"]) if s["id"] not in translated]


def translations_missing_a_section(content: Content) -> list[str]:
    return [code for code in content.codes[1:] if untranslated(content, code)]


def test_the_fixture_has_three_languages_and_one_incomplete_translation(trilingual: Content):
    assert len(trilingual.codes) == 3
    assert len(translations_missing_a_section(trilingual)) == 1


def test_every_language_gets_its_page_press_kit_and_feed_in_its_own_language(trilingual: Content):
    site = trilingual.root / "site"
    for lang in trilingual.languages:
        code, tag = lang["code"], lang["html_lang"]
        page = parse(site / trilingual.page(code))
        assert page.html["lang"] == tag
        assert [m["content"] for m in page.find_all("meta", property="og:locale")] == [lang["og_locale"]]
        assert page.find("script", type="application/ld+json").string.count(f'"inLanguage": "{tag}"') == 1
        feed = etree.parse(str(site / code / "feed.xml")).getroot()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == tag
        for name in ("release.txt", "facts.csv", "facts.json"):
            assert (site / code / name).is_file(), (code, name)


def lang_attributes(page) -> list[tuple[str, str, str]]:
    """Return each element that declares a language: its tag, its class or address, and the language."""
    return [
        (element.name, " ".join(element.get("class", [])) or element.get("href", ""), element["lang"])
        for element in page.find_all(lang=True)
    ]


def test_every_element_declares_the_language_of_its_text(trilingual: Content):
    # The page's language on <html>; every other declaration marks text in another language:
    # the switcher's names, and an untranslated section with its entry in the contents
    # (the notice inside it is in the page's language again).
    site = trilingual.root / "site"
    source = trilingual.source["html_lang"]
    for lang in trilingual.languages:
        code, tag = lang["code"], lang["html_lang"]
        expected = [("html", "", tag)]
        expected += [
            ("span", "", other["html_lang"])
            if other["code"] == code
            else ("a", f"../{other['code']}/", other["html_lang"])
            for other in trilingual.languages
        ]
        missing = untranslated(trilingual, code)
        expected += [("a", f"#{section_id}", source) for section_id in missing]
        for _ in missing:
            expected += [("section", "release-section fallback", source), ("p", "fallback-notice", tag)]
        assert lang_attributes(parse(site / trilingual.page(code))) == expected, code


def test_front_door_and_404_mark_each_language_of_their_text(trilingual: Content):
    site = trilingual.root / "site"
    tags = [lang["html_lang"] for lang in trilingual.languages]
    for page in ("index.html", "404.html"):
        soup = parse(site / page)
        assert soup.html["lang"] == trilingual.source["html_lang"]
        assert [span["lang"] for span in soup.select(".site-name span")] == tags
        assert [span.get_text() for span in soup.select(".site-name span")] == [
            lang["site_name"] for lang in trilingual.languages
        ]
        assert [span["lang"] for span in soup.select("h1 span")] == tags
        assert [li["lang"] for li in soup.select(".language-choices li")] == tags
        assert soup.select("nav.language-switcher") == []  # the page itself is the choice
        assert [span["lang"] for span in soup.select(".site-footer span")] == tags


def test_every_page_names_all_three_languages_as_alternates(trilingual: Content):
    site = trilingual.root / "site"
    expected = [(lang["html_lang"], trilingual.url(lang["code"])) for lang in trilingual.languages]
    expected.append(("x-default", trilingual.url(None)))
    for page in ("index.html", *trilingual.release_pages()):
        links = parse(site / page).head.find_all("link", hreflang=True)
        assert [(link["hreflang"], link["href"]) for link in links] == expected, page
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = etree.parse(str(site / "sitemap.xml")).findall("s:url", ns)
    assert len(urls) == len(trilingual.codes) + 1
    for url in urls:
        assert [(link.get("hreflang"), link.get("href")) for link in url.findall("x:link", ns)] == expected
    for lang in trilingual.languages:
        others = [other["og_locale"] for other in trilingual.languages if other != lang]
        head = parse(site / trilingual.page(lang["code"])).head
        assert [m["content"] for m in head.find_all("meta", property="og:locale:alternate")] == others


def test_untranslated_section_is_shown_in_its_original_language_with_a_notice_in_the_page_language(
    trilingual: Content,
):
    site = trilingual.root / "site"
    source = trilingual.source
    original = parse(site / trilingual.page(source["code"]))
    titles = {section["id"]: section["title"] for section in trilingual.sections(source["code"])}
    (code,) = translations_missing_a_section(trilingual)
    notice = trilingual.interface(code, FALLBACK_NOTICE)
    assert notice != FALLBACK_NOTICE, "the catalog of the translation has the notice"
    page = parse(site / trilingual.page(code))
    for section_id in untranslated(trilingual, code):
        shown = page.find("section", id=section_id)
        assert "fallback" in shown["class"]
        assert shown["lang"] == source["html_lang"]
        assert straight(shown.h2.get_text()) == titles[section_id]
        (note,) = shown.select(".fallback-notice")
        assert note.get_text() == notice
        assert note["lang"] == trilingual.language(code)["html_lang"]
        assert note["role"] == "note"
        text = [p.get_text() for p in shown.find_all("p") if p is not note]
        assert text == [p.get_text() for p in original.find("section", id=section_id).find_all("p")]
        entry = page.select_one(f'nav.contents a[href="#{section_id}"]')
        assert entry["lang"] == source["html_lang"] and straight(entry.get_text()) == titles[section_id]
    for section in page.select(".release-body > section"):
        if section["id"] not in untranslated(trilingual, code):
            assert not section.get("lang") and not section.select(".fallback-notice")
    for other in trilingual.codes:
        if other != code:
            assert not parse(site / trilingual.page(other)).select(".fallback"), other


def test_wire_copy_says_which_section_is_shown_in_its_original_language(trilingual: Content):
    (code,) = translations_missing_a_section(trilingual)
    text = (trilingual.root / "site" / code / "release.txt").read_text(encoding="utf-8-sig")
    blocks = [" ".join(block.split("\n")) for block in text.split("\n\n")]
    notice = trilingual.interface(code, FALLBACK_NOTICE)
    titles = {section["id"]: section["title"] for section in trilingual.sections(trilingual.source["code"])}
    for section_id in untranslated(trilingual, code):
        title = next(i for i, block in enumerate(blocks) if straight(block) == titles[section_id])
        assert blocks[title + 1] == notice


def test_interface_strings_come_from_each_language_catalog(trilingual: Content):
    site = trilingual.root / "site"
    strings = {
        "a.skip-link": "Skip to main content",
        "#page_contents": "In this release",
        "#page_key_figures": "Key figures",
        "#page_about": "About this release",
        "#page_downloads": "For journalists",
    }
    for code in trilingual.codes:
        page = parse(site / trilingual.page(code))
        for selector, message in strings.items():
            assert page.select_one(selector).get_text() == trilingual.interface(code, message), (
                code,
                message,
            )
        switcher = page.select_one("nav.language-switcher")
        assert switcher["aria-label"] == trilingual.interface(code, "Language")
    (code,) = translations_missing_a_section(trilingual)
    assert all(trilingual.interface(code, message) != message for message in strings.values())


def test_key_figure_label_missing_in_a_translation_is_shown_in_the_original_language(tmp_path: Path):
    project = fixture_project(tmp_path / "project", NAME)
    content = Content(project)
    code = content.codes[-1]
    source = content.source
    fact_id, label = next(iter(content.release(source["code"])["figures"].items()))
    path = content.folder() / code / "release.toml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(f"{fact_id} =")), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert f"content/{code}/release.toml: warning: " in result.stderr and f"`{fact_id}`" in result.stderr
    figures = parse(project / "site" / content.page(code)).select(".key-figures .figure")
    ids = list(content.release(source["code"])["figures"])
    for figure, figure_id in zip(figures, ids, strict=True):
        if figure_id == fact_id:
            assert figure.dt["lang"] == source["html_lang"] and straight(figure.dt.get_text()) == label
        else:
            assert not figure.dt.get("lang")
            assert straight(figure.dt.get_text()) == content.release(code)["figures"][figure_id]


def test_each_template_is_compiled_once_for_every_language(tmp_path: Path, monkeypatch):
    # The compiled code is the same in every language: three languages, one compile of each template.
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_template(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    project = fixture_project(tmp_path / "project", NAME)
    build_site(Project(project), tmp_path / "out", BuildOptions(jobs=1, cache=False))
    assert "release.html" in compiled and "base.html" in compiled
    assert sorted(compiled) == sorted(set(compiled))
