"""The output folder: only a build is ever replaced, and output/ is never missing.

Each refused --output is tried on a copy of the fixture site, and the whole
temporary folder (files, folders, links) must be exactly as it was after.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPO_ROOT, run_build, run_cli
from sitegen import writer
from sitegen.writer import MARKER, MARKER_TEXT, write_site


def tree_state(folder: Path) -> dict[str, object]:
    """Every entry below `folder`: file bytes, 'dir', or ('link', target)."""
    state: dict[str, object] = {}
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current) / name
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[relative] = ("link", os.readlink(path))
            elif path.is_dir():
                state[relative] = "dir"
            else:
                state[relative] = path.read_bytes()
    return state


@dataclass(frozen=True)
class Refused:
    """An --output that must be refused: how to make it, and the message's gist."""

    make: Callable[[Path, Path], Path]  # (site, tmp_path) -> the --output folder
    message: str


def _user_folder(site: Path, tmp: Path) -> Path:
    folder = tmp / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"not really a photo")
    return folder


def _other_site(site: Path, tmp: Path) -> Path:
    folder = tmp / "other-site"
    folder.mkdir()
    (folder / "site_config.yaml").write_text("name: Other\n", encoding="utf-8")
    return folder


def _git_checkout(site: Path, tmp: Path) -> Path:
    folder = tmp / "gh-pages"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    return folder


def _a_file(site: Path, tmp: Path) -> Path:
    path = tmp / "notes.txt"
    path.write_text("my notes\n", encoding="utf-8")
    return path


def _a_link(site: Path, tmp: Path) -> Path:
    (tmp / "real-output").mkdir()
    (tmp / "linked-output").symlink_to(tmp / "real-output")
    return tmp / "linked-output"


def _old_build_with_a_stranger(site: Path, tmp: Path) -> Path:
    folder = tmp / "old-build"
    folder.mkdir()
    for name in ("index.html", "sitemap.xml"):
        (folder / name).write_text("old", encoding="utf-8")
    (folder / "my-draft-notes.html").write_text("mine", encoding="utf-8")
    return folder


