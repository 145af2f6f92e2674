"""Broken input: the editor gets `path:line: message`, never a traceback, and site/ stays as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Content, append, edit, parse, run_build, tree_digest

BROKEN = [
    # (file, text to replace, replacement, expected message; {line} is the line of the replaced text)
    pytest.param(
        "content/facts.toml",
        '[park_firms]\ntype = "count"\nvalue = 36',
        '[park_firms]\ntype = "count"\nvalue = 36 firms',
        "content/facts.toml:{line+2}: error: this TOML is not valid",
        id="malformed-facts-toml",
    ),
    pytest.param(
        "content/en/02-firms.md",
        'title = "Firms',
        "title = Firms",
        "content/en/02-firms.md:3: error: this TOML is not valid",
        id="malformed-front-matter",
    ),
    pytest.param(
        "content/zh-hans/02-firms.md",
        "+++\nid",
        "id",
        "content/zh-hans/02-firms.md:1: error: this section has no header block",
        id="missing-header-block",
    ),
    pytest.param(
        "content/en/02-firms.md",
        'title = "Firms moving in"\n+++',
        'title = "Firms moving in"\n',
        "content/en/02-firms.md:1: error: the header block that starts on line 1 is never closed",
        id="unclosed-header-block",
    ),
    pytest.param(
        "content/en/01-opening.md",
        'title = "A science',
        'titel = "A science',
        "content/en/01-opening.md:3: error: unknown key `titel` in the header block",
        id="misspelled-front-matter-key",
    ),
    pytest.param(
        "content/zh-hans/02-firms.md",
        "[[rd_share]]",
        "[[rd_shares]]",
        "content/zh-hans/02-firms.md:{line}: error: unknown fact `rd_shares` in [[rd_shares]]",
        id="unknown-fact-id",
    ),
    pytest.param(
        "content/en/release.toml",
        'headline = "Lakeside District opens',
        'headline = "[[park_firm]] firms: Lakeside District opens',
        "content/en/release.toml:1: error: unknown fact `park_firm` in [[park_firm]]",
        id="unknown-fact-in-the-headline",
    ),
    pytest.param(
        "content/en/02-firms.md",
        'title = "Firms moving in"',
        'title = "[[park_firmz]] firms moving in"',
        "content/en/02-firms.md:3: error: unknown fact `park_firmz`",
        id="unknown-fact-in-a-title",
    ),
    pytest.param(
        "content/en/02-firms.md",
        "[[growth_multiple]] as many",
        "[[growth_multiple:change]] as many",
        "content/en/02-firms.md:{line}: error: [[growth_multiple:change]] cannot be written in English: 1.5 cannot be written as a change",
        id="form-the-language-cannot-write",
    ),
    pytest.param(
        "content/en/02-firms.md",
        "[[rd_share]]",
        "[[rd_share:adjective]]",
        "content/en/02-firms.md:{line}: error: [[rd_share:adjective]] cannot be written in English: a percent has no form `:adjective`",
        id="unknown-form",
    ),
    pytest.param(
        "content/en/release.toml",
        "[figures]\n",
        '[figures]\nno_such_fact = "Nothing"\n',
        "content/en/release.toml:{line+1}: error: unknown fact `no_such_fact` in [figures]",
        id="unknown-fact-in-key-figures",
    ),
    pytest.param(
        "content/site.toml",
        'locale = "zh_Hans_CN"',
        'locale = "zz_Qq"',
        "content/site.toml:{line}: error: unknown locale `zz_Qq`",
        id="unknown-locale",
    ),
    pytest.param(
        "content/site.toml",
        "[languages.zh-hans]",
        "[languages.'../content/zh-hans']",
        "content/site.toml:{line}: error: the language code `../content/zh-hans` becomes a folder of the site",
        id="language-code-that-escapes-the-site",
    ),
    pytest.param(
        "content/site.toml",
        'catalog = "zh_Hans_CN"',
        'catalog = "../../etc"',
        "content/site.toml:{line}: error: `catalog` of language `zh-hans` should be a locale folder name",
        id="catalog-path-outside-locales",
    ),
    pytest.param(
        "content/site.toml",
        '"more than" = "超过{}"',
        '"more than" = "超过"',
        "content/site.toml:{line-3}: error: `qualifiers` in the style of language `zh-hans` should give each qualifier",
        id="qualifier-pattern-without-the-figure",
    ),
    pytest.param(
        "content/facts.toml",
        "value = 12.5",
        'value = 12.5\nqualifier = "nearly"',
        None,
        id="a-qualifier-alone-is-fine",
    ),
    pytest.param(
        "content/site.toml",
        'currency = "CNY"',
        'currency = "XYZ"',
        "content/site.toml:{line}: error: currency should be an ISO 4217 code such as CNY or USD, not 'XYZ'",
        id="unknown-currency",
    ),
    pytest.param(
        "content/en/release.toml",
        'headline = "Lakeside District opens its first science park"',
        'headline = " "',
        "content/en/release.toml:{line}: error: the headline is empty",
        id="empty-headline",
    ),
    pytest.param(
        "content/facts.toml",
        "value = 12.5",
        "value = nan",
        "content/facts.toml:{line}: error: the value of fact `rd_share` should be a number, not nan",
        id="not-a-number",
    ),
    pytest.param(
        "content/en/release.toml",
        'headline = "Lakeside',
        'headline = "\\u0007Lakeside',
        "content/en/release.toml:1: error: `headline`",
        id="control-character-escaped-in-toml",
    ),
    pytest.param(
        "content/en/release.toml",
        "Lakeside District opens",
        "Lakeside\x0b District opens",
        "content/en/release.toml:1: error: this file contains an invisible control character (U+000B) on line 1",
        id="control-character-typed",
    ),
    pytest.param(
        "templates/release.html",
        '{{ _("Key figures") }}',
        '{{ _("Key figures") }',
        "templates/release.html:{line}: error: template error: unexpected '}'",
        id="template-syntax-error",
    ),
    pytest.param(
        "templates/release.html",
        "{{ release.subhead }}",
        "{{ release.sub_head }}",
        "templates/release.html:{line}: error: template error:",
        id="template-undefined-name",
    ),
    pytest.param(
        "locales/zh_Hans_CN/LC_MESSAGES/messages.po",
        'msgstr "关键数据"',
        'msgstr "关键数据',
        "locales/zh_Hans_CN/LC_MESSAGES/messages.po:{line}: error: this catalog line is not valid",
        id="broken-catalog",
    ),
    pytest.param(
        "content/glossary.toml",
        'verified = ["zh-hans"]',
        "verified = true",
        "content/glossary.toml:{line}: error: name `lakeside_district`: `verified` now lists the languages",
        id="old-style-verified-flag",
    ),
]


def _expected(expected: str, line: int) -> str:
    for offset in range(-5, 6):
        expected = expected.replace(f"{{line{offset:+d}}}" if offset else "{line}", str(line + offset))
    return expected


@pytest.mark.parametrize(("relative", "old", "new", "expected"), BROKEN)
def test_bad_input_prints_path_line_message_and_keeps_site(minimal: Path, relative, old, new, expected):
    assert run_build(minimal).returncode == 0
    before = tree_digest(minimal / "site")
    text = (minimal / relative).read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    edit(minimal, relative, old, new)
    result = run_build(minimal)
    assert "Traceback" not in result.stderr + result.stdout
    if expected is None:
        assert result.returncode == 0, result.stderr
        return
    expected = _expected(expected, line)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "site/ was left as it was." in result.stderr
    assert tree_digest(minimal / "site") == before
    assert sorted(p.name for p in minimal.iterdir() if p.name.startswith(".site")) == []


def test_every_problem_is_listed_before_stopping(minimal: Path):
    edit(minimal, "content/en/01-opening.md", "[[park_investment]]", "[[park_investmnt]]")
    edit(minimal, "content/zh-hans/02-firms.md", "[[park_firms]]", "[[park_firm]]")
    result = run_build(minimal)
    assert result.returncode == 1
    assert "content/en/01-opening.md:6: error: unknown fact `park_investmnt`" in result.stderr
    assert "Did you mean `park_investment`?" in result.stderr
    assert "content/zh-hans/02-firms.md:7: error: unknown fact `park_firm`" in result.stderr
    assert "Build failed: 2 errors." in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("value = 12.5", "value = nan", "error: the value of fact `rd_share` should be a number"),
        ("value = 2024-05-20", 'value = "2024-05-20"', "error: the value of fact `release_date`"),
        ("value = 12.5", "value = 12.5\nunit = 3", "error: `unit` in fact `rd_share`"),
    ],
)
def test_a_broken_fact_is_one_error_where_it_is_written(minimal: Path, old, new, expected):
    # Every [[reference]] to it, its key figure and the dateline are not reported again.
    edit(minimal, "content/facts.toml", old, new)
    result = run_build(minimal)
    assert result.returncode == 1
    assert "Build failed: 1 error." in result.stderr, result.stderr
    assert "content/facts.toml:" in result.stderr and expected in result.stderr, result.stderr


@pytest.mark.parametrize(
    "markdown",
    [
        "[the report](https://example.com/report-[[rd_share]].pdf)",
        "![chart](chart-[[rd_share]].png)",
        "[report]: https://example.com/[[rd_share]]",
        "<https://example.com/[[rd_share]]>",
    ],
)
def test_a_fact_inside_a_web_address_is_an_error_at_its_line(minimal: Path, markdown):
    path = minimal / "content/en/01-opening.md"
    line = path.read_text(encoding="utf-8").rstrip("\n").count("\n") + 3
    append(minimal, "content/en/01-opening.md", markdown)
    result = run_build(minimal)
    assert result.returncode == 1
    expected = f"content/en/01-opening.md:{line}: error: [[rd_share]] is inside a web address"
    assert expected in result.stderr, result.stderr


def test_a_fact_in_a_links_text_is_written(minimal: Path):
    append(minimal, "content/en/01-opening.md", "See [[[rd_share]] of spending](https://example.com/rd).")
    result = run_build(minimal)
    assert result.returncode == 0, result.stderr
    link = parse(minimal / "site" / Content(minimal).page("en")).find("a", href="https://example.com/rd")
    assert link.find("data", class_="fact")["value"] == "12.5"


@pytest.mark.parametrize("relative", ["content/en/01-opening.md", "content/zh-hans/01-opening.md"])
@pytest.mark.parametrize("breakage", ["unclosed-header", "not-utf-8"])
def test_a_section_too_broken_to_load_is_one_problem(minimal: Path, relative, breakage):
    # Its counterpart in the other language is not reported as unmatched or untranslated.
    path = minimal / relative
    text = path.read_text(encoding="utf-8")
    if breakage == "unclosed-header":
        path.write_text(text.replace("+++\n\n", "\n\n", 1), encoding="utf-8")
    else:
        path.write_bytes(text.encode("utf-16"))
    result = run_build(minimal)
    assert result.returncode == 1
    assert f"{relative}:1: error:" in result.stderr
    assert "Build failed: 1 error." in result.stderr, result.stderr
    assert "translation" not in result.stderr and "matches no" not in result.stderr, result.stderr


def test_missing_translation_falls_back_to_the_original_with_a_notice(minimal: Path):
    (minimal / "content/zh-hans/02-firms.md").unlink()
    result = run_build(minimal)
    assert result.returncode == 0
    assert "content/en/02-firms.md:2: warning: section `firms` has no 简体中文 translation" in result.stderr
    section = parse(minimal / "site/zh-hans/index.html").select_one("#firms")
    assert section["lang"] == "en"
    assert section.select_one(".fallback-notice")["lang"] == "zh-Hans"


def test_a_file_the_editor_cannot_read_is_reported_as_such(minimal: Path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file: run as an ordinary user to see the permission check")
    path = minimal / "content/en/02-firms.md"
    path.chmod(0)
    result = run_build(minimal)
    assert result.returncode == 1
    assert "content/en/02-firms.md: error: this file cannot be read: permission denied" in result.stderr


def test_a_file_the_build_cannot_read_is_reported_with_its_path(minimal: Path):
    # As root (CI) a permission cannot be taken away; a folder where a file
    # should be is the same failure to read.
    path = minimal / "content/en/release.toml"
    path.unlink()
    path.mkdir()
    result = run_build(minimal)
    assert result.returncode == 1
    assert "content/en/release.toml: error: this should be a file, but it is a folder" in result.stderr
    assert "cannot write the site" not in result.stderr


@pytest.mark.parametrize("relative", ["content/facts.toml", "content/en/01-opening.md", "content/site.toml"])
def test_a_byte_order_mark_from_a_windows_editor_is_harmless(minimal: Path, relative):
    path = minimal / relative
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_build(minimal)
    assert result.returncode == 0, result.stderr


def test_a_file_that_is_not_utf8_says_so_with_its_line(minimal: Path):
    path = minimal / "content/en/02-firms.md"
    path.write_bytes(path.read_bytes().replace(b"So far", "So f\u00e4r".encode("latin-1")))
    result = run_build(minimal)
    assert result.returncode == 1
    assert "content/en/02-firms.md:6: error: this file is not UTF-8 text" in result.stderr
