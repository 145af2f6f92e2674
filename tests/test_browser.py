"""What a person sees, in a real browser: phone, desktop and print, axe-core, Chinese fonts, no JavaScript.

Debian's Chromium, driven through Debian's chromedriver, loads fixture sites built by the
command line and served over HTTP; never the shipped content, which editors change. One
browser serves the whole module. Screenshots of every page at every size, and of its
printed pages when pdftoppm is installed, land in the pytest temporary folder `screens`,
or in the folder $SCREENSHOTS names (`screenshots/`, which git ignores, for review).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .browser import (
    A4_PRINTABLE,
    DESKTOP,
    LIGHTHOUSE,
    PHONE,
    PHONE_LARGE,
    TABLET,
    Viewport,
    count_pdf_pages,
    describe_violations,
    emulate_print,
    open_page,
    print_to_pdf,
    require_browser,
    reset,
    run_axe,
    run_lighthouse,
    save_full_page,
    save_screen,
    serve_site,
    start_chromium,
)
from .conftest import edit, fixture_project, run_build

# `minimal` is the engine's smallest release; `rich` fills a phone many times over, with six
# key figures, sub-headings, a list, a quotation, a long web address, a long company name in
# Chinese text, and a section not yet translated, shown in English on the Chinese page.
FIXTURES = ("minimal", "rich")
# `rich` again, built for review before its embargo lifts: every page carries the embargo notice.
EMBARGOED = "rich-embargoed"
BEFORE_EMBARGO = "1715000000"  # 2024-05-06, two weeks before the fixture's release
# Page kind: (address, language of <html>). The front door and the 404 page speak both languages.
PAGES = {
    "picker": ("", "en"),
    "release-en": ("en/", "en"),
    "release-zh": ("zh-hans/", "zh-Hans"),
    "404": ("en/no-such-page/", "en"),
}
BILINGUAL = ("picker", "404")
SCREENS = (PHONE, PHONE_LARGE, TABLET, DESKTOP)
MIN_BODY_TEXT_PX = 16
MIN_TARGET_PX = 24
# What a person must see on each kind of page.
ESSENTIALS = {
    "release": {
        "headline": "h1",
        "key figures": ".key-figures dd",
        "body text": ".release-section p:not(.fallback-notice), .release-section li",
        "language switcher": ".language-switcher a",
    },
    # The page itself is the choice of language: no switcher above it.
    "choice": {
        "headline": "h1",
        "body text": ".language-choices a",
        "footer": ".site-footer p",
    },
}
TAP_TARGETS = ".language-switcher a, .contents a, .language-choices a"
SCREEN_ONLY = "nav, .skip-link, .home-link, .site-footer"
# The rich release, with its two photos, two charts and media contact, fills four.
PRINTED_PAGES_AT_MOST = {"picker": 1, "404": 1, "release-en": 4, "release-zh": 4}


def page_cases(kinds=tuple(PAGES), fixtures=FIXTURES) -> list:
    return [pytest.param(f, k, id=f"{f}-{k}") for f in fixtures for k in kinds]


EMBARGOED_RELEASES = page_cases(("release-en", "release-zh"), (EMBARGOED,))


def problems(found: list[str]) -> str:
    return "\n".join(["", *found])


def essentials_of(kind: str) -> dict[str, str]:
    return ESSENTIALS["choice" if kind in BILINGUAL else "release"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, str]:
    """Build every fixture project with the command line and serve each site; map fixture to address."""
    require_browser()
    addresses, servers = {}, []
    for name in FIXTURES:
        project = fixture_project(tmp_path_factory.mktemp("browser") / name, name)
        result = run_build(project)
        assert result.returncode == 0, result.stdout + result.stderr
        server, addresses[name] = serve_site(project / "site")
        servers.append(server)
    server, addresses[EMBARGOED] = serve_site(build_embargoed(tmp_path_factory.mktemp("browser") / EMBARGOED))
    servers.append(server)
    yield addresses
    for server in servers:
        server.shutdown()
        server.server_close()


def build_embargoed(folder: Path) -> Path:
    """Build the rich fixture for review, as `build --preview` does before its embargo lifts."""
    project = fixture_project(folder, "rich")
    edit(project, "content/schedule.toml", "\n", "\nembargo = 2024-05-20T09:00:00+08:00\n")
    result = subprocess.run(
        [sys.executable, "build.py", "build", "--preview"],
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": BEFORE_EMBARGO},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One headless Chromium for the module, with a fresh profile."""
    require_browser()
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium):
    """The module's browser, back on screen media, JavaScript on, no screen size set."""
    reset(chromium)
    yield chromium
    reset(chromium)


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    """Where screenshots go, for a person to look at: $SCREENSHOTS (kept out of git), or a temporary folder."""
    wanted = os.environ.get("SCREENSHOTS")
    if not wanted:
        return tmp_path_factory.mktemp("screens")
    folder = Path(wanted).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def url_of(sites: dict[str, str], fixture: str, kind: str) -> str:
    return sites[fixture] + PAGES[kind][0]


