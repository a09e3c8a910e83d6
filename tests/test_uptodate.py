"""A build with nothing to do, and a writer that touches only what changed.

`python build.py` after no change stops once it has proved that output/ is
the build of the same sources (uptodate.py): it prints the same report and
leaves every output file as it was. Any change of a source, an option, the
day, or of output/ itself runs the whole build again. The writer keeps the
previous site as a spare and turns it into the next one in place; whatever
the sequence of sites, the result equals a site written afresh.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from conftest import run_build, snapshot
from sitegen import uptodate
from sitegen.writer import MARKER, write_site
from test_output_safety import tree_state

CACHE = ".sitegen-cache"


def output_identity(output: Path) -> dict[str, tuple[int, int]]:
    """Each output file's inode and modification time: equal only if no file was rewritten."""
    return {path.relative_to(output).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in output.rglob("*") if path.is_file()}


def test_a_build_after_no_change_prints_the_same_report_and_rewrites_nothing(fixture_site):
    first = run_build(fixture_site)
    assert first.code == 0, first.err
    before = output_identity(fixture_site / "output")
    again = run_build(fixture_site)
    assert again.code == 0
    assert again.full_err == first.full_err  # the same warnings, in the same order
    strip_time = lambda text: text.split(" in ")[0] + text.split(" s", 1)[1]  # noqa: E731
    assert strip_time(again.out) == strip_time(first.out)
    assert output_identity(fixture_site / "output") == before
    assert (fixture_site / CACHE / uptodate.MEMO_FILE).is_file()


@pytest.mark.parametrize("change", ["source", "template", "output-edited", "output-deleted", "output-added",
                                    "output-added-deeper", "output-folder-linked", "option", "day", "no-cache"])
