"""Rebuild the site in memory, off the server's event loop, one build at a time.

The preview never writes: site/ is the folder an editor copies to the host,
and a preview shows embargoed releases. The pages live in a dict that the
server reads; a rebuild makes a new dict and the server switches to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from microsite.cache import BuildCache
from microsite.pipeline import Assembled, BuildOptions, assemble_site
from microsite.problems import ContentError, Problem
from microsite.project import Project


@dataclass(frozen=True)
class Build:
    """What one rebuild produced: the pages if it succeeded, what it found either way."""

    pages: dict[str, bytes] | None  # None: the build failed, and problems say why
    content: Assembled | None
    problems: tuple[Problem, ...]
    rendered: tuple[str, ...]  # the releases made anew (the others came from the cache)
    seconds: float


def build_in_memory(project: Project, cache: BuildCache, changed: set[Path]) -> Build:
    """Load, render and check the preview without writing the site anywhere.

    The build cache, keyed by the content of every input, knows what
    `changed` touched: a save re-makes only the releases it belongs to.
    """
    started = time.perf_counter()
    cache.forget(changed)  # what was saved since the last rebuild is read again
    try:
        # Editors preview embargoed releases too; those pages say so.
        assembled = assemble_site(project, BuildOptions(preview=True), cache=cache)
        files = {page.path: page.content for page in assembled.pages()}
    except ContentError as err:
        return Build(None, None, tuple(err.problems), (), time.perf_counter() - started)
    except Exception as err:
        message = f"internal error: {type(err).__name__}: {err} (a bug in the generator, not in your content)"
        problem = Problem(project.root / "build.py", None, message)
        return Build(None, None, (problem,), (), time.perf_counter() - started)
    cache.finish()
    keep_out_of_collections()
    made = tuple(o.slug or "main release" for o in assembled.releases if o.made)
    return Build(files, assembled, assembled.problems, made, time.perf_counter() - started)


def keep_out_of_collections() -> None:
    """Spare the kept build from garbage collection: free this build's cycles, then freeze what survived.

    The cache holds the whole site, hundreds of thousands of long-lived
    objects. A full collection walks them all holding the GIL: at 1,000
    releases that stalls the server ~300 ms (and a rebuild as long) every few
    rebuilds. Frozen objects are skipped; objects still free by reference
    counting, and only cycles dropped later (an old template environment,
    ~0.1 MB per template edit) stay.
    """
    gc.collect()
    gc.freeze()


class Preview:
    """The last good pages, the last failure, and the rebuilds that keep them current.

    Everything here is used on the event loop only, except the build cache:
    that belongs to the one build running in its worker thread.
    """

    def __init__(self, project: Project, on_built: Callable[[Build, dict[str, bytes], bool], None]):
        self.project = project
        self.on_built = on_built  # called with the build, the pages before it, and whether more is queued
        self.cache = BuildCache(project.root / ".cache" / "microsite" / "preview", in_memory=True)
        self.pages: dict[str, bytes] = {}
        self.content: Assembled | None = None
        self.problems: tuple[Problem, ...] = ()
        self.failure: tuple[Problem, ...] | None = None
        self.ready = asyncio.Event()  # set once the first build is done
        self._pending: set[Path] = set()
        self._running = False

    def request(self, changed: set[Path]) -> None:
        """Rebuild for these changed files; saves that come during a rebuild join the next one."""
        self._pending |= changed
        if not self._running:
            self._start()

    def _start(self) -> None:
        changed, self._pending = self._pending, set()
        self._running = True
        done = in_worker_thread(build_in_memory, self.project, self.cache, changed)
        done.add_done_callback(self._finish)

    def _finish(self, done: asyncio.Future) -> None:
        self._running = False
        build, before = done.result(), self.pages
        if build.pages is None:
            self.failure = build.problems
        else:
            self.pages, self.content, self.problems, self.failure = (
                build.pages,
                build.content,
                build.problems,
                None,
            )
        self.ready.set()
        self.on_built(build, before, bool(self._pending))
        if self._pending:
            self._start()


def in_worker_thread(function: Callable, *args) -> asyncio.Future:
    """Run function(*args) in a new thread; return a future of its result on the running loop.

    A daemon thread, unlike an executor's, does not hold up Ctrl+C until a
    long rebuild ends.
    """
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def run() -> None:
        try:
            outcome = (future.set_result, function(*args))
        except BaseException as err:
            outcome = (future.set_exception, err)
        # The loop may be closed already when the server stops during a rebuild.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(*outcome)

    threading.Thread(target=run, name="preview-rebuild", daemon=True).start()
    return future
