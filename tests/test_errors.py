"""Broken input: the editor gets `path:line: message`, and site/ stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import edit, parse, run_build, tree_digest

BROKEN = [
    pytest.param(
        "content/facts.toml",
        '[high_tech_firms]\ntype = "count"\nvalue = 490',
        '[high_tech_firms]\ntype = "count"\nvalue = 490 firms',
        "content/facts.toml:41: error: this TOML is not valid",
        id="malformed-facts-toml",
    ),
    pytest.param(
        "content/en/02-industry.md",
        'title = "Industrial',
        "title = Industrial",
        "content/en/02-industry.md:3: error: this TOML is not valid",
        id="malformed-front-matter",
    ),
    pytest.param(
        "content/zh-hans/03-talent-finance.md",
        "+++\nid",
        "id",
        "content/zh-hans/03-talent-finance.md:1: error: this section has no header block",
        id="missing-header-block",
    ),
    pytest.param(
        "content/en/04-action-plan.md",
        'title = "A three-year plan for Qinchuangyuan"\n+++',
        'title = "A three-year plan for Qinchuangyuan"\n',
        "content/en/04-action-plan.md:1: error: the header block that starts on line 1 is never closed",
        id="unclosed-header-block",
    ),
    pytest.param(
        "content/en/01-overview.md",
        'title = "A year',
        'titel = "A year',
        "content/en/01-overview.md:3: error: unknown key `titel` in the header block",
        id="misspelled-front-matter-key",
    ),
    pytest.param(
        "content/zh-hans/05-sensecraft.md",
        "[[sensor_cost_cut]]",
        "[[sensor_cost_cuts]]",
        "content/zh-hans/05-sensecraft.md:9: error: unknown fact `sensor_cost_cuts` in [[sensor_cost_cuts]]",
        id="unknown-fact-id",
    ),
    pytest.param(
        "content/en/release.toml",
        "[figures]\n",
        '[figures]\nno_such_fact = "Nothing"\n',
        "content/en/release.toml:14: error: unknown fact `no_such_fact` in [figures]",
        id="unknown-fact-in-key-figures",
    ),
    pytest.param(
        "templates/release.html",
        '{{ _("Key figures") }}',
        '{{ _("Key figures") }',
        "templates/release.html:25: error: template error: unexpected '}'",
        id="template-syntax-error",
    ),
    pytest.param(
        "templates/release.html",
        "{{ release.subhead }}",
        "{{ release.sub_head }}",
        "templates/release.html:10: error: template error:",
        id="template-undefined-name",
    ),
    pytest.param(
        "content/site.toml",
        'locale = "zh_Hans_CN"',
        'locale = "zz_Qq"',
        "content/site.toml:{line}: error: unknown locale `zz_Qq`",
        id="unknown-locale",
    ),
    pytest.param(
        "locales/zh_Hans_CN/LC_MESSAGES/messages.po",
        'msgstr "关键数据"',
        'msgstr "关键数据',
        "locales/zh_Hans_CN/LC_MESSAGES/messages.po:{line}: error: this catalog line is not valid",
        id="broken-catalog",
    ),
]


@pytest.mark.parametrize(("relative", "old", "new", "expected"), BROKEN)
def test_bad_input_prints_path_line_message_and_keeps_site(project: Path, relative, old, new, expected):
    assert run_build(project).returncode == 0
    before = tree_digest(project / "site")
    line = next(
        n
        for n, text in enumerate((project / relative).read_text(encoding="utf-8").splitlines(), 1)
        if old.split("\n")[0] in text
    )
    edit(project, relative, old, new)
    expected = expected.replace("{line}", str(line))
    result = run_build(project)
    assert result.returncode == 1
    assert expected in result.stderr
    assert result.stderr.startswith(expected.split(":")[0])
    assert "Traceback" not in result.stderr + result.stdout
    assert "site/ was left as it was." in result.stderr
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_every_problem_is_listed_before_stopping(project: Path):
    edit(project, "content/en/01-overview.md", "[[high_tech_firms]]", "[[high_tech_firm]]")
    edit(project, "content/zh-hans/02-industry.md", "[[industrial_parks]]", "[[industrial_park]]")
    result = run_build(project)
    assert result.returncode == 1
    assert "content/en/01-overview.md:8: error: unknown fact `high_tech_firm`" in result.stderr
    assert "Did you mean `high_tech_firms`?" in result.stderr
    assert "content/zh-hans/02-industry.md:7: error: unknown fact `industrial_park`" in result.stderr
    assert "Build failed: 2 errors." in result.stderr


def test_missing_translation_falls_back_to_english_with_a_notice(project: Path):
    (project / "content/zh-hans/04-action-plan.md").unlink()
    result = run_build(project)
    assert result.returncode == 0
    assert (
        "content/en/04-action-plan.md:2: warning: section `action-plan` has no 简体中文 translation"
        in result.stderr
    )
    section = parse(project / "site/zh-hans/index.html").find(id="action-plan")
    assert section["lang"] == "en"
    assert section.select_one(".fallback-notice")["lang"] == "zh-Hans"
    assert section.select_one(".fallback-notice").get_text() == "本节尚未译成中文，以下为英文原文。"
    assert "March 14, 2023" in section.get_text()
    toc = parse(project / "site/zh-hans/index.html").select_one('nav.contents a[href="#action-plan"]')
    assert toc["lang"] == "en"


def test_translated_section_without_an_original_is_an_error(project: Path):
    edit(project, "content/zh-hans/06-outlook.md", 'id = "outlook"', 'id = "outlok"')
    result = run_build(project)
    assert result.returncode == 1
    assert (
        "content/zh-hans/06-outlook.md:2: error: section id `outlok` matches no English section"
        in result.stderr
    )
    assert "Did you mean `outlook`?" in result.stderr


def test_duplicate_section_id_is_an_error(project: Path):
    edit(project, "content/en/06-outlook.md", 'id = "outlook"', 'id = "overview"')
    result = run_build(project)
    assert result.returncode == 1
    assert (
        "content/en/06-outlook.md:2: error: section id `overview` is already used by 01-overview.md"
        in result.stderr
    )


def test_error_without_previous_site_writes_nothing(project: Path):
    edit(project, "content/facts.toml", 'type = "count"\nvalue = 490', 'type = "count"\nvalue = 490 firms')
    assert run_build(project).returncode == 1
    assert not (project / "site").exists()


def test_unwritable_output_is_reported_without_traceback(project: Path):
    (project / "blocker").write_text("a file, not a folder", encoding="utf-8")
    result = run_build(project, "build", "--out", "blocker/site")
    assert result.returncode == 1
    assert "error: cannot write the site" in result.stderr
    assert "Traceback" not in result.stderr
