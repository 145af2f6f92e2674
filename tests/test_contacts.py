"""The media contact: a release's own or the newsroom's, on the page, in a vCard, the wire copy and the press kit."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from .conftest import assert_each_edit_refused, fixture_project, parse, run_build, run_check, tree_digest

RELEASE_CONTACT = """
[contact]
name = "Anna Berg"
title = "Press officer"
organization = "Lakeside District News Office"
phone = "+86 (29) 3368-0101"
email = "press@lakeside.example"
"""

RELEASE_CONTACT_ZH = """
[contact]
title = "新闻发言人"
organization = "湖滨区新闻办公室"
"""

NEWSROOM = """\
# The newsroom's media contact, for releases that name none.
[en]
name = "Lakeside District News Office"
phone = "+86 29 3368 0000"
email = "news@lakeside.example"
url = "https://lakeside.example/press/"

[zh-hans]
name = "湖滨区新闻办公室"
"""


def project_with(tmp_path: Path, release: bool = False, newsroom: bool = False) -> Path:
    project = fixture_project(tmp_path / "project", "minimal")
    content = project / "content"
    if release:
        for code, table in (("en", RELEASE_CONTACT), ("zh-hans", RELEASE_CONTACT_ZH)):
            with (content / code / "release.toml").open("a", encoding="utf-8") as file:
                file.write(table)
    if newsroom:
        (content / "contact.toml").write_text(NEWSROOM, encoding="utf-8")
    return project


def contact_block(project: Path, code: str):
    return parse(project / "site" / code / "index.html").select_one("address.contact")


def notices(project: Path) -> list[dict]:
    result = run_check(project, "--format", "json")
    return [p for p in json.loads(result.stdout)["findings"] if p["kind"] == "no-contact"]


def test_a_release_shows_its_own_contact_with_links_in_each_language(tmp_path: Path):
    project = project_with(tmp_path, release=True, newsroom=True)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    english, chinese = contact_block(project, "en"), contact_block(project, "zh-hans")
    assert english.select_one(".contact-name").get_text() == "Anna Berg"
    assert english.select_one(".contact-title").get_text() == "Press officer"
    assert english.select_one(".contact-phone a")["href"] == "tel:+862933680101"
    assert english.select_one(".contact-phone a").get_text() == "+86 (29) 3368-0101"
    assert english.select_one(".contact-email a")["href"] == "mailto:press@lakeside.example"
    assert english.find_previous("h3").get_text() == "Media contact"
    # The name has no confirmed Chinese form: the English is shown, marked as English.
    name = chinese.select_one(".contact-name")
    assert (name.get_text(), name["lang"]) == ("Anna Berg", "en")
    assert chinese.select_one(".contact-title").get_text() == "新闻发言人"
    assert not chinese.select_one(".contact-title").has_attr("lang")
    assert chinese.select_one(".contact-phone a")["href"] == "tel:+862933680101"
    assert chinese.find_previous("h3").get_text() == "媒体联系人"
    assert notices(project) == []


def test_the_vcard_holds_the_contact_in_the_pages_language(tmp_path: Path):
    project = project_with(tmp_path, release=True)
    assert run_build(project).returncode == 0
    page = parse(project / "site" / "zh-hans" / "index.html")
    link = page.select_one(".contact-card a")
    assert link["type"] == "text/vcard"
    card = (project / "site" / "zh-hans" / link["href"]).read_bytes()
    assert card.endswith(b"\r\n") and b"\n" not in card.replace(b"\r\n", b"")
    text = card.decode("utf-8")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:Anna Berg\r\n" in text
    assert "TITLE:新闻发言人\r\n" in text
    assert "TEL;TYPE=WORK,VOICE:+86 (29) 3368-0101\r\n" in text
    assert "EMAIL;TYPE=INTERNET,WORK:press@lakeside.example\r\n" in text
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


def test_a_long_contact_is_folded_and_escaped_in_the_vcard(tmp_path: Path):
    project = project_with(tmp_path, release=True)
    release = project / "content" / "en" / "release.toml"
    long_name = "Lakeside District News Office, Media Relations; Foreign Press Desk " * 2
    release.write_text(
        release.read_text(encoding="utf-8").replace(
            'organization = "Lakeside District News Office"', f'organization = "{long_name.strip()}"'
        ),
        encoding="utf-8",
    )
    assert run_build(project).returncode == 0
    text = (project / "site" / "en" / "contact.vcf").read_bytes().decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert "ORG:Lakeside District News Office\\, Media Relations\\; Foreign Press Desk" in unfolded
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


def test_the_wire_copy_and_the_press_kit_carry_the_contact(tmp_path: Path):
    project = project_with(tmp_path, release=True)
    assert run_build(project).returncode == 0
    wire = (project / "site" / "en" / "release.txt").read_text(encoding="utf-8-sig")
    block = wire.split("Media contact\n", 1)[1]
    assert block.startswith(
        "Anna Berg\nPress officer\nLakeside District News Office\n+86 (29) 3368-0101\npress@lakeside.example\n"
    )
    assert block.rstrip().endswith("###")
    with zipfile.ZipFile(io.BytesIO((project / "site" / "en" / "press-kit.zip").read_bytes())) as kit:
        names = [name.split("/", 1)[1] for name in kit.namelist()]
        card = next(n for n in kit.namelist() if n.endswith("contact.vcf"))
        assert kit.read(card) == (project / "site" / "en" / "contact.vcf").read_bytes()
    assert "contact.vcf" in names


def test_a_release_without_its_own_shows_the_newsrooms_and_check_says_so(tmp_path: Path):
    project = project_with(tmp_path, newsroom=True)
    assert run_build(project).returncode == 0
    english, chinese = contact_block(project, "en"), contact_block(project, "zh-hans")
    assert english.select_one(".contact-name").get_text() == "Lakeside District News Office"
    assert english.select_one(".contact-url a")["href"] == "https://lakeside.example/press/"
    assert chinese.select_one(".contact-name").get_text() == "湖滨区新闻办公室"
    assert chinese.select_one(".contact-email a").get_text() == "news@lakeside.example"
    [notice] = notices(project)
    assert notice["severity"] == "notice"
    assert notice["path"] == "content/en/release.toml"
    assert "the page shows the newsroom's" in notice["message"]


def test_with_no_contact_anywhere_nothing_is_invented(tmp_path: Path):
    project = project_with(tmp_path)
    assert run_build(project).returncode == 0
    for code in ("en", "zh-hans"):
        page = parse(project / "site" / code / "index.html")
        assert page.select_one("address.contact") is None
        assert not (project / "site" / code / "contact.vcf").exists()
        assert "contact.vcf" not in str(page)
    [notice] = notices(project)
    assert "the page shows none" in notice["message"]


def test_a_missing_translation_of_a_title_warns(tmp_path: Path):
    project = project_with(tmp_path, release=True)
    chinese = project / "content" / "zh-hans" / "release.toml"
    chinese.write_text(
        chinese.read_text(encoding="utf-8").replace('title = "新闻发言人"\n', ""), encoding="utf-8"
    )
    result = run_check(project, "--format", "json")
    warnings = [p for p in json.loads(result.stdout)["findings"] if p["kind"] == "missing-translation"]
    assert [(w["path"], w["severity"]) for w in warnings] == [("content/zh-hans/release.toml", "warning")]
    assert "`name`, `title`" in warnings[0]["message"]


def test_mistakes_in_a_contact_are_located_and_leave_the_site_as_it_was(tmp_path: Path):
    project = project_with(tmp_path, release=True, newsroom=True)
    assert run_build(project).returncode == 0
    before = tree_digest(project / "site")
    cases = [
        ('email = "press@lakeside.example"', 'email = "press at lakeside"', "is not an e-mail address"),
        ('phone = "+86 (29) 3368-0101"', 'phone = "call <b>us</b>"', "should hold digits"),
        ('phone = "+86 (29) 3368-0101"', "phone = 862933680101", "should be text in quotes"),
        ('name = "Anna Berg"', 'nmae = "Anna Berg"', "unknown key `nmae`"),
    ]
    assert_each_edit_refused(project, "content/en/release.toml", cases)
    chinese = project / "content" / "zh-hans" / "release.toml"
    chinese.write_text(chinese.read_text(encoding="utf-8") + 'phone = "+86 29 1"\n', encoding="utf-8")
    result = run_build(project)
    assert "is typed once, in the source language's contact" in result.stderr
    assert tree_digest(project / "site") == before


def test_mistakes_in_the_newsrooms_contact_are_located(tmp_path: Path):
    project = project_with(tmp_path, newsroom=True)
    path = project / "content" / "contact.toml"
    path.write_text(NEWSROOM.replace("[zh-hans]", "[zh]"), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert "content/contact.toml:8: error: `zh` is not a language of site.toml" in result.stderr
    path.write_text(
        NEWSROOM.replace('email = "news@lakeside.example"\n', "").replace("phone =", "fax ="),
        encoding="utf-8",
    )
    result = run_build(project)
    assert result.returncode == 1
    assert "content/contact.toml:4: error: unknown key `fax`" in result.stderr


def test_hostile_contact_text_is_escaped(tmp_path: Path):
    project = project_with(tmp_path, release=True)
    release = project / "content" / "en" / "release.toml"
    release.write_text(
        release.read_text(encoding="utf-8").replace(
            'title = "Press officer"', 'title = "<script>alert(1)</script> officer"'
        ),
        encoding="utf-8",
    )
    assert run_build(project).returncode == 0
    block = contact_block(project, "en")
    assert block.select_one("script") is None
    assert block.select_one(".contact-title").get_text() == "<script>alert(1)</script> officer"
