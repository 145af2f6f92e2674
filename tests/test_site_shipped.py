"""The shipped release (content/): what only the product's own data can show.

It builds, has every section in every language, shows each
section in order with every key figure, uses every fact, and every page it
makes passes the Nu Html Checker. Each expectation is read from content/
itself, never a sentence, id or figure of the release: an editor's correct
change to content/ must never fail these tests. The engine's own behaviour is
tested on the fixture projects (tests/fixtures/).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, Content, copy_project, fact_references, parse, run_build

TOOLS = ROOT / ".ci" / "tools" / "node_modules"
SHIPPED = Content(ROOT)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The shipped content, built once by the command line: the project and what the build printed."""
    project = copy_project(tmp_path_factory.mktemp("shipped") / "project")
    return project, run_build(project)


def test_shipped_release_builds_every_page_in_every_language(shipped):
    # Warnings are the editors' findings (a name, a typed figure …): `check --strict` judges them.
    project, result = shipped
    assert result.returncode == 0, result.stderr
    pages = len(SHIPPED.release_pages()) + 2
    assert re.fullmatch(
        rf"Built {pages} pages \({re.escape(', '.join(sorted(SHIPPED.codes)))}, the language picker and 404\) "
        r"and \d+ other files into site/ in \d+\.\d\d s: \d+ warnings?, \d+ notices?\.\n",
        result.stdout,
    )
    for page in ("index.html", "404.html", *SHIPPED.release_pages()):
        assert (project / "site" / page).is_file(), page


def test_every_section_exists_in_every_language():
    for slug in SHIPPED.slugs():
        expected = [section["id"] for section in SHIPPED.sections(SHIPPED.source["code"], slug)]
        assert expected, slug
        for code in SHIPPED.codes[1:]:
            assert [section["id"] for section in SHIPPED.sections(code, slug)] == expected, (slug, code)


def test_pages_show_every_section_in_order_without_fallback(shipped):
    project, _ = shipped
    for slug in SHIPPED.slugs():
        expected = [section["id"] for section in SHIPPED.sections(SHIPPED.source["code"], slug)]
        for code in SHIPPED.codes:
            soup = parse(project / "site" / SHIPPED.page(code, slug))
            assert [s["id"] for s in soup.select(".release-body > section")] == expected, (slug, code)
            assert not soup.select(".fallback")
            assert [a["href"] for a in soup.select("nav.contents a")] == [f"#{i}" for i in expected]


def test_key_figures_panel_shows_every_figure_with_a_label_in_every_language(shipped):
    project, _ = shipped
    for slug in SHIPPED.slugs():
        expected = list(SHIPPED.release(SHIPPED.source["code"], slug).get("figures", {}))
        for code in SHIPPED.codes:
            figures = parse(project / "site" / SHIPPED.page(code, slug)).select(".key-figures .figure")
            assert len(figures) == len(expected), (slug, code)
            for figure in figures:
                assert figure.dt.get_text().strip() and figure.dd.get_text().strip()
                assert not figure.dt.get("lang"), "a label shown in the original language"


def test_every_fact_is_used_by_some_section_or_text():
    for slug in SHIPPED.slugs():
        for code in SHIPPED.codes:
            sections = SHIPPED.sections(code, slug)
            texts = [s["body"] for s in sections] + [s["title"] for s in sections]
            release = SHIPPED.release(code, slug)
            texts += [value for value in release.values() if isinstance(value, str)]
            labels = release.get("figures", {}).values()
            texts += [label if isinstance(label, str) else label.get("label", "") for label in labels]
            used = {reference.partition(":")[0] for text in texts for reference in fact_references(text)}
            unused = [fact for fact in SHIPPED.facts(slug) if fact != "release_date" and fact not in used]
            assert unused == [], (slug, code)


def test_every_page_of_the_shipped_site_passes_the_nu_html_checker(shipped, tmp_path: Path):
    vnu = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not vnu.exists() or java is None:
        if os.environ.get("CI"):
            pytest.fail(f"the Nu Html Checker or Java is missing ({vnu}): .ci/run installs them")
        pytest.skip("the Nu Html Checker (npm package vnu-jar) or Java is not installed (run .ci/run)")
    project, _ = shipped
    sites = [project / "site"]
    embargoes = [SHIPPED.schedule(slug).get("embargo") for slug in SHIPPED.slugs()]
    embargoes = [moment for moment in embargoes if moment is not None]
    if embargoes:
        # The marked preview that reviewers see before the embargo lifts.
        epoch = str(int((min(embargoes) - datetime.timedelta(days=2)).timestamp()))
        preview = tmp_path / "preview"
        result = subprocess.run(
            [sys.executable, "build.py", "build", "--preview", "--out", str(preview)],
            cwd=project,
            env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        sites.append(preview)
    pages = sorted(str(p) for folder in sites for p in folder.rglob("*.html"))
    assert len(pages) == len(sites) * (len(SHIPPED.release_pages()) + 2)
    stylesheets = sorted(str(css) for folder in sites for css in folder.glob("assets/*.css"))
    result = subprocess.run(
        [java, "-jar", str(vnu), "--format", "json", "--also-check-css", *pages, *stylesheets],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1, ensure_ascii=False)
