"""Releases made in parallel, or taken from the cache of an earlier build.

Releases are independent of each other (only the main one lists the
others), so each is a job: its key is worked out from the content of its
files and what the site shares, an earlier result under that key is taken
as it is, and the rest are made in worker processes, one per core. Every
job is a pure function of its inputs, so the pages are the same bytes
whichever process made them, and whether they were made now or before.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from microsite.analyse.release import Converters, ReleaseSummary
from microsite.cache import BuildCache, generator_version, key_of, store_result
from microsite.load.pictures import IMAGES
from microsite.pipeline import BuildOptions, ReleaseOutput, Site, load_site, process_release

# Fewer releases than this to make: starting processes would cost more than it saves.
PARALLEL_FROM = 4


def make_releases(
    site: Site, folders: list[tuple[str, Path]], cache: BuildCache | None, jobs: int, keep_records: bool
) -> tuple[list[ReleaseOutput], Keys | None]:
    """Return the output of every release, the main one first, and the keys they were cached by."""
    keys = Keys(site, cache) if cache is not None else None
    further: list[ReleaseOutput | None] = []
    todo: list[tuple[int, str, Path, str]] = []
    with _no_collections():
        for index, (slug, folder) in enumerate(folders[1:]):
            key = keys.release(slug, folder) if keys else ""
            found = _cached(cache, key) if keys else None
            further.append(found)
            if found is None:
                todo.append((index, slug, folder, key))
    # A worker stores what it makes in the cache itself, unless results stay in memory (the preview).
    store = cache.folder if cache is not None and cache.memory is None else None
    tasks = [(slug, folder, key, store) for _, slug, folder, key in todo]
    for (index, _slug, _folder, key), output in zip(todo, _run(site, tasks, jobs)):
        further[index] = _kept(output, key, cache, keep_records, site.project.root)
    listing = tuple(o.summary for o in further if o.summary is not None)
    slug, folder = folders[0]
    key = keys.release(slug, folder, listing) if keys else ""
    main = _cached(cache, key) if keys else None
    if main is None or keep_records:
        made = process_release(slug, folder, site, Converters(), listing)
        main = _kept(made, key, cache, keep_records, site.project.root)
    return [main, *further], keys


@contextlib.contextmanager
def _no_collections():
    # Reading a thousand cached results makes some 150,000 small tuples, none
    # in a cycle: the collector would walk the growing heap again and again
    # for nothing. Frozen afterwards, they are not walked later either (as the
    # preview freezes what it keeps); they are still freed when unused.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _cached(cache: BuildCache, key: str) -> ReleaseOutput | None:
    if cache.memory is not None and key in cache.memory:
        cache.used.add(key)
        cache.memory[key].made = False
        return cache.memory[key]
    data = cache.get(key)
    try:
        output = ReleaseOutput.restored(data, key) if data is not None else None
    except (TypeError, ValueError):
        return None  # kept by another version of the generator: made again
    if output is not None and cache.memory is not None:
        output.contents = cache.pages(key)
        if output.contents is None:
            return None
        cache.memory[key] = output
    return output


def _kept(
    output: ReleaseOutput, key: str, cache: BuildCache | None, keep_records: bool, root: Path
) -> ReleaseOutput:
    output.key = key
    if cache is not None:
        if output.in_cache:
            cache.used.add(key)
        elif cache.put(key, output.stored(root), output.contents or {}) and cache.memory is None:
            # The pages are read back from the cache when they are written:
            # a thousand releases' pages need not all be held in memory at once.
            output.contents, output.in_cache = None, True
        if cache.memory is not None:
            cache.memory[key] = output
    if not keep_records:
        output.record = None
    return output


def _run(site: Site, todo: list[tuple[str, Path, str, Path | None]], jobs: int) -> list[ReleaseOutput]:
    # MICROSITE_JOBS sets the default (the benchmark builds in one process with MICROSITE_JOBS=1).
    jobs = jobs or int(os.environ.get("MICROSITE_JOBS", "0") or 0) or os.cpu_count() or 1
    workers = min(jobs, len(todo))
    if workers < 2 or len(todo) < PARALLEL_FROM:
        converters = Converters()
        return [process_release(slug, folder, site, converters) for slug, folder, _, _ in todo]
    methods = multiprocessing.get_all_start_methods()
    # Forking copies one thread only: in a process with others (the preview's
    # server), a lock held by one of them would stay locked in the child.
    if "fork" in methods and threading.active_count() == 1:
        # A forked worker starts with the loaded site in its memory.
        context, start = multiprocessing.get_context("fork"), (site, None, None)
    else:
        # Elsewhere a worker starts afresh and loads the site itself.
        context, start = multiprocessing.get_context("spawn"), (None, site.project, _options(site))
    chunk = max(1, min(16, len(todo) // (workers * 4)))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=start) as pool:
        return list(pool.map(_job, todo, chunksize=chunk))


def _options(site: Site) -> BuildOptions:
    settings, render = site.settings, site.render
    return BuildOptions(render.preview, site.compress, settings.base_url, render.now, cache=False)


# In each worker process, the site every job there shares, set once when the
# process starts: jobs then carry only a release's slug and folder.
_WORKER: dict = {}


def _start(site: Site | None, project, options) -> None:
    _WORKER["site"] = site if site is not None else load_site(project, options)[0]
    _WORKER["converters"] = Converters()


def _job(task: tuple[str, Path, str, Path | None]) -> ReleaseOutput:
    slug, folder, key, store = task
    output = process_release(slug, folder, _WORKER["site"], _WORKER["converters"])
    output.record = None  # the analysis stays in the worker: only results travel back
    if store is not None and store_result(
        store, key, output.stored(_WORKER["site"].project.root), output.contents or {}
    ):
        output.contents, output.in_cache = None, True  # the pages stay on disk, until they are written
    return output


class Keys:
    """The cache key of each release: the content of its files, of what the site shares, of the generator."""

    def __init__(self, site: Site, cache: BuildCache):
        self.files = cache.files
        self.memory = cache.release_keys if cache.memory is not None else None
        self.now = site.render.now
        self.languages = [language.code for language in site.settings.languages]
        project = site.project
        shared = [
            str(project.content / name)
            for name in ("site.toml", "glossary.toml", "issuers.toml", "contact.toml")
        ]
        shared += self.files.tree(project.templates) + self.files.tree(project.locales)
        self.site = key_of(
            generator_version(),
            str(project.root),
            site.render.preview,
            site.compress,
            site.settings.base_url,
            [(path, self.files.digest(path)) for path in shared],
        )

    def release(self, slug: str, folder: Path, listing: tuple[ReleaseSummary, ...] = ()) -> str:
        """Return the key of one release (the main one's includes what it lists of the others)."""
        if self.memory is not None and slug:
            # A process told of every change (the preview) keeps each release's key until then.
            kept = self.memory.get(str(folder))
            if kept is not None and kept[0] == self.site and not self._embargo_passed(folder):
                return kept[1]
            key = self._release(slug, folder, listing)
            self.memory[str(folder)] = (self.site, key)
            return key
        return self._release(slug, folder, listing)

    def _embargo_passed(self, folder: Path) -> bool:
        # The one input that changes without a save: time, at an embargo's end.
        embargo = self.files.embargo(folder / "schedule.toml")
        return embargo is not None and self.now >= embargo

    def _release(self, slug: str, folder: Path, listing: tuple[ReleaseSummary, ...]) -> str:
        inputs = [(path, self.files.digest(path)) for path in self._inputs(slug, folder)]
        embargoed = self.files.embargoed(folder / "schedule.toml", self.now)
        others = [(s.described, s.schedule.embargoed(self.now)) for s in listing]
        return key_of(self.site, slug, str(folder), inputs, embargoed, others)

    def site_pages(self, summaries: list[ReleaseSummary]) -> str:
        """Return the key of the site-wide pages: they list every release's summary."""
        return key_of(
            self.site, "site pages", [(s.described, s.schedule.embargoed(self.now)) for s in summaries]
        )

    def _inputs(self, slug: str, folder: Path) -> list[str]:
        # Everything load_release reads; the site's own glossary is in the site's key.
        folder = str(folder)
        paths = [os.path.join(folder, "facts.toml"), os.path.join(folder, "schedule.toml")]
        if slug:
            paths.append(os.path.join(folder, "glossary.toml"))
        for code in self.languages:
            paths += self.files.tree(os.path.join(folder, code))
        return paths + self.files.tree(os.path.join(folder, IMAGES))
