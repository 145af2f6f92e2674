"""`python build.py serve`: build, serve site/ with live reload, rebuild on save."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from tornado import web

from microsite.cache import BuildCache
from microsite.pipeline import BuildOptions, BuildResult, build_site
from microsite.preview.review import render_error_page, render_review_page
from microsite.preview.watch import SourceWatcher
from microsite.problems import ContentError, Problem
from microsite.project import Project


class Preview:
    """The preview's state: the build cache, the last good build and the last failure."""

    def __init__(self, project: Project, out: Path, report):
        self.project = project
        self.out = out
        self.report = report
        self.cache = BuildCache(watched=True)
        self.result: BuildResult | None = None
        self.failure: list[Problem] | None = None
        self.shown: set[tuple] = set()

    def rebuild(self, changed: set[Path] | None = None) -> None:
        """Build again; on failure keep the last good site and remember why."""
        started = time.perf_counter()
        if changed:
            self.cache.forget(changed)
        try:
            # Editors preview embargoed releases too; those pages say so.
            self.result = build_site(self.project, self.out, self.cache, BuildOptions(preview=True))
            self.failure = None
        except ContentError as err:
            self.failure = err.problems
        except Exception as err:
            self.failure = [
                Problem(
                    self.project.root / "build.py",
                    None,
                    f"internal error: {type(err).__name__}: {err} (a bug in the generator, not in your content)",
                )
            ]
        self.report(self, time.perf_counter() - started)

    def error_page(self) -> str:
        """Return the page shown instead of the site while the build fails."""
        return render_error_page(self.failure or [], self.project.root)


class PreviewStaticHandler(StaticFileHandler):
    """Serve site/, or the error page in place of any page while the build fails."""

    def initialize(self, preview: Preview, **kwargs):
        self.preview = preview
        super().initialize(**kwargs)

    async def get(self, path: str, include_body: bool = True):
        if self.preview.failure is not None and _is_page(path):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(self.preview.error_page())
            return
        await super().get(path, include_body)


class ReviewHandler(web.RequestHandler):
    """Serve /_review/ and /_review/SLUG/: every section beside its translation."""

    def initialize(self, preview: Preview):
        self.preview = preview

    def get(self, slug: str = ""):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if self.preview.failure is not None or self.preview.result is None:
            self.set_status(500)
            self.finish(self.preview.error_page())
            return
        result = self.preview.result
        page = render_review_page(
            result.content,
            slug.strip("/"),
            list(result.problems),
            self.preview.project.root,
            self.preview.cache,
        )
        if page is None:
            raise web.HTTPError(404)
        self.finish(page)


class PreviewServer(Server):
    """livereload's server with the preview's own handlers and quiet logging."""

    def __init__(self, preview: Preview, watcher: SourceWatcher):
        super().__init__(watcher=watcher)
        self.preview = preview

    def get_web_handlers(self, script):
        return [
            (r"/_review/?", ReviewHandler, {"preview": self.preview}),
            (r"/_review/([a-z0-9-]+)/?", ReviewHandler, {"preview": self.preview}),
            (
                r"/(.*)",
                PreviewStaticHandler,
                {"preview": self.preview, "path": str(self.preview.out), "default_filename": "index.html"},
            ),
        ]

    def _setup_logging(self):
        # livereload and Tornado log every request and reload; the terminal is
        # for the editor's build messages (the error page's 500 included).
        logging.getLogger("tornado.access").disabled = True


def _is_page(path: str) -> bool:
    return path == "" or path.endswith("/") or path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]


def serve(project: Project, host: str, port: int, print_problems) -> int:
    """Build, then serve with live reload until interrupted; return the exit status."""
    out = project.site

    def report(preview: Preview, seconds: float) -> None:
        milliseconds = seconds * 1000
        if preview.failure is not None:
            print_problems([p for p in preview.failure if p.severity != "notice"], project.root)
            print(
                f"Build failed ({milliseconds:.0f} ms): the browser shows the problems; site/ keeps the last good pages.",
                flush=True,
            )
        else:
            result = preview.result
            # Say what this save changed, not every standing warning again.
            findings = [p for p in result.problems if p.severity != "notice"]
            new = [p for p in findings if (p.path, p.line, p.message) not in preview.shown]
            preview.shown = {(p.path, p.line, p.message) for p in findings}
            print_problems(new, project.root)
            if len(findings) > len(new):
                print(
                    f"({len(findings) - len(new)} earlier warnings still stand: python build.py check lists them all.)",
                    flush=True,
                )
            rendered = ", ".join(result.rendered) or "no page"
            written = len(result.written)
            print(
                f"Rendered {rendered} in {milliseconds:.0f} ms ({written} {'file' if written == 1 else 'files'} written).",
                flush=True,
            )
        sys.stderr.flush()

    preview = Preview(project, out, report)
    watcher = SourceWatcher(
        [project.content, project.templates, project.locales], lambda changed: _on_change(preview, changed)
    )
    preview.rebuild()
    server = PreviewServer(preview, watcher)
    base = f"http://{_url_host(host)}:{port}/"
    languages = preview.result.content.settings.languages if preview.result else ()
    print(f"Preview at {base} (Ctrl+C stops it; watching content/, templates/ and locales/)", flush=True)
    for language in languages:
        print(f"  {language.name}: {base}{language.code}/", flush=True)
    print(f"  Review (preview only): {base}_review/", flush=True)
    try:
        server.serve(port=port, host=host, root=str(out), restart_delay=0, debug=False)
    except OSError as err:
        print(f"error: cannot listen on {host}:{port}: {err.strerror or err}", file=sys.stderr)
        print(f"    Another program may be using the port: try --port {port + 1}.", file=sys.stderr)
        return 1
    return 0


def _on_change(preview: Preview, changed: set[Path]) -> None:
    preview.rebuild(changed)
    # Straight to the browsers: livereload's own path throttles reloads that
    # come within seconds of each other.
    LiveReloadHandler.reload_waiters()


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
