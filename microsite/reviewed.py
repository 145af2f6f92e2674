"""`check --mark-reviewed`: the one command that edits content, one value at a time.

It records in a translation's header block which version of the original it
matches (`translated_from = "…"`), and keeps a copy of that original for the
next diff. The edit changes exactly that one value, keeps the file's line
endings and comments, is checked by parsing the result, and is written
atomically; anything it cannot do exactly is refused with the reason.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from microsite.check.translations import snapshot_path, snapshot_text, source_hash
from microsite.load.content import FENCE, Section

KEY = "translated_from"
_KEY_LINE = re.compile(
    r"""^(?P<before>[ \t]*(?:translated_from|"translated_from"|'translated_from')[ \t]*=[ \t]*)"""
    r"""(?P<value>"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*')(?P<after>[^\r\n]*)$"""
)


class Refused(Exception):
    """The edit could not be made exactly; the message says why, for the editor."""


def mark_reviewed(original: Section, translation: Section) -> str:
    """Record that `translation` matches `original` as it is now; return the new code, or raise Refused."""
    code = source_hash(original)
    path = translation.path
    try:
        before = path.read_bytes()
    except OSError as err:
        raise Refused(f"cannot read it: {err.strerror or err}") from None
    try:
        text = before.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("it is not UTF-8 text") from None
    updated = set_header_value(text, code)
    if updated != text:
        _replace(path, updated.encode("utf-8"), expected=before)
    snapshot = snapshot_path(path.parent, original.id)
    snapshot.parent.mkdir(exist_ok=True)
    _replace(snapshot, snapshot_text(original).encode("utf-8"), expected=None)
    return code


def set_header_value(text: str, code: str) -> str:
    """Return the section file's text with `translated_from` set to `code`, and nothing else changed."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom) :].split("\n")  # keeps any "\r" at the line ends
    if not lines or lines[0].strip() != FENCE:
        raise Refused("it has no header block")
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if closing is None:
        raise Refused("its header block is never closed")
    header = lines[1:closing]
    old = _parse(header)
    wanted = {**old, KEY: code}
    for index, line in enumerate(header):
        match = _KEY_LINE.match(line.rstrip("\r"))
        if not match:
            continue
        ending = "\r" if line.endswith("\r") else ""
        candidate = [
            *header[:index],
            match["before"] + f'"{code}"' + match["after"] + ending,
            *header[index + 1 :],
        ]
        if _parses_to(candidate, wanted):
            return bom + "\n".join(lines[:1] + candidate + lines[closing:])
    if KEY in old:
        raise Refused(
            f"its `{KEY}` line is written in a way this command cannot change safely; edit it by hand"
        )
    ending = "\r" if lines[0].endswith("\r") else ""
    candidate = [*header, f'{KEY} = "{code}"{ending}']
    if not _parses_to(candidate, wanted):
        raise Refused("adding the line would change other values of its header block; edit it by hand")
    return bom + "\n".join(lines[:1] + candidate + lines[closing:])


def _parse(header: list[str]) -> dict:
    try:
        return tomllib.loads("\n".join(line.rstrip("\r") for line in header))
    except tomllib.TOMLDecodeError as err:
        raise Refused(f"its header block is not valid TOML ({err})") from None


def _parses_to(header: list[str], wanted: dict) -> bool:
    try:
        return _parse(header) == wanted
    except Refused:
        return False


def _replace(path: Path, content: bytes, expected: bytes | None) -> None:
    # Written beside the file and renamed over it: a reader never sees half a
    # file. Just before the rename, make sure the editor did not save the file
    # meanwhile: their save would be lost.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        if expected is not None and path.read_bytes() != expected:
            raise Refused("it changed while it was being marked (saved in an editor?); run the command again")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
