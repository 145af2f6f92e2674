"""Results kept between preview rebuilds, each keyed by exactly what made it.

A full build starts with an empty cache, so it computes everything. The preview
server keeps one cache for its lifetime: a rebuild then re-reads only files
that changed and re-renders only pages whose inputs changed. Because every
entry is keyed by its inputs, a cached result is the result a full build would
compute, byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path


def file_signature(path: Path) -> tuple:
    """Return what identifies a version of a file without reading it."""
    try:
        stat = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)


def cached_hash(cls):
    """Make a frozen dataclass remember its hash: cache keys hash it often."""
    compute = cls.__hash__

    def __hash__(self):  # noqa: N807
        value = self.__dict__.get("_hash")
        if value is None:
            value = compute(self)
            object.__setattr__(self, "_hash", value)
        return value

    cls.__hash__ = __hash__
    return cls


class HashedTuple(tuple):
    """A tuple that computes its hash once: for large tuples used in cache keys."""

    def __hash__(self):
        value = self.__dict__.get("hash")
        if value is None:
            value = self.__dict__["hash"] = tuple.__hash__(self)
        return value


class BuildCache:
    """Loaded files and rendered pages of the last build, for the next one.

    `watched` says that every change to the sources is reported through
    forget() (the preview's file watcher does this); files are then not
    stat-ed again on every rebuild, which matters for sites of thousands of
    files. Without it, each file's timestamp and size are checked.
    """

    def __init__(self, watched: bool = False) -> None:
        self.watched = watched
        self._files: dict[Path, tuple[tuple, object]] = {}
        self._results: dict[Hashable, object] = {}
        self._next: dict[Hashable, object] = {}
        self._versions: dict[Path, int] = {}
        self.written: dict[str, bytes] = {}

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop what was read from these paths (files or whole folders)."""
        for path in paths:
            path = Path(path)
            if self._files.pop(path, None) is None:
                # Not a file read before: a folder, or a new file. Drop
                # whatever was read from under it.
                prefix = str(path) + os.sep
                for known in [k for k in self._files if str(k).startswith(prefix)]:
                    del self._files[known]
            for folder in (path, *path.parents):
                self._versions[folder] = self._versions.get(folder, 0) + 1

    def version(self, folder: Path) -> int:
        """Return a number that changes whenever something under `folder` is forgotten."""
        return self._versions.get(folder, 0)

    def load(self, path: Path, loader: Callable[[Path], object]) -> object:
        """Return loader(path), reusing the last result while the file is unchanged."""
        kept = self._files.get(path)
        if kept is not None and self.watched:
            return kept[1]
        signature = file_signature(path)
        if kept is not None and kept[0] == signature:
            return kept[1]
        value = loader(path)
        self._files[path] = (signature, value)
        return value

    def remember(self, key: Hashable, make: Callable[[], object]) -> object:
        """Return make(), reusing the last result made from the same key."""
        if key in self._next:
            return self._next[key]
        value = self._results[key] if key in self._results else make()
        self._next[key] = value
        return value

    def end_build(self) -> None:
        """Keep only what this build used, so the cache does not grow."""
        self._results, self._next = self._next, {}
