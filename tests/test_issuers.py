"""The issuer's "About" paragraph: kept once per issuer in each language, closing the page and the wire copy."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import fixture_project, parse, run_build, run_check

ISSUERS = """\
# Each issuing organisation's "About" paragraph, once per language.
[lakeside]
name = "Lakeside District Administration"
en = "Lakeside District Administration governs the district's 31 square kilometres along the lake."
zh-hans = "湖滨区政府负责管理沿湖31平方公里的湖滨区。"
"""


def project_with(tmp_path: Path, issuers: str | None) -> Path:
    project = fixture_project(tmp_path / "project", "minimal")
    if issuers is not None:
        (project / "content" / "issuers.toml").write_text(issuers, encoding="utf-8")
    return project


def about(project: Path, code: str):
    return parse(project / "site" / code / "index.html").select_one(".release-about")


def test_each_language_closes_with_its_own_paragraph_about_the_issuer(tmp_path: Path):
    project = project_with(tmp_path, ISSUERS)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    english, chinese = about(project, "en"), about(project, "zh-hans")
    assert english.h3.get_text() == "About Lakeside District Administration"
    assert (
        english.select_one("p.boilerplate").get_text().startswith("Lakeside District Administration governs")
    )
    assert chinese.h3.get_text() == "关于湖滨区政府"
    assert chinese.select_one("p.boilerplate").get_text() == "湖滨区政府负责管理沿湖31平方公里的湖滨区。"
    assert not chinese.select_one("p.boilerplate").has_attr("lang")
    wire = (project / "site" / "zh-hans" / "release.txt").read_text(encoding="utf-8-sig")
    assert "关于湖滨区政府\n\n湖滨区政府负责管理沿湖31平方公里的湖滨区。\n\n" in wire
    assert wire.index("关于湖滨区政府") < wire.index("###")
    english_wire = (project / "site" / "en" / "release.txt").read_text(encoding="utf-8-sig")
    assert (
        "About Lakeside District Administration\n\nLakeside District Administration governs" in english_wire
    )


def test_no_file_and_an_issuer_without_an_entry_mean_no_paragraph(tmp_path: Path):
    project = project_with(tmp_path, None)
    assert run_build(project).returncode == 0
    assert about(project, "en").h3 is None and about(project, "en").select_one(".boilerplate") is None
    other = ISSUERS.replace('name = "Lakeside District Administration"', 'name = "Another Office"')
    (project / "content" / "issuers.toml").write_text(other, encoding="utf-8")
    assert run_build(project).returncode == 0
    assert about(project, "en").select_one(".boilerplate") is None


def test_a_missing_translation_shows_the_original_marked_with_its_language_and_warns(tmp_path: Path):
    project = project_with(
        tmp_path, ISSUERS.replace('zh-hans = "湖滨区政府负责管理沿湖31平方公里的湖滨区。"\n', "")
    )
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    paragraph = about(project, "zh-hans").select_one("p.boilerplate")
    assert paragraph["lang"] == "en" and paragraph.get_text().startswith("Lakeside District Administration")
    found = json.loads(run_check(project, "--format", "json").stdout)["findings"]
    warning = next(f for f in found if f["path"] == "content/issuers.toml")
    assert (warning["line"], warning["severity"], warning["kind"]) == (2, "warning", "missing-translation")


def test_mistakes_in_the_file_are_reported_with_their_line_and_leave_the_site_alone(tmp_path: Path):
    project = project_with(tmp_path, None)
    assert run_build(project).returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    cases = {
        ISSUERS.replace("name =", "nmae ="): "content/issuers.toml:3: error:",
        ISSUERS.replace('en = "Lakeside', 'en = ""\nx = "Lakeside'): "content/issuers.toml:",
        ISSUERS
        + '[again]\nname = "Lakeside District Administration"\nen = "Twice."\n': "content/issuers.toml:7: error:",
        "[lakeside\n": "content/issuers.toml:1: error:",
    }
    for text, where in cases.items():
        (project / "content" / "issuers.toml").write_text(text, encoding="utf-8")
        result = run_build(project)
        assert result.returncode == 1, text
        assert where in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before
