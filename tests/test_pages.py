"""Pages as a reader gets them, built from the fixture projects: structure, languages, links, figures.

Every expectation is read from the fixture's own files (site.toml, release.toml,
sections, facts.toml, golden.toml, catalogs), never from the shipped release;
tests/test_site_shipped.py holds what only the shipped content can show.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from babel.dates import format_date

from .conftest import (
    FIXTURES,
    Content,
    append,
    expand,
    fact_references,
    fixture_project,
    machine_value,
    parse,
    read_toml,
    run_build,
    straight,
    tree_digest,
)

FIXTURE_NAMES = ["minimal", "two-releases", "three-languages", "every-fact-type"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def site_pages(content: Content) -> list[str]:
    """Return the front door and every release page in every language."""
    return ["index.html", *content.release_pages()]


def root_of(slug: str) -> str:
    """Return the relative way from a release page back to the site's root."""
    return "../../" if slug else "../"


def test_build_writes_pretty_urls_and_assets(built_fixture):
    project = built_fixture("two-releases")
    site = project / "site"
    for page in [*site_pages(Content(project)), "404.html"]:
        assert (site / page).is_file(), page
    assert [p.name for p in (site / "assets").glob("style.*.css")]


def test_summary_line_counts_pages_and_time(minimal: Path):
    content = Content(minimal)
    glossary = read_toml(minimal / "content" / "glossary.toml")
    unverified = sum(
        any(code not in name["verified"] for code in content.codes[1:]) for name in glossary.values()
    )
    unverified += not (minimal / "content" / "contact.toml").exists()  # the no-contact notice
    result = run_build(minimal)
    assert result.returncode == 0
    pages = len(content.release_pages()) + 2
    notices = f"{unverified} notice" + ("" if unverified == 1 else "s")
    assert re.fullmatch(
        rf"Built {pages} pages \({re.escape(', '.join(sorted(content.codes)))}, the language picker and 404\) "
        rf"and \d+ other files into site/ in \d+\.\d\d s: 0 warnings, {notices}\.\n",
        result.stdout,
    )


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_page_sets_its_language(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    for slug in content.slugs():
        for code in content.codes:
            page = parse(project / "site" / content.page(code, slug))
            assert page.html["lang"] == content.language(code)["html_lang"], (slug, code)
    for page in ("index.html", "404.html"):
        assert parse(project / "site" / page).html["lang"] == content.source["html_lang"], page


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_page_has_landmarks_one_h1_and_a_skip_link(built_fixture, name):
    project = built_fixture(name)
    for page in [*site_pages(Content(project)), "404.html"]:
        soup = parse(project / "site" / page)
        assert len(soup.find_all("h1")) == 1, page
        skip = soup.body.find("a")
        assert skip["href"] == "#page_main" and soup.find(id="page_main").name == "main", page
        assert soup.find("header") and soup.find("main") and soup.find("footer"), page
        # A release page has its switcher; the front door and 404 are themselves the choice of language.
        assert bool(soup.find("nav", class_="language-switcher")) == (
            page not in ("index.html", "404.html")
        ), page
        assert soup.head.find("meta")["charset"] == "utf-8", page
        assert soup.find("meta", attrs={"name": "viewport"}), page


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_headings_do_not_skip_levels(built_fixture, name):
    project = built_fixture(name)
    for page in [*site_pages(Content(project)), "404.html"]:
        levels = [int(h.name[1]) for h in parse(project / "site" / page).find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1, page
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (page, levels)


@pytest.mark.parametrize("name", ["minimal", "two-releases", "every-fact-type"])
def test_pages_show_every_section_in_order_without_fallback(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    for slug in content.slugs():
        expected = [section["id"] for section in content.sections(content.source["code"], slug)]
        for code in content.codes:
            soup = parse(project / "site" / content.page(code, slug))
            sections = soup.select(".release-body > section")
            assert [s["id"] for s in sections] == expected, (slug, code)
            assert not soup.select(".fallback")
            links = soup.select("nav.contents a")
            assert [a["href"] for a in links] == [f"#{i}" for i in expected]
            assert [a.get_text() for a in links] == [s.h2.get_text() for s in sections]


@pytest.mark.parametrize("name", ["minimal", "two-releases", "three-languages"])
def test_language_switcher_leads_to_the_same_page_in_every_language(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    for slug in content.slugs():
        suffix = f"{slug}/" if slug else ""
        expected = [
            (f"{root_of(slug)}{lang['code']}/{suffix}", lang["html_lang"]) for lang in content.languages
        ]
        for code in content.codes:
            links = parse(project / "site" / content.page(code, slug)).select("nav.language-switcher li > *")
            # The page's own language is named, but is no link to the page itself.
            assert [(a.get("href"), a["lang"]) for a in links] == [
                (None if c == code else href, lang) for c, (href, lang) in zip(content.codes, expected)
            ]
            assert [a.get("aria-current") for a in links] == [
                "page" if c == code else None for c in content.codes
            ]


@pytest.mark.parametrize("name", ["minimal", "three-languages"])
def test_front_door_offers_each_language_without_javascript(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    soup = parse(project / "site" / "index.html")
    assert not soup.find("script")
    choices = soup.select(".language-choices li")
    assert [(li["lang"], li.a["href"]) for li in choices] == [
        (lang["html_lang"], f"{lang['code']}/") for lang in content.languages
    ]
    for choice, lang in zip(choices, content.languages):
        prompt = content.interface(lang["code"], "Read the release in %(language)s") % {
            "language": lang["name"]
        }
        assert choice.select_one(".choice-language").get_text() == prompt
        assert (
            straight(choice.select_one(".choice-headline").get_text())
            == content.release(lang["code"])["headline"]
        )


def internal_targets(site: Path, page: str) -> list[tuple[str, str]]:
    soup = parse(site / page)
    refs = [a["href"] for a in soup.find_all("a", href=True)] + [
        link["href"] for link in soup.find_all("link", href=True)
    ]
    return [(page, ref) for ref in refs if not urlparse(ref).scheme]


def assert_internal_links_resolve(site: Path, page: str) -> None:
    for source, ref in internal_targets(site, page):
        url = urlparse(urljoin(f"http://site/{source}", ref))
        path = url.path.lstrip("/")
        target = site / path
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        assert target.is_file(), f"{source} links to missing {ref}"
        if url.fragment:
            assert parse(target).find(id=url.fragment), f"{source} links to missing anchor {ref}"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_internal_link_and_anchor_resolves(built_fixture, name):
    # 404.html links from the site's public path, for any depth: test_hosting serves it.
    site = built_fixture(name) / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
    assert len(pages) == len(site_pages(Content(site.parent)))
    for page in pages:
        assert_internal_links_resolve(site, page)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_no_page_needs_javascript_or_another_host(built_fixture, name):
    project = built_fixture(name)
    base = Content(project).base_url
    for page in [*site_pages(Content(project)), "404.html"]:
        soup = parse(project / "site" / page)
        assert all(script.get("type") == "application/ld+json" for script in soup.find_all("script"))
        for element in soup.find_all(["link", "a", "img", "script"]):
            ref = element.get("href") or element.get("src") or ""
            if (
                element.name == "link"
                and element.get("rel") in (["canonical"], ["alternate"])
                and ref.startswith(base)
            ):
                continue  # addresses of this site's own public copy, by design
            assert not urlparse(ref).netloc, (page, ref)


# --- figures ---------------------------------------------------------------


def field_texts(content: Content, code: str) -> list[str]:
    """Return the release's texts that show outside the sections' Markdown, as written in the files."""
    release = content.release(code)
    titles = [section["title"] for section in content.sections(code)]
    return [release["headline"], release["subhead"], *release["figures"].values(), *titles]


@pytest.mark.parametrize("code", Content(FIXTURES / "every-fact-type").codes)
def test_every_figure_on_the_page_comes_from_the_facts_file(built_fixture, code):
    project = built_fixture("every-fact-type")
    content = Content(project)
    facts, written = content.facts(), content.golden()[code]
    soup = parse(project / "site" / content.page(code))
    marked = soup.select(".fact")
    in_sections = [ref for section in content.sections(code) for ref in fact_references(section["body"])]
    # Each reference in a section, each key figure, and the release date twice (dateline, about).
    assert len(marked) == len(in_sections) + len(content.release(code)["figures"]) + 2
    for element in marked:
        value = element.get("value") or element.get("datetime")
        assert any(
            machine_value(facts[ref.partition(":")[0]]) == value and text == element.get_text()
            for ref, text in written.items()
        ), element
        element.decompose()
    text = straight(soup.main.get_text(" ") + " " + soup.title.get_text())
    # A headline, title or label cannot hold markup: its figures must be its own references, written out.
    for field in field_texts(content, code):
        shown = straight(expand(field, written))
        assert shown in text, shown
        text = text.replace(shown, re.sub(r"\[\[[^\]]*\]\]", " ", field))
    glossary = read_toml(project / "content" / "glossary.toml")
    for form in sorted(
        {name[c] for name in glossary.values() for c in content.codes if name.get(c)}, key=len
    )[::-1]:
        text = text.replace(form, " ")
    text = text.replace("###", " ")
    assert not re.search(r"\d", text), re.findall(r".{0,20}\d.{0,20}", text)


def test_key_figures_panel_shows_localized_labels_and_values(built_fixture):
    project = built_fixture("every-fact-type")
    content = Content(project)
    facts, golden = content.facts(), content.golden()
    ids = list(content.release(content.source["code"])["figures"])
    for code in content.codes:
        figures = parse(project / "site" / content.page(code)).select(".key-figures .figure")
        labels = content.release(code)["figures"]
        assert [straight(f.dt.get_text()) for f in figures] == [expand(labels[i], golden[code]) for i in ids]
        assert [f.dd.get_text() for f in figures] == [golden[code][i] for i in ids]
        assert [f.dd.data["value"] for f in figures] == [machine_value(facts[i]) for i in ids]


def test_dateline_shows_the_release_date_in_each_language(built_fixture):
    project = built_fixture("every-fact-type")
    content = Content(project)
    for code in content.codes:
        release = content.release(code)
        date = content.golden()[code]["release_date"]
        place = content.interface(code, "%(place)s, %(date)s") % {
            "place": release["dateline_place"],
            "date": date,
        }
        dateline = parse(project / "site" / content.page(code)).select_one(".dateline").get_text()
        assert " ".join(dateline.split()) == f"{place} /{release['distributor']}/"


def chinese(content: Content) -> str:
    """Return the code of the project's language that is typeset as Chinese (CJK)."""
    return next(lang["code"] for lang in content.languages if lang["typography"] == "cjk")


def test_chinese_page_keeps_each_multiplier_meaning(built_fixture):
    # "是上年的1.8倍" (1.8 times last year's) is not "增长1.8倍" (grew by 1.8 times): the
    # figure is written bare and the translator's words around it are kept as they are.
    project = built_fixture("every-fact-type")
    content = Content(project)
    zh = chinese(content)
    written = content.golden()[zh]
    text = parse(project / "site" / content.page(zh)).main.get_text()
    multipliers = [fact_id for fact_id, fact in content.facts().items() if fact["type"] == "multiplier"]
    used = 0
    for section in content.sections(zh):
        for paragraph in section["body"].split("\n\n"):
            if any(f"[[{fact_id}]]" in paragraph for fact_id in multipliers):
                assert expand(paragraph, written) in text
                used += 1
    assert used
    for fact_id in multipliers:
        assert f"增长{written[fact_id]}" not in text


def hard_wrap(paragraph: str, width: int) -> str:
    """Break a Chinese paragraph between two Chinese characters every `width` characters, as some editors do."""
    out, run = [], 0
    for char, following in zip(paragraph, [*paragraph[1:], ""]):
        out.append(char)
        run += 1
        if run >= width and HAN.match(char) and HAN.match(following):
            out.append("\n")
            run = 0
    return "".join(out)


def test_hard_wrapped_chinese_paragraphs_have_no_stray_line_breaks(minimal: Path):
    zh = chinese(Content(minimal))
    for section in Content(minimal).sections(zh):
        path = section["path"]
        text = path.read_text(encoding="utf-8")
        wrapped = "\n\n".join(hard_wrap(p, 8) for p in section["body"].split("\n\n"))
        path.write_text(text.replace(section["body"], wrapped), encoding="utf-8")
        assert re.search(r"[\u4e00-\u9fff]\n[\u4e00-\u9fff]", path.read_text(encoding="utf-8"))
    result = run_build(minimal)
    assert result.returncode == 0, result.stderr
    site = minimal / "site"
    paragraphs = parse(site / Content(minimal).page(zh)).select(".release-body p")
    assert paragraphs
    for p in paragraphs:
        assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", p.get_text()), p
    for block in (site / zh / "release.txt").read_text(encoding="utf-8-sig").split("\n\n"):
        assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", block), block


def test_sub_headings_with_one_title_get_numbered_ids(minimal: Path):
    repeated = "\n\n".join(f"### Background\n\nPart {n}." for n in range(4))
    append(minimal, "content/en/02-firms.md", repeated)
    result = run_build(minimal)
    assert result.returncode == 0, result.stderr
    page = parse(minimal / "site" / Content(minimal).page("en"))
    ids = [h["id"] for h in page.select(".release-body h3") if h.get_text() == "Background"]
    assert len(ids) == 4 and ids[0].endswith("background")
    assert ids[1:] == [f"{ids[0]}_{n}" for n in (1, 2, 3)]
    every = [element["id"] for element in page.select("[id]")]
    assert len(every) == len(set(every))


# --- builds ----------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_two_builds_are_byte_identical(tmp_path: Path, name):
    project = fixture_project(tmp_path / "project", name)
    assert run_build(project, "build", "--out", str(tmp_path / "one")).returncode == 0
    assert run_build(project, "build", "--out", str(tmp_path / "two")).returncode == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_build_into_another_folder_leaves_site_alone(minimal: Path, tmp_path: Path):
    result = run_build(minimal, "build", "--out", str(tmp_path / "elsewhere"))
    assert result.returncode == 0
    content = Content(minimal)
    assert (tmp_path / "elsewhere" / content.page(content.source["code"])).is_file()
    assert not (minimal / "site").exists()


# --- further releases --------------------------------------------------------


def written_date(content: Content, code: str, day) -> str:
    """Return a date as the language's press style in site.toml writes it (CLDR pattern, Babel)."""
    language = content.language(code)
    return format_date(day, language["style"]["date"], locale=language["locale"])


def test_further_releases_get_their_own_pages_and_are_listed(built_fixture):
    project = built_fixture("two-releases")
    content = Content(project)
    site = project / "site"
    further = content.slugs()[1:]
    assert further
    for slug in further:
        day = content.facts(slug)["release_date"]["value"]
        for code in content.codes:
            page = parse(site / content.page(code, slug))
            assert straight(page.h1.get_text()) == content.release(code, slug)["headline"]
            assert [a.get("href") for a in page.select("nav.language-switcher li > *")] == [
                None if c == code else f"../../{c}/{slug}/" for c in content.codes
            ]
            assert page.select_one(".home-link a")["href"] == f"../../{code}/"
            assert page.select_one("link[rel=stylesheet]")["href"].startswith("../../assets/style.")
            listing = parse(site / content.page(code)).select(".more-releases li")
            entry = next(li for li in listing if li.a["href"] == f"{slug}/")
            assert entry.time["datetime"] == day.isoformat()
            assert entry.time.get_text() == written_date(content, code, day)
    for code in content.codes:
        listing = parse(site / content.page(code)).select(".more-releases li")
        assert sorted(li.a["href"] for li in listing) == [f"{slug}/" for slug in further]
        for source in (content.page(code), *(content.page(code, slug) for slug in further)):
            assert_internal_links_resolve(site, source)


def test_release_folder_name_must_be_a_web_address(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    slug = Content(project).slugs()[1]
    wrong = slug.replace("-", "_").title()
    (project / "content" / "releases" / slug).rename(project / "content" / "releases" / wrong)
    result = run_build(project)
    assert result.returncode == 1
    assert (
        f"content/releases/{wrong}: error: the release folder name `{wrong}` becomes a web address"
        in result.stderr
    )


# --- page titles -------------------------------------------------------------


@pytest.mark.parametrize("name", ["minimal", "two-releases", "three-languages"])
def test_every_release_page_title_names_the_release_and_the_newsroom(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    for slug in content.slugs():
        for lang in content.languages:
            page = parse(project / "site" / content.page(lang["code"], slug))
            assert page.title.get_text() == f"{page.h1.get_text()} | {lang['site_name']}"
            assert page.select_one(".site-name").get_text() == lang["site_name"]


@pytest.mark.parametrize("name", ["minimal", "three-languages"])
def test_front_door_title_names_the_newsroom(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    assert content.source["site_name"] in parse(project / "site" / "index.html").title.get_text()


@pytest.mark.parametrize("name", ["minimal", "three-languages"])
def test_not_found_page_title_says_page_not_found_in_every_language(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    title = parse(project / "site" / "404.html").title.get_text()
    said = [content.interface(code, "Page not found") for code in content.codes]
    assert title.startswith(" | ".join(said) + " | ")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_key_figures_fill_both_columns_of_every_row(built_fixture, name):
    # The panel has two columns: a card marked wide takes a whole row. No row may be
    # left with one card beside an empty slot, and a long figure never shares a row.
    project = built_fixture(name)
    content = Content(project)
    for page in content.release_pages():
        cards = parse(project / "site" / page).select(".key-figures .figure")
        alone = False
        for card in cards:
            value = card.dd.get_text()
            columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)
            wide = "wide" in card["class"]
            assert wide or columns <= 12, f"{page}: {value!r} shares a row on a phone"
            assert not (wide and alone), f"{page}: the card before {value!r} is alone in its row"
            alone = False if wide else not alone
        assert not alone, f"{page}: the last key figure is alone in its row"
