"""The only module that writes the site: into a fresh folder, then swapped in.

A build is written to a staging folder beside output/ and exchanged with it,
so a failed or interrupted build leaves the previous output/ as it was, and
files whose source was removed disappear with the old folder.

Nothing is ever deleted or replaced unless this module wrote it: every build
carries a marker file (MARKER), and a folder is replaced only when it is
missing, empty or marked (see check_output_location). Where the platform
can exchange two folders in one step (Linux renameat2, macOS renamex_np),
output/ is never missing, not even for an instant; elsewhere it is missing
between two renames, and a build killed just then is put back by the next.
"""
from __future__ import annotations

import ctypes
import errno
import functools
import os
import posixpath
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARKER = ".sitegen-build"
# The first line proves the folder is ours; the text is harmless if a host publishes it.
MARKER_TEXT = ("sitegen build folder\n"
               "This folder was written by the site generator and is replaced whole by the next build.\n"
               "Do not keep other files in it: they would be removed.\n")

# Folders of the site that a build may never replace or write into.
SOURCE_FOLDERS = ("content", "templates", "static", "sitegen", "tests", "bench", ".git")
# Files or folders whose presence says "this is not a build".
NOT_A_BUILD = ("site_config.yaml", "content", "templates", ".git", "build.py", "sitegen")


class UnsafeOutput(Exception):
    """The output folder would overwrite something that is not a build result."""


@dataclass(frozen=True, slots=True)
class OutputState:
    """What is at the output path now: 'missing', 'empty', 'build' (marked) or 'legacy'.

    'legacy' is an unmarked folder that looks like a build made before builds
    were marked (index.html and sitemap.xml at the top, no hidden files, no
    links); the command line replaces it only if it holds nothing but files
    the new build writes too (legacy_leftovers).
    """

    kind: str


def check_output_location(output: Path, root: Path) -> OutputState:
    """Refuse output folders a build may not replace; raise UnsafeOutput saying why."""
    if output.is_symlink():
        raise UnsafeOutput(f"the output folder {output} is a symbolic link; give the folder itself, not a link to it")
    output, root = output.resolve(), root.resolve()
    home = Path.home().resolve()
    suggestion = f"choose a folder such as {root / 'output'}"
    if output == Path(output.anchor) or output == home:
        what = "your home folder" if output == home else "the top of the disk"
        raise UnsafeOutput(f"the output folder {output} is {what}; a build replaces its folder whole; {suggestion}")
    if output == root or output in root.parents:
        raise UnsafeOutput(f"the output folder {output} contains the site itself; {suggestion}")
    for protected in SOURCE_FOLDERS:
        folder = root / protected
        if output == folder or folder in output.parents:
            raise UnsafeOutput(f"the output folder {output} is inside {protected}/, which holds the site's sources; "
                               f"{suggestion}")
    if output.exists() and not output.is_dir():
        raise UnsafeOutput(f"the output folder {output} is a file, not a folder; {suggestion}")
    generator = Path(__file__).resolve().parent
    if output == generator or generator in output.parents:
        raise UnsafeOutput(f"the output folder {output} would replace the generator's own code in {generator}; "
                           f"{suggestion}")
    if not output.exists():
        return OutputState("missing")
    if _is_marker(output / MARKER):
        if (output / ".git").exists():  # a checkout made inside a build: replacing it would lose its history
            raise UnsafeOutput(f"{output} is a build, but someone made it a Git repository (it has .git); "
                               "build into another folder and copy the files into the repository")
        return OutputState("build")
    if _looks_like_a_site(output):
        raise UnsafeOutput(f"{output} holds a site or repository, not a build result; choose another output folder")
    try:
        names = sorted(path.name for path in output.iterdir())
    except OSError as exc:
        raise UnsafeOutput(f"cannot read the output folder {output}: {exc.strerror or exc}") from None
    if not names:
        return OutputState("empty")
    if _looks_like_an_old_build(output):
        return OutputState("legacy")
    raise UnsafeOutput(f"{output} already holds files that no build wrote (such as {names[0]}), and a build "
                       f"replaces its folder whole; choose a new or empty folder, or, if it is an old build, "
                       f"delete it and build again")


