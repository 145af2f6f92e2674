"""`python build.py serve`: a real server process over a fixture project."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import edit, fixture_project, tree_digest

TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def wait_for(predicate, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Running:
    """A preview server process, its address and what it printed so far."""

    def __init__(self, project: Path, port: int, *extra: str):
        self.project = project
        self.base = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", str(port), *extra],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        wait_for(lambda: self._ready(), "the preview server to answer")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError("server exited: " + (self.process.stdout.read() or ""))
        try:
            return fetch(self.base)[0] == 200
        except OSError:
            return False

    def output(self) -> str:
        """Stop the server and return everything it printed."""
        self.stop()
        return self.process.stdout.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def line_of(path: Path, text: str) -> int:
    """Return the number of the first line of a file that contains `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A private copy of the engine and the minimal fixture project."""
    return fixture_project(tmp_path / "project", "minimal")


@pytest.fixture
def server(minimal: Path):
    running = Running(minimal, free_port())
    yield running
    running.stop()


def test_serve_prints_the_address_of_each_language(minimal: Path):
    port = free_port()
    running = Running(minimal, port)
    printed = running.output()
    assert f"Preview at http://127.0.0.1:{port}/" in printed
    assert f"English: http://127.0.0.1:{port}/en/" in printed
    assert f"简体中文: http://127.0.0.1:{port}/zh-hans/" in printed
    assert f"http://127.0.0.1:{port}/_review/" in printed


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses listening on a TCP port (Linux /proc)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":
                found.add(address)
    return found


def test_serve_listens_on_loopback_only_by_default(server: Running):
    port = int(server.base.rsplit(":", 1)[1].strip("/"))
    addresses = listening_addresses(port)
    if not addresses:
        pytest.skip("no /proc/net/tcp on this system")
    assert addresses == {"0100007F"}  # 127.0.0.1, and not 0.0.0.0 or ::


def test_served_pages_carry_the_reload_script_but_files_do_not(server: Running):
    status, html = fetch(server.base + "en/")
    assert status == 200 and "livereload.js" in html
    for page in ("index.html", "en/index.html", "zh-hans/index.html"):
        assert "livereload" not in (server.project / "site" / page).read_text(encoding="utf-8")


def test_saved_section_is_served_after_the_rebuild(server: Running):
    edit(server.project, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻")
    wait_for(lambda: "企业陆续入驻" in fetch(server.base + "zh-hans/")[1], "the new Chinese text")


def test_bad_edit_shows_the_error_and_fixing_it_restores_the_page(server: Running):
    site = server.project / "site"
    before = tree_digest(site)
    line = line_of(server.project / "content/en/02-firms.md", "[[park_firms]]")
    edit(server.project, "content/en/02-firms.md", "[[park_firms]]", "[[park_firmz]]")
    _status, html = wait_for(lambda: (r := fetch(server.base + "en/"))[0] == 500 and r, "the error page")
    assert f"content/en/02-firms.md:{line}" in html
    assert "unknown fact `park_firmz`" in html
    assert "livereload.js" in html  # so that the fix reloads it
    assert tree_digest(site) == before
    edit(server.project, "content/en/02-firms.md", "[[park_firmz]]", "[[park_firms]]")
    _status, html = wait_for(
        lambda: (r := fetch(server.base + "en/"))[0] == 200 and r, "the page to come back"
    )
    assert "So far 36 firms have moved in" in parse_text(html)
    printed = server.output()
    assert f"content/en/02-firms.md:{line}: error: unknown fact `park_firmz`" in printed


def parse_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text()


def test_server_survives_a_broken_template(server: Running):
    line = line_of(server.project / "templates/release.html", '{{ _("Key figures") }}')
    edit(server.project, "templates/release.html", '{{ _("Key figures") }}', '{{ _("Key figures") }')
    _status, html = wait_for(lambda: (r := fetch(server.base + "zh-hans/"))[0] == 500 and r, "the error page")
    assert f"templates/release.html:{line}" in html
    edit(server.project, "templates/release.html", '{{ _("Key figures") }', '{{ _("Key figures") }}')
    wait_for(lambda: fetch(server.base + "zh-hans/")[0] == 200, "the page to come back")


def test_one_section_change_renders_only_its_language(server: Running):
    edit(server.project, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻")
    wait_for(lambda: "企业陆续入驻" in fetch(server.base + "zh-hans/")[1], "the rebuild")
    printed = server.output()
    assert "Rendered zh-hans/index.html in" in printed


def test_review_page_shows_both_languages_facts_and_unverified_names(server: Running):
    status, html = fetch(server.base + "_review/")
    assert status == 200
    soup = __import__("bs4").BeautifulSoup(html, "html.parser")
    pair = soup.find(id="review-opening").find_parent("section")
    columns = pair.find_all("div", recursive=False)
    assert [c["lang"] for c in columns[:2]] == ["en", "zh-Hans"]
    assert "Zhou Ming" in [m.get_text() for m in columns[1].select("mark.unverified")]
    rows = {r.th.get_text(): [td.get_text() for td in r.find_all("td")] for r in pair.select("tbody tr")}
    assert rows["park_buildings"] == ["four", "4"]
    stylesheet = soup.find("link", rel="stylesheet")["href"]
    assert fetch(server.base.rstrip("/") + stylesheet)[0] == 200
    assert not (server.project / "site" / "_review").exists()


def test_review_page_lists_a_missing_translation(server: Running):
    (server.project / "content/zh-hans/02-firms.md").unlink()

    def shows_missing():
        return "Missing in 简体中文" in fetch(server.base + "_review/")[1]

    wait_for(shows_missing, "the review page to show the missing section")
    assert "section `firms` has no 简体中文 translation" in fetch(server.base + "_review/")[1]


def test_browser_is_told_to_reload_after_a_save(server: Running):
    from tornado.websocket import websocket_connect

    async def wait_for_reload():
        socket_url = server.base.replace("http", "ws") + "livereload"
        connection = await websocket_connect(socket_url)
        await connection.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        await connection.read_message()  # the server's hello
        await connection.write_message(json.dumps({"command": "info", "url": server.base + "en/"}))
        await asyncio.sleep(0.1)
        edit(server.project, "content/en/02-firms.md", "Firms moving in", "Firms move in")
        message = await asyncio.wait_for(connection.read_message(), TIMEOUT)
        connection.close()
        return json.loads(message)

    assert asyncio.run(wait_for_reload())["command"] == "reload"
    assert "Firms move in" in fetch(server.base + "en/")[1]


def test_port_in_use_is_reported_without_traceback(minimal: Path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "build.py", "serve", "--port", str(port)],
            cwd=minimal,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_host_option_chooses_the_interface(minimal: Path):
    port = free_port()
    running = Running(minimal, port, "--host", "0.0.0.0")
    try:
        addresses = listening_addresses(port)
        if not addresses:
            pytest.skip("no /proc/net/tcp on this system")
        assert "00000000" in addresses
    finally:
        printed = running.output()
    assert f"Preview at http://127.0.0.1:{port}/" in printed
