"""Jinja templates compiled once, for every language and from one build to the next."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import jinja2


class CompiledOnce(jinja2.BytecodeCache):
    """Each template compiled once for the environments of every language, and kept between builds.

    The compiled code is the same in every language (translations are looked
    up as the page renders), and compiling release.html takes some 20 ms: once
    per process instead of once per language, and with a `folder` (the build
    cache's) once until a template or the generator changes: each is checked
    against a checksum of its source and of the generator's version (`salt`),
    so an edited template or a new version of Jinja compiles anew.
    """

    def __init__(self, folder: Path | None = None, salt: str = ""):
        self.code: dict[str, tuple[str, object]] = {}
        self.folder, self.salt = folder, salt

    def get_source_checksum(self, source: str) -> str:
        # The generator's version in the checksum, not in the file's name: a
        # new version overwrites each template's file instead of adding one.
        return hashlib.sha256(f"{self.salt}\0{source}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = self.code.get(bucket.key, ("", None))
        if checksum == bucket.checksum:
            bucket.code = code
        elif self.folder is not None:
            # A cache that cannot be read is only a slower build: Jinja checks
            # the file's magic and checksum itself and compiles on a mismatch.
            with (
                contextlib.suppress(OSError, EOFError, ValueError, TypeError),
                open(self.folder / f"{bucket.key}.code", "rb") as stream,
            ):
                bucket.load_bytecode(stream)
            if bucket.code is not None:
                self.code[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)
        if self.folder is None:
            return
        temporary = None
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{bucket.key}.", dir=self.folder)
            with os.fdopen(handle, "wb") as stream:
                bucket.write_bytecode(stream)
            os.replace(temporary, self.folder / f"{bucket.key}.code")
            temporary = None
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
