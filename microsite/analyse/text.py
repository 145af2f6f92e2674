"""A rendered section as text that checks can read: plain text, facts, source lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from microsite.load.content import Section
from microsite.load.settings import Language

_FACT = re.compile(r'<(data|time) class="fact" (?:value|datetime)="[^"]*">(.*?)</\1>')
# Chinese sentences end at 。！？ with no space after; a Latin "." ends one only
# before a space (so 2.2 and Co., Ltd. stay whole).
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class SectionText:
    """What the checks need of one section in one language."""

    section: Section
    language: Language
    html: str
    text: str  # the visible text, facts included
    bare: str  # the visible text with every fact taken out
    headings: tuple[Heading, ...]
    images: tuple[tuple[str, str | None], ...]  # (src, alt)
    links: tuple[str, ...]

    def line_of(self, *snippets: str) -> int:
        """Return the line of the section file where the first findable snippet is written.

        Without one, return the body's first line of text.
        """
        lines = self.section.body.split("\n")
        for snippet in snippets:
            for number, line in enumerate(lines, start=self.section.body_line):
                if snippet and "\n" not in snippet and snippet in line:
                    return number
        return next(
            (n for n, line in enumerate(lines, start=self.section.body_line) if line.strip()),
            self.section.body_line,
        )

    def line_near(self, position: int) -> int:
        """Return the source line of the visible text around `position`."""
        return self.line_of(
            self.text[position : position + 3],
            self.text[max(0, position - 2) : position + 1],
            self.text[position : position + 1],
        )

    def sentence_with(self, snippet: str) -> str:
        """Return the sentence of the visible text that holds `snippet`."""
        for sentence in _SENTENCE_END.split(self.text):
            if snippet in sentence:
                return sentence.strip()
        return ""


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[Heading] = []
        self.images: list[tuple[str, str | None]] = []
        self.links: list[str] = []
        self._heading: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        elif tag == "img":
            self.images.append((attributes.get("src", ""), attributes.get("alt")))
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "blockquote", "td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append(Heading(self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._heading:
            self._heading[1].append(data)


def section_text(section: Section, language: Language, html: str) -> SectionText:
    """Read a section's rendered HTML into checkable text."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    bare_reader = _Reader()
    bare_reader.feed(_FACT.sub(" ", html))
    bare_reader.close()
    text = unescape("".join(reader.parts)).strip()
    bare = unescape("".join(bare_reader.parts)).strip()
    return SectionText(
        section, language, html, text, bare, tuple(reader.headings), tuple(reader.images), tuple(reader.links)
    )


def section_pairs(texts: dict[str, dict[str, SectionText]], source: str):
    """Yield (original, translation) for every translated section of a release."""
    for code, sections in texts.items():
        if code == source:
            continue
        for section_id, translated in sections.items():
            original = texts[source].get(section_id)
            if original is not None:
                yield original, translated
