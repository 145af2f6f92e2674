"""Shared helpers: a temporary copy of the project, builds, and parsed pages."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ENGINE_PARTS = ("build.py", "babel.cfg", "microsite", "templates", "locales")
PROJECT_PARTS = (*ENGINE_PARTS, "content")


def fixture_project(target: Path, name: str) -> Path:
    """Copy the engine and the fixture project `name` (tests/fixtures/NAME) into `target`.

    A fixture holds a content/ folder, and may hold locales/ or templates/
    files that are laid over the engine's own.
    """
    target.mkdir(parents=True)
    for part in ENGINE_PARTS:
        _copy(ROOT / part, target / part)
    shutil.copytree(FIXTURES / name, target, dirs_exist_ok=True)
    return target


def _copy(source: Path, destination: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    else:
        shutil.copy2(source, destination)


def copy_project(target: Path) -> Path:
    """Copy what a build reads (not site/, not caches) into `target`."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        _copy(ROOT / part, target / part)
    return target


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` in a project folder, as an editor would."""
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    """Return each file of a folder with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def edit(project: Path, relative: str, old: str, new: str) -> None:
    """Replace the first `old` with `new` in a file of the project, as an editor would."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def parse(path: Path) -> BeautifulSoup:
    """Parse an HTML file."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the project to edit and build."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real content, built once by the command line into a temporary folder."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def run_check(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python build.py check ARGS` in a project folder."""
    return run_build(project, "check", *args)


def findings(project: Path, *args: str) -> list[dict]:
    """Return what `check --format json` finds, notices left out."""
    result = run_check(project, "--format", "json", *args)
    return [f for f in json.loads(result.stdout)["findings"] if f["severity"] != "notice"]


def append(project: Path, relative: str, text: str) -> None:
    """Add a paragraph at the end of a file of the project."""
    path = project / relative
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A private copy of the minimal fixture project, with the engine."""
    return fixture_project(tmp_path / "minimal", "minimal")
