#!/usr/bin/env python3
"""Measure edit-to-reload latency of `python build.py serve`.

Copies the project into a temporary folder (optionally adding generated
releases so that the site has N pages per language), starts the preview
server, then saves one section file 20 times. For each save it measures the
time from the moment the file is written until the server returns the page
with the new text, and prints the median and the worst.

    python bench/preview_latency.py                 # the shipped content
    python bench/preview_latency.py --pages 500     # 500 pages per language

Targets: median under 200 ms for the shipped content, under 300 ms with 500
pages per language.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("build.py", "babel.cfg", "microsite", "content", "templates", "locales")


def copy_project(target: Path) -> None:
    """Copy what a build reads into `target`."""
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)


def add_generated_releases(content: Path, count: int) -> None:
    """Add `count` releases, copies of the main one with their own dates."""
    facts = (content / "facts.toml").read_text(encoding="utf-8")
    for number in range(count):
        folder = content / "releases" / f"release-{number:03d}"
        folder.mkdir(parents=True)
        day = 1 + number % 28
        month = 1 + (number // 28) % 12
        (folder / "facts.toml").write_text(
            facts.replace("value = 2023-03-24", f"value = 2022-{month:02d}-{day:02d}"), encoding="utf-8"
        )
        (folder / "schedule.toml").write_text(
            f"published = 2022-{month:02d}-{day:02d}T09:00:00+08:00\n", encoding="utf-8"
        )
        for code in ("en", "zh-hans"):
            shutil.copytree(content / code, folder / code)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_until_served(url: str, marker: str, timeout: float) -> float:
    """Poll the page until it contains `marker`; return the time it did."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if marker in fetch(url):
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.001)
    raise SystemExit(f"timed out: {url} never showed {marker!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1, help="pages per language (1 = the shipped content)")
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        project.mkdir()
        copy_project(project)
        slug = ""
        if args.pages > 1:
            add_generated_releases(project / "content", args.pages - 1)
            slug = f"release-{(args.pages - 1) // 2:03d}"
        section = project / "content" / ("releases/" + slug if slug else "") / "en" / "03-talent-finance.md"
        port = free_port()
        page = f"http://127.0.0.1:{port}/en/{slug + '/' if slug else ''}"
        started = time.perf_counter()
        # The server's output goes to a file: an unread pipe would fill up and stall it.
        log = (Path(folder) / "serve.log").open("w+", encoding="utf-8")
        server = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", str(port)],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_until_served(page, "<html", timeout=120)
            print(
                f"{args.pages} page(s) per language; first build and server start: {time.perf_counter() - started:.2f} s"
            )
            original = section.read_text(encoding="utf-8")
            latencies = []
            for number in range(args.saves):
                marker = f"benchmark-edit-{number}"
                text = original.replace("talent market", f"talent market ({marker})", 1)
                section.write_text(text, encoding="utf-8")
                saved = time.perf_counter()
                latencies.append(wait_until_served(page, marker, timeout=30) - saved)
                time.sleep(0.1)  # an editor does not save twice within a tenth of a second
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.seek(0)
            output = log.read()
            log.close()
    milliseconds = sorted(round(s * 1000, 1) for s in latencies)
    print(
        f"saves: {len(milliseconds)}; median {statistics.median(milliseconds):.0f} ms; worst {max(milliseconds):.0f} ms"
    )
    print("all (ms): " + ", ".join(f"{m:.0f}" for m in milliseconds))
    rebuilds = [line for line in output.splitlines() if line.startswith("Rendered")]
    if rebuilds:
        print(f"last rebuild as the server reported it: {rebuilds[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