def legacy_leftovers(output: Path, files: set[str]) -> list[str]:
    """Files in an unmarked old build that the new build would not write (sorted)."""
    return sorted(relative for relative in _files_below(output) if relative not in files)


def write_site(output: Path, pages: dict[str, str], static_files: dict[str, Path], spare: Path | None = None) -> None:
    """Write pages (output path -> HTML) and static files (output path -> source) atomically.

    The caller has checked `output` with check_output_location. With `spare`
    (a folder on the same file system, owned by the build), the site before
    the current one is kept there after the swap, and the next build starts
    its staging folder from it: it writes only the files that differ and
    deletes only the ones that are gone, instead of writing every file and
    deleting the whole previous site (thousands of folders, each slow to
    remove on some file systems).
    """
    Staging.open(output, spare).finish(pages, static_files)


class Staging:
    """The folder a build is written into before it is swapped in for `output`.

    A build may `put` pages into it while it renders them (from worker
    processes too), so no page has to stay in memory until the end; `finish`
    adds the rest, removes what the site no longer has and swaps the folder
    in; `abandon` gives up (see there).

    `open` lists the folder once (an earlier site, when the spare is claimed),
    removing links and anything but plain files and folders; `finish` deletes
    from that listing what the site no longer has. In between nothing is read
    or written through a link: one found where a file or folder goes is
    replaced (_plain_folder, _write).
    """

    def __init__(self, output: Path, folder: Path, spare: Path | None, claimed: bool,
                 listing: tuple[set[str], set[str]] | None = None):
        self.output, self.folder, self.spare, self.claimed = output, folder, spare, claimed
        self.listing = listing or ({MARKER}, set())  # (files, folders) in the folder when it was opened
        self._root = os.fspath(folder)
        self._ready: set[str] = set()  # folders this process made sure of, for `put`
        self.entries: list[str] | None = None  # what output/ holds once `finish` is done

    @classmethod
    def open(cls, output: Path, spare: Path | None = None) -> "Staging":
        output = output.absolute()
        output.parent.mkdir(parents=True, exist_ok=True)
        _recover(output, spare)
        folder = Path(tempfile.mkdtemp(prefix=f"{_prefix(output, 'staging')}{os.getpid()}-", dir=output.parent))
        claimed = spare is not None and _claim(spare, folder)
        try:
            # Links and the like out before anything is written through them.
            files, dirs = _plain_tree(os.fspath(folder)) if claimed else (set(), set())
            _write(os.path.join(folder, MARKER), MARKER_TEXT.encode("utf-8"))
            files.add(MARKER)
        except BaseException:
            _remove_ours(folder)
            raise
        return cls(output, folder, spare, claimed, (files, dirs))

    def put(self, relative: str, text: str) -> None:
        """Write one page now, unless the folder holds it already."""
        content = text.encode("utf-8")
        _plain_folder(self._root, posixpath.dirname(relative), self._ready)
        target = os.path.join(self._root, relative)
        # Only a file of the earlier site can be there already: one that holds these bytes stays.
        if relative not in self.listing[0] or not _holds(target, content):
            _write(target, content)

    def link(self, relative: str, source: str, expected: os.stat_result) -> bool:
        """Give the folder the file at `source` (output/'s copy of a page) as a hard link instead of a copy.

        `expected` is what fstat said of the file when its bytes were read and
        checked; False (nothing linked) when `source` is no longer that file or
        the folders cannot share files. Every later write makes a new file
        (_write), so the live copy never changes through the link.
        """
        _plain_folder(self._root, posixpath.dirname(relative), self._ready)
        target = os.path.join(self._root, relative)
        _clear(target)
        return _link_checked(source, target, expected)

    def read(self, relative: str) -> str:
        return (self.folder / relative).read_text(encoding="utf-8")

    def finish(self, pages: dict[str, str], static_files: dict[str, Path], written: frozenset[str] = frozenset(),
               linkable: dict[str, os.stat_result] | None = None) -> None:
        """Add `pages` and `static_files` to what was put, drop everything else, and swap the folder in.

        `linkable` names static files whose source's bytes the caller checked
        (with the source's state then): they are hard-linked where the folders
        share a file system, as copying thousands of files costs most in
        creating them. Afterwards `entries` lists what the output folder
        holds: '' for itself, each folder (ending in '/') and each file, sorted.
        """
        self.entries = _entries({MARKER, *pages, *static_files, *written})
        try:
            if self.claimed or written:
                _update_in_place(self.folder, pages, static_files, written, self.listing,
                                 None if self.claimed else os.fspath(self.output), linkable or {})
            else:
                _write_fresh(self.folder, pages, static_files, linkable or {})
            os.chmod(self.folder, 0o755)
            _swap_in(self.folder, self.output, self.spare)
        except BaseException:
            _remove_ours(self.folder)
            raise

    def abandon(self) -> None:
        """Give up the build: a folder made from the spare goes back to being it (what it holds now
        only saves writes later); a new one is deleted, so a refused build leaves nothing behind."""
        _keep_or_remove(self.folder, self.spare if self.claimed else None)


