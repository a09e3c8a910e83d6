"""Shared fixtures: sample sites copied into tmp, a build runner, the real site built once.

Nothing here builds into the working tree: every site is a copy under a
temporary folder, built with --root (and so into <copy>/output).
"""
from __future__ import annotations

import contextlib
import io
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURE_SITE = TESTS_DIR / "fixture_site"
SITE_PARTS = ("site_config.yaml", "content", "templates", "static")

if str(REPO_ROOT) not in sys.path:  # so `import sitegen` works however pytest is started
    sys.path.insert(0, str(REPO_ROOT))

from sitegen import cli  # noqa: E402

from htmlparse import Element, parse  # noqa: E402


# Copying sites ------------------------------------------------------------------

def copy_real_site(destination: Path) -> Path:
    """Copy the real site's sources (not its output/) into `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


def copy_fixture_site(destination: Path) -> Path:
    """Copy tests/fixture_site, plus the shipped templates/ and static/, into `destination`.

    The fixture has no templates of its own, so the tests always exercise the
    templates the real site ships with.
    """
    shutil.copytree(FIXTURE_SITE, destination, ignore=shutil.ignore_patterns("output"))
    for part in ("templates", "static"):
        shutil.copytree(REPO_ROOT / part, destination / part)
    return destination


# Running the CLI ----------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """A run's exit code and output. `err` is stderr without the warnings (the
    fixture and demo sites are full of example values, warnings by design);
    `full_err` is all of it, for the tests of warnings."""

    code: int
    out: str
    err: str
    full_err: str = ""

    def __iter__(self):  # so `code, out, err = run_build(...)` works
        return iter((self.code, self.out, self.err))


WARNING_LINE = re.compile(r"^[^:\n]+(?::\d+(?::\d+)?)?: warning: .+$")
WARNING_COUNT = re.compile(r"^(\d+) warnings?\.$")


def strip_warnings(err: str) -> str:
    """stderr without its warnings (and their count line), checking their form.

    The fixture and demo sites are full of example values, which are warnings
    by design; tests of everything else read what remains.
    """
    lines = err.splitlines(keepends=True)
    warnings = [line for line in lines if WARNING_LINE.match(line.rstrip("\n"))]
    counts = [line for line in lines if WARNING_COUNT.match(line.rstrip("\n"))]
    if warnings or counts:
        assert len(counts) == 1, err
        assert int(WARNING_COUNT.match(counts[0])[1]) == len(warnings), err
    return "".join(line for line in lines if line not in warnings and line not in counts)


def run_cli(*args: str) -> Result:
    """Run sitegen.cli.main in this process with these arguments, capturing output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:  # argparse exits for --help and usage errors
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    return Result(code, out.getvalue(), strip_warnings(err.getvalue()), err.getvalue())


def run_build(root: Path, *args: str) -> Result:
    """`python build.py [args] --root ROOT`, in process: returns (exit code, stdout, stderr)."""
    return run_cli(*args, "--root", str(root))


def run_subprocess(*args: str, cwd: Path) -> Result:
    """`python build.py args` in a child process, for end-to-end checks of the script itself."""
    completed = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *args], cwd=cwd,
                               capture_output=True, text=True, timeout=120)
    return Result(completed.returncode, completed.stdout, completed.stderr)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file below `folder` (empty if it does not exist)."""
    if not folder.exists():
        return {}
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# Built sites ----------------------------------------------------------------------

def url_for_output(relative: str) -> str:
    """index.html -> /, a/b/index.html -> /a/b/, 404.html -> /404.html."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def output_file_for(output: Path, url: str) -> Path:
    """The file a site-relative URL is served from."""
    path = url.split("#")[0].split("?")[0]
    return output / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))


@dataclass
class BuiltSite:
    """A site built into `root/output`, with every page parsed."""

    root: Path
    result: Result
    pages: dict[str, Element] = field(default_factory=dict)  # url -> tree
    html: dict[str, str] = field(default_factory=dict)  # url -> text
    redirect_pages: dict[str, Element] = field(default_factory=dict)  # old address -> page left there
    admin_pages: dict[str, Element] = field(default_factory=dict)  # the web editor's page(s)

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def urls(self) -> list[str]:
        return sorted(self.pages)

    def page(self, url: str) -> Element:
        assert url in self.pages, f"{url} was not built; built pages: {', '.join(self.urls)}"
        return self.pages[url]


