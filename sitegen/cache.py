"""A persistent store of Markdown results, so a rebuild converts only what changed.

The reuse layer (incremental.py) looks here for what it does not hold in memory.

Stored in `.sitegen-cache/markdown.sqlite3` in the site folder (git-ignored).
An entry is keyed by a hash of everything its result depends on: the text,
its file and first line (errors name them), the Markdown options, the
versions of Python and Python-Markdown, and the source of the modules that
convert and check. A document with directives (`:::`) or data words (`{{ }}`)
also reads the site's data and templates, so it is not cached: it is
converted on every build.

The cache never decides what a page looks like, only whether a conversion
can be skipped: a missing, unreadable, corrupt, truncated or old-format
cache is set aside and rebuilt, never an error. `--no-cache` builds without
it; deleting the folder clears it.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import markdown as python_markdown

from . import extensions, markup, sanitize
from .errors import SiteError
from .markup import MarkdownRenderer, MarkdownResult
from .models import TocEntry
from .uptodate import ignore_in_git

CACHE_DIR = ".sitegen-cache"
CACHE_FILE = "markdown.sqlite3"
FORMAT = 2


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
        self.path = root / CACHE_DIR / CACHE_FILE
        self._versions = json.dumps([FORMAT, sys.version_info[:2], python_markdown.__version__, _code_version()])

    def key(self, renderer: MarkdownRenderer, text: str, source: str, first_line: int) -> str | None:
        if reads_the_site(text):
            return None  # directives and data words read data and templates: always converted
        options = renderer.options
        # The text comes last, so the fields before it (none of which holds NUL) cannot run into it.
        digest = hashlib.blake2b(digest_size=24)
        digest.update(f"{self._versions}\0{options.smart_quotes}\0{options.toc_depth}\0{options.allow_unsafe_html}\0"
                      f"{source}\0{first_line}\0".encode("utf-8", "surrogatepass"))
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def load(self, keys: list[str]) -> dict[str, MarkdownResult]:
        """The cached results among `keys`; {} if the cache cannot be read."""
        found: dict[str, MarkdownResult] = {}
        if not keys or not self.usable() or not self.path.is_file():
            return found
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                if self._stored_versions(db) != self._versions:
                    return found
                wanted = set(keys)
                for key, value in db.execute("SELECT key, value FROM results"):
                    if key in wanted:
                        result = _decode(value)
                        if result is not None:
                            found[key] = result
        except (sqlite3.Error, OSError, ValueError):
            return {}
        return found

    def store(self, results: dict[str, MarkdownResult], used: set[str]) -> None:
        """Add `results`; drop entries this build did not use once they outnumber those it did."""
        if not self.usable():
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            ignore_in_git(self.path.parent)
            db = self._open_for_writing()
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)",
                                   [(key, _encode(result)) for key, result in results.items()])
                    count = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
                    if count > 2 * len(used) + 100:
                        db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                        db.executemany("INSERT INTO used VALUES (?)", [(key,) for key in used])
                        db.execute("DELETE FROM results WHERE key NOT IN (SELECT key FROM used)")
            finally:
                db.close()
        except (sqlite3.Error, OSError, ValueError, TypeError):
            pass  # a cache that cannot be written costs time on the next build, nothing else

    def usable(self) -> bool:
        """False when the folder or file is a link: the cache writes only where it was put."""
        return not self.path.parent.is_symlink() and not self.path.is_symlink()

    def _open_for_writing(self) -> sqlite3.Connection:
        try:
            db = _connect(self.path)
            if self._stored_versions(db) == self._versions:
                return db
            db.close()
        except sqlite3.Error:
            pass
        # Unreadable or another version: start afresh.
        self.path.unlink(missing_ok=True)
        db = _connect(self.path)
        with db:
            db.execute("CREATE TABLE meta (versions TEXT NOT NULL)")
            db.execute("INSERT INTO meta VALUES (?)", (self._versions,))
            db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return db

    @staticmethod
    def _stored_versions(db: sqlite3.Connection) -> str | None:
        try:
            row = db.execute("SELECT versions FROM meta").fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    # A cache need not survive a power cut (a damaged one is set aside), so no waiting for the disk:
    # the preview stores what it converted after every rebuild.
    db.execute("PRAGMA synchronous = OFF")
    return db


def _encode(result: MarkdownResult) -> str:
    return json.dumps([result.html, [[entry.level, entry.id, entry.title] for entry in result.toc],
                       [[e.path, e.line, e.column, e.message, e.hint] for e in result.errors], list(result.components)])


def _decode(value: str) -> MarkdownResult | None:
    try:
        html, toc, errors, components = json.loads(value)
        return MarkdownResult(html, tuple(TocEntry(*entry) for entry in toc), [SiteError(*error) for error in errors],
                              tuple(components))
    except (ValueError, TypeError):
        return None
