"""A persistent store of Markdown results, so a rebuild converts only what changed.

The reuse layer (incremental.py) looks here for what it does not hold in memory.

Stored in `.sitegen-cache/markdown.sqlite3` in the site folder (git-ignored).
An entry is keyed by a hash of everything its result depends on: the text,
its file and first line (errors name them), the Markdown options, the
versions of Python and Python-Markdown, and the source of the modules that
convert and check. A document with directives (`:::`) or data words (`{{ }}`)
also reads the site's data and templates: the `partials` table keeps, by the
text's key, the component templates its last conversion rendered, and its
result is keyed by the text's key and a digest of everything those templates
read (incremental.py works that out), so it is converted again when any of it
changes.

The cache never decides what a page looks like, only whether a conversion
can be skipped: a missing, unreadable, corrupt, truncated or old-format
cache is set aside and rebuilt, never an error. `--no-cache` builds without
it; deleting the folder clears it.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path

import markdown as python_markdown

from . import extensions, markup, sanitize
from .errors import SiteError
from .markup import MarkdownRenderer, MarkdownResult
from .models import TocEntry
from .store import Store

CACHE_DIR = ".sitegen-cache"
CACHE_FILE = "markdown.sqlite3"
FORMAT = 3


def _code_version() -> str:
    digest = hashlib.sha256()
    for module in (markup, extensions, sanitize):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def reads_the_site(text: str) -> bool:
    """True for Markdown with directives (`:::`) or data words (`{{ }}`): its result depends on more than its text."""
    return ":::" in text or "{{" in text


class MarkdownCache:
    """Markdown results on disk, looked up and stored in batches."""

    def __init__(self, root: Path):
        self._versions = json.dumps([FORMAT, sys.version_info[:2], python_markdown.__version__, _code_version()])
        self._store = Store(root / CACHE_DIR / CACHE_FILE, self._versions, ("results", "partials"))

    def key(self, renderer: MarkdownRenderer, text: str, source: str, first_line: int) -> str | None:
        """The key of a text's result; None for a text that reads the site (see text_key)."""
        if reads_the_site(text):
            return None  # directives and data words read data and templates: keyed with them (key_in_context)
        return self.text_key(renderer, text, source, first_line)

    def text_key(self, renderer: MarkdownRenderer, text: str, source: str, first_line: int) -> str:
        """A digest of the text, where it is and the options: all of a result's inputs but what the site gives."""
        options = renderer.options
        # The text comes last, so the fields before it (none of which holds NUL) cannot run into it.
        digest = hashlib.blake2b(digest_size=24)
        digest.update(f"{self._versions}\0{options.smart_quotes}\0{options.toc_depth}\0{options.allow_unsafe_html}\0"
                      f"{source}\0{first_line}\0".encode("utf-8", "surrogatepass"))
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    @staticmethod
    def key_in_context(text_key: str, context: str) -> str:
        """The key of the result of a text that reads the site: its text's key and a digest of what it read."""
        return hashlib.blake2b(f"{text_key}\0{context}".encode(), digest_size=24).hexdigest()

    def partials(self, text_keys: list[str]) -> dict[str, tuple[str, ...]]:
        """Text key -> the component templates the text's last conversion rendered, for those the store has."""
        found = {}
        for key, entry in self._store.each("partials", text_keys):
            try:
                names = json.loads(entry)
            except (ValueError, RecursionError):  # damaged: deep nesting makes the decoder recurse
                continue
            if isinstance(names, list) and all(isinstance(name, str) for name in names):
                found[key] = tuple(names)
        return found

    def load(self, keys: list[str]) -> dict[str, MarkdownResult]:
        """The cached results among `keys`; {} if the cache cannot be read."""
        found = {}
        for key, entry in self._store.each("results", keys):  # decoded as read: the texts are not all kept
            result = _decode(entry)
            if result is not None:
                found[key] = result
        return found

    def store(self, results: dict[str, MarkdownResult], used: set[str],
              partials: dict[str, tuple[str, ...]] | None = None, used_partials: set[str] | None = None) -> None:
        """Add `results` (and `partials`); drop entries this build did not use once they outnumber those it did."""
        self._store.store({"results": _Encoded(results),
                           "partials": {key: json.dumps(list(names)) for key, names in (partials or {}).items()}},
                          {"results": used, "partials": used_partials or set()})


class _Encoded(Mapping):
    """Results as the store keeps them, each encoded as it is written: never all of them at once in memory."""

    def __init__(self, results: dict[str, MarkdownResult]):
        self._results = results

    def __getitem__(self, key: str) -> str:
        return _encode(self._results[key])

    def __iter__(self):
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)


def _encode(result: MarkdownResult) -> str:
    return json.dumps([result.html, [[entry.level, entry.id, entry.title] for entry in result.toc],
                       [[e.path, e.line, e.column, e.message, e.hint] for e in result.errors], list(result.components)])


def _decode(value: str) -> MarkdownResult | None:
    try:
        html, toc, errors, components = json.loads(value)
        return MarkdownResult(html, tuple(TocEntry(*entry) for entry in toc), [SiteError(*error) for error in errors],
                              tuple(components))
    except (ValueError, TypeError, RecursionError):
        return None
