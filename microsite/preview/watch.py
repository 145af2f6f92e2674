"""Notice saved files quickly: inotify on Linux, a fast stat poll elsewhere.

livereload's own watcher polls every 800 ms and throttles reloads, which alone
would exceed the preview's latency target. Its Watcher class is the documented
place to plug in another mechanism (as its INotifyWatcher does), so the
preview passes this one to livereload's Server.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
from collections.abc import Callable
from pathlib import Path

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback

# Saves arrive as a burst of events (write, close, rename); wait this long
# after the first one so that one save triggers one rebuild.
SETTLE_SECONDS = 0.008
POLL_SECONDS = 0.1

_IN_MODIFY = 0x002
_IN_ATTRIB = 0x004
_IN_CLOSE_WRITE = 0x008
_IN_MOVED_FROM = 0x040
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_ISDIR = 0x40000000
_IN_Q_OVERFLOW = 0x4000
_MASK = (
    _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE | _IN_DELETE_SELF | _IN_ATTRIB
)
_EVENT = struct.Struct("iIII")


def is_editor_noise(name: str) -> bool:
    """Tell whether a file name is an editor's temporary or backup file."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


class SourceWatcher(Watcher):
    """Call back with the set of changed paths under some folders, soon after a save."""

    def __init__(self, folders: list[Path], on_change: Callable[[set[Path]], None]):
        super().__init__()
        self.folders = [f for f in folders if f.exists()]
        self.on_change = on_change
        self.pending: set[Path] = set()
        self.kind = "none"
        self._loop: IOLoop | None = None
        self._fd: int | None = None
        self._dirs: dict[int, Path] = {}
        self._signatures: dict[Path, tuple] = {}
        self._scheduled = False

    def start(self, callback) -> bool:
        """Start watching on the running IOLoop (livereload's hook); never poll via livereload."""
        self._loop = IOLoop.current()
        if not self._start_inotify():
            self.kind = "polling"
            self._signatures = self._scan()
            PeriodicCallback(self._poll, POLL_SECONDS * 1000).start()
        return True

    def examine(self):
        """Report nothing to livereload's own polling: changes come through on_change."""
        return None, None

    def _start_inotify(self) -> bool:
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name or "libc.so.6", use_errno=True)
            init = libc.inotify_init1
        except (OSError, AttributeError):
            return False
        fd = init(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            return False
        self._libc, self._fd, self.kind = libc, fd, "inotify"
        for folder in self.folders:
            self._add_tree(folder)
        self._loop.add_handler(fd, self._read_events, IOLoop.READ)
        return True

    def _add_tree(self, folder: Path) -> None:
        for current, dirs, _files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(current), _MASK)
            if wd >= 0:
                self._dirs[wd] = Path(current)

    def _read_events(self, fd, _events) -> None:
        while True:
            try:
                data = os.read(fd, 64 * 1024)
            except OSError as err:
                if err.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    break
                raise
            if not data:
                break
            self._parse(data)
        self._schedule()

    def _parse(self, data: bytes) -> None:
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            folder = self._dirs.get(wd)
            if mask & _IN_Q_OVERFLOW or folder is None:
                self.pending.update(self.folders)
                continue
            name = os.fsdecode(raw)
            if not name or is_editor_noise(name):
                continue
            path = folder / name
            if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO):
                self._add_tree(path)
            self.pending.add(path)

    def _scan(self) -> dict[Path, tuple]:
        found = {}
        for folder in self.folders:
            for current, dirs, files in os.walk(folder):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if not is_editor_noise(name):
                        path = Path(current) / name
                        try:
                            stat = path.stat()
                        except OSError:
                            continue
                        found[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return found

    def _poll(self) -> None:
        current = self._scan()
        changed = {
            p for p in current.keys() | self._signatures.keys() if current.get(p) != self._signatures.get(p)
        }
        self._signatures = current
        if changed:
            self.pending.update(changed)
            self._schedule()

    def _schedule(self) -> None:
        if self.pending and not self._scheduled:
            self._scheduled = True
            self._loop.call_later(SETTLE_SECONDS, self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        changed, self.pending = self.pending, set()
        if changed:
            self.on_change(changed)
