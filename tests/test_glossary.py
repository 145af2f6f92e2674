"""Proper names: unverified Chinese forms are listed by every build, never guessed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .conftest import ROOT, run_build

GLOSSARY = tomllib.loads((ROOT / "content" / "glossary.toml").read_text(encoding="utf-8"))


def test_every_build_lists_the_unverified_names(project: Path):
    result = run_build(project)
    unverified = [name for name in GLOSSARY.values() if not name["verified"]]
    assert len(unverified) >= 1
    for name in unverified:
        assert f"notice: unverified name: {name['en']} ({name['kind']})" in result.stderr
    assert f"{len(unverified)} unverified names" in result.stdout


def test_no_unconfirmed_chinese_form_is_given_for_a_person_or_company():
    for key, name in GLOSSARY.items():
        if name["kind"] in ("person", "company") and not name["verified"]:
            assert name["zh-hans"] == "", key


def test_verified_names_say_where_they_were_confirmed():
    for key, name in GLOSSARY.items():
        if name["verified"]:
            assert name.get("source", "").strip() and name["zh-hans"], key


def test_each_name_appears_in_its_own_form_in_each_language():
    for code in ("en", "zh-hans"):
        text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "content" / code).glob("*.md"))
        for key in ("xixian_new_area", "qinchuangyuan", "longi", "luo_yan", "yang_renhua"):
            form = GLOSSARY[key][code] or GLOSSARY[key]["en"]
            assert form in text, (code, key)


def test_marking_a_name_verified_without_a_source_is_an_error(project: Path):
    path = project / "content/glossary.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'zh-hans = "西安国际人才港"\nverified = false', 'zh-hans = "西安国际人才港"\nverified = true'
        ),
        encoding="utf-8",
    )
    result = run_build(project)
    assert result.returncode == 1
    assert (
        "content/glossary.toml:80: error: name `xian_international_talent_port` is marked verified but does not say where it was confirmed"
        in result.stderr
    )
