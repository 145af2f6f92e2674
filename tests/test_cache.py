"""The build cache and the worker processes never change what a build writes.

Every kind of input is edited after a cached build; the next cached build
must write exactly what a clean build (no cache, one process) writes, and
report exactly what it reports.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import append, edit, fixture_project, run_build, run_check, tree_digest

BRIDGE = "content/releases/harbour-bridge"
ISSUERS = '[lakeside]\nname = "Lakeside District Administration"\nen = "It runs the district."\n'

EDITS = [
    pytest.param(
        lambda p: edit(p, "content/en/01-opening.md", "opened the", "has opened the"), id="section-body"
    ),
    pytest.param(
        lambda p: edit(p, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻"), id="translation"
    ),
    pytest.param(
        lambda p: edit(p, "content/en/02-firms.md", "Firms moving in", "Firms move in"), id="section-title"
    ),
    pytest.param(lambda p: edit(p, "content/facts.toml", "value = 36", "value = 37"), id="facts"),
    pytest.param(
        lambda p: edit(p, "content/facts.toml", "value = 12.5", 'value = 12.5\nqualifier = "nearly"'),
        id="qualifier",
    ),
    pytest.param(
        lambda p: edit(p, f"{BRIDGE}/facts.toml", "1_980_000_000", "1_990_000_000"),
        id="further-release-facts",
    ),
    pytest.param(lambda p: edit(p, "content/schedule.toml", "10:00:00", "11:00:00"), id="schedule"),
    pytest.param(
        lambda p: edit(p, "content/en/release.toml", "opens its first", "opens its new"), id="release-text"
    ),
    pytest.param(
        lambda p: edit(p, f"{BRIDGE}/en/release.toml", "opens to traffic", "opens"), id="further-headline"
    ),
    pytest.param(
        lambda p: edit(p, "content/glossary.toml", "The district's own website", "Its website"),
        id="site-glossary",
    ),
    pytest.param(
        lambda p: edit(p, f"{BRIDGE}/glossary.toml", "Bluewave Engineering", "Bluewave Engineer"),
        id="release-glossary",
    ),
    pytest.param(
        lambda p: edit(p, "content/site.toml", "Lakeside District newsroom", "Lakeside newsroom"),
        id="settings",
    ),
    pytest.param(
        lambda p: edit(p, "templates/release.html", "<article", "<!-- edited --><article"), id="template"
    ),
    pytest.param(
        lambda p: edit(p, "templates/release.html", '_("Key figures")', '_("Figures at a glance")'),
        id="template-string",
    ),
    pytest.param(
        lambda p: edit(p, "locales/zh_Hans_CN/LC_MESSAGES/messages.po", '"关键数据"', '"数据一览"'),
        id="catalog",
    ),
    pytest.param(lambda p: append(p, "templates/assets/style.css", "main { color: #111; }"), id="stylesheet"),
    pytest.param(lambda p: (p / "templates/static/humans.txt").write_text("Lakeside\n"), id="static-file"),
    pytest.param(lambda p: (p / "content/issuers.toml").write_text(ISSUERS, encoding="utf-8"), id="issuers"),
    pytest.param(
        lambda p: edit(p, "content/zh-hans/.translated-from/firms.md", "So far", "Until now"), id="snapshot"
    ),
    pytest.param(lambda p: (p / "content/zh-hans/02-firms.md").unlink(), id="deleted-section"),
    pytest.param(
        lambda p: shutil.copytree(p / BRIDGE, p / "content/releases/harbour-bridge-2"), id="new-release"
    ),
    pytest.param(lambda p: shutil.rmtree(p / BRIDGE), id="deleted-release"),
    pytest.param(
        lambda p: append(p, "microsite/render/pages.py", "# a new version of the generator"), id="generator"
    ),
]


def outcome(project: Path, out: Path, *args: str) -> tuple[dict, list]:
    """Build into `out`; return what was written and what the check finds."""
    result = run_build(project, "build", "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    checked = [a for a in args if a != "--compress"]  # a build's option only
    found = json.loads(run_check(project, "--format", "json", *checked).stdout)["findings"]
    return tree_digest(out), found


@pytest.mark.parametrize("change", EDITS)
def test_a_cached_build_after_an_edit_writes_what_a_clean_build_writes(tmp_path: Path, change):
    project = fixture_project(tmp_path / "project", "two-releases")
    assert run_build(project, "build", "--out", str(tmp_path / "cached")).returncode == 0
    run_check(project)
    change(project)
    cached = outcome(project, tmp_path / "cached")
    clean = outcome(project, tmp_path / "clean", "--no-cache", "--jobs", "1")
    assert cached == clean


@pytest.mark.parametrize(
    "options", [("--base-url", "https://news.lakeside.cn/"), ("--preview",), ("--compress",)]
)
def test_options_are_part_of_what_is_cached(tmp_path: Path, options):
    project = fixture_project(tmp_path / "project", "two-releases")
    assert run_build(project, "build", "--out", str(tmp_path / "cached")).returncode == 0
    cached = outcome(project, tmp_path / "cached", *options)
    clean = outcome(project, tmp_path / "clean", "--no-cache", *options)
    assert cached == clean


def many_releases(tmp_path: Path, count: int = 6) -> Path:
    project = fixture_project(tmp_path / "project", "two-releases")
    for number in range(count):
        shutil.copytree(project / BRIDGE, project / f"content/releases/bridge-{number}")
    return project


def test_releases_made_in_worker_processes_are_the_same_bytes(tmp_path: Path):
    project = many_releases(tmp_path)
    one = run_build(project, "build", "--out", str(tmp_path / "one"), "--no-cache", "--jobs", "1")
    two = run_build(project, "build", "--out", str(tmp_path / "two"), "--no-cache", "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    assert one.stderr == two.stderr


def test_a_long_report_after_an_edit_lists_and_counts_what_a_clean_build_does(tmp_path: Path):
    # More warnings than the build lists, spread over releases taken from the
    # cache and one made again: the list and the counts must not depend on which.
    project = many_releases(tmp_path)
    typed = " ".join(f"It cost {n} yuan." for n in range(11, 23))
    for number in range(6):
        append(project, f"content/releases/bridge-{number}/en/01-opening.md", typed)
    assert run_build(project, "build", "--out", str(tmp_path / "cached")).returncode == 0
    append(project, "content/releases/bridge-3/en/01-opening.md", "It cost 7 yuan.")
    cached = run_build(project, "build", "--out", str(tmp_path / "cached"))
    clean = run_build(project, "build", "--out", str(tmp_path / "clean"), "--no-cache", "--jobs", "1")
    assert cached.returncode == clean.returncode == 0
    assert cached.stderr == clean.stderr
    assert cached.stdout.split(": ")[-1] == clean.stdout.split(": ")[-1]  # "N warnings, M notices."
    # The list is the first findings in reading order (warnings, then by file and line), as check has them.
    found = json.loads(run_check(project, "--format", "json").stdout)["findings"]
    rank = {"error": 0, "warning": 1, "notice": 2}
    found.sort(key=lambda f: (rank[f["severity"]], f["path"], f["line"] or 0, f["message"]))
    listed = [line for line in cached.stderr.splitlines() if not line.startswith(("    ", "… and"))]
    assert len(listed) == 50 < len(found)
    assert listed == [f"{f['path']}:{f['line']}: {f['severity']}: {f['message']}" for f in found[:50]]
    more = cached.stderr.splitlines()[-1]
    assert more.startswith(f"… and {len(found) - 50} more: ")


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda p: (p / "templates/release.html").unlink(), id="missing-template"),
        pytest.param(
            lambda p: edit(p, "templates/release.html", "<article", "{% if %}<article"), id="template-syntax"
        ),
    ],
)
def test_an_error_met_in_a_worker_process_is_reported_like_one_met_in_one_process(tmp_path: Path, breakage):
    project = many_releases(tmp_path)
    breakage(project)
    one = run_build(project, "build", "--out", str(tmp_path / "one"), "--no-cache", "--jobs", "1")
    two = run_build(project, "build", "--out", str(tmp_path / "two"), "--no-cache", "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert "templates/release.html" in two.stderr and "Traceback" not in two.stderr
    assert one.stderr.replace("/one/", "/two/") == two.stderr


def test_a_build_with_nothing_changed_writes_nothing_and_says_the_same(tmp_path: Path):
    project = many_releases(tmp_path)
    first = run_build(project)
    site = project / "site"
    times = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    again = run_build(project)
    assert again.returncode == 0
    assert again.stderr == first.stderr
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == times


def test_a_page_deleted_or_changed_by_hand_is_written_again(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    assert run_build(project).returncode == 0
    expected = tree_digest(project / "site")
    (project / "site/en/index.html").unlink()
    (project / "site/zh-hans/facts.csv").write_text("edited by hand", encoding="utf-8")
    assert run_build(project).returncode == 0
    assert tree_digest(project / "site") == expected


def test_a_file_added_to_the_site_by_hand_is_left_alone(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    assert run_build(project).returncode == 0
    (project / "site/notes.txt").write_text("mine", encoding="utf-8")
    edit(project, "content/en/01-opening.md", "opened the", "has opened the")
    assert run_build(project).returncode == 0
    assert (project / "site/notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_broken_cache_only_costs_time(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    assert run_build(project).returncode == 0
    expected = tree_digest(project / "site")
    for entry in (project / ".cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    edit(project, "content/en/01-opening.md", "opened the", "has opened the")
    edit(project, "content/en/01-opening.md", "has opened the", "opened the")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert tree_digest(project / "site") == expected


def test_the_previews_rebuilds_make_what_a_clean_build_makes(tmp_path: Path):
    from microsite.cache import BuildCache
    from microsite.pipeline import BuildOptions, assemble_site
    from microsite.preview.rebuild import build_in_memory
    from microsite.project import Project

    project = Project(many_releases(tmp_path, count=4).resolve())
    cache = BuildCache(project.root / ".cache" / "preview", in_memory=True)
    assert build_in_memory(project, cache, set()).pages is not None
    edits = [
        project.content / "en/01-opening.md",
        project.content / "releases/bridge-2/zh-hans/01-opening.md",
        project.templates / "release.html",
    ]
    for path in edits:
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("+++\n\n", "+++\n\nEdited.\n\n", 1).replace("<article", "<!--e--><article", 1),
            encoding="utf-8",
        )
        build = build_in_memory(project, cache, {path})
        clean = assemble_site(project, BuildOptions(preview=True, cache=False, jobs=1))
        assert build.pages == {page.path: page.content for page in clean.pages()}
        assert sorted(build.problems) == sorted(clean.problems)
    # A new file the site shares: every release's page gains the issuer's paragraph.
    issuers = project.content / "issuers.toml"
    issuers.write_text(ISSUERS, encoding="utf-8")
    build = build_in_memory(project, cache, {issuers})
    clean = assemble_site(project, BuildOptions(preview=True, cache=False, jobs=1))
    assert build.pages == {page.path: page.content for page in clean.pages()}
    assert b"It runs the district." in build.pages["en/index.html"]
    # A new interface string in a template: the preview reads the templates' strings again.
    edit(project.root, "templates/release.html", '_("Key figures")', '_("Figures at a glance")')
    build = build_in_memory(project, cache, {project.templates / "release.html"})
    clean = assemble_site(project, BuildOptions(preview=True, cache=False, jobs=1))
    assert sorted(build.problems) == sorted(clean.problems)
    assert any("Figures at a glance" in problem.message for problem in build.problems)


def test_a_link_back_up_the_tree_is_not_walked_again_and_again(tmp_path: Path):
    from microsite.cache import FileDigests

    project = fixture_project(tmp_path / "project", "minimal")
    (project / "content/en/up").symlink_to("../..", target_is_directory=True)  # the whole project
    (project / "content/en/me").symlink_to(".", target_is_directory=True)
    (project / "archive").mkdir()
    (project / "archive/notes.txt").write_text("kept elsewhere", encoding="utf-8")
    (project / "content/elsewhere").symlink_to("../archive", target_is_directory=True)
    (project / "archive/back").symlink_to("../content", target_is_directory=True)
    files = FileDigests(None).tree(project / "content")
    plain = sorted(str(p) for p in (project / "content").rglob("*") if p.is_file() and not p.is_symlink())
    assert sorted(f for f in files if "/up/" not in f and "/me/" not in f and "/elsewhere/" not in f) == plain
    assert [f for f in files if "/up/" in f or "/me/" in f] == []
    assert [f for f in files if "/elsewhere/" in f] == [str(project / "content/elsewhere/notes.txt")]
    result = run_build(project)
    assert result.returncode == 0, result.stderr
