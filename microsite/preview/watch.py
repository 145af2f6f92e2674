"""Tell the preview which source files changed, soon after each save (watchfiles).

watchfiles watches with inotify on Linux (and the native mechanism
elsewhere) from a thread of its own, and its `awatch` runs on the asyncio
loop that Tornado 6 serves on, so no home-made watcher is needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, awatch

# A save arrives as a burst of events (write, close, rename): changes are
# handed over once no new one came for a step. watchfiles' default (50 ms)
# would spend a quarter of the preview's latency budget waiting.
STEP_MS = 20


def is_editor_noise(name: str) -> bool:
    """Tell whether a file name is an editor's temporary or backup file."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


class SourceFilter:
    """Keep changes to sources; drop editors' temporary files and anything in a hidden folder."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def __call__(self, _change: Change, path: str) -> bool:
        changed = Path(path)
        for folder in self.folders:
            if changed.is_relative_to(folder):
                parts = changed.relative_to(folder).parts
                return bool(parts) and not is_editor_noise(parts[-1]) and not _hidden(parts[:-1])
        return False


def _hidden(folders: tuple[str, ...]) -> bool:
    return any(name.startswith(".") for name in folders)


async def watch_sources(
    folders: list[Path], on_change: Callable[[set[Path]], None], stop: asyncio.Event
) -> None:
    """Call on_change with the changed paths after each save under `folders`, until `stop` is set."""
    folders = [folder for folder in folders if folder.is_dir()]
    if not folders:
        return
    changes = awatch(*folders, watch_filter=SourceFilter(folders), step=STEP_MS, stop_event=stop)
    async for batch in changes:
        on_change({Path(path) for _change, path in batch})
