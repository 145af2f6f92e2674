"""Which version of the English each translation was made from, and what changed since."""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path

from microsite.load.content import FENCE, Section
from microsite.problems import WARNING, Problem

SNAPSHOTS = ".translated-from"  # beside the translation: the English as last reviewed


def source_hash(section: Section) -> str:
    """Return a short code for the English section's words (title and body)."""
    text = (
        section.title.strip() + "\n" + "\n".join(line.rstrip() for line in section.body.strip().splitlines())
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def snapshot_path(translation_folder: Path, section_id: str) -> Path:
    """Return where the English text a translation was reviewed against is kept."""
    return translation_folder / SNAPSHOTS / f"{section_id}.md"


def snapshot_text(section: Section) -> str:
    """Return the English section as kept for later comparison."""
    return f"# {section.title.strip()}\n\n{section.body.strip()}\n"


def check_translation_state(original: Section, translation: Section, language_name: str) -> list[Problem]:
    """Report a translation never marked reviewed, or made from an older English text."""
    current = source_hash(original)
    command = f"python build.py check --mark-reviewed {original.id}"
    if not translation.translated_from:
        return [
            Problem(
                translation.path,
                translation.id_line,
                f"the {language_name} translation of `{original.id}` does not say which English version it was made from",
                WARNING,
                hint=f"When it is up to date, run: {command}",
                kind="unreviewed-translation",
            )
        ]
    if translation.translated_from == current:
        return []
    snapshot = snapshot_path(translation.path.parent, original.id)
    if snapshot.exists():
        diff = "".join(
            difflib.unified_diff(
                snapshot.read_text(encoding="utf-8").splitlines(True),
                snapshot_text(original).splitlines(True),
                "English as translated",
                "English now",
                n=1,
            )
        )
        hint = (
            f"What changed in the English ({original.path.name}):\n"
            + _indent(diff)
            + f"\n    Bring the translation up to date, then run: {command}"
        )
    else:
        hint = f"The English it was made from was not kept, so the change cannot be shown. Compare by hand, then run: {command}"
    return [
        Problem(
            translation.path,
            translation.translated_from_line,
            f"the {language_name} translation of `{original.id}` is outdated: the English has changed since it was translated",
            WARNING,
            hint=hint,
            kind="outdated-translation",
        )
    ]


def mark_reviewed(original: Section, translation: Section) -> None:
    """Record in the translation's header block that it matches the English as it is now."""
    text = translation.path.read_text(encoding="utf-8")
    line = f'translated_from = "{source_hash(original)}"'
    lines = text.split("\n")
    closing = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    for index in range(1, closing):
        if re.match(r"\s*translated_from\s*=", lines[index]):
            lines[index] = line
            break
    else:
        lines.insert(closing, line)
    translation.path.write_text("\n".join(lines), encoding="utf-8")
    snapshot = snapshot_path(translation.path.parent, original.id)
    snapshot.parent.mkdir(exist_ok=True)
    snapshot.write_text(snapshot_text(original), encoding="utf-8")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))
