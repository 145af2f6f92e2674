"""Where a project's folders are: one object instead of the working directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """The folders of one site project."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def assets(self) -> Path:
        return self.templates / "assets"

    @property
    def static(self) -> Path:
        return self.templates / "static"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def site(self) -> Path:
        return self.root / "site"
