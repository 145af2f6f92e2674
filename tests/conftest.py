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


def assert_refused(project: Path, relative: str, line: int, expected: str) -> None:
    """Build, and check the build fails with `expected` at relative:line, no traceback, site/ untouched."""
    before = tree_digest(project / "site")
    result = run_build(project)
    assert result.returncode == 1, result.stderr
    assert f"{relative}:{line}: error: " in result.stderr, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(project / "site") == before


def assert_each_edit_refused(
    project: Path, relative: str, cases: list[tuple[str, str, str]], found_at: dict[str, str] | None = None
) -> None:
    """Make each edit of a file in turn, (old, new, expected): each build fails as assert_refused says.

    The finding is at the line of `old`, or, where a word of `expected` is a key
    of `found_at`, at the line of its value. site/ stays as the last good build
    left it, through every case; the file is put back after the last one.
    """
    path = project / relative
    original = path.read_text(encoding="utf-8")
    before = tree_digest(project / "site")
    for old, new, expected in cases:
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        snippet = next((where for word, where in (found_at or {}).items() if word in expected), old)
        assert_refused(project, relative, line_of(original, snippet), expected)
        assert tree_digest(project / "site") == before
    path.write_text(original, encoding="utf-8")


def line_of(text: str, snippet: str) -> int:
    """Return the line of a text on which a snippet starts."""
    return text[: text.index(snippet)].count("\n") + 1


def append(project: Path, relative: str, text: str) -> None:
    """Add a paragraph at the end of a file of the project."""
    path = project / relative
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A private copy of the minimal fixture project, with the engine."""
    return fixture_project(tmp_path / "minimal", "minimal")


@pytest.fixture
def server(minimal: Path):
    """`python build.py serve` running on the minimal fixture project (helpers in test_serve.py)."""
    from .test_serve import Running, free_port

    running = Running(minimal, free_port())
    yield running
    running.stop()


# --- fixture projects, built once and read as their own files say ------------


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory):
    """Return `build(NAME)`: the fixture project NAME, built once per session (its site is in site/).

    Tests read what it returns and never change it; a test that edits makes its own copy.
    """
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            project = fixture_project(tmp_path_factory.mktemp(name) / "project", name)
            result = run_build(project)
            assert result.returncode == 0, result.stderr
            built[name] = project
        return built[name]

    return build


def fact_references(text: str) -> list[str]:
    """Return the facts a text refers to, in order, as written: id, or id:form."""
    import re

    return re.findall(r"\[\[([a-z][a-z0-9_]*(?::[a-z]+)?)\]\]", text)


def expand(text: str, written: dict[str, str]) -> str:
    """Write out each [[id]] and [[id:form]] of a text as `written` says (keys: id, or id:form)."""
    for reference in fact_references(text):
        text = text.replace(f"[[{reference}]]", written[reference], 1)
    return text


def straight(text: str) -> str:
    """Return a text with curly quotes made straight, to compare typeset text with its source."""
    return text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))


def machine_value(fact: dict) -> str:
    """Return a fact's language-neutral value as facts.toml gives it (for `value` and `datetime`)."""
    value = fact["value"]
    if fact["type"] == "date":
        return value.isoformat()
    if fact["type"] == "year":
        return f"{value:04d}"
    return str(value)


class Content:
    """A project's content/ read straight from its files: languages, releases, sections, facts, catalogs."""

    def __init__(self, project: Path):
        self.root = project
        self.site = read_toml(project / "content" / "site.toml")
        self.base_url: str = self.site["site"]["base_url"]
        self.languages: list[dict] = [
            {"code": code, **table} for code, table in self.site["languages"].items()
        ]
        self.codes = [language["code"] for language in self.languages]
        self.source = self.languages[0]

    def language(self, code: str) -> dict:
        return next(language for language in self.languages if language["code"] == code)

    def slugs(self) -> list[str]:
        """Return the main release ('') and each further release, in folder order."""
        more = self.root / "content" / "releases"
        found = (
            sorted(p.name for p in more.iterdir() if p.is_dir() and not p.name.startswith("."))
            if more.is_dir()
            else []
        )
        return ["", *found]

    def folder(self, slug: str = "") -> Path:
        return self.root / "content" / ("releases/" + slug if slug else "")

    def release(self, code: str, slug: str = "") -> dict:
        return read_toml(self.folder(slug) / code / "release.toml")

    def facts(self, slug: str = "") -> dict:
        return read_toml(self.folder(slug) / "facts.toml")

    def schedule(self, slug: str = "") -> dict:
        return read_toml(self.folder(slug) / "schedule.toml")

    def sections(self, code: str, slug: str = "") -> list[dict]:
        """Return each section file of a language, in file order: id, title, body and path."""
        found = []
        for path in sorted((self.folder(slug) / code).glob("*.md")):
            _, header, body = path.read_text(encoding="utf-8").split("+++", 2)
            found.append({**read_toml_text(header), "body": body.strip(), "path": path})
        return found

    def page(self, code: str, slug: str = "") -> str:
        """Return the output path of a release's page in one language."""
        return f"{code}/{slug}/index.html" if slug else f"{code}/index.html"

    def release_pages(self) -> list[str]:
        """Return the output path of every release page: each release in each language."""
        return [self.page(code, slug) for slug in self.slugs() for code in self.codes]

    def url(self, code: str | None, slug: str = "") -> str:
        """Return the public address of a release's page (of the front door when `code` is None)."""
        if code is None:
            return self.base_url
        return self.base_url + self.page(code, slug).removesuffix("index.html")

    def golden(self) -> dict:
        return read_toml(self.root / "golden.toml")

    def interface(self, code: str, message: str) -> str:
        """Return an interface string as the language's catalog translates it (the message itself if not)."""
        from babel.messages.pofile import read_po

        catalog = self.language(code)["catalog"]
        path = self.root / "locales" / catalog / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            found = read_po(po).get(message)
        return found.string if found is not None and found.string and not found.fuzzy else message


def read_toml(path: Path) -> dict:
    """Read a TOML file of a project."""
    return read_toml_text(path.read_text(encoding="utf-8"))


def read_toml_text(text: str) -> dict:
    """Read TOML text (a header block, say)."""
    import tomllib

    return tomllib.loads(text)
