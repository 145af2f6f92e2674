"""Write the rendered site: into a fresh folder beside the target, then swap."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Page:
    """One output file: its path under site/ and its bytes."""

    path: str
    content: bytes


def write_site(pages: list[Page], target: Path) -> None:
    """Replace `target` with a folder holding exactly `pages`, all or nothing.

    Everything is written to a temporary folder next to `target` first, so a
    failure at any point leaves the previous site exactly as it was.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for page in pages:
            destination = staging / page.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(page.content)
        _normalise_modes(staging)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _normalise_modes(folder: Path) -> None:
    # mkdtemp makes a private folder; a published site must be readable.
    os.chmod(folder, 0o755)
    for path in folder.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.replace(target, retired / target.name)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(retired / target.name, target)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def update_site(pages: list[Page], target: Path, previous: dict[str, bytes]) -> list[str]:
    """Rewrite only the files of `target` that differ from the last build's; return them.

    Each file is replaced atomically, so a browser never reads half a page.
    The folder ends up exactly as write_site would have left it.
    """
    changed = []
    current = {page.path: page.content for page in pages}
    for page in pages:
        if previous.get(page.path) != page.content:
            _replace_file(target / page.path, page.content)
            changed.append(page.path)
    for stale in sorted(set(previous) - set(current)):
        (target / stale).unlink(missing_ok=True)
        _remove_empty_parents((target / stale).parent, target)
        changed.append(stale)
    return changed


def _replace_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