# --- axe-core ---------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
@pytest.mark.parametrize("fixture, kind", page_cases() + EMBARGOED_RELEASES)
def test_axe_core_finds_no_wcag_violations(browser, sites, fixture, kind, viewport: Viewport):
    open_page(browser, url_of(sites, fixture, kind), viewport)
    violations = run_axe(browser)
    assert violations == [], "axe-core found WCAG 2 A/AA violations:\n" + describe_violations(violations)


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_dark_mode_keeps_every_contrast(browser, sites, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), DESKTOP)
    dark = {"name": "prefers-color-scheme", "value": "dark"}
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": [dark]})
    try:
        ground = browser.execute_script("return getComputedStyle(document.documentElement).backgroundColor")
        assert ground == "rgb(13, 17, 23)", "the page ignores the reader's dark mode"
        violations = run_axe(browser)
    finally:
        light = {"name": "prefers-color-scheme", "value": ""}
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": [light]})
    assert violations == [], "axe-core found WCAG 2 A/AA violations in dark mode:\n" + describe_violations(
        violations
    )


# --- phone and desktop ------------------------------------------------------

_LAYOUT_PROBLEMS = """
const width = document.documentElement.clientWidth;
const problems = [];
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.classList.length ? '.' + [...el.classList].join('.') : '') + ' "' + el.textContent.trim().slice(0, 40) + '"';
if (document.documentElement.scrollWidth > width) {
  problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
}
for (const el of document.body.querySelectorAll('*')) {
  const style = getComputedStyle(el);
  if (!el.getClientRects().length || style.visibility !== 'visible') continue;
  const box = el.getBoundingClientRect();
  if (box.left < -0.5 || box.right > width + 0.5) {
    problems.push(`${name(el)} reaches outside the screen (${Math.round(box.left)} to ${Math.round(box.right)}px)`);
  }
  // Inside a chart, sizes are the drawing's, scaled: what matters is that
  // nothing is drawn past the chart's edges, where it would be cut off.
  const drawing = el.ownerSVGElement;
  if (drawing) {
    const frame = drawing.getBoundingClientRect();
    if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5 || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5) {
      problems.push(`${name(el)} is drawn outside its chart`);
    }
    continue;
  }
  if (style.display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
    problems.push(`${name(el)} is too narrow for its text (${el.scrollWidth}px of text in ${el.clientWidth}px)`);
  }
}
return problems;
"""

_SHOWN = """
const [selector] = arguments;
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll(selector)].map(el => {
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  return {
    text: el.textContent.trim().slice(0, 40),
    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= width + 0.5 &&
      style.visibility === 'visible' && Number(style.opacity) === 1 && el.textContent.trim() !== '',
    fontSize: parseFloat(style.fontSize),
  };
});
"""

# The lines an element's text is set on: boxes that overlap vertically share a line (Latin
# and Chinese glyphs on one line have boxes of different heights).
_LINES = """
return [...document.querySelectorAll(arguments[0])].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const boxes = [...range.getClientRects()].filter(r => r.width > 0).sort((a, b) => a.top - b.top);
  let lines = 0, bottom = -Infinity;
  for (const box of boxes) {
    if (box.top >= bottom - 1) {
      lines += 1;
      bottom = box.bottom;
    } else {
      bottom = Math.max(bottom, box.bottom);
    }
  }
  return [el.textContent.trim(), lines];
});
"""


@pytest.mark.parametrize(
    "fixture, kind, viewport",
    [
        pytest.param(*case.values, screen, id=f"{case.id}-{screen.name}")
        for case in page_cases()
        for screen in SCREENS
    ]
    # The embargo notice is the one difference, and the narrowest screen its test.
    + [pytest.param(*case.values, PHONE, id=f"{case.id}-{PHONE.name}") for case in EMBARGOED_RELEASES],
)
def test_page_fits_the_screen_without_sideways_scrolling(browser, sites, screens, fixture, kind, viewport):
    open_page(browser, url_of(sites, fixture, kind), viewport)
    save_full_page(browser, screens / f"{fixture}-{kind}-{viewport.name}.png")
    found = browser.execute_script(_LAYOUT_PROBLEMS)
    assert found == [], f"on a {viewport.width}px screen:" + problems(found)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
