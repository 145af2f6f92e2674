"""The preview answers only its own address: other Host names, other origins and /forcereload are refused."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketClosedError

from .conftest import edit
from .test_serve import Running, connect_browser, fetch, free_port, request

PATHS = ["", "en/", "404.html", "no-such-page", "_review/", "livereload.js"]


@pytest.mark.parametrize(
    "host", ["attacker.example:{port}", "attacker.example", "localhost.attacker.example:{port}"]
)
def test_another_host_name_is_refused_everywhere(server: Running, host: str):
    for path in PATHS:
        status, headers, body = request(server.base + path, Host=host.format(port=server.port))
        assert status == 403, path
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert body.decode() == f"403: this preview answers only at its own address, such as {server.base}\n"


def test_this_computers_names_are_answered(server: Running):
    for host in ("localhost", "127.0.0.1", "[::1]", "LocalHost"):
        assert fetch(server.base + "en/", Host=f"{host}:{server.port}")[0] == 200, host


def test_a_loopback_name_with_another_port_is_refused(server: Running):
    assert fetch(server.base + "en/", Host=f"localhost:{server.port + 1}")[0] == 403


@pytest.mark.parametrize(
    ("option", "answered"),
    [
        pytest.param("localhost", "localhost", id="the-host-given"),
        pytest.param("0.0.0.0", "192.0.2.7", id="every-interface-answers-addresses-not-names"),
    ],
)
def test_host_option_answers_its_own_names_only(minimal: Path, option: str, answered: str):
    port = free_port()
    running = Running(minimal, port, "--host", option)
    try:
        assert fetch(running.base + "en/", Host=f"{answered}:{port}")[0] == 200
        assert fetch(running.base + "en/", Host=f"attacker.example:{port}")[0] == 403
    finally:
        running.stop()


def open_socket(server: Running, **headers: str):
    async def connect():
        connection = await connect_browser(server.base, **headers)
        connection.close()

    asyncio.run(connect())


def test_live_reload_socket_refuses_another_host(server: Running):
    with pytest.raises(HTTPClientError) as refused:
        open_socket(server, Host=f"attacker.example:{server.port}")
    assert refused.value.code == 403


@pytest.mark.parametrize("origin", ["http://attacker.example", "http://localhost:1", "null"])
def test_live_reload_socket_refuses_another_origin(server: Running, origin: str):
    with pytest.raises(HTTPClientError) as refused:
        open_socket(server, Origin=origin)
    assert refused.value.code == 403


def test_live_reload_socket_accepts_the_previews_own_pages(server: Running):
    open_socket(server, Origin=server.base.rstrip("/"))
    open_socket(server, Origin=f"http://localhost:{server.port}")


def test_forcereload_is_not_offered(server: Running):
    async def visit_forcereload():
        connection = await connect_browser(server.base)
        # What a cross-site page could do with an <img src>: it must not reload anything.
        status = (
            await asyncio.to_thread(fetch, server.base + "forcereload", Origin="http://attacker.example")
        )[0]
        try:
            message = await asyncio.wait_for(connection.read_message(), 0.5)
        except TimeoutError:
            message = None
        connection.close()
        return status, message

    status, message = asyncio.run(visit_forcereload())
    assert status == 404
    assert message is None


def test_a_closed_browser_does_not_stop_the_reloads(server: Running):
    async def close_one_then_save():
        gone = await connect_browser(server.base)
        gone.close()
        staying = await connect_browser(server.base)
        edit(server.project, "content/en/02-firms.md", "Firms moving in", "Firms move in")
        message = await asyncio.wait_for(staying.read_message(), 10)
        staying.close()
        return json.loads(message)

    try:
        assert asyncio.run(close_one_then_save())["command"] == "reload"
    except WebSocketClosedError:
        pytest.fail("the server closed the remaining browser's socket")
