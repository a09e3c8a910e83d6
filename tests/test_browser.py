"""Every page of the real site in a real browser, at phone and desktop widths.

Playwright drives Debian's Chromium (/usr/bin/chromium, never a downloaded
browser) against the built site served from 127.0.0.1. One browser serves the
whole run and one context each viewport; each page is loaded once per
viewport, audited in one go (browser_audit.js, axe-core, a keyboard walk), and
the tests below assert on that audit.

Without Chromium, Playwright or npm the tests skip with a message saying what
to install, except under CI (CI=true), where they fail: CI must run them.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Debian's Chromium; SITEGEN_TEST_CHROMIUM names another system-installed Chromium.
CHROMIUM = os.environ.get("SITEGEN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {320: (320, 568), 375: (375, 667), 1280: (1280, 800)}  # width -> (width, height)
PHONE_HEADER_SHARE = 0.15  # the header and menu may take this much of a phone's first screen
AUDIT_JS = (Path(__file__).parent / "browser_audit.js").read_text(encoding="utf-8")
# Installed before the walk: on each Tab keydown (before focus moves on), note whether the
# sticky bar covers the element focused by the previous Tab, after the browser scrolled to it.
FOCUS_WATCH_JS = """() => {
  window.__focusSeen = [];
  const note = () => {
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return;
    const bar = document.querySelector(".sticky-cta");
    const box = element.getBoundingClientRect();
    let covered = false;
    if (bar && !bar.contains(element) && getComputedStyle(bar).display !== "none") {
      const b = bar.getBoundingClientRect();
      const overlaps = box.bottom > b.top + 0.5 && box.top < b.bottom && box.right > b.left && box.left < b.right;
      // An element taller than half the screen (a long focusable table region) cannot
      // clear the bar; it must at least show 24 px of itself above it.
      const tall = box.height > window.innerHeight / 2;
      covered = overlaps && (!tall || Math.min(box.bottom, b.top) - Math.max(box.top, 0) < 24);
    }
    const text = (element.innerText || element.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    window.__focusSeen.push({name: `<${element.tagName.toLowerCase()}> "${text.slice(0, 40)}"`, covered,
                             top: Math.round(box.top), bottom: Math.round(box.bottom)});
  };
  window.__noteFocus = note;
  window.addEventListener("keydown", (event) => { if (event.key === "Tab") note(); }, true);
  window.scrollTo(0, 0);
  if (document.activeElement) document.activeElement.blur();
}"""


def _required(reason: str) -> None:
    """Skip with `reason`, or fail under CI, where the browser tests must run."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason} (CI=true: the browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    _required(f"no Chromium at {CHROMIUM}: install the Debian package `chromium` "
              "(sudo apt-get install chromium) to run the browser tests")


def _axe_script() -> Path:
    """axe.min.js from the npm package axe-core, installed once into a cache folder."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitegen-tests" / f"axe-core-{AXE_VERSION}"
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if script.is_file():
        return script
    npm = shutil.which("npm")
    if npm is None:
        _required("npm is missing: install Node.js and npm (Debian packages `nodejs` and `npm`); "
                  "the browser tests get axe-core from npm")
    cache.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [npm, "install", "--prefix", str(cache), "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
         "--ignore-scripts", f"axe-core@{AXE_VERSION}"],
        capture_output=True, text=True, timeout=300)
    if completed.returncode != 0 or not script.is_file():
        _required(f"could not install axe-core@{AXE_VERSION} with npm: {completed.stderr.strip()[-400:]}")
    return script


# The site on a local server ------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_server(built_real_site):
    """The real site's output/ on http://127.0.0.1:PORT, for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(built_real_site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# One browser, one context per viewport, one audit per page and viewport ----------------

@dataclass
class PageAudit:
    layout: dict
    axe_violations: list[dict]
    focus_covered: list[str]
    foreign_requests: list[str]
    focus_steps: int


@dataclass
class Auditor:
    browser: object
    base: str
    axe_script: Path
    contexts: dict = field(default_factory=dict)  # width -> (context, page, foreign request list)
    audits: dict = field(default_factory=dict)  # (width, url) -> PageAudit

    def audit(self, width: int, url: str) -> PageAudit:
        key = (width, url)
        if key not in self.audits:
            self.audits[key] = self._audit(width, url)
        return self.audits[key]

    def _page(self, width: int):
        if width not in self.contexts:
            w, h = VIEWPORTS[width]
            context = self.browser.new_context(viewport={"width": w, "height": h}, reduced_motion="reduce",
                                               service_workers="block")
            foreign: list[str] = []

            def refuse(route):
                foreign.append(route.request.url)
                route.abort()

            context.route(lambda address: not address.startswith(self.base + "/"), refuse)
            context.add_init_script(path=str(self.axe_script))
            page = context.new_page()
            page.set_default_timeout(15_000)
            self.contexts[width] = (context, page, foreign)
        return self.contexts[width]

    def _audit(self, width: int, url: str) -> PageAudit:
        context, page, foreign = self._page(width)
        foreign.clear()
        response = page.goto(self.base + url, wait_until="load")
        assert response is not None and response.status in (200, 404), f"{url}: HTTP {response and response.status}"
        layout = page.evaluate(AUDIT_JS)
        axe = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                            " resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, help: v.help,"
                            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))", AXE_TAGS)
        covered, steps = self._walk_focus(page, layout) if layout["barShown"] else ([], 0)
        return PageAudit(layout, axe, covered, list(foreign), steps)

    @staticmethod
    def _walk_focus(page, layout) -> tuple[list[str], int]:
        """Tab through the page from the top; note every focused element the sticky bar covers."""
        page.evaluate(FOCUS_WATCH_JS)
        for _ in range(layout["targetCount"] + 2):
            page.keyboard.press("Tab")
        seen = page.evaluate("() => { window.__noteFocus(); return window.__focusSeen; }")
        covered = [f"{state['name']} at y {state['top']}..{state['bottom']}" for state in seen if state["covered"]]
        return list(dict.fromkeys(covered)), len(seen)


