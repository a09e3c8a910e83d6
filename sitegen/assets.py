"""Fingerprinted asset names: /css/site.css is published as /css/site.3f9a1c2b.css.

The name carries a hash of the file's bytes, so a changed stylesheet gets a
new address and is never served stale from a cache, and the host may tell
browsers to keep it for a year (see hosting.py). Only the fingerprinted copy is
written: every reference goes through `asset_url()` in templates, so nothing
needs the plain name, and a stale link to it is caught by the link check.

Images, the favicon and PDFs keep their names: editors link to them from
Markdown by the address they see in static/.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Files only templates refer to, and that change with the design.
FINGERPRINTED_SUFFIXES = (".css", ".js")
HASH_LENGTH = 10


class UnknownAsset(LookupError):
    """asset_url() was given a path that is not a file in static/."""


@dataclass(frozen=True, slots=True)
class AssetUrls:
    """`asset_url('/css/site.css')` in templates: the address a static file is published at.

    Frozen and compared by value, so the live preview can tell that a page's
    assets did not change and reuse the page.
    """

    published: tuple[tuple[str, str], ...]  # (URL in static/, published URL), every static file

    def __call__(self, url: str) -> str:
        for original, published in self.published:
            if original == url:
                return published
        known = ", ".join(original for original, _ in self.published[:8])
        raise UnknownAsset(f"asset_url('{url}'): there is no file static{url}"
                           + (f"; static files include {known}" if known else "; static/ is empty"))

    @property
    def fingerprinted(self) -> frozenset[str]:
        """Published URLs whose content never changes (their name holds its hash)."""
        return frozenset(published for original, published in self.published if published != original)


def fingerprinted_name(relative: str, content: bytes) -> str:
    """'css/site.css' + bytes -> 'css/site.3f9a1c2b4d.css'."""
    path = PurePosixPath(relative)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def fingerprint(static_files: dict[str, Path], enabled: bool = True) -> tuple[dict[str, Path], AssetUrls]:
    """Rename the fingerprinted kinds of files; return the files to publish and their URLs.

    The live preview passes enabled=False: its stylesheet keeps its name, so
    an edit to it reloads just the stylesheet in the browser instead of every
    page, and nothing there is cached.
    """
    published_files: dict[str, Path] = {}
    urls = []
    for relative, source in static_files.items():
        published = relative
        if enabled and relative.endswith(FINGERPRINTED_SUFFIXES):
            published = fingerprinted_name(relative, source.read_bytes())
        published_files[published] = source
        urls.append(("/" + relative, "/" + published))
    return published_files, AssetUrls(tuple(urls))