@pytest.mark.parametrize("fixture, kind", page_cases())
def test_headline_figures_and_text_are_visible_and_legible(browser, sites, fixture, kind, viewport):
    open_page(browser, url_of(sites, fixture, kind), viewport)
    shown = {what: browser.execute_script(_SHOWN, css) for what, css in essentials_of(kind).items()}
    for what, elements in shown.items():
        assert elements, f"no {what} on the page"
        hidden = [e["text"] for e in elements if not e["visible"]]
        assert hidden == [], f"{what} not visible on a {viewport.width}px screen: {hidden}"
    body = min(e["fontSize"] for e in shown["body text"])
    assert body >= MIN_BODY_TEXT_PX, f"body text is {body}px on a {viewport.width}px screen"
    assert shown["headline"][0]["fontSize"] >= 1.25 * body, "the headline does not stand out from the text"
    for figure in shown.get("key figures", []):
        assert figure["fontSize"] >= body, f"key figure {figure['text']!r} is smaller than the text"


@pytest.mark.parametrize("viewport", [*SCREENS, A4_PRINTABLE], ids=lambda v: v.name)
@pytest.mark.parametrize("fixture, kind", page_cases(("release-en", "release-zh")))
def test_figures_never_split_between_number_and_unit(browser, sites, fixture, kind, viewport):
    open_page(browser, url_of(sites, fixture, kind), viewport)
    if viewport is A4_PRINTABLE:
        emulate_print(browser)
    split = [text for text, lines in browser.execute_script(_LINES, ".figure dd, data.fact") if lines != 1]
    assert split == [], f"figures broken over two lines on {viewport.name}: {split}"


@pytest.mark.parametrize("kind", list(PAGES))
def test_pages_served_under_a_sub_path_look_as_they_do_at_the_root(browser, sites, mirrored, kind):
    # Hosts such as GitHub Pages serve a site under /REPO/: every page must find its
    # stylesheet and lay out exactly as at a domain's root.
    layout = "return [document.documentElement.scrollHeight, getComputedStyle(document.body).margin, document.title]"
    open_page(browser, url_of(sites, "rich", kind), PHONE_LARGE)
    at_root = browser.execute_script(layout)
    open_page(browser, mirrored + PAGES[kind][0], PHONE_LARGE)
    assert browser.execute_script(layout) == at_root
    assert at_root[1] == "0px", "the stylesheet did not load"


_TARGETS = """
return [...document.querySelectorAll(arguments[0])].filter(el => el.getClientRects().length).map(el => {
  const box = el.getBoundingClientRect();
  return [el.textContent.trim(), Math.round(box.width * 10) / 10, Math.round(box.height * 10) / 10];
});
"""


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_language_switcher_and_contents_links_are_big_enough_to_tap_on_a_phone(browser, sites, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), PHONE)
    targets = browser.execute_script(_TARGETS, TAP_TARGETS)
    assert targets, "no links to tap"
    small = [(text, w, h) for text, w, h in targets if w < MIN_TARGET_PX or h < MIN_TARGET_PX]
    assert small == [], (
        f"tap targets smaller than {MIN_TARGET_PX}x{MIN_TARGET_PX} CSS px (text, width, height): {small}"
    )


_SKIP_LINK = """
const link = document.querySelector('.skip-link');
const box = link.getBoundingClientRect();
const on = box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0 &&
  box.top < innerHeight && box.left < innerWidth;
const whole = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
return {focused: document.activeElement === link, onScreen: on, wholeOnScreen: whole,
        width: box.width, height: box.height, active: document.activeElement.id};
"""


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_skip_link_is_hidden_until_focused_then_leads_to_the_content(browser, sites, screens, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), PHONE)
    before = browser.execute_script(_SKIP_LINK)
    assert not before["onScreen"], "the skip link shows before anyone tabs to it"
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.execute_script(_SKIP_LINK)
    assert focused["focused"], "the first Tab does not reach the skip link"
    assert focused["wholeOnScreen"], "the focused skip link is not (wholly) on screen"
    assert focused["height"] >= MIN_TARGET_PX and focused["width"] >= MIN_TARGET_PX
    save_screen(browser, screens / f"{fixture}-{kind}-{PHONE.name}-skip-link.png")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.execute_script(_SKIP_LINK)["active"] == "page_main", (
        "Enter on the skip link does not reach main"
    )


# --- print ------------------------------------------------------------------

