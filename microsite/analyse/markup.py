"""Markdown sections to HTML and a record of what they hold, in one pass.

The record (text, facts, headings, links, images, ids, blocks) is collected
from Python-Markdown's element tree while the section is converted, as MkDocs
does, so that checks, the press kit and the review page never parse the HTML
again. The same pass enforces the content policy: no raw HTML, no active
URLs, no attributes beyond id and class.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
from markdown import treeprocessors
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from microsite.analyse.typography import typeset
from microsite.load.facts import TIME_TYPES, Fact

# [[id]] or [[id:form]]; FACT_REF finds anything in double brackets, so that a
# misspelt reference is reported rather than published as it is.
FACT_REF = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_FACT_REF_PATTERN = r"\[\[([a-z][a-z0-9_]*)(?::([a-z]+))?\]\]"
# Higher than links (160) so [[id]] is never read as a link, lower than code
# spans (190) so `[[id]]` inside backticks stays literal.
_FACT_PRIORITY = 176
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK}])\n(?=[{_CJK}])")
_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")  # what other extensions fill in later (footnote back-links)
_ENTITY = re.compile(r"^&(?:#\d+|#x[0-9a-fA-F]+|\w+);$")
_FACT_ATTRIBUTE = "data-microsite-fact"

# What a section may contain: what Markdown itself writes, and nothing that runs.
_CODE = {"code", "pre", "kbd"}
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not str.split(): a no-break space (12,5\u00a0%) must stay
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd", "tr", "pre"}
_ALLOWED = {
    "a": {"href", "title", "class", "id"},
    "img": {"src", "alt", "title", "class", "id"},
    "th": {"style", "class", "id"},
    "td": {"style", "class", "id"},
    "abbr": {"title"},
    "ol": {"start", "class", "id"},
    "data": {"value", "class"},
    "time": {"datetime", "class"},
}
_PLAIN = {"class", "id"}
_TAGS = {
    *_BLOCK_TAGS,
    *_ALLOWED,
    "ul",
    "dl",
    "table",
    "thead",
    "tbody",
    "em",
    "strong",
    "code",
    "br",
    "hr",
    "sup",
    "sub",
    "div",
    "span",
    "del",
    "ins",
    "mark",
    "q",
    "cite",
    "kbd",
    "small",
}
_SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_ALIGN = re.compile(r"^text-align: (left|right|center);$")


@dataclass(frozen=True)
class FactUse:
    """Where a fact appears in a section's visible text."""

    fact_id: str
    form: str
    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """A heading inside a section: its level, text and id."""

    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Refusal:
    """Something a section may not contain, with the source text to find it by."""

    message: str
    snippet: str
    hint: str


@dataclass(frozen=True)
class Analysis:
    """A section converted once: its HTML and everything the later stages read from it."""

    html: str
    text: str  # the visible text, facts written out, one block per line
    bare: str  # the same text with every fact blanked out (same length, same positions)
    facts: tuple[FactUse, ...]
    headings: tuple[Heading, ...]
    images: tuple[tuple[str, str | None], ...]  # (src, alt)
    links: tuple[str, ...]
    ids: tuple[str, ...]
    blocks: tuple[tuple[str, str], ...]  # (tag, text) of paragraphs, list items, headings, table rows
    refusals: tuple[Refusal, ...]


def parse_reference(inner: str) -> tuple[str, str]:
    """Split the inside of [[id:form]] into (id, form)."""
    fact_id, _, form = inner.strip().partition(":")
    return fact_id.strip(), form.strip()


def used_fact_ids(text: str) -> list[str]:
    """Return the ids of the facts a text refers to, in order of use."""
    return [parse_reference(m.group(1))[0] for m in FACT_REF.finditer(text)]


class _FactProcessor(InlineProcessor):
    """Replace [[id]] with the formatted fact, marked up with its machine value."""

    def __init__(self):
        super().__init__(_FACT_REF_PATTERN)
        self.facts: dict[str, Fact] = {}
        self.write: Callable[[Fact, str], str] = lambda fact, form: str(fact.value)

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        fact = self.facts.get(m.group(1))
        if fact is None:
            return None, None, None  # reported by the reference check, with its line
        form = m.group(2) or ""
        try:
            written = self.write(fact, form)
        except ValueError:
            return None, None, None  # a form the language cannot write: reported by the reference check
        tag, attribute = ("time", "datetime") if fact.type in TIME_TYPES else ("data", "value")
        element = Element(tag, {attribute: fact.machine_value(), "class": "fact"})
        element.text = written
        element.set(_FACT_ATTRIBUTE, f"{fact.id}:{form}")
        return element, m.start(0), m.end(0)


