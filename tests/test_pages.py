"""The real content built end to end: pages, languages, links, figures."""

from __future__ import annotations

import itertools
import re
import shutil
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from microsite.load.facts import format_fact, load_facts
from microsite.load.settings import load_settings

from .conftest import ROOT, parse, run_build, tree_digest

PAGES = ["index.html", "en/index.html", "zh-hans/index.html"]
LANGS = {"en/index.html": "en", "zh-hans/index.html": "zh-Hans", "index.html": "en"}


def section_ids(folder: Path) -> list[str]:
    ids = []
    for path in sorted(folder.glob("*.md")):
        header = path.read_text(encoding="utf-8").split("+++")[1]
        ids.append(tomllib.loads(header)["id"])
    return ids


def test_build_writes_pretty_urls_and_assets(built_site: Path):
    for page in PAGES:
        assert (built_site / page).is_file()
    assert [p.name for p in (built_site / "assets").glob("style.*.css")]


def test_summary_line_counts_pages_and_time(project: Path):
    result = run_build(project)
    assert result.returncode == 0
    assert re.fullmatch(
        r"Built 4 pages \(en, zh-hans, the language picker and 404\) and \d+ other files into site/ in \d+\.\d\d s: 0 warnings, \d+ unverified names\.\n",
        result.stdout,
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_page_sets_its_language(built_site: Path, page):
    assert parse(built_site / page).html["lang"] == LANGS[page]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_landmarks_one_h1_and_a_skip_link(built_site: Path, page):
    soup = parse(built_site / page)
    assert len(soup.find_all("h1")) == 1
    skip = soup.body.find("a")
    assert skip["href"] == "#main" and soup.find(id="main").name == "main"
    assert soup.find("header") and soup.find("nav") and soup.find("main")
    assert soup.head.find("meta")["charset"] == "utf-8"
    assert soup.find("meta", attrs={"name": "viewport"})


def test_headings_do_not_skip_levels(built_site: Path):
    for page in PAGES:
        levels = [int(h.name[1]) for h in parse(built_site / page).find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (page, levels)


def test_every_section_exists_in_both_languages():
    assert section_ids(ROOT / "content" / "en") == section_ids(ROOT / "content" / "zh-hans")


def test_pages_show_every_section_in_order_without_fallback(built_site: Path):
    expected = section_ids(ROOT / "content" / "en")
    for page in ("en/index.html", "zh-hans/index.html"):
        soup = parse(built_site / page)
        sections = soup.select(".release-body > section")
        assert [s["id"] for s in sections] == expected
        assert not soup.select(".fallback")
        assert [a["href"] for a in soup.select("nav.contents a")] == [f"#{i}" for i in expected]


def test_language_switcher_leads_to_the_same_page_in_the_other_language(built_site: Path):
    soup = parse(built_site / "en/index.html")
    links = soup.select("nav.language-switcher a")
    assert [(a["href"], a["lang"]) for a in links] == [("../en/", "en"), ("../zh-hans/", "zh-Hans")]
    assert links[0]["aria-current"] == "page"
    zh = parse(built_site / "zh-hans/index.html").select("nav.language-switcher a")
    assert zh[1]["aria-current"] == "page" and zh[0]["href"] == "../en/"


def test_front_door_offers_each_language_without_javascript(built_site: Path):
    soup = parse(built_site / "index.html")
    assert not soup.find("script")
    choices = soup.select(".language-choices li")
    assert [(li["lang"], li.a["href"]) for li in choices] == [("en", "en/"), ("zh-Hans", "zh-hans/")]
    assert "阅读简体中文版新闻稿" in choices[1].get_text()


def internal_targets(site: Path, page: str) -> list[tuple[str, str]]:
    soup = parse(site / page)
    refs = [a["href"] for a in soup.find_all("a", href=True)] + [
        link["href"] for link in soup.find_all("link", href=True)
    ]
    return [(page, ref) for ref in refs if not urlparse(ref).scheme]


def test_every_internal_link_and_anchor_resolves(built_site: Path):
    for page in PAGES:
        for source, ref in internal_targets(built_site, page):
            url = urlparse(urljoin(f"http://site/{source}", ref))
            path = url.path.lstrip("/")
            target = built_site / path
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{source} links to missing {ref}"
            if url.fragment:
                assert parse(target).find(id=url.fragment), f"{source} links to missing anchor {ref}"


def test_no_page_needs_javascript_or_another_host(built_site: Path):
    for page in PAGES:
        soup = parse(built_site / page)
        assert all(script.get("type") == "application/ld+json" for script in soup.find_all("script"))
        for element in soup.find_all(["link", "a", "img", "script"]):
            ref = element.get("href") or element.get("src") or ""
            if (
                element.name == "link"
                and element.get("rel") in (["canonical"], ["alternate"])
                and ref.startswith("https://example.org/xixian-2023/")
            ):
                continue  # addresses of this site's own public copy, by design
            assert not urlparse(ref).netloc, (page, ref)


def glossary_forms() -> list[str]:
    glossary = tomllib.loads((ROOT / "content" / "glossary.toml").read_text(encoding="utf-8"))
    return sorted(
        {form for name in glossary.values() for form in (name["en"], name["zh-hans"]) if form},
        key=len,
        reverse=True,
    )


@pytest.mark.parametrize(("page", "code"), [("en/index.html", "en"), ("zh-hans/index.html", "zh-hans")])
def test_every_figure_on_the_page_comes_from_the_facts_file(built_site: Path, page, code):
    settings = load_settings(ROOT / "content" / "site.toml")
    language = next(lang for lang in settings.languages if lang.code == code)
    facts, _ = load_facts(ROOT / "content" / "facts.toml")
    soup = parse(built_site / page)
    marked = soup.select(".fact")
    assert len(marked) > 30
    for element in marked:
        value = element.get("value") or element.get("datetime")
        fact = next(
            f
            for f in facts.values()
            if f.machine_value() == value and format_fact(f, language) == element.get_text()
        )
        assert fact is not None
        element.decompose()
    text = soup.main.get_text(" ") + " " + soup.title.get_text()
    for form in glossary_forms():
        text = text.replace(form, " ")
    text = text.replace("###", " ")
    assert not re.search(r"\d", text), re.findall(r".{0,20}\d.{0,20}", text)


def test_every_fact_is_used_by_some_section():
    facts, _ = load_facts(ROOT / "content" / "facts.toml")
    for code in ("en", "zh-hans"):
        text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "content" / code).glob("*.md"))
        unused = [f for f in facts if f != "release_date" and f"[[{f}]]" not in text]
        assert unused == [], code


