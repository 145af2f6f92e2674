"""Which version of the English each translation was made from, and what changed since."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from microsite.load.content import SNAPSHOTS, Section, load_snapshot
from microsite.problems import WARNING, Problem

# Lines of a changed original shown in the hint of an outdated translation.
DIFF_LINES_SHOWN = 40


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


def check_translation_state(
    original: Section, translation: Section, language_name: str, reference: str, inside: Path
) -> list[Problem]:
    """Report a translation never marked reviewed, or made from an older English text.

    `reference` is how the command line names the section (ID, or SLUG/ID).
    """
    command = f"python build.py check --mark-reviewed {reference}"
    if not translation.translated_from:
        message = f"the {language_name} translation of `{reference}` does not say which version of the original it was made from"
        return [
            Problem(
                translation.path,
                translation.id_line,
                message,
                WARNING,
                hint=f"When it is up to date, run: {command}",
                kind="unreviewed-translation",
            )
        ]
    if translation.translated_from == source_hash(original):
        return []
    snapshot = load_snapshot(translation, inside)
    if snapshot is not None:
        diff = "".join(
            difflib.unified_diff(
                snapshot.splitlines(True),
                snapshot_text(original).splitlines(True),
                "original as translated",
                "original now",
                n=1,
            )
        )
        hint = (
            f"What changed in the original ({original.path.name}):\n"
            + _indent(_shortened(diff))
            + f"\n    Bring the translation up to date, then run: {command}"
        )
    else:
        hint = f"The original it was made from was not kept, so the change cannot be shown. Compare by hand, then run: {command}"
    message = f"the {language_name} translation of `{reference}` is outdated: the original has changed since it was translated"
    return [
        Problem(
            translation.path,
            translation.translated_from_line,
            message,
            WARNING,
            hint=hint,
            kind="outdated-translation",
        )
    ]


def _shortened(diff: str) -> str:
    # A section rewritten from top to bottom would fill the report: show the
    # start of the change, and say how much more there is.
    lines = diff.rstrip("\n").split("\n")
    if len(lines) <= DIFF_LINES_SHOWN:
        return diff
    rest = len(lines) - DIFF_LINES_SHOWN
    return "\n".join(
        [*lines[:DIFF_LINES_SHOWN], f"… and {rest} more line{'s' if rest > 1 else ''} of the change"]
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))
