"""`python build.py check`: one fixture per kind of problem, with its exact file, line and kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import edit, run_build


def check(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "build.py", "check", *args],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def findings(project: Path) -> list[dict]:
    result = check(project, "--format", "json")
    return [f for f in json.loads(result.stdout)["findings"] if f["kind"] != "unverified-name"]


def append(project: Path, relative: str, text: str) -> None:
    path = project / relative
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def line_count(project: Path, relative: str) -> int:
    return len((project / relative).read_text(encoding="utf-8").rstrip("\n").split("\n"))


def test_shipped_content_passes_check_strict(project: Path):
    result = check(project, "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith("(clean).")
    assert "0 errors, 0 warnings, 7 unverified names for staff to confirm" in result.stdout


ZH_SECTION = "content/zh-hans/01-overview.md"
EN_SECTION = "content/en/01-overview.md"

CASES = [
    # (id, edits, expected findings as (path, line, kind))
    pytest.param(
        lambda p: (p / "content/zh-hans/04-action-plan.md").unlink(),
        [("content/en/04-action-plan.md", 2, "missing-translation")],
        id="missing-section",
    ),
    pytest.param(
        lambda p: edit(p, "locales/zh_Hans_CN/LC_MESSAGES/messages.po", 'msgstr "关键数据"', 'msgstr ""'),
        [("locales/zh_Hans_CN/LC_MESSAGES/messages.po", "MSGID", "missing-interface-string")],
        id="missing-interface-string",
    ),
    pytest.param(
        lambda p: edit(p, "content/en/03-talent-finance.md", "a talent market", "a new talent market"),
        [("content/zh-hans/03-talent-finance.md", 4, "outdated-translation")],
        id="outdated-translation",
    ),
    pytest.param(
        lambda p: edit_translated_from_away(p),
        [(ZH_SECTION, 2, "unreviewed-translation")],
        id="unreviewed-translation",
    ),
    pytest.param(
        lambda p: edit(p, ZH_SECTION, "[[high_tech_firms]]家", "480家"),
        [(ZH_SECTION, 9, "figure-mismatch"), (ZH_SECTION, 9, "typed-figure")],
        id="figure-differs-between-languages",
    ),
    pytest.param(
        lambda p: edit(p, EN_SECTION, "recognised [[high_tech_firms]] high-tech", "recognised 490 high-tech"),
        [(EN_SECTION, 8, "typed-figure"), ("content/zh-hans/01-overview.md", 4, "outdated-translation")],
        id="figure-typed-instead-of-fact",
    ),
    pytest.param(
        lambda p: edit(
            p, "content/en/04-action-plan.md", "use Qinchuangyuan to drive", "use Qinchuanyuan to drive"
        ),
        [
            ("content/en/04-action-plan.md", 6, "name-near-miss"),
            ("content/zh-hans/04-action-plan.md", 4, "outdated-translation"),
        ],
        id="latin-name-near-miss",
    ),
    pytest.param(
        lambda p: edit(p, "content/zh-hans/05-sensecraft.md", "秦创原孵化器为我们", "秦创源孵化器为我们"),
        [("content/zh-hans/05-sensecraft.md", 17, "name-near-miss")],
        id="chinese-name-near-miss",
    ),
    pytest.param(
        lambda p: edit(
            p,
            "content/zh-hans/02-industry.md",
            "中国光伏巨头隆基绿能科技股份有限公司",
            "中国光伏巨头隆基公司",
        ),
        [("content/zh-hans/02-industry.md", 7, "name-missing")],
        id="name-missing-in-translation",
    ),
    pytest.param(
        lambda p: append(p, "content/facts.toml", '[spare_figure]\ntype = "count"\nvalue = 7'),
        [("content/facts.toml", "END-1", "unused-fact")],
        id="unused-fact",
    ),
    pytest.param(
        lambda p: (
            append(p, "content/en/06-outlook.md", "See [the figures](#key-figure)."),
            mark(p, "outlook"),
        ),
        [("content/en/06-outlook.md", "END", "broken-link")],
        id="broken-anchor",
    ),
    pytest.param(
        lambda p: (append(p, "content/en/06-outlook.md", "![](photo.jpg)"), mark(p, "outlook")),
        [
            ("content/en/06-outlook.md", "END", "missing-alt"),
            ("content/en/06-outlook.md", "END", "broken-link-image"),
        ],
        id="image-without-alt",
    ),
    pytest.param(
        lambda p: (append(p, "content/en/06-outlook.md", "#### Next steps"), mark(p, "outlook")),
        [("content/en/06-outlook.md", "END", "heading-skip")],
        id="heading-skips-a-level",
    ),
    pytest.param(
        lambda p: edit(p, "content/zh-hans/05-sensecraft.md", "技术瓶颈，并使", "技术瓶颈,并使"),
        [("content/zh-hans/05-sensecraft.md", 9, "half-width-punctuation")],
        id="half-width-punctuation",
    ),
    pytest.param(
        lambda p: edit(p, "content/zh-hans/06-outlook.md", "“我们还将构建", '"我们还将构建'),
        [("content/zh-hans/06-outlook.md", 9, "straight-quote")],
        id="straight-quote",
    ),
    pytest.param(
        lambda p: edit(
            p,
            "content/zh-hans/05-sensecraft.md",
            "降低了[[sensor_cost_cut]]",
            "降低了[[sensor_cost_cut]]，相当于原来的0.8 倍",
        ),
        [
            ("content/zh-hans/05-sensecraft.md", 9, "number-unit-style"),
            ("content/zh-hans/05-sensecraft.md", 9, "typed-figure"),
            ("content/zh-hans/05-sensecraft.md", 9, "figure-mismatch"),
        ],
        id="number-unit-style",
    ),
]


def edit_translated_from_away(project: Path) -> None:
    path = project / ZH_SECTION
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text(
        "\n".join(line for line in lines if not line.startswith("translated_from")), encoding="utf-8"
    )


def mark(project: Path, section: str) -> None:
    assert check(project, "--mark-reviewed", section).returncode in (0, 1)


def resolve(project: Path, expected):
    resolved = []
    for path, line, kind in expected:
        if kind == "broken-link-image":
            continue
        if line == "END":
            line = line_count(project, path)
        elif line == "MSGID":
            line = next(
                n
                for n, text in enumerate((project / path).read_text(encoding="utf-8").splitlines(), 1)
                if text == 'msgid "Key figures"'
            )
        elif line == "END-1":
            line = line_count(project, path) - 2
        resolved.append((path, line, kind))
    return sorted(resolved, key=str)


@pytest.mark.parametrize(("make_problem", "expected"), CASES)
def test_each_problem_is_found_with_its_file_line_and_kind(project: Path, make_problem, expected):
    make_problem(project)
    found = sorted({(f["path"], f["line"], f["kind"]) for f in findings(project)}, key=str)
    assert found == resolve(project, expected)


def test_strict_fails_on_warnings_but_not_on_unverified_names(project: Path):
    edit(project, "content/zh-hans/05-sensecraft.md", "技术瓶颈，并使", "技术瓶颈,并使")
    assert check(project).returncode == 0
    strict = check(project, "--strict")
    assert strict.returncode == 1
    assert "content/zh-hans/05-sensecraft.md\n  9: error: half-width ',' in Chinese text" in strict.stdout


def test_report_is_grouped_by_file_with_a_summary(project: Path):
    edit(project, "content/en/04-action-plan.md", "use Qinchuangyuan to drive", "use Qinchuanyuan to drive")
    report = check(project).stdout
    assert (
        "content/en/04-action-plan.md\n  6: warning: 'Qinchuanyuan' looks like a misspelling of the name 'Qinchuangyuan' [name-near-miss]\n      The glossary (content/glossary.toml) spells it 'Qinchuangyuan'."
        in report
    )
    assert (
        report.rstrip().splitlines()[-1]
        == "Checked 1 release in 2 languages (12 sections): 0 errors, 2 warnings, 7 unverified names for staff to confirm (not clean)."
    )


def test_outdated_translation_shows_what_changed_in_the_english(project: Path):
    edit(project, "content/en/03-talent-finance.md", "a talent market", "a new talent market")
    (finding,) = [f for f in findings(project) if f["kind"] == "outdated-translation"]
    assert (
        "-To give enterprises the people they need, Xixian New Area has opened a talent market"
        in finding["hint"]
    )
    assert (
        "+To give enterprises the people they need, Xixian New Area has opened a new talent market"
        in finding["hint"]
    )
    assert "python build.py check --mark-reviewed talent-finance" in finding["hint"]


def test_mark_reviewed_records_the_english_version(project: Path):
    edit(project, "content/en/03-talent-finance.md", "a talent market", "a new talent market")
    result = check(project, "--mark-reviewed", "talent-finance")
    assert (
        "Marked content/zh-hans/03-talent-finance.md as translated from the current English" in result.stdout
    )
    assert result.returncode == 0
    assert [f for f in findings(project) if f["kind"] == "outdated-translation"] == []
    header = (project / "content/zh-hans/03-talent-finance.md").read_text(encoding="utf-8").split("+++")[1]
    assert header.count("translated_from") == 1


def test_mark_reviewed_of_an_unknown_section_is_an_error(project: Path):
    result = check(project, "--mark-reviewed", "no-such-section")
    assert result.returncode == 1
    assert "error: there is no section `no-such-section` to mark as reviewed" in result.stderr


def test_json_format_for_machines(project: Path):
    edit(project, "content/zh-hans/06-outlook.md", "“我们还将构建", '"我们还将构建')
    data = json.loads(check(project, "--format", "json").stdout)
    assert data["summary"]["warnings"] == 1 and data["summary"]["notices"] == 7
    (quote,) = [f for f in data["findings"] if f["kind"] == "straight-quote"]
    assert quote == {
        "path": "content/zh-hans/06-outlook.md",
        "line": 9,
        "severity": "warning",
        "kind": "straight-quote",
        "message": quote["message"],
        "hint": "Use Chinese quotation marks: “…” (and ‘…’ inside them).",
    }


def test_every_build_prints_the_same_findings_as_warnings(project: Path):
    edit(project, "content/zh-hans/05-sensecraft.md", "技术瓶颈，并使", "技术瓶颈,并使")
    result = run_build(project)
    assert result.returncode == 0
    assert "content/zh-hans/05-sensecraft.md:9: warning: half-width ',' in Chinese text" in result.stderr


def test_broken_content_is_reported_by_check_too(project: Path):
    edit(project, EN_SECTION, "[[high_tech_firms]]", "[[high_tech_firm]]")
    result = check(project)
    assert result.returncode == 1
    assert (
        "content/en/01-overview.md\n  8: error: unknown fact `high_tech_firm` in [[high_tech_firm]]"
        in result.stdout
    )


def test_dateline_that_disagrees_with_the_release_date_is_an_error(project: Path):
    edit(
        project,
        "templates/release.html",
        "date=release_date",
        "date='<time datetime=\"2023-03-25\">March 25, 2023</time>'|safe",
    )
    result = check(project, "--format", "json")
    assert result.returncode == 1
    found = [
        (f["path"], f["kind"], f["severity"])
        for f in json.loads(result.stdout)["findings"]
        if f["kind"] == "dateline-date"
    ]
    assert found == [("content/facts.toml", "dateline-date", "error")] * 2
