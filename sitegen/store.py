"""A key -> text store in one SQLite file, for the caches in .sitegen-cache/.

The store belongs to one version (of the format, the code, the libraries):
a file of another version, or one that cannot be read, is as good as empty
and is replaced on the next write. Nothing here is ever an error: a cache
that cannot be read or written costs time, nothing else. The caches write
only where they were put, never through a link.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from .uptodate import ignore_in_git


# Up to this many keys are looked up one by one; more, and reading the whole table is faster.
FEW_KEYS = 200


class Store:
    """Tables of (key, text) in `path`, all of one `version`."""

    def __init__(self, path: Path, version: str, tables: tuple[str, ...]):
        self.path, self.version, self.tables = path, version, tables

    def entries(self, table: str) -> dict[str, str]:
        """Every entry of a table: key -> text ({} when the store cannot be read)."""
        if not self.usable() or not self.path.is_file():
            return {}
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                if _stored_version(db) != self.version:
                    return {}
                return dict(db.execute(f"SELECT key, value FROM {table}"))
        except (sqlite3.Error, OSError, ValueError):
            return {}

    def each(self, table: str, keys: list[str]):
        """(key, text) of each of `keys` the table holds, one at a time: a few looked up one by one, many
        by going through the table once, keeping only those asked for (nothing when it cannot be read)."""
        if not keys or not self.usable() or not self.path.is_file():
            return
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                if _stored_version(db) != self.version:
                    return
                if len(keys) > FEW_KEYS:
                    wanted = set(keys)
                    rows = ((key, value) for key, value in db.execute(f"SELECT key, value FROM {table}")
                            if key in wanted)
                else:
                    rows = ((key, row[0]) for key in keys
                            for row in db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)))
                yield from rows
        except (sqlite3.Error, OSError, ValueError):
            return

    def store(self, new: dict[str, dict[str, str]], used: dict[str, set[str]]) -> None:
        """Add the `new` entries of each table; drop those this build did not use once they outnumber the rest.

        Entries of an earlier state stay for a while, so going back to it (an
        edit undone, an option switched back) finds them.
        """
        if not self.usable() or not any(new.values()) and not self.path.is_file():
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            ignore_in_git(self.path.parent)
            with closing(self._open_for_writing()) as db, db:
                for table in self.tables:
                    # Entries are taken one by one: a Mapping may make each value only as it is written.
                    db.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)",
                                   iter(new.get(table, {}).items()))
                    kept = used.get(table, set()) | set(new.get(table, {}))
                    count = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    if count > 2 * len(kept) + 100:
                        db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
                        db.execute("DELETE FROM kept")
                        db.executemany("INSERT INTO kept VALUES (?)", [(key,) for key in kept])
                        db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM kept)")
        except (sqlite3.Error, OSError, ValueError, TypeError):
            pass  # a store that cannot be written costs time on the next build, nothing else

    def usable(self) -> bool:
        """False when the folder or file is a link: the cache writes only where it was put."""
        return not self.path.parent.is_symlink() and not self.path.is_symlink()

    def _open_for_writing(self) -> sqlite3.Connection:
        try:
            db = _connect(self.path)
            if _stored_version(db) == self.version:
                return db
            db.close()
        except sqlite3.Error:
            pass
        self.path.unlink(missing_ok=True)  # unreadable or another version: start afresh
        db = _connect(self.path)
        with db:
            db.execute("CREATE TABLE meta (versions TEXT NOT NULL)")
            db.execute("INSERT INTO meta VALUES (?)", (self.version,))
            for table in self.tables:
                db.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return db


def _stored_version(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT versions FROM meta").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    # A damaged cache is set aside, so no waiting for the disk: the preview stores after every rebuild.
    db.execute("PRAGMA synchronous = OFF")
    return db