def test_any_change_builds_again(fixture_site, change):
    assert run_build(fixture_site, "--today", "2026-11-02").code == 0
    output = fixture_site / "output"
    args = ["--today", "2026-11-02"]
    about = fixture_site / "content" / "pages" / "about.md"
    if change == "source":
        about.write_text(about.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8")
    elif change == "template":
        base = fixture_site / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "output-edited":
        (output / "index.html").write_text("changed by hand", encoding="utf-8")
    elif change == "output-deleted":
        (output / "sitemap.xml").unlink()
    elif change == "output-added":
        (output / "notes.txt").write_text("a file put there by hand", encoding="utf-8")
    elif change == "output-added-deeper":
        (output / "about" / "old").mkdir()
        (output / "about" / "old" / "index.html").write_text("put there by hand", encoding="utf-8")
    elif change == "output-folder-linked":  # the folder moved away, a link to it in its place
        moved = fixture_site / "moved-about"
        (output / "about").rename(moved)
        (output / "about").symlink_to(moved, target_is_directory=True)
    elif change == "option":
        args += ["--base-url", "https://www.hand-in-health.test"]
    elif change == "day":
        args = ["--today", "2026-11-03"]
    elif change == "no-cache":
        args += ["--no-cache"]
    before = output_identity(output)
    result = run_build(fixture_site, *args)
    assert result.code == 0, result.err
    assert output_identity(output) != before, "the build did not run"
    expected = snapshot(output)
    # What the build wrote is what a build from nothing writes.
    for name in ("output", CACHE):
        _remove(fixture_site / name)
    assert run_build(fixture_site, *args, "--no-cache").code == 0
    assert snapshot(output) == expected
    if change == "source":
        assert "A sentence added later." in (output / "about" / "index.html").read_text(encoding="utf-8")


def test_the_record_lists_what_output_holds(fixture_site):
    """The writer says what it left in output/, so the record need not read every folder: it must be all there is."""
    import json

    assert run_build(fixture_site).code == 0
    page = fixture_site / "content" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    (fixture_site / "static" / "css" / "extra").mkdir()
    (fixture_site / "static" / "css" / "extra" / "print.css").write_text("p { color: black }", encoding="utf-8")
    assert run_build(fixture_site).code == 0
    record = json.loads((fixture_site / CACHE / uptodate.MEMO_FILE).read_text(encoding="utf-8"))
    listing = uptodate.output_listing(fixture_site / "output")
    assert record["entries"].split("\n") == listing[1]
    assert "css/extra/" in listing[1] and any(entry.startswith("css/extra/print.") for entry in listing[1])
    assert record["listing"] == listing[0]


def test_an_unreadable_or_foreign_record_only_means_a_full_build(fixture_site):
    assert run_build(fixture_site).code == 0
    memo = fixture_site / CACHE / uptodate.MEMO_FILE
    for text in ("", "{", "[]", '{"format": 1, "fingerprint": 3}', "\x00" * 50):
        memo.write_text(text, encoding="utf-8")
        before = output_identity(fixture_site / "output")
        result = run_build(fixture_site)
        assert result.code == 0 and "Traceback" not in result.full_err
        assert output_identity(fixture_site / "output") != before


def test_a_failed_build_keeps_the_record_of_the_site_still_in_output(fixture_site):
    assert run_build(fixture_site).code == 0
    about = fixture_site / "content" / "pages" / "about.md"
    good = about.read_text(encoding="utf-8")
    about.write_text(good.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    assert run_build(fixture_site).code == 1
    about.write_text(good, encoding="utf-8")
    before = output_identity(fixture_site / "output")
    assert run_build(fixture_site).code == 0
    assert output_identity(fixture_site / "output") == before  # back to the sources output/ was built from


def test_a_link_among_the_sources_is_never_trusted(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site_config.yaml").write_text("name: x\n", encoding="utf-8")
    (site / "content" / "a.md").write_text("a", encoding="utf-8")
    assert uptodate.source_fingerprint(site, {}) is not None
    (site / "content" / "b.md").symlink_to(site / "content" / "a.md")
    assert uptodate.source_fingerprint(site, {}) is None


def test_the_fingerprint_follows_bytes_not_file_times(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    page = site / "content" / "a.md"
    page.write_text("one", encoding="utf-8")
    first = uptodate.source_fingerprint(site, {})
    stat = page.stat()
    page.write_text("two", encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time, other bytes
    assert uptodate.source_fingerprint(site, {}) != first
    page.write_text("one", encoding="utf-8")
    assert uptodate.source_fingerprint(site, {}) == first  # a new time alone changes nothing
    assert uptodate.source_fingerprint(site, {"today": "2026-12-03"}) != first


# --- The writer's spare folder ------------------------------------------------------------

def _random_site(rng: random.Random, static: Path) -> tuple[dict[str, str], dict[str, Path]]:
    names = ["index.html", "a/index.html", "a/b/index.html", "c/index.html", "c", "d/e/f/index.html", "d",
             "sitemap.xml", "a/b"]
    pages = {}
    for name in rng.sample(names, rng.randint(1, len(names))):
        # A name and a folder of the same name cannot both be in one site.
        if any(other.startswith(name + "/") or name.startswith(other + "/") for other in pages):
            continue
        pages[name] = rng.choice(["<p>one</p>", "<p>two</p>", "<p>three, longer</p>"])
    assets = {}
    for index in range(rng.randint(0, 2)):
        source = static / f"asset{index}-{rng.randint(0, 1)}.css"
        source.write_text(f"body {{ margin: {index} }}" if "-0" in source.name else "p {}", encoding="utf-8")
        name = f"css/site{index}.css"
        if not any(other == "css" or other.startswith("css/") and other != name for other in pages):
            assets[name] = source
    return pages, assets


def test_a_spare_folder_gives_the_site_a_fresh_write_gives(tmp_path):
    rng = random.Random(20261202)
    static = tmp_path / "static"
    static.mkdir()
    output, fresh, spare = tmp_path / "out" / "output", tmp_path / "fresh" / "output", tmp_path / "out" / "spare"
    for step in range(60):
        pages, assets = _random_site(rng, static)
        write_site(output, pages, assets, spare)
        _remove(fresh)
        write_site(fresh, pages, assets)
        assert tree_state(output) == tree_state(fresh), f"step {step}"
        assert (spare / MARKER).is_file() or step == 0


def test_unchanged_files_are_not_rewritten(tmp_path):
    output, spare = tmp_path / "output", tmp_path / "spare"
    site = {"index.html": "<p>home</p>", "about/index.html": "<p>about</p>"}
    write_site(output, site, {}, spare)
    write_site(output, site, {}, spare)  # the first site is now the spare
    before = output_identity(spare)  # the next build starts from it
    write_site(output, {**site, "index.html": "<p>home, again</p>"}, {}, spare)
    after = output_identity(output)
    assert after["about/index.html"] == before["about/index.html"]
    assert after["index.html"] != before["index.html"]


def test_links_put_into_the_spare_are_removed_not_followed(tmp_path):
    output, spare, outside = tmp_path / "output", tmp_path / "spare", tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("not ours", encoding="utf-8")
    site = {"index.html": "<p>home</p>", "about/index.html": "<p>about</p>"}
    write_site(output, site, {}, spare)
    write_site(output, site, {}, spare)
    _remove(spare / "about")
    (spare / "about").symlink_to(outside, target_is_directory=True)
    (spare / "index.html").unlink()
    (spare / "index.html").symlink_to(outside / "index.html")
    write_site(output, {"index.html": "<p>new</p>", "about/index.html": "<p>new about</p>"}, {}, spare)
    assert (outside / "index.html").read_text(encoding="utf-8") == "not ours"
    assert not (output / "about").is_symlink() and not (output / "index.html").is_symlink()
    assert (output / "about" / "index.html").read_text(encoding="utf-8") == "<p>new about</p>"


def test_pages_put_over_an_earlier_site_give_the_site_a_fresh_write_gives(tmp_path):
    """Pages put while rendering may replace files and folders the staging folder was opened with."""
    from sitegen.writer import Staging

    rng = random.Random(20261203)
    static = tmp_path / "static"
    static.mkdir()
    output, fresh, spare = tmp_path / "out" / "output", tmp_path / "fresh" / "output", tmp_path / "out" / "spare"
    for step in range(60):
        pages, assets = _random_site(rng, static)
        put = set(rng.sample(sorted(pages), rng.randint(0, len(pages))))
        staging = Staging.open(output, spare)
        for relative in sorted(put):
            staging.put(relative, pages[relative])
        staging.finish({name: text for name, text in pages.items() if name not in put}, assets, frozenset(put))
        _remove(fresh)
        write_site(fresh, pages, assets)
        assert tree_state(output) == tree_state(fresh), f"step {step}"


def _planted_links_case(tmp_path: Path):
    """A spare holding an earlier site, and a folder outside the site that links may point to."""
    output, spare, outside = tmp_path / "output", tmp_path / "spare", tmp_path / "outside"
    outside.mkdir()
    for name in ("index.html", "site.css", "old.html"):
        (outside / name).write_text("not ours", encoding="utf-8")
    style = tmp_path / "site.css"
    style.write_text("body { margin: 0 }", encoding="utf-8")
    site = {"index.html": "<p>home</p>", "about/index.html": "<p>about</p>", "old/old.html": "<p>old</p>"}
    write_site(output, site, {"css/site.css": style}, spare)
    write_site(output, site, {"css/site.css": style}, spare)
    return output, spare, outside, style


def _link(path: Path, target: Path) -> None:
    _remove(path)
    if path.is_file():
        path.unlink()
    path.symlink_to(target, target_is_directory=target.is_dir())


def test_links_planted_after_the_staging_folder_opened_are_replaced_not_followed(tmp_path):
    from sitegen.writer import Staging

    output, spare, outside, style = _planted_links_case(tmp_path)
    before = tree_state(outside)
    staging = Staging.open(output, spare)
    folder = staging.folder
    _link(folder / "css", outside)  # a folder the site keeps
    _link(folder / "about" / "index.html", outside / "index.html")  # a page put later
    _link(folder / "old", outside)  # a folder the site no longer has, holding a listed file
    _link(folder / "index.html", outside / "index.html")  # a page written by finish
    staging.put("about/index.html", "<p>new about</p>")
    staging.finish({"index.html": "<p>new home</p>"}, {"css/site.css": style}, frozenset({"about/index.html"}))
    assert tree_state(outside) == before  # nothing outside written or deleted
    state = tree_state(output)
    assert not [name for name, value in state.items() if isinstance(value, tuple)]  # no links left
    assert state["index.html"] == b"<p>new home</p>"
    assert state["about/index.html"] == b"<p>new about</p>"
    assert state["css/site.css"] == style.read_bytes()
    assert not (output / "old").exists()


def test_links_planted_where_a_new_staging_folder_puts_pages_are_replaced_not_followed(tmp_path):
    """A page of a fresh staging folder (no earlier site in it) is created without looking first;
    whatever stands in its way is still replaced, never written through."""
    from sitegen.writer import Staging

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("<p>not ours</p>", encoding="utf-8")
    before = tree_state(outside)
    output = tmp_path / "output"
    staging = Staging.open(output)
    folder = staging.folder
    _link(folder / "team", outside)  # where a page needs a folder
    (folder / "about").mkdir()
    _link(folder / "about" / "index.html", outside / "index.html")  # where a page goes
    staging.put("team/index.html", "<p>team</p>")
    staging.put("about/index.html", "<p>about</p>")
    staging.finish({"index.html": "<p>home</p>"}, {}, frozenset({"team/index.html", "about/index.html"}))
    assert tree_state(outside) == before
    state = tree_state(output)
    assert not [name for name, value in state.items() if isinstance(value, tuple)]  # no links left
    assert state["team/index.html"] == b"<p>team</p>" and state["about/index.html"] == b"<p>about</p>"


def test_files_gone_or_changed_after_the_staging_folder_opened_are_still_right(tmp_path):
    from sitegen.writer import Staging

    output, spare, outside, style = _planted_links_case(tmp_path)
    staging = Staging.open(output, spare)
    folder = staging.folder
    (folder / "old" / "old.html").unlink()  # listed, gone before it was to be deleted
    (folder / "css" / "site.css").write_text("body { margin: 1 }", encoding="utf-8")  # same size, other bytes
    (folder / "index.html").unlink()  # listed, gone before it was compared
    (folder / "about" / "index.html").unlink()
    os.mkfifo(folder / "about" / "index.html")  # a pipe where a page goes is replaced, not waited on
    staging.put("about/index.html", "<p>about</p>")
    staging.finish({"index.html": "<p>home</p>"}, {"css/site.css": style}, frozenset({"about/index.html"}))
    fresh = tmp_path / "fresh"
    write_site(fresh, {"index.html": "<p>home</p>", "about/index.html": "<p>about</p>"}, {"css/site.css": style})
    assert tree_state(output) == tree_state(fresh)


def test_a_spare_that_is_not_a_build_is_never_used(tmp_path):
    output, spare = tmp_path / "output", tmp_path / "spare"
    spare.mkdir()
    (spare / "holiday.jpg").write_bytes(b"jpeg")
    write_site(output, {"index.html": "<p>home</p>"}, {}, spare)
    write_site(output, {"index.html": "<p>home 2</p>"}, {}, spare)
    assert (spare / "holiday.jpg").read_bytes() == b"jpeg"
    assert not (output / "holiday.jpg").exists()


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)


def test_pages_written_as_they_are_rendered_equal_pages_kept_in_memory(fixture_site, tmp_path):
    """`python build.py` puts each page into its staging folder as soon as it is rendered."""
    from datetime import date

    from sitegen.incremental import IncrementalBuilder
    from sitegen.pipeline import BuildOptions, build_site
    from sitegen.writer import Staging

    options = BuildOptions(fixture_site, today=date(2026, 11, 2))
    builder = IncrementalBuilder(options, keep_pages=False)
    staging = builder.page_store = Staging.open(tmp_path / "streamed")
    streamed = builder.build()
    html_pages = {route.output_path for route in streamed.routes if route.is_html}
    assert streamed.stored == html_pages and not html_pages & streamed.pages.keys()
    staging.finish(streamed.pages, streamed.static_files, streamed.stored)
    in_memory = build_site(options)
    assert not in_memory.stored
    write_site(tmp_path / "memory", in_memory.pages, in_memory.static_files)
    assert snapshot(tmp_path / "streamed") == snapshot(tmp_path / "memory")


def test_library_versions_are_those_importlib_metadata_gives():
    from importlib import metadata

    from sitegen.uptodate import LIBRARIES, _installed_versions, _normal_name

    installed = _installed_versions()
    assert [installed.get(_normal_name(name)) for name in LIBRARIES] == [metadata.version(name) for name in LIBRARIES]


def test_library_versions_are_left_to_importlib_metadata_where_a_library_is_also_an_egg(tmp_path, monkeypatch):
    from sitegen.uptodate import _installed_versions

    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Jinja2-3.0.0.egg-info").mkdir(parents=True)
    (second / "jinja2-3.1.6.dist-info").mkdir(parents=True)
    (second / "PyYAML-6.0.4.dist-info").mkdir()
    monkeypatch.setattr("sys.path", [str(first), str(second)])
    assert _installed_versions() == {"pyyaml": "6.0.4"}
    (tmp_path / "libraries.zip").write_bytes(b"")
    monkeypatch.setattr("sys.path", [str(tmp_path / "libraries.zip"), str(second)])
    assert _installed_versions() == {}
