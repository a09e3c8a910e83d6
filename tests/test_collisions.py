"""Two sources may never write one file: collisions are decided on output files.

/about/ and /about/index.html are one file; so are /about/ and /About/ on the
case-folding disks of macOS and Windows; and a file cannot stand where
another page needs a folder. Each case asserts the whole error report, exit
1 and an untouched output/.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import run_build, snapshot


def page(url: str | None = None) -> str:
    extra = f"url: {url}\n" if url else ""
    return f"---\ntitle: Another page\ndescription: A page that wants an address.\n{extra}---\n\nText.\n"


@dataclass(frozen=True)
class Collision:
    files: dict[str, str]  # path in the site -> text
    report: str  # the one error line


CASES = {
    "url naming the index file of another page": Collision(
        {"content/pages/team.md": page("/about/index.html")},
        "content/pages/team.md:4: /about/ and /about/index.html are the same file, about/index.html: produced by "
        "content/pages/about.md and by content/pages/team.md; give one of them another file name or url"),
    "url naming the home page's file": Collision(
        {"content/pages/team.md": page("/index.html")},
        "content/pages/team.md:4: / and /index.html are the same file, index.html: produced by "
        "content/pages/index.md and by content/pages/team.md; give one of them another file name or url"),
    "url differing only in letter case": Collision(
        {"content/pages/team.md": page("/About/")},
        "content/pages/team.md:4: /about/ and /About/ differ only in letter case, so they are one file on macOS and "
        "Windows: produced by content/pages/about.md and by content/pages/team.md; give one of them another file "
        "name or url, and write addresses in lowercase"),
    "url taking a generated page in other letter case": Collision(
        {"content/pages/team.md": page("/Services/")},
        "content/pages/team.md:4: /Services/ and /services/ differ only in letter case, so they are one file on "
        "macOS and Windows: produced by content/pages/team.md and by content/data/services.yaml; give one of them "
        "another file name or url, and write addresses in lowercase"),
    "a file where a page needs a folder": Collision(
        {"content/pages/extra.md": page("/team.html/"), "content/pages/team.md": page("/team.html")},
        "content/pages/team.md:4: /team.html writes the file team.html, where /team.html/ needs a folder; "
        "give one of them another file name or url"),
    "a static file over a page": Collision(
        {"static/about/index.html": "<p>x</p>"},
        "static/about/index.html: this file would overwrite the page at /about/; rename or move it"),
    "a static file over the home page": Collision(
        {"static/index.html": "<p>x</p>"},
        "static/index.html: this file would overwrite the page at /; rename or move it"),
    "a static file over a page in other letter case": Collision(
        {"static/About/index.html": "<p>x</p>"},
        "static/About/index.html: this file and the page at /about/ (about/index.html) differ only in letter case, "
        "so one would overwrite the other on macOS and Windows; rename or move it"),
    "a static file where pages need a folder": Collision(
        {"static/services": "not a folder"},
        "static/services: this file stands where the page at /services/ needs a folder; rename or move it"),
    "a static file inside a page's file": Collision(
        {"static/404.html/x.png": "png"},
        "static/404.html/x.png: this file needs the folder 404.html/, where /404.html writes a file; rename or move it"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_two_sources_writing_one_file_are_an_error_naming_both(prebuilt_fixture_site, case):
    root = prebuilt_fixture_site
    before = snapshot(root / "output")
    for path, text in case.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")

    code, _, err = run_build(root)

    assert code == 1
    assert err.splitlines() == [case.report, "1 error found.", "The output folder was left as it was."]
    assert snapshot(root / "output") == before


@pytest.mark.parametrize("url", ["/.git/", "/.sitegen-build/", "/team/.hidden.html"])
def test_hidden_addresses_are_refused(prebuilt_fixture_site, url):
    root = prebuilt_fixture_site
    before = snapshot(root / "output")
    (root / "content" / "pages" / "team.md").write_text(page(url), encoding="utf-8")
    code, _, err = run_build(root)
    assert code == 1
    assert err.splitlines()[0] == (f"content/pages/team.md:4: the URL '{url}' may not have parts starting with '.': "
                                   "hosts hide such files, and the output folder keeps its .sitegen-build file there")
    assert snapshot(root / "output") == before


def test_a_well_known_address_is_allowed(fixture_site):
    (fixture_site / "content" / "pages" / "team.md").write_text(page("/.well-known/team.html"), encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert (code, err) == (0, "")
    assert (fixture_site / "output" / ".well-known" / "team.html").is_file()


def test_static_files_differing_only_in_case_collide(prebuilt_fixture_site):
    static = prebuilt_fixture_site / "static"
    (static / "Favicon.svg").write_text("<svg/>", encoding="utf-8")
    if len([path for path in static.iterdir() if path.name.lower() == "favicon.svg"]) < 2:
        pytest.skip("this disk folds letter case, so the two files cannot both exist")
    code, _, err = run_build(prebuilt_fixture_site)
    assert code == 1
    assert err.splitlines()[0] == ("static/favicon.svg: this file and static/Favicon.svg differ only in letter case, "
                                   "so one would overwrite the other on macOS and Windows; rename or move it")


def test_static_files_differing_only_in_accent_encoding_collide(prebuilt_fixture_site):
    static = prebuilt_fixture_site / "static"
    composed, decomposed = "caf\u00e9.txt", "cafe\u0301.txt"
    (static / composed).write_text("one", encoding="utf-8")
    (static / decomposed).write_text("two", encoding="utf-8")
    if len([path for path in static.iterdir() if path.name.startswith("caf")]) < 2:
        pytest.skip("this disk normalises names, so the two files cannot both exist")
    code, _, err = run_build(prebuilt_fixture_site)
    assert code == 1
    first, second = sorted([f"static/{composed}", f"static/{decomposed}"])
    assert err.splitlines()[0] == (f"{second}: this file and {first} differ only in how their accents are encoded, "
                                   "so one would overwrite the other on macOS and Windows; rename or move it")


def test_different_files_in_one_folder_do_not_collide(built_fixture_site):
    assert built_fixture_site.result.code == 0
    assert (built_fixture_site.output / "about" / "index.html").is_file()
