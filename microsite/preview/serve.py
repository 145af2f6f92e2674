"""`python build.py serve`: build in memory, serve with live reload, rebuild on every save.

The server is a small Tornado application rather than livereload's Server:
that one serves a folder from disk, answers any Host and Origin, offers
/forcereload to any web page, and binds only after the first build. From
livereload the preview keeps its browser script and protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import json
import mimetypes
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.httputil import responses
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from microsite.pipeline import Assembled
from microsite.preview.rebuild import Build, Preview
from microsite.preview.review import render_error_page, render_review_page
from microsite.preview.watch import watch_sources
from microsite.problems import NOTICE, Problem
from microsite.project import Project

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
EVERY_INTERFACE = ("", "0.0.0.0", "::")
RELOAD = json.dumps({"command": "reload", "path": "*", "liveCSS": True, "liveImg": True})
HELLO = json.dumps(
    {
        "command": "hello",
        "protocols": ["http://livereload.com/protocols/official-7"],
        "serverName": "microsite-preview",
    }
)


def serve(project: Project, host: str, port: int, print_problems) -> int:
    """Build, then serve from memory with live reload until interrupted; return the exit status."""
    try:
        # Listen before building: a busy port is reported at once, not after a long build.
        sockets = bind_sockets(port, address=host or None)
    except OSError as err:
        print(f"error: cannot listen on {host}:{port}: {err.strerror or err}", file=sys.stderr)
        if err.errno == errno.EADDRINUSE:
            other = port + 1 if port < 65535 else port - 1
            print(f"    Another program may be using the port: try --port {other}.", file=sys.stderr)
        return 1
    # The rebuild thread makes many short system calls (template and file
    # stats); after each, it takes the GIL straight back, and with the
    # default 5 ms switch interval the server's thread can wait hundreds of
    # milliseconds for its turn. 1 ms keeps answers prompt during a rebuild.
    sys.setswitchinterval(0.001)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how an editor stops the preview
        asyncio.run(run_preview(project, sockets, Hosts(host, port), print_problems))
    return 0


@dataclass(frozen=True)
class Hosts:
    """The addresses the preview answers to: this computer's names, and the --host given."""

    host: str
    port: int

    def allow(self, netloc: str) -> bool:
        """Tell whether a Host header (or an Origin's host) names this preview.

        Refusing other names defeats DNS rebinding: a web page whose name was
        re-pointed to 127.0.0.1 could otherwise read the embargoed pages.
        """
        try:
            parts = urlsplit("//" + netloc)
            name, port = parts.hostname, parts.port or 80
        except ValueError:
            return False
        if not name or port != self.port:
            return False
        if name in LOOPBACK_NAMES or name == self.host.lower().strip("[]"):
            return True
        # Listening on every interface, the preview is reached by this
        # computer's addresses; an address typed as numbers cannot be re-pointed.
        return self.host in EVERY_INTERFACE and _is_address(name)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


async def run_preview(project: Project, sockets, hosts: Hosts, print_problems) -> None:
    """Serve, watch and rebuild until cancelled (by Ctrl+C)."""
    browsers: set[ReloadSocket] = set()
    shown = Shown()

    def on_built(build: Build, before: dict[str, bytes], more_queued: bool) -> None:
        if not more_queued:
            reload_browsers(browsers)
        report(build, before, shown, project.root, print_problems)

    preview = Preview(project, on_built)
    server = HTTPServer(make_app(preview, hosts, browsers))
    server.add_sockets(sockets)
    stop = asyncio.Event()
    folders = [project.content, project.templates, project.locales]
    watching = asyncio.create_task(watch_sources(folders, preview.request, stop))
    try:
        await asyncio.sleep(0)  # the watcher starts before the first build reads the sources
        preview.request(set())
        await preview.ready.wait()
        print_addresses(preview, hosts)
        await asyncio.Event().wait()
    finally:
        stop.set()
        server.stop()
        await watching


