"""The live preview (`python build.py serve`) and the incremental rebuilds behind it.

Server tests run `build.py serve --port 0` in a child process on a copy of the
real site and talk to it over HTTP (and the livereload WebSocket). Waiting is
done with deadlines, never with timing assertions. The incremental builder
is tested directly: after any sequence of edits, its output must equal a clean
build's, byte for byte.
"""
from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import html5lib
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sitegen.errors import BuildFailed, SiteError  # noqa: E402
from sitegen.incremental import IncrementalBuilder, OutputFolder, is_editor_file  # noqa: E402
from sitegen.pipeline import BuildOptions, build_site  # noqa: E402
from sitegen.server import PREVIEW_DIR, PreviewServer, _is_loopback, error_page  # noqa: E402
from sitegen.writer import MARKER, MARKER_TEXT, write_site  # noqa: E402
from htmlparse import parse  # noqa: E402

DEADLINE = 15  # seconds to wait for something that should take well under one
# The reload script the preview adds, with the nonce that lets it past the page policy.
LIVE_SCRIPT = re.compile(r'<script src="/livereload\.js" nonce="([A-Za-z0-9_-]{20,})"></script>')
# The notice the preview adds to each page while the build has warnings (the demo's example values).
WARNINGS_NOTICE = re.compile(r'<aside class="draft-banner" aria-label="Warnings of this build">.*?</aside>')


# Helpers ----------------------------------------------------------------------------

def as_written(page: str) -> str:
    """A page the preview sent, without the reload script and the warnings notice, and with the page
    policy it relaxed restored."""
    match = LIVE_SCRIPT.search(page)
    assert match, "the page has no reload script"
    page = WARNINGS_NOTICE.sub("", page, count=1)
    return page.replace(match.group(0), "").replace(f"script-src 'nonce-{match.group(1)}'", "script-src 'none'")


def copy_site(destination: Path) -> Path:
    """The real site's sources (not its output/) in `destination`."""
    destination.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "site_config.yaml", destination / "site_config.yaml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO_ROOT / folder, destination / folder)
    return destination


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition, what: str, deadline: float = DEADLINE):
    """Poll `condition` until it returns something truthy; fail after `deadline` seconds."""
    end = time.monotonic() + deadline
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > end:
            pytest.fail(f"gave up after {deadline} s waiting for {what}")
        time.sleep(0.05)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Preview:
    """`python build.py serve` in a child process, its output collected line by line."""

    def __init__(self, root: Path, *args: str):
        self.root = root
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "build.py"), "serve", "--root", str(root), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def url(self) -> str:
        def announced():
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output}")
            match = re.search(r"http://127\.0\.0\.1:\d+/", "".join(self.out))
            return match.group(0) if match else None
        return wait_for(announced, "the server to print its address")

    @property
    def output(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=DEADLINE)
        finally:
            self.kill()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=DEADLINE)
        for reader in self._readers:
            reader.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(tmp_path / "site")


