"""What a reader sees, as passages the checks can read: sections, titles, headline, labels."""

from __future__ import annotations

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
        """Return the file line where the first findable snippet is written (else the first line of text)."""
        lines = self.source.split("\n")
        for snippet in snippets:
            if not snippet or "\n" in snippet:
                continue
            for number, line in enumerate(lines, start=self.first_line):
                if snippet in line:
                    return number
        return next(
            (n for n, line in enumerate(lines, start=self.first_line) if line.strip()), self.first_line
        )

    def line_near(self, position: int) -> int:
        """Return the file line of the visible text around `position`."""
        text = self.text
        return self.line_of(
            text[position : position + 3], text[max(0, position - 2) : position + 1], text[position]
        )

    def sentence_with(self, snippet: str) -> str:
        """Return the sentence of the visible text that holds `snippet`."""
        for sentence in _SENTENCE_END.split(self.text):
            if sentence and snippet in sentence:
                return sentence.strip()
        return ""


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
        so_far = "".join([*pieces, before]).rstrip()
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
