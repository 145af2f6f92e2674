"""Charts of key figures: declared in release.toml, drawn from facts.toml in each language's press style."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import assert_each_edit_refused, fixture_project, parse, run_build, run_check, tree_digest

CHARTS_EN = """
[charts.shares]
title = "The park in [[opening_month]]"

[charts.shares.bars]
rd_share = "Revenue spent on research"
office_share = "Office space let"

[charts.pace]
title = "Against the plan"
baseline = "Plan = 1"

[charts.pace.bars]
growth_multiple = "Firms moved in"
"""

CHARTS_ZH = """
[charts.shares]
title = "[[opening_month]]园区概况"

[charts.shares.bars]
rd_share = "研发投入占营业收入比重"
office_share = "办公空间出租率"

[charts.pace]
title = "与计划相比"
baseline = "计划＝1"

[charts.pace.bars]
growth_multiple = "已入驻企业"
"""

OFFICE_SHARE = """
[office_share]
type = "percent"
value = 81.6
"""


def project_with_charts(tmp_path: Path) -> Path:
    project = fixture_project(tmp_path / "project", "minimal")
    content = project / "content"
    with (content / "facts.toml").open("a", encoding="utf-8") as file:
        file.write(OFFICE_SHARE)
    for code, table in (("en", CHARTS_EN), ("zh-hans", CHARTS_ZH)):
        with (content / code / "release.toml").open("a", encoding="utf-8") as file:
            file.write(table)
    return project


def chart(project: Path, code: str, chart_id: str):
    return parse(project / "site" / code / "index.html").select_one(f"figure#chart-{chart_id}")


def test_golden_values_in_each_languages_press_style(tmp_path: Path):
    project = project_with_charts(tmp_path)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    english, chinese = chart(project, "en", "shares"), chart(project, "zh-hans", "shares")
    assert english.figcaption.get_text() == "The park in April 2024"
    assert english.svg["role"] == "img"
    assert english.select_one("desc").get_text() == (
        "Revenue spent on research: 12.5 percent; Office space let: 81.6 percent."
    )
    assert [t.get_text() for t in english.select("text.chart-value, text.chart-value-inside")] == [
        "12.5 percent",
        "81.6 percent",
    ]
    assert chinese.figcaption.get_text() == "2024年4月园区概况"
    assert chinese.select_one("desc").get_text() == "研发投入占营业收入比重：12.5%；办公空间出租率：81.6%。"
    pace = chart(project, "zh-hans", "pace")
    assert pace.select_one("desc").get_text() == "已入驻企业：1.5倍。计划＝1。"
    assert pace.select_one(".chart-baseline-label").get_text() == "计划＝1"


def test_bars_are_as_long_as_their_values_and_the_baseline_sits_at_one(tmp_path: Path):
    project = project_with_charts(tmp_path)
    assert run_build(project).returncode == 0
    shares = chart(project, "en", "shares")
    research, office = (float(bar["width"]) for bar in shares.select("rect.chart-bar"))
    assert abs(research / office - 12.5 / 81.6) < 0.01
    pace = chart(project, "en", "pace")
    [bar] = pace.select("rect.chart-bar")
    line = pace.select_one("path.chart-baseline")["d"]
    x = float(line.split()[0].removeprefix("M"))
    assert abs(x / float(bar["width"]) - 1 / 1.5) < 0.01


def test_a_chart_follows_the_first_section_that_writes_one_of_its_figures(tmp_path: Path):
    project = project_with_charts(tmp_path)
    assert run_build(project).returncode == 0
    page = parse(project / "site" / "en" / "index.html")
    sections = {s["id"]: s for s in page.select("section.release-section")}
    writes = [
        section_id
        for section_id, section in sections.items()
        if section.select_one('data.fact[value="12.5"]') is not None
    ]
    assert page.select_one("figure#chart-shares").find_parent("section")["id"] == writes[0]
    # No section writes office_share: the chart that draws only it closes the body.
    assert page.select_one(".key-figures figure.chart") is None


def test_one_change_in_facts_toml_changes_every_language(tmp_path: Path):
    project = project_with_charts(tmp_path)
    facts = project / "content" / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("value = 81.6", "value = 64"), encoding="utf-8"
    )
    assert run_build(project).returncode == 0
    assert "Office space let: 64 percent" in chart(project, "en", "shares").select_one("desc").get_text()
    assert "办公空间出租率：64%" in chart(project, "zh-hans", "shares").select_one("desc").get_text()


def test_a_missing_label_borrows_the_source_language_and_warns(tmp_path: Path):
    project = project_with_charts(tmp_path)
    chinese = project / "content" / "zh-hans" / "release.toml"
    chinese.write_text(
        chinese.read_text(encoding="utf-8").replace('office_share = "办公空间出租率"\n', ""), encoding="utf-8"
    )
    assert run_build(project).returncode == 0
    label = chart(project, "zh-hans", "shares").select("text.chart-label")[1]
    assert (label.get_text(), label["lang"]) == ("Office space let", "en")
    result = run_check(project, "--format", "json")
    [warning] = [f for f in json.loads(result.stdout)["findings"] if "chart `shares`" in f["message"]]
    assert warning["kind"] == "missing-translation"
    assert warning["path"] == "content/zh-hans/release.toml"


def test_a_hostile_label_is_only_text(tmp_path: Path):
    project = project_with_charts(tmp_path)
    english = project / "content" / "en" / "release.toml"
    english.write_text(
        english.read_text(encoding="utf-8").replace(
            '"Office space let"', '"</svg><script>alert(1)</script>"'
        ),
        encoding="utf-8",
    )
    assert run_build(project).returncode == 0
    figure = chart(project, "en", "shares")
    assert figure.select_one("script") is None
    assert "</svg><script>alert(1)</script>" in figure.select_one("desc").get_text()


def test_charts_that_cannot_be_drawn_are_located_and_leave_the_site_as_it_was(tmp_path: Path):
    project = project_with_charts(tmp_path)
    assert run_build(project).returncode == 0
    before = tree_digest(project / "site")
    cases = [
        ('rd_share = "Revenue', 'rd_shar = "Revenue', "unknown fact `rd_shar` in the chart `shares`"),
        ('office_share = "Office', 'park_firms = "Office', "mixes kinds of figure"),
        ('growth_multiple = "Firms', 'rd_share = "Firms', "marks 1 on a scale of multipliers"),
        ('title = "Against the plan"', 'titel = "Against the plan"', "unknown key `titel`"),
        ('rd_share = "Revenue spent on research"', "rd_share = 12", "should be text in quotes"),
    ]
    # Found at the line replaced, or at the line the finding is about.
    at = {"marks 1": 'baseline = "Plan = 1"', "mixes": "[charts.shares]"}
    assert_each_edit_refused(project, "content/en/release.toml", cases, found_at=at)
    facts = project / "content" / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("value = 81.6", "value = -3"), encoding="utf-8"
    )
    result = run_build(project)
    assert "`office_share` is below zero" in result.stderr
    assert tree_digest(project / "site") == before