def _entries(files: set[str]) -> list[str]:
    """The sorted listing of a folder that holds exactly `files` (relative paths): '', its folders, its files."""
    entries = {""} | files
    for relative in files:
        folder = relative.rpartition("/")[0]
        while folder and folder + "/" not in entries:
            entries.add(folder + "/")
            folder = folder.rpartition("/")[0]
    return sorted(entries)


def _write_fresh(staging: Path, pages: dict[str, str], static_files: dict[str, Path],
                 linkable: dict[str, os.stat_result]) -> None:
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    made_dirs = {staging}
    for relative, source in static_files.items():
        target = staging / relative
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        if relative not in linkable or not _link_checked(os.fspath(source), os.fspath(target), linkable[relative]):
            shutil.copyfile(source, target)
    for relative, text in pages.items():
        target = staging / relative
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        target.write_text(text, encoding="utf-8")


def _claim(spare: Path, staging: Path) -> bool:
    """Move the spare site (if there is one, and it is a marked build) to `staging`, the empty folder made for it."""
    try:
        if spare.is_symlink() or not spare.is_dir() or not _is_marker(spare / MARKER):
            return False
        os.rmdir(staging)
        try:
            os.rename(spare, staging)  # atomic: two builds at once cannot both claim it
            return True
        except OSError:
            os.mkdir(staging)
            return False
    except OSError:
        return False


def _update_in_place(staging: Path, pages: dict[str, str], static_files: dict[str, Path],
                     written: frozenset[str] = frozenset(),
                     listing: tuple[set[str], set[str]] | None = None, live: str | None = None,
                     linkable: dict[str, os.stat_result] | None = None) -> None:
    """Make `staging` (an earlier build) hold exactly this site, touching only what differs.

    `written` are files already put there by this build; `listing` is what
    the folder held before (files, folders; listed now if not given). Pages
    put since may have replaced listed files or folders, so what is deleted
    is looked at first, and every write replaces a link instead of following it.
    A static file the folder lacks is linked from `live` (output/) where that
    holds the same bytes, as Staging.link links pages: a link costs no copy.
    A `linkable` one (see Staging.finish) is linked from its source, and kept
    without reading it again where the folder holds that very file.
    """
    linkable = linkable or {}
    root = os.fspath(staging)
    files, dirs = listing if listing is not None else _plain_tree(root)
    wanted = {MARKER: MARKER_TEXT.encode("utf-8"), **{relative: text.encode("utf-8") for relative, text in pages.items()},
              **static_files, **dict.fromkeys(written)}
    folders: set[str] = set()
    for relative in wanted:
        folder = relative.rpartition("/")[0]
        while folder and folder not in folders:  # its parents are in already if it is
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    checked: set[str] = set()
    for relative in files - wanted.keys() - folders:  # a listed file where a folder goes is replaced below
        _remove_listed(root, relative, checked)
    for relative in sorted(dirs - folders, key=lambda name: name.count("/"), reverse=True):
        _remove_listed(root, relative, checked, keep_file=relative in wanted)  # a page may be there already
    ready: set[str] = set()  # not the folders `put` made sure of: one may have become a link since
    for relative, content in wanted.items():
        if content is None:
            continue  # put there by this build
        folder = relative.rpartition("/")[0]
        if folder not in ready:
            _plain_folder(root, folder, ready)
        target = os.path.join(root, relative)
        checked = linkable.get(relative)
        if relative in files:
            if isinstance(content, Path):
                if checked is not None and _is_same_file(target, checked):
                    continue
                if _same_file_content(content, target):
                    continue
            elif _holds(target, content):
                continue
        elif checked is not None and _link_checked(os.fspath(content), target, checked):
            continue
        elif live is not None and isinstance(content, Path) and _link_same(content, os.path.join(live, relative), target):
            continue
        _write(target, content)


