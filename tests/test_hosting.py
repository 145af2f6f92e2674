"""Ready for static hosting: addresses, metadata, sitemap, feeds, validity, weight, embargo."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import brotli
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from .conftest import ROOT, parse, run_build, tree_digest

BASE = "https://example.org/xixian-2023/"
SCHEMAS = ROOT / "tests" / "schemas"
TOOLS = ROOT / ".ci" / "tools" / "node_modules"
BEFORE_EMBARGO = "1679500000"  # 2023-03-22, two days before the embargo lifts
AFTER_EMBARGO = "1700000000"  # 2023-11-14


def require_tool(path: Path, what: str) -> Path:
    """Return a validator's path; in CI a missing validator is a failure, not a skip."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing at {path}: .ci/run installs it")
    pytest.skip(f"{what} not installed (run .ci/run, or npm install --prefix .ci/tools vnu-jar sitemap)")


# --- addresses -------------------------------------------------------------


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serve a folder under a sub-path, answering 404 with the site's 404.html, as static hosts do."""

    def __init__(self, *args, prefix: str, folder: Path, **kwargs):
        self.prefix = prefix
        self.folder = folder
        super().__init__(*args, directory=str(folder), **kwargs)

    def translate_path(self, path):
        path = urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(self.folder / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.folder / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve_folder():
    servers = []

    def start(folder: Path, prefix: str) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, prefix=prefix, folder=folder))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def references(url: str, body: bytes, content_type: str) -> list[str]:
    if "html" in content_type:
        soup = BeautifulSoup(body, "html.parser")
        refs = [e.get("href") for e in soup.find_all(["a", "link"]) if e.get("href")]
        refs += [e.get("src") for e in soup.find_all(["img", "script", "source", "iframe"]) if e.get("src")]
        return refs
    if "css" in content_type:
        return re.findall(r"url\(['\"]?([^'\")]+)", body.decode("utf-8"))
    if "xml" in content_type:
        tree = etree.fromstring(body)
        return [e.text for e in tree.iter("{*}loc")] + [e.get("href") for e in tree.iter("{*}link")]
    return []


def crawl(start: str, public_base: str, local_base: str) -> dict[str, int]:
    """Follow every reference from every page; map the public address to the local server."""
    seen: dict[str, int] = {}
    todo = [start, local_base + "sitemap.xml", local_base + "robots.txt", local_base + "favicon.ico"]
    while todo:
        url = todo.pop().split("#")[0]
        if url in seen:
            continue
        try:
            with urlopen(url, timeout=5) as response:
                seen[url], body, kind = (
                    response.status,
                    response.read(),
                    response.headers.get("Content-Type", ""),
                )
        except HTTPError as err:
            seen[url] = err.code
            continue
        for ref in references(url, body, kind):
            absolute = urljoin(url, ref)
            if absolute.startswith(public_base):
                absolute = local_base + absolute[len(public_base) :]
            assert absolute.startswith(local_base), f"{url} refers outside the site: {ref}"
            todo.append(absolute)
    return seen


@pytest.mark.parametrize("public_base", [BASE, "https://example.org/"], ids=["sub-path", "domain-root"])
def test_every_link_and_asset_resolves_when_hosted(project: Path, tmp_path: Path, serve_folder, public_base):
    out = tmp_path / "site"
    assert run_build(project, "build", "--out", str(out), "--base-url", public_base).returncode == 0
    prefix = urlsplit(public_base).path
    local = serve_folder(out, prefix)
    seen = crawl(local, public_base, local)
    missing = [url for url, status in seen.items() if status != 200]
    assert missing == []
    for kind in ("en/", "zh-hans/", "en/release.txt", "zh-hans/facts.csv", "en/facts.json", "en/feed.xml"):
        assert local + kind in seen


@pytest.mark.parametrize("public_base", [BASE, "https://example.org/"], ids=["sub-path", "domain-root"])
def test_404_page_works_at_any_depth(project: Path, tmp_path: Path, serve_folder, public_base):
    out = tmp_path / "site"
    assert run_build(project, "build", "--out", str(out), "--base-url", public_base).returncode == 0
    local = serve_folder(out, urlsplit(public_base).path)
    with pytest.raises(HTTPError) as missing:
        urlopen(local + "en/no/such/page/", timeout=5)
    assert missing.value.code == 404
    page = missing.value.read()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert [li["lang"] for li in soup.select(".language-choices li")] == ["en", "zh-Hans"]
    assert "您访问的页面不存在。" in soup.get_text()
    base = local + "en/no/such/page/"
    for ref in references(base, page, "text/html"):
        if ref.startswith("#"):
            continue
        with urlopen(urljoin(base, ref), timeout=5) as response:
            assert response.status == 200, ref


