"""Whether output/ already holds the build of exactly these sources, so a build has nothing to do.

After a build that wrote the site, the command line records three things in
.sitegen-cache/last-build.json: a fingerprint of everything the build read
(the bytes of every file in content/, templates/ and static/ and of
site_config.yaml, never their times; the options; the day it was built for;
the code and library versions), a digest of the listing of what it wrote
(each output file's and folder's name, size, time and inode; a file added or
removed by hand changes its folder's time), the listing itself, and what it
printed. A build
whose fingerprint matches and whose output folder is untouched prints the
same report and stops. Anything else (an edit, a new day, a file in output/
changed or deleted by hand, a symbolic link among the sources, a record that
cannot be read) runs the whole build.

Little is imported here (the standard library, and social.py for the fonts
share cards are drawn with): deciding costs a few milliseconds per thousand
pages, less than loading the build's own libraries would.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

MEMO_FILE = "last-build.json"
FORMAT = 2
SOURCE_FOLDERS = ("content", "templates", "static")
SOURCE_FILES = ("site_config.yaml",)
LIBRARIES = ("jinja2", "markupsafe", "markdown", "pyyaml", "pillow", "selectolax")


@dataclass(frozen=True, slots=True)
class Report:
    """What a build printed: its warnings, and its summary line around the seconds it took."""

    warnings: str
    summary_before_seconds: str
    summary_after_seconds: str

    def summary(self, seconds: float) -> str:
        return f"{self.summary_before_seconds}{seconds:.2f} s{self.summary_after_seconds}"


def source_fingerprint(root: Path, settings: dict) -> str | None:
    """A digest of every source file's path and bytes, the settings and the versions; None if it cannot tell.

    A symbolic link makes it unable to tell (what the link leads to may be
    anywhere in the site), and so does a file that cannot be read.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT, settings, versions()], sort_keys=True, default=str).encode())
    try:
        for name in SOURCE_FILES:
            _add_file(digest, root / name, name)
        for folder in SOURCE_FOLDERS:
            if not _add_folder(digest, root / folder, folder):
                return None
    except OSError:
        return None
    return digest.hexdigest()


def output_listing(output: Path) -> tuple[str, list[str]] | None:
    """A digest of the output folder as it is, and the listing it was made from (folders end in '/').

    Each folder and file counts with its name, type, size, modification time
    and inode. A file added or removed changes its folder's time, so a later
    look (listing_digest) needs only the entries listed now, not the folders read again.
    """
    listing = [""]
    try:
        if output.is_symlink() or not output.is_dir():
            return None
        pending = [(os.fspath(output), "")]
        while pending:
            folder, prefix = pending.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        listing.append(f"{prefix}{entry.name}/")
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                    else:
                        listing.append(prefix + entry.name)
    except OSError:
        return None
    listing.sort()
    found = listing_digest(output, listing)
    return None if found is None else (found, listing)


def listing_digest(output: Path, listing: list[str]) -> str | None:
    """The digest of the entries of `listing` in `output` as they are now; None if one is gone or unreadable."""
    digest = hashlib.sha256()
    root = os.fspath(output)
    try:
        for relative in listing:
            info = os.lstat(os.path.join(root, relative.rstrip("/")))  # a link where a folder was: the link
            digest.update(f"{relative} {info.st_mode} {info.st_size} {info.st_mtime_ns} {info.st_ino}\n"
                          .encode("utf-8", "surrogateescape"))
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def unchanged_build(cache_dir: Path, fingerprint: str | None, output: Path) -> Report | None:
    """The report of the last build if it was made from `fingerprint` and output/ is as it left it."""
    if fingerprint is None:
        return None
    try:
        memo = json.loads((cache_dir / MEMO_FILE).read_text(encoding="utf-8"))
        if memo.get("format") != FORMAT or memo.get("fingerprint") != fingerprint:
            return None
        listing = memo.get("entries")
        if memo.get("output") != str(output.resolve()) or not isinstance(listing, str) or output.is_symlink() or \
                memo.get("listing") != listing_digest(output, listing.split("\n")):
            return None
        return Report(*(str(part) for part in memo["report"]))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None  # no record, or one that cannot be read: build


