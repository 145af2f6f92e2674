"""What a reader sees, as passages the checks can read: sections, titles, headline, labels."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from microsite.analyse.markup import FACT_REF, Analysis, FactUse, blank_facts, parse_reference
from microsite.analyse.typography import typeset
from microsite.load.facts import Fact

# Chinese sentences end at 。！？ with no space after; a Latin "." ends one only
# before a space (so 2.2 and Co., Ltd. stay whole).
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Passage:
    """A piece of text a reader sees in one language, and where it was typed.

    `key` pairs a passage with its translations: "section:overview",
    "title:overview", "field:headline", "label:high_tech_firms".
    """

    key: str
    label: str  # how messages name it: "`overview`", "the headline"
    language_code: str
    path: Path
    source: str  # as typed: Markdown or the TOML value
    first_line: int  # the file line where `source` starts
    text: str  # as shown, facts written out
    bare: str  # as shown, facts blanked out
    facts: tuple[FactUse, ...]
    analysis: Analysis | None = None  # sections only

    def line_of(self, *snippets: str) -> int:
        """Return the file line where the first findable snippet is written (else the first line of text).

        Findings come mostly in the order of the text: the search starts where
        the last one was found, so that a long section with many findings
        costs one pass, not one pass per finding.
        """
        source = self.source
        cursor = self.__dict__.get("_cursor", 0)
        for snippet in snippets:
            if not snippet or "\n" in snippet:
                continue
            position = source.find(snippet, cursor)
            if position < 0 and cursor:
                position = source.find(snippet)
            if position >= 0:
                object.__setattr__(self, "_cursor", position)
                return self._line_at(position)
        return self._line_at(self._text_start)

    @functools.cached_property
    def _text_start(self) -> int:
        # Where the first line of text is: asked for each finding that names no snippet.
        return len(self.source) - len(self.source.lstrip())

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.source)]

    def _line_at(self, position: int) -> int:
        return self.first_line + bisect.bisect_right(self._line_starts, position) - 1

    def line_near(self, position: int) -> int:
        """Return the file line of the visible text around `position`."""
        text = self.text
        return self.line_of(
            text[position : position + 3], text[max(0, position - 2) : position + 1], text[position]
        )

    def sentence_with(self, snippet: str) -> str:
        """Return the sentence of the visible text that holds `snippet`."""
        text = self.text
        if not snippet:
            return ""
        # From where the last sentence was found first, as line_of does.
        cursor = self.__dict__.get("_sentence", 0)
        position = text.find(snippet, cursor)
        if position < 0 and cursor:
            position = text.find(snippet)
        if position < 0:
            return ""
        object.__setattr__(self, "_sentence", position)
        before = [m.end() for m in _SENTENCE_END.finditer(text, max(0, position - 2000), position)]
        start = before[-1] if before else max(0, position - 2000)
        after = _SENTENCE_END.search(text, position + len(snippet))
        end = after.start() if after else len(text)
        return text[start:end].strip()


def expand_facts(
    text: str, facts: dict[str, Fact], write: Callable[[Fact, str], str], capitalise: bool = False
) -> tuple[str, tuple[FactUse, ...]]:
    """Return a plain text with its [[id]] references written out, and where each fact landed.

    A reference to an unknown fact, or in a form the language cannot write,
    stays as typed: the reference check reports it.
    """
    pieces, uses, length, last = [], [], 0, 0
    for match in FACT_REF.finditer(text):
        fact_id, form = parse_reference(match.group(1))
        fact = facts.get(fact_id)
        if fact is None:
            continue
        try:
            written = write(fact, form)
        except ValueError:
            continue
        before = text[last : match.start()]
        so_far = (before.rstrip() or "".join(pieces[-2:]).rstrip()) if pieces else before.rstrip()
        if capitalise and written and (not so_far or so_far[-1] in ".!?"):
            # "More than 40,000 …": a figure that opens a sentence takes its capital.
            written = written[0].upper() + written[1:]
        pieces += [before, written]
        length += len(before)
        uses.append(FactUse(fact_id, form, length, length + len(written)))
        length += len(written)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), tuple(uses)


def plain_passage(
    key: str,
    label: str,
    language_code: str,
    path: Path,
    source: str,
    line: int | None,
    facts: dict[str, Fact],
    write: Callable[[Fact, str], str],
    typography: str,
) -> Passage:
    """Return a one-line passage (a title, a headline, a label) with its facts written out."""
    # Typeset before the facts go in: a figure's own text is never retouched.
    latin = typography == "latin"
    shown = typeset(source) if latin else source
    text, uses = expand_facts(shown, facts, write, capitalise=latin)
    return Passage(key, label, language_code, path, source, line or 1, text, blank_facts(text, uses), uses)


def passage_pairs(passages: dict[str, dict[str, Passage]], source: str):
    """Yield (original, translation) for every translated passage of a release."""
    for code, by_key in passages.items():
        if code == source:
            continue
        for key, translated in by_key.items():
            original = passages[source].get(key)
            if original is not None:
                yield original, translated
