"""Words kept in each language, where the source language's stand in for a missing translation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from microsite.problems import Problem

if TYPE_CHECKING:
    from microsite.load.settings import Language


def typed_once(
    keys: Iterable[str], given, path: Path, line_of: Callable[[str], int | None], what: str, where: str
) -> list[Problem]:
    """Return a problem for each of `keys` a translation gives that only the source language may give.

    A phone number or a photo's file is the same in every language: typed
    twice, the copies could disagree. `what` names the table ("in [contact]"),
    `where` the one place it belongs ("the English release.toml").
    """
    return [
        Problem(
            path,
            line_of(key),
            f"`{key}` {what} is the same in every language: it is typed once, in {where}",
            hint=f"Delete the line `{key} = …` here.",
        )
        for key in keys
        if key in given
    ]


class Worded:
    """Something whose words (`self.words`: (language code, ((key, text), …)), …) differ by language."""

    words: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def word(self, code: str, key: str, source: str) -> tuple[str, bool]:
        """Return a word in the language, or the source language's: (text, whether it is the source's)."""
        own = dict(dict(self.words).get(code, ())).get(key, "")
        if own or code == source:
            return own, False
        return dict(dict(self.words).get(source, ())).get(key, ""), True

    def shown(self, code: str, key: str, source: Language) -> dict:
        """Return a word as a page shows it: its text, and the source language's tag when it is borrowed."""
        text, borrowed = self.word(code, key, source.code)
        return {"text": text, "lang": source.html_lang if borrowed else None}
