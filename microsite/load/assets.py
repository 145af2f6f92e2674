"""Static files: fingerprinted assets (cached forever by hosts) and root files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from microsite.cache import cached_hash

ASSETS = "assets"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")


@cached_hash
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


def load_assets(assets: Path, static: Path) -> AssetSet:
    """Fingerprint templates/assets/* and take templates/static/* as they are."""
    files, manifest = [], {}
    sources = sorted(p for p in assets.rglob("*") if p.is_file()) if assets.is_dir() else []
    # Other assets first, so that stylesheets can point at their new names.
    for path in sorted(sources, key=lambda p: p.suffix == ".css"):
        name = path.relative_to(assets).as_posix()
        content = path.read_bytes()
        if path.suffix == ".css":
            content = _rewrite_css(content, path, assets, manifest)
        digest = hashlib.sha256(content).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{ASSETS}/{stem}.{digest}.{suffix}" if dot else f"{ASSETS}/{name}.{digest}"
        manifest[name] = hashed
        files.append((hashed, content))
    if static.is_dir():
        files += [
            (p.relative_to(static).as_posix(), p.read_bytes())
            for p in sorted(static.rglob("*"))
            if p.is_file()
        ]
    return AssetSet(tuple(files), tuple(sorted(manifest.items())))


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
