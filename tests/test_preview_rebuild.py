"""Rebuilds run beside the server: pages keep coming during a long rebuild, and saves meanwhile join the next one."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import edit
from .test_serve import Running, connect_browser, fetch, wait_for

# An empty loop in the release template makes each release page take about
# a second to render: a stand-in for re-rendering a newsroom's 2,000 pages.
SLOW = "{% for _ in range(20000000) %}{% endfor %}<!-- slow-edit -->"


def slow_down_release_pages(project: Path) -> None:
    edit(project, "templates/release.html", "{% block main %}", "{% block main %}" + SLOW)


def test_last_pages_are_served_quickly_while_a_rebuild_runs(server: Running):
    async def request_during_rebuild():
        browser = await connect_browser(server.base)
        reload = asyncio.ensure_future(browser.read_message())
        slow_down_release_pages(server.project)
        saved = time.monotonic()
        answers = []
        while not reload.done():
            started = time.monotonic()
            status, html = await asyncio.to_thread(fetch, server.base + "en/")
            answers.append((time.monotonic() - started, status, "slow-edit" in html))
            await asyncio.sleep(0.02)
        reloaded = time.monotonic() - saved
        browser.close()
        return answers, reloaded

    answers, reloaded = asyncio.run(request_during_rebuild())
    assert reloaded > 1.0, "the rebuild was not slow enough to show anything"
    assert len(answers) > 10
    assert all(status == 200 for _seconds, status, _new in answers)
    assert not any(new for _seconds, _status, new in answers[:-1])  # the last good page
    assert max(seconds for seconds, _status, _new in answers) < 0.25
    assert "slow-edit" in fetch(server.base + "en/")[1]


def test_saves_during_a_rebuild_join_the_next_one(server: Running):
    slow_down_release_pages(server.project)
    time.sleep(0.3)  # the slow rebuild is under way
    edit(server.project, "content/en/02-firms.md", "Firms moving in", "Firms move in")
    edit(server.project, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻")
    wait_for(lambda: "Firms move in" in fetch(server.base + "en/")[1], "the English edit", timeout=30)
    wait_for(lambda: "企业陆续入驻" in fetch(server.base + "zh-hans/")[1], "the Chinese edit", timeout=30)
    printed = server.output()
    rebuilds = [line for line in printed.splitlines() if line.startswith("Rendered")]
    assert len(rebuilds) == 3, printed  # the first build, the template's, then both sections together
    assert rebuilds[-1].startswith("Rendered main release in")


def test_editor_temporary_files_and_hidden_folders_start_no_rebuild(server: Running):
    english = server.project / "content/en"
    for name in (".02-firms.md.swp", "02-firms.md~", "4913", "#02-firms.md#"):
        (english / name).write_text("+++\n", encoding="utf-8")
    (server.project / "content/zh-hans/.translated-from/firms.md").write_text("# Changed\n", encoding="utf-8")
    time.sleep(0.5)
    edit(server.project, "content/en/02-firms.md", "Firms moving in", "Firms move in")
    wait_for(lambda: "Firms move in" in fetch(server.base + "en/")[1], "the real edit")
    printed = server.output()
    assert len([line for line in printed.splitlines() if line.startswith("Rendered")]) == 2, printed


def test_ctrl_c_during_a_rebuild_stops_at_once(server: Running):
    slow_down_release_pages(server.project)
    time.sleep(0.3)
    stopped = time.monotonic()
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        pytest.fail("the server kept running until the rebuild ended")
    assert time.monotonic() - stopped < 1.0
    assert "Traceback" not in server.process.stdout.read()
