"""Write the rendered site: into a fresh folder beside the target, then swap, all or nothing.

The generator only ever replaces or deletes folders it wrote itself: each
carries a marker file naming the generator and listing its files. A target
that exists without one (the project, content/, a folder of someone's
files) is refused, never emptied.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MARKER = ".microsite-build.json"
GENERATOR = "microsite"


@dataclass(frozen=True)
class Page:
    """One output file: its path under site/ and its bytes."""

    path: str
    content: bytes


class OutputRefused(Exception):
    """The output folder cannot be written without harm; the message says why, for the editor."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def check_target(target: Path, project_root: Path) -> None:
    """Refuse an output folder that is, holds or lies in the project's sources, or is not ours."""
    target, root = target.resolve(), project_root.resolve()
    sources = [root / name for name in ("content", "templates", "locales", ".git", "microsite", "tests")]
    if target == root or root.is_relative_to(target):
        raise OutputRefused(
            f"{target} holds the project itself: the build would replace it",
            "Use --out site (the default) or another new folder.",
        )
    for source in sources:
        if target.is_relative_to(source):
            raise OutputRefused(
                f"{target} is inside the project's {source.name}/ folder",
                "Use --out site (the default) or a folder outside the sources.",
            )
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"{target} is a file, not a folder", "Choose a folder name for --out.")
    if target.is_dir() and not is_ours(target) and any(target.iterdir()):
        raise OutputRefused(
            f"{target} already exists and was not written by this generator: it would be replaced",
            "Choose a new or empty folder, or delete this one yourself if you are sure.",
        )


def is_ours(folder: Path) -> bool:
    """Tell whether a folder was written by this generator (it carries the marker)."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("generator") == GENERATOR


def safe_path(path: str) -> bool:
    """Tell whether an output path stays inside the output folder."""
    normal = posixpath.normpath(path)
    return (
        bool(path)
        and "\\" not in path
        and "\0" not in path
        and not path.startswith("/")
        and normal == path
        and not normal.startswith("..")
        and path != MARKER
    )


def digest(content: bytes) -> str:
    """Return the digest a page is known by in the marker and the cache."""
    return hashlib.sha256(content).hexdigest()


def write_site(
    pages: Iterable[Page], target: Path, digests: dict[str, str] | None = None
) -> dict[str, tuple[int, int]]:
    """Replace `target` with a folder holding exactly `pages`, all or nothing.

    Everything is written to a temporary folder next to `target` first, so a
    failure at any point leaves the previous site exactly as it was. The
    pages may come one at a time: only one is held in memory. `digests` are
    the pages' digests when the caller knows them already (hashing 80 MB of
    pages again takes 0.05 s at a thousand releases). Returns each file's
    size and modification time, for the next build to see what changed.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        _write_marker(staging, {})
        # Plain string paths and one folder check per folder, not per file:
        # at a thousand releases, 12,000 files, where Path objects, a mkdir
        # and a stat per file cost more than writing them.
        top, made = os.path.join(str(staging), ""), {""}
        written, stats = {}, {}
        for page in pages:
            _refuse_unsafe([page.path])
            _make_folders(top, posixpath.dirname(page.path), made)
            stats[page.path] = _write_file(top + page.path, page.content)
            written[page.path] = digests[page.path] if digests else digest(page.content)
        os.chmod(staging, 0o755)  # mkdtemp makes a private folder; a published site must be readable
        _write_marker(staging, written)
        _swap(staging, target)
        return stats
    except BaseException:
        if staging.exists() and is_ours(staging):
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _make_folders(top: str, folder: str, made: set[str]) -> None:
    """Make `folder` under `top`, and its parents, each readable by all; `made` holds those known to exist."""
    if folder in made:
        return
    _make_folders(top, posixpath.dirname(folder), made)
    try:
        os.mkdir(top + folder)
        os.chmod(top + folder, 0o755)  # whatever the umask: a web server must read it
    except FileExistsError:
        pass
    made.add(folder)


# O_BINARY: Windows would otherwise translate line ends.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _write_file(path: str, content: bytes) -> tuple[int, int]:
    """Write a new file readable by all, whatever the umask; return its size and modification time."""
    handle = os.open(path, _NEW_FILE, 0o644)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(handle, 0o644)
        else:
            os.chmod(path, 0o644)
        with os.fdopen(handle, "wb", closefd=False) as stream:
            stream.write(content)
        stat = os.fstat(handle)
    finally:
        os.close(handle)
    return stat.st_size, stat.st_mtime_ns