_PRINT_PROBLEMS = """
const [screenOnly] = arguments;
const width = document.documentElement.clientWidth;
const problems = [];
const name = el => el.tagName.toLowerCase() + (el.getAttribute('class') ? '.' + el.getAttribute('class') : '') +
  ' "' + el.textContent.trim().slice(0, 40) + '"';
const luminance = rgb => {
  const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(v => {
    v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
for (const el of document.querySelectorAll(screenOnly)) {
  if (el.getClientRects().length) problems.push(`${name(el)} is printed`);
}
for (const el of [document.documentElement, document.body]) {
  const background = getComputedStyle(el).backgroundColor;
  if (!['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'].includes(background)) {
    problems.push(`${el.tagName} background is ${background}, not white`);
  }
}
// Body text and the headline in black; nothing printed paler than 4.5:1 on white.
for (const el of document.querySelectorAll('.release-section :is(p, li), h1')) {
  const color = getComputedStyle(el).color;
  if (el.getClientRects().length && color !== 'rgb(0, 0, 0)') problems.push(`${name(el)} prints in ${color}, not black`);
}
for (const el of document.body.querySelectorAll('*')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
  if (!own || !el.getClientRects().length) continue;
  const color = getComputedStyle(el).color;
  if (1.05 / (luminance(color) + 0.05) < 4.5) problems.push(`${name(el)} prints in ${color}: too pale on white`);
}
if (document.documentElement.scrollWidth > width) {
  problems.push(`the page is ${document.documentElement.scrollWidth}px wide on ${width}px of paper`);
}
for (const el of document.body.querySelectorAll('*')) {
  if (!el.getClientRects().length) continue;
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  if (box.left < -0.5 || box.right > width + 0.5) problems.push(`${name(el)} is cut off at the paper's edge`);
  else if (parseFloat(style.borderRightWidth) > 0 && style.borderRightStyle !== 'none' && box.right > width - 1) {
    problems.push(`${name(el)} has its right border on the paper's edge, where Chromium clips it on A4`);
  }
  // A chart's sizes are the drawing's, scaled: the screen test checks its edges.
  if (style.display !== 'inline' && !el.ownerSVGElement && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
    problems.push(`${name(el)} is too narrow for its text when printed`);
  }
}
return problems;
"""


@pytest.mark.parametrize("fixture, kind", page_cases() + EMBARGOED_RELEASES)
def test_print_shows_the_content_black_on_white_without_screen_chrome(browser, sites, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), A4_PRINTABLE)
    emulate_print(browser)
    found = browser.execute_script(_PRINT_PROBLEMS, SCREEN_ONLY)
    assert found == [], "printed on A4:" + problems(found)
    for what, css in essentials_of(kind).items():
        if what not in ("language switcher", "footer"):  # screen only
            assert browser.find_elements(By.CSS_SELECTOR, css)[0].is_displayed(), f"{what} is not printed"


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_printed_pdf_has_a_sane_number_of_pages(browser, sites, screens, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), DESKTOP)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    pdf = screens / f"{fixture}-{kind}-print.pdf"
    pdf.write_bytes(print_to_pdf(browser))
    pages = count_pdf_pages(pdf.read_bytes())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    assert 1 <= pages <= PRINTED_PAGES_AT_MOST[kind], f"prints on {pages} A4 pages"


@pytest.mark.parametrize("fixture, kind", page_cases(("release-en", "release-zh")))
def test_no_printed_page_holds_only_the_footer(browser, sites, tmp_path, fixture, kind):
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing: .ci/run installs poppler-utils")
        pytest.skip("needs pdftotext (apt-get install poppler-utils)")
    open_page(browser, url_of(sites, fixture, kind), DESKTOP)
    footer = "".join(browser.find_element(By.CSS_SELECTOR, ".site-footer").text.split())
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(print_to_pdf(browser))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = ["".join(page.split()) for page in text.split("\f")]
    pages = [page for page in pages if page]
    assert pages, "nothing printed"
    lonely = [number for number, page in enumerate(pages, 1) if not page.replace(footer, "")]
    assert lonely == [], f"page {lonely} of {len(pages)} holds only the footer"


# --- Chinese ----------------------------------------------------------------

