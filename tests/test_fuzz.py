"""Random and broken input: the only outcomes are a clean build or a reported content error."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor

from microsite.analyse.markup import Converter
from microsite.load.content import load_section
from microsite.load.facts import load_facts
from microsite.pipeline import build_site
from microsite.problems import ContentError
from microsite.project import Project

from .conftest import fixture_project

# Pieces that Markdown, TOML and our own syntax give meaning to, so that the
# random text often comes close to being valid, and breaks in interesting ways.
MARKDOWN_BITS = st.sampled_from(
    [
        "[[",
        "]]",
        "[[park_firms]]",
        "[[growth_multiple:change]]",
        "<script>",
        "javascript:",
        "{: onclick=x }",
        "[[nope]]",
        "[[ ]]",
        "#",
        "## ",
        "###### ",
        "*",
        "**",
        "_",
        "`",
        "```",
        "\n",
        "\n\n",
        "- ",
        "1. ",
        "> ",
        "![",
        "](",
        ")",
        "[x](#y)",
        "<",
        ">",
        "&",
        "{:",
        "}",
        "+++",
        "|",
        "---",
        "\t",
        "    ",
        "\\",
        "湖滨科技园",
        "\u0007",
        "\ufeff",
        "，",
        '"',
        "'",
        "倍",
        "2.5 ",
    ]
)
TOML_BITS = st.sampled_from(
    [
        "[",
        "]",
        "[a]",
        "[[a]]",
        "=",
        " = ",
        '"',
        "'",
        "type",
        "value",
        "count",
        '"count"',
        '"month"',
        '"2023-13"',
        "2023-03-24",
        "1.8",
        "-1",
        "true",
        "{",
        "}",
        ",",
        "\n",
        "#",
        "unit",
        '"year"',
        "decimals",
        "99",
        "1e400",
        "nan",
        "qualifier",
        '"nearly"',
        '"quantity"',
        "inf",
        "0x1F",
        '"""',
        "💥",
    ]
)


def text_from(bits):
    return st.lists(st.one_of(bits, st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(header=text_from(TOML_BITS), body=text_from(MARKDOWN_BITS), fence=st.booleans())
def test_any_section_file_loads_or_reports_where_it_is_broken(tmp_path_factory, header, body, fence):
    path = tmp_path_factory.mktemp("section") / "01-x.md"
    text = f"+++\n{header}\n+++\n{body}" if fence else header + body
    path.write_text(text, encoding="utf-8")
    section, problems = load_section(path)
    assert (section is None) == bool(problems)
    lines = text.count("\n") + 1
    for problem in problems:
        assert problem.path == path
        assert problem.line is None or 1 <= problem.line <= lines + 1


INLINE_BITS = st.sampled_from(
    [
        "**bold**",
        "*em*",
        "__x__",
        " * ",
        "  \n",
        "&amp;",
        "&#169;",
        "<http://example.org>",
        "<a@example.org>",
        "[a][b]\n\n[b]: https://example.org\n",
        "[b]",
        "![alt](x.png)",
        "[^1]",
        "\n\n[^1]: a note\n",
        "`code [[x]]`",
        "\\*",
        "[[y:change]]",
    ]
)


@settings(max_examples=400, deadline=None)
@given(body=text_from(MARKDOWN_BITS | INLINE_BITS), typography=st.sampled_from(["latin", "cjk"]))
def test_the_quick_inline_pass_converts_as_python_markdown_does(body, typography):
    # Our inline pass skips the patterns that cannot match: the library's own pass must agree.
    quick, stock = Converter(typography), Converter(typography)
    stock.md.treeprocessors.register(InlineProcessor(stock.md), "inline", 20)
    facts = {}

    def write(fact, form):
        return "?"

    assert quick.convert(body, "s", facts, write) == stock.convert(body, "s", facts, write)


@settings(max_examples=300, deadline=None)
@given(text=text_from(TOML_BITS))
def test_any_facts_file_loads_or_reports_where_it_is_broken(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("facts") / "facts.toml"
    path.write_text(text, encoding="utf-8")
    _facts, problems, _broken = load_facts(path)
    assert all(p.path == path and p.message for p in problems)


_PROJECT = Path(tempfile.mkdtemp(prefix="fuzz-project-")) / "project"
fixture_project(_PROJECT, "minimal")
_ORIGINALS = {
    p: p.read_bytes()
    for p in (
        _PROJECT / "content/en/01-opening.md",
        _PROJECT / "content/facts.toml",
        _PROJECT / "content/zh-hans/release.toml",
    )
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=text_from(MARKDOWN_BITS),
    facts_tail=text_from(TOML_BITS),
    release_tail=text_from(TOML_BITS),
)
def test_a_whole_build_of_broken_content_never_crashes(tmp_path, body, facts_tail, release_tail):
    for path, original in _ORIGINALS.items():
        path.write_bytes(original)
    section = _PROJECT / "content/en/01-opening.md"
    header = section.read_text(encoding="utf-8").split("+++")[1]
    section.write_text(f"+++{header}+++\n{body}", encoding="utf-8")
    with (_PROJECT / "content/facts.toml").open("a", encoding="utf-8") as stream:
        stream.write("\n" + facts_tail)
    with (_PROJECT / "content/zh-hans/release.toml").open("a", encoding="utf-8") as stream:
        stream.write("\n" + release_tail)
    out = tmp_path / "site"
    shutil.rmtree(out, ignore_errors=True)
    try:
        build_site(Project(_PROJECT), out)
    except ContentError as err:
        assert err.problems and all(p.message for p in err.problems)
        assert not out.exists()