def build_and_parse(root: Path, *args: str) -> BuiltSite:
    result = run_build(root, *args)
    site = BuiltSite(root, result)
    if result.code == 0:
        for path in sorted(site.output.rglob("*.html")):
            url = url_for_output(path.relative_to(site.output).as_posix())
            text = path.read_text(encoding="utf-8")
            tree = parse(text)
            if any(meta.get("http-equiv") == "refresh" for meta in tree.find_all("meta")):
                site.redirect_pages[url] = tree  # not a page of the site, the page at a redirect's old address
                continue
            if url.startswith("/admin/"):
                site.admin_pages[url] = tree  # the web editor's page: not a visitor's (test_web_editor.py)
                continue
            site.html[url] = text
            site.pages[url] = tree
    return site


_SESSION_DIRS: list[str] = []
_REAL_BUILD: BuiltSite | None = None


def pytest_configure(config):
    """Keep Hypothesis's cache out of the working tree; share one image cache between builds.

    Every test builds its own copy of a site; with one cache folder for the
    session, a photo is encoded once per run rather than once per copy. Tests
    of the cache itself pass their own folder.

    Tests press Ctrl-C on builds and previews as a terminal would. A run started
    in the background by a script (`pytest &`) inherits Ctrl-C ignored and would
    hand that on to every build it starts, which would then never be interrupted:
    the session takes it back, so its children start as from a terminal.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if "SITEGEN_CACHE_DIR" not in os.environ:
        image_cache = tempfile.mkdtemp(prefix="sitegen-image-cache-")
        _SESSION_DIRS.append(image_cache)
        os.environ["SITEGEN_CACHE_DIR"] = image_cache
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:
        return
    folder = tempfile.mkdtemp(prefix="sitegen-hypothesis-")
    _SESSION_DIRS.append(folder)
    set_hypothesis_home_dir(folder)


def real_build() -> BuiltSite:
    """The real site, copied and built once per test session (also used at collection)."""
    global _REAL_BUILD
    if _REAL_BUILD is None:
        folder = tempfile.mkdtemp(prefix="sitegen-real-")
        _SESSION_DIRS.append(folder)
        _REAL_BUILD = build_and_parse(copy_real_site(Path(folder) / "site"))
    return _REAL_BUILD


def pytest_generate_tests(metafunc):
    """Parametrise `real_page_url` over every page the real site builds."""
    if "real_page_url" in metafunc.fixturenames:
        site = real_build()
        urls = site.urls or ["<the real site did not build>"]
        metafunc.parametrize("real_page_url", urls, ids=urls)


def pytest_unconfigure(config):
    for folder in _SESSION_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


# Fixtures ---------------------------------------------------------------------------

@pytest.fixture
def real_site(tmp_path) -> Path:
    """A fresh copy of the real site's sources."""
    return copy_real_site(tmp_path / "real-site")


@pytest.fixture
def fixture_site(tmp_path) -> Path:
    """A fresh copy of tests/fixture_site with the shipped templates and static files."""
    return copy_fixture_site(tmp_path / "fixture-site")


@pytest.fixture(scope="session")
def built_real_site() -> BuiltSite:
    site = real_build()
    assert site.result.code == 0, f"the real site does not build:\n{site.result.err}"
    return site


@pytest.fixture(scope="session")
def built_fixture_site(tmp_path_factory) -> BuiltSite:
    """The fixture site built once (read-only: do not modify it in tests)."""
    site = build_and_parse(copy_fixture_site(tmp_path_factory.mktemp("fixture-built") / "site"))
    assert site.result.code == 0, f"the fixture site does not build:\n{site.result.err}"
    return site


@pytest.fixture(scope="session")
def built_fixture_drafts(tmp_path_factory) -> BuiltSite:
    """The fixture site built once with --drafts (read-only)."""
    site = build_and_parse(copy_fixture_site(tmp_path_factory.mktemp("fixture-drafts") / "site"), "--drafts")
    assert site.result.code == 0, f"the fixture site does not build with --drafts:\n{site.result.err}"
    return site


@pytest.fixture
def prebuilt_fixture_site(built_fixture_site, tmp_path) -> Path:
    """A copy of the fixture site that already has a successful build in output/."""
    destination = tmp_path / "prebuilt-site"
    shutil.copytree(built_fixture_site.root, destination)
    return destination
