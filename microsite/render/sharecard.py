"""The picture that social media show beside a shared link (og:image): 1200 × 630."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pylopdf_fonts_zh_cn
from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps

from microsite.render.images import Opened, opened
from microsite.render.linebreaks import Measure, line_breaks, shorten, wrap
from microsite.render.png import png_from_indexes

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
SITE_NAME_SIZE = 30
HEADLINE_SIZES = (72, 64, 56, 50, 44)  # tried in turn until the headline fits
MAX_LINES = 4
HEADLINE_TOP = 180  # below the site name and its rule
PHOTO_QUALITY = 85
# Sixteen shades from background to foreground: smooth enough for the edges
# of letters, and a 4-bit PNG is small and quick to compress.
SHADES = 16
SITE_NAME_SHADE = 11  # the site name a little quieter than the headline
# A glyph's coverage, 0 to 255, rounded to the nearest of SHADES levels: 0, 17, 34, … 255.
_LEVELS = tuple((value * (SHADES - 1) + 127) // 255 * 255 // (SHADES - 1) for value in range(256))


def card_size() -> tuple[int, int]:
    """Return the share card's width and height in pixels."""
    return WIDTH, HEIGHT


def card_from_text(
    headline: str, site_name: str, *, background: str = "#1f3a5f", foreground: str = "#ffffff"
) -> bytes:
    """Return a PNG share card: the site name small at the top, the headline large below it."""
    # Drawn straight in shades, 0 the background and SHADES - 1 the foreground:
    # each pixel is already its index in the card's palette.
    shades = Image.new("L", (WIDTH, HEIGHT), 0)
    width = WIDTH - 2 * MARGIN
    name = shorten(site_name, _measure(SITE_NAME_SIZE), width)
    _write(shades, (MARGIN, MARGIN + SITE_NAME_SIZE), name, SITE_NAME_SIZE, SITE_NAME_SHADE)
    ImageDraw.Draw(shades).rectangle((MARGIN, MARGIN + 52, MARGIN + 95, MARGIN + 57), fill=SHADES - 1)
    size, lines = fit_headline(headline, _measure, width)
    step = round(size * 1.3)
    for number, line in enumerate(lines):
        baseline = HEADLINE_TOP + round(size * 0.9) + number * step
        _write(shades, (MARGIN, baseline), line, size, SHADES - 1)
    return png_from_indexes(shades, _palette(background, foreground))


def card_from_picture(photo: Path | Opened) -> bytes:
    """Return a JPEG share card: the photo, checked by read_picture() first, cropped about its centre."""
    image, _ = opened(photo)
    if image.mode == "RGBA":
        # JPEG has no transparency: lay the picture on white, as a page would show it.
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    card = ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    out = io.BytesIO()
    card.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()


def fit_headline(
    headline: str, measure_at: Callable[[int], Measure], width: float, sizes: Sequence[int] = HEADLINE_SIZES
) -> tuple[int, list[str]]:
    """Return the largest size at which the headline fits in MAX_LINES lines, and its lines; cut with "…" if none."""
    text = " ".join(headline.split())
    breaks = line_breaks(text)
    for size in sizes:
        # Balancing wraps the same text again and again: measure each piece once.
        measure = functools.cache(measure_at(size))
        spans = _wrap_within(text, breaks, measure, width)
        if spans is not None:
            return size, [text[start:end] for start, end in spans]
    spans = wrap(text, breaks, measure, width, MAX_LINES)
    lines = [text[start:end] for start, end in spans[:-1]]
    lines.append(shorten(text[spans[-1][0] :], measure, width))
    return sizes[-1], lines


