"""Proper names: confirmed per language, per release, listed until staff confirm them, never guessed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .conftest import ROOT, append, edit, findings, fixture_project, run_build, run_check

BRIDGE = "content/releases/harbour-bridge"


def test_every_build_lists_each_unconfirmed_form(minimal: Path):
    result = run_build(minimal)
    assert (
        "content/glossary.toml:15: notice: unverified name: Zhou Ming (person); zh-hans: (none; the en form is used)"
        in result.stderr
    )
    assert "A person's or company's name must never be guessed." in result.stderr
    # The other notice: the fixture names no media contact.
    assert result.stdout.rstrip().endswith("0 warnings, 2 notices.")


def test_a_release_has_its_own_names_beside_the_sites(tmp_path: Path):
    project = fixture_project(tmp_path / "two", "two-releases")
    result = run_build(project)
    assert result.returncode == 0
    assert (
        f"{BRIDGE}/glossary.toml:10: notice: unverified name: Bluewave Engineering (company)" in result.stderr
    )
    # The release's names are checked in its text like the site's.
    edit(project, f"{BRIDGE}/en/01-opening.md", "Bluewave Engineering built", "Bluewave Engineerng built")
    kinds = {(f["path"], f["kind"]) for f in findings(project)}
    assert (f"{BRIDGE}/en/01-opening.md", "name-near-miss") in kinds


def test_a_broken_release_glossary_is_reported_not_ignored(tmp_path: Path):
    project = fixture_project(tmp_path / "two", "two-releases")
    append(project, f"{BRIDGE}/glossary.toml", "[broken\nkind = ")
    result = run_build(project)
    assert result.returncode == 1
    assert f"{BRIDGE}/glossary.toml:" in result.stderr and "this TOML is not valid" in result.stderr


def test_a_release_cannot_redefine_a_name_of_the_site(tmp_path: Path):
    project = fixture_project(tmp_path / "two", "two-releases")
    append(
        project,
        f"{BRIDGE}/glossary.toml",
        '[lakeside_district]\nkind = "place"\nen = "Lakeside"\nverified = []',
    )
    result = run_build(project)
    assert result.returncode == 1
    assert (
        "the name `lakeside_district` is already in glossary.toml (line 1): a release cannot redefine it"
        in result.stderr
    )


def test_one_release_does_not_list_another_releases_names_as_its_own(tmp_path: Path):
    project = fixture_project(tmp_path / "two", "two-releases")
    result = run_build(project)
    assert result.stderr.count("Bluewave Engineering (company)") == 1


def test_a_form_is_confirmed_per_language(tmp_path: Path):
    project = fixture_project(tmp_path / "three", "three-languages")
    result = run_check(project)
    # Chinese confirmed, French not: only the French form is listed.
    assert (
        "notice: unverified name: Lakeside Science Park (programme); fr: parc scientifique de Lakeside"
        in result.stdout
    )
    # French confirmed, Chinese missing: only the Chinese is listed.
    assert (
        "notice: unverified name: Zhou Ming (person); zh-hans: (none; the en form is used)" in result.stdout
    )
    assert "Lakeside District (place)" not in result.stdout


def test_confirming_a_language_without_its_form_or_a_source_is_an_error(minimal: Path):
    edit(
        minimal,
        "content/glossary.toml",
        'zh-hans = ""\nverified = []',
        'zh-hans = ""\nverified = ["zh-hans"]',
    )
    result = run_build(minimal)
    assert result.returncode == 1
    assert "error: name `zhou_ming` is confirmed in zh-hans but has no zh-hans form" in result.stderr
    assert "error: name `zhou_ming` is confirmed but does not say where" in result.stderr


def test_shipped_glossary_never_gives_an_unconfirmed_form_for_a_person_or_company():
    glossary = tomllib.loads((ROOT / "content" / "glossary.toml").read_text(encoding="utf-8"))
    for key, name in glossary.items():
        if name["kind"] in ("person", "company"):
            for code, form in name.items():
                if code not in ("en", "kind", "verified", "source", "note") and form:
                    assert code in name["verified"], (key, code)