@pytest.fixture
def preview(site):
    server = Preview(site, "--port", "0")
    try:
        server.url()
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One preview for tests that only read from it."""
    server = Preview(copy_site(tmp_path_factory.mktemp("shared-preview") / "site"), "--port", "0")
    try:
        server.url()
        yield server
    finally:
        server.kill()


class LiveReloadTab:
    """What livereload.js in a browser tab does: connect, shake hands, wait for `reload`."""

    def __init__(self, page_url: str):
        from tornado.websocket import websocket_connect

        self.loop = asyncio.new_event_loop()
        ws_url = page_url.replace("http://", "ws://").split("/", 3)
        ws_url = "/".join(ws_url[:3]) + "/livereload"
        self.connection = self._run(lambda: websocket_connect(ws_url))
        self._send({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        assert self._receive(DEADLINE)["command"] == "hello"
        self._send({"command": "info", "url": page_url, "plugins": {}})
        time.sleep(0.2)  # let the server register the tab

    def _run(self, start):
        """Run `start()` inside the loop (tornado wants it running) and wait for its result."""
        async def inside_the_loop():
            return await start()
        return self.loop.run_until_complete(inside_the_loop())

    def _send(self, message: dict) -> None:
        self._run(lambda: self.connection.write_message(json.dumps(message)))

    def _receive(self, timeout: float) -> dict:
        text = self._run(lambda: asyncio.wait_for(self.connection.read_message(), timeout))
        assert text is not None, "the server closed the live-reload connection"
        return json.loads(text)

    def next_reload(self) -> dict:
        message = self._receive(DEADLINE)
        assert message["command"] == "reload"
        return message

    def close(self) -> None:
        self._run(lambda: asyncio.sleep(0, self.connection.close()))
        self.loop.run_until_complete(asyncio.sleep(0.05))
        self.loop.close()


@pytest.fixture
def tab(preview):
    opened = LiveReloadTab(preview.url() + "about/")
    yield opened
    opened.close()


# Serving ------------------------------------------------------------------------------

def test_serves_the_site_with_the_live_reload_script_only_in_what_it_sends(preview, site):
    status, page = fetch(preview.url())
    assert status == 200
    assert LIVE_SCRIPT.search(page)
    on_disk = (site / ".preview" / "index.html").read_text(encoding="utf-8")
    assert "livereload" not in on_disk
    assert as_written(page) == on_disk
    status, script = fetch(preview.url() + "livereload.js")
    assert status == 200 and "LiveReload" in script


def test_the_preview_lets_only_its_reload_script_past_the_page_policy(preview, site):
    nonces = []
    for _ in range(2):
        status, page = fetch(preview.url() + "about/")
        assert status == 200
        nonce = LIVE_SCRIPT.search(page).group(1)
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
        assert [d for d in policy.split("; ") if d.startswith("script-src")] == [f"script-src 'nonce-{nonce}'"]
        assert page.count("nonce=") == 1  # no other script carries it
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a nonce must be new for every response"
    on_disk = (site / ".preview" / "about" / "index.html").read_text(encoding="utf-8")
    assert "script-src 'none'" in on_disk and "nonce" not in on_disk


def test_clean_build_output_never_has_the_script(site):
    result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "--root", str(site)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for path in (site / "output").rglob("*.html"):
        assert "livereload" not in path.read_text(encoding="utf-8"), path


def test_shows_drafts_while_serving(site):
    (site / "content" / "pages" / "coming-soon.md").write_text(
        "---\ntitle: Coming soon\ndescription: Not ready yet.\ndraft: true\n---\n\nSoon.\n", encoding="utf-8")
    server = Preview(site, "--port", "0")
    try:
        status, page = fetch(server.url() + "coming-soon/")
        assert status == 200
        assert "Draft" in page
    finally:
        server.kill()


def test_missing_pages_get_the_sites_404_page(preview, site):
    status, page = fetch(preview.url() + "no-such-page/")
    assert status == 404
    assert as_written(page) == (site / ".preview" / "404.html").read_text(encoding="utf-8")
    assert LIVE_SCRIPT.search(page)


def test_a_markdown_edit_is_served_and_open_tabs_reload(preview, site, tab):
    append(site / "content" / "pages" / "about.md", "\nFresh paragraph from the first edit.\n")
    message = tab.next_reload()
    assert not message["path"].endswith(".css")
    wait_for(lambda: "Fresh paragraph from the first edit." in fetch(preview.url() + "about/")[1],
             "the edited page to be served")
    summary = r"content/pages/about\.md changed: \d+ of \d+ pages re-rendered, 1 file updated in \d+ ms"
    wait_for(lambda: re.search(summary, preview.output), "the rebuild's summary line")


def test_two_saves_a_second_apart_both_reach_the_browser(preview, site, tab):
    about = site / "content" / "pages" / "about.md"
    append(about, "\nFirst save.\n")
    first = time.monotonic()
    tab.next_reload()
    time.sleep(max(0.0, 1.0 - (time.monotonic() - first)))
    append(about, "\nSecond save.\n")
    tab.next_reload()  # livereload on its own would ignore this one for 3 s
    status, page = fetch(preview.url() + "about/")
    assert status == 200 and "First save." in page and "Second save." in page


def test_a_stylesheet_edit_reloads_just_the_stylesheet(preview, site, tab):
    append(site / "static" / "css" / "site.css", "\n.preview-test { color: red; }\n")
    message = tab.next_reload()
    assert message["path"] == "/css/site.css" and message["liveCSS"] is True
    assert ".preview-test" in fetch(preview.url() + "css/site.css")[1]


def test_a_broken_data_file_shows_its_errors_on_every_page_until_fixed(preview, site, tab):
    locations = site / "content" / "data" / "locations.yaml"
    good = locations.read_text(encoding="utf-8")
    locations.write_text(good + "\n  - slug: [unclosed\n", encoding="utf-8")
    check = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "check", "--root", str(site)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 1
    first_error = check.stderr.splitlines()[0]
    assert re.match(r"content/data/locations\.yaml:\d+", first_error), first_error

    tab.next_reload()
    for url in ("", "about/", "no-such-page/"):
        status, page = fetch(preview.url() + url)
        assert status == 500
        assert "The site could not be built" in page
        assert html.escape(first_error) in page
        assert LIVE_SCRIPT.search(page)  # so the page recovers by itself
    assert fetch(preview.url() + "css/site.css")[0] == 200
    wait_for(lambda: first_error in preview.output, "the terminal to show the error")

    locations.write_text(good, encoding="utf-8")
    tab.next_reload()
    status, page = fetch(preview.url() + "about/")
    assert status == 200 and "could not be built" not in page


def test_ctrl_c_stops_cleanly(preview):
    assert preview.interrupt() == 0
    assert "Traceback" not in preview.output
    assert "Stopped." in preview.output


def test_a_port_in_use_is_a_one_line_usage_error(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "serve", "--root", str(site),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"port {port} is already in use" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_hosts_other_than_this_computer_are_told_apart():
    assert _is_loopback("127.0.0.1") and _is_loopback("localhost") and _is_loopback("::1")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.10")


# Drafts stay out of output/; only this computer's own address is answered ------------

DRAFT = "---\ntitle: Coming soon\ndescription: Not ready yet.\ndraft: true\n---\n\nSECRET DRAFT TEXT\n"


def test_the_preview_never_writes_the_published_folder(site):
    assert subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "--root", str(site)],
                          capture_output=True, timeout=120).returncode == 0
    published = tree(site / "output")
    (site / "content" / "pages" / "coming-soon.md").write_text(DRAFT, encoding="utf-8")
    server = Preview(site, "--port", "0")
    try:
        status, page = fetch(server.url() + "coming-soon/")
        assert status == 200 and "SECRET DRAFT TEXT" in page
    finally:
        server.kill()
    assert tree(site / "output") == published
    preview = tree(site / PREVIEW_DIR)
    assert b"SECRET DRAFT TEXT" in preview["coming-soon/index.html"]
    assert preview[MARKER] == MARKER_TEXT.encode()


def test_serve_refuses_an_output_folder(site, tmp_path):
    result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "serve", "--root", str(site),
                             "--output", str(tmp_path / "public")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("error: serve never writes the output folder (it previews from .preview/ in the site "
                             "folder, so drafts cannot be published by accident); leave out --output\n")
    assert not (tmp_path / "public").exists()


def test_serve_refuses_a_preview_folder_it_did_not_write(site):
    (site / PREVIEW_DIR).mkdir()
    (site / PREVIEW_DIR / "notes.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "serve", "--root", str(site),
                             "--port", "0"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (f"error: {site.resolve() / PREVIEW_DIR} holds files the preview did not write (such as "
                             "notes.txt); the preview keeps its own copy of the site in .preview/ and replaces what "
                             "is there, so move those files elsewhere or delete the folder\n")
    assert tree(site / PREVIEW_DIR) == {"notes.txt": b"mine"}


def fetch_as(url: str, host: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.mark.parametrize("host, allowed", [
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("LOCALHOST:{port}", True), ("[::1]:{port}", True),
    ("evil.example:{port}", False), ("evil.example", False), ("127.0.0.1:{other}", False),
    ("127.0.0.1.evil.example:{port}", False), ("localhost", False),
])
@pytest.mark.parametrize("path", ["", "about/", "livereload.js", "no-such-page/"])
def test_only_requests_addressed_to_the_preview_are_answered(shared_preview, host, allowed, path):
    url = shared_preview.url()
    port = int(url.rsplit(":", 1)[1].strip("/"))
    status, body = fetch_as(url + path, host.format(port=port, other=port + 1))
    if allowed:
        assert status in (200, 404) and "403 Forbidden" not in body
    else:
        assert status == 403
        assert body.startswith("403 Forbidden: this preview answers only to its own address")
        assert "<" not in body  # plain text: nothing of the site, no markup


def _connect(url: str, origin: str | None):
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = url.replace("http://", "ws://") + "livereload"
    headers = {"Origin": origin} if origin else {}
    loop = asyncio.new_event_loop()
    try:
        async def connect():
            return await websocket_connect(HTTPRequest(ws_url, headers=headers))
        connection = loop.run_until_complete(connect())
        loop.run_until_complete(asyncio.sleep(0, connection.close()))
        return True
    except Exception as error:  # tornado raises HTTPClientError 403 for a refused handshake
        assert "403" in str(error), error
        return False
    finally:
        loop.close()


def test_the_reload_socket_refuses_other_origins(shared_preview):
    url = shared_preview.url()
    assert _connect(url, url.rstrip("/")) is True
    assert _connect(url, url.rstrip("/").replace("127.0.0.1", "localhost")) is True
    assert _connect(url, "http://evil.example") is False
    assert _connect(url, "http://evil.example:" + url.rsplit(":", 1)[1].strip("/")) is False
    assert _connect(url, "null") is False


@pytest.mark.parametrize("listening, host, allowed", [
    ("127.0.0.1", "127.0.0.1:8000", True), ("127.0.0.1", "localhost:8000", True), ("127.0.0.1", "[::1]:8000", True),
    ("127.0.0.1", "attacker.example:8000", False), ("127.0.0.1", "127.0.0.1:8001", False),
    ("192.168.1.5", "192.168.1.5:8000", True), ("192.168.1.5", "192.168.1.6:8000", False),
    ("studio.local", "studio.local:8000", True), ("studio.local", "Studio.Local:8000", True),
    ("studio.local", "evil.local:8000", False),
    ("0.0.0.0", "192.168.1.5:8000", True), ("0.0.0.0", "[fe80::1]:8000", True), ("0.0.0.0", "evil.example:8000", False),
    ("::", "[::1]:8000", True), ("::1", "[::1]:8000", True), ("127.0.0.1", "", False),
])
def test_which_host_names_the_preview_answers_to(tmp_path, listening, host, allowed):
    server = PreviewServer(BuildOptions(root=tmp_path), host=listening, port=8000)
    assert server.allows_host(host) is allowed


def test_the_error_page_escapes_messages():
    page = error_page([SiteError("content/pages/a.md", 3, 0, "bad <script>alert(1)</script> & more")])
    assert "<script>alert" not in page
    assert "content/pages/a.md:3: bad &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_editor_files_are_not_sources():
    for name in (".about.md.swp", "about.md~", ".#about.md", "#about.md#", "4913"):
        assert is_editor_file(name), name
    assert not is_editor_file("about.md")


# Incremental rebuilds -----------------------------------------------------------------

class Rebuilds:
    """An IncrementalBuilder writing into root/output, compared with clean builds."""

    def __init__(self, root: Path, clean_output: Path):
        self.root = root
        self.options = BuildOptions(root=root, drafts=True, serving=True)
        self.builder = IncrementalBuilder(self.options)
        self.output = OutputFolder(root / "output")
        self.clean_output = clean_output

    def build(self) -> list[str]:
        """Rebuild; return the URLs re-rendered."""
        self.output.update(self.builder.build())
        return self.builder.rendered

    def assert_same_as_clean_build(self, step: str) -> None:
        try:
            incremental = self.builder.build()
        except BuildFailed as failed:
            with pytest.raises(BuildFailed) as clean:
                build_site(self.options)
            assert clean.value.errors == failed.errors, step
            return
        self.output.update(incremental)
        clean = build_site(self.options)
        shutil.rmtree(self.clean_output, ignore_errors=True)
        write_site(self.clean_output, clean.pages, clean.static_files)
        ours, theirs = tree(self.root / "output"), tree(self.clean_output)
        assert sorted(ours) == sorted(theirs), f"after {step}: files differ"
        different = [name for name in ours if ours[name] != theirs[name]]
        assert not different, f"after {step}: these files differ from a clean build: {different}"


@pytest.fixture
def rebuilds(site, tmp_path) -> Rebuilds:
    built = Rebuilds(site, tmp_path / "clean-output")
    built.build()
    return built


def test_incremental_rebuilds_equal_clean_builds(rebuilds, site):
    content = site / "content"
    steps = [
        ("edit a page", lambda: append(content / "pages" / "about.md", "\n## A new section\n\nWords.\n")),
        ("retitle a page", lambda: replace(content / "pages" / "about.md", "title: ", "title: Renamed ")),
        ("add a child page", lambda: (
            (content / "pages" / "about").mkdir(),
            (content / "pages" / "about" / "team.md").write_text(
                "---\ntitle: Our team\ndescription: Who we are.\n---\n\nSee [about](/about/).\n", encoding="utf-8"))),
        ("retitle its parent", lambda: replace(content / "pages" / "about.md", "title: Renamed ",
                                               "title: Renamed again ")),
        ("add an article with a directive", lambda: (content / "articles" / "new-article.md").write_text(
            "---\ntitle: A new article\ndescription: Fresh.\ndate: 2030-01-01\n---\n\nText.\n\n"
            "::: call-to-action\n", encoding="utf-8")),
        ("edit an article", lambda: append(content / "articles" / "new-article.md", "\nMore text.\n")),
        ("delete an article", lambda: (content / "articles" / "new-article.md").unlink()),
        ("delete the child page", lambda: shutil.rmtree(content / "pages" / "about")),
        ("edit a template", lambda: replace(site / "templates" / "page.html", "{% block content %}",
                                            "{% block content %}<!-- edited -->")),
        ("edit the base template", lambda: replace(site / "templates" / "base.html", "</body>",
                                                   "<!-- edited --></body>")),
        ("edit a component template", lambda: append(site / "templates" / "components" / "cta.html",
                                                     "<!-- component -->\n")),
        ("edit services", lambda: replace(content / "data" / "services.yaml", "name: ", "name: The ")),
        ("edit locations", lambda: replace(content / "data" / "locations.yaml", "parking: ", "parking: Free. ")),
        ("edit the team", lambda: replace(content / "data" / "team.yaml", "name: Dana Reyes", "name: Dana Q. Reyes")),
        ("edit a question", lambda: replace(content / "data" / "questions.yaml", "How often should I come in?",
                                            "How often do I come in?")),
        ("edit a policy", lambda: replace(content / "data" / "policies.yaml", "at least 24 hours ahead.",
                                          "at least a day ahead.")),
        ("add a special day", lambda: replace(content / "data" / "locations.yaml", "label: Day after Thanksgiving",
                                              "label: Black Friday")),
        ("remove the testimonials", lambda: (content / "data" / "testimonials.yaml").unlink()),
        ("add a page that names the locations", lambda: (content / "pages" / "where.md").write_text(
            "---\ntitle: Where\ndescription: In {{ locations }}.\n---\n\nWe are in {{ locations }}.\n",
            encoding="utf-8")),
        ("rename a location the text names with {{ locations }}", lambda: replace(
            content / "data" / "locations.yaml", "name: North Syracuse", "name: North Syracuse Village")),
        ("add a redirect", lambda: (content / "data" / "redirects.yaml").write_text(
            "redirects:\n  - from: /old.html\n    to: /about/\n", encoding="utf-8")),
        ("edit a service body file", lambda: append(content / "services" / "medical-massage.md", "\nAnd more.\n")),
        ("edit a stylesheet", lambda: append(site / "static" / "css" / "site.css", "\n.x { color: red; }\n")),
        ("add a static file", lambda: (site / "static" / "robots.txt").write_text("User-agent: *\n")),
        ("remove a static file", lambda: (site / "static" / "robots.txt").unlink()),
        ("link a static file from outside the site", lambda: (
            (site.parent / "outside.txt").write_text("private\n"),
            (site / "static" / "leak.txt").symlink_to(site.parent / "outside.txt"))),
        ("remove the link", lambda: (site / "static" / "leak.txt").unlink()),
        ("edit the config", lambda: replace(site / "site_config.yaml", "tagline: ", "tagline: Now ")),
        ("break the data", lambda: append(content / "data" / "locations.yaml", "\n  - slug: [unclosed\n")),
        ("fix the data", lambda: replace(content / "data" / "locations.yaml", "\n  - slug: [unclosed\n", "")),
        ("break a template", lambda: replace(site / "templates" / "page.html", "{% block content %}",
                                             "{% block content %}{% if %}")),
        ("fix the template", lambda: replace(site / "templates" / "page.html", "{% if %}", "")),
    ]
    rebuilds.assert_same_as_clean_build("the first build")
    for step, change in steps:
        change()
        rebuilds.assert_same_as_clean_build(step)


def test_editing_an_article_rerenders_only_the_pages_that_show_it(rebuilds, site):
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    url = f"/articles/{article.stem}/"
    append(article, "\nOne more sentence.\n")
    rendered = rebuilds.build()
    assert url in rendered
    assert set(rendered) <= {url, "/articles/", "/", "/feed.xml"}, rendered
    assert not any(page.startswith("/conditions/") for page in rendered)


def test_editing_a_page_rerenders_only_that_page(rebuilds, site):
    append(site / "content" / "pages" / "about.md", "\nOne more sentence.\n")
    assert rebuilds.build() == ["/about/"]
    assert rebuilds.builder.converted == 1
    assert rebuilds.build() == []  # nothing changed since


def test_editing_a_template_rerenders_the_pages_that_use_it(rebuilds, site):
    replace(site / "templates" / "location.html", "{% block content %}", "{% block content %}<!-- x -->")
    rendered = rebuilds.build()
    assert rendered and all(url.startswith("/locations/") and url != "/locations/" for url in rendered), rendered


def test_only_files_whose_content_changed_are_rewritten(rebuilds, site):
    extra = site / "content" / "pages" / "extra.md"
    extra.write_text("---\ntitle: Extra\ndescription: One page more.\n---\n\nExtra.\n", encoding="utf-8")
    rebuilds.build()
    output = site / "output"
    before = {path: path.stat().st_ino for path in output.rglob("*") if path.is_file()}
    append(site / "content" / "pages" / "about.md", "\nOne more sentence.\n")
    extra.unlink()
    rebuilds.build()
    after = {path: path.stat().st_ino for path in output.rglob("*") if path.is_file()}
    rewritten = sorted(path.relative_to(output).as_posix() for path in after if before.get(path) != after[path])
    # The sitemap lost the removed page, and _headers its folder's caching rule.
    assert rewritten == ["_headers", "about/index.html", "sitemap.xml"]
    gone = sorted(path.relative_to(output).as_posix() for path in set(before) - set(after))
    assert gone[0] == "extra/index.html" and len(gone) == 2  # the page and its share card
    assert gone[1].startswith("images/social/extra.") and gone[1].endswith(".png")
    assert not (output / "extra").exists()


def test_the_first_update_keeps_files_that_are_already_right(site):
    options = BuildOptions(root=site, drafts=True, serving=True)
    built = build_site(options)
    write_site(site / "output", built.pages, built.static_files)
    (site / "output" / "stale.html").write_text("old")
    touched = OutputFolder(site / "output").update(IncrementalBuilder(options).build())
    assert touched == ["stale.html"]
    assert not (site / "output" / "stale.html").exists()


# Problems shown in their source ---------------------------------------------------------

def excerpt_lines(item) -> list[tuple[str, str, bool]]:
    """(line number, text, marked) for each source line of a problem's excerpt."""
    rows = []
    for row in item.find("pre", class_="excerpt").find("code").children:
        if "caret" in row.classes():
            continue
        number = row.find("span", class_="number").text_content()
        rows.append((number, row.text_content()[len(number):].strip(), row.tag == "mark"))
    return rows