def read_manifest(target: Path) -> dict[str, str] | None:
    """Return what the last build wrote into `target` (path: digest), or None."""
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = marker.get("files") if isinstance(marker, dict) and marker.get("generator") == GENERATOR else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    return files


def stale_paths(
    target: Path, digests: dict[str, str], manifest: dict[str, str], stats: dict[str, tuple[int, int]]
) -> set[str]:
    """Return the paths whose bytes differ from what `target` holds.

    A file is taken to hold what the last build wrote if its size and
    modification time are what that build saw; a file changed or deleted by
    hand, or one the build has no record of, is written again.
    """
    # Paths as strings: at a thousand releases that is 8,000 files, and a
    # Path object per file costs more than the stat call itself.
    top = os.path.join(str(target), "")
    stale = set()
    for path, wanted in digests.items():
        if manifest.get(path) != wanted or not _unchanged(top + path, stats.get(path)):
            stale.add(path)
    return stale


def _unchanged(path: str, kept: tuple[int, int] | None) -> bool:
    if kept is None:
        return False
    try:
        stat = os.stat(path)
    except OSError:
        return False  # deleted by hand: written again
    return (stat.st_size, stat.st_mtime_ns) == tuple(kept)


def update_site(
    target: Path, digests: dict[str, str], contents: dict[str, bytes], manifest: dict[str, str], stats: dict
) -> list[str]:
    """Bring a site written by an earlier build up to date: write `contents`, delete what is gone.

    First every new file is written beside the one it replaces; only when all
    of them are on disk are they renamed into place (each rename is atomic),
    so a full disk fails before anything changed. Returns the paths written
    or deleted; `stats` is brought up to date with what was written.
    """
    target = target.resolve()
    _refuse_unsafe(contents)
    gone = sorted(set(manifest) - set(digests))
    temporaries: dict[str, Path] = {}
    top, made = os.path.join(str(target), ""), {""}
    try:
        for path, content in contents.items():
            destination = target / path
            _make_folders(top, posixpath.dirname(path), made)
            handle, name = tempfile.mkstemp(
                prefix=f".{destination.name}.", suffix=".new", dir=destination.parent
            )
            temporaries[path] = Path(name)
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(name, 0o644)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise
    for path, temporary in temporaries.items():
        os.replace(temporary, target / path)
    for path in gone:
        (target / path).unlink(missing_ok=True)
        _remove_empty_parents((target / path).parent, target)
        stats.pop(path, None)
    if contents or gone:
        _write_marker(target, digests)
    stats.update(_stats(target, contents))
    return sorted([*contents, *gone])


def _stats(folder: Path, paths) -> dict[str, tuple[int, int]]:
    found = {}
    for path in paths:
        stat = (folder / path).stat()
        found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _refuse_unsafe(paths) -> None:
    unsafe = [path for path in paths if not safe_path(path)]
    if unsafe:
        message = f"the build made a file path outside the site: {unsafe[0]!r}"
        raise OutputRefused(message, "This is a bug in the generator.")


def _write_marker(folder: Path, manifest: dict[str, str]) -> None:
    document = {"generator": GENERATOR, "files": dict(sorted(manifest.items()))}
    handle, temporary = tempfile.mkstemp(prefix=f".{MARKER}.", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(document, indent=0) + "\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, folder / MARKER)


def clean_leftovers(target: Path) -> None:
    """Delete staging folders that a killed build left beside `target` (only ones this generator wrote)."""
    for pattern in (f".{target.name}.new-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            if leftover.is_dir() and is_ours(leftover):
                shutil.rmtree(leftover, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    if _exchange(staging, target):
        # The old site now sits at the staging path; it is ours to delete.
        shutil.rmtree(staging, ignore_errors=True)
        return
    # Without an atomic exchange: move the old site aside, put the new one in
    # place, and only then delete the old one. If putting it back fails too,
    # the old site stays where it was moved, and the error says where.
    retired = target.parent / f".{target.name}.old-{staging.name.rsplit('-', 1)[-1]}"
    os.replace(target, retired)
    try:
        os.replace(staging, target)
    except BaseException:
        try:
            os.replace(retired, target)
        except OSError as err:
            raise OutputRefused(
                f"the new site could not be put in place, and the old one is now at {retired}",
                f"Move it back by hand: {err}",
            ) from err
        raise
    shutil.rmtree(retired, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); return False where the system cannot."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0
