"""Markdown sections to HTML, with [[fact]] references filled in per language."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor

from microsite.load.content import Section
from microsite.load.facts import TIME_TYPES, Fact
from microsite.load.schema import suggest
from microsite.problems import Problem

FACT_REF = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_FACT_REF_PATTERN = r"\[\[([a-z][a-z0-9_]*)\]\]"
# Higher than links (160) so [[id]] is never read as a link, lower than code
# spans (190) so `[[id]]` inside backticks stays literal.
_FACT_PRIORITY = 175
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK}])\n(?=[{_CJK}])")


def check_fact_refs(section: Section, facts: dict[str, Fact]) -> list[Problem]:
    """Return a problem for each [[reference]] to a fact that does not exist."""
    problems = []
    for line_number, line in enumerate(section.body.split("\n"), start=section.body_line):
        for match in FACT_REF.finditer(line):
            fact_id = match.group(1).strip()
            if fact_id not in facts:
                hint = suggest(fact_id, facts) or "Fact ids are the [names] in content/facts.toml."
                problems.append(
                    Problem(
                        section.path,
                        line_number,
                        f"unknown fact `{fact_id}` in [[{match.group(1)}]]",
                        hint=hint,
                    )
                )
    return problems


def used_fact_ids(section: Section) -> list[str]:
    """Return the ids of the facts a section refers to, in order of use."""
    return [m.group(1).strip() for m in FACT_REF.finditer(section.body)]


class _FactProcessor(InlineProcessor):
    """Replace [[id]] with the formatted fact, marked up with its machine value."""

    def __init__(self):
        super().__init__(_FACT_REF_PATTERN)
        self.facts: dict[str, Fact] = {}
        self.write: Callable[[Fact], str] = str

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        fact = self.facts.get(m.group(1))
        if fact is None:
            return None, None, None
        if fact.type in TIME_TYPES:
            element = Element("time", {"datetime": fact.machine_value()})
        else:
            element = Element("data", {"value": fact.machine_value()})
        element.set("class", "fact")
        element.text = self.write(fact)
        return element, m.start(0), m.end(0)


class Converter:
    """A Markdown converter for one language, reused section after section.

    Building a Markdown instance costs about as much as converting a section,
    so a build makes one per language; reset() before each conversion keeps
    one section's state (footnotes, ids) out of the next.
    """

    def __init__(self, typography: str):
        extensions = ["extra", "sane_lists", "toc"]
        if typography == "latin":
            # smarty turns Chinese quotes into pairs of closing quotes; Latin only.
            extensions.append("smarty")
        self.typography = typography
        self.md = markdown.Markdown(
            extensions=extensions,
            extension_configs={"toc": {"slugify": slugify_unicode}},
            output_format="html",
        )
        self.facts = _FactProcessor()
        self.md.inlinePatterns.register(self.facts, "fact", _FACT_PRIORITY)

    def convert(self, section: Section, facts: dict[str, Fact], write: Callable[[Fact], str]) -> str:
        """Convert a section's Markdown body to HTML, writing facts with `write`."""
        body = section.body
        if self.typography == "cjk":
            # A line break between two Chinese characters would show as a space.
            body = _CJK_LINE_BREAK.sub("", body)
        self.facts.facts, self.facts.write = facts, write
        self.md.reset()
        return self.md.convert(body)