class _QuickInline(treeprocessors.InlineProcessor):
    """Python-Markdown's inline pass, skipping the patterns that cannot match a piece of text.

    The library tries each of some twenty inline patterns on every piece of
    text, and most pieces hold none of their marks (`*`, `[`, `<`, `&`…); a
    failed try costs several Python steps and a sort of the pattern registry,
    here one regular-expression search. A pattern whose expression finds
    nothing is exactly one the library would pass over, so the HTML is the
    same (tests/test_fuzz.py compares the two passes); the analysis of a
    section takes 15 % less. It overrides one private method of the pinned
    markdown 3.11.3 and calls another: a version that renames the first runs
    the library's own pass instead, one that renames the second fails that test.
    """

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        self.patterns = list(self.inlinePatterns)  # the registry is sorted on every lookup
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, index: int = 0) -> str:  # noqa: N802 (the library's name)
        if isinstance(data, AtomicString):
            return data
        patterns, start = self.patterns, 0
        apply = self._InlineProcessor__applyPattern
        while index < len(patterns):
            pattern = patterns[index]
            if isinstance(pattern, InlineProcessor) and pattern.compiled_re.search(data, start) is None:
                index, start = index + 1, 0
                continue
            data, matched, start = apply(pattern, data, index, start)
            if not matched:
                index += 1
        return data


class _Collector(Treeprocessor):
    """Walk the finished tree once: check it against the policy and record what it holds."""

    prefix = ""  # the section's id and "-": footnote ids are made unique with it
    latin = False  # set quotes, apostrophes and dashes as smarty would

    def run(self, root: Element) -> None:
        for raw in self.md.htmlStash.rawHtmlBlocks:
            if not _ENTITY.match(str(raw).strip()) and not str(raw).startswith("</"):
                self.refusals.append(_raw_html(str(raw)))
        for child in root:
            self._walk(child)

    def clear(self) -> None:
        """Forget the last section (Markdown skips tree processors for an empty one)."""
        self.parts: list[str] = []
        self.taken: set[str] = set()  # the ids given so far
        self.numbered: dict[str, int] = {}  # a heading id's base: the last number it was given
        self.length = 0
        self.facts: list[FactUse] = []
        self.headings: list[Heading] = []
        self.images: list[tuple[str, str | None]] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.blocks: list[tuple[str, str]] = []
        self.refusals: list[Refusal] = []

    def _walk(self, element: Element, code: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        code = code or tag in _CODE
        self._check(element, tag)
        fact = element.attrib.pop(_FACT_ATTRIBUTE, None)
        self._rename_footnote(element)
        if element.get("id"):
            self.ids.append(element.get("id"))
            self.taken.add(element.get("id"))
        if tag == "a" and element.get("href"):
            self.links.append(element.get("href"))
        if tag == "img":
            self.images.append((element.get("src", ""), element.get("alt")))
        block = tag in _BLOCK_TAGS
        if block:
            self._add("\n")
        first_part, start = len(self.parts), self.length
        if self.latin and not code:
            element.text = typeset(element.text, self._last())
        self._add(self._text(element.text))
        for child in element:
            self._walk(child, code)
            if self.latin and not code:
                child.tail = typeset(child.tail, self._last())
            self._add(self._text(child.tail))
        if fact and self.latin and self._sentence_starts(first_part) and element.text:
            # "More than 40,000 …": a figure that opens a sentence takes its capital.
            element.text = element.text[0].upper() + element.text[1:]
            self.parts[first_part] = element.text
        if fact:
            fact_id, _, form = fact.partition(":")
            self.facts.append(FactUse(fact_id, form, start, self.length))
        if block or tag in _HEADINGS:
            text = " ".join(_SPACES.split("".join(self.parts[first_part:]).strip(" \t\n\r")))
            if tag in _HEADINGS:
                if not element.get("id"):
                    element.set("id", self._heading_id(text))
                    self.ids.append(element.get("id"))
                self.headings.append(Heading(int(tag[1]), text, element.get("id")))
            if text and not any(child.tag in _BLOCK_TAGS for child in element):
                self.blocks.append((tag, " | ".join(_cells(element)) if tag == "tr" else text))
            self._add("\n")

    def _heading_id(self, text: str) -> str:
        # Headings of different sections may share a title ("Background"):
        # their ids start with the section's id, so they never collide.
        base = self.prefix + slugify_unicode(text, "-")
        # Counting on from the last number this title was given: a 4 MB
        # section can repeat one sub-heading thousands of times.
        number = self.numbered.get(base, 0)
        found = f"{base}_{number}" if number else base
        while found in self.taken:
            number += 1
            found = f"{base}_{number}"
        self.taken.add(found)
        self.numbered[base] = number
        return found

    def _rename_footnote(self, element: Element) -> None:
        # Python-Markdown numbers footnotes per document (fn:1): two sections
        # of one page would both have #fn:1.
        if element.get("id", "").startswith(("fn:", "fnref:")):
            element.set("id", self.prefix + element.get("id"))
        if element.get("href", "").startswith(("#fn:", "#fnref:")):
            element.set("href", "#" + self.prefix + element.get("href")[1:])

    def _sentence_starts(self, index: int) -> bool:
        for position in range(index - 1, -1, -1):  # usually one step: no copy of the list
            part = self.parts[position]
            stripped = part.rstrip()
            if stripped:
                return stripped[-1] in ".!?\n"
            if "\n" in part:
                return True
        return True

    def _last(self) -> str:
        return self.parts[-1][-1:] if self.parts else ""

    def _add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def _text(self, text: str | None) -> str:
        if not text:
            return ""
        # Smarty's quotes and dashes wait in the stash as entities until the
        # HTML is written; read them as the characters they stand for.
        return _PLACEHOLDER.sub("", _STASHED.sub(lambda m: self._stashed(int(m.group(1))), text))

    def _stashed(self, index: int) -> str:
        raw = str(self.md.htmlStash.rawHtmlBlocks[index])
        return html.unescape(raw) if _ENTITY.match(raw.strip()) else ""

    def _check(self, element: Element, tag: str) -> None:
        if tag not in _TAGS:
            self.refusals.append(_raw_html(f"<{tag}"))
            return
        allowed = _ALLOWED.get(tag, _PLAIN)
        for name, value in element.attrib.items():
            if name == _FACT_ATTRIBUTE:
                continue
            if name not in allowed or (name == "style" and not _ALIGN.match(value)):
                message = f"the attribute {name}=… is not allowed in a section"
                self.refusals.append(Refusal(message, name, "Only {: #id } and {: .class } may be added."))
            if name in ("href", "src") and not _safe_url(value):
                message = (
                    f"the address {value!r} is not allowed: links lead to web pages, e-mail or phone numbers"
                )
                hint = "Use an address starting with https://, http://, mailto: or tel:, or a relative one."
                self.refusals.append(Refusal(message, value, hint))


def _cells(row: Element) -> list[str]:
    return [" ".join("".join(cell.itertext()).split()) for cell in row]


def _raw_html(raw: str) -> Refusal:
    first = raw.strip().split("\n", 1)[0][:60]
    hint = "Write it in Markdown: **bold**, *italic*, [a link](https://…), ![what it shows](image.png)."
    return Refusal(f"HTML is not allowed in a section: {first!r}", first, hint)


def _safe_url(url: str) -> bool:
    # Browsers ignore control characters and spaces inside a scheme
    # ("java\tscript:"); judge the address as a browser would read it.
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(url))
    scheme = urlsplit(cleaned).scheme.lower()
    return not scheme or scheme in _SAFE_SCHEMES


