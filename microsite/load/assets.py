"""Static files: fingerprinted assets (cached forever by hosts) and root files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from microsite.problems import Problem

ASSETS = "assets"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")


@dataclass(frozen=True)
class AssetSet:
    """The assets of a build: files to write and each asset's fingerprinted name."""

    files: tuple[tuple[str, bytes], ...]
    manifest: tuple[tuple[str, str], ...]

    def url(self, name: str) -> str:
        """Return the site-relative path of an asset, e.g. assets/style.1a2b3c4d5e.css."""
        found = dict(self.manifest).get(name)
        if found is None:
            known = ", ".join(sorted(dict(self.manifest)))
            raise KeyError(f"no asset named {name!r} in templates/assets/ (there are: {known})")
        return found

    def content(self, name: str) -> bytes:
        """Return the bytes of an asset as the build writes them."""
        return dict(self.files)[self.url(name)]


def load_assets(assets: Path, static: Path, inside: Path) -> tuple[AssetSet, list[Problem]]:
    """Fingerprint templates/assets/* and take templates/static/* as they are.

    A file that links to somewhere outside the project (`inside`) is not
    published: templates/static/x -> /etc/passwd would put that file online.
    """
    problems: list[Problem] = []
    files, manifest = [], {}
    sources = _files(assets, inside, problems)
    # Other assets first, so that stylesheets can point at their new names.
    for path in sorted(sources, key=lambda p: p.suffix == ".css"):
        name = path.relative_to(assets).as_posix()
        content = _read(path, problems)
        if content is None:
            continue
        if path.suffix == ".css":
            content = _rewrite_css(content, path, assets, manifest)
        digest = hashlib.sha256(content).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{ASSETS}/{stem}.{digest}.{suffix}" if dot else f"{ASSETS}/{name}.{digest}"
        manifest[name] = hashed
        files.append((hashed, content))
    for path in _files(static, inside, problems):
        content = _read(path, problems)
        if content is not None:
            files.append((path.relative_to(static).as_posix(), content))
    return AssetSet(tuple(files), tuple(sorted(manifest.items()))), problems


def _files(folder: Path, inside: Path, problems: list[Problem]) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if _noise(path.name):
            continue
        if not path.resolve().is_relative_to(inside.resolve()):
            hint = "Copy the file into the project instead of linking to it."
            problems.append(
                Problem(
                    path,
                    None,
                    f"this is a link to {path.resolve()}, outside the project: it is not published",
                    hint=hint,
                )
            )
        elif path.is_file():
            found.append(path)
    return found


def _noise(name: str) -> bool:
    # What editors and systems leave beside files: never part of a site.
    return name in (".DS_Store", "Thumbs.db", "desktop.ini") or name.endswith(("~", ".swp", ".swx", ".tmp"))


def _read(path: Path, problems: list[Problem]) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as err:
        problems.append(Problem(path, None, f"this file cannot be read: {err.strerror or err}"))
        return None


def _rewrite_css(content: bytes, path: Path, assets: Path, manifest: dict[str, str]) -> bytes:
    folder = path.parent.relative_to(assets)

    def replace(match):
        target = (folder / match.group(2)).as_posix()
        hashed = manifest.get(target)
        if hashed is None:
            return match.group(0)
        # Both files live in assets/: point at the sibling by its new name.
        return f"url({match.group(1)}{Path(hashed).name}{match.group(1)})"

    return _CSS_URL.sub(replace, content.decode("utf-8")).encode("utf-8")
