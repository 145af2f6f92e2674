"""A release's photos: declared in each language's release.toml ([images.ID]), files in its images/ folder.

The source language's table names the file and where the photo goes (the
lead photo, or after a section); every language gives its own alt text,
caption and credit. A language that lacks one shows the source language's,
marked as such, and the check warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from microsite.load.content import IMAGE_EXAMPLE, Edition, TableText, is_inside, outside_problem
from microsite.load.schema import suggest
from microsite.load.settings import Settings
from microsite.load.words import Worded, typed_once
from microsite.problems import WARNING, Problem
from microsite.render.images import Picture, read_picture

IMAGES = "images"  # the folder beside facts.toml
WORDS = ("alt", "caption", "credit")
PLACES = ("file", "lead", "section")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Photo(Worded):
    """A photo of a release: its file, its place on the page, its words in each language."""

    id: str
    picture: Picture
    lead: bool
    section: str  # the section it follows ('' for the lead photo, or after the last section)
    words: tuple[
        tuple[str, tuple[tuple[str, str], ...]], ...
    ]  # (language code, ((alt|caption|credit, text), …))


def load_photos(
    folder: Path, editions: list[Edition], settings: Settings, inside: Path
) -> tuple[tuple[Photo, ...], list[Problem]]:
    """Check every language's [images] and read each photo's file; return the photos and the problems."""
    source = editions[0]
    problems: list[Problem] = []
    translated: dict[str, dict[str, TableText]] = {}
    for edition in editions[1:]:
        translated[edition.language.code] = {image.id: image for image in edition.release.images}
        problems += _translation(edition, source)
    photos, leads = [], []
    sections = [section.id for section in source.sections]
    for image in source.release.images:
        picture, found = _picture(folder, image, source.release.path, inside)
        found += _place(image, sections, source.release.path)
        for key in WORDS:
            if not image.get(key):
                message = f"the image `{image.id}` has no `{key}`: {_WHY[key]}"
                found.append(Problem(source.release.path, image.line(key), message, hint=IMAGE_EXAMPLE))
        problems += found
        if found or picture is None:
            continue
        if image.get("lead", False):
            leads.append(image)
        words = [(source.language.code, tuple((k, image.get(k)) for k in WORDS))]
        for edition in editions[1:]:
            own = translated[edition.language.code].get(image.id)
            missing = [k for k in WORDS if own is None or not own.get(k)]
            if missing:
                listed = ", ".join(f"`{k}`" for k in missing)
                message = f"the image `{image.id}` has no {edition.language.name} {listed}: the {source.language.name} is shown"
                hint = f"Add [images.{image.id}] with {listed} to this release.toml."
                line = own.line() if own else None
                path = edition.release.path
                problems.append(Problem(path, line, message, WARNING, hint, kind="missing-translation"))
            if own is not None:
                words.append((edition.language.code, tuple((k, own.get(k)) for k in WORDS if own.get(k))))
        photos.append(
            Photo(image.id, picture, bool(image.get("lead", False)), image.get("section"), tuple(words))
        )
    for image in leads[1:]:
        message = f"the image `{image.id}` is a second lead photo: `{leads[0].id}` is already the lead"
        problems.append(Problem(source.release.path, image.line("lead"), message))
    return tuple(photos), problems


_WHY = {
    "alt": "a reader who cannot see it hears this text instead",
    "caption": "the caption says what the photo shows",
    "credit": "a published photo names who took it or owns it",
}


def _picture(
    folder: Path, image: TableText, path: Path, inside: Path
) -> tuple[Picture | None, list[Problem]]:
    name = image.get("file")
    line = image.line("file")
    if not name:
        return None, [Problem(path, line, f"the image `{image.id}` has no `file`", hint=IMAGE_EXAMPLE)]
    if not _FILE_NAME.match(name) or ".." in name:
        message = f"`file` of the image `{image.id}` should be a file name in {IMAGES}/, such as plant.jpg, not {name!r}"
        return None, [Problem(path, line, message)]
    file = folder / IMAGES / name
    if file.is_symlink() and not is_inside(file, inside):
        return None, [outside_problem(file)]
    if not file.is_file():
        hint = f"Put the photo in {IMAGES}/ beside facts.toml, or correct the name."
        return None, [Problem(path, line, f"the image file {IMAGES}/{name} is missing", hint=hint)]
    picture, found = read_picture(file)
    # Said where the editor named the file: the photo itself has no lines.
    return picture, [Problem(path, line, f"{IMAGES}/{name}: {p.message}", p.severity, p.hint) for p in found]


def _place(image: TableText, sections: list[str], path: Path) -> list[Problem]:
    section = image.get("section")
    if image.get("lead", False) and section:
        message = f"the image `{image.id}` is the lead photo and also placed after `{section}`: choose one"
        return [Problem(path, image.line("section"), message)]
    if section and section not in sections:
        hint = suggest(section, sections) or f"Section ids: {', '.join(sections)}."
        return [
            Problem(
                path,
                image.line("section"),
                f"no section `{section}` to place the image `{image.id}` after",
                hint=hint,
            )
        ]
    return []


def _translation(edition: Edition, source: Edition) -> list[Problem]:
    problems = []
    path = edition.release.path
    originals = {image.id for image in source.release.images}
    for image in edition.release.images:
        if image.id not in originals:
            message = (
                f"the image `{image.id}` is not among the {source.language.name} images, so it is not shown"
            )
            problems.append(Problem(path, image.line(), message, WARNING, suggest(image.id, originals)))
        what, where = f"of the image `{image.id}`", f"the {source.language.name} release.toml"
        problems += typed_once(PLACES, dict(image.fields), path, image.line, what, where)
    return problems
