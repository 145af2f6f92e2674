"""Photos for release pages, and the share card social media show beside a link."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from microsite.render.images import (
    Picture,
    original_download,
    read_picture,
    rendition_widths,
    renditions,
)
from microsite.render.png import png_from_indexes
from microsite.render.sharecard import (
    HEADLINE_TOP,
    MARGIN,
    MAX_LINES,
    SHADES,
    SITE_NAME_SHADE,
    card_from_picture,
    card_from_text,
    card_size,
    fit_headline,
    line_breaks,
    shorten,
    wrap,
)

ROOT = Path(__file__).resolve().parent.parent
SERIAL = "CAMERA-SERIAL-4711"
HEADLINE_ZH = "西咸新区抢抓创新驱动发展窗口期"
EXPORT_HINT = "Export it again from your photo editor as JPEG (for photos) or PNG (for graphics)."


# Test pictures, made here rather than shipped.


def halves(size: tuple[int, int], left: str = "red", right: str = "blue", mode: str = "RGB") -> Image.Image:
    """Return a picture whose left half is `left` and right half `right`: which way up it is shows."""
    image = Image.new(mode, size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def camera_exif(orientation: int = 1) -> Image.Exif:
    """Return EXIF as a phone writes it: an orientation, the place it was taken, the camera's serial."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Phonemaker"  # Make
    exif[0x8825] = {1: "N", 2: (34.0, 20.0, 5.0), 3: "E", 4: (108.0, 43.0, 1.0)}  # GPS
    exif[0x8769] = {0xA431: SERIAL}  # BodySerialNumber
    return exif


def phone_photo(path: Path, size: tuple[int, int] = (1800, 1200), orientation: int = 6) -> Path:
    """Save a JPEG as a phone does: turned by EXIF, with GPS, a serial number, an ICC profile and a comment."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    halves(size).save(
        path, "JPEG", quality=90, exif=camera_exif(orientation), icc_profile=icc, comment=SERIAL
    )
    return path


def png_header(path: Path, width: int, height: int) -> Path:
    """Save only the header of a PNG claiming `width` × `height` pixels: enough to be refused."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = [(b"IHDR", ihdr), (b"IDAT", zlib.compress(b"\x00")), (b"IEND", b"")]
    data = b"".join(
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        for kind, body in chunks
    )
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + data)
    return path


