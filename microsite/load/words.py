"""Words kept in each language, where the source language's stand in for a missing translation."""

from __future__ import annotations


class Worded:
    """Something whose words (`self.words`: (language code, ((key, text), …)), …) differ by language."""

    words: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def word(self, code: str, key: str, source: str) -> tuple[str, bool]:
        """Return a word in the language, or the source language's: (text, whether it is the source's)."""
        own = dict(dict(self.words).get(code, ())).get(key, "")
        if own or code == source:
            return own, False
        return dict(dict(self.words).get(source, ())).get(key, ""), True
