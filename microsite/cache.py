"""Results of earlier builds, kept on disk and keyed by the content of every input.

A release's result (its pages, its findings, its summary) is stored under a
key made of the content of each file it was made from, of everything the
site shares (settings, names, templates, catalogs, assets, options), and of
the generator itself (its source and its libraries' versions). A changed
input makes a new key, so a stored result is only ever reused for exactly
the inputs it was made from: the same bytes a clean build would write.

Reading every input to hash it would cost as much as a small build; as git
does, a file whose size, modification time and inode are unchanged keeps
the digest it had.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import tomllib
from datetime import datetime
from pathlib import Path

# Bump when the layout of what is stored changes.
FORMAT = 1
# (module, distribution): the libraries that shape the output, photos and share cards included.
_LIBRARIES = (
    ("jinja2", "jinja2"),
    ("markupsafe", "markupsafe"),
    ("markdown", "markdown"),
    ("babel", "babel"),
    ("PIL", "pillow"),
    ("pylopdf_fonts_zh_cn", "pylopdf_fonts_zh_cn"),
)


@functools.lru_cache(maxsize=1)
def generator_version() -> str:
    """Return a digest of the generator's own code and of the libraries that shape its output."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for module, distribution in _LIBRARIES:
        digest.update(f"{module}={_installed(module, distribution)}\n".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _installed(name: str, distribution: str) -> str:
    # The version a package's .dist-info folder names, found without importing
    # the package (or importlib.metadata): the no-change build must start fast.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return "missing"
    folder = Path(spec.origin).parent.parent
    found = sorted(
        p.name for p in folder.glob("*.dist-info") if p.name.lower().startswith(distribution + "-")
    )
    return found[0] if found else spec.origin


class FileDigests:
    """The content digest of each input file, worked out again only when the file changed."""

    def __init__(self, path: Path | None):
        self.path = path
        self.known: dict[str, tuple[int, int, int, str]] = {}
        self.folders: dict[str, tuple[list[str], list[str]]] = {}  # walked this run: subfolders, files
        self.seen: dict[str, str] = {}  # digests worked out this run
        # A schedule file's digest: the embargo it sets. A thousand releases
        # are a thousand schedules, parsed once rather than on every build.
        self.embargoes: dict[str, datetime | None] = {}
        self.changed = False
        kept = _load(path) if path is not None else None
        if isinstance(kept, tuple) and len(kept) == 2:
            self.known, self.embargoes = kept

    def digest(self, path: str | Path) -> str:
        """Return a digest of the file's bytes ("-" for a file that cannot be read)."""
        name = str(path)
        seen = self.seen.get(name)
        if seen is not None:
            return seen  # asked twice in one run: the fingerprint, then a release's key
        kept = self.known.get(name)
        if kept is not None:
            try:
                stat = os.stat(name)
            except OSError:
                return "-"
            if kept[:3] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
                self.seen[name] = kept[3]
                return kept[3]
        try:
            signature, content = _read(name)
        except OSError:
            return "-"
        value = hashlib.sha256(content).hexdigest()
        self.known[name] = (*signature, value)
        self.seen[name] = value
        self.changed = True
        return value

    def embargo(self, path: str | Path) -> datetime | None:
        """Return the embargo a schedule file sets (None: none, or none that can be read)."""
        digest = self.digest(path)
        if digest not in self.embargoes:
            self.embargoes[digest] = _embargo_in(str(path))
            self.changed = True
        return self.embargoes[digest]

    def embargoed(self, path: str | Path, now: datetime) -> bool:
        """Tell whether the embargo a schedule file sets still holds at `now`."""
        embargo = self.embargo(path)
        return embargo is not None and now < embargo

    def forget(self, changed: set[Path]) -> None:
        """Forget what this run saw of changed files and folders (the preview, told by its watcher).

        The rest is kept from one rebuild to the next: a thousand releases
        are not walked and stat-ed again for every save.
        """
        names = [str(path) for path in changed]
        for name in names:
            prefix = name + os.sep
            for known in [k for k in self.seen if k == name or k.startswith(prefix)]:
                del self.seen[known]
            for folder in [f for f in self.folders if f == name or f.startswith(prefix)]:
                del self.folders[folder]
            self.folders.pop(os.path.dirname(name), None)  # a file added or removed there

    def tree(self, folder: str | Path) -> list[str]:
        """Return every file under a folder, in a stable order (links followed, as the loaders do).

        Walked once per process and kept: the build's fingerprint and each
        release's key read the same folders.
        """
        folder = str(folder)
        if folder not in self.folders:
            self._walk(folder, (os.path.realpath(folder),))
        subfolders, files = self.folders[folder]
        return files + [path for sub in subfolders for path in self.tree(sub)]

    def _walk(self, folder: str, chain: tuple[str, ...]) -> None:
        # os.scandir names each entry's path and kind itself: at 4,000
        # folders and 28,000 files, os.walk and os.path.join cost a tenth of
        # a second more, on every build.
        subfolders, files = [], []
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            entries = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()  # through a link too
            except OSError:
                is_folder = False
            if not is_folder:
                files.append(entry.path)
                continue
            inner = _walkable(entry, folder, chain)
            if inner is not None:
                subfolders.append(entry.path)
                self._walk(entry.path, inner)
        self.folders[folder] = (subfolders, files)

    def save(self) -> None:
        """Keep the digests for the next build."""
        if self.path is not None and self.changed:
            current = {kept[3] for kept in self.known.values()}
            embargoes = {digest: e for digest, e in self.embargoes.items() if digest in current}
            _store(self.path, (self.known, embargoes))


# O_BINARY: Windows would otherwise translate line ends.
_READ_ONLY = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _read(name: str) -> tuple[tuple[int, int, int], bytes]:
    """Return a file's size, time and inode as it was opened, and its bytes."""
    # os.open and os.read rather than open(): a cold build of a thousand
    # releases reads 28,000 small files here, in half the time.
    handle = os.open(name, _READ_ONLY)
    try:
        stat = os.fstat(handle)
        pieces, want = [], stat.st_size + 1
        while piece := os.read(handle, want):
            pieces.append(piece)
            want = 1 << 20  # the file grew since: read on to its end
    finally:
        os.close(handle)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino), b"".join(pieces)