def test_the_error_page_shows_each_problem_in_its_source_lines(tmp_path):
    source = tmp_path / "content" / "data" / "services.yaml"
    source.parent.mkdir(parents=True)
    source.write_text("".join(f"line{n}: value <{n}>\n" for n in range(1, 9)), encoding="utf-8")
    problem = SiteError("content/data/services.yaml", 5, 8, "bad <value> & more", "fix it")
    warning = SiteError("content/data/services.yaml", 1, 0, "example", "", "warning")
    text = error_page([problem], [warning], tmp_path)
    html5lib.HTMLParser(strict=True).parse(text)  # well-formed HTML5, or this raises
    page = parse(text)
    [errors, warnings] = page.find_all("ol", class_="problems")
    [item] = errors.find_all("li")
    assert item.find("p", class_="message").text_content() == (
        "content/data/services.yaml:5:8: bad <value> & more; fix it")
    assert excerpt_lines(item) == [("3", "line3: value <3>", False), ("4", "line4: value <4>", False),
                                   ("5", "line5: value <5>", True), ("6", "line6: value <6>", False),
                                   ("7", "line7: value <7>", False)]
    caret = item.find("span", class_="caret")
    assert caret.get("aria-hidden") == "true"
    assert caret.text_content() == "^" and caret._raw_text().index("^") == len(" ") + 7  # number column, then 7
    assert item.find("pre").get("aria-label") == "content/data/services.yaml, line 5, column 8"
    # Warnings come after the errors, under their own heading, each in its source too.
    assert [h.text_content() for h in page.find_all("h2")] == ["Warnings"]
    [warned] = warnings.find_all("li")
    assert "warning: example" in warned.find("p", class_="message").text_content()
    assert excerpt_lines(warned) == [("1", "line1: value <1>", True), ("2", "line2: value <2>", False),
                                     ("3", "line3: value <3>", False)]
    assert warned.find("span", class_="caret") is None  # no column, no caret


