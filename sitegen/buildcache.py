"""What `python build.py` keeps between runs besides Markdown results: loaded pages and rendered pages.

Stored in `.sitegen-cache/build.sqlite3` (git-ignored), read at the start of
a build and updated at its end:

- documents: a Markdown file's bytes (with its kind and path) -> the Document
  its front matter gave (without the body, which the file's text ends with),
  the problems found in it and its example values (placeholders.py), so an
  unchanged file is neither parsed nor scanned again;
- pages: a digest of everything a page's HTML depends on (its templates'
  text and the values they read, see incremental.py) -> a digest of that HTML
  and what the link check read from it. A page whose key is known is not
  rendered again when the staging folder, or output/, already holds those
  exact bytes (checked by their digest, never by file times);
- layouts: what the link check read from the header and footer most pages
  share, once each, named by the page entries;
- templates: a template's name and text -> the templates it pulls in and the
  variables it loads, which page keys are made of;
- links: the link check's memo (checks.LinkMemo): the pages that passed, by
  their HTML's digest, with what their links lead to, so an unchanged page
  whose targets are all still there is neither decoded nor checked again;
- identities: a file of the image cache -> its device, inode, size and
  modification and change times when its bytes were last found to match the
  hash in its name (images.CacheFolder), so it is not read again while they
  stay the same. Writing to a file changes its change time, which no tool
  can set back.

Everything is kept as JSON of known classes, never pickled: a cache file
could come from anywhere, so reading it must not be able to run code. The
whole store belongs to one version of the code and libraries: another version,
an unreadable or damaged file, or an entry that does not decode is ignored
and rebuilt, never an error. `--no-cache` builds without it; deleting
.sitegen-cache/ clears it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path

from .checks import LayoutFacts, PageFacts
from .errors import SiteError
from .models import Document, TocEntry
from .store import Store
from .uptodate import versions

CACHE_DIR = ".sitegen-cache"
CACHE_FILE = "build.sqlite3"
FORMAT = 7
TABLES = ("documents", "pages", "layouts", "templates", "links", "identities")

# The classes an entry may hold; decoding makes no other.
_CLASSES = {cls.__name__: cls for cls in (Document, TocEntry, SiteError, PageFacts, LayoutFacts)}


class BuildCache(Store):
    """Documents, pages and layouts of earlier builds (see the module's text)."""

    def __init__(self, root: Path):
        super().__init__(root / CACHE_DIR / CACHE_FILE, json.dumps([FORMAT, versions()]), TABLES)


def encode_page(html_digest: str, facts: PageFacts, memo: dict) -> tuple[str, list[str], dict[str, str]]:
    """A page's entry, the keys of its layout parts, and those parts' texts not in `memo` yet.

    The entry holds its HTML's digest on the first line and the keys of the
    layout parts (header, footer) it shares with most pages on the second
    (both read without decoding the rest), then its own facts; the parts are
    kept once each in the layouts table. `memo` (one a build, per process)
    remembers the parts encoded.
    """
    keys, new = [], {}
    for part in facts.shared:
        if part not in memo:
            text = encode(part)
            memo[part] = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
            new[memo[part]] = text
        keys.append(memo[part])
    return f"{html_digest}\n{' '.join(keys)}\n{encode(dataclasses.replace(facts, shared=()))}", keys, new


def page_html_digest(entry: str) -> str:
    return entry.split("\n", 1)[0]


def page_layout_keys(entry: str) -> list[str]:
    """The keys of the layout parts a page's entry names; ValueError for an entry that has none."""
    lines = entry.split("\n", 2)
    if len(lines) != 3:
        raise ValueError("not a page's entry")
    return lines[1].split()


def decode_layouts(keys: list[str], layout_texts: dict[str, str], layouts: dict[str, LayoutFacts]) -> tuple:
    """The layout parts named by `keys`; `layouts` memoises those decoded. ValueError if one is damaged or missing."""
    parts = []
    for key in keys:
        if key not in layouts:
            try:
                part = decode(layout_texts[key])
            except KeyError:
                raise ValueError(f"no layout {key}") from None
            if not isinstance(part, LayoutFacts):
                raise ValueError("not the facts of a layout")
            layouts[key] = part
        parts.append(layouts[key])
    return tuple(parts)


def decode_own_facts(entry: str) -> PageFacts:
    """A page's own facts (without its layout parts) from its entry; ValueError if it is damaged."""
    lines = entry.split("\n", 2)
    facts = decode(lines[2]) if len(lines) == 3 else None
    if not isinstance(facts, PageFacts) or facts.shared:
        raise ValueError("not the facts of a page")
    return facts


class NotStorable(Exception):
    """A value the store has no form for: it is left out of the store."""


def encode(value: object) -> str:
    """JSON for a value made of plain data and the known classes; raises NotStorable otherwise."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> object:
    """The value `encode` was given; raises ValueError for text it did not write."""
    try:  # every JSON object `encode` writes is a tag, revived by the decoder as it reads (inner ones first)
        return json.loads(text, object_hook=_revive)
    except (TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        raise ValueError(f"not a stored value: {exc}") from None


def _plain(value: object):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if type(value) is str:
        return value
    if type(value) is list:
        return [_plain(item) for item in value]
    if type(value) is tuple:
        return {"t": [_plain(item) for item in value]}
    if type(value) in (set, frozenset):
        tag = "f" if type(value) is frozenset else "s"
        if all(type(item) is str for item in value):  # links and ids: sorted as they are
            return {tag: sorted(value)}
        return {tag: sorted((_plain(item) for item in value), key=json.dumps)}
    if type(value) is dict:
        if not all(type(key) is str for key in value):
            raise NotStorable("a mapping with keys that are not text")
        # Keys and values in one list, not a JSON object: every object in the text is then a tag.
        return {"m": [part for key, item in value.items() for part in (key, _plain(item))]}
    if type(value) is datetime:
        return {"dt": value.isoformat()}
    if type(value) is date:
        return {"d": value.isoformat()}
    name = type(value).__name__
    if _CLASSES.get(name) is type(value):
        return {"c": name, "v": [_plain(getattr(value, spec.name)) for spec in dataclasses.fields(value)]}
    raise NotStorable(name)


def _revive(tagged: dict):
    """The value of one tag `_plain` wrote, whose contents are revived already."""
    if len(tagged) == 2:
        return _CLASSES[tagged["c"]](*tagged["v"])
    (tag, value), = tagged.items()
    if tag == "t":
        return tuple(value)
    if tag == "m":
        keys = value[::2]
        if not all(type(key) is str for key in keys):
            raise TypeError("a mapping with keys that are not text")
        return dict(zip(keys, value[1::2]))
    if tag == "d":
        return date.fromisoformat(value)
    if tag == "f":
        return frozenset(value)
    if tag == "s":
        return set(value)
    if tag == "dt":
        return datetime.fromisoformat(value)
    raise KeyError(tag)


def encode_identities(known: dict) -> dict[str, str]:
    """The image cache's files and their identities, from images.CacheFolder.known, as store entries."""
    return {str(key[0]): "%d %d %d %d %d" % identity for key, identity in known.items()
            if type(key) is tuple and len(identity) == 5}


def decode_identities(entries: dict[str, str]) -> dict:
    """images.CacheFolder.known from store entries; an entry that does not decode is left out."""
    known = {}
    for path, text in entries.items():
        if _IDENTITY.fullmatch(text):
            known[(path,)] = tuple(map(int, text.split(" ")))
    return known


_IDENTITY = re.compile(r"[0-9]{1,20}(?: [0-9]{1,20}){4}")  # ASCII digits only: int() takes others too