def _plain_tree(folder: str) -> tuple[set[str], set[str]]:
    """The plain files and folders below `folder` (relative, '/'-separated); anything else is deleted."""
    files, dirs = set(), set()
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    dirs.add(relative)
                    pending.append((entry.path, relative + "/"))
                elif entry.is_file(follow_symlinks=False):
                    files.add(relative)
                else:
                    os.unlink(entry.path)
    return files, dirs


def _plain_folder(root: str, folder: str, ready: set[str]) -> None:
    """Make `folder` below `root` a plain folder, with its parents, replacing a link or file in the way.

    `ready` holds the folders already made sure of (and gets this one).
    """
    if not folder or folder in ready:
        return
    _plain_folder(root, posixpath.dirname(folder), ready)
    path = os.path.join(root, folder)
    for attempt in range(3):
        try:
            os.mkdir(path)  # the usual case; mkdir never follows a link in its way
            break
        except FileExistsError:  # made by an earlier site or another worker just now, or not a folder
            if attempt == 2:
                raise
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                break
            os.unlink(path)  # a link, or a file of an earlier site where this one has a folder
        except FileNotFoundError:
            pass
    ready.add(folder)


def _remove_listed(root: str, relative: str, checked: set[str], keep_file: bool = False) -> None:
    """Delete a listed file or folder, unless one of its folders has become a link (or is gone) since.

    `checked` holds the folders found plain already.
    """
    folder = posixpath.dirname(relative)
    parents = []
    while folder and folder not in checked:
        parents.append(folder)
        folder = posixpath.dirname(folder)
    for folder in reversed(parents):
        try:
            if not stat.S_ISDIR(os.lstat(os.path.join(root, folder)).st_mode):
                return  # deleting through it could reach outside; a folder the site keeps is replaced later
        except (FileNotFoundError, NotADirectoryError):
            return
        checked.add(folder)
    _clear(os.path.join(root, relative), keep_file)


