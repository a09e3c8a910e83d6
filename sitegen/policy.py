"""The page policy: a Content-Security-Policy on every page that forbids script.

It is the second line of defence behind the content check (sanitize.py):
even if that check missed something, a browser runs no script on the
published site, loads nothing from other sites, and applies no style but the
site's stylesheet and the inline <style> blocks the templates themselves
wrote, each allowed by its hash. `<script type="application/ld+json">` blocks
are data, which script-src does not govern.

The policy is a `<meta http-equiv>` inserted early in each page's <head>, so
static hosts need no configuration. The live preview relaxes it in what it
sends, for its own reload script only (`preview_page`).
"""
from __future__ import annotations

import base64
import hashlib
import re

META_NAME = "Content-Security-Policy"
BASE_DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'none'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    ("img-src", "'self'"),
)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"<meta\s+charset\s*=\s*[\"']?[\w-]+[\"']?\s*/?>", re.IGNORECASE)
_OPENERS = (re.compile(r"<head\b[^>]*>", re.IGNORECASE), re.compile(r"<html\b[^>]*>", re.IGNORECASE),
            re.compile(r"<!doctype\b[^>]*>", re.IGNORECASE))
_SCRIPT_NONE = "script-src 'none'"


def style_hash(css: str) -> str:
    """The CSP source for an inline style block, hashed as the browser will
    see its text (the HTML parser turns CR LF and CR into LF first)."""
    text = css.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class PagePolicy:
    """Adds the policy to rendered pages; hashes each distinct style block once."""

    def __init__(self):
        self._hashes: dict[str, str] = {}
        self._policies: dict[tuple[str, ...], str] = {}

    def policy_for(self, html: str) -> str:
        """The policy text for a page: the base directives, and style-src with its inline styles' hashes."""
        hashes = []
        for css in _STYLE_BLOCK.findall(html):
            source = self._hashes.get(css)
            if source is None:
                source = self._hashes[css] = style_hash(css)
            if source not in hashes:
                hashes.append(source)
        key = tuple(hashes)
        policy = self._policies.get(key)
        if policy is None:
            directives = [f"{name} {value}" for name, value in BASE_DIRECTIVES]
            directives.append(" ".join(["style-src", "'self'", *hashes]))
            policy = self._policies[key] = "; ".join(directives)
        return policy

    def apply(self, html: str) -> str:
        """The page with its policy in a <meta> right after <meta charset> (or the start of <head>)."""
        meta = f'\n<meta http-equiv="{META_NAME}" content="{self.policy_for(html)}">'
        found = _CHARSET.search(html, 0, 1024)
        if found is None:
            for opener in _OPENERS:
                found = opener.search(html)
                if found:
                    break
        if found is None:
            return meta.lstrip("\n") + "\n" + html
        return html[:found.end()] + meta + html[found.end():]


def preview_page(html: bytes, script_url: bytes, nonce: str) -> tuple[bytes, bytes]:
    """For the live preview: the page with script-src opened to one nonce, and
    the tag that loads the reload script with that nonce. Nothing else may run."""
    token = nonce.encode("ascii")
    marker = f'<meta http-equiv="{META_NAME}" content="'.encode("ascii")
    start = html.find(marker)
    if start >= 0:
        end = html.find(b'"', start + len(marker))
        policy = html[start + len(marker):end].replace(_SCRIPT_NONE.encode("ascii"),
                                                       b"script-src 'nonce-" + token + b"'")
        html = html[:start + len(marker)] + policy + html[end:]
    return html, b'<script src="' + script_url + b'" nonce="' + token + b'"></script>'
