#!/usr/bin/env python3
"""Measure how fast `python build.py serve` shows an edit, and how it answers while it rebuilds.

Copies the engine and a project's content (by default this repository's)
into a temporary folder, optionally adds generated releases, starts the
preview server, then measures two kinds of edit:

- a section edit, saved N times: from each save until the page, fetched
  when the browser is told to reload, has the new text (median and worst);
- a template edit (release.html, so every release page is rendered again):
  from the save until the browser is told to reload, while another client
  keeps requesting a page the edit does not change and times each answer
  (the server must keep answering during the rebuild).

    python bench/preview_latency.py                    # the shipped content
    python bench/preview_latency.py --releases 1000    # 1,000 releases: 2,000 pages
    python bench/preview_latency.py --project tests/fixtures/minimal --releases 3

Targets (section edit, median): 200 ms for the shipped content, 300 ms with
1,000 releases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ("build.py", "babel.cfg", "microsite", "templates", "locales")
TEMPLATE = "templates/release.html"
TEMPLATE_ANCHOR = "{% block main %}"


def copy_project(source: Path, target: Path) -> None:
    """Copy the engine, then the project's content (and any templates or locales it overrides)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "site", ".site*")
    target.mkdir(parents=True)
    for part in ENGINE:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, target / part, ignore=ignore)
        else:
            shutil.copy2(ROOT / part, target / part)
    for part in ("content", "templates", "locales"):
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, ignore=ignore, dirs_exist_ok=True)


def language_codes(content: Path) -> list[str]:
    """Return the site's language codes, the source language first."""
    settings = tomllib.loads((content / "site.toml").read_text(encoding="utf-8"))
    return list(settings["languages"])


def add_generated_releases(content: Path, count: int) -> None:
    """Add `count` releases, copies of the main one with their own dates."""
    facts = (content / "facts.toml").read_text(encoding="utf-8")
    for number in range(count):
        folder = content / "releases" / f"release-{number:03d}"
        folder.mkdir(parents=True)
        date = f"2022-{1 + (number // 28) % 12:02d}-{1 + number % 28:02d}"
        dated = re.sub(r"(\[release_date\][^\[]*?value\s*=\s*)\d{4}-\d{2}-\d{2}", rf"\g<1>{date}", facts)
        (folder / "facts.toml").write_text(dated, encoding="utf-8")
        (folder / "schedule.toml").write_text(f"published = {date}T09:00:00+08:00\n", encoding="utf-8")
        for code in language_codes(content):
            shutil.copytree(content / code, folder / code)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
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


async def connect_browser(base: str, page: str):
    """Open the live-reload socket as livereload.js does."""
    from tornado.websocket import websocket_connect

    browser = await websocket_connect(base.replace("http", "ws") + "livereload")
    await browser.write_message(json.dumps({"command": "hello", "protocols": []}))
    await browser.read_message()
    await browser.write_message(json.dumps({"command": "info", "url": page}))
    await asyncio.sleep(0.2)
    return browser


async def measure_section_edits(section: Path, base: str, page: str, saves: int) -> list[float]:
    """Save a section `saves` times; time each save until the page, fetched on the reload message, shows it.

    That is what an editor's browser does. Polling the page instead would
    compete with the rebuild it measures, now that requests are answered
    during a rebuild.
    """
    browser = await connect_browser(base, page)
    original = section.read_text(encoding="utf-8")
    latencies = []
    for number in range(saves):
        marker = f"benchmark-edit-{number}"
        section.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
        saved = time.perf_counter()
        while True:
            await asyncio.wait_for(browser.read_message(), 60)
            if marker in await asyncio.to_thread(fetch, page):
                break
        latencies.append(time.perf_counter() - saved)
        await asyncio.sleep(0.1)  # an editor does not save twice within a tenth of a second
    section.write_text(original, encoding="utf-8")
    await asyncio.wait_for(browser.read_message(), 60)
    browser.close()
    return latencies


async def measure_template_edit(project: Path, base: str, page: str, number: int) -> dict:
    """Edit the release template; time the reload message and the answers for an unchanged page."""
    browser = await connect_browser(base, page)
    template = project / TEMPLATE
    marker = f"benchmark-template-edit-{number}"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace(TEMPLATE_ANCHOR, f"{TEMPLATE_ANCHOR}<!-- {marker} -->", 1), encoding="utf-8"
    )
    saved = time.perf_counter()
    reload = asyncio.ensure_future(browser.read_message())
    answers = []
    while True:
        started = time.perf_counter()
        await asyncio.to_thread(fetch, base)  # the language picker: release.html does not change it
        answers.append(time.perf_counter() - started)
        if reload.done():
            break
        await asyncio.sleep(0.01)
    reloaded = time.perf_counter() - saved
    shown = marker in fetch(page)
    template.write_text(text, encoding="utf-8")
    await browser.read_message()  # the reload after undoing the edit: not part of the next measurement
    browser.close()
    return {"reload": reloaded, "answers": answers, "shown": shown}


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--releases", "--pages", type=int, default=1, help="releases in the site, each a page per language"
    )
    parser.add_argument("--project", type=Path, default=ROOT, help="the project whose content to use")
    parser.add_argument("--saves", type=int, default=20, help="section edits to time")
    parser.add_argument("--template-edits", type=int, default=3, help="template edits to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        copy_project(args.project.resolve(), project)
        content = project / "content"
        slug = ""
        if args.releases > 1:
            add_generated_releases(content, args.releases - 1)
            slug = f"release-{(args.releases - 1) // 2:03d}"
        source = language_codes(content)[0]
        release = content / "releases" / slug if slug else content
        section = sorted((release / source).glob("*.md"))[0]
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        page = f"{base}{source}/{slug + '/' if slug else ''}"
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
            wait_until_served(page, "<html", timeout=600)
            pages = len(language_codes(content)) * args.releases
            print(
                f"{args.releases} release(s), {pages} release pages; first build and server start: {time.perf_counter() - started:.2f} s"
            )
            latencies = asyncio.run(measure_section_edits(section, base, page, args.saves))
            edits = [
                asyncio.run(measure_template_edit(project, base, page, number))
                for number in range(args.template_edits)
            ]
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.seek(0)
            output = log.read()
            log.close()
    if latencies:
        print(
            f"section edit: {len(latencies)} saves; median {milliseconds(statistics.median(latencies))}; worst {milliseconds(max(latencies))}"
        )
        print("  all (ms): " + ", ".join(f"{s * 1000:.0f}" for s in sorted(latencies)))
    for edit in edits:
        answers = edit["answers"]
        print(
            f"template edit: reload after {milliseconds(edit['reload'])}; {len(answers)} requests meanwhile, "
            f"median {milliseconds(statistics.median(answers))}, worst {milliseconds(max(answers))}"
            + ("" if edit["shown"] else "; THE PAGE DID NOT SHOW THE EDIT AFTER THE RELOAD")
        )
    rebuilds = [line for line in output.splitlines() if line.startswith("Rendered")]
    if rebuilds:
        print(f"last rebuild as the server reported it: {rebuilds[-1]}")
    return 0 if all(edit["shown"] for edit in edits) else 1


if __name__ == "__main__":
    sys.exit(main())