# --- metadata --------------------------------------------------------------


def head(site: Path, page: str) -> BeautifulSoup:
    return parse(site / page).head


def test_canonical_and_reciprocal_language_alternates(built_site: Path):
    expected = [("en", BASE + "en/"), ("zh-Hans", BASE + "zh-hans/"), ("x-default", BASE)]
    for page, canonical in (
        ("en/index.html", BASE + "en/"),
        ("zh-hans/index.html", BASE + "zh-hans/"),
        ("index.html", BASE),
    ):
        h = head(built_site, page)
        assert h.find("link", rel="canonical")["href"] == canonical
        assert [(link["hreflang"], link["href"]) for link in h.find_all("link", hreflang=True)] == expected


def test_social_cards_are_in_the_page_language(built_site: Path):
    en, zh = head(built_site, "en/index.html"), head(built_site, "zh-hans/index.html")

    def og(h, p):
        return [m["content"] for m in h.find_all("meta", property=p)]

    assert og(en, "og:locale") == ["en_US"] and og(en, "og:locale:alternate") == ["zh_CN"]
    assert og(zh, "og:locale") == ["zh_CN"] and og(zh, "og:locale:alternate") == ["en_US"]
    assert og(zh, "og:title") == ["西咸新区抢抓窗口期 跑出创新驱动发展“加速度”"]
    assert zh.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    assert zh.find("meta", attrs={"name": "description"})["content"].startswith("陕西西咸新区")


def json_ld(site: Path, page: str) -> dict:
    return json.loads(parse(site / page).find("script", type="application/ld+json").string)


def test_json_ld_describes_a_news_article_and_its_translation(built_site: Path):
    en, zh = json_ld(built_site, "en/index.html"), json_ld(built_site, "zh-hans/index.html")
    assert en["@type"] == zh["@type"] == "NewsArticle"
    assert en["datePublished"] == zh["datePublished"] == "2023-03-24T09:00:00+08:00"
    assert (en["inLanguage"], zh["inLanguage"]) == ("en", "zh-Hans")
    assert en["publisher"]["name"] == "Xixian New Area Administrative Committee"
    assert zh["sourceOrganization"]["name"] == "西咸新区管委会"
    assert en["isPartOf"] == {
        "@type": "WebSite",
        "name": "Xixian New Area: innovation-driven development",
        "url": BASE,
    }
    assert en["workTranslation"] == [
        {"@type": "NewsArticle", "@id": BASE + "zh-hans/", "inLanguage": "zh-Hans"}
    ]
    assert zh["translationOfWork"]["@id"] == BASE + "en/" == en["@id"]


