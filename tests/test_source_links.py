"""Nothing from outside the site is published: links in the sources that lead out are errors.

Each case replaces or adds one symbolic link in a copy of the fixture site
that already has a good build, and asserts the exact error line, exit 1, that
output/ is byte for byte as it was, and that the outside file's text is
nowhere in it.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_build, snapshot

def _can_make_links() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        try:
            os.symlink(folder, os.path.join(folder, "link"))
        except (OSError, NotImplementedError):
            return False
    return True


pytestmark = pytest.mark.skipif(not _can_make_links(), reason="this system does not let us make symbolic links")

SECRET = "TOP SECRET FROM OUTSIDE THE SITE"
OUTSIDE_HINT = "copy the file or folder into the site instead: nothing from outside the site folder is published"


@dataclass(frozen=True)
class Link:
    """A link at `path` in the site to `target`, a path in the folder outside the site ('OUT')."""

    path: str
    target: str
    replaces: bool = False  # move what is at `path` to the target first, so the site still holds the same files


OUTSIDE = {
    "a static file": Link("static/secret.txt", "OUT/secret.txt"),
    "a static folder, deep down": Link("static/images/deep/er/files", "OUT"),
    "the static folder itself": Link("static", "OUT/static", replaces=True),
    "a page": Link("content/pages/leak.md", "OUT/leak.md"),
    "an article": Link("content/articles/first-visit.md", "OUT/first-visit.md", replaces=True),
    "the articles folder": Link("content/articles", "OUT/articles", replaces=True),
    "a data file": Link("content/data/services.yaml", "OUT/services.yaml", replaces=True),
    "a body_file": Link("content/services/medical-massage.md", "OUT/medical-massage.md", replaces=True),
    "a template": Link("templates/page.html", "OUT/page.html", replaces=True),
    "a partial template": Link("templates/partials/leak.html", "OUT/secret.txt"),
    "the content folder": Link("content", "OUT/content", replaces=True),
    "a link to nowhere outside": Link("static/gone.txt", "OUT/no-such-file"),
}


def _make_link(root: Path, outside: Path, link: Link) -> tuple[Path, Path]:
    path = root / link.path
    target = outside / link.target.removeprefix("OUT").lstrip("/")
    if link.replaces:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path, target


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    (folder / "leak.md").write_text(f"---\ntitle: Leak\ndescription: {SECRET}\n---\n\n{SECRET}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("link", OUTSIDE.values(), ids=OUTSIDE.keys())
def test_a_link_leading_out_of_the_site_is_an_error_naming_the_link(prebuilt_fixture_site, outside, link):
    root = prebuilt_fixture_site
    before = snapshot(root / "output")
    _, target = _make_link(root, outside, link)

    code, out, err = run_build(root)

    resolved = os.path.realpath(target)
    assert code == 1, err
    assert err.splitlines() == [f"{link.path}: is a symbolic link to {resolved}, outside the site folder; {OUTSIDE_HINT}",
                                "1 error found.", "The output folder was left as it was."]
    assert snapshot(root / "output") == before
    assert not any(SECRET.encode() in content for content in snapshot(root / "output").values())


def test_check_and_every_command_refuse_the_link_too(prebuilt_fixture_site, outside):
    (prebuilt_fixture_site / "static" / "secret.txt").symlink_to(outside / "secret.txt")
    code, _, err = run_build(prebuilt_fixture_site, "check")
    assert code == 1 and err.startswith("static/secret.txt: is a symbolic link to")


@pytest.mark.parametrize("path, target, message", [
    ("static/git-config", ".git/config", "is a symbolic link into .git/config, a hidden folder of the site; "
                                         "hidden folders (.git, .venv, .preview) are never published; copy the file instead"),
    ("static/broken.css", "static/css/nope.css", "is a symbolic link to static/css/nope.css, which does not exist; "
                                                 "fix the link or remove it"),
])
def test_links_into_hidden_folders_or_to_nothing_are_errors(prebuilt_fixture_site, path, target, message):
    root = prebuilt_fixture_site
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\nurl = secret\n", encoding="utf-8")
    (root / path).symlink_to(root / target)
    code, _, err = run_build(root)
    assert code == 1
    assert err.splitlines()[0] == f"{path}: {message}"


def test_links_inside_the_site_are_followed(prebuilt_fixture_site):
    root = prebuilt_fixture_site
    (root / "static" / "icon.svg").symlink_to(root / "static" / "favicon.svg")
    (root / ".#about.md").symlink_to("editor@host.1234")  # an Emacs lock file, at the top
    (root / "content" / "pages" / ".#about.md").symlink_to("editor@host.1234")
    code, _, err = run_build(root)
    assert (code, err) == (0, "")
    assert (root / "output" / "icon.svg").read_bytes() == (root / "static" / "favicon.svg").read_bytes()


def test_a_body_file_linking_out_of_content_says_so(prebuilt_fixture_site):
    root = prebuilt_fixture_site
    body = root / "content" / "services" / "medical-massage.md"
    shutil.move(str(body), str(root / "notes.md"))
    body.symlink_to(root / "notes.md")
    code, _, err = run_build(root)
    assert code == 1
    assert err.splitlines()[0] == (
        "content/data/services.yaml:20: body_file 'content/services/medical-massage.md' is a symbolic link to "
        "notes.md, outside content/; a service's text must be a file in content/; copy it there instead of linking to it")


def test_a_body_file_linking_inside_content_is_read(prebuilt_fixture_site):
    root = prebuilt_fixture_site
    body = root / "content" / "services" / "medical-massage.md"
    shutil.move(str(body), str(root / "content" / "services" / "shared.md"))
    body.symlink_to("shared.md")
    assert run_build(root).code == 0


def test_a_missing_content_folder_is_one_message(fixture_site):
    shutil.rmtree(fixture_site / "content")
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert err.splitlines() == [
        "content/: the folder is missing; create it, with pages/ and articles/ for Markdown and data/ for "
        "services.yaml, conditions.yaml and locations.yaml (see the README), or pass --root with the site's folder",
        "1 error found.", "The output folder was left as it was."]
