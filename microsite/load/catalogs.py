"""Interface strings: gettext catalogs compiled in memory at every build."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from microsite.load.settings import Language
from microsite.load.tomlio import read_text
from microsite.problems import WARNING, Problem

CATALOG_DOMAIN = "messages"
# The same mapping babel.cfg gives pybabel, so the build sees what extraction sees.
_METHOD_MAP = [("**.html", "jinja2")]
_OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}}


# Babel reads a string with a missing closing quote without complaint and
# drops its last character; check the quoting of every entry line ourselves.
_PO_STRING_LINE = re.compile(
    r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$'
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_PO_KEYWORD = re.compile(r'^(?:msgctxt|msgid|msgid_plural|msgstr)\b|^"')


@dataclass(frozen=True)
class Catalog:
    """One language's compiled interface strings."""

    language_code: str
    translations: Translations
    key: str = ""  # a digest of what it was compiled from: environments made from it are kept by it


def template_messages(templates: Path) -> dict[str, tuple[Path, int]]:
    """Return each interface string of the templates with where it is first used."""
    found: dict[str, tuple[Path, int]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(templates, _METHOD_MAP, _OPTIONS):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, (templates / filename, lineno))
    return dict(sorted(found.items()))


def load_catalog(
    locales: Path, language: Language, messages: dict, is_source: bool
) -> tuple[Catalog | None, list[Problem]]:
    """Compile a language's .po in memory; report strings that fall back to English."""
    path = locales / language.catalog / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
    if not path.exists():
        problems = (
            []
            if is_source
            else [
                Problem(
                    path,
                    None,
                    f"there is no catalog for {language.name}: every interface string is shown in English",
                    WARNING,
                )
            ]
        )
        return Catalog(language.code, Translations()), problems
    text, problems = read_text(path)
    if text is None:
        return None, problems
    problems = check_po_quoting(path, text)
    if problems:
        return None, problems
    try:
        catalog = read_po(
            io.BytesIO(text.encode("utf-8")), locale=language.locale, abort_invalid=True, charset="utf-8"
        )
    except PoFileError as err:
        return None, [Problem(path, err.lineno or None, f"this catalog is not valid: {err}")]
    except (UnicodeDecodeError, ValueError) as err:
        return None, [Problem(path, None, f"this catalog cannot be read: {err}")]
    problems = _placeholders(catalog, path)
    if problems:
        return None, problems
    problems = [] if is_source else _untranslated(catalog, messages, path, language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # leaves out fuzzy entries, as they may be stale
    buffer.seek(0)
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Catalog(language.code, Translations(buffer, domain=CATALOG_DOMAIN), key), problems


def _placeholders(catalog, path: Path) -> list[Problem]:
    # A translation must fill in the same %(name)s slots as the English: a
    # misspelt one fails only when a page is rendered, far from the .po file.
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(_PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(_PLACEHOLDER.findall(string))
            if string and found != expected:
                wanted = ", ".join(f"%({n})s" for n in sorted(expected)) or "none"
                written = ", ".join(f"%({n})s" for n in sorted(found)) or "none"
                hint = f"The English is: {ids[0]}\n    Keep the placeholders exactly as they are; translate the words around them."
                message_text = (
                    f'the translation of "{ids[0]}" has the placeholders {written}, but needs {wanted}'
                )
                problems.append(Problem(path, message.lineno, message_text, hint=hint))
    return problems


def check_po_quoting(path: Path, text: str) -> list[Problem]:
    """Report entry lines of a .po file whose text is not in balanced double quotes."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if _PO_KEYWORD.match(stripped) and not _PO_STRING_LINE.match(stripped):
            problems.append(
                Problem(
                    path,
                    number,
                    "this catalog line is not valid: the text must be in double quotes",
                    hint=f'The line reads: {stripped}\n    Write it as, for example: msgstr "关键数据" (a " inside the text is written \\").',
                )
            )
    return problems


def check_template_catalog(pot: Path, messages: dict) -> list[Problem]:
    """Report strings of the templates that messages.pot does not hold, and vice versa."""
    try:
        with pot.open("rb") as handle:
            catalog = read_po(handle)
    except FileNotFoundError:
        return [
            Problem(
                pot,
                None,
                "the template catalog is missing",
                WARNING,
                hint="Run: pybabel extract -F babel.cfg -o locales/messages.pot .",
            )
        ]
    except (PoFileError, ValueError) as err:
        return [Problem(pot, None, f"the template catalog cannot be read: {err}")]
    known = {m.id for m in catalog if m.id}
    problems = [
        Problem(
            path,
            line,
            f'the interface string "{msgid}" is not in locales/messages.pot',
            WARNING,
            hint="Run: pybabel extract -F babel.cfg -o locales/messages.pot . && pybabel update -i locales/messages.pot -d locales",
        )
        for msgid, (path, line) in messages.items()
        if msgid not in known
    ]
    problems += [
        Problem(
            pot,
            None,
            f'"{msgid}" is in messages.pot but no template uses it any more',
            WARNING,
            hint="Run pybabel extract again.",
        )
        for msgid in sorted(known - set(messages))
    ]
    return problems


def _untranslated(catalog, messages: dict, path: Path, language: Language) -> list[Problem]:
    problems = []
    for msgid in messages:
        message = catalog.get(msgid)
        if message is None or not message.string:
            problems.append(
                Problem(
                    path,
                    message.lineno if message else None,
                    f'no {language.name} translation for the interface string "{msgid}": English is shown',
                    WARNING,
                    kind="missing-interface-string",
                )
            )
        elif message.fuzzy:
            problems.append(
                Problem(
                    path,
                    message.lineno,
                    f'the {language.name} translation of "{msgid}" is marked fuzzy (it may be out of date): English is shown',
                    WARNING,
                    hint="Check the translation, then delete the `#, fuzzy` line above it.",
                    kind="fuzzy-interface-string",
                )
            )
    return problems