# Mark each element whose own text has Chinese characters, and draw each of its characters
# and a character no font has (U+10FFFF) in its font: a character drawn like the missing one
# is a box ("tofu"), not a glyph.
_CHINESE_ELEMENTS = r"""
const han = /\p{Script=Han}/u;
const pixels = (font, text) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const context = canvas.getContext('2d');
  context.font = font;
  context.textBaseline = 'top';
  context.fillText(text, 4, 4);
  return context.getImageData(0, 0, 64, 64).data.join();
};
const found = [];
for (const el of document.body.querySelectorAll('*')) {
  const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
  if (!han.test(own) || !el.getClientRects().length) continue;
  el.setAttribute('data-chinese', found.length);
  const style = getComputedStyle(el);
  const font = `${style.fontStyle} ${style.fontWeight} 32px ${style.fontFamily}`;
  const missing = pixels(font, '\u{10FFFF}');
  const boxes = [...new Set(own.match(/\p{Script=Han}/gu))].filter(c => pixels(font, c) === missing);
  found.push({text: own.trim().slice(0, 30), boxes: boxes.join(''), family: style.fontFamily,
              han: (own.match(/\p{Script=Han}/gu) || []).length});
}
return found;
"""


def platform_fonts(driver, index: int) -> list[dict]:
    """Ask Chromium which installed fonts drew the text of a marked element, and how many glyphs each."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = driver.execute_cdp_cmd(
        "DOM.querySelector", {"nodeId": root, "selector": f"[data-chinese='{index}']"}
    )
    return driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", node)["fonts"]


@pytest.mark.parametrize("fixture, kind", page_cases(("picker", "release-zh", "404")))
def test_chinese_is_drawn_with_a_chinese_font_not_as_boxes(browser, sites, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), PHONE)
    elements = browser.execute_script(_CHINESE_ELEMENTS)
    assert elements, "no Chinese text on the page"
    tofu = [(e["text"], e["boxes"]) for e in elements if e["boxes"]]
    assert tofu == [], "Chinese characters drawn as boxes: is fonts-noto-cjk installed?"
    browser.execute_cdp_cmd("DOM.enable", {})
    browser.execute_cdp_cmd("CSS.enable", {})
    for index, element in enumerate(elements):
        fonts = platform_fonts(browser, index)
        named = [f for f in fonts if f["familyName"] in element["family"]]
        drawn = sum(f["glyphCount"] for f in named)
        used = ", ".join(f"{f['familyName']} ({f['glyphCount']})" for f in fonts)
        assert drawn >= element["han"], (
            f"{element['text']!r} is not drawn with a Chinese font of the stylesheet ({element['family']}) "
            f"but with {used}"
        )


# --- no JavaScript ----------------------------------------------------------


# A script the page itself would run: it must not, with JavaScript switched off.
_PAGE_SCRIPTS_RUN = """
const script = document.createElement('script');
script.textContent = 'window.pageScriptRan = true';
document.head.append(script);
script.remove();
return window.pageScriptRan === true;
"""


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_page_works_without_javascript(browser, sites, fixture, kind):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    open_page(browser, url_of(sites, fixture, kind), PHONE)
    assert browser.execute_script(_PAGE_SCRIPTS_RUN) is False, "JavaScript could not be switched off"
    # The test's own probes still run: they come through the DevTools protocol, not the page.
    for what, css in essentials_of(kind).items():
        shown = browser.execute_script(_SHOWN, css)
        assert shown and all(e["visible"] for e in shown), f"{what} missing without JavaScript: {shown}"
    other = "en" if PAGES[kind][1] == "zh-Hans" else "zh-Hans"
    links = ".language-choices" if kind in BILINGUAL else ".language-switcher"
    switch = browser.find_element(By.CSS_SELECTOR, f"{links} a[hreflang='{other}']")
    switch.click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == other
    assert browser.find_element(By.CSS_SELECTOR, "h1").is_displayed()


# --- languages --------------------------------------------------------------

_TEXT_OUTSIDE_ITS_LANGUAGE = r"""
const han = /\p{Script=Han}/u;
const problems = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.data.trim();
  const el = node.parentElement;
  // A web or e-mail address is in no language.
  if (!text || el.closest('script, style') || /^(https?:\/\/\S+|[^\s@]+@[^\s@]+)$/.test(text)) continue;
  const lang = el.closest('[lang]')?.getAttribute('lang') || '';
  const latinWords = (text.match(/[A-Za-z]{2,}/g) || []).length;
  if (han.test(text) && !lang.startsWith('zh')) problems.push(`Chinese text in lang="${lang}": ${text.slice(0, 40)}`);
  if (!han.test(text) && latinWords >= 3 && !lang.startsWith('en')) {
    problems.push(`English text in lang="${lang}": ${text.slice(0, 40)}`);
  }
}
for (const el of document.querySelectorAll('[lang]')) {
  if (!['en', 'zh-Hans'].includes(el.getAttribute('lang'))) problems.push(`unknown lang="${el.getAttribute('lang')}"`);
}
return problems;
"""


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_lang_is_set_on_the_page_and_on_every_passage_in_the_other_language(browser, sites, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), DESKTOP)
    assert browser.execute_script("return document.documentElement.getAttribute('lang')") == PAGES[kind][1]
    found = browser.execute_script(_TEXT_OUTSIDE_ITS_LANGUAGE)
    assert found == [], problems(found)


def test_rich_fixture_shows_an_untranslated_section_in_english_on_the_chinese_page(browser, sites):
    open_page(browser, url_of(sites, "rich", "release-zh"), DESKTOP)
    section = browser.find_element(By.CSS_SELECTOR, "section.fallback")
    assert section.get_attribute("lang") == "en"
    assert section.find_element(By.CSS_SELECTOR, ".fallback-notice").get_attribute("lang") == "zh-Hans"


# --- the story first, on a phone --------------------------------------------

# The story starts with its first paragraph, or with the lead photo above it:
# a photo is the story, as on any news site, not the page's furniture.
_FIRST_PARAGRAPH_TOP = """
const p = document.querySelector('.lead-photo, .release-section p:not(.fallback-notice)');
return p.getBoundingClientRect().top + scrollY;
"""


@pytest.mark.parametrize("fixture, kind", page_cases(("release-en", "release-zh"), ("rich",)))
def test_the_story_starts_within_one_and_a_half_screens_on_a_phone(browser, sites, fixture, kind):
    open_page(browser, url_of(sites, fixture, kind), PHONE_LARGE)
    top = browser.execute_script(_FIRST_PARAGRAPH_TOP)
    assert top <= 1.5 * PHONE_LARGE.height, (
        f"the first paragraph starts {top:.0f}px down a {PHONE_LARGE.height}px screen"
    )
    columns = browser.execute_script(
        "return getComputedStyle(document.querySelector('.key-figures dl')).gridTemplateColumns"
    )
    assert len(columns.split()) == 2, f"key figures in {columns!r}, not two columns"


# --- header and footer ------------------------------------------------------

_CURRENT_LANGUAGE = """
const current = document.querySelector('.language-switcher [aria-current="page"]');
const tops = [...document.querySelectorAll('.language-switcher li > *')].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return range.getBoundingClientRect().bottom;
});
current.focus();
return {href: current.hasAttribute('href'), focusable: document.activeElement === current, lang: current.lang,
        bottoms: tops};
