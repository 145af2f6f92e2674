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


class BuildCache:
    """Loaded files and rendered pages of the last build, for the next one."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple, object]] = {}
        self._results: dict[Hashable, object] = {}
        self._used: set[Hashable] = set()
        self.written: dict[str, bytes] = {}

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop what was read from these files, whatever their timestamps say."""
        for path in paths:
            self._files.pop(Path(path), None)

    def load(self, path: Path, loader: Callable[[Path], object]) -> object:
        """Return loader(path), reusing the last result while the file is unchanged."""
        signature = file_signature(path)
        kept = self._files.get(path)
        if kept is not None and kept[0] == signature:
            return kept[1]
        value = loader(path)
        self._files[path] = (signature, value)
        return value

    def remember(self, key: Hashable, make: Callable[[], object]) -> object:
        """Return make(), reusing the last result made from the same key."""
        self._used.add(key)
        if key in self._results:
            return self._results[key]
        value = make()
        self._results[key] = value
        return value

    def end_build(self) -> None:
        """Forget results this build did not use, so the cache does not grow."""
        self._results = {k: v for k, v in self._results.items() if k in self._used}
        self._used = set()