def record_build(cache_dir: Path, fingerprint: str | None, output: Path, report: Report,
                 entries: list[str] | None = None) -> None:
    """Remember that `output` now holds the build of `fingerprint` (or forget the last one).

    `entries`, the listing of what the writer left in `output` (sorted, as
    output_listing gives it), spares reading every folder again.
    """
    target = cache_dir / MEMO_FILE
    try:
        if cache_dir.is_symlink() or target.is_symlink():
            return  # the cache writes only where it was put
        if entries is None:
            listed = output_listing(output)
        else:
            found = listing_digest(output, entries) if not output.is_symlink() else None
            listed = None if found is None else (found, entries)
        if fingerprint is None or listed is None:
            target.unlink(missing_ok=True)
            return
        cache_dir.mkdir(exist_ok=True)
        ignore_in_git(cache_dir)
        temporary = cache_dir / f".{MEMO_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps({"format": FORMAT, "fingerprint": fingerprint, "output": str(output.resolve()),
                                         "listing": listed[0], "entries": "\n".join(listed[1]),
                                         "report": [report.warnings, report.summary_before_seconds,
                                                    report.summary_after_seconds]}),
                             encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass  # without a record the next build simply runs in full


def _add_file(digest, path: Path, relative: str) -> None:
    if path.is_symlink():
        raise OSError("a link")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        digest.update(f"missing {relative}\n".encode("utf-8", "surrogateescape"))
        return
    digest.update(f"f {relative} {len(data)}\n".encode("utf-8", "surrogateescape"))
    digest.update(data)


def _add_folder(digest, folder: Path, relative: str) -> bool:
    if folder.is_symlink():
        return False
    if not folder.is_dir():
        digest.update(f"no folder {relative}\n".encode("utf-8", "surrogateescape"))
        return True
    pending = [(folder, relative)]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = f"{prefix}/{entry.name}"
                if entry.is_symlink():
                    return False
                if entry.is_dir():
                    digest.update(f"d {name}\n".encode("utf-8", "surrogateescape"))
                    pending.append((Path(entry.path), name))
                elif entry.is_file():
                    with open(entry.path, "rb") as handle:
                        data = handle.read()
                    digest.update(f"f {name} {len(data)}\n".encode("utf-8", "surrogateescape"))
                    digest.update(data)
                else:
                    return False  # a device, a socket, a pipe: not a source the build can read
    return True


@functools.lru_cache(maxsize=None)
def versions() -> tuple:
    """Python, the libraries and every module of this package: a new version of any builds anew."""
    code = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        code.update(path.name.encode())
        code.update(path.read_bytes())
    installed = _installed_versions()
    found = [installed.get(_normal_name(name)) or _version_from_metadata(name) for name in LIBRARIES]
    from .social import BOLD, REGULAR, find_font  # share cards draw with these fonts

    fonts = []
    for name in (BOLD, REGULAR):
        path = find_font(name)
        try:
            info = path.stat() if path is not None else None
        except OSError:
            info = None
        if info is not None:
            fonts.append((str(path), info.st_size, info.st_mtime_ns))
    return (sys.version, code.hexdigest(), tuple(found), tuple(fonts))


_DIST_INFO = re.compile(r"(?P<name>[^-]+)-(?P<version>[^-]+)\.dist-info")


def _normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _installed_versions() -> dict[str, str]:
    """Name -> version of the packages whose .dist-info folders are on sys.path, first found first.

    What importlib.metadata would say for them, without its import and its
    search (50 ms of every build, one that changed nothing included).
    """
    versions: dict[str, str] = {}
    other_forms: set[str] = set()  # installed as eggs too: importlib.metadata decides
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except NotADirectoryError:  # a zip file on the path: importlib.metadata decides for everything
            return {}
        except OSError:
            continue
        for entry in names:
            match = _DIST_INFO.fullmatch(entry)
            if match:
                versions.setdefault(_normal_name(match["name"]), match["version"])
            elif entry.endswith((".egg-info", ".egg")):
                other_forms.add(_normal_name(entry.split("-")[0].removesuffix(".egg-info").removesuffix(".egg")))
    return {name: version for name, version in versions.items() if name not in other_forms}


def _version_from_metadata(name: str) -> str | None:
    """A library's version as importlib.metadata finds it (installed some other way than a .dist-info)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def ignore_in_git(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# Made by sitegen: a cache of build results, safe to delete.\n*\n", encoding="utf-8")