REFUSED = {
    "the site root": Refused(lambda site, tmp: site, "contains the site itself"),
    "a parent of the site": Refused(lambda site, tmp: site.parent, "contains the site itself"),
    "the .git folder": Refused(lambda site, tmp: site / ".git", "is inside .git/, which holds the site's sources"),
    "content": Refused(lambda site, tmp: site / "content", "is inside content/"),
    "inside content": Refused(lambda site, tmp: site / "content" / "pages" / "out", "is inside content/"),
    "templates": Refused(lambda site, tmp: site / "templates", "is inside templates/"),
    "inside static": Refused(lambda site, tmp: site / "static" / "out", "is inside static/"),
    "the generator": Refused(lambda site, tmp: REPO_ROOT / "sitegen", "would replace the generator's own code"),
    "the generator's repository": Refused(lambda site, tmp: REPO_ROOT, "holds a site or repository"),
    "a file": Refused(_a_file, "is a file, not a folder"),
    "a link to a folder": Refused(_a_link, "is a symbolic link"),
    "a user's folder": Refused(_user_folder, "already holds files that no build wrote (such as holiday.jpg)"),
    "another site": Refused(_other_site, "holds a site or repository, not a build result"),
    "a git checkout": Refused(_git_checkout, "holds a site or repository, not a build result"),
    "an old build with other files": Refused(_old_build_with_a_stranger,
                                             "looks like a build made by an older version (it has no .sitegen-build "
                                             "file), but it also holds files this build would not write, such as "
                                             "my-draft-notes.html"),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_an_unsafe_output_folder_is_refused_and_nothing_is_touched(fixture_site, tmp_path, case):
    (fixture_site / ".git").mkdir()
    (fixture_site / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    output = case.make(fixture_site, tmp_path)
    before = tree_state(tmp_path)
    generator_before = tree_state(REPO_ROOT / "sitegen")

    code, out, err = run_build(fixture_site, "--output", str(output))

    assert (code, out) == (2, ""), err
    assert err.startswith("error: ") and case.message in err, err
    assert err.rstrip().endswith("nothing was changed"), err
    assert len(err.strip().splitlines()) == 1, err
    assert tree_state(tmp_path) == before
    assert tree_state(REPO_ROOT / "sitegen") == generator_before


@pytest.mark.parametrize("where, message", [("/", "is the top of the disk"), ("home", "is your home folder")])
def test_the_disk_and_the_home_folder_are_refused(fixture_site, tmp_path, monkeypatch, where, message):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    before = tree_state(tmp_path)
    code, _, err = run_build(fixture_site, "--output", "/" if where == "/" else str(home))
    assert code == 2
    assert message in err
    assert tree_state(tmp_path) == before


def test_an_existing_user_folder_inside_the_site_is_refused(fixture_site):
    public = fixture_site / "public"
    public.mkdir()
    (public / "keep-me.txt").write_text("important", encoding="utf-8")
    before = tree_state(fixture_site)
    code, _, err = run_build(fixture_site, "--output", str(public))
    assert code == 2 and "keep-me.txt" in err
    assert tree_state(fixture_site) == before


@pytest.mark.parametrize("prepare", ["missing", "empty", "earlier build", "old unmarked build"])
def test_a_missing_empty_or_built_folder_is_used(fixture_site, tmp_path, built_fixture_site, prepare):
    output = tmp_path / "public"
    if prepare == "empty":
        output.mkdir()
    elif prepare == "earlier build":
        assert run_build(fixture_site, "--output", str(output)).code == 0
        (output / "stale.html").write_text("from a page since deleted", encoding="utf-8")
    elif prepare == "old unmarked build":
        shutil.copytree(built_fixture_site.output, output)
        (output / MARKER).unlink()
    code, _, err = run_build(fixture_site, "--output", str(output))
    assert (code, err) == (0, "")
    assert (output / "index.html").is_file()
    assert not (output / "stale.html").exists()
    assert (output / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".public-")) == []


def test_a_build_with_pages_named_like_sources_is_still_a_build(fixture_site):
    (fixture_site / "content" / "pages" / "content.md").write_text(
        "---\ntitle: Our content\ndescription: A page at /content/.\n---\n\nText.\n", encoding="utf-8")
    assert run_build(fixture_site).code == 0
    assert (fixture_site / "output" / "content" / "index.html").is_file()
    code, _, err = run_build(fixture_site)
    assert (code, err) == (0, "")


def test_a_build_someone_made_a_repository_is_refused(prebuilt_fixture_site):
    output = prebuilt_fixture_site / "output"
    (output / ".git").mkdir()
    before = tree_state(prebuilt_fixture_site)
    code, _, err = run_build(prebuilt_fixture_site)
    assert code == 2
    assert "is a build, but someone made it a Git repository (it has .git)" in err
    assert tree_state(prebuilt_fixture_site) == before


def test_the_marker_says_nothing_about_the_machine(built_fixture_site):
    text = (built_fixture_site.output / MARKER).read_text(encoding="utf-8")
    assert text == MARKER_TEXT
    assert str(built_fixture_site.root) not in text and os.environ.get("USER", "@@") not in text


def test_check_ignores_the_output_folder(fixture_site):
    before = tree_state(fixture_site)
    code, out, _ = run_cli("check", "--root", str(fixture_site), "--output", str(fixture_site))
    assert code == 0 and "nothing written" in out
    assert tree_state(fixture_site) == before


# Swapping the new site in ------------------------------------------------------------

SMALL_SITE = {"index.html": "<p>home</p>", "about/index.html": "<p>about</p>"}


def test_exchange_swaps_two_folders(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "one").write_text("1")
    (second / "two").write_text("2")
    if not writer.exchange(first, second):
        pytest.skip("this platform or file system cannot exchange folders")
    assert [p.name for p in first.iterdir()] == ["two"]
    assert [p.name for p in second.iterdir()] == ["one"]


POLLER = """
import os, sys
index, stop = sys.argv[1], sys.argv[2]
checks = missing = 0
print("ready", flush=True)
while not os.path.exists(stop):
    checks += 1
    if not os.path.isfile(index):
        missing += 1
print(checks, missing)
"""


def _poll_while_building(output: Path, builds: int) -> tuple[int, int]:
    """Write the site `builds` times while another process checks index.html.

    Returns (checks, times it was missing). A process, not a thread, so the
    checks run truly alongside the renames.
    """
    stop = output.parent / "stop-polling"
    poller = subprocess.Popen([sys.executable, "-c", POLLER, str(output / "index.html"), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert poller.stdout.readline().strip() == "ready"
        for number in range(builds):
            write_site(output, {**SMALL_SITE, "index.html": f"<p>home {number}</p>"}, {})
    finally:
        stop.touch()
        out, _ = poller.communicate(timeout=30)
        stop.unlink()
    checks, missing = map(int, out.split())
    return checks, missing


def test_the_published_folder_is_never_missing_during_a_swap(tmp_path):
    probe = tmp_path / "probe"
    probe.mkdir()
    if not writer.exchange(probe, probe):
        pytest.skip("this platform or file system cannot exchange folders")
    probe.rmdir()
    output = tmp_path / "output"
    write_site(output, SMALL_SITE, {})
    checks, missing = _poll_while_building(output, 300)
    assert checks > 1000 and missing == 0
    assert (output / "index.html").read_text() == "<p>home 299</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_without_an_exchange_two_renames_still_give_the_new_site(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "exchange", lambda first, second: False)
    output = tmp_path / "output"
    write_site(output, SMALL_SITE, {})
    (output / "stale.html").write_text("old")
    write_site(output, {**SMALL_SITE, "index.html": "<p>new</p>"}, {})
    assert (output / "index.html").read_text() == "<p>new</p>"
    assert not (output / "stale.html").exists()
    assert (output / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


class _FailingLibc:
    """A C library whose renameat2 and renamex_np fail with `error`."""

    def __init__(self, error: int):
        self.error = error

    def _fail(self, *args):
        ctypes.set_errno(self.error)
        return -1

    renameat2 = renamex_np = _fail


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="no exchange call on this platform")
def test_a_file_system_that_cannot_exchange_falls_back_to_two_renames(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "_libc", lambda: _FailingLibc(errno.EINVAL))
    output = tmp_path / "output"
    write_site(output, SMALL_SITE, {})
    write_site(output, {"index.html": "<p>second</p>"}, {})
    assert (output / "index.html").read_text() == "<p>second</p>"
    assert not (output / "about").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="no exchange call on this platform")
def test_a_failing_exchange_keeps_the_previous_site(tmp_path, monkeypatch):
    output = tmp_path / "output"
    write_site(output, SMALL_SITE, {})
    before = tree_state(output)
    monkeypatch.setattr(writer, "_libc", lambda: _FailingLibc(errno.EACCES))
    with pytest.raises(PermissionError):
        write_site(output, {"index.html": "<p>second</p>"}, {})
    assert tree_state(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_the_writer_itself_never_replaces_a_folder_that_is_not_a_build(tmp_path):
    output = tmp_path / "photos"
    output.mkdir()
    (output / "holiday.jpg").write_bytes(b"jpeg")
    before = tree_state(tmp_path)
    with pytest.raises(writer.UnsafeOutput, match="is not a build, so it was not replaced"):
        write_site(output, SMALL_SITE, {})
    assert tree_state(tmp_path) == before


# Leftovers of killed builds ---------------------------------------------------------------

DEAD_PID = 99999999  # above any pid_max


def _marked_folder(path: Path, page: str) -> Path:
    path.mkdir()
    (path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (path / "index.html").write_text(page)
    return path


def test_a_build_killed_between_renames_is_put_back(tmp_path):
    _marked_folder(tmp_path / f".output-old-{DEAD_PID}-abc", "previous")
    write_site(tmp_path / "output", SMALL_SITE, {})
    assert (tmp_path / "output" / "index.html").read_text() == "<p>home</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_unmarked_or_foreign_leftovers_are_never_deleted(tmp_path):
    lookalike = tmp_path / f".output-staging-{DEAD_PID}-mine"
    lookalike.mkdir()
    (lookalike / "thesis.tex").write_text("years of work")
    other_output = _marked_folder(tmp_path / f".public-old-{DEAD_PID}-x", "public's previous site")
    ours = _marked_folder(tmp_path / f".output-staging-{DEAD_PID}-y", "half written")
    write_site(tmp_path / "output", SMALL_SITE, {})
    assert (lookalike / "thesis.tex").read_text() == "years of work"
    assert (other_output / "index.html").read_text() == "public's previous site"
    assert not ours.exists()
    assert (tmp_path / "output" / "index.html").read_text() == "<p>home</p>"
