"""Ready for static hosting, shown on the fixture projects: addresses, metadata, sitemap, feeds, validity,
weight, embargo and the press kit.

Addresses, names, dates and figures are read from each fixture's own files;
tests/test_site_shipped.py checks the shipped release itself.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import gzip
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import brotli
import pytest
from babel.dates import format_datetime
from bs4 import BeautifulSoup
from lxml import etree

from microsite.write.output import MARKER

from .conftest import (
    FIXTURES,
    ROOT,
    Content,
    expand,
    fixture_project,
    machine_value,
    parse,
    run_build,
    straight,
    tree_digest,
)

SCHEMAS = ROOT / "tests" / "schemas"
TOOLS = ROOT / ".ci" / "tools" / "node_modules"
ATOM = "http://www.w3.org/2005/Atom"
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
EMBARGO_MESSAGE = "Embargoed until %(beijing)s Beijing time (%(utc)s UTC)"
TEXT_SUFFIXES = (".html", ".css", ".xml", ".txt", ".json", ".csv", ".svg")


def require_tool(path: Path, what: str) -> Path:
    """Return a validator's path; in CI a missing validator is a failure, not a skip."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing at {path}: .ci/run installs it")
    pytest.skip(f"{what} not installed (run .ci/run, or npm install --prefix .ci/tools vnu-jar sitemap)")


def root_of(slug: str) -> str:
    return "../../" if slug else "../"


def domain_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def kit_files(content: Content) -> list[str]:
    """Return every press-kit file: plain text, CSV and JSON beside each release page."""
    return [
        page.replace("index.html", name)
        for page in content.release_pages()
        for name in ("release.txt", "facts.csv", "facts.json")
    ]


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


@pytest.mark.parametrize("where", ["sub-path", "domain-root"])
def test_every_link_and_asset_resolves_when_hosted(tmp_path: Path, serve_folder, where):
    project = fixture_project(tmp_path / "project", "two-releases")
    content = Content(project)
    assert urlsplit(content.base_url).path != "/", "this fixture is published under a sub-path"
    public_base = content.base_url if where == "sub-path" else domain_root(content.base_url)
    out = tmp_path / "site"
    assert run_build(project, "build", "--out", str(out), "--base-url", public_base).returncode == 0
    local = serve_folder(out, urlsplit(public_base).path)
    seen = crawl(local, public_base, local)
    missing = [url for url, status in seen.items() if status != 200]
    assert missing == []
    reachable = [
        *(page.removesuffix("index.html") for page in content.release_pages()),
        *kit_files(content),
        *(page.replace("index.html", "press-kit.zip") for page in content.release_pages()),
        *(f"{code}/feed.xml" for code in content.codes),
    ]
    assert [path for path in reachable if local + path not in seen] == []


@pytest.mark.parametrize("where", ["sub-path", "domain-root"])
def test_404_page_works_at_any_depth(tmp_path: Path, serve_folder, where):
    project = fixture_project(tmp_path / "project", "two-releases")
    content = Content(project)
    public_base = content.base_url if where == "sub-path" else domain_root(content.base_url)
    out = tmp_path / "site"
    assert run_build(project, "build", "--out", str(out), "--base-url", public_base).returncode == 0
    local = serve_folder(out, urlsplit(public_base).path)
    with pytest.raises(HTTPError) as missing:
        urlopen(local + f"{content.source['code']}/no/such/page/", timeout=5)
    assert missing.value.code == 404
    page = missing.value.read()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    choices = soup.select(".language-choices li")
    assert [li["lang"] for li in choices] == [lang["html_lang"] for lang in content.languages]
    heading = soup.h1.find_all("span")
    assert [span["lang"] for span in heading] == [lang["html_lang"] for lang in content.languages]
    for span, code in zip(heading, content.codes):
        assert span.get_text() == content.interface(code, "Page not found")
    notes = [li.select_one(".choice-note").get_text() for li in choices]
    assert notes == [content.interface(code, "This page does not exist.") for code in content.codes]
    # Its styles come with it: a host may serve it under any path, at any depth.
    assert soup.find("link", rel="stylesheet") is None and "font-family" in soup.style.get_text()
    base = local + f"{content.source['code']}/no/such/page/"
    for ref in references(base, page, "text/html"):
        if ref.startswith("#"):
            continue
        with urlopen(urljoin(base, ref), timeout=5) as response:
            assert response.status == 200, ref