def test_favicon_and_feed_are_announced(built_site: Path):
    h = head(built_site, "en/index.html")
    assert re.fullmatch(r"\.\./assets/favicon\.[0-9a-f]{10}\.svg", h.find("link", rel="icon")["href"])
    assert h.find("link", type="application/atom+xml")["href"] == "../en/feed.xml"
    assert (built_site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_robots_names_the_sitemap(built_site: Path):
    assert (built_site / "robots.txt").read_text(
        encoding="utf-8"
    ) == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"


# --- assets and compression ------------------------------------------------


def test_assets_are_fingerprinted_and_referenced_by_their_new_name(built_site: Path):
    css = list((built_site / "assets").glob("style.*.css"))
    assert len(css) == 1
    assert not (built_site / "assets" / "style.css").exists()
    digest = css[0].name.split(".")[1]
    import hashlib

    assert hashlib.sha256(css[0].read_bytes()).hexdigest()[:10] == digest
    assert f'href="../assets/{css[0].name}"' in (built_site / "en/index.html").read_text(encoding="utf-8")


def test_compress_writes_gzip_and_brotli_beside_every_text_file(project: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert run_build(project, "build", "--compress", "--out", str(out)).returncode == 0
    texts = [
        p for p in out.rglob("*") if p.suffix in (".html", ".css", ".xml", ".txt", ".json", ".csv", ".svg")
    ]
    assert len(texts) >= 15
    for path in texts:
        original = path.read_bytes()
        assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == original
        assert brotli.decompress(Path(f"{path}.br").read_bytes()) == original
    assert not (out / "favicon.ico.gz").exists()
    again = tmp_path / "again"
    assert run_build(project, "build", "--compress", "--out", str(again)).returncode == 0
    assert tree_digest(out) == tree_digest(again)


def test_each_page_weighs_under_25_kb_with_gzip(built_site: Path):
    css = next((built_site / "assets").glob("style.*.css")).read_bytes()
    for page in ("en/index.html", "zh-hans/index.html"):
        weight = len(gzip.compress((built_site / page).read_bytes(), 9)) + len(gzip.compress(css, 9))
        assert weight < 25 * 1024, (page, weight)


# --- sitemap and feeds -----------------------------------------------------


def test_sitemap_lists_every_page_with_its_alternates(built_site: Path):
    tree = etree.parse(str(built_site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", ns)
    assert [u.findtext("s:loc", namespaces=ns) for u in urls] == [BASE + "en/", BASE + "zh-hans/", BASE]
    for url in urls:
        assert [(link.get("hreflang"), link.get("href")) for link in url.findall("x:link", ns)] == [
            ("en", BASE + "en/"),
            ("zh-Hans", BASE + "zh-hans/"),
            ("x-default", BASE),
        ]
        assert url.findtext("s:lastmod", namespaces=ns) == "2023-03-24"


def test_sitemap_is_valid_against_the_sitemaps_org_schema(built_site: Path, tmp_path: Path):
    official = require_tool(
        TOOLS / "sitemap" / "schema" / "sitemap.xsd", "the sitemaps.org schema (npm package sitemap)"
    )
    wrapper = tmp_path / "all.xsd"
    wrapper.write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="{official.as_uri()}"/>'
        f'<xsd:import namespace="http://www.w3.org/1999/xhtml" schemaLocation="{(SCHEMAS / "xhtml-link.xsd").as_uri()}"/>'
        "</xsd:schema>",
        encoding="utf-8",
    )
    schema = etree.XMLSchema(etree.parse(str(wrapper)))
    assert schema.validate(etree.parse(str(built_site / "sitemap.xml"))), schema.error_log
    broken = etree.fromstring(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>2023-03-24</lastmod></url></urlset>'
    )
    assert not schema.validate(broken)


def atom_schema():
    import rnc2rng

    return etree.RelaxNG(
        etree.fromstring(rnc2rng.dumps(rnc2rng.load(str(SCHEMAS / "atom.rnc"))).encode("utf-8"))
    )


@pytest.mark.parametrize("code", ["en", "zh-hans"])
def test_atom_feed_is_valid(built_site: Path, code):
    feed = etree.parse(str(built_site / code / "feed.xml"))
    schema = atom_schema()
    assert schema.validate(feed), schema.error_log
    atom = {"a": "http://www.w3.org/2005/Atom"}
    # RFC 4287 rules stated in prose: an author for every entry (here, the
    # feed's), an alternate link for an entry without content, unique ids.
    assert feed.find("a:author/a:name", atom) is not None
    entries = feed.findall("a:entry", atom)
    assert len(entries) == 1
    for entry in entries:
        assert (
            entry.find("a:content", atom) is not None
            or entry.find("a:link[@rel='alternate']", atom) is not None
        )
    ids = [e.findtext("a:id", namespaces=atom) for e in entries]
    assert len(ids) == len(set(ids))
    assert (
        feed.getroot().get("{http://www.w3.org/XML/1998/namespace}lang")
        == {"en": "en", "zh-hans": "zh-Hans"}[code]
    )


def test_atom_schema_rejects_an_invalid_feed():
    bad = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>x</title><updated>2023-03-24</updated></feed>'
    )
    assert not atom_schema().validate(bad)


def test_feeds_and_sitemap_are_built_from_whatever_releases_exist(project: Path):
    from .test_pages import add_release

    add_release(project, "follow-up", "2023-04-02", "A follow-up release")
    assert run_build(project).returncode == 0
    site = project / "site"
    titles = [
        e.text for e in etree.parse(str(site / "en/feed.xml")).iter("{http://www.w3.org/2005/Atom}title")
    ]
    assert titles[1:] == [
        "A follow-up release",
        "West China’s Xixian New Area seizes its window for innovation-driven development",
    ]
    locs = [e.text for e in etree.parse(str(site / "sitemap.xml")).iter("{*}loc")]
    assert BASE + "en/follow-up/" in locs and BASE + "zh-hans/follow-up/" in locs
    assert (site / "en/follow-up/release.txt").exists()


# --- validity (Nu Html Checker) ----------------------------------------------


def test_every_html_file_passes_the_nu_html_checker(project: Path, tmp_path: Path):
    vnu = require_tool(
        TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu Html Checker (npm package vnu-jar)"
    )
    java = shutil.which("java")
    if java is None:
        require_tool(Path("/nonexistent/java"), "Java")
    from .test_pages import add_release

    add_release(project, "follow-up", "2023-04-02", "A follow-up release")
    out = tmp_path / "site"
    assert run_build(project, "build", "--out", str(out)).returncode == 0
    preview = tmp_path / "preview"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BEFORE_EMBARGO}
    assert (
        subprocess.run(
            [os.sys.executable, "build.py", "build", "--preview", "--out", str(preview)],
            cwd=project,
            env=env,
            capture_output=True,
        ).returncode
        == 0
    )
    pages = sorted(str(p) for folder in (out, preview) for p in folder.rglob("*.html"))
    assert len(pages) >= 12
    result = subprocess.run(
        [
            java,
            "-jar",
            str(vnu),
            "--format",
            "json",
            "--also-check-css",
            *pages,
            *map(str, out.glob("assets/*.css")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1, ensure_ascii=False)


# --- embargo -----------------------------------------------------------------


def build_at(project: Path, epoch: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run(
        [os.sys.executable, "build.py", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_embargoed_release_refuses_a_publishable_build(project: Path):
    assert run_build(project).returncode == 0
    before = tree_digest(project / "site")
    result = build_at(project, BEFORE_EMBARGO)
    assert result.returncode == 1
    assert (
        "content/schedule.toml:10: error: this release is under embargo until 2023-03-24T09:00:00+08:00"
        in result.stderr
    )
    assert "python build.py build --preview" in result.stderr
    assert tree_digest(project / "site") == before


def test_preview_build_marks_every_page_and_hides_it_from_search_engines(project: Path):
    result = build_at(project, BEFORE_EMBARGO, "build", "--preview")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    en, zh = parse(site / "en/index.html"), parse(site / "zh-hans/index.html")
    assert (
        en.select_one(".embargo").get_text()
        == "Embargoed until March 24, 2023, 09:00 Beijing time (March 24, 2023, 01:00 UTC)"
    )
    assert (
        zh.select_one(".embargo").get_text()
        == "禁发至北京时间2023年3月24日 09:00（协调世界时2023年3月24日 01:00）"
    )
    for soup in (en, zh, parse(site / "index.html")):
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert not list(etree.parse(str(site / "sitemap.xml")).iter("{*}url"))
    assert not list(etree.parse(str(site / "en/feed.xml")).iter("{http://www.w3.org/2005/Atom}entry"))
    assert (site / "en/release.txt").read_text(encoding="utf-8").startswith("EMBARGOED UNTIL MARCH 24, 2023")


def test_after_the_embargo_pages_carry_no_mark(project: Path):
    result = build_at(project, AFTER_EMBARGO)
    assert result.returncode == 0
    assert not parse(project / "site/en/index.html").select(".embargo")
    assert not parse(project / "site/en/index.html").find("meta", attrs={"name": "robots"})


def test_schedule_must_agree_with_the_release_date(project: Path):
    path = project / "content/schedule.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("published = 2023-03-24T09", "published = 2023-03-25T09"),
        encoding="utf-8",
    )
    result = run_build(project)
    assert result.returncode == 1
    assert (
        "content/schedule.toml:9: error: `published` is on 2023-03-25 but the fact `release_date` says 2023-03-24"
        in result.stderr
    )


# --- for journalists -------------------------------------------------------


def test_plain_text_is_wire_copy(built_site: Path):
    text = (built_site / "en/release.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("West China’s Xixian New Area")
    assert "XI’AN, China, March 24, 2023 /Xinhua=KYODO JBN/ -- Xixian New Area registered" in " ".join(lines)
    assert "Source: Xixian New Area Administrative Committee" in lines
    assert lines[-1] == "###"
    assert max(len(line) for line in lines) <= 72
    assert '"Since our settlement here' in text.replace("“", '"')


def test_chinese_plain_text_is_not_wrapped(built_site: Path):
    text = (built_site / "zh-hans/release.txt").read_text(encoding="utf-8")
    assert "中国西安 2023年3月24日 /Xinhua=KYODO JBN/——据西咸新区管委会介绍" in text
    assert "来源：西咸新区管委会" in text.splitlines()
    assert text.splitlines()[-1] == "###"
    assert any(len(line) > 72 for line in text.splitlines())


def test_facts_as_csv_and_json_with_values_in_the_page_language(built_site: Path):
    rows = list(
        csv.DictReader(io.StringIO((built_site / "zh-hans/facts.csv").read_text(encoding="utf-8-sig")))
    )
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == 30
    assert by_id["longi_project_investment"] == {
        "id": "longi_project_investment",
        "type": "money",
        "value": "45200000000",
        "text": "452亿元",
    }
    data = json.loads((built_site / "en/facts.json").read_text(encoding="utf-8"))
    facts = {f["id"]: f for f in data["facts"]}
    assert facts["industrial_investment_growth"] == {
        "id": "industrial_investment_growth",
        "type": "percent",
        "value": 81.6,
        "text": "81.6 percent",
    }
    assert data["release"]["published"] == "2023-03-24T09:00:00+08:00"


def test_page_links_to_the_press_kit(built_site: Path):
    links = [a["href"] for a in parse(built_site / "zh-hans/index.html").select(".downloads a")]
    assert links == ["release.txt", "facts.csv", "facts.json", "../zh-hans/feed.xml"]