def balance(
    text: str, breaks: list[tuple[int, int]], measure: Measure, width: float, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return the same number of lines as `spans`, wrapped as narrow as they go: no lone word on the last line."""
    lines = len(spans)
    if lines < 2:
        return spans
    # CSS's text-wrap: balance. A binary search on the width, to a 64th of it
    # (16 pixels on the card), from just under an even share of the text per
    # line: a few more wraps, about a millisecond, for a headline that does
    # not end on a lone "期".
    low, high = measure(text) / lines * 0.9, width
    while high - low > width / 64:
        middle = (low + high) / 2
        narrower = wrap(text, breaks, measure, middle, lines + 1)
        if len(narrower) <= lines:
            high, spans = middle, narrower
        else:
            low = middle
    return spans


def _wrap_within(
    text: str, breaks: list[tuple[int, int]], measure: Measure, width: float
) -> list[tuple[int, int]] | None:
    """Return the text's balanced lines at one size, or None if they are more than MAX_LINES."""
    # Laid end to end, text longer than MAX_LINES full lines cannot fit wrapped
    # either: one measure instead of a few dozen. 5% leaves room for kerning.
    if measure(text.replace(" ", "")) > MAX_LINES * width * 1.05:
        return None
    spans = wrap(text, breaks, measure, width, MAX_LINES + 1)
    return balance(text, breaks, measure, width, spans) if len(spans) <= MAX_LINES else None


def _write(shades: Image.Image, origin: tuple[int, int], text: str, size: int, shade: int) -> None:
    """Write a line in `shade` from its left end on the baseline, glyph by glyph.

    The same pixels as ImageDraw.text with the basic layout (glyphs sit at
    whole pixels), in an eighth of the time: each glyph is drawn once per
    process and size, where ImageDraw draws every glyph of every card anew.
    """
    x, y = origin
    for char in text:
        glyph, left, top = _glyph(size, char)
        if glyph is not None:
            shades.paste(shade, (round(x) + left, y + top), glyph)
        x += _advance(size, char)


@functools.lru_cache(maxsize=16384)
def _glyph(size: int, char: str) -> tuple[Image.Image | None, int, int]:
    font = _font(size)
    left, top, right, bottom = font.getbbox(char, anchor="ls")
    if right <= left or bottom <= top:
        return None, 0, 0  # a space
    glyph = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(glyph).text((-left, -top), char, font=font, fill=255, anchor="ls")
    # Coverage rounded to SHADES levels once here, not the whole card on every
    # card: pasted over the background in the top shade, a level is exactly
    # that shade; in a lower one, the nearest shade to the same blend.
    return glyph.point(_LEVELS), left, top


@functools.lru_cache(maxsize=len(HEADLINE_SIZES) + 1)
def _measure(size: int) -> Measure:
    """Return how wide a text is at `size`: the sum of its characters' advances.

    Exact with the basic layout, which applies no kerning to this font, and
    a fifth of a card's time saved: a headline is measured some twenty times.
    """
    return lambda text: sum(_advance(size, char) for char in text)


@functools.lru_cache(maxsize=8192)
def _advance(size: int, char: str) -> float:
    return _font(size).getlength(char)


@functools.lru_cache(maxsize=len(HEADLINE_SIZES) + 1)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # Cached per process: a newsroom build draws thousands of cards at the
    # same handful of sizes. The font's file is only read, never changed.
    # Pillow's basic layout, always: Raqm (HarfBuzz) is used only where
    # libraqm and FriBiDi happen to be installed, and would make the card's
    # bytes depend on the computer. Chinese and Latin headlines need no shaping.
    return ImageFont.truetype(
        str(pylopdf_fonts_zh_cn.sans_path()), size, layout_engine=ImageFont.Layout.BASIC
    )


def _palette(background: str, foreground: str) -> list[tuple[int, int, int]]:
    """Return the SHADES colours from `background` to `foreground`, evenly spaced."""
    top = SHADES - 1
    low, high = ImageColor.getrgb(background)[:3], ImageColor.getrgb(foreground)[:3]
    return [
        tuple(a + (b - a) * shade // top for a, b in zip(low, high, strict=True)) for shade in range(SHADES)
    ]