def test_key_figures_panel_shows_localized_labels_and_values(built_site: Path):
    en = parse(built_site / "en/index.html").select(".key-figures .figure")
    zh = parse(built_site / "zh-hans/index.html").select(".key-figures .figure")
    assert len(en) == len(zh) == 8
    assert en[4].dd.get_text() == "45.2 billion yuan" and zh[4].dd.get_text() == "452亿元"
    assert zh[4].dt.get_text() == "隆基绿能光伏新项目总投资"


def test_dateline_shows_the_release_date_in_each_language(built_site: Path):
    assert (
        parse(built_site / "en/index.html").select_one(".dateline").get_text(" ", strip=True)
        == "XI’AN, China, March 24, 2023 /Xinhua=KYODO JBN/"
    )
    assert (
        parse(built_site / "zh-hans/index.html").select_one(".dateline").get_text(" ", strip=True)
        == "中国西安 2023年3月24日 /Xinhua=KYODO JBN/"
    )


def test_chinese_page_keeps_each_multiplier_meaning(built_site: Path):
    text = parse(built_site / "zh-hans/index.html").main.get_text()
    assert "是上年的1.8倍" in text and "增长1.8倍" not in text


def test_chinese_paragraphs_have_no_stray_line_breaks(built_site: Path):
    for p in parse(built_site / "zh-hans/index.html").select(".release-body p"):
        assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", p.get_text())


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path):
    assert run_build(project, "build", "--out", str(tmp_path / "one")).returncode == 0
    assert run_build(project, "build", "--out", str(tmp_path / "two")).returncode == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_build_into_another_folder_leaves_site_alone(project: Path, tmp_path: Path):
    result = run_build(project, "build", "--out", str(tmp_path / "elsewhere"))
    assert result.returncode == 0
    assert (tmp_path / "elsewhere" / "en" / "index.html").is_file()
    assert not (project / "site").exists()


def add_release(project: Path, slug: str, date: str, headline_en: str) -> None:
    """Copy the main release into content/releases/SLUG/ with another date and headline."""
    folder = project / "content" / "releases" / slug
    folder.mkdir(parents=True)
    facts = (
        (project / "content/facts.toml")
        .read_text(encoding="utf-8")
        .replace("value = 2023-03-24", f"value = {date}")
    )
    (folder / "facts.toml").write_text(facts, encoding="utf-8")
    (folder / "schedule.toml").write_text(f"published = {date}T09:00:00+08:00\n", encoding="utf-8")
    for code in ("en", "zh-hans"):
        shutil.copytree(project / "content" / code, folder / code)
    release = folder / "en" / "release.toml"
    text = release.read_text(encoding="utf-8")
    release.write_text(
        re.sub(r'^headline = ".*"$', f'headline = "{headline_en}"', text, count=1, flags=re.M),
        encoding="utf-8",
    )


def test_further_releases_get_their_own_pages_and_are_listed(project: Path):
    add_release(project, "follow-up", "2023-04-02", "A follow-up release")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = parse(site / "en/follow-up/index.html")
    assert page.h1.get_text() == "A follow-up release"
    assert [a["href"] for a in page.select("nav.language-switcher a")] == [
        "../../en/follow-up/",
        "../../zh-hans/follow-up/",
    ]
    assert page.select_one(".home-link a")["href"] == "../../en/"
    assert page.select_one("link[rel=stylesheet]")["href"].startswith("../../assets/style.")
    listing = parse(site / "en/index.html").select(".more-releases li")
    assert [li.a["href"] for li in listing] == ["follow-up/"]
    assert "April 2, 2023" in listing[0].get_text()
    for source in ("en/follow-up/index.html", "zh-hans/follow-up/index.html", "en/index.html"):
        for _, ref in internal_targets(site, source):
            url = urlparse(urljoin(f"http://site/{source}", ref))
            target = site / url.path.lstrip("/")
            assert (target / "index.html" if url.path.endswith("/") else target).is_file(), (source, ref)


def test_release_folder_name_must_be_a_web_address(project: Path):
    add_release(project, "Follow_Up", "2023-04-02", "A follow-up release")
    result = run_build(project)
    assert result.returncode == 1
    assert (
        "content/releases/Follow_Up: error: the release folder name `Follow_Up` becomes a web address"
        in result.stderr
    )