# Module scope: every browser test is in this module, so this is still one browser for the
# whole run, and it is closed before the next module starts. (Playwright's sync API keeps an
# asyncio loop running while it is open, which would break later tests that run their own.)
@pytest.fixture(scope="module")
def auditor(site_server):
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _required("Playwright for Python is missing: pip install -r requirements-dev.txt")
    axe_script = _axe_script()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        auditor = Auditor(browser, site_server, axe_script)
        yield auditor
        for context, _, _ in auditor.contexts.values():
            context.close()
        browser.close()


def _problems(url: str, width: int, items: list[str]) -> str:
    return f"{url} at {width} px:\n  " + "\n  ".join(items)


# The checks ------------------------------------------------------------------------------

widths = pytest.mark.parametrize("width", sorted(VIEWPORTS), ids=lambda w: f"{w}px")


@widths
def test_page_does_not_scroll_sideways(auditor, width, real_page_url):
    layout = auditor.audit(width, real_page_url).layout
    assert not layout["overflow"], _problems(real_page_url, width, layout["overflow"])


@widths
def test_every_table_cell_is_within_the_viewport(auditor, width, real_page_url):
    layout = auditor.audit(width, real_page_url).layout
    assert not layout["hiddenCells"], _problems(real_page_url, width, layout["hiddenCells"])


@widths
def test_tap_targets_are_at_least_24_px(auditor, width, real_page_url):
    layout = auditor.audit(width, real_page_url).layout
    assert layout["targetCount"] > 0, f"{real_page_url}: no links or buttons found; is the page empty?"
    assert not layout["smallTargets"], _problems(real_page_url, width, layout["smallTargets"])


@widths
def test_sticky_bar_never_covers_the_focused_element(auditor, width, real_page_url):
    audit = auditor.audit(width, real_page_url)
    if width < 768:
        assert audit.layout["barShown"], f"{real_page_url}: the sticky call/book bar is not shown at {width} px"
        assert audit.focus_steps > 5, f"{real_page_url}: tabbing reached only {audit.focus_steps} elements"
    assert not audit.focus_covered, _problems(real_page_url, width, audit.focus_covered)


@widths
def test_no_request_leaves_the_site(auditor, width, real_page_url):
    audit = auditor.audit(width, real_page_url)
    assert not audit.foreign_requests, _problems(real_page_url, width, audit.foreign_requests)


@widths
def test_axe_finds_no_wcag_violation(auditor, width, real_page_url):
    violations = auditor.audit(width, real_page_url).axe_violations
    assert not violations, _problems(real_page_url, width,
                                     [f"{v['id']}: {v['help']} ({'; '.join(v['nodes'])})" for v in violations])


@widths
def test_images_have_their_declared_size(auditor, width, real_page_url):
    layout = auditor.audit(width, real_page_url).layout
    assert not layout["imageProblems"], _problems(real_page_url, width, layout["imageProblems"])


@pytest.mark.parametrize("width", [320, 375], ids=lambda w: f"{w}px")
def test_phone_header_takes_little_of_the_first_screen(auditor, width, real_page_url):
    layout = auditor.audit(width, real_page_url).layout
    limit = PHONE_HEADER_SHARE * layout["viewportHeight"]
    assert 0 < layout["headerHeight"] <= limit, (
        f"{real_page_url} at {width} px: the header is {layout['headerHeight']:.0f} px high, "
        f"over {PHONE_HEADER_SHARE:.0%} of a {layout['viewportHeight']} px screen ({limit:.0f} px)")


@pytest.mark.parametrize("ci, outcome", [("", "skipped"), ("true", "error")], ids=["locally", "under-CI"])
def test_without_chromium_the_browser_tests_skip_locally_but_fail_under_ci(tmp_path, ci, outcome):
    """Run one browser test in a child pytest with no Chromium to be found."""
    if os.environ.get("SITEGEN_BROWSER_CHILD"):
        pytest.skip("already in the child run")
    environment = {**os.environ, "SITEGEN_TEST_CHROMIUM": str(tmp_path / "no-chromium"), "CI": ci,
                   "SITEGEN_BROWSER_CHILD": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", __file__,
         "-k", "test_page_does_not_scroll_sideways and 320px and 404"],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent, env=environment, timeout=300)
    report = completed.stdout + completed.stderr
    assert f"1 {outcome}" in report, report
    assert "the Debian package `chromium`" in report, report


@pytest.mark.parametrize("width", [320, 375], ids=lambda w: f"{w}px")
def test_a_phone_first_screen_offers_one_book_and_one_call(auditor, width, real_page_url):
    """Not three of each: the sticky bar carries them, nothing above the fold repeats them."""
    first_screen = auditor.audit(width, real_page_url).layout["firstScreen"]
    assert len(first_screen["book"]) == 1 and len(first_screen["call"]) == 1, (
        f"{real_page_url} at {width} px shows {len(first_screen['book'])} Book and {len(first_screen['call'])} Call "
        f"actions before scrolling: {first_screen}")


def test_the_desktop_header_offers_call_and_book(auditor, real_page_url):
    """No sticky bar on wide screens: the header itself has a way to call and Book."""
    header = auditor.audit(1280, real_page_url).layout["desktopHeader"]
    assert header["book"] and header["call"], f"{real_page_url} at 1280 px: header actions {header}"
