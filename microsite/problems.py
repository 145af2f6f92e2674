"""Problems found in the content, as values that carry their location."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"

# Every kind of finding a warning or notice can have: what `check --ignore KIND`
# accepts and the [brackets] of the report show. A test keeps it complete.
KINDS = (
    "broken-link",
    "dateline-date",
    "duplicate-id",
    "embargo",
    "figure-mismatch",
    "fuzzy-interface-string",
    "half-width-punctuation",
    "heading-skip",
    "missing-alt",
    "missing-footnote",
    "missing-interface-string",
    "missing-translation",
    "name-missing",
    "name-near-miss",
    "no-contact",
    "number-unit-style",
    "outdated-translation",
    "placeholder-address",
    "straight-quote",
    "typed-figure",
    "typed-qualifier",
    "unreviewed-translation",
    "unsafe-markup",
    "unused-fact",
    "unverified-name",
)


class Problem(NamedTuple):
    """One thing wrong (or worth a look) in one file, at one line where known.

    A named tuple rather than a dataclass: a newsroom's archive can hold a
    hundred thousand findings, and tuples are made and read back from the
    cache several times faster.
    """

    path: Path
    line: int | None
    message: str
    severity: str = ERROR
    hint: str = ""
    kind: str = ""  # a stable name for the kind of finding, for tools and tests

    def as_dict(self, root: Path) -> dict:
        """Return the problem as plain data, for `check --format json`."""
        return {
            "path": display_path(self.path, root),
            "line": self.line,
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
        }

    def describe(self, root: Path) -> str:
        """Return the editor-facing `path:line: severity: message` text."""
        where = display_path(self.path, root)
        if self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    {self.hint}"
        return text


def display_path(path: Path, root: Path) -> str:
    """Return `path` relative to the project root when it lies inside it."""
    # The build names files by absolute paths under the root: plain string
    # work, with no file system call, unless a path was given some other way.
    name, top = str(path), str(root) + os.sep
    if name.startswith(top):
        return name[len(top) :].replace(os.sep, "/")
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def errors_in(problems: list[Problem]) -> list[Problem]:
    """Return only the problems that stop a build."""
    return [p for p in problems if p.severity == ERROR]


class ContentError(Exception):
    """Raised by a stage whose input is too broken for later stages to use."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    def __reduce__(self):
        # Raised in a worker process, it travels back pickled: rebuilt from
        # its problems, not from its message.
        return (ContentError, (self.problems,))


def pack(problems: list[Problem]) -> tuple:
    """Return problems as plain tuples, each file named once: what the build cache keeps.

    A hundred thousand Problem objects, each with its own Path, take seconds
    to read back from the cache; plain tuples, a fraction of that.
    """
    paths: dict[Path, int] = {}
    rows = [
        (paths.setdefault(p.path, len(paths)), p.line, p.message, p.severity, p.hint, p.kind)
        for p in problems
    ]
    return tuple(str(path) for path in paths), rows


def unpack(packed: tuple) -> list[Problem]:
    """Return the problems that pack() kept."""
    names, rows = packed
    paths = [Path(name) for name in names]
    return [Problem(paths[row[0]], *row[1:]) for row in rows]
