"""`python build.py check`: one fixture edit per kind of finding, with its exact file, line and kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import append, edit, findings, fixture_project, run_check

EN1, EN2 = "content/en/01-opening.md", "content/en/02-firms.md"
ZH1, ZH2 = "content/zh-hans/01-opening.md", "content/zh-hans/02-firms.md"
PO = "locales/zh_Hans_CN/LC_MESSAGES/messages.po"


def lines(project: Path, relative: str) -> list[str]:
    return (project / relative).read_text(encoding="utf-8").rstrip("\n").split("\n")


def line_with(project: Path, relative: str, text: str) -> int:
    return next(n for n, line in enumerate(lines(project, relative), 1) if text in line)


def remove_line(project: Path, relative: str, start: str) -> None:
    path = project / relative
    kept = [line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith(start)]
    path.write_text("\n".join(kept), encoding="utf-8")


def mark(project: Path, *sections: str) -> None:
    assert run_check(project, "--mark-reviewed", *sections).returncode in (0, 1)


def found(project: Path) -> list[tuple]:
    return sorted({(f["path"], f["line"], f["kind"]) for f in findings(project)}, key=str)


CASES = [
    # (edit of the minimal fixture, expected (path, line, kind); "END" is the file's last line)
    pytest.param(
        lambda p: (p / ZH2).unlink(),
        [(EN2, 2, "missing-translation")],
        id="missing-section",
    ),
    pytest.param(
        lambda p: edit(p, PO, 'msgstr "关键数据"', 'msgstr ""'),
        [(PO, ("msgid", 'msgid "Key figures"'), "missing-interface-string")],
        id="missing-interface-string",
    ),
    pytest.param(
        lambda p: edit(p, EN2, "So far", "By now"),
        [(ZH2, 4, "outdated-translation")],
        id="outdated-translation",
    ),
    pytest.param(
        lambda p: remove_line(p, ZH2, "translated_from"),
        [(ZH2, 2, "unreviewed-translation")],
        id="unreviewed-translation",
    ),
    pytest.param(
        lambda p: edit(p, ZH2, "[[park_firms]]家", "35家"),
        [(ZH2, 7, "figure-mismatch"), (ZH2, 7, "typed-figure")],
        id="figure-differs-between-languages",
    ),
    pytest.param(
        lambda p: edit(p, EN2, "So far [[park_firms]] firms", "So far 36 firms"),
        [(EN2, 6, "typed-figure"), (ZH2, 4, "outdated-translation")],
        id="figure-typed-instead-of-fact",
    ),
    pytest.param(
        lambda p: edit(p, ZH2, "目前已有[[park_firms]]家", "目前已有近[[park_firms]]家"),
        [(ZH2, 7, "typed-qualifier")],
        id="qualifier-typed-beside-a-fact",
    ),
    pytest.param(
        lambda p: edit(p, EN2, "So far [[park_firms]]", "So far more than [[park_firms]]"),
        [(EN2, 6, "typed-qualifier"), (ZH2, 4, "outdated-translation")],
        id="english-qualifier-typed-beside-a-fact",
    ),
    pytest.param(
        lambda p: edit(p, EN1, "opened the Lakeside Science Park", "opened the Lakeside Sceince Park"),
        [(EN1, 6, "name-near-miss"), (EN1, 6, "name-missing"), (ZH1, 4, "outdated-translation")],
        id="latin-name-near-miss",
    ),
    pytest.param(
        lambda p: edit(p, ZH1, "湖滨区湖滨科技园开园", "湖滨区湖宾科技园开园"),
        [(ZH1, 7, "name-near-miss"), (ZH1, 7, "name-missing")],
        id="chinese-name-near-miss",
    ),
    pytest.param(
        lambda p: edit(p, ZH1, "园区主任Zhou Ming说", "园区主任说"),
        [(ZH1, 7, "name-missing")],
        id="name-missing-in-translation",
    ),
    pytest.param(
        lambda p: append(p, "content/facts.toml", '[spare_figure]\ntype = "count"\nvalue = 7'),
        [("content/facts.toml", ("[spare_figure]",), "unused-fact")],
        id="unused-fact",
    ),
    pytest.param(
        lambda p: (append(p, EN2, "See [the figures](#key-figure)."), mark(p, "firms")),
        [(EN2, "END", "broken-link")],
        id="broken-anchor",
    ),
    pytest.param(
        lambda p: (append(p, EN2, "![](photo.jpg)"), mark(p, "firms")),
        [(EN2, "END", "missing-alt"), (EN2, "END", "broken-link")],
        id="image-without-alt",
    ),
    pytest.param(
        lambda p: (append(p, EN2, "#### Next steps"), mark(p, "firms")),
        [(EN2, "END", "heading-skip")],
        id="heading-skips-a-level",
    ),
    pytest.param(
        lambda p: (append(p, EN2, "The park says so.[^source]"), mark(p, "firms")),
        [(EN2, "END", "missing-footnote")],
        id="footnote-without-its-note",
    ),
    pytest.param(
        lambda p: (
            append(p, EN2, "The park says so.[^source]\n\n[^source]: Its annual report."),
            mark(p, "firms"),
        ),
        [],
        id="footnote-with-its-note",
    ),
    pytest.param(
        lambda p: edit(p, ZH2, "入驻，是计划数", "入驻,是计划数"),
        [(ZH2, 7, "half-width-punctuation")],
        id="half-width-punctuation",
    ),
    pytest.param(
        lambda p: edit(p, ZH1, "“我们", '"我们'),
        [(ZH1, 9, "straight-quote")],
        id="straight-quote",
    ),
    pytest.param(
        lambda p: edit(p, ZH2, "投入研发。", "投入研发，相当于原来的0.8 倍。"),
        [(ZH2, 7, "number-unit-style"), (ZH2, 7, "typed-figure"), (ZH2, 7, "figure-mismatch")],
        id="number-unit-style",
    ),
    pytest.param(
        lambda p: edit(p, "content/en/release.toml", "opens its first science park", "opens 12 labs"),
        [
            ("content/en/release.toml", 1, "typed-figure"),
            ("content/zh-hans/release.toml", 1, "figure-mismatch"),
        ],
        id="figure-typed-into-the-headline",
    ),
    pytest.param(
        lambda p: edit(
            p,
            "content/zh-hans/release.toml",
            'park_firms = "园区入驻企业"',
            'park_firms = "园区入驻企业（36家）"',
        ),
        [
            ("content/zh-hans/release.toml", 10, "typed-figure"),
            ("content/zh-hans/release.toml", 10, "figure-mismatch"),
        ],
        id="figure-typed-into-a-key-figure-label",
    ),
]


def resolve(project: Path, expected: list[tuple]) -> list[tuple]:
    resolved = []
    for path, line, kind in expected:
        if line == "END":
            line = len(lines(project, path))
        elif isinstance(line, tuple):
            line = line_with(project, path, line[-1])
        resolved.append((path, line, kind))
    return sorted(resolved, key=str)


@pytest.mark.parametrize(("make_problem", "expected"), CASES)
def test_each_problem_is_found_with_its_file_line_and_kind(minimal: Path, make_problem, expected):
    make_problem(minimal)
    assert found(minimal) == resolve(minimal, expected)


def test_the_fixtures_are_clean_or_say_why(tmp_path: Path):
    for name in ("minimal", "two-releases", "every-fact-type"):
        project = fixture_project(tmp_path / name, name)
        result = run_check(project, "--strict")
        assert result.returncode == 0, (name, result.stdout)
        assert result.stdout.rstrip().endswith("(clean).")
    trilingual = fixture_project(tmp_path / "three", "three-languages")
    assert found(trilingual) == [("content/en/02-firms.md", 2, "missing-translation")]


def test_ordinary_number_words_are_not_figures_in_either_language(minimal: Path):
    append(minimal, EN2, "In the next five years, the park will add one key project and three services.")
    append(minimal, ZH2, "下一个五年，园区将新增一个重点项目和三项服务。")
    mark(minimal, "firms")
    assert found(minimal) == []


def test_a_qualifier_dropped_or_changed_in_one_language_is_reported(tmp_path: Path):
    project = fixture_project(tmp_path / "figures", "every-fact-type")
    zh = "content/zh-hans/01-counts.md"
    edit(project, zh, "[[share]]聘有", "59.6%聘有")
    dropped = found(project)
    edit(project, zh, "59.6%聘有", "逾59.6%聘有")
    changed = found(project)
    edit(project, zh, "逾59.6%聘有", "近59.6%聘有")
    kept = found(project)
    line = line_with(project, zh, "聘有")
    assert dropped == [(zh, line, "figure-mismatch"), (zh, line, "typed-figure")]
    assert changed == [(zh, line, "figure-mismatch"), (zh, line, "typed-figure")]
    assert kept == [(zh, line, "typed-figure")]


def test_a_section_may_be_called_about_or_main(minimal: Path):
    # The page's own ids (page_main, page_about …) cannot be written as a section id.
    for path in (EN2, ZH2):
        edit(minimal, path, 'id = "firms"', 'id = "about"')
    mark(minimal, "about")
    assert found(minimal) == []


def test_an_id_used_twice_on_a_page_is_an_error(minimal: Path):
    append(minimal, EN2, "### More {: #opening }")
    mark(minimal, "firms")
    result = run_check(minimal)
    assert result.returncode == 1
    assert f"{EN2}\n  2: error: the id `opening` appears 2 times on the English page" in result.stdout
    assert "Give the section another id" in result.stdout


def test_accented_names_are_not_misspellings_of_themselves(tmp_path: Path):
    project = fixture_project(tmp_path / "three", "three-languages")
    append(
        project,
        "content/glossary.toml",
        '[committee]\nkind = "organisation"\nen = "Park Committee"\nzh-hans = "园区委员会"\n'
        'fr = "Comité du parc à Lakeside"\nverified = ["zh-hans", "fr"]\nsource = "The park\'s charter"',
    )
    edit(project, "content/en/01-opening.md", "director of the park.", "director of the Park Committee.")
    edit(project, "content/zh-hans/01-opening.md", "园区主任", "园区委员会主任")
    edit(project, "content/fr/01-opening.md", "directeur du parc.", "directeur du Comité du parc à Lakeside.")
    mark(project, "opening")
    kinds = {f["kind"] for f in findings(project)}
    assert "name-near-miss" not in kinds and "name-missing" not in kinds


def test_strict_fails_on_warnings_but_not_on_unverified_names(minimal: Path):
    edit(minimal, ZH2, "入驻，是计划数", "入驻,是计划数")
    assert run_check(minimal).returncode == 0
    strict = run_check(minimal, "--strict")
    assert strict.returncode == 1
    assert f"{ZH2}\n  7: error: half-width ',' in Chinese text" in strict.stdout
    assert "notice: unverified name: Zhou Ming (person)" in strict.stdout


def test_a_placeholder_address_is_a_notice_but_fails_strict(minimal: Path):
    edit(minimal, "content/site.toml", "https://press.lakeside-district.cn/", "https://example.org/news/")
    plain = run_check(minimal)
    assert plain.returncode == 0
    assert "notice: the public address https://example.org/news/ is a placeholder" in plain.stdout
    strict = run_check(minimal, "--strict")
    assert strict.returncode == 1
    assert "error: the public address https://example.org/news/ is a placeholder" in strict.stdout
    assert run_check(minimal, "--strict", "--base-url", "https://news.lakeside-district.cn/").returncode == 0
    assert run_check(minimal, "--strict", "--ignore", "placeholder-address").returncode == 0


def test_check_fails_during_an_embargo_as_the_build_does(minimal: Path):
    (minimal / "content/schedule.toml").write_text(
        "published = 2024-05-20T10:00:00+08:00\nembargo = 2999-01-01T00:00:00+08:00\n", encoding="utf-8"
    )
    strict = run_check(minimal, "--strict")
    assert strict.returncode == 1
    assert "error: this release is under embargo until 2999-01-01T00:00:00+08:00" in strict.stdout
    assert run_check(minimal, "--strict", "--preview").returncode == 0


def test_report_is_grouped_by_file_with_a_summary(minimal: Path):
    edit(minimal, EN1, "opened the Lakeside Science Park", "opened the Lakeside Sceince Park")
    report = run_check(minimal).stdout
    assert (
        f"{EN1}\n  6: warning: 'Lakeside Sceince Park' looks like a misspelling of the name 'Lakeside Science Park' "
        "[name-near-miss]\n      The glossary spells it 'Lakeside Science Park'." in report
    )
    assert report.rstrip().splitlines()[-1] == (
        "Checked 1 release in 2 languages (4 sections): 0 errors, 3 warnings, 2 notices for staff (not clean)."
    )


def test_a_long_report_counts_repeated_findings(minimal: Path):
    append(minimal, EN2, " ".join(f"Item {n + 10} of the list." for n in range(40)))
    mark(minimal, "firms")
    report = run_check(minimal).stdout
    assert report.count("warning: the figure") == 20
    line = next(f["line"] for f in findings(minimal) if f["kind"] == "typed-figure")
    assert (
        f"… and 20 more warnings [typed-figure] in this file, on line {line} (--format json lists them all)"
        in report
    )
    # The same hint for the same kind of finding in one file is given once.
    assert report.count("Add it to facts.toml and write [[id]] here") == 1
    assert len([f for f in findings(minimal) if f["kind"] == "typed-figure"]) == 40


def test_a_report_of_thousands_of_findings_shows_a_few_of_each_kind_per_file(minimal: Path):
    append(minimal, EN2, "\n\n".join(f"Item {n + 10} of the list." for n in range(1200)))
    mark(minimal, "firms")
    report = run_check(minimal).stdout
    typed = sorted(f["line"] for f in findings(minimal) if f["kind"] == "typed-figure")
    assert len(typed) == 1200
    assert report.count("warning: the figure") == 3
    named = ", ".join(str(n) for n in typed[3:15])
    assert (
        f"… and 1197 more warnings [typed-figure] in this file, on lines {named} … (--format json lists them all)"
        in report
    )
    assert len(report.splitlines()) < 100


def test_an_outdated_translation_shows_the_start_of_a_long_change(minimal: Path):
    mark(minimal, "firms")
    append(
        minimal,
        EN2,
        "\n\n".join(f"Paragraph {word} of the new text." for word in ("one two three " * 30).split()),
    )
    (finding,) = [f for f in findings(minimal) if f["kind"] == "outdated-translation"]
    assert "+Paragraph one of the new text." in finding["hint"]
    assert re.search(r"\n    … and 1\d\d more lines of the change\n", finding["hint"])
    assert len(finding["hint"].splitlines()) < 50


def test_outdated_translation_shows_what_changed_in_the_original(minimal: Path):
    edit(minimal, EN2, "So far", "By now")
    (finding,) = [f for f in findings(minimal) if f["kind"] == "outdated-translation"]
    assert "-So far [[park_firms]] firms have moved in" in finding["hint"]
    assert "+By now [[park_firms]] firms have moved in" in finding["hint"]
    assert finding["hint"].endswith("then run: python build.py check --mark-reviewed firms")


def test_a_further_release_names_its_sections_with_the_slug(tmp_path: Path):
    project = fixture_project(tmp_path / "two", "two-releases")
    en = "content/releases/harbour-bridge/en/01-opening.md"
    edit(project, en, "opened to traffic", "opened to all traffic")
    (finding,) = [f for f in findings(project) if f["kind"] == "outdated-translation"]
    assert finding["hint"].endswith("run: python build.py check --mark-reviewed harbour-bridge/opening")
    wrong = run_check(project, "--mark-reviewed", "harbour-bridge/openin")
    assert wrong.returncode == 1
    assert "error: there is no section `harbour-bridge/openin` to mark as reviewed" in wrong.stderr
    assert "Did you mean `harbour-bridge/opening`?" in wrong.stderr
    other = run_check(project, "--mark-reviewed", "bridge")
    assert other.returncode == 1
    marked = run_check(project, "--mark-reviewed", "harbour-bridge/opening", "opening")
    assert marked.returncode == 0, marked.stderr
    assert "Marked content/releases/harbour-bridge/zh-hans/01-opening.md" in marked.stdout
    assert "Marked content/zh-hans/01-opening.md" in marked.stdout
    assert findings(project) == []


def test_mark_reviewed_takes_several_sections_and_checks_the_language(minimal: Path):
    edit(minimal, EN1, "opened the", "has opened the")
    edit(minimal, EN2, "So far", "By now")
    wrong = run_check(minimal, "--mark-reviewed", "opening", "--language", "zh")
    assert wrong.returncode == 2
    assert "error: --language zh: there is no translation in that language" in wrong.stderr
    assert "Did you mean `zh-hans`?" in wrong.stderr
    done = run_check(minimal, "--mark-reviewed", "opening", "firms", "--language", "zh-hans")
    assert done.returncode == 0, done.stderr
    assert findings(minimal) == []


def test_a_figure_written_across_a_line_break_is_quoted_on_one_line(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "minimal")
    edit(project, EN2, "So far [[park_firms]] firms", "So far 36\nmillion firms")
    messages = [f["message"] for f in findings(project) if f["kind"] == "typed-figure"]
    assert any("'36 million'" in message for message in messages), messages