# --- metadata --------------------------------------------------------------


def head(site: Path, page: str) -> BeautifulSoup:
    return parse(site / page).head


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds")


@pytest.mark.parametrize("name", ["minimal", "two-releases", "three-languages"])
def test_canonical_and_reciprocal_language_alternates(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    site = project / "site"
    for slug in content.slugs():
        # The front door lets a visitor choose; a further release defaults to the source language.
        default = content.url(None) if not slug else content.url(content.source["code"], slug)
        expected = [(lang["html_lang"], content.url(lang["code"], slug)) for lang in content.languages]
        expected.append(("x-default", default))
        pages = [(content.page(code, slug), content.url(code, slug)) for code in content.codes]
        if not slug:
            pages.append(("index.html", content.url(None)))
        for page, canonical in pages:
            h = head(site, page)
            assert h.find("link", rel="canonical")["href"] == canonical
            assert [
                (link["hreflang"], link["href"]) for link in h.find_all("link", hreflang=True)
            ] == expected


def og(h: BeautifulSoup, prop: str) -> list[str]:
    return [m["content"] for m in h.find_all("meta", property=prop)]


@pytest.mark.parametrize("name", ["minimal", "three-languages"])
def test_social_cards_are_in_the_page_language(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    published = iso(content.schedule()["published"])
    for lang in content.languages:
        code = lang["code"]
        release = content.release(code)
        h = head(project / "site", content.page(code))
        assert og(h, "og:locale") == [lang["og_locale"]]
        assert og(h, "og:locale:alternate") == [
            other["og_locale"] for other in content.languages if other != lang
        ]
        assert og(h, "og:site_name") == [lang["site_name"]]
        assert og(h, "og:url") == [content.url(code)]
        assert og(h, "article:published_time") == [published]
        assert [straight(t) for t in og(h, "og:title")] == [release["headline"]]
        assert [straight(t) for t in og(h, "og:description")] == [release["description"]]
        assert h.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
        # No lead photo: the card shows the headline, drawn beside the page, in its language.
        card = content.url(code) + "card.png"
        assert og(h, "og:image") == [card]
        assert h.find("meta", attrs={"name": "twitter:image"})["content"] == card
        assert [straight(t) for t in og(h, "og:image:alt")] == [release["headline"]]
        assert (project / "site" / content.page(code).replace("index.html", "card.png")).is_file()
        assert straight(h.find("meta", attrs={"name": "twitter:title"})["content"]) == release["headline"]
        assert straight(h.find("meta", attrs={"name": "description"})["content"]) == release["description"]


def json_ld(site: Path, page: str) -> dict:
    return json.loads(parse(site / page).find("script", type="application/ld+json").string)


@pytest.mark.parametrize("name", ["minimal", "two-releases", "three-languages"])
def test_json_ld_describes_a_news_article_and_its_translations(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    source = content.source
    for slug in content.slugs():
        for lang in content.languages:
            code = lang["code"]
            release = content.release(code, slug)
            data = json_ld(project / "site", content.page(code, slug))
            url = content.url(code, slug)
            assert data["@type"] == "NewsArticle"
            assert data["@id"] == data["url"] == data["mainEntityOfPage"] == url
            assert data["datePublished"] == iso(content.schedule(slug)["published"])
            assert data["inLanguage"] == lang["html_lang"]
            assert data["image"] == [url + "card.png"]  # the share card, with the headline in this language
            assert data["publisher"] == {"@type": "Organization", "name": release["issuer"]}
            assert data["sourceOrganization"] == {"@type": "Organization", "name": release["source"]}
            assert data["isPartOf"] == {
                "@type": "WebSite",
                "name": lang["site_name"],
                "url": content.base_url,
            }
            if lang == source:
                assert data["workTranslation"] == [
                    {
                        "@type": "NewsArticle",
                        "@id": content.url(o["code"], slug),
                        "inLanguage": o["html_lang"],
                    }
                    for o in content.languages
                    if o != source
                ]
            else:
                assert "workTranslation" not in data
                assert data["translationOfWork"] == {
                    "@type": "NewsArticle",
                    "@id": content.url(source["code"], slug),
                    "inLanguage": source["html_lang"],
                }


def test_favicon_and_feed_are_announced(built_fixture):
    project = built_fixture("two-releases")
    content = Content(project)
    site = project / "site"
    for slug in content.slugs():
        for code in content.codes:
            h = head(site, content.page(code, slug))
            root = re.escape(root_of(slug))
            assert re.fullmatch(
                rf"{root}assets/favicon\.[0-9a-f]{{10}}\.svg", h.find("link", rel="icon")["href"]
            )
            assert h.find("link", type="application/atom+xml")["href"] == f"{root_of(slug)}{code}/feed.xml"
    assert (site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_robots_names_the_sitemap(built_fixture):
    project = built_fixture("two-releases")
    base = Content(project).base_url
    assert (project / "site" / "robots.txt").read_text(
        encoding="utf-8"
    ) == f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"


# --- assets and compression ------------------------------------------------


def test_assets_are_fingerprinted_and_referenced_by_their_new_name(built_fixture):
    project = built_fixture("two-releases")
    content = Content(project)
    site = project / "site"
    css = list((site / "assets").glob("style.*.css"))
    assert len(css) == 1
    assert not (site / "assets" / "style.css").exists()
    digest = css[0].name.split(".")[1]
    assert hashlib.sha256(css[0].read_bytes()).hexdigest()[:10] == digest
    for slug in content.slugs():
        for code in content.codes:
            html = (site / content.page(code, slug)).read_text(encoding="utf-8")
            assert f'href="{root_of(slug)}assets/{css[0].name}"' in html


def test_compress_writes_gzip_and_brotli_beside_every_text_file(minimal: Path, tmp_path: Path):
    content = Content(minimal)
    plain, out = tmp_path / "plain", tmp_path / "site"
    assert run_build(minimal, "build", "--out", str(plain)).returncode == 0
    assert run_build(minimal, "build", "--compress", "--out", str(out)).returncode == 0
    files = {p.relative_to(plain).as_posix() for p in plain.rglob("*") if p.is_file() and p.name != MARKER}
    texts = {path for path in files if path.endswith(TEXT_SUFFIXES)}
    assets = {path for path in files if path.startswith("assets/")}
    pages = {"index.html", "404.html", *content.release_pages()}
    feeds = {f"{code}/feed.xml" for code in content.codes}
    assert texts == pages | feeds | assets | {"sitemap.xml", "robots.txt", *kit_files(content)}
    compressed = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER}
    assert compressed == files | {f"{path}.gz" for path in texts} | {f"{path}.br" for path in texts}
    for path in texts:
        original = (out / path).read_bytes()
        assert original == (plain / path).read_bytes()
        assert gzip.decompress((out / f"{path}.gz").read_bytes()) == original
        assert brotli.decompress((out / f"{path}.br").read_bytes()) == original
    assert not (out / "favicon.ico.gz").exists()
    again = tmp_path / "again"
    assert run_build(minimal, "build", "--compress", "--out", str(again)).returncode == 0
    assert tree_digest(out) == tree_digest(again)


# The rich release carries photos' markup, two charts and a media contact.
@pytest.mark.parametrize("name", ["minimal", "rich", "two-releases", "three-languages", "every-fact-type"])
def test_each_page_weighs_under_25_kb_with_gzip(built_fixture, name):
    project = built_fixture(name)
    site = project / "site"
    css = next((site / "assets").glob("style.*.css")).read_bytes()
    for page in Content(project).release_pages():
        weight = len(gzip.compress((site / page).read_bytes(), 9)) + len(gzip.compress(css, 9))
        assert weight < 25 * 1024, (page, weight)


# --- sitemap and feeds -----------------------------------------------------


@pytest.mark.parametrize("name", ["two-releases", "three-languages"])
def test_sitemap_lists_every_page_with_its_alternates(built_fixture, name):
    project = built_fixture(name)
    content = Content(project)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = etree.parse(str(project / "site" / "sitemap.xml")).findall("s:url", ns)
    expected = []
    for slug in content.slugs():
        default = content.url(None) if not slug else content.url(content.source["code"], slug)
        links = [(lang["html_lang"], content.url(lang["code"], slug)) for lang in content.languages]
        links.append(("x-default", default))
        lastmod = content.schedule(slug)["published"].date().isoformat()
        pages = [content.url(code, slug) for code in content.codes] + (
            [content.url(None)] if not slug else []
        )
        expected += [(page, lastmod, links) for page in pages]
    assert [
        (
            url.findtext("s:loc", namespaces=ns),
            url.findtext("s:lastmod", namespaces=ns),
            [(link.get("hreflang"), link.get("href")) for link in url.findall("x:link", ns)],
        )
        for url in urls
    ] == expected


@pytest.mark.parametrize("name", ["two-releases", "three-languages"])
def test_sitemap_is_valid_against_the_sitemaps_org_schema(built_fixture, tmp_path: Path, name):
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
    assert schema.validate(etree.parse(str(built_fixture(name) / "site" / "sitemap.xml"))), schema.error_log
    broken = etree.fromstring(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>2023-03-24</lastmod></url></urlset>'
    )
    assert not schema.validate(broken)


def atom_schema():
    import rnc2rng

    return etree.RelaxNG(
        etree.fromstring(rnc2rng.dumps(rnc2rng.load(str(SCHEMAS / "atom.rnc"))).encode("utf-8"))
    )


def feed_cases() -> list[tuple[str, str]]:
    return [
        (name, code)
        for name in ("two-releases", "three-languages")
        for code in Content(FIXTURES / name).codes
    ]


@pytest.mark.parametrize(("name", "code"), feed_cases())
def test_atom_feed_is_valid(built_fixture, name, code):
    project = built_fixture(name)
    content = Content(project)
    feed = etree.parse(str(project / "site" / code / "feed.xml"))
    schema = atom_schema()
    assert schema.validate(feed), schema.error_log
    atom = {"a": ATOM}
    # RFC 4287 rules stated in prose: an author for every entry (here, the
    # feed's), an alternate link for an entry without content, unique ids.
    assert feed.find("a:author/a:name", atom) is not None
    entries = feed.findall("a:entry", atom)
    assert len(entries) == len(content.slugs())
    for entry in entries:
        assert (
            entry.find("a:content", atom) is not None
            or entry.find("a:link[@rel='alternate']", atom) is not None
        )
    ids = [e.findtext("a:id", namespaces=atom) for e in entries]
    assert len(ids) == len(set(ids))
    assert (
        feed.getroot().get("{http://www.w3.org/XML/1998/namespace}lang")
        == content.language(code)["html_lang"]
    )
    assert feed.findtext("a:title", namespaces=atom) == content.language(code)["site_name"]


def test_atom_schema_rejects_an_invalid_feed():
    bad = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>x</title><updated>2023-03-24</updated></feed>'
    )
    assert not atom_schema().validate(bad)


def add_release(project: Path, slug: str, day: datetime.date, headline: str) -> None:
    """Copy the project's first further release into content/releases/SLUG/ with another date and headline."""
    content = Content(project)
    model = content.slugs()[1]
    folder = content.folder(slug)
    shutil.copytree(content.folder(model), folder)
    old = content.facts(model)["release_date"]["value"].isoformat()
    for name in ("facts.toml", "schedule.toml"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, day.isoformat()), encoding="utf-8")
    path = folder / content.source["code"] / "release.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r'^headline = ".*"$', f'headline = "{headline}"', text, count=1, flags=re.M), encoding="utf-8"
    )