def open_bytes(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_no_metadata(content: bytes) -> None:
    image = open_bytes(content)
    assert not image.getexif(), "EXIF left in"
    assert "icc_profile" not in image.info
    assert "comment" not in image.info
    assert b"Exif" not in content
    assert SERIAL.encode() not in content
    assert b"Phonemaker" not in content


def only_problem(path: Path) -> str:
    picture, problems = read_picture(path)
    assert picture is None
    assert len(problems) == 1
    assert problems[0].path == path
    assert problems[0].line is None
    return problems[0].message


# Reading and checking a photo.


def test_a_phone_photo_is_read_at_its_upright_size(tmp_path):
    path = phone_photo(tmp_path / "lead.jpg", size=(1800, 1200), orientation=6)
    assert read_picture(path) == (Picture(1200, 1800, "jpeg", path), [])


def test_a_png_is_read_as_png(tmp_path):
    path = tmp_path / "chart.png"
    Image.new("RGBA", (640, 480), (0, 0, 0, 0)).save(path)
    assert read_picture(path) == (Picture(640, 480, "png", path), [])


def test_a_multi_picture_jpeg_from_a_phone_is_a_jpeg_not_an_animation(tmp_path):
    path = tmp_path / "hdr.jpg"
    halves((800, 600)).save(path, "MPO", save_all=True, append_images=[halves((800, 600), "white", "black")])
    assert read_picture(path) == (Picture(800, 600, "jpeg", path), [])
    assert [r.width for r in renditions(path)] == [480, 800]


def test_a_missing_photo_is_named(tmp_path):
    assert only_problem(tmp_path / "gone.jpg") == "this picture file is missing"


def test_a_folder_in_place_of_a_photo_is_named(tmp_path):
    (tmp_path / "photo.jpg").mkdir()
    assert only_problem(tmp_path / "photo.jpg") == "this should be a picture file, but it is a folder"


def test_an_empty_file_is_named(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"")
    assert only_problem(tmp_path / "photo.jpg") == "this picture file is empty"


def test_a_file_that_is_not_a_picture_is_named(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_text("Photo to follow, by e-mail.\n", encoding="utf-8")
    _, problems = read_picture(path)
    assert (
        problems[0].message
        == "this file is not a picture the site can read: it should be a JPEG or PNG photo"
    )
    assert problems[0].hint == EXPORT_HINT


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_cut_off_photo_is_called_damaged(tmp_path, kind):
    whole = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(whole, kind)
    path = tmp_path / f"cut.{kind.lower()}"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    message = "this picture is damaged or incomplete: part of the file is missing or cannot be read"
    assert only_problem(path) == message


def test_a_gif_is_refused_by_name(tmp_path):
    path = tmp_path / "logo.gif"
    Image.new("P", (400, 300)).save(path, "GIF")
    assert only_problem(path) == "this picture is a GIF file; the site publishes JPEG and PNG pictures only"


def test_an_iphone_heic_photo_is_refused_by_name(tmp_path):
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
    assert only_problem(path) == "this picture is a HEIC file; the site publishes JPEG and PNG pictures only"


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded(tmp_path):
    path = png_header(tmp_path / "huge.png", 9000, 6000)
    message = "this picture is too large to publish: 9000 × 6000 pixels is 54 megapixels, and the site accepts at most 40"
    assert only_problem(path) == message


@pytest.mark.parametrize(
    ("side", "message"),
    [
        # Past Pillow's own limit (89 megapixels), where it warns on stderr…
        (
            10_000,
            "this picture is too large to publish: 10000 × 10000 pixels is 100 megapixels, and the site accepts at most 40",
        ),
        # …and past twice that, where it refuses to open the file at all.
        (
            20_000,
            "this picture is too large to publish: far more than the 40 megapixels the site accepts",
        ),
    ],
)
def test_a_decompression_bomb_is_refused_without_a_warning(tmp_path, capsys, side, message):
    path = png_header(tmp_path / "bomb.png", side, side)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert only_problem(path) == message
    assert caught == []
    assert capsys.readouterr().err == ""


def test_an_animated_png_is_refused(tmp_path):
    path = tmp_path / "moving.png"
    frames = [Image.new("RGB", (400, 300), colour) for colour in ("red", "green")]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert only_problem(path) == "this picture is animated; the site publishes still pictures only"


def test_a_photo_100_pixels_wide_is_too_small(tmp_path):
    path = tmp_path / "thumb.jpg"
    halves((100, 80)).save(path, "JPEG")
    message = "this picture is only 100 pixels wide, too small to publish: it should be at least 320"
    assert only_problem(path) == message


def test_width_is_checked_upright(tmp_path):
    # 400 × 300 stored, 300 × 400 shown: narrower than 320 once turned.
    path = phone_photo(tmp_path / "turned.jpg", size=(400, 300), orientation=6)
    assert "only 300 pixels wide" in only_problem(path)


# Renditions.


@pytest.mark.parametrize(
    ("width", "wanted", "made"),
    [
        (3000, (480, 960, 1600), (480, 960, 1600)),
        (1600, (480, 960, 1600), (480, 960, 1600)),
        (1000, (480, 960, 1600), (480, 960, 1000)),
        (700, (480, 960, 1600), (480, 700)),
        (400, (480, 960, 1600), (400,)),
        (1000, (960, 480), (480, 960)),
        (1000, (), ()),
    ],
)
def test_rendition_widths_never_exceed_the_photo(width, wanted, made):
    assert rendition_widths(width, wanted) == made


def test_renditions_are_upright_and_keep_the_aspect_ratio(tmp_path):
    path = phone_photo(tmp_path / "lead.jpg", size=(3000, 2000), orientation=6)
    made = renditions(path)
    assert [(r.width, r.height, r.suffix) for r in made] == [
        (480, 720, ".jpg"),
        (960, 1440, ".jpg"),
        (1600, 2400, ".jpg"),
    ]
    for rendition in made:
        image = open_bytes(rendition.content)
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (rendition.width, rendition.height))
        assert image.info.get("progressive") == 1


def test_turning_moves_the_left_of_the_sensor_to_the_top(tmp_path):
    # Orientation 6: the stored picture is shown turned a quarter clockwise.
    image = open_bytes(renditions(phone_photo(tmp_path / "lead.jpg"))[0].content)
    top, bottom = (
        image.getpixel((image.width // 2, 10)),
        image.getpixel((image.width // 2, image.height - 10)),
    )
    assert top[0] > 200 > top[2]  # red
    assert bottom[2] > 200 > bottom[0]  # blue


def test_a_small_photo_is_not_upscaled(tmp_path):
    path = tmp_path / "small.jpg"
    halves((700, 350)).save(path, "JPEG")
    assert [(r.width, r.height) for r in renditions(path)] == [(480, 240), (700, 350)]


def test_no_metadata_leaves_in_any_output(tmp_path):
    path = phone_photo(tmp_path / "lead.jpg")
    outputs = [r.content for r in renditions(path)] + [original_download(path)[0], card_from_picture(path)]
    for content in outputs:
        assert_no_metadata(content)


def test_the_original_is_full_size_upright_and_a_jpeg(tmp_path):
    content, suffix = original_download(phone_photo(tmp_path / "lead.jpg", size=(1800, 1200)))
    assert suffix == ".jpg"
    assert open_bytes(content).size == (1200, 1800)


def test_a_png_with_transparency_stays_a_png_with_transparency(tmp_path):
    path = tmp_path / "logo.png"
    image = Image.new("RGBA", (1200, 600), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 600, 600))
    image.save(path, pnginfo=None, exif=camera_exif())
    made = renditions(path)
    assert [(r.width, r.height, r.suffix) for r in made] == [
        (480, 240, ".png"),
        (960, 480, ".png"),
        (1200, 600, ".png"),
    ]
    for content in [r.content for r in made] + [original_download(path)[0]]:
        published = open_bytes(content)
        assert (published.format, published.mode) == ("PNG", "RGBA")
        assert published.getpixel((published.width - 5, 5))[3] == 0
        assert published.getpixel((5, 5)) == (0, 0, 255, 255)
        assert_no_metadata(content)
    assert original_download(path)[1] == ".png"


def test_a_16_bit_grey_png_keeps_its_greys(tmp_path):
    path = tmp_path / "scan.png"
    Image.new("I;16", (400, 300), 32768).save(path)
    grey = open_bytes(renditions(path)[0].content).getpixel((10, 10))
    assert 120 < grey[0] < 136


def test_a_broken_colour_profile_is_dropped_not_fatal(tmp_path):
    path = tmp_path / "odd.jpg"
    halves((800, 600)).save(path, "JPEG", icc_profile=b"not a colour profile")
    assert read_picture(path)[1] == []
    for rendition in renditions(path):
        assert_no_metadata(rendition.content)


def test_a_cmyk_jpeg_is_published_as_rgb(tmp_path):
    path = tmp_path / "print.jpg"
    Image.new("CMYK", (800, 600), (0, 255, 255, 0)).save(path, "JPEG")
    image = open_bytes(renditions(path)[0].content)
    assert image.mode == "RGB"
    assert image.getpixel((10, 10))[0] > 200 > image.getpixel((10, 10))[1]


def test_renditions_are_the_same_bytes_every_time(tmp_path):
    path = phone_photo(tmp_path / "lead.jpg")
    assert renditions(path) == renditions(path)
    assert original_download(path) == original_download(path)


# The share card.


def test_the_card_is_a_png_of_the_size_social_media_ask_for():
    card = open_bytes(card_from_text(HEADLINE_ZH, "西咸新区新闻中心"))
    assert card_size() == (1200, 630)
    assert (card.format, card.size) == ("PNG", (1200, 630))


def test_the_card_is_the_same_bytes_every_time():
    assert card_from_text(HEADLINE_ZH, "Xixian News") == card_from_text(HEADLINE_ZH, "Xixian News")


def test_an_empty_headline_still_makes_a_card():
    card = open_bytes(card_from_text("  ", "Xixian News"))
    assert card.size == (1200, 630)
    assert card.crop((0, HEADLINE_TOP, 1200, 630)).getextrema() == (0, 0)


def test_two_headlines_make_two_cards():
    assert card_from_text(HEADLINE_ZH, "Xixian News") != card_from_text(
        "Xixian seizes the window", "Xixian News"
    )


def test_a_chinese_headline_is_drawn_in_the_foreground_colour():
    card = open_bytes(card_from_text(HEADLINE_ZH, "", background="#1f3a5f", foreground="#ffffff")).convert(
        "RGB"
    )
    headline = card.crop((0, HEADLINE_TOP, 1200, 630))
    colours = {colour: count for count, colour in headline.getcolors(maxcolors=256)}
    assert colours.get((255, 255, 255), 0) > 2000
    assert card.getpixel((5, 5)) == (0x1F, 0x3A, 0x5F)


def test_dark_text_on_a_light_card():
    card = open_bytes(card_from_text(HEADLINE_ZH, "Xixian News", background="#ffffff", foreground="#111111"))
    colours = {colour for _, colour in card.convert("RGB").getcolors(maxcolors=256)}
    assert (17, 17, 17) in colours
    assert card.convert("RGB").getpixel((5, 5)) == (255, 255, 255)


def test_a_very_long_headline_still_makes_a_card():
    card = open_bytes(card_from_text("创新驱动发展" * 200, "Xixian News " * 40))
    assert card.size == (1200, 630)


def test_the_card_is_a_16_colour_png_from_background_to_foreground():
    content = card_from_text(HEADLINE_ZH, "Xixian News", background="#102030", foreground="#f0e0d0")
    card = open_bytes(content)
    assert (card.format, card.mode, card.size) == ("PNG", "P", (1200, 630))
    assert dict(png_chunks(content))[b"IHDR"][8:10] == bytes([4, 3])  # 4 bits a pixel, a palette
    palette = card.getpalette()
    assert len(palette) == 3 * SHADES
    assert (palette[:3], palette[-3:]) == ([0x10, 0x20, 0x30], [0xF0, 0xE0, 0xD0])


def test_the_site_name_is_a_quieter_shade_and_the_rule_and_headline_the_foreground():
    card = open_bytes(card_from_text(HEADLINE_ZH, "Xixian News"))
    assert card.crop((0, 0, 1200, MARGIN + 45)).getextrema() == (0, SITE_NAME_SHADE)
    assert card.crop((0, MARGIN + 45, 1200, HEADLINE_TOP)).getextrema() == (0, SHADES - 1)
    headline = card.crop((MARGIN, HEADLINE_TOP, 1200 - MARGIN, 630))
    assert headline.getextrema() == (0, SHADES - 1)
    assert headline.histogram()[SHADES - 1] > 2000


# Palette PNGs, written without Pillow's encoder.


def png_chunks(content: bytes) -> list[tuple[bytes, bytes]]:
    """Return a PNG's chunks, kind and data, each CRC checked."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(content):
        (length,) = struct.unpack(">I", content[offset : offset + 4])
        kind, data = content[offset + 4 : offset + 8], content[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", content[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        offset += 12 + length
    return chunks


def pixel_rows(width: int, height: int, inked: set[int]) -> list[list[int]]:
    """Return rows of random indexes where `inked` says, of 0 elsewhere; each inked row ends in 15."""
    rng = random.Random(f"{width}×{height}")
    return [
        [rng.randrange(16) for _ in range(width - 1)] + [15] if row in inked else [0] * width
        for row in range(height)
    ]


def indexed(rows: list[list[int]]) -> Image.Image:
    image = Image.new("L", (len(rows[0]), len(rows)))
    image.putdata([value for row in rows for value in row])
    return image


PALETTE = [(shade * 17, 255 - shade * 17, shade) for shade in range(16)]
SHAPES = [
    pytest.param(40, 30, {0, 3, 4, 5, 17, 29}, id="ink-at-top-and-bottom"),
    pytest.param(7, 9, {2, 3, 6}, id="odd-width"),
    pytest.param(12, 10, set(), id="all-blank"),
    pytest.param(9, 1, {0}, id="one-row"),
    pytest.param(1, 1, set(), id="one-pixel"),
]


@pytest.mark.parametrize(("width", "height", "inked"), SHAPES)
def test_a_palette_png_holds_exactly_its_pixels_and_colours(width, height, inked):
    rows = pixel_rows(width, height, inked)
    image = open_bytes(png_from_indexes(indexed(rows), PALETTE))
    assert (image.format, image.mode, image.size) == ("PNG", "P", (width, height))
    assert image.tobytes() == bytes(value for row in rows for value in row)
    assert image.getpalette() == [channel for colour in PALETTE for channel in colour]


@pytest.mark.parametrize(("width", "height", "inked"), SHAPES)
def test_a_palette_png_is_one_zlib_stream_of_unfiltered_rows(width, height, inked):
    rows = pixel_rows(width, height, inked)
    chunks = png_chunks(png_from_indexes(indexed(rows), PALETTE))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    stride = 1 + (width + 1) // 2
    scanlines = zlib.decompress(chunks[2][1])  # checks the stream's Adler-32 too
    assert len(scanlines) == height * stride
    for number, row in enumerate(rows):
        pairs = [*row, 0] if width % 2 else row  # an odd row's last byte holds one pixel, then 0
        packed = bytes(16 * pairs[left] + pairs[left + 1] for left in range(0, width, 2))
        assert scanlines[number * stride : (number + 1) * stride] == b"\x00" + packed, number


def test_a_palette_of_more_than_16_colours_is_refused():
    with pytest.raises(ValueError, match="1 to 16 colours"):
        png_from_indexes(Image.new("L", (2, 2)), [*PALETTE, (0, 0, 0)])


def digest_of_outputs(photo: Path) -> str:
    """Return one digest of a card, the photo's renditions and its original: what another process must match."""
    contents = [
        card_from_text(HEADLINE_ZH, "Xixian News"),
        card_from_picture(photo),
        original_download(photo)[0],
    ]
    contents += [r.content for r in renditions(photo)]
    return hashlib.sha256(b"".join(contents)).hexdigest()


def test_the_bytes_are_the_same_in_another_process(tmp_path):
    photo = phone_photo(tmp_path / "lead.jpg")
    script = "import sys; from pathlib import Path; from tests.test_pictures import digest_of_outputs;"
    script += "sys.stdout.write(digest_of_outputs(Path(sys.argv[1])))"
    other = subprocess.run(
        [sys.executable, "-c", script, str(photo)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert other.stdout == digest_of_outputs(photo)


def test_a_card_from_a_photo_is_cropped_about_its_centre(tmp_path):
    path = phone_photo(tmp_path / "lead.jpg", size=(1800, 1200), orientation=1)
    card = card_from_picture(path)
    image = open_bytes(card)
    assert (image.format, image.size) == ("JPEG", (1200, 630))
    assert card == card_from_picture(path)
    assert_no_metadata(card)


def test_a_transparent_png_card_is_laid_on_white(tmp_path):
    path = tmp_path / "logo.png"
    Image.new("RGBA", (1200, 630), (0, 0, 0, 0)).save(path)
    assert open_bytes(card_from_picture(path)).getpixel((600, 300)) == pytest.approx((255, 255, 255), abs=2)


# Line breaking, measured in characters for the test: one unit each.


def one_each(text: str) -> float:
    return float(len(text))


def lines_of(text: str, width: int) -> list[str]:
    return [text[start:end] for start, end in wrap(text, line_breaks(text), one_each, width, 100)]


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("seizes the window for growth", 12, ["seizes the", "window for", "growth"]),
        ("西咸新区抢抓创新驱动发展", 5, ["西咸新区抢", "抓创新驱动", "发展"]),
        # A comma never starts a line: the character before it goes down too.
        ("西咸新区抢，抓创新", 5, ["西咸新区", "抢，抓创新"]),
        # An opening quote never ends a line.
        ("西咸新区“秦创原”", 5, ["西咸新区", "“秦创原”"]),
        # Latin inside Chinese is kept whole; Chinese breaks on either side.
        ("前三季度GDP增长", 6, ["前三季度", "GDP增长"]),
        # A word wider than the line is cut where it must be.
        ("https://example.com/a", 10, ["https://ex", "ample.com/", "a"]),
    ],
)
def test_lines_break_where_a_typesetter_would(text, width, lines):
    assert lines_of(text, width) == lines


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    text = "西咸新区抢抓创新驱动发展窗口期，以“秦创原”为总窗口，全力打造科技成果转化的“加速器”（2024年）。"
    for width in range(4, 20):
        for line in lines_of(text, width):
            assert line[0] not in "，。、）」”", (width, line)
            assert line[-1] not in "（「“", (width, line)


def test_a_space_is_on_neither_line():
    assert line_breaks("ab cd") == [(2, 3), (5, 5)]


def test_the_largest_size_that_fits_in_four_lines_is_chosen():
    size, lines = fit_headline("word " * 10, lambda size: lambda s: len(s) * size, 1000, sizes=(100, 50))
    assert (size, lines) == (50, ["word word word word", "word word word word", "word word"])


def test_lines_are_balanced_rather_than_leaving_one_character_alone():
    _, lines = fit_headline("西咸新区抢抓创新驱动发展窗口期", lambda size: one_each, 14, sizes=(1,))
    assert lines == ["西咸新区抢抓创新", "驱动发展窗口期"]


def test_a_headline_too_long_for_four_lines_ends_with_an_ellipsis():
    size, lines = fit_headline("word " * 100, lambda size: one_each, 20, sizes=(2, 1))
    assert size == 1
    assert len(lines) == MAX_LINES
    assert lines[-1] == "word word word word…"


def test_shorten_leaves_no_comma_before_the_ellipsis():
    assert shorten("西咸新区，抢抓创新驱动", one_each, 6) == "西咸新区…"
