"""A release's photos on the page: resized files under media/, and what the template needs to show them."""

from __future__ import annotations

from microsite.load.pictures import Photo
from microsite.load.releases import Release
from microsite.load.settings import Language
from microsite.render.images import (
    RENDITION_WIDTHS,
    open_clean,
    original_download,
    rendition_widths,
    renditions,
    scaled_height,
)
from microsite.render.sharecard import card_from_picture
from microsite.write.output import Page

MEDIA = "media"  # photos are the same in every language: one copy, under the site's root
# The text column is 40rem wide at most, with 1rem on each side below that.
SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
FORMAT_NAMES = {".jpg": "JPEG", ".png": "PNG"}


def media_path(release: Release, name: str) -> str:
    """Return the output path of one of a release's photo files (media/NAME, or media/SLUG/NAME)."""
    return f"{MEDIA}/{release.slug}/{name}" if release.slug else f"{MEDIA}/{name}"


def photo_files(release: Release) -> list[Page]:
    """Return every photo of the release at each published width, and each original for journalists."""
    pages = []
    for photo in release.photos:
        image = open_clean(photo.picture.path)  # decoded once for every file made of it
        for rendition in renditions(image):
            name = f"{photo.id}-{rendition.width}{rendition.suffix}"
            pages.append(Page(media_path(release, name), rendition.content))
        content, suffix = original_download(image)
        pages.append(Page(media_path(release, f"{photo.id}{suffix}"), content))
        if photo.lead:  # what a shared link shows, in every language
            pages.append(Page(media_path(release, lead_card_name(photo)), card_from_picture(image)))
    return pages


def lead_card_name(photo: Photo) -> str:
    """Return the file name of the share card cut from a lead photo."""
    return f"{photo.id}-card.jpg"


def photo_view(photo: Photo, release: Release, language: Language, root: str) -> dict:
    """Return one photo as the page shows it: its sizes, and its words in the language (or the source's, marked)."""
    picture = photo.picture
    suffix = picture.suffix
    widths = rendition_widths(picture.width, RENDITION_WIDTHS)
    source = release.source.language

    def url(name: str) -> str:
        return root + media_path(release, name)

    words = {key: photo.shown(language.code, key, source) for key in ("alt", "caption", "credit")}
    largest = widths[-1]
    # The middle size is what a browser without srcset shows.
    fallback = widths[len(widths) // 2]
    return {
        "id": photo.id,
        "src": url(f"{photo.id}-{fallback}{suffix}"),
        "srcset": ", ".join(f"{url(f'{photo.id}-{w}{suffix}')} {w}w" for w in widths),
        "sizes": SIZES,
        "width": largest,
        "height": scaled_height(picture.width, picture.height, largest),
        "lead": photo.lead,
        "original": url(f"{photo.id}{suffix}"),
        "original_path": media_path(release, f"{photo.id}{suffix}"),
        "original_size": f"{picture.width} × {picture.height}",
        # What a shared link shows (made for the lead photo only).
        "card_path": media_path(release, lead_card_name(photo)) if photo.lead else "",
        "format": FORMAT_NAMES[suffix],
        **words,
    }