def test_feeds_and_sitemap_are_built_from_whatever_releases_exist(tmp_path: Path):
    project = fixture_project(tmp_path / "project", "two-releases")
    newest = max(Content(project).schedule(s)["published"] for s in Content(project).slugs())
    add_release(project, "follow-up", newest.date() + datetime.timedelta(days=10), "A follow-up release")
    assert run_build(project).returncode == 0
    content = Content(project)
    site = project / "site"
    newest_first = sorted(content.slugs(), key=lambda s: content.schedule(s)["published"], reverse=True)
    assert newest_first[0] == "follow-up"
    for code in content.codes:
        feed = etree.parse(str(site / code / "feed.xml"))
        titles = [straight(e.text) for e in feed.iter(f"{{{ATOM}}}title")]
        assert titles[1:] == [content.release(code, slug)["headline"] for slug in newest_first]
    locs = [e.text for e in etree.parse(str(site / "sitemap.xml")).iter("{*}loc")]
    for slug in content.slugs():
        for code in content.codes:
            assert content.url(code, slug) in locs
            assert (site / content.page(code, slug).replace("index.html", "release.txt")).exists()


# --- validity (Nu Html Checker) ----------------------------------------------


def test_every_html_file_passes_the_nu_html_checker(built_fixture, tmp_path: Path):
    vnu = require_tool(
        TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu Html Checker (npm package vnu-jar)"
    )
    java = shutil.which("java")
    if java is None:
        require_tool(Path("/nonexistent/java"), "Java")
    sites = [
        built_fixture(name) / "site"
        for name in ("minimal", "rich", "two-releases", "three-languages", "every-fact-type")
    ]
    # A marked preview of embargoed releases, too: every release of two-releases under embargo.
    project = fixture_project(tmp_path / "project", "two-releases")
    embargoes = [add_embargo(project, slug) for slug in Content(project).slugs()]
    preview = tmp_path / "preview"
    result = build_at(project, before(min(embargoes)), "build", "--preview", "--out", str(preview))
    assert result.returncode == 0, result.stderr
    assert parse(preview / Content(project).page(Content(project).source["code"])).select(".embargo")
    sites.append(preview)
    pages = sorted(str(p) for folder in sites for p in folder.rglob("*.html"))
    projects = [folder.parent for folder in sites[:-1]] + [project]
    assert len(pages) == sum(len(Content(p).release_pages()) + 2 for p in projects)
    stylesheets = sorted(str(css) for folder in sites for css in folder.glob("assets/*.css"))
    result = subprocess.run(
        [java, "-jar", str(vnu), "--format", "json", "--also-check-css", *pages, *stylesheets],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1, ensure_ascii=False)


