"""For journalists: the release as plain text, and its figures as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from html.parser import HTMLParser

from microsite.load.content import typeset_release
from microsite.load.facts import format_fact
from microsite.load.releases import Release
from microsite.load.settings import Language, Settings
from microsite.render.metadata import iso, public_url
from microsite.write.output import Page

WIRE_WIDTH = 72
END_MARK = "###"
KIT_FILES = ("release.txt", "facts.csv", "facts.json")


def kit_path(release: Release, language: Language, name: str) -> str:
    """Return the output path of one press-kit file, beside the release's page."""
    return release.page_path(language.code).replace("index.html", name)


class _Blocks(HTMLParser):
    """Collect the text of a section's HTML as paragraphs, list items and headings."""

    BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd"}

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self._current: list[str] | None = None
        self._kind = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self._current, self._kind = [], tag

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)

    def _flush(self):
        if self._current is not None:
            text = " ".join("".join(self._current).split())
            if text:
                self.blocks.append((self._kind, text))
        self._current = None

    def close(self):
        super().close()
        self._flush()


def text_blocks(html: str) -> list[tuple[str, str]]:
    """Return (kind, text) for each block of an HTML fragment."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def render_plain_text(
    release: Release,
    language: Language,
    sections: list[dict],
    dateline: str,
    source_line: str,
    embargo: str | None,
) -> str:
    """Return the release as wire copy: headline, dateline, body, source, end mark."""
    text = typeset_release(release.edition(language.code).release, language.typography)
    wrap = language.typography == "latin"
    out: list[str] = []
    if embargo:
        out += [_fill(embargo.upper() if wrap else embargo, wrap), ""]
    out += [_fill(text.headline, wrap), "", _fill(text.subhead, wrap), ""]
    lead = f"{dateline} -- " if wrap else f"{dateline}——"
    for number, section in enumerate(sections):
        if number:  # the dateline opens the copy; later sections keep their titles
            out += [section["title"], ""]
        for kind, block in text_blocks(str(section["html"])):
            if kind == "li":
                out.append(_fill(block, wrap, initial="- ", subsequent="  "))
            else:
                out.append(_fill(lead + block, wrap))
                lead = ""
            out.append("")
    out += [_fill(source_line, wrap), "", END_MARK, ""]
    return "\n".join(out)


def _fill(text: str, wrap: bool, initial: str = "", subsequent: str = "") -> str:
    if not wrap:
        # Chinese is not wrapped: there are no spaces to wrap at, and mail
        # clients reflow it themselves.
        return initial + text
    return textwrap.fill(
        text,
        WIRE_WIDTH,
        initial_indent=initial,
        subsequent_indent=subsequent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def render_kit(settings: Settings, release: Release, language: Language, plain_text: str) -> list[Page]:
    """Return the press-kit files of one release in one language."""
    facts = release.facts
    rows = [
        {"id": fid, "type": f.type, "value": f.machine_value(), "text": format_fact(f, language)}
        for fid, f in facts
    ]
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=["id", "type", "value", "text"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    text = typeset_release(release.edition(language.code).release, language.typography)
    document = {
        "release": {
            "headline": text.headline,
            "language": language.html_lang,
            "published": iso(release.schedule.published),
            "url": public_url(settings, release.page_path(language.code)),
            "issuer": text.issuer,
            "source": text.source,
        },
        "facts": [{**row, "value": _json_value(f)} for row, (_, f) in zip(rows, facts)],
    }
    return [
        Page(kit_path(release, language, "release.txt"), plain_text.encode("utf-8")),
        # The byte-order mark lets spreadsheet programs read the Chinese as UTF-8.
        Page(kit_path(release, language, "facts.csv"), ("\ufeff" + table.getvalue()).encode("utf-8")),
        Page(
            kit_path(release, language, "facts.json"),
            (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        ),
    ]


def _json_value(fact):
    value = fact.machine_value()
    if fact.type in ("count", "duration", "year"):
        return int(value)
    if fact.type in ("multiplier", "percent", "money", "capacity"):
        return float(value) if "." in value else int(value)
    return value
