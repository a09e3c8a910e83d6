"""The page policy: the Content-Security-Policy every page carries.

It is the second line of defence behind the content check (test_safety.py):
checked on every page of the real site (exact directives, the hashes of the
page's own inline styles), in the live preview's relaxation, and, where
Chromium is installed, in a browser, with the content check switched off.
"""
from __future__ import annotations

import base64
import hashlib
import re
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import html5lib
import pytest

from conftest import output_file_for, run_build
from scriptscan import XHTML
from sitegen.policy import PagePolicy, preview_page, style_hash


# The page policy -----------------------------------------------------------------------------

EXPECTED_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "img-src": ["'self'"],
}


def parse_policy(text: str) -> dict[str, list[str]]:
    directives = {}
    for part in filter(None, (part.strip() for part in text.split(";"))):
        name, *values = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = values
    return directives


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_every_page_carries_a_policy_that_forbids_script(built_real_site, real_page_url):
    tree = html5lib.parse(built_real_site.html[real_page_url], treebuilder="etree", namespaceHTMLElements=True)
    head = tree.find(f"{{{XHTML}}}head")
    children = [element for element in head if isinstance(element.tag, str)]
    policies = [element for element in tree.iter(f"{{{XHTML}}}meta")
                if element.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(policies) == 1
    # Right after <meta charset>, before anything the policy governs.
    assert children[0].get("charset") == "utf-8" and children[1] is policies[0]
    directives = parse_policy(policies[0].get("content"))
    styles = [element.text or "" for element in tree.iter(f"{{{XHTML}}}style")]
    assert styles, "the page has its brand colours in an inline style"
    assert directives == {**EXPECTED_DIRECTIVES, "style-src": ["'self'", *dict.fromkeys(map(sha256_source, styles))]}
    for element in tree.iter():
        assert not isinstance(element.tag, str) or "style" not in element.attrib, \
            f"a style attribute, which the policy blocks: {element.tag}"
    for script in tree.iter(f"{{{XHTML}}}script"):
        assert script.get("type") == "application/ld+json" and "src" not in script.attrib


def test_non_html_files_get_no_policy(built_real_site):
    sitemap = (built_real_site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "Content-Security-Policy" not in sitemap and sitemap.startswith("<?xml")


def test_policy_hashes_each_distinct_style_and_sits_after_the_charset():
    policy = PagePolicy()
    page = ('<!doctype html><html><head><meta charset="utf-8"><title>t</title><style>a{}</style>'
            "<style>b{}</style><style>a{}</style></head><body></body></html>")
    applied = policy.apply(page)
    assert applied.startswith('<!doctype html><html><head><meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy"')
    style_src = parse_policy(re.search(r'content="([^"]+)"', applied).group(1))["style-src"]
    assert style_src == ["'self'", sha256_source("a{}"), sha256_source("b{}")]
    # Browsers hash the text after turning CR LF into LF.
    assert style_hash("a{}\r\nb{}") == sha256_source("a{}\nb{}")
    # A template without <head> still gets the policy before its content.
    assert policy.apply("<!doctype html><p>x</p>").startswith("<!doctype html>\n<meta http-equiv=")


def test_preview_relaxes_only_script_src_and_only_for_its_nonce():
    page = PagePolicy().apply('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>').encode()
    relaxed, tag = preview_page(page, b"/livereload.js", "abc123")
    assert tag == b'<script src="/livereload.js" nonce="abc123"></script>'
    before = parse_policy(re.search(rb'content="([^"]+)"', page).group(1).decode())
    after = parse_policy(re.search(rb'content="([^"]+)"', relaxed).group(1).decode())
    assert after == {**before, "script-src": ["'nonce-abc123'"]}
    assert relaxed.replace(b"'nonce-abc123'", b"'none'") == page


# What a browser does with it ----------------------------------------------------------------

def _chromium():
    """Playwright, and a Chromium installed on the machine (never one Playwright downloads)."""
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or next((path for path in ("/usr/bin/chromium",) if Path(path).exists()), None)
    if chromium is None:
        pytest.skip("no chromium on this machine")
    return playwright, chromium


def test_a_browser_runs_no_script_even_where_the_check_is_off(fixture_site):
    """With the content check switched off, script in content is published, and the policy still stops it."""
    playwright, chromium = _chromium()
    config = fixture_site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("allow_unsafe_html: false", "allow_unsafe_html: true"),
                      encoding="utf-8")
    (fixture_site / "content/pages/attack.md").write_text((
        "---\ntitle: Case attack\ndescription: Script in content, with the check off.\n---\n\n"
        "<script>document.title = 'ran'</script>\n\n"
        "<img src=\"/favicon.svg\" alt=\"x\" onload=\"document.title = 'ran'\">\n\n"
        "[click](javascript:document.title='ran')\n\n"
        '<span class="probe" style="color: rgb(255, 0, 0)">styled</span>\n'), encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert code == 0, err
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(_QuietHandler, directory=str(fixture_site / "output")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    violations = []
    try:
        with playwright.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.goto(f"http://127.0.0.1:{server.server_port}/attack/")
            page.wait_for_load_state("load")
            page.click("text=click")
            page.wait_for_timeout(200)
            title = page.title()
            colour = page.evaluate("getComputedStyle(document.querySelector('.probe')).color")
            primary = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--color-primary')")
            browser.close()
    finally:
        server.shutdown()
    assert title.startswith("Case attack"), f"script ran: the title is {title!r}"
    assert colour != "rgb(255, 0, 0)", "a style attribute applied"
    assert primary.strip().startswith("#"), "the template's own inline style was blocked"
    assert any("script-src" in text for text in violations), violations


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_redirect_pages_forbid_everything(built_real_site):
    """The pages left at old addresses hold nothing but a link and a meta refresh, and load nothing."""
    assert built_real_site.redirect_pages, "the real site declares redirects"
    for url in built_real_site.redirect_pages:
        tree = html5lib.parse(output_file_for(built_real_site.output, url).read_text(encoding="utf-8"),
                              treebuilder="etree", namespaceHTMLElements=True)
        policies = [element.get("content") for element in tree.iter(f"{{{XHTML}}}meta")
                    if element.get("http-equiv", "").lower() == "content-security-policy"]
        assert [parse_policy(policy) for policy in policies] == [
            {"default-src": ["'none'"], "base-uri": ["'none'"], "form-action": ["'none'"]}], url
        assert not list(tree.iter(f"{{{XHTML}}}script")) and not list(tree.iter(f"{{{XHTML}}}style")), url