"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
@pytest.mark.parametrize("fixture, kind", page_cases(("release-en", "release-zh")))
def test_the_current_language_is_shown_but_is_no_link_to_the_page_itself(
    browser, sites, fixture, kind, viewport
):
    open_page(browser, url_of(sites, fixture, kind), viewport)
    current = browser.execute_script(_CURRENT_LANGUAGE)
    assert current["lang"] == PAGES[kind][1]
    assert not current["href"] and not current["focusable"], "the page's own language is a tab stop to itself"
    bottoms = current["bottoms"]
    assert max(bottoms) - min(bottoms) <= 1, f"the languages' names do not sit on one line: {bottoms}"


@pytest.mark.parametrize("fixture, kind", page_cases())
def test_every_page_ends_with_the_footer_and_the_language_picker_is_not_repeated(
    browser, sites, fixture, kind
):
    open_page(browser, url_of(sites, fixture, kind), DESKTOP)
    footer = browser.find_elements(By.CSS_SELECTOR, "footer.site-footer")
    assert footer and footer[0].is_displayed() and footer[0].text.strip(), "no footer"
    switchers = browser.find_elements(By.CSS_SELECTOR, ".language-switcher")
    if kind in BILINGUAL:
        assert switchers == [], "the page that offers the languages offers them again in its header"
    else:
        assert len(switchers) == 1


# --- the 404 page, wherever a host serves it --------------------------------


@pytest.fixture(scope="module")
def mirrored(sites, tmp_path_factory) -> str:
    """The rich fixture's site served under a path its base_url does not name (/mirror/press/)."""
    project = fixture_project(tmp_path_factory.mktemp("mirror") / "rich", "rich")
    assert run_build(project).returncode == 0
    server, address = serve_site(project / "site", "/mirror/press/")
    yield address
    server.shutdown()
    server.server_close()


_NOT_FOUND_LOOK = """
const card = document.querySelector('.language-choices a');
const style = getComputedStyle(card);
return {title: document.title, h1: document.querySelector('h1').textContent,
        bodyMargin: getComputedStyle(document.body).margin, border: style.borderTopColor,
        underline: getComputedStyle(card.querySelector('.choice-language')).textDecorationLine};
"""


