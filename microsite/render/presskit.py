"""For journalists: the release as plain text, its figures as CSV and JSON, and all of them in one ZIP."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile

from microsite.analyse.format import format_fact
from microsite.analyse.release import ReleaseRecord, ReleaseSummary
from microsite.load.releases import Release
from microsite.load.settings import Language, Settings
from microsite.render.metadata import iso, public_url
from microsite.write.output import Page

WIRE_WIDTH = 72
_WORD = re.compile(r"[^ \t\n\r\f\v]+")  # a no-break space (12,5\u00a0%) joins, as it should
END_MARK = "###"
KIT_FILES = ("release.txt", "facts.csv", "facts.json", "press-kit.zip")


def kit_path(release: Release, language: Language, name: str) -> str:
    """Return the output path of one press-kit file, beside the release's page."""
    return release.page_path(language.code).replace("index.html", name)


def render_plain_text(
    record: ReleaseRecord,
    code: str,
    language: Language,
    sections: list[dict],
    dateline: str,
    source_line: str,
    embargo: str | None,
    fallback_notice: str = "",
    about: tuple[str, str] | None = None,
    contact: tuple[str, list[str]] | None = None,
) -> str:
    """Return the release as wire copy: headline, dateline, body, the issuer's paragraph, source, contact, end mark."""
    wrap = language.typography == "latin"
    out: list[str] = []
    if embargo:
        out += [_fill(embargo.upper() if wrap else embargo, wrap), ""]
    out += [_fill(record.field(code, "headline"), wrap), "", _fill(record.field(code, "subhead"), wrap), ""]
    lead = f"{dateline} -- " if wrap else f"{dateline}——"
    for number, section in enumerate(sections):
        if number:  # the dateline opens the copy; later sections keep their titles
            out += [section["title"], ""]
        if section["fallback"]:
            out += [_fill(fallback_notice, wrap), ""]
        for kind, block in section["blocks"]:
            if kind == "li":
                out.append(_fill(block, wrap, initial="- ", subsequent="  "))
            else:
                out.append(_fill(lead + block, wrap))
                lead = ""
            out.append("")
    if about:
        title, paragraph = about
        out += [title, "", _fill(paragraph, wrap), ""]
    out += [_fill(source_line, wrap), ""]
    if contact:
        title, lines = contact  # one line each: a phone number is never wrapped
        out += [title, *lines, ""]
    out += [END_MARK, ""]
    return "\n".join(out)


def _fill(text: str, wrap: bool, initial: str = "", subsequent: str = "") -> str:
    if not wrap:
        # Chinese is not wrapped: there are no spaces to wrap at, and mail
        # clients reflow it themselves.
        return initial + text
    # Greedy, at spaces only, never breaking a word or at a hyphen: what
    # textwrap.fill(break_on_hyphens=False, break_long_words=False) does, in
    # a fifth of the time.
    lines, line, empty = [], initial, True
    for word in _WORD.findall(text):
        if empty:
            line, empty = line + word, False
        elif len(line) + 1 + len(word) > WIRE_WIDTH:
            lines.append(line)
            line = subsequent + word
        else:
            line = f"{line} {word}"
    lines.append(line)
    return "\n".join(lines) if not empty else ""


def render_kit(
    settings: Settings,
    record: ReleaseRecord,
    summary: ReleaseSummary,
    language: Language,
    plain_text: str,
    extra: dict[str, bytes] | None = None,
) -> list[Page]:
    """Return the press-kit files of one release in one language."""
    release = record.release
    code = language.code
    rows = []
    for fact_id, fact in release.facts:
        label = record.passage(code, f"label:{fact_id}")
        rows.append(
            {
                "id": fact_id,
                "type": fact.type,
                "value": fact.machine_value(),
                "qualifier": fact.qualifier,
                "unit": fact.unit or fact.currency,
                "text": format_fact(fact, language),
                "label": label.text if label else "",
            }
        )
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    text = dict(dict(summary.texts)[code])
    document = {
        "release": {
            "headline": text["headline"],
            "language": language.html_lang,
            "published": iso(release.schedule.published),
            "url": public_url(settings, release.page_path(code)),
            "issuer": text["issuer"],
            "source": text["source"],
        },
        "facts": [{**row, "value": _json_value(f)} for row, (_, f) in zip(rows, release.facts)],
    }
    files = {
        # The byte-order mark tells a browser that a host serving the file
        # without a charset sends UTF-8 (it would guess windows-1252).
        "release.txt": ("\ufeff" + plain_text).encode("utf-8"),
        # The byte-order mark lets spreadsheet programs read the Chinese as UTF-8.
        "facts.csv": ("\ufeff" + table.getvalue()).encode("utf-8"),
        "facts.json": (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        **(extra or {}),  # the contact's vCard, the photos
    }
    folder = f"{release.slug or 'press-kit'}-{code}"
    files["press-kit.zip"] = _zip(folder, files, release.schedule.published)
    return [Page(kit_path(release, language, name), content) for name, content in files.items()]


def vcard_lines(contact: dict) -> bytes:
    """Return the media contact as a vCard 3.0, which every address book imports (UTF-8, CRLF, folded)."""
    name = contact["name"]["text"] if contact["name"] else ""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:;{_escape(name)};;;", f"FN:{_escape(name)}"]
    if contact["organization"]:
        lines.append(f"ORG:{_escape(contact['organization']['text'])}")
    if contact["title"]:
        lines.append(f"TITLE:{_escape(contact['title']['text'])}")
    if contact["phone"]:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(contact['phone'])}")
    if contact["email"]:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(contact['email'])}")
    if contact["url"]:
        lines.append(f"URL:{contact['url']}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _escape(text: str) -> str:
    # RFC 2426 5.8.4: a backslash, comma, semicolon and line break are escaped.
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return re.sub(r"\r\n|\r|\n", "\\\\n", text)


def _fold(line: str, limit: int = 75) -> str:
    """Fold a line at 75 bytes (RFC 2425 5.8.1), never inside a character: continuations start with a space."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _zip(folder: str, files: dict[str, bytes], published: datetime.datetime) -> bytes:
    """Return the files in one ZIP, inside one folder, the same bytes on every build and computer.

    Each entry carries the release's publication time, not the time of the
    build; its permissions and the system it claims are fixed.
    """
    # The release's own clock time; ZIP's calendar starts in 1980.
    moment = max(published.replace(tzinfo=None), datetime.datetime(1980, 1, 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, wherever it is built
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, content, compresslevel=9)
    return buffer.getvalue()


def _json_value(fact):
    value = fact.machine_value()
    if fact.type in ("count", "duration", "year"):
        return int(value)
    if fact.type in ("multiplier", "percent", "money", "quantity"):
        return float(value) if "." in value else int(value)
    return value