def _clear(path: str, keep_file: bool = False) -> None:
    """Delete what is at `path` (never what a link points to), unless it is gone or a plain file to keep."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # gone, or its folder is: a page was put there
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    elif not (keep_file and stat.S_ISREG(mode)):
        os.unlink(path)


# Open without following a last link, and without waiting on a pipe planted where a file goes.
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _open_plain(path: str, flags: int, *mode: int) -> tuple[int, int] | None:
    """(descriptor, size) of the plain file at `path`, or None when something else (or nothing) is there."""
    try:
        fd = os.open(path, flags, *mode)
    except OSError:
        return None
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode):
        return fd, info.st_size
    os.close(fd)
    return None


def _read_exactly(fd: int, size: int) -> bytes:
    data = os.read(fd, size)
    while len(data) < size:  # a short read: rare, but allowed
        more = os.read(fd, size - len(data))
        if not more:
            break
        data += more
    return data


def read_plain_file(path: str) -> tuple[bytes, os.stat_result] | None:
    """The bytes of the plain file at `path` (never read through a link) and its status; None if it is not one."""
    try:
        fd = os.open(path, _READ)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        return (_read_exactly(fd, status.st_size), status) if stat.S_ISREG(status.st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _holds(path: str, content: bytes) -> bool:
    """True if `path` is a plain file (not a link) holding exactly `content`: sizes first, then bytes."""
    opened = _open_plain(path, _READ)
    if opened is None:
        return False
    fd, size = opened
    try:
        return size == len(content) and _read_exactly(fd, size) == content
    except OSError:
        return False
    finally:
        os.close(fd)


def _link_same(source: Path, live: str, target: str) -> bool:
    """Hard-link the plain file `live` at `target` (where nothing is) if it holds the bytes of `source`."""
    try:
        before = os.lstat(live)
        if not stat.S_ISREG(before.st_mode) or not _same_file_content(source, live):
            return False
    except OSError:
        return False
    return _link_checked(live, target, before)


def _link_checked(source: str, target: str, expected: os.stat_result) -> bool:
    """Hard-link `source` at `target`, if it is still the plain file `expected` describes (else nothing is linked)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        return False
    linked = os.lstat(target)
    if not stat.S_ISREG(linked.st_mode) or (linked.st_dev, linked.st_ino, linked.st_mtime_ns) != (
            expected.st_dev, expected.st_ino, expected.st_mtime_ns):
        os.unlink(target)  # replaced or changed between the check and the link: not the bytes that were checked
        return False
    return True


def _is_same_file(path: str, expected: os.stat_result) -> bool:
    """True if `path` is the plain file `expected` describes, unchanged since (a hard link to it, say)."""
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size) == (
        expected.st_dev, expected.st_ino, expected.st_mtime_ns, expected.st_size)