def test_the_error_page_shows_no_source_outside_the_site(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "secret.txt").write_text("password\n", encoding="utf-8")
    page = error_page([SiteError("../secret.txt", 1, 0, "x"), SiteError("sitegen", 0, 0, "unexpected")],
                      [], tmp_path / "site")
    assert "password" not in page
    assert parse(page).find("pre") is None


def demo_warning_count(site: Path) -> int:
    """How many warnings `check` reports for the site (the demo's example values)."""
    check = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "check", "--root", str(site)],
                           capture_output=True, text=True, timeout=120)
    count = re.search(r"^(\d+) warnings\.$", check.stderr, re.M)
    assert check.returncode == 0 and count, check.stderr
    return int(count[1])


def test_the_preview_marks_pages_and_lists_warnings_in_their_source(preview, site):
    count = demo_warning_count(site)
    status, page = fetch(preview.url() + "about/")
    assert status == 200
    tree = parse(page)
    notice = tree.find("aside", aria_label="Warnings of this build")
    assert notice is not None and notice.parent.tag == "body"
    assert notice.text_content() == (f"Not ready to publish — {count} warnings: example values that must be "
                                     "replaced before publishing. See each one in its file (shown only in the preview).")
    assert notice.links() == ["/_preview/warnings/"]
    status, listing = fetch(preview.url() + "_preview/warnings/")
    assert status == 200
    items = parse(listing).find("ol", class_="warnings").find_all("li")
    assert len(items) == count
    first = items[0]
    assert first.find("p", class_="message").text_content().startswith(
        "content/data/locations.yaml:10:5: warning: 'street_address: 100 Example Road' is marked EXAMPLE VALUE")
    assert ("10", "street_address: 100 Example Road # EXAMPLE VALUE: replace before publishing", True) \
        in excerpt_lines(first)


def test_warnings_are_printed_when_they_change_and_the_notice_follows_them(preview, site, tab):
    count = demo_warning_count(site)
    wait_for(lambda: f"{count} warnings." in preview.output, "the first build's warnings")
    append(site / "content" / "pages" / "about.md", "\nA sentence with nothing to replace.\n")
    tab.next_reload()
    wait_for(lambda: "about.md changed" in preview.output, "the rebuild's summary line")
    assert preview.output.count(f"{count} warnings.") == 1  # unchanged warnings are not printed again
    append(site / "content" / "pages" / "about.md", "\nCall (315) 555-0123 to ask.\n")
    tab.next_reload()
    wait_for(lambda: f"{count + 1} warnings." in preview.output, "the new warning")
    assert "content/pages/about.md:" in preview.output.split(f"{count} warnings.")[-1]
    notice = wait_for(lambda: parse(fetch(preview.url())[1]).find("aside", aria_label="Warnings of this build"),
                      "the notice")
    assert f"{count + 1} warnings: example values" in notice.text_content()
