"""Rebuilds in the preview do only the work a change needs, and match a full build."""

from __future__ import annotations

from pathlib import Path

import pytest

from microsite.cache import BuildCache
from microsite.pipeline import build_site
from microsite.project import Project

from .conftest import tree_digest


def rebuild_after(
    project: Path, edits: dict[str, tuple[str, str]], tmp_path: Path, watched: bool = False
) -> tuple:
    """Build with a cache, apply edits, rebuild; return what was rendered and both trees."""
    cache = BuildCache(watched=watched)
    out = project / "site"
    build_site(Project(project), out, cache)
    for relative, (old, new) in edits.items():
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    cache.forget(project / relative for relative in edits)
    result = build_site(Project(project), out, cache)
    full = tmp_path / "full"
    build_site(Project(project), full)
    return result, tree_digest(out), tree_digest(full)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ({"content/zh-hans/03-talent-finance.md": ("人才市场", "人才交流市场")}, ["zh-hans/index.html"]),
        ({"content/en/03-talent-finance.md": ("talent market", "talent exchange")}, ["en/index.html"]),
        ({"content/facts.toml": ("value = 22147", "value = 22148")}, ["en/index.html", "zh-hans/index.html"]),
        (
            {"content/en/release.toml": ("seizes its window", "opens its window")},
            ["index.html", "404.html", "en/index.html"],
        ),
        (
            {"locales/zh_Hans_CN/LC_MESSAGES/messages.po": ('msgstr "关键数据"', 'msgstr "数据一览"')},
            ["index.html", "404.html", "zh-hans/index.html"],
        ),
        (
            {"templates/release.html": ('class="subhead"', 'class="subhead standfirst"')},
            ["en/index.html", "zh-hans/index.html"],
        ),
        (
            {"templates/base.html": ("<body>", '<body class="site">')},
            ["index.html", "404.html", "en/index.html", "zh-hans/index.html"],
        ),
    ],
    ids=[
        "zh-section",
        "en-section",
        "facts",
        "en-release-settings",
        "zh-catalog",
        "release-template",
        "base-template",
    ],
)
@pytest.mark.parametrize("watched", [False, True], ids=["stat", "watched"])
def test_rebuild_renders_only_affected_pages_and_matches_full_build(
    project: Path, tmp_path: Path, edits, expected, watched
):
    result, incremental, full = rebuild_after(project, edits, tmp_path, watched)
    assert sorted(result.rendered) == sorted(expected)
    assert incremental == full


def test_english_section_shown_as_fallback_re_renders_the_translation(project: Path, tmp_path: Path):
    (project / "content/zh-hans/04-action-plan.md").unlink()
    result, incremental, full = rebuild_after(
        project, {"content/en/04-action-plan.md": ("breeding ground", "nursery")}, tmp_path
    )
    assert sorted(result.rendered) == ["en/index.html", "zh-hans/index.html"]
    assert incremental == full


def test_removed_release_disappears_from_an_incremental_build(project: Path, tmp_path: Path):
    from .test_pages import add_release

    add_release(project, "extra", "2023-04-02", "Extra")
    cache = BuildCache()
    build_site(Project(project), project / "site", cache)
    assert (project / "site/en/extra/index.html").exists()
    import shutil

    shutil.rmtree(project / "content/releases")
    build_site(Project(project), project / "site", cache)
    build_site(Project(project), tmp_path / "full")
    assert tree_digest(project / "site") == tree_digest(tmp_path / "full")
