"""Photos for release pages: checked, turned upright, stripped of metadata, resized."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms

from microsite.load.tomlio import read_bytes
from microsite.problems import Problem

# Far past any photo the web needs (a 40-megapixel camera is already large),
# and well under what would make decoding one file eat the build's memory.
MAX_PIXELS = 40_000_000
MIN_WIDTH = 320
RENDITION_WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 82
# The download is for print and re-editing: it is re-encoded only to drop the
# metadata and turn it upright, so keep the loss of quality out of sight.
ORIGINAL_QUALITY = 92

# A multi-picture JPEG (MPO: a phone's HDR gain map, a depth map) is a JPEG
# whose first picture is the photo; Pillow names it apart.
_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png"}
_SUFFIXES = {"jpeg": ".jpg", "png": ".png"}
_NAMES = {"WEBP": "WebP", "GIF": "GIF", "TIFF": "TIFF", "BMP": "BMP", "JPEG2000": "JPEG 2000", "ICO": "icon"}
# ISO media files Pillow cannot open: named by their brand, so the editor
# hears "HEIC" (what an iPhone saves) rather than "not a picture".
_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"hevc": "HEIC", b"mif1": "HEIC", b"avif": "AVIF"}
_ORIENTATION_TAG = 0x0112
# ImageOps.exif_transpose's table. Read through _orientation() once, so that
# the size read_picture() reports and the pixels renditions() writes agree
# even when a damaged EXIF block cannot be read.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES = (5, 6, 7, 8)
_EXPORT_HINT = "Export it again from your photo editor as JPEG (for photos) or PNG (for graphics)."


@dataclass(frozen=True)
class Picture:
    """A photo that can be published: its upright size and its format."""

    width: int
    height: int
    format: str  # "jpeg" or "png"
    path: Path

    @property
    def suffix(self) -> str:
        """Return the file-name suffix its published files take: ".jpg" or ".png"."""
        return _SUFFIXES[self.format]


@dataclass(frozen=True)
class Rendition:
    """One published size of a photo, encoded."""

    width: int
    height: int
    suffix: str  # ".jpg" or ".png"
    content: bytes


def read_picture(path: Path) -> tuple[Picture | None, list[Problem]]:
    """Read and check a photo; return it, or the problems in an editor's words."""
    data, problems = _read(path)
    if data is None:
        return None, problems
    # Pillow warns (DecompressionBombWarning, damaged EXIF) on stderr: the
    # problems below say it in an editor's words instead. catch_warnings is
    # process-wide, which is safe here: the build runs workers as processes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _inspect(path, data)


def renditions(photo: Path | Opened, widths: tuple[int, ...] = RENDITION_WIDTHS) -> list[Rendition]:
    """Return the photo's published sizes, narrowest first; the photo must have passed read_picture()."""
    image, format_ = opened(photo)
    made = []
    for width in rendition_widths(image.width, widths):
        height = scaled_height(image.width, image.height, width)
        resized = image if width == image.width else _resize(image, width, height)
        made.append(Rendition(width, height, _SUFFIXES[format_], _encode(resized, format_, JPEG_QUALITY)))
    return made


def original_download(photo: Path | Opened) -> tuple[bytes, str]:
    """Return the full-size photo for journalists, upright and without metadata, and its suffix."""
    # Re-encoded, never copied: the camera's EXIF carries GPS and serial numbers.
    image, format_ = opened(photo)
    return _encode(image, format_, ORIGINAL_QUALITY), _SUFFIXES[format_]


def rendition_widths(width: int, wanted: tuple[int, ...]) -> tuple[int, ...]:
    """Return the widths to publish for a photo `width` pixels wide: never wider than the photo."""
    fitting = {w for w in wanted if w <= width}
    # A photo narrower than the widest size still gets a sharp copy at its own width.
    if wanted and width < max(wanted):
        fitting.add(width)
    return tuple(sorted(fitting))


def scaled_height(width: int, height: int, new_width: int) -> int:
    """Return the height that keeps the aspect ratio at `new_width`."""
    return max(1, round(height * new_width / width))


Opened = tuple[Image.Image, str]  # what open_clean() returns: the photo, and "jpeg" or "png"


def opened(photo: Path | Opened) -> Opened:
    """Return a photo opened by open_clean(), opening it if it is a path.

    A release's build makes several files of one photo: opened once, it is
    decoded, turned and converted to sRGB once, not for each of them.
    """
    return open_clean(photo) if isinstance(photo, Path) else photo


