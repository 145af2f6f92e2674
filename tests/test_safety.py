"""Safe by construction: no command destroys files, escapes the output folder, or publishes script."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from microsite.reviewed import Refused, set_header_value
from microsite.write import output
from microsite.write.output import MARKER, Page, write_site

from .conftest import append, edit, parse, run_build, run_check, tree_digest


def project_digest(project: Path) -> dict[str, str]:
    return {k: v for k, v in tree_digest(project).items() if not k.startswith(("site/", "."))}


# --- the output folder -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "holds the project itself: the build would replace it"),
        ("..", "holds the project itself"),
        ("content", "is inside the project's content/ folder"),
        ("templates/static", "is inside the project's templates/ folder"),
        ("locales", "is inside the project's locales/ folder"),
        ("content/site.toml", "is inside the project's content/ folder"),
    ],
)
def test_the_build_refuses_to_write_over_the_project(minimal: Path, out, message):
    before = project_digest(minimal)
    result = run_build(minimal, "build", "--out", out)
    assert result.returncode == 1
    assert f"error: {minimal.resolve()}" in result.stderr or "error:" in result.stderr
    assert message in result.stderr
    assert project_digest(minimal) == before


def test_the_build_refuses_a_file_or_a_folder_of_someone_elses_files(minimal: Path, tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    refused = run_build(minimal, "build", "--out", str(notes))
    assert refused.returncode == 1 and "is a file, not a folder" in refused.stderr
    assert notes.read_text(encoding="utf-8") == "mine"
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8")
    refused = run_build(minimal, "build", "--out", str(folder))
    assert refused.returncode == 1
    assert "already exists and was not written by this generator" in refused.stderr
    assert [p.name for p in folder.iterdir()] == ["holiday.jpg"]


def test_the_build_writes_a_new_or_empty_folder_and_its_own_again(minimal: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_build(minimal, "build", "--out", str(empty)).returncode == 0
    assert (empty / MARKER).is_file() and (empty / "index.html").is_file()
    assert run_build(minimal, "build", "--out", str(empty)).returncode == 0
    fresh = tmp_path / "new" / "site"
    assert run_build(minimal, "build", "--out", str(fresh)).returncode == 0
    marker = json.loads((fresh / MARKER).read_text(encoding="utf-8"))
    assert marker["generator"] == "microsite"
    assert "en/index.html" in marker["files"]


def test_leftovers_of_a_killed_build_are_cleaned_only_when_they_are_ours(minimal: Path):
    assert run_build(minimal).returncode == 0
    ours = minimal / ".site.new-abc123"
    ours.mkdir()
    (ours / MARKER).write_text('{"generator": "microsite", "files": {}}', encoding="utf-8")
    theirs = minimal / ".site.old-xyz"
    theirs.mkdir()
    (theirs / "keep.txt").write_text("not the generator's", encoding="utf-8")
    assert run_build(minimal).returncode == 0
    assert not ours.exists()
    assert (theirs / "keep.txt").read_text(encoding="utf-8") == "not the generator's"


def test_the_old_site_survives_when_the_new_one_cannot_be_put_in_place(tmp_path: Path, monkeypatch):
    site = tmp_path / "site"
    write_site([Page("index.html", b"old")], site)
    monkeypatch.setattr(output, "_exchange", lambda first, second: False)
    real_replace = os.replace

    def failing_replace(source, destination):
        # Moving the new site in fails, and so does moving the old one back.
        moving_a_whole_site = ".new-" in str(source) or ".old-" in str(source)
        if Path(destination) == site.resolve() and moving_a_whole_site:
            raise OSError(28, "No space left on device")
        return real_replace(source, destination)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(output.OutputRefused) as refused:
        write_site([Page("index.html", b"new")], site)
    retired = Path(str(refused.value.message).split("the old one is now at ")[1])
    assert (retired / "index.html").read_bytes() == b"old"


def test_the_site_is_never_missing_while_it_is_replaced(tmp_path: Path, monkeypatch):
    site = tmp_path / "site"
    write_site([Page("index.html", b"old")], site)
    seen = []
    real_exchange = output._exchange

    def watching(first, second):
        seen.append((second / "index.html").read_bytes())
        swapped = real_exchange(first, second)
        seen.append((second / "index.html").read_bytes())
        return swapped

    monkeypatch.setattr(output, "_exchange", watching)
    write_site([Page("index.html", b"new")], site)
    assert seen == [b"old", b"new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_path_outside_the_output_is_never_written(tmp_path: Path):
    with pytest.raises(output.OutputRefused):
        write_site([Page("../escaped.html", b"x")], tmp_path / "site")
    assert not (tmp_path / "escaped.html").exists()


# --- what reaches the pages ----------------------------------------------------------------

UNSAFE = [
    ("<script>alert(1)</script>", "HTML is not allowed in a section: '<script>"),
    ('<img src="x.png" onerror="alert(1)">', "HTML is not allowed in a section: '<img"),
    ('<iframe src="https://example.net"></iframe>', "HTML is not allowed in a section: '<iframe"),
    ("[click](javascript:alert(1))", "the address 'javascript:alert(1)' is not allowed"),
    ("[click](JaVaScRiPt&#58;alert(1))", "the address 'JaVaScRiPt&#58;alert(1)' is not allowed"),
    (
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "the address 'data:image/svg+xml;base64,PHN2Zz4=' is not allowed",
    ),
    ('[link](https://example.net){: onclick="alert(1)" }', "the attribute onclick=… is not allowed"),
    ('<div markdown="1">*x*</div>', "HTML is not allowed in a section"),
]


@pytest.mark.parametrize(("markdown", "message"), UNSAFE)
def test_script_in_a_section_is_refused_with_its_line(minimal: Path, markdown, message):
    assert run_build(minimal).returncode == 0
    before = tree_digest(minimal / "site")
    append(minimal, "content/en/02-firms.md", markdown)
    result = run_build(minimal)
    assert result.returncode == 1
    assert f"content/en/02-firms.md:8: error: {message}" in result.stderr
    assert tree_digest(minimal / "site") == before
    strict = run_check(minimal, "--strict")
    assert strict.returncode == 1 and message in strict.stdout


def test_markdown_that_merely_mentions_html_is_fine(minimal: Path):
    append(minimal, "content/en/02-firms.md", "Type `<script>` to see the code, and AT&T's 3 < 4 rule.")
    edit(minimal, "content/zh-hans/02-firms.md", "投入研发。", "投入研发。")
    result = run_build(minimal)
    assert result.returncode == 0, result.stderr
    html = (minimal / "site/en/index.html").read_text(encoding="utf-8")
    assert "<code>&lt;script&gt;</code>" in html


def test_the_json_ld_stays_well_formed_whatever_the_headline_holds(minimal: Path):
    edit(
        minimal,
        "content/en/release.toml",
        'headline = "Lakeside',
        'headline = "<!--<script> </script> & Lakeside',
    )
    assert run_build(minimal).returncode == 0
    page = parse(minimal / "site/en/index.html")
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["headline"] == page.h1.get_text()
    assert "<script> </script> & Lakeside" in data["headline"]
    raw = (minimal / "site/en/index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and ">" not in block


def test_a_symlink_out_of_the_project_is_never_published(minimal: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    static = minimal / "templates/static"
    (static / "leak.txt").symlink_to(secret)
    result = run_build(minimal)
    assert result.returncode == 1
    assert "templates/static/leak.txt: error: this is a link to" in result.stderr
    assert "outside the project: it is not published" in result.stderr


def test_a_section_linked_from_outside_the_project_is_not_read(minimal: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text('+++\nid = "elsewhere"\ntitle = "Elsewhere"\n+++\n\nText.\n', encoding="utf-8")
    (minimal / "content/en/03-elsewhere.md").symlink_to(outside)
    result = run_build(minimal)
    assert result.returncode == 1
    assert "content/en/03-elsewhere.md: error: this is a link to" in result.stderr


@pytest.mark.parametrize("target", ["..", "../.."])
def test_a_release_folder_that_links_back_to_the_content_is_one_clear_error(minimal: Path, target):
    (minimal / "content/releases").mkdir()
    (minimal / "content/releases/loop").symlink_to(target, target_is_directory=True)
    result = run_build(minimal)
    assert result.returncode == 1
    assert "content/releases/loop: error: the release folder `loop` is a link to" in result.stderr
    assert "Build failed: 1 error." in result.stderr, result.stderr


# --- check --mark-reviewed changes one value and nothing else -----------------------------

HEADER = '+++\nid = "firms"\ntitle = "企业纷纷入驻"\ntranslated_from = "0000000000"\n+++\n\n正文。\n'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(HEADER, HEADER.replace("0000000000", "1234567890"), id="plain"),
        pytest.param(
            HEADER.replace("\n", "\r\n"),
            HEADER.replace("0000000000", "1234567890").replace("\n", "\r\n"),
            id="crlf",
        ),
        pytest.param(
            HEADER.replace('"0000000000"', '"0000000000"  # reviewed by Li'),
            HEADER.replace('"0000000000"', '"1234567890"  # reviewed by Li'),
            id="comment-kept",
        ),
        pytest.param(
            HEADER.replace("translated_from =", '"translated_from" ='),
            HEADER.replace("translated_from =", '"translated_from" =').replace("0000000000", "1234567890"),
            id="quoted-key",
        ),
        pytest.param(
            HEADER.replace('translated_from = "0000000000"\n', ""),
            HEADER.replace("0000000000", "1234567890"),
            id="added-when-missing",
        ),
        pytest.param(
            '+++\nid = "x"\ntitle = """Two lines\ntranslated_from = "0000000000"\n"""\n+++\n',
            '+++\nid = "x"\ntitle = """Two lines\ntranslated_from = "0000000000"\n"""\ntranslated_from = "1234567890"\n+++\n',
            id="look-alike-inside-a-multi-line-title",
        ),
        pytest.param("\ufeff" + HEADER, "\ufeff" + HEADER.replace("0000000000", "1234567890"), id="bom-kept"),
    ],
)
def test_mark_reviewed_changes_exactly_one_value(before, after):
    assert set_header_value(before, "1234567890") == after


@pytest.mark.parametrize(
    "text",
    [
        "no header\n",
        '+++\nid = "x"\n',
        '+++\nid = "x"\ntranslated_from = 12\n+++\n',
    ],
)
def test_mark_reviewed_refuses_what_it_cannot_change_exactly(text):
    with pytest.raises(Refused):
        set_header_value(text, "1234567890")


def test_mark_reviewed_does_not_lose_an_edit_saved_meanwhile(minimal: Path, monkeypatch):
    from microsite import reviewed

    edit(minimal, "content/en/02-firms.md", "So far", "By now")
    path = minimal / "content/zh-hans/02-firms.md"
    original = path.read_bytes()
    real = reviewed.set_header_value

    def editor_saves_meanwhile(text, code):
        path.write_bytes(original.replace("目前".encode(), "现在".encode()))
        return real(text, code)

    monkeypatch.setattr(reviewed, "set_header_value", editor_saves_meanwhile)
    from microsite.load.content import load_section

    section, _ = load_section(path)
    english, _ = load_section(minimal / "content/en/02-firms.md")
    with pytest.raises(Refused, match="changed while it was being marked"):
        reviewed.mark_reviewed(english, section)
    assert "现在".encode() in path.read_bytes()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_mark_reviewed_reports_a_refusal_with_the_file(minimal: Path):
    path = minimal / "content/zh-hans/02-firms.md"
    path.write_text(
        re.sub(r'translated_from = "\w+"', "translated_from = 12", path.read_text(encoding="utf-8"))
    )
    result = run_check(minimal, "--mark-reviewed", "firms")
    assert result.returncode == 1
    assert (
        "content/zh-hans/02-firms.md:4: error: `translated_from` in the header block should be text"
        in result.stderr
    )