def make_app(preview: Preview, hosts: Hosts, browsers: set) -> web.Application:
    """Return the preview's web application: the pages, the review page and live reload."""
    script = files("livereload").joinpath("vendors/livereload.js").read_bytes()
    return web.Application(
        [
            (r"/livereload", ReloadSocket),
            (r"/livereload\.js", ScriptHandler, {"script": script}),
            (r"/_review/?", ReviewHandler),
            (r"/_review/([a-z0-9-]+)/?", ReviewHandler),
            (r"/(.*)", PageHandler),
        ],
        preview=preview,
        hosts=hosts,
        browsers=browsers,
        # The terminal is for the editor's build messages, not a request log.
        log_function=lambda _handler: None,
    )


class Guarded:
    """What every handler of the preview does: refuse other hosts, fail quietly and in plain text."""

    def prepare(self) -> None:
        hosts = self.settings["hosts"]
        if not hosts.allow(self.request.headers.get("Host", "")):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(
                f"403: this preview answers only at its own address, such as http://127.0.0.1:{hosts.port}/\n"
            )

    def write_error(self, status_code: int, **_kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: {responses.get(status_code, 'Error')}\n")

    def log_exception(self, kind, value, _traceback) -> None:
        if isinstance(value, web.HTTPError):
            return  # answered with its status; nothing for the terminal
        print(
            f"internal error in the preview server: {kind.__name__}: {value} (a bug in the generator)",
            file=sys.stderr,
        )


class PageHandler(Guarded, web.RequestHandler):
    """Serve the last good pages from memory, or the error page in place of any page while the build fails."""

    async def get(self, path: str) -> None:
        preview = self.settings["preview"]
        await preview.ready.wait()
        if not is_valid_path(path):
            raise web.HTTPError(400)
        if preview.failure is not None and _is_page(path):
            page = render_error_page(list(preview.failure), preview.project.root)
            self.send(500, "error.html", page.encode(), cache="no-store")
            return
        name = path + "index.html" if path == "" or path.endswith("/") else path
        if name in preview.pages:
            self.send(200, name, preview.pages[name])
        elif f"{name}/index.html" in preview.pages:
            self.redirect(f"/{name}/")
        elif "404.html" in preview.pages:
            self.send(404, "404.html", preview.pages["404.html"])
        else:
            raise web.HTTPError(404)

    head = get  # the same headers, Content-Length included; Tornado leaves out the body

    def send(self, status: int, name: str, body: bytes, cache: str = "no-cache") -> None:
        """Answer with a file's bytes, the live-reload script added to HTML."""
        kind = content_type(name)
        if kind.startswith("text/html"):
            body = with_reload_script(body, self.settings["hosts"].port)
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", cache)
        self.finish(body)


class ReviewHandler(Guarded, web.RequestHandler):
    """Serve /_review/ and /_review/SLUG/: every section beside its translation."""

    async def get(self, slug: str = "") -> None:
        preview = self.settings["preview"]
        await preview.ready.wait()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        port = self.settings["hosts"].port
        if preview.failure is not None or preview.content is None:
            self.set_status(500)
            page = render_error_page(list(preview.failure or ()), preview.project.root)
            self.finish(with_reload_script(page.encode(), port))
            return
        page = render_review_page(
            preview.content, slug.strip("/"), list(preview.problems), preview.project.root
        )
        if page is None:
            raise web.HTTPError(404)
        self.finish(with_reload_script(page.encode(), port))


class ScriptHandler(Guarded, web.RequestHandler):
    """Serve livereload's browser script."""

    def initialize(self, script: bytes) -> None:
        self.script = script

    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.finish(self.script)


class ReloadSocket(Guarded, WebSocketHandler):
    """The live-reload protocol: greet livereload.js, then tell it to reload after each rebuild."""

    def check_origin(self, origin: str) -> bool:
        # Browsers let any page open a websocket anywhere: only the preview's own pages may.
        return self.settings["hosts"].allow(urlsplit(origin).netloc)

    def on_message(self, message) -> None:
        try:
            command = json.loads(message).get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(HELLO)
        elif command == "info":
            self.settings["browsers"].add(self)

    def on_close(self) -> None:
        self.settings["browsers"].discard(self)


def reload_browsers(browsers: set[ReloadSocket]) -> None:
    """Tell every connected browser to reload."""
    for browser in list(browsers):
        try:
            browser.write_message(RELOAD)
        except WebSocketClosedError:
            browsers.discard(browser)


def is_valid_path(path: str) -> bool:
    """Tell whether a URL path could name a file of the site: no control characters, `\\` or `..`."""
    return (
        not any(ord(c) < 32 or ord(c) == 127 for c in path)
        and "\\" not in path
        and ".." not in path.split("/")
    )


def _is_page(path: str) -> bool:
    return path == "" or path.endswith("/") or path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]


