"""`python build.py serve`: a real server process over a fixture project."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import append, edit, fixture_project, run_build, tree_digest

TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Return the status, headers and body of a request (an error status is an answer too)."""
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, method=method, headers=headers), timeout=5
        ) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def fetch(url: str, **headers: str) -> tuple[int, str]:
    status, _headers, body = request(url, **headers)
    return status, body.decode("utf-8")


def wait_for(predicate, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def line_of(path: Path, text: str) -> int:
    """Return the number of the first line of a file that contains `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


class Running:
    """A preview server process, its address and what it printed so far."""

    def __init__(self, project: Path, port: int, *extra: str):
        self.project = project
        self.port = port
        self.base = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", str(port), *extra],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        wait_for(lambda: self._ready(), "the preview server to answer", timeout=30)

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


async def connect_browser(base: str, **headers: str):
    """Open the live-reload socket as livereload.js does: hello, then info."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = base.replace("http", "ws") + "livereload"
    connection = await websocket_connect(HTTPRequest(url, headers=headers))
    await connection.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    await connection.read_message()  # the server's hello
    await connection.write_message(json.dumps({"command": "info", "url": base + "en/"}))
    await asyncio.sleep(0.1)
    return connection


def test_serve_prints_the_address_of_each_language(minimal: Path):
    port = free_port()
    printed = Running(minimal, port).output()
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
    addresses = listening_addresses(server.port)
    if not addresses:
        pytest.skip("no /proc/net/tcp on this system")
    assert addresses == {"0100007F"}  # 127.0.0.1, and not 0.0.0.0 or ::


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


def test_served_pages_carry_the_reload_script(server: Running):
    status, html = fetch(server.base + "en/")
    assert status == 200 and "livereload.js" in html


def test_saved_section_is_served_after_the_rebuild(server: Running):
    edit(server.project, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻")
    wait_for(lambda: "企业陆续入驻" in fetch(server.base + "zh-hans/")[1], "the new Chinese text")


def test_serve_writes_nothing_into_site_during_an_embargo(minimal: Path):
    schedule = minimal / "content/schedule.toml"
    schedule.write_text(
        schedule.read_text(encoding="utf-8") + "embargo = 2999-01-01T00:00:00+08:00\n", encoding="utf-8"
    )
    running = Running(minimal, free_port())
    try:
        assert "Embargoed until" in fetch(running.base + "en/")[1]
        edit(minimal, "content/en/02-firms.md", "Firms moving in", "Firms move in")
        wait_for(lambda: "Firms move in" in fetch(running.base + "en/")[1], "the rebuild")
    finally:
        running.stop()
    assert not (minimal / "site").exists()
    assert not list(minimal.glob(".site*"))


def test_serve_leaves_a_built_site_untouched(minimal: Path):
    assert run_build(minimal).returncode == 0
    site = minimal / "site"
    (site / "en/index.html").unlink()  # by hand: the preview does not depend on site/
    before = tree_digest(site)
    running = Running(minimal, free_port())
    try:
        status, html = fetch(running.base + "en/")
        assert status == 200 and "Firms moving in" in html
        edit(minimal, "content/en/02-firms.md", "Firms moving in", "Firms move in")
        wait_for(lambda: "Firms move in" in fetch(running.base + "en/")[1], "the rebuild")
    finally:
        running.stop()
    assert tree_digest(site) == before


def test_bad_edit_shows_the_error_and_fixing_it_restores_the_page(server: Running):
    section = server.project / "content/en/02-firms.md"
    line = line_of(section, "[[park_firms]]")
    edit(server.project, "content/en/02-firms.md", "[[park_firms]]", "[[park_firmz]]")
    _status, html = wait_for(lambda: (r := fetch(server.base + "en/"))[0] == 500 and r, "the error page")
    assert f"content/en/02-firms.md:{line}" in html
    assert "unknown fact `park_firmz`" in html
    assert "livereload.js" in html  # so that the fix reloads it
    edit(server.project, "content/en/02-firms.md", "[[park_firmz]]", "[[park_firms]]")
    _status, html = wait_for(
        lambda: (r := fetch(server.base + "en/"))[0] == 200 and r, "the page to come back"
    )
    assert "So far 36 firms have moved in" in BeautifulSoup(html, "html.parser").get_text()
    printed = server.output()
    assert f"content/en/02-firms.md:{line}: error: unknown fact `park_firmz`" in printed
    assert "Build failed" in printed


def test_server_survives_a_broken_template(server: Running):
    template = server.project / "templates/release.html"
    line = line_of(template, '{{ _("Key figures") }}')
    edit(server.project, "templates/release.html", '{{ _("Key figures") }}', '{{ _("Key figures") }')
    _status, html = wait_for(lambda: (r := fetch(server.base + "zh-hans/"))[0] == 500 and r, "the error page")
    assert f"templates/release.html:{line}" in html
    edit(server.project, "templates/release.html", '{{ _("Key figures") }', '{{ _("Key figures") }}')
    wait_for(lambda: fetch(server.base + "zh-hans/")[0] == 200, "the page to come back")


def test_one_section_change_renders_only_its_release_and_changes_only_its_language(server: Running):
    edit(server.project, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻")
    wait_for(lambda: "企业陆续入驻" in fetch(server.base + "zh-hans/")[1], "the rebuild")
    printed = server.output()
    # The Chinese page, its wire copy and the press kit that holds it; nothing of the English.
    assert re.search(r"Rendered main release in \d+ ms \(3 files changed\)", printed), printed


def test_only_new_warnings_are_printed_on_each_rebuild(server: Running):
    # A translation that no longer says which English it was made from is a warning.
    edit(server.project, "content/zh-hans/02-firms.md", 'translated_from = "2b49b19f12"\n', "")
    wait_for(
        lambda: "does not say which version of the original" in fetch(server.base + "_review/")[1],
        "the first rebuild",
    )
    edit(server.project, "content/zh-hans/02-firms.md", "企业纷纷入驻", "企业陆续入驻")
    wait_for(lambda: "企业陆续入驻" in fetch(server.base + "zh-hans/")[1], "the second rebuild")
    printed = server.output()
    assert printed.count("does not say which version of the original it was made from") == 1
    assert "(1 earlier warning still stands: python build.py check lists them all.)" in printed


def test_review_page_shows_both_languages_facts_and_unverified_names(server: Running):
    status, html = fetch(server.base + "_review/")
    assert status == 200
    soup = BeautifulSoup(html, "html.parser")
    pair = soup.find(id="review-opening").find_parent("section")
    columns = pair.find_all("div", recursive=False)
    assert [c["lang"] for c in columns[:2]] == ["en", "zh-Hans"]
    assert "Zhou Ming" in [m.get_text() for m in columns[1].select("mark.unverified")]
    rows = {r.th.get_text(): [td.get_text() for td in r.find_all("td")] for r in pair.select("tbody tr")}
    assert rows["park_buildings"] == ["four", "4"]
    stylesheet = soup.find("link", rel="stylesheet")["href"]
    assert fetch(server.base.rstrip("/") + stylesheet)[0] == 200


def test_review_page_lists_a_missing_translation(server: Running):
    (server.project / "content/zh-hans/02-firms.md").unlink()

    def shows_missing():
        page = fetch(server.base + "_review/")[1]
        return "Missing in 简体中文" in page and "section `firms` has no 简体中文 translation" in page

    wait_for(shows_missing, "the review page to show the missing section and the finding")


def test_browser_is_told_to_reload_after_a_save(server: Running):
    async def wait_for_reload():
        connection = await connect_browser(server.base)
        edit(server.project, "content/en/02-firms.md", "Firms moving in", "Firms move in")
        message = await asyncio.wait_for(connection.read_message(), TIMEOUT)
        # The new page is in place when the browser is told to reload.
        page = fetch(server.base + "en/")[1]
        connection.close()
        return json.loads(message), page

    message, page = asyncio.run(wait_for_reload())
    assert message["command"] == "reload"
    assert "Firms move in" in page


def test_unknown_address_gets_the_sites_404_page(server: Running):
    site_404 = fetch(server.base + "404.html")[1]
    status, html = fetch(server.base + "en/no-such-page/")
    assert status == 404
    assert html == site_404
    assert "This page does not exist." in html


def test_folder_without_slash_is_redirected(server: Running):
    status, html = fetch(server.base + "en")  # urllib follows the redirect
    assert status == 200 and "Firms moving in" in html


def test_head_reports_the_length_get_sends(server: Running):
    for path in ("", "en/", "en/no-such-page", "404.html", "favicon.ico"):
        got_status, got, body = request(server.base + path)
        head_status, head, empty = request(server.base + path, method="HEAD")
        assert head_status == got_status, path
        assert head["Content-Length"] == got["Content-Length"] == str(len(body)), path
        assert head["Content-Type"] == got["Content-Type"], path
        assert empty == b"", path


def test_invalid_path_is_a_quiet_400(server: Running):
    for path in ("%00", "en/%00index.html", "en/%2e%2e/%2e%2e/build.py", "en%5cindex.html", "en/%ff"):
        assert fetch(server.base + path) == (400, "400: Bad Request\n"), path
    assert fetch(server.base + "en/")[0] == 200
    printed = server.output()
    assert "Traceback" not in printed and "Bad Request" not in printed and "Invalid" not in printed


def test_port_in_use_is_reported_at_once_without_building(minimal: Path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_build(minimal, "serve", "--port", str(port))
    assert result.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert f"try --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Rendered" not in result.stdout  # nothing was built before the port was found busy
    assert not (minimal / "site").exists()


@pytest.mark.parametrize(
    ("port", "shown"),
    [("0", "0"), ("99999", "99999"), ("65536", "65536"), ("-1", "-1"), ("eighty", "'eighty'")],
)
def test_port_out_of_range_is_a_usage_error(minimal: Path, port: str, shown: str):
    result = run_build(minimal, "serve", "--port", port)
    assert result.returncode == 2
    assert "usage: build.py serve" in result.stderr
    assert f"error: argument --port: {shown} is not a port number" in result.stderr
    assert result.stdout == ""


def test_a_save_prints_the_new_warnings_of_its_release_only(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    append(project, "content/releases/harbour-bridge/en/01-opening.md", "It carries 41 lanes.")
    running = Running(project, free_port())
    edit(project, "content/en/02-firms.md", "So far", "By now")
    wait_for(lambda: "By now" in fetch(running.base + "en/")[1], "the rebuild")
    time.sleep(0.5)  # the report is printed just after the pages are served
    printed = running.output()
    first, second = printed.split("Rendered")[:2]
    assert "the figure '41' is typed into the text" in first
    # The standing warning of the other release is counted, not printed again.
    assert "the figure '41'" not in second
    assert "outdated: the original has changed" in second
    assert re.search(
        r"\(\d+ earlier warnings? still stands?: python build.py check lists them all\.\)", second
    )
