"""bench/preview_latency.py runs on any project: here the minimal fixture with generated releases."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import FIXTURES, ROOT


def test_latency_benchmark_times_section_and_template_edits():
    result = subprocess.run(
        [
            sys.executable,
            "bench/preview_latency.py",
            *("--project", str(FIXTURES / "minimal")),
            *("--releases", "3", "--saves", "2", "--template-edits", "1"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("3 release(s), 6 release pages; first build and server start:")
    assert re.fullmatch(r"section edit: 2 saves; median \d+ ms; worst \d+ ms", lines[1])
    assert re.fullmatch(
        r"template edit: reload after \d+ ms; \d+ requests meanwhile, median \d+ ms, worst \d+ ms", lines[3]
    )
    assert lines[4].startswith("last rebuild as the server reported it: Rendered")