def _walkable(entry: os.DirEntry, current: str, chain: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return the links followed to reach a subfolder, or None for a link back into where the walk has been.

    A link to a folder above it (content/en/up -> ../..) would otherwise be
    walked again and again, each time with the whole project, until the
    system refuses the path: a careless link must not cost minutes.
    """
    if not entry.is_symlink():
        return chain
    target, here = os.path.realpath(entry.path), os.path.realpath(current)
    for seen in (here, *chain):
        if seen == target or seen.startswith(target + os.sep):
            return None
    return (*chain, target)


class BuildCache:
    """Release results of earlier builds in one folder of the project (.cache/microsite).

    Each result is two files: what was found and made (small, read on every
    build) and the pages' bytes (read only when a page has to be written).
    """

    def __init__(self, folder: Path, in_memory: bool = False):
        self.folder = folder
        self.files = FileDigests(folder / "inputs.pickle")
        self.used: set[str] = set()
        # A process that builds again and again (the preview) also keeps the
        # results themselves, pages included: nothing to read back from disk.
        self.memory: dict | None = {} if in_memory else None
        self.environments: dict = {}  # Jinja environments, for a process that builds again and again
        self.messages: dict = {}  # the templates' digest: their interface strings (on disk too)
        self.release_keys: dict[str, tuple[str, str]] = {}  # release folder: (site key, its key), ditto

    def forget(self, changed: set[Path]) -> None:
        """Forget what was worked out from changed files (for the preview, told by its watcher)."""
        self.files.forget(changed)
        names = [str(path) for path in changed]
        for folder in list(self.release_keys):
            if any(name == folder or name.startswith(folder + os.sep) for name in names):
                del self.release_keys[folder]

    def get(self, key: str):
        """Return what was stored under `key`, or None."""
        self.used.add(key)
        return _load(self._entry(key, "meta"))

    def pages(self, key: str) -> dict[str, bytes] | None:
        """Return the pages stored under `key`, by path, or None."""
        return _load(self._entry(key, "pages"))

    def put(self, key: str, meta, pages: dict[str, bytes]) -> bool:
        """Store a result under `key`; return whether it was stored (see store_result)."""
        self.used.add(key)
        return store_result(self.folder, key, meta, pages)

    def last(self, name: str):
        """Return what the last build or check of this kind left (see remember)."""
        return _load(self.folder / f"{name}.pickle")

    def remember(self, name: str, value) -> None:
        """Keep what this build or check found, for the next one to reuse when nothing changed."""
        _store(self.folder / f"{name}.pickle", value)

    def outputs(self, target: Path) -> dict[str, tuple[int, int]] | None:
        """Return the size and modification time of each file the last build wrote into `target`."""
        return _load(self._output(target))

    def keep_outputs(self, target: Path, stats: dict[str, tuple[int, int]]) -> None:
        """Remember what this build saw of each file it wrote into `target`."""
        _store(self._output(target), stats)

    def _output(self, target: Path) -> Path:
        return self.folder / "outputs" / f"{key_of(str(target))[:32]}.pickle"

    def _entry(self, key: str, part: str) -> Path:
        return _entry(self.folder, key, part)

    def finish(self) -> None:
        """Save the file digests and drop results this build did not use, so the cache does not grow."""
        self.files.save()
        if self.memory is not None:
            for key in [k for k in self.memory if k not in self.used]:
                del self.memory[key]
        for entry in _stored_entries(self.folder / "releases"):
            if entry.name.rpartition(".")[0] not in self.used:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        self.used = set()  # the next build (in the preview) keeps only what it uses in turn


def _stored_entries(releases: Path) -> list[os.DirEntry]:
    """Return the files of stored results (releases/ab/KEY.part); a thousand releases are 2,000 files."""
    found = []
    with contextlib.suppress(OSError), os.scandir(releases) as groups:
        for group in groups:
            if group.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError), os.scandir(group.path) as entries:
                    found += [e for e in entries if "." in e.name and e.is_file(follow_symlinks=False)]
    return found


def store_result(folder: Path, key: str, meta, pages: dict[str, bytes]) -> bool:
    """Store a result under `key` in the cache at `folder`; return whether it was stored.

    Its pages first, so that a stored summary always has its pages. Worker
    processes call this for the releases they make: the pages' bytes then go
    to disk from both cores at once and never travel back to the main process.
    """
    return _store(_entry(folder, key, "pages"), pages) and _store(_entry(folder, key, "meta"), meta)


def _entry(folder: Path, key: str, part: str) -> Path:
    return folder / "releases" / key[:2] / f"{key}.{part}"


def key_of(*parts) -> str:
    """Return a digest of the parts (strings, numbers, tuples of them)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _load(path: Path):
    # A cache that cannot be read is only a slower build: never an error.
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        return None


def _store(path: Path, value) -> bool:
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        # A full disk or a read-only project: the next build recomputes.
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False
    return True


def site_fingerprint(root: Path, files: FileDigests, options: tuple, now: datetime) -> str:
    """Return a digest of every input of a whole build: the project's files, the options, the time's effect.

    Time matters only through embargoes: each release's schedule says
    whether it is embargoed at `now`.
    """
    inputs = []
    for folder in ("content", "templates", "locales"):
        for path in files.tree(os.path.join(root, folder)):
            inputs.append((path, files.digest(path)))
            if path.endswith(f"{os.sep}schedule.toml"):
                inputs.append(("embargoed", files.embargoed(path, now)))
    return key_of(generator_version(), str(root), options, inputs)


def _embargo_in(path: str) -> datetime | None:
    try:
        with open(path, encoding="utf-8") as stream:
            embargo = tomllib.loads(stream.read()).get("embargo")
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return None  # the build itself reports what is wrong
    # Only a moment with its time zone is an embargo: the build reports any other value.
    return embargo if isinstance(embargo, datetime) and embargo.tzinfo is not None else None