def _contrast(rgb: str) -> float:
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("where", ["root", "mirror"])
@pytest.mark.parametrize("depth", ["no-such-page/", "en/a/b/c/d/", "zh-hans/gone.html"])
def test_the_404_page_says_page_not_found_and_is_styled_at_any_depth(browser, sites, mirrored, where, depth):
    base = sites["rich"] if where == "root" else mirrored
    open_page(browser, base + depth, DESKTOP)
    look = browser.execute_script(_NOT_FOUND_LOOK)
    assert look["title"].startswith("Page not found | 页面未找到"), look["title"]
    assert "Page not found" in look["h1"] and "页面未找到" in look["h1"]
    assert look["bodyMargin"] == "0px", "the stylesheet did not load"
    assert _contrast(look["border"]) >= 3, f"link card edge {look['border']} is too faint"
    assert look["underline"] == "underline", "the link cards do not look like links"


# --- print ------------------------------------------------------------------

_PRINTED_WIDTHS = """
const width = document.querySelector('main').getBoundingClientRect().width;
const p = document.querySelector('.release-section p:not(.fallback-notice)');
const addresses = [...document.querySelectorAll('.downloads li, .contact-card')].map(li => {
  const address = li.querySelector('.address');
  return [li.querySelector('a').textContent, address && address.getClientRects().length ? address.textContent : null];
});
return {main: width, text: p.getBoundingClientRect().width, addresses};
"""


@pytest.mark.parametrize("fixture, kind", page_cases(("release-en", "release-zh")))
def test_printed_text_runs_the_page_width_and_download_links_print_their_addresses(
    browser, sites, fixture, kind
):
    open_page(browser, url_of(sites, fixture, kind), A4_PRINTABLE)
    emulate_print(browser)
    printed = browser.execute_script(_PRINTED_WIDTHS)
    assert printed["text"] >= 0.95 * printed["main"], f"text {printed['text']}px wide on {printed['main']}px"
    # The text, the CSV, the JSON, the press kit and the feed; the rich release
    # adds its two photos and its contact's vCard.
    assert len(printed["addresses"]) == {"minimal": 5, "rich": 8}[fixture]
    for link, address in printed["addresses"]:
        assert address and address.startswith("https://press.lakeside-district.cn/"), (
            f"{link!r} prints no address"
        )
    open_page(browser, url_of(sites, fixture, kind), DESKTOP)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    shown = browser.execute_script(
        "return [...document.querySelectorAll('.address')].some(a => a.getClientRects().length)"
    )
    assert not shown, "the addresses show on screen, beside the links"


# --- Chinese typesetting ----------------------------------------------------


def test_chinese_paragraphs_are_justified_and_broken_strictly(browser, sites):
    open_page(browser, url_of(sites, "rich", "release-zh"), PHONE_LARGE)
    style = browser.execute_script(
        "const s = getComputedStyle(document.querySelector('.release-section:not(.fallback) p'));"
        "return [s.textAlign, s.lineBreak];"
    )
    assert style == ["justify", "strict"]
    english = browser.execute_script(
        "return getComputedStyle(document.querySelector('section.fallback p:not(.fallback-notice)')).textAlign"
    )
    assert english != "justify", "the English section inside the Chinese page is justified too"


# Each character of an element's text with the line it is set on (lines told apart by
# their top edge), across every text node inside it.
_CHARACTER_LINES = """
return [...document.querySelectorAll(arguments[0])].map(el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let text = '', lines = [], line = -1, top = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width && (top === null || box.top > top + box.height / 2)) { line += 1; top = box.top; }
      text += node.data[i];
      lines.push(line);
    }
  }
  return [text, lines];
});
"""
OPENING = "（“‘《「『【〔〈"
BRACKETED = re.compile(r"[（“‘《「『【〔〈][^（）“”‘’《》「」『』【】〔〕〈〉]{1,20}[）”’》」』】〕〉]")


