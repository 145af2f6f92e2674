"""Write the rendered site: into a fresh folder beside the target, then swap."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .render import Page


def write_site(pages: list[Page], assets: Path, target: Path) -> None:
    """Replace `target` with a folder holding `pages` and the assets, all or nothing.

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
        if assets.is_dir():
            shutil.copytree(assets, staging / "assets", dirs_exist_ok=True)
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


def update_site(pages: list[Page], assets: Path, target: Path, previous: dict[str, bytes]) -> list[str]:
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
    changed += _sync_assets(assets, target / "assets")
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


def _sync_assets(assets: Path, target: Path) -> list[str]:
    wanted = {p.relative_to(assets): p for p in sorted(assets.rglob("*")) if p.is_file()} if assets.is_dir() else {}
    changed = []
    for relative, source in wanted.items():
        content = source.read_bytes()
        destination = target / relative
        if not destination.is_file() or destination.read_bytes() != content:
            _replace_file(destination, content)
            changed.append(f"assets/{relative.as_posix()}")
    if target.is_dir():
        for existing in sorted(target.rglob("*"), reverse=True):
            if existing.is_file() and existing.relative_to(target) not in wanted:
                existing.unlink()
                changed.append(f"assets/{existing.relative_to(target).as_posix()}")
    return changed


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
