"""A real browser for the tests: Debian's Chromium through its chromedriver, a local server, axe-core."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / ".ci" / "tools" / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = ROOT / ".ci" / "tools" / "node_modules" / ".bin" / "lighthouse"
INSTALL_HINT = (
    "apt-get install chromium chromium-driver fonts-noto-cjk, and the npm install line of .ci/run"
    " for axe-core and Lighthouse"
)
# This machine reaches no network but the package registries: without these flags Chromium
# keeps trying to reach its vendor's services. Nothing may download a browser or driver.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# WCAG 2.0, 2.1 and 2.2, levels A and AA, as axe-core tags them.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@dataclass(frozen=True)
class Viewport:
    """A screen the tests look at a page on."""

    name: str
    width: int
    height: int
    mobile: bool


PHONE = Viewport("phone-320", 320, 640, True)
PHONE_LARGE = Viewport("phone-390", 390, 844, True)
TABLET = Viewport("tablet-768", 768, 1024, True)
DESKTOP = Viewport("desktop", 1280, 800, False)
# A4 minus Chromium's default print margins (0.4 in each side), in CSS pixels.
A4_PRINTABLE = Viewport("print-a4", 717, 1046, False)


def require_browser(*also: Path) -> None:
    """Skip (fail in CI, whose .ci/run installs them) when Chromium, chromedriver or axe-core is missing."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER, AXE, *also) if not path.exists()]
    if not missing:
        return
    message = f"browser tests need {', '.join(missing)} ({INSTALL_HINT})"
    if os.environ.get("CI"):
        pytest.fail(message + ": .ci/run installs them")
    pytest.skip(message)


def start_chromium(profile: Path) -> webdriver.Chrome:
    """Start Debian's headless Chromium with a fresh profile, driven by Debian's chromedriver."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(30)
    return driver


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve a built site under a path (/ or a sub-path), answering a missing address with its 404.html, as static hosts do."""

    def __init__(self, *args, prefix: str = "/", **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        path = urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_site(folder: Path, prefix: str = "/") -> tuple[ThreadingHTTPServer, str]:
    """Serve a folder under `prefix` on a free loopback port in a thread; return the server and its address."""
    handler = partial(SiteHandler, directory=str(folder), prefix=prefix)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def reset(driver: webdriver.Chrome) -> None:
    """Undo what a test changed: screen media, JavaScript switched off, screen size."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_page(driver: webdriver.Chrome, url: str, viewport: Viewport) -> None:
    """Load a page on a screen of the given size."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": viewport.width,
            "height": viewport.height,
            "deviceScaleFactor": 1,
            "mobile": viewport.mobile,
        },
    )
    driver.get(url)
    driver.execute_async_script("document.fonts.ready.then(() => arguments[arguments.length - 1]())")


def emulate_print(driver: webdriver.Chrome) -> None:
    """Lay the page out as for printing on A4."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})


def save_full_page(driver: webdriver.Chrome, path: Path) -> Path:
    """Save a screenshot of the whole page, not only the part on screen."""
    width, height = driver.execute_script(
        "const e = document.documentElement; return [e.clientWidth, e.scrollHeight]"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def save_screen(driver: webdriver.Chrome, path: Path) -> Path:
    """Save a screenshot of what is on screen."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def print_to_pdf(driver: webdriver.Chrome) -> bytes:
    """Print the page to PDF on A4, with Chromium's default margins, as a reader would."""
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})
    return base64.b64decode(pdf["data"])


def count_pdf_pages(pdf: bytes) -> int:
    """Count the pages of a PDF that Chromium wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(results => done(results.violations), error => done([{id: 'axe-error', help: String(error), nodes: []}]));
"""


def run_axe(driver: webdriver.Chrome) -> list[dict]:
    """Run axe-core on the loaded page for WCAG 2.x A and AA; return its violations."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(_RUN_AXE, list(WCAG_TAGS))


def describe_violations(violations: list[dict]) -> str:
    """Write axe-core's violations as a person reads them: rule, impact, and each element with its fix."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def run_lighthouse(url: str, desktop: bool, report: Path) -> dict:
    """Audit a page with Lighthouse in Debian's Chromium (a phone by default); return its JSON report."""
    flags = " ".join(CHROMIUM_FLAGS)
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=performance,accessibility,best-practices,seo",
        f"--chrome-flags={flags}",
        *(["--preset=desktop"] if desktop else []),
    ]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=180)
    return json.loads(report.read_text(encoding="utf-8"))