# --- embargo -----------------------------------------------------------------


def add_embargo(project: Path, slug: str = "") -> datetime.datetime:
    """Embargo a release until an hour before it is published; return the embargo moment."""
    content = Content(project)
    embargo = content.schedule(slug)["published"] - datetime.timedelta(hours=1)
    path = content.folder(slug) / "schedule.toml"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\nembargo = {embargo.isoformat()}\n", encoding="utf-8")
    return embargo


def before(moment: datetime.datetime) -> str:
    """Return SOURCE_DATE_EPOCH for two days before a moment."""
    return str(int((moment - datetime.timedelta(days=2)).timestamp()))


def after(moment: datetime.datetime) -> str:
    """Return SOURCE_DATE_EPOCH for a day after a moment."""
    return str(int((moment + datetime.timedelta(days=1)).timestamp()))


def build_at(project: Path, epoch: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def embargo_notice(content: Content, code: str, embargo: datetime.datetime) -> str:
    """Return the embargo notice as the language's catalog and date-time pattern write it."""
    language = content.language(code)
    pattern, locale = language["style"]["datetime"], language["locale"]
    moments = {
        "beijing": format_datetime(embargo.astimezone(BEIJING), pattern, locale=locale),
        "utc": format_datetime(embargo.astimezone(datetime.UTC), pattern, locale=locale),
    }
    return content.interface(code, EMBARGO_MESSAGE) % moments


def line_of(path: Path, start: str) -> int:
    """Return the number of the first line of a file that starts with `start`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(start))


def test_embargoed_release_refuses_a_publishable_build(minimal: Path):
    embargo = add_embargo(minimal)
    assert build_at(minimal, after(embargo)).returncode == 0
    built = tree_digest(minimal / "site")
    result = build_at(minimal, before(embargo))
    assert result.returncode == 1
    line = line_of(minimal / "content" / "schedule.toml", "embargo")
    assert (
        f"content/schedule.toml:{line}: error: this release is under embargo until {iso(embargo)}"
        in result.stderr
    )
    assert "python build.py build --preview" in result.stderr
    assert tree_digest(minimal / "site") == built


def test_preview_build_marks_every_page_and_hides_it_from_search_engines(minimal: Path):
    embargo = add_embargo(minimal)
    result = build_at(minimal, before(embargo), "build", "--preview")
    assert result.returncode == 0, result.stderr
    content = Content(minimal)
    site = minimal / "site"
    for code in content.codes:
        if code != content.source["code"]:
            assert content.interface(code, EMBARGO_MESSAGE) != EMBARGO_MESSAGE, (
                f"{code} translates the notice"
            )
        notice = embargo_notice(content, code, embargo)
        assert parse(site / content.page(code)).select_one(".embargo").get_text() == notice
        first = (site / code / "release.txt").read_text(encoding="utf-8-sig").split("\n\n")[0]
        assert " ".join(first.split("\n")) == notice.upper()
    for page in ("index.html", *content.release_pages()):
        assert parse(site / page).find("meta", attrs={"name": "robots"})["content"] == "noindex", page
    assert not list(etree.parse(str(site / "sitemap.xml")).iter("{*}url"))
    for code in content.codes:
        assert not list(etree.parse(str(site / code / "feed.xml")).iter(f"{{{ATOM}}}entry"))


def test_after_the_embargo_pages_carry_no_mark(minimal: Path):
    embargo = add_embargo(minimal)
    result = build_at(minimal, after(embargo))
    assert result.returncode == 0
    for page in ("index.html", *Content(minimal).release_pages()):
        soup = parse(minimal / "site" / page)
        assert not soup.select(".embargo"), page
        assert not soup.find("meta", attrs={"name": "robots"}), page


def test_an_embargo_that_ends_between_two_builds_is_seen_though_no_file_changed(minimal: Path):
    embargo = add_embargo(minimal)
    assert build_at(minimal, before(embargo), "build", "--preview").returncode == 0
    cached = build_at(minimal, after(embargo), "build", "--preview")
    assert cached.returncode == 0, cached.stderr
    built = tree_digest(minimal / "site")
    shutil.rmtree(minimal / "site")
    assert build_at(minimal, after(embargo), "build", "--preview", "--no-cache").returncode == 0
    assert tree_digest(minimal / "site") == built
    assert not parse(minimal / "site" / "index.html").select(".embargo")


def test_schedule_must_agree_with_the_release_date(minimal: Path):
    content = Content(minimal)
    path = content.folder() / "schedule.toml"
    published = content.schedule()["published"]
    later = published + datetime.timedelta(days=1)
    path.write_text(
        path.read_text(encoding="utf-8").replace(published.isoformat(), later.isoformat()), encoding="utf-8"
    )
    result = run_build(minimal)
    assert result.returncode == 1
    line = line_of(path, "published")
    release_date = content.facts()["release_date"]["value"]
    assert (
        f"content/schedule.toml:{line}: error: `published` is on {later.date().isoformat()} "
        f"but the fact `release_date` says {release_date.isoformat()}" in result.stderr
    )


# --- for journalists -------------------------------------------------------


def wire_copy(content: Content, code: str) -> list[str]:
    """Return the blocks the plain text of a release should hold, from the fixture's files and golden values."""
    release, written = content.release(code), content.golden()[code]
    latin = content.language(code)["typography"] == "latin"
    place = content.interface(code, "%(place)s, %(date)s") % {
        "place": release["dateline_place"],
        "date": written["release_date"],
    }
    lead = f"{place} /{release['distributor']}/" + (" -- " if latin else "——")
    blocks = [expand(release["headline"], written), expand(release["subhead"], written)]
    for number, section in enumerate(content.sections(code)):
        if number:  # the dateline opens the copy; later sections keep their titles
            blocks.append(expand(section["title"], written))
        for paragraph in section["body"].split("\n\n"):
            blocks.append(lead + expand(paragraph, written))
            lead = ""
    source = content.interface(code, "Source: %(source)s") % {"source": release["source"]}
    return [*blocks, source, "###"]


def test_plain_text_is_wire_copy(built_fixture):
    project = built_fixture("every-fact-type")
    content = Content(project)
    code = next(lang["code"] for lang in content.languages if lang["typography"] == "latin")
    text = (project / "site" / code / "release.txt").read_text(encoding="utf-8-sig")
    assert text.endswith("\n###\n")
    blocks = [" ".join(block.split("\n")) for block in text.rstrip("\n").split("\n\n")]
    assert [straight(block) for block in blocks] == wire_copy(content, code)
    assert max(len(line) for line in text.splitlines()) <= 72
    assert '"' not in text and "'" not in text  # typeset quotes and apostrophes


def test_chinese_plain_text_is_not_wrapped(built_fixture):
    project = built_fixture("every-fact-type")
    content = Content(project)
    code = next(lang["code"] for lang in content.languages if lang["typography"] == "cjk")
    text = (project / "site" / code / "release.txt").read_text(encoding="utf-8-sig")
    assert text.rstrip("\n").split("\n\n") == wire_copy(content, code)
    assert any(len(line) > 72 for line in text.splitlines())


COLUMNS = ["id", "type", "value", "qualifier", "unit", "text", "label"]


def test_facts_as_csv_and_json_with_values_in_the_page_language(built_fixture):
    project = built_fixture("every-fact-type")
    content = Content(project)
    facts = content.facts()
    currency = content.site["site"]["currency"]
    for lang in content.languages:
        code = lang["code"]
        written, labels = content.golden()[code], content.release(code)["figures"]
        expected = {
            fact_id: {
                "id": fact_id,
                "type": fact["type"],
                "value": machine_value(fact),
                "qualifier": fact.get("qualifier", ""),
                "unit": fact.get("unit")
                or fact.get("currency")
                or (currency if fact["type"] == "money" else ""),
                "text": written[fact_id],
                "label": expand(labels.get(fact_id, ""), written),
            }
            for fact_id, fact in facts.items()
        }
        reader = csv.DictReader(
            io.StringIO((project / "site" / code / "facts.csv").read_text(encoding="utf-8-sig"))
        )
        rows = list(reader)
        assert reader.fieldnames == COLUMNS
        assert len(rows) == len(facts)
        assert {row["id"]: {**row, "label": straight(row["label"])} for row in rows} == expected
        data = json.loads((project / "site" / code / "facts.json").read_text(encoding="utf-8"))
        typed = {
            fact_id: {**row, "value": row["value"] if fact["type"] in ("date", "month") else fact["value"]}
            for (fact_id, row), fact in zip(expected.items(), facts.values())
        }
        assert len(data["facts"]) == len(facts)
        assert {f["id"]: {**f, "label": straight(f["label"])} for f in data["facts"]} == typed
        release = content.release(code)
        assert {**data["release"], "headline": straight(data["release"]["headline"])} == {
            "headline": expand(release["headline"], written),
            "language": lang["html_lang"],
            "published": iso(content.schedule()["published"]),
            "url": content.url(code),
            "issuer": release["issuer"],
            "source": release["source"],
        }


def test_page_links_to_the_press_kit(built_fixture):
    project = built_fixture("two-releases")
    content = Content(project)
    for slug in content.slugs():
        for code in content.codes:
            links = [
                a["href"] for a in parse(project / "site" / content.page(code, slug)).select(".downloads a")
            ]
            assert links == [
                "release.txt",
                "facts.csv",
                "facts.json",
                "press-kit.zip",
                f"{root_of(slug)}{code}/feed.xml",
            ]


def test_plain_text_is_read_as_utf8_from_a_host_that_sends_no_charset(built_fixture, serve_folder):
    # Python's http.server, livereload and many hosts send text/plain with no charset; then only a
    # byte-order mark tells a browser the file is UTF-8 (facts.csv carries one for spreadsheets).
    project = built_fixture("two-releases")
    content = Content(project)
    local = serve_folder(project / "site", urlsplit(content.base_url).path)
    for page in content.release_pages():
        with urlopen(local + page.replace("index.html", "release.txt"), timeout=5) as response:
            kind, body = response.headers["Content-Type"], response.read()
        assert kind == "text/plain", "the host sends no charset"
        assert body.startswith(codecs.BOM_UTF8), page


def test_the_press_kit_zip_holds_each_file_as_it_is_published_the_same_bytes_every_build(
    built_fixture, tmp_path: Path
):
    project = built_fixture("two-releases")
    content = Content(project)
    site = project / "site"
    again = tmp_path / "again"
    assert run_build(project, "build", "--out", str(again)).returncode == 0
    published = content.schedule()["published"]
    for slug in content.slugs():
        for code in content.codes:
            page = content.page(code, slug)
            kit = site / page.replace("index.html", "press-kit.zip")
            folder = f"{slug or 'press-kit'}-{code}"
            with zipfile.ZipFile(kit) as archive:
                names = archive.namelist()
                assert names == [f"{folder}/{name}" for name in ("release.txt", "facts.csv", "facts.json")]
                for name in names:
                    beside = site / page.replace("index.html", name.split("/")[1])
                    assert archive.read(name) == beside.read_bytes(), name
                    if not slug:
                        assert archive.getinfo(name).date_time == published.timetuple()[:6]
                assert archive.testzip() is None
            assert kit.read_bytes() == (again / kit.relative_to(site)).read_bytes(), (
                "not the same bytes twice"
            )


@pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")
def test_the_site_is_readable_by_a_web_server_whatever_the_umask(tmp_path: Path):
    # A private umask (077) must not make pages a web server cannot read.
    project = fixture_project(tmp_path / "project", "minimal")
    command = f"umask 077 && exec {shlex.quote(sys.executable)} build.py build"
    result = subprocess.run(["sh", "-c", command], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    # Then a build that only brings the site up to date, making a folder again.
    shutil.rmtree(site / "en")
    again = subprocess.run(["sh", "-c", command], cwd=project, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert (site / "en" / "index.html").is_file()
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
