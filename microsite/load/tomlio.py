"""Read TOML files and find where in them a table or key was written."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from microsite.problems import Problem

_TOMLLIB_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOMLLIB_END = re.compile(r"\s*\(at end of document\)$")
# Tab, line feed and carriage return are text; the rest of C0, DEL and C1 are not.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parse_toml(text: str, path: Path, first_line: int = 1) -> tuple[dict | None, list[Problem]]:
    """Parse TOML text; on failure return a problem at the offending line.

    `first_line` is the file line that the text starts on, so that front matter
    inside a Markdown file reports lines of the Markdown file.
    """
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as err:
        # tomllib raises ValueError for dates Python cannot hold (year 0).
        message, line = _split_tomllib_message(str(err), text)
        line = line + first_line - 1
        quoted = _line_of(text, line - first_line + 1)
        hint = f"The line reads: {quoted}" if quoted else ""
        hint = (hint + "\n    " if hint else "") + (
            'Text values need quotes, e.g. title = "Key figures"; each key appears once.'
        )
        return None, [Problem(path, line, f"this TOML is not valid: {message}", hint=hint)]
    found = _control_in(data)
    if found:
        key, char = found
        line = line_of_key(text, key, first_line) or first_line
        message = f"`{key}` contains an invisible control character (U+{ord(char):04X})"
        hint = "Delete the escape (such as \\u0007): pages and feeds cannot carry it."
        return None, [Problem(path, line, message, hint=hint)]
    return data, []


def _control_in(data, key: str = "") -> tuple[str, str] | None:
    # An escape such as \u0007 in a TOML string puts a control character in
    # the text, which no page, feed or XML file can carry.
    if isinstance(data, str):
        match = _CONTROL.search(data)
        return (key, match.group(0)) if match else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for name, value in items:
        found = _control_in(value, name if isinstance(name, str) else key)
        if found:
            return found
    return None


def read_bytes(path: Path, noun: str = "file") -> tuple[bytes | None, list[Problem]]:
    """Read a file an editor put in the project; return its bytes, or the problem in their words.

    `noun` names the file in the messages: "this picture file is missing".
    """
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(path, None, f"this {noun} is missing")]
    except IsADirectoryError:
        return None, [Problem(path, None, f"this should be a {noun}, but it is a folder")]
    except PermissionError:
        hint = "Check the file's permissions (your user must be allowed to read it)."
        return None, [Problem(path, None, f"this {noun} cannot be read: permission denied", hint=hint)]
    except OSError as err:
        return None, [Problem(path, None, f"this {noun} cannot be read: {err.strerror or err}")]


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """Read a text file an editor wrote; return its text, or the problem in their words."""
    data, problems = read_bytes(path)
    if data is None:
        return None, problems
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        hint = "Save it as UTF-8 in your editor (Save As, Encoding: UTF-8)."
        return None, [Problem(path, line, f"this file is not UTF-8 text ({err.reason})", hint=hint)]
    # Some editors start UTF-8 files with a byte-order mark; it means nothing here.
    text = text.removeprefix("\ufeff")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        message = f"this file contains an invisible control character (U+{ord(control.group(0)):04X}) on line {line}"
        hint = "Delete it: it usually comes with text copied out of another program. Pages and feeds cannot carry it."
        return None, [Problem(path, line, message, hint=hint)]
    return text, []


def read_toml(path: Path) -> tuple[dict | None, str, list[Problem]]:
    """Read and parse a TOML file; return data, its text and any problems."""
    text, problems = read_text(path)
    if text is None:
        return None, "", problems
    data, problems = parse_toml(text, path)
    return data, text, problems


def line_of_table(text: str, name: str, first_line: int = 1, after: int | None = None) -> int | None:
    """Return the line of the `[name]` header (or dotted `[a.name]`, or quoted), at or after line `after`."""
    # [ \t]* rather than \s*: \s would run over blank lines and report the line above.
    quoted = "|".join(re.escape(form) for form in (name, f'"{name}"', f"'{name}'"))
    pattern = re.compile(r"^[ \t]*\[[ \t]*(?:[\w.\"'-]+\.)?(?:" + quoted + r")[ \t]*\]", re.M)
    start = _offset_of_line(text, after - first_line + 1) if after is not None else 0
    match = pattern.search(text, start)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + first_line


def key_lines(text: str, after: int | None = None, first_line: int = 1, default: int | None = 1):
    """Return a function that finds the line of a key (at or after line `after`).

    For a missing key, or for None (a problem of the table as a whole), the
    function gives `default`, usually the table's header line.
    """

    def line_of(key: str | None) -> int | None:
        if not key:
            return default
        # A key, or a table of its own: [languages.en.style.qualifiers].
        found = line_of_key(text, key, first_line, after) or line_of_table(text, key, first_line, after)
        return found or default

    return line_of


def line_of_key(text: str, key: str, first_line: int = 1, after: int | None = None) -> int | None:
    """Return the line where `key = …` is written (at or after line `after`)."""
    pattern = re.compile(r"^[ \t]*[\"']?" + re.escape(key) + r"[\"']?[ \t]*=", re.M)
    start = 0
    if after is not None:
        start = _offset_of_line(text, after - first_line + 1)
    match = pattern.search(text, start)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + first_line


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(max(line - 1, 0)):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def _split_tomllib_message(message: str, text: str) -> tuple[str, int]:
    where = _TOMLLIB_WHERE.search(message)
    if where:
        return message[: where.start()], int(where.group(1))
    end = _TOMLLIB_END.search(message)
    if end:
        return message[: end.start()] + " (at the end of the text)", text.count("\n") + 1
    return message, 1


def _line_of(text: str, line: int) -> str:
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()
    return ""
