"""Photos in a release: declared per language, resized into media/, offered to journalists, shared as the card."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from PIL import Image

from .conftest import assert_each_edit_refused, fixture_project, parse, run_build, run_check, tree_digest

PHOTOS_EN = """
[images.park]
file = "park.jpg"
lead = true
alt = "Four glass buildings beside a lake"
caption = "The science park on opening day"
credit = "Photo: Lakeside District News Office"

[images.lab]
file = "lab.png"
section = "opening"
alt = "A researcher at a microscope"
caption = "One of the park's first laboratories"
credit = "Photo: Lakeside Science Park"
"""

PHOTOS_ZH = """
[images.park]
alt = "湖边的四栋玻璃建筑"
caption = "开园当天的科学园"
credit = "摄影：湖滨区新闻办公室"

[images.lab]
alt = "显微镜前的研究人员"
caption = "园区首批实验室之一"
"""


def write_photo(path: Path, size: tuple[int, int], mode: str = "RGB", gps: bool = False) -> None:
    image = Image.new(mode, size, (40, 120, 200) + ((128,) if mode == "RGBA" else ()))
    for x in range(0, size[0], 40):  # something to resize
        image.paste((250, 200, 30) + ((255,) if mode == "RGBA" else ()), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {2: (34.0, 20.0, 0.0), 4: (108.0, 56.0, 0.0)}  # GPSInfo: where it was taken
        exif[0x010F] = "Camera maker"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, exif=exif) if path.suffix == ".jpg" else image.save(path)


def project_with_photos(tmp_path: Path) -> Path:
    project = fixture_project(tmp_path / "project", "minimal")
    content = project / "content"
    write_photo(content / "images" / "park.jpg", (2400, 1600), gps=True)
    write_photo(content / "images" / "lab.png", (800, 600), mode="RGBA")
    for code, table in (("en", PHOTOS_EN), ("zh-hans", PHOTOS_ZH)):
        with (content / code / "release.toml").open("a", encoding="utf-8") as file:
            file.write(table)
    return project


def test_the_lead_photo_opens_the_page_and_others_follow_their_section(tmp_path: Path):
    project = project_with_photos(tmp_path)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    page = parse(project / "site" / "en" / "index.html")
    lead = page.select_one("article > figure.lead-photo img")
    assert lead.find_parent("figure").find_previous_sibling("header") is not None
    assert lead["fetchpriority"] == "high" and not lead.has_attr("loading")
    assert (
        lead["srcset"]
        == "../media/park-480.jpg 480w, ../media/park-960.jpg 960w, ../media/park-1600.jpg 1600w"
    )
    assert (lead["width"], lead["height"]) == ("1600", "1067")
    assert lead["alt"] == "Four glass buildings beside a lake"
    lab = page.select_one("section#opening figure.photo img")
    assert lab["loading"] == "lazy"
    # Never made larger than it is: an 800-px picture is published at 480 and 800.
    assert lab["srcset"] == "../media/lab-480.png 480w, ../media/lab-800.png 800w"
    assert (lab["width"], lab["height"]) == ("800", "600")
    caption = page.select_one("section#opening figcaption")
    assert (
        caption.get_text(" ", strip=True)
        == "One of the park's first laboratories Photo: Lakeside Science Park"
    )
    for name, size in (
        ("park-480.jpg", (480, 320)),
        ("park-1600.jpg", (1600, 1067)),
        ("lab-800.png", (800, 600)),
    ):
        with Image.open(project / "site" / "media" / name) as image:
            assert image.size == size
    with Image.open(project / "site" / "media" / "lab-480.png") as image:
        assert image.mode == "RGBA"


def test_each_language_has_its_words_and_borrows_the_missing_ones_marked(tmp_path: Path):
    project = project_with_photos(tmp_path)
    assert run_build(project).returncode == 0
    page = parse(project / "site" / "zh-hans" / "index.html")
    lead = page.select_one("figure.lead-photo")
    assert lead.img["alt"] == "湖边的四栋玻璃建筑"
    assert lead.img["src"] == "../media/park-960.jpg"
    credit = page.select_one("section#opening .credit")
    assert (credit.get_text(), credit["lang"]) == ("Photo: Lakeside Science Park", "en")
    result = run_check(project, "--format", "json")
    [warning] = [f for f in json.loads(result.stdout)["findings"] if "image `lab`" in f["message"]]
    assert warning["kind"] == "missing-translation"
    assert warning["path"] == "content/zh-hans/release.toml"
    assert "`credit`" in warning["message"]


def test_journalists_get_the_original_without_its_location(tmp_path: Path):
    project = project_with_photos(tmp_path)
    assert run_build(project).returncode == 0
    page = parse(project / "site" / "en" / "index.html")
    link = page.select_one('.downloads a[href="../media/park.jpg"]')
    assert link.get_text() == "Photo: The science park on opening day (JPEG, 2400 × 1600 pixels, full size)"
    original = project / "site" / "media" / "park.jpg"
    with Image.open(original) as image:
        assert image.size == (2400, 1600)
        assert not image.getexif()  # no GPS, no camera
    with Image.open(project / "content" / "images" / "park.jpg") as image:
        assert image.getexif()  # the editor's file is left as it was
    kit = zipfile.ZipFile(io.BytesIO((project / "site" / "en" / "press-kit.zip").read_bytes()))
    names = {name.split("/", 1)[1]: name for name in kit.namelist()}
    assert kit.read(names["park.jpg"]) == original.read_bytes()
    assert "lab.png" in names


def test_the_lead_photo_is_the_share_card_with_its_alt_text_in_each_language(tmp_path: Path):
    project = project_with_photos(tmp_path)
    assert run_build(project).returncode == 0
    for code, alt in (("en", "Four glass buildings beside a lake"), ("zh-hans", "湖边的四栋玻璃建筑")):
        head = parse(project / "site" / code / "index.html").head
        meta = {m["property"]: m["content"] for m in head.select("meta[property]")}
        assert meta["og:image"].endswith("/media/park-card.jpg")
        assert meta["og:image:alt"] == alt
        assert head.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    with Image.open(project / "site" / "media" / "park-card.jpg") as card:
        assert card.size == (1200, 630)
    assert not (project / "site" / "en" / "card.png").exists()


def test_without_a_lead_photo_each_language_gets_a_card_with_its_headline(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "minimal")
    assert run_build(project).returncode == 0
    cards = {}
    for code in ("en", "zh-hans"):
        page = parse(project / "site" / code / "index.html")
        meta = {m["property"]: m["content"] for m in page.head.select("meta[property]")}
        assert meta["og:image"].endswith(f"/{code}/card.png")
        assert meta["og:image:alt"] == page.h1.get_text()
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        cards[code] = (project / "site" / code / "card.png").read_bytes()
        with Image.open(io.BytesIO(cards[code])) as card:
            assert card.size == (1200, 630)
    assert cards["en"] != cards["zh-hans"]
    again = tmp_path / "again"
    assert run_build(project, "--out", str(again)).returncode == 0
    assert tree_digest(again) == tree_digest(project / "site")


def test_mistakes_with_photos_are_located_and_leave_the_site_as_it_was(tmp_path: Path):
    project = project_with_photos(tmp_path)
    assert run_build(project).returncode == 0
    images = project / "content" / "images"
    (images / "notes.jpg").write_text("not a photo", encoding="utf-8")
    write_photo(images / "tiny.jpg", (100, 80))
    cases = [
        ('file = "park.jpg"', 'file = "parc.jpg"', "the image file images/parc.jpg is missing"),
        ('file = "park.jpg"', 'file = "../site.toml"', "should be a file name in images/"),
        ('file = "park.jpg"', 'file = "notes.jpg"', "images/notes.jpg: "),
        ('file = "park.jpg"', 'file = "tiny.jpg"', "images/tiny.jpg: "),
        ('alt = "Four glass buildings beside a lake"', 'alt = ""', "has no `alt`"),
        ('section = "opening"', 'section = "openning"', "no section `openning`"),
        ('section = "opening"', "lead = true", "second lead photo"),
    ]
    assert_each_edit_refused(project, "content/en/release.toml", cases)


def test_a_photo_edit_reaches_the_site_through_the_cache(tmp_path: Path):
    project = project_with_photos(tmp_path)
    assert run_build(project).returncode == 0
    write_photo(project / "content" / "images" / "lab.png", (1000, 500), mode="RGBA")
    assert run_build(project).returncode == 0
    lab = parse(project / "site" / "en" / "index.html").select_one("section#opening img")
    assert (lab["width"], lab["height"]) == ("1000", "500")
    clean = tmp_path / "clean"
    assert run_build(project, "--out", str(clean), "--no-cache").returncode == 0
    assert tree_digest(clean) == tree_digest(project / "site")


def test_a_further_release_keeps_its_photos_in_its_own_folder(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    release = project / "content" / "releases" / "harbour-bridge"
    write_photo(release / "images" / "bridge.jpg", (1200, 800))
    write_photo(project / "content" / "images" / "bridge.jpg", (640, 480))  # the main release's own
    table = '\n[images.bridge]\n{}alt = "{}"\ncaption = "{}"\ncredit = "{}"\n'
    words = {
        "en": (
            'file = "bridge.jpg"\nlead = true\n',
            "A bridge over a harbour",
            "The bridge",
            "Photo: Harbour Office",
        )
    }
    words["zh-hans"] = ("", "港口上的一座桥", "大桥", "摄影：港务办公室")
    for code, fields in words.items():
        with (release / code / "release.toml").open("a", encoding="utf-8") as file:
            file.write(table.format(*fields))
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    page = parse(project / "site" / "zh-hans" / "harbour-bridge" / "index.html")
    lead = page.select_one("figure.lead-photo img")
    assert lead["src"] == "../../media/harbour-bridge/bridge-960.jpg"
    assert lead["alt"] == "港口上的一座桥"
    meta = {m["property"]: m["content"] for m in page.head.select("meta[property]")}
    assert meta["og:image"].endswith("/media/harbour-bridge/bridge-card.jpg")
    made = sorted(p.name for p in (project / "site" / "media" / "harbour-bridge").iterdir())
    assert made == ["bridge-1200.jpg", "bridge-480.jpg", "bridge-960.jpg", "bridge-card.jpg", "bridge.jpg"]
    # The main release has no [images]: its photo file is not published.
    assert not (project / "site" / "media" / "bridge.jpg").exists()