class Converter:
    """A Markdown converter for one typography, reused section after section.

    Building a Markdown instance costs about as much as converting a section,
    so a build makes one per typography; reset() before each conversion keeps
    one section's state (footnotes, ids) out of the next.
    """

    def __init__(self, typography: str):
        # What press copy uses, and no more: each extension costs every
        # section a pass (no md_in_html: it would let raw HTML through).
        # Heading ids are given by the collector, which needs no toc pass.
        extensions = ["attr_list", "footnotes", "tables", "sane_lists"]
        self.typography = typography
        self.md = markdown.Markdown(extensions=extensions, output_format="html")
        self.facts = _FactProcessor()
        self.md.inlinePatterns.register(self.facts, "fact", _FACT_PRIORITY)
        self.md.treeprocessors.register(_QuickInline(self.md), "inline", 20)
        self.collector = _Collector(self.md)
        # Curly quotes for Latin text only: Chinese text uses its own marks.
        self.collector.latin = typography == "latin"
        # Last of all, after attr_list (8) and unescape (0).
        self.md.treeprocessors.register(self.collector, "collect", -10)

    def convert(
        self, body: str, section_id: str, facts: dict[str, Fact], write: Callable[[Fact, str], str]
    ) -> Analysis:
        """Convert a section's Markdown body; return its HTML and what it holds."""
        if self.typography == "cjk":
            # A line break between two Chinese characters would show as a space.
            body = _CJK_LINE_BREAK.sub("", body)
        self.collector.prefix = f"{section_id}-"
        self.facts.facts, self.facts.write = facts, write
        self.md.reset()
        self.collector.clear()
        html_text = self.md.convert(body)
        c = self.collector
        text = "".join(c.parts)
        uses = tuple(c.facts)
        return Analysis(
            html=html_text,
            text=text,
            bare=blank_facts(text, uses),
            facts=uses,
            headings=tuple(c.headings),
            images=tuple(c.images),
            links=tuple(c.links),
            ids=tuple(c.ids),
            blocks=tuple(c.blocks),
            refusals=tuple(dict.fromkeys(c.refusals)),
        )


def blank_facts(text: str, uses: tuple[FactUse, ...]) -> str:
    """Return `text` with each fact replaced by spaces, so positions stay the same."""
    if not uses:
        return text
    pieces, last = [], 0
    for use in sorted(uses, key=lambda u: u.start):
        pieces += [text[last : use.start], " " * (use.end - use.start)]
        last = use.end
    return "".join([*pieces, text[last:]])