def content_type(name: str) -> str:
    """Return the Content-Type of a file, with the charset for text (browsers guess wrong without it)."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("/xml", "+xml", "/json", "/javascript")):
        kind += "; charset=utf-8"
    return kind


def with_reload_script(html: bytes, port: int) -> bytes:
    """Add the live-reload script before </head> (at the end if there is none)."""
    script = b'<script src="/livereload.js?port=%d"></script>' % port
    at = html.find(b"</head>")
    return html[:at] + script + html[at:] if at >= 0 else html + script


class Shown:
    """The warnings printed so far, by release, so that a rebuild prints only new ones.

    Kept per release with the release's cache key: a release taken from the
    cache has nothing new to say, so a save costs the work of the releases it
    changed, not of every warning of a thousand releases (this runs on the
    server's event loop).
    """

    def __init__(self):
        self.keys: dict[str, str] = {}  # release slug: the key of the output last reported
        self.by_release: dict[str, set[tuple]] = {}
        self.shared: set[tuple] = set()

    def new(self, content: Assembled) -> list[Problem]:
        """Return the warnings of this build not printed before, and remember them all."""
        found, shared = _unseen(content.shared, self.shared)
        self.shared = shared
        for output in content.releases:
            if output.key and self.keys.get(output.slug) == output.key:
                continue
            unseen, seen = _unseen(output.problems, self.by_release.get(output.slug, set()))
            found += unseen
            self.keys[output.slug], self.by_release[output.slug] = output.key, seen
        slugs = {output.slug for output in content.releases}
        for gone in [slug for slug in self.keys if slug not in slugs]:
            del self.keys[gone], self.by_release[gone]
        return found


def _unseen(
    problems: tuple[Problem, ...] | list[Problem], before: set[tuple]
) -> tuple[list[Problem], set[tuple]]:
    now = {(p.path, p.line, p.message): p for p in problems if p.severity != NOTICE}
    return [p for key, p in now.items() if key not in before], set(now)


def report(build: Build, before: dict[str, bytes], shown: Shown, root: Path, print_problems) -> None:
    """Print what a rebuild found (only warnings not shown before) and one summary line."""
    milliseconds = build.seconds * 1000
    if build.pages is None or build.content is None:
        print_problems([p for p in build.problems if p.severity != NOTICE], root)
        print(
            f"Build failed ({milliseconds:.0f} ms): the browser shows the problems; the last good pages are still served.",
            flush=True,
        )
        sys.stderr.flush()
        return
    # Say what this save changed, not every standing warning again.
    new = shown.new(build.content)
    print_problems(new, root)
    standing = sum(p.severity != NOTICE for p in build.problems) - len(new)
    if standing > 0:
        print(
            f"({standing} earlier {'warning still stands' if standing == 1 else 'warnings still stand'}: "
            "python build.py check lists them all.)",
            flush=True,
        )
    rendered = ", ".join(build.rendered) if len(build.rendered) <= 4 else f"{len(build.rendered)} releases"
    changed = sum(before.get(path) != data for path, data in build.pages.items()) + len(
        before.keys() - build.pages.keys()
    )
    print(
        f"Rendered {rendered or 'no release'} in {milliseconds:.0f} ms ({changed} {'file' if changed == 1 else 'files'} changed).",
        flush=True,
    )
    sys.stderr.flush()


def print_addresses(preview: Preview, hosts: Hosts) -> None:
    """Print where the preview is: the front door, each language, the review page."""
    name = "127.0.0.1" if hosts.host in EVERY_INTERFACE else hosts.host
    base = f"http://{f'[{name}]' if ':' in name else name}:{hosts.port}/"
    print(f"Preview at {base} (Ctrl+C stops it; watching content/, templates/ and locales/)", flush=True)
    for language in preview.content.site.settings.languages if preview.content else ():
        print(f"  {language.name}: {base}{language.code}/", flush=True)
    print(f"  Review (preview only): {base}_review/", flush=True)
