"""The project's own promises: the README's commands and CI stay in step."""

from __future__ import annotations

import re

from .conftest import ROOT


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(python3 -m venv[^\n]+)\n```", readme)


def test_ci_runs_the_readme_test_command_verbatim():
    build, test = readme_commands()
    assert "build.py" in build and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci


def test_dependencies_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", line), line


def test_generated_site_is_not_tracked():
    assert "/site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


# The first release's own names: the engine must work for any release, so it
# names none of them (the shipped release is content like any other).
FIRST_RELEASE_WORDS = (
    "Xixian",
    "Shaanxi",
    "Qinchuangyuan",
    "LONGi",
    "Xi'an",
    "西咸",
    "陕西",
    "秦创原",
    "隆基",
    "西安",
)


def test_the_generator_names_nothing_of_the_shipped_release():
    engine = [ROOT / "build.py"]
    for folder in ("microsite", "templates", "locales"):
        engine += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    assert len(engine) > 20
    for path in engine:
        data = path.read_bytes().lower()  # fonts and images too
        for word in FIRST_RELEASE_WORDS:
            assert word.lower().encode() not in data, f"{path.relative_to(ROOT)} names {word}"
