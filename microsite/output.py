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