def _same_file_content(source: Path, target: str) -> bool:
    """True if the plain file `target` holds the bytes of `source`: sizes first, then bytes."""
    try:
        source_fd = os.open(source, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        opened = _open_plain(target, _READ)
        if opened is None:
            return False
        target_fd, size = opened
        try:
            if size != os.fstat(source_fd).st_size:
                return False
            return _read_exactly(source_fd, size) == _read_exactly(target_fd, size)
        finally:
            os.close(target_fd)
    except OSError:
        return False
    finally:
        os.close(source_fd)


def _write(target: str, content: bytes | Path) -> None:
    """Write `content` (bytes, or a file to copy) to `target` as a new file, replacing whatever is there.

    Never into the file that was there: it may be a hard link to a page of the
    live output/ (Staging.link), which must not change until the swap.
    """
    try:
        fd = os.open(target, _WRITE | os.O_EXCL, 0o666)  # the usual case: nothing there (not even a link)
    except FileExistsError:
        _clear(target)
        fd = os.open(target, _WRITE | os.O_EXCL, 0o666)  # fails if someone put something there again
    with open(fd, "wb") as file:
        if isinstance(content, Path):
            with open(content, "rb") as source:
                _copy(source, file)
        else:
            file.write(content)


def _copy(source, target) -> None:
    """Copy one open file into another, in the kernel where it can (as shutil.copyfile does)."""
    offset = 0
    try:
        while True:
            sent = os.sendfile(target.fileno(), source.fileno(), offset, 1 << 23)
            if sent == 0:
                return
            offset += sent
    except (AttributeError, OSError):  # no sendfile here, or not between these files: copy in Python
        target.seek(0)
        target.truncate()
        source.seek(0)
        shutil.copyfileobj(source, target)


def mark_folder(folder: Path) -> None:
    """Create `folder` if needed and mark it as a build (for the live preview's folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not (marker.is_file() and _is_marker(marker)):
        marker.write_text(MARKER_TEXT, encoding="utf-8")


def _swap_in(staging: Path, output: Path, spare: Path | None = None) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    # A second line behind check_output_location: never replace what is not a build.
    if output.is_symlink() or not output.is_dir() or not (
            _is_marker(output / MARKER) or not any(output.iterdir()) or _looks_like_an_old_build(output)):
        raise UnsafeOutput(f"{output} is not a build, so it was not replaced")
    if exchange(staging, output):
        _keep_or_remove(staging, spare)  # it now holds the previous site
        return
    retired = Path(tempfile.mkdtemp(prefix=f"{_prefix(output, 'old')}{os.getpid()}-", dir=output.parent))
    os.rmdir(retired)
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except BaseException:
        os.replace(retired, output)
        raise
    _keep_or_remove(retired, spare)


def _keep_or_remove(previous: Path, spare: Path | None) -> None:
    """Keep the previous site as the spare for the next build, or delete it."""
    if spare is not None:
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            if not spare.exists() and not spare.is_symlink():
                os.rename(previous, spare)
                return
        except OSError:
            pass  # another file system, or another build kept one first
    _remove_ours(previous)


# Atomic exchange of two paths -------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
_AT_FDCWD = -100
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, getattr(errno, "EOPNOTSUPP", -1), getattr(errno, "ENOTSUP", -1)}


@functools.lru_cache(maxsize=None)
def _libc():
    """The C library the interpreter runs on (looked up on the first swap only)."""
    if not (sys.platform.startswith("linux") or sys.platform == "darwin"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step; False where the platform or file system cannot."""
    libc = _libc()
    a, b = os.fsencode(first), os.fsencode(second)
    if libc is not None and sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    elif libc is not None and sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(a, b, _RENAME_SWAP)
    else:
        return False
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in _UNSUPPORTED:  # the file system cannot exchange: rename twice instead
        return False
    raise OSError(error, os.strerror(error), str(second))


# Leftovers of killed builds -----------------------------------------------------------

def _prefix(output: Path, kind: str) -> str:
    """.output-staging-, .output-old- for output/; .public-staging- for public/."""
    return f".{output.name}-{kind}-"


def _recover(output: Path, spare: Path | None = None) -> None:
    """Tidy up after builds that were killed before they finished.

    A build killed between its two renames leaves no output/ but the previous
    site in a retired folder: put it back. Marked staging and retired folders
    of processes that are gone are removed; anything unmarked is left alone.
    """
    retired = sorted(output.parent.glob(_prefix(output, "old") + "*"))
    staging = sorted(output.parent.glob(_prefix(output, "staging") + "*"))
    for leftover in retired + staging:
        if not leftover.is_dir() or leftover.is_symlink() or _owner_alive(leftover.name, output):
            continue
        if not _is_marker(leftover / MARKER):
            continue
        if leftover in retired and not output.exists():
            os.replace(leftover, output)
        else:
            _keep_or_remove(leftover, spare)  # a killed build's folder still saves writes as the spare


def _remove_ours(folder: Path) -> None:
    """Delete a folder this module made (staging or retired), never anything else."""
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)


def _owner_alive(name: str, output: Path) -> bool:
    for kind in ("staging", "old"):
        prefix = _prefix(output, kind)
        if name.startswith(prefix):
            pid_text = name[len(prefix):].split("-")[0]
            break
    else:
        return False
    return pid_text.isdigit() and int(pid_text) != os.getpid() and process_alive(int(pid_text))


def process_alive(pid: int) -> bool:
    """True while process `pid` runs; a killed process nobody has reaped yet (a zombie) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return True  # no /proc (macOS): it answered, so it runs


# What a folder holds ---------------------------------------------------------------------

def _is_marker(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            return file.read(len(MARKER_TEXT.splitlines()[0]) + 1) == MARKER_TEXT.splitlines()[0].encode() + b"\n"
    except OSError:
        return False


def _looks_like_a_site(folder: Path) -> bool:
    return any((folder / name).exists() for name in NOT_A_BUILD)


def _looks_like_an_old_build(folder: Path) -> bool:
    """index.html and sitemap.xml at the top, no hidden files, no links: an unmarked earlier build."""
    if not ((folder / "index.html").is_file() and (folder / "sitemap.xml").is_file()):
        return False
    for path in folder.rglob("*"):
        if path.is_symlink() or path.name.startswith("."):
            return False
    return True


def _files_below(folder: Path) -> list[str]:
    return [path.relative_to(folder).as_posix() for path in folder.rglob("*") if not path.is_dir()]