@pytest.mark.parametrize("viewport", SCREENS, ids=lambda v: v.name)
def test_chinese_headings_and_labels_break_between_words_not_inside_brackets(browser, sites, viewport):
    open_page(browser, url_of(sites, "rich", "release-zh"), viewport)
    found = []
    for text, lines in browser.execute_script(_CHARACTER_LINES, "h1, .release-section h2, .key-figures dt"):
        starts = {i for i in range(len(text)) if i == 0 or lines[i] != lines[i - 1]}
        found += [f"a line starts with {text[i]!r}: {text!r}" for i in starts if i and text[i] in OPENING]
        for run in BRACKETED.finditer(text):
            first, last = run.start(), run.end() - 1
            # Broken inside only when it is wider than a whole line, and then from a line's start.
            if lines[first] != lines[last] and not ({first, first - 1} & starts):
                found.append(f"broken inside {run.group()!r}: {text!r}")
    # The front door's question and the newsroom's name, each language's words whole ("选择 / 语言").
    open_page(browser, url_of(sites, "rich", "picker"), viewport)
    for text, lines in browser.execute_script(_CHARACTER_LINES, "h1 > span[lang], .site-name > span[lang]"):
        if len(set(lines)) > 1 and len(text) <= 12:
            found.append(f"{text!r} is broken over {len(set(lines))} lines")
    assert found == [], problems(found)


# --- text exports, as a browser shows them ----------------------------------


@pytest.mark.parametrize("code", ["en", "zh-hans"])
@pytest.mark.parametrize("name", ["release.txt", "facts.csv", "facts.json"])
def test_every_text_export_reads_right_when_served_without_a_charset(browser, sites, code, name):
    # Python's http.server, like many hosts, sends text/plain and text/csv with no charset:
    # without a byte-order mark Chromium would read UTF-8 as windows-1252 ("â€™", "è¥¿").
    open_page(browser, f"{sites['rich']}{code}/{name}", DESKTOP)
    text = browser.execute_script("return document.body.innerText")
    assert text.strip(), f"{code}/{name} shows nothing"
    garbled = [mark for mark in ("â€", "Ã", "Â", "è", "å", "ä", "\ufffd") if mark in text]
    assert garbled == [], f"{code}/{name} is shown garbled: {text[:120]!r}"
    if code == "zh-hans" and name == "release.txt":
        assert any("\u4e00" <= c <= "\u9fff" for c in text), "no Chinese in the Chinese wire copy"


# --- key figures ------------------------------------------------------------

_FIGURE_ROWS = """
const rows = {}, panel = document.querySelector('.key-figures dl').getBoundingClientRect();
for (const card of document.querySelectorAll('.key-figures .figure')) {
  const box = card.getBoundingClientRect();
  const value = card.querySelector('dd').getBoundingClientRect();
  const row = rows[Math.round(box.top)] = rows[Math.round(box.top)] || {bottoms: [], left: Infinity, right: 0};
  row.bottoms.push(Math.round(value.bottom));
  row.left = Math.min(row.left, box.left);
  row.right = Math.max(row.right, box.right);
}
return Object.values(rows).map(row => ({...row, gap: Math.round(panel.right - row.right + row.left - panel.left)}));
"""


@pytest.mark.parametrize("viewport", SCREENS, ids=lambda v: v.name)
@pytest.mark.parametrize("fixture, kind", page_cases(("release-en", "release-zh"), ("rich",)))
def test_key_figures_fill_their_rows_line_up_and_chinese_labels_keep_words_whole(
    browser, sites, fixture, kind, viewport
):
    open_page(browser, url_of(sites, fixture, kind), viewport)
    for row in browser.execute_script(_FIGURE_ROWS):
        assert max(row["bottoms"]) - min(row["bottoms"]) <= 1, f"values of one row end at {row['bottoms']}"
        assert row["gap"] <= 1, f"a row of key figures leaves an empty slot ({row['gap']}px)"
    if kind == "release-zh":
        lonely = []
        for text, lines in browser.execute_script(_CHARACTER_LINES, ".key-figures dt"):
            per_line = Counter(line for line, c in zip(lines, text, strict=True) if not c.isspace())
            if len(per_line) > 1 and min(per_line.values()) < 2:
                lonely.append(text)
        assert lonely == [], f"a label leaves one character alone on a line: {lonely}"


# --- Lighthouse -------------------------------------------------------------


@pytest.mark.parametrize("desktop", [False, True], ids=["mobile", "desktop"])
@pytest.mark.parametrize("kind", ["release-en", "release-zh", "picker"])
def test_lighthouse_scores_100_in_every_category(sites, tmp_path, kind, desktop):
    require_browser(LIGHTHOUSE)
    report = run_lighthouse(url_of(sites, "rich", kind), desktop, tmp_path / "lighthouse.json")
    scores = {name: category["score"] for name, category in report["categories"].items()}
    failing = [
        f"{audit_id}: {audit.get('displayValue') or audit['title']}"
        for audit_id, audit in report["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    assert scores == dict.fromkeys(scores, 1), f"{scores}:" + problems(failing)
