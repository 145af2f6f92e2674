"""The command line itself: usage errors, missing dependencies, pipes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_build


def test_a_misspelt_option_shows_the_commands_own_usage(minimal: Path):
    result = run_build(minimal, "build", "--outt", "x")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: build.py build")
    assert "unrecognized arguments: --outt" in result.stderr
    bare = run_build(minimal, "--outt", "x")
    assert bare.stderr.startswith("usage: build.py build")


def test_a_misspelt_command_is_named(minimal: Path):
    result = run_build(minimal, "chek")
    assert result.returncode == 2
    assert "there is no command 'chek'. Did you mean `check`?" in result.stderr


def test_a_missing_dependency_says_what_to_install(minimal: Path):
    code = "import sys, runpy; sys.modules['jinja2'] = None; sys.argv = ['build.py']; runpy.run_path('build.py', run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=minimal, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "build.py needs the package 'jinja2'" in result.stderr
    assert "pip install -r requirements.txt" in result.stderr


def test_a_report_piped_into_head_ends_quietly(minimal: Path):
    command = f"{sys.executable} build.py check | head -n 1"
    result = subprocess.run(command, shell=True, cwd=minimal, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_debug_works_before_or_after_the_command(minimal: Path):
    assert run_build(minimal, "--debug", "check").returncode == 0
    assert run_build(minimal, "check", "--debug").returncode == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["check", "--ignore", "typed-figures"], "Did you mean `typed-figure`?"),
        (["check", "--ignore", "nonsense"], "Kinds: broken-link,"),
        (["build", "--jobs", "-3"], "use 1 or more (0: one per core)"),
        (["check", "--jobs", "many"], "use 1 or more (0: one per core)"),
    ],
)
def test_an_option_value_that_cannot_be_is_a_usage_error(minimal: Path, args, says):
    result = run_build(minimal, *args)
    assert result.returncode == 2
    assert says in result.stderr
    assert not (minimal / "site").exists()


def test_every_kind_of_finding_can_be_ignored_by_name():
    from microsite.problems import KINDS

    root = Path(__file__).resolve().parent.parent / "microsite"
    written = set()
    for path in root.rglob("*.py"):
        written |= set(re.findall(r'kind="([a-z-]+)"', path.read_text(encoding="utf-8")))
    assert len(written) > 10
    assert written == set(KINDS)