def open_clean(path: Path) -> tuple[Image.Image, str]:
    """Open a checked photo upright, in sRGB, with no metadata; return it and its format ("jpeg"/"png")."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path, formats=("JPEG", "PNG")) as opened:  # the JPEG reader opens MPO too
            opened.load()
            format_ = _FORMATS[opened.format]
            upright = _turn(_to_srgb(opened, alpha=format_ == "png" and _has_alpha(opened)), opened)
    # Pillow writes some of `info` back when saving (a JPEG's comment, a
    # PNG's ICC profile and transparency): the published file carries none.
    upright.info = {}
    return upright, format_


def _read(path: Path) -> tuple[bytes | None, list[Problem]]:
    data, problems = read_bytes(path, "picture file")
    if data is not None and not data:
        return None, [Problem(path, None, "this picture file is empty", hint=_EXPORT_HINT)]
    return data, problems


def _inspect(path: Path, data: bytes) -> tuple[Picture | None, list[Problem]]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in _FORMATS:
                return None, [_unsupported(path, _NAMES.get(image.format or "", image.format or "unknown"))]
            # From the header alone: a huge picture is refused before it is decoded.
            if image.width * image.height > MAX_PIXELS:
                return None, [_too_large(path, image.size)]
            image.load()  # decodes it whole: a damaged or cut-off file fails here
            return _picture(path, image)
    except Image.DecompressionBombError:
        return None, [_too_large(path, None)]  # past Pillow's own limit: the size goes unread
    except Image.UnidentifiedImageError:
        brand = _BRANDS.get(data[8:12]) if data[4:8] == b"ftyp" else None
        if brand:
            return None, [_unsupported(path, brand)]
        message = "this file is not a picture the site can read: it should be a JPEG or PNG photo"
        return None, [Problem(path, None, message, hint=_EXPORT_HINT)]
    except Exception:
        # Pillow's readers raise many kinds of error on a broken file (OSError,
        # SyntaxError, ValueError, struct.error, EOFError…): to the editor each
        # means the same thing, and none may stop the build.
        message = "this picture is damaged or incomplete: part of the file is missing or cannot be read"
        return None, [
            Problem(path, None, message, hint="Copy or download the photo again from where it came from.")
        ]


def _picture(path: Path, image: Image.Image) -> tuple[Picture | None, list[Problem]]:
    width, height = image.size
    if _orientation(image) in _SWAPS_SIDES:
        width, height = height, width
    problems = []
    # An MPO's extra pictures are not frames of an animation.
    if image.format == "PNG" and getattr(image, "n_frames", 1) > 1:
        hint = "Save one frame of it as a JPEG or PNG still picture."
        problems.append(
            Problem(path, None, "this picture is animated; the site publishes still pictures only", hint=hint)
        )
    if width < MIN_WIDTH:
        message = f"this picture is only {width} pixels wide, too small to publish: it should be at least {MIN_WIDTH}"
        hint = "Use a larger copy of the photo: 1600 pixels wide or more looks sharp on every screen."
        problems.append(Problem(path, None, message, hint=hint))
    if problems:
        return None, problems
    return Picture(width, height, _FORMATS[image.format], path), []


def _unsupported(path: Path, name: str) -> Problem:
    message = f"this picture is a {name} file; the site publishes JPEG and PNG pictures only"
    return Problem(path, None, message, hint=_EXPORT_HINT)


def _too_large(path: Path, size: tuple[int, int] | None) -> Problem:
    limit = MAX_PIXELS // 1_000_000
    if size is None:
        found = f"far more than the {limit} megapixels the site accepts"
    else:
        megapixels = round(size[0] * size[1] / 1_000_000)
        found = (
            f"{size[0]} × {size[1]} pixels is {megapixels} megapixels, and the site accepts at most {limit}"
        )
    message = f"this picture is too large to publish: {found}"
    hint = "Make it smaller in your photo editor (6000 × 4000 pixels is plenty): the site makes the web sizes itself."
    return Problem(path, None, message, hint=hint)


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:
        # A damaged EXIF block is common and harmless: treat the photo as upright.
        return 1


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _to_srgb(image: Image.Image, alpha: bool) -> Image.Image:
    """Return the image as RGB (or RGBA), its colours moved into sRGB when it carries an ICC profile."""
    alpha_band = image.convert("RGBA").getchannel("A") if alpha else None
    base = _eight_bit(image)
    base = base if base.mode in ("RGB", "CMYK", "L") else base.convert("RGB")
    rgb = _apply_profile(base, image.info.get("icc_profile"))
    if alpha_band is not None:
        rgb.putalpha(alpha_band)
    return rgb


def _eight_bit(image: Image.Image) -> Image.Image:
    # A 16-bit grey PNG: Pillow's convert() clips its values at 255, which
    # would publish it white. Scale 0–65535 down to 0–255 instead.
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda value: value / 257 + 0.5).convert("L")
    return image


def _apply_profile(image: Image.Image, icc: bytes | None) -> Image.Image:
    # Browsers assume sRGB: a phone's Display P3 or a camera's Adobe RGB photo
    # would look dull once its profile is dropped, unless converted first.
    if not icc:
        return image.convert("RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        # Most cameras write sRGB already: converting it to itself would cost
        # a 6-megapixel photo a seventh of a second for nothing.
        if "sRGB" in ImageCms.getProfileDescription(source):
            return image.convert("RGB")
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        converted = None  # a broken or mismatched profile: keep the numbers as they are
    return converted if converted is not None else image.convert("RGB")


def _turn(image: Image.Image, source: Image.Image) -> Image.Image:
    method = _TRANSPOSE.get(_orientation(source))
    return image.transpose(method) if method is not None else image


def _resize(image: Image.Image, width: int, height: int) -> Image.Image:
    # reducing_gap: where the photo is over twice as wide, Pillow first halves
    # it by averaging, then applies LANCZOS: twice as fast for the smallest
    # size, and under 1/255 from a plain LANCZOS on average.
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


def _encode(image: Image.Image, format_: str, quality: int) -> bytes:
    # Fixed settings and no metadata: the same photo gives the same bytes on
    # every build, so unchanged files stay unchanged on the server.
    out = io.BytesIO()
    if format_ == "jpeg":
        image.save(out, "JPEG", quality=quality, progressive=True, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()
