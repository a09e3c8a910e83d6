"""Live preview: build, serve .preview/, rebuild on each edit and reload open tabs.

    python build.py serve [--host 127.0.0.1] [--port 8000] [--open]

Three parts, each replaceable on its own:

- watching: `watchfiles` reports edits to content/, templates/, static/ and
  site_config.yaml once they have settled for DEBOUNCE_MS, in a thread;
- building: an IncrementalBuilder rebuilds, reusing what the edit did not
  change, and an OutputFolder rewrites only the files whose content changed;
- serving: the `livereload` package (on tornado) serves output/, adds its
  script to the HTML it sends (never to the files) and tells open tabs to
  reload, stylesheets in place. Only _LiveReload knows it is livereload.

We never start livereload's own watcher; we signal the tabs ourselves after
each rebuild. That also sidesteps LiveReloadHandler.DEFAULT_RELOAD_TIME, its
3-second pause after a reload, so two saves a second apart both show.

The preview is written to a folder of its own, PREVIEW_DIR in the site folder,
never to output/: it holds drafts, and output/ is what gets published. It
answers only requests addressed to the name it listens on (the Host header),
and its reload socket only pages served from there (the Origin header), so a
web page the editor visits cannot read the drafts through DNS rebinding.

A failed build keeps the server running: the problems are printed as `build`
prints them, every page shows them, and the save that fixes them brings the
site back.
"""
from __future__ import annotations

import asyncio
import errno
import gc
import html
import ipaddress
import json
import logging
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import webbrowser
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from tornado import netutil, web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError

from .cli import EXIT_OK, EXIT_USAGE, describe_warnings, format_errors
from .cache import MarkdownCache
from .config import CONFIG_FILE
from .errors import BuildFailed, SiteError
from .incremental import IncrementalBuilder, OutputFolder, is_editor_file
from .pipeline import STATIC_DIR, BuildOptions
from .policy import preview_page
from .problempage import problems_page
from .templating import TEMPLATE_DIR
from .writer import UnsafeOutput, check_output_location

DEBOUNCE_MS = 15  # how long the sources must be quiet before a rebuild: an editor's save takes well under that
SOURCE_FOLDERS = ("content", TEMPLATE_DIR, STATIC_DIR)
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules"})
WARNINGS_URL = "/_preview/warnings/"  # no page of the site can have it: file names start with a letter or digit
PREVIEW_DIR = ".preview"  # in the site folder; git-ignored, marked as a build
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class CannotListen(Exception):
    """The server could not open its port; the message says what to do."""


class PreviewServer:
    """Serves the site at `url` and rebuilds it on every edit until stop().

    start() builds and starts serving and watching in background threads;
    stop() ends both. `problems` holds the errors of the latest build, or
    None when it succeeded.
    """

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
                 debug: bool = False, log: Callable[[str], None] | None = None, use_cache: bool = True):
        self.options = options
        self.use_cache = use_cache
        self.root = options.root.resolve()
        self.output = output = self.root / PREVIEW_DIR
        self.host = host
        self.port = port
        self.debug = debug
        self.problems: list[SiteError] | None = None
        self.warnings: list[SiteError] = []  # of the latest build, failed or not
        self._log = log or (lambda text: print(text, flush=True))
        self._builder = _builder(options, use_cache)
        self._output_folder = OutputFolder(output)
        self._build_lock = threading.Lock()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._live = _LiveReload(output, lambda: self.problems, self.allows_host, lambda: self.warnings, self.root)
        self._ioloop: IOLoop | None = None
        self._serving = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def allows_host(self, host: str) -> bool:
        """True for a Host header (or an Origin's host) that names this server."""
        name, _, port = host.lower().rpartition(":")
        if not name or "]" in port:  # no port given: the scheme's default
            name, port = host.lower(), "80"
        if port != str(self.port):
            return False
        if name in LOOPBACK_NAMES:
            return True
        listening = self.host.lower()
        if listening in ("", "0.0.0.0", "::"):
            # Every address of this computer: any address written as numbers is
            # safe (rebinding needs a name), names other than localhost are not.
            return _is_ip_literal(name)
        return name == listening or name == f"[{listening}]"

    def start(self) -> None:
        """Open the port, build, then serve and watch; raises CannotListen or UnsafeOutput."""
        try:
            check_output_location(self.output, self.root)
        except UnsafeOutput:
            if self.output.is_symlink() or not self.output.is_dir():
                raise
            names = sorted(path.name for path in self.output.iterdir())
            such_as = f" (such as {names[0]})" if names else ""
            raise UnsafeOutput(f"{self.output} holds files the preview did not write{such_as}; the preview keeps "
                               f"its own copy of the site in {PREVIEW_DIR}/ and replaces what is there, so move "
                               "those files elsewhere or delete the folder") from None
        self._sockets = _listen(self.host, self.port)
        self.port = self._sockets[0].getsockname()[1]
        # Watch before building, so an edit made during the first build is not missed.
        self._start_thread(self._watch, "sitegen-watch")
        self.rebuild(None)
        self._start_thread(self._serve_http, "sitegen-http")
        self._serving.wait()

    def wait(self) -> None:
        """Block until stop() is called (Ctrl-C raises KeyboardInterrupt here)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching and serving; safe to call more than once."""
        if self._stopped.is_set():
            return
        self._stopping.set()
        if self._ioloop is not None:
            self._ioloop.add_callback(self._ioloop.stop)
        for thread in self._threads:
            thread.join(timeout=5)
        for sock in self._sockets:
            sock.close()
        self._stopped.set()

    def rebuild(self, changed: list[str] | None) -> None:
        """Build, update output/, report, and reload the open tabs if anything changed."""
        with self._build_lock:
            started = time.perf_counter()
            try:
                site = self._builder.build()
                touched = self._output_folder.update(site)
                self._builder.save()  # the Markdown it converted, for `python build.py` and the next preview
            except BuildFailed as failed:
                self._failed(failed.errors, changed, failed.warnings)
                return
            except OSError as exc:
                where = exc.filename or self.output
                self._failed([SiteError(str(where), 0, 0, f"could not read or write: {exc.strerror or exc}")], changed)
                return
            except Exception as exc:  # a bug, not a problem in the sources: start afresh next time
                self._builder = _builder(self.options, self.use_cache)
                self._output_folder = OutputFolder(self.output)
                if self.debug:
                    traceback.print_exc()
                message = f"unexpected {type(exc).__name__}: {exc}"
                self._failed([SiteError("sitegen", 0, 0, message, "run with --debug to see the details")], changed)
                return
            milliseconds = (time.perf_counter() - started) * 1000
            recovered = self.problems is not None
            self.problems = None
            warned = site.warnings != self.warnings
            if warned and site.warnings:
                print(format_errors([], site.warnings), file=sys.stderr, flush=True)
            self.warnings = site.warnings
            rendered = len(self._builder.rendered)
            files = f"{len(touched)} file{'s' if len(touched) != 1 else ''} updated"
            if changed is None:
                self._log(f"Built {len(site.pages)} pages and {len(site.static_files)} assets, "
                          f"{files}, in {milliseconds:.0f} ms.")
            else:
                fixed = "fixed; " if recovered else ""
                self._log(f"{_describe(changed)}: {fixed}{rendered} of {len(site.pages)} pages re-rendered, "
                          f"{files} in {milliseconds:.0f} ms")
            paths = ["/" + relative for relative in touched]
            if paths and all(path.endswith(".css") for path in paths):
                self._reload(paths)  # stylesheets reload in place
            elif paths or recovered or warned:
                self._reload(["/"])
            _collect_between_builds()

    def _failed(self, errors: list[SiteError], changed: list[str] | None, warnings: list[SiteError] = ()) -> None:
        what = f"{_describe(changed)}: the site" if changed is not None else "The site"
        # Warnings are printed when they change, not again with every failed save.
        listed = format_errors(errors, list(warnings) if list(warnings) != self.warnings else [])
        print(f"{what} could not be built.\n{listed}\n"
              "The preview shows these problems until you fix them.", file=sys.stderr, flush=True)
        if errors != self.problems or list(warnings) != self.warnings:
            self.problems = errors
            self.warnings = list(warnings)
            self._reload(["/"])

    def _reload(self, paths: list[str]) -> None:
        if self._ioloop is not None:
            self._ioloop.add_callback(self._live.reload, paths)

    def _start_thread(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _serve_http(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self._ioloop = IOLoop.current()
        if self._stopping.is_set():
            self._ioloop.close(all_fds=True)
            return
        server = HTTPServer(self._live.app)
        server.add_sockets(self._sockets)
        self._serving.set()
        self._ioloop.start()
        server.stop()
        self._live.disconnect()
        self._ioloop.close(all_fds=True)

    def _watch(self) -> None:
        try:
            for changes in watchfiles.watch(self.root, watch_filter=self._is_source, step=DEBOUNCE_MS,
                                            stop_event=self._stopping, raise_interrupt=False):
                self.rebuild(_changed_paths(changes, self.root))
        except Exception as exc:  # the folder vanished, or the system ran out of watches
            if not self._stopping.is_set():
                print(f"error: stopped watching {self.root} for changes: {exc}; restart the preview",
                      file=sys.stderr, flush=True)

    def _is_source(self, change: watchfiles.Change, path: str) -> bool:
        parts = Path(path).relative_to(self.root).parts if path.startswith(str(self.root)) else ()
        if not parts or is_editor_file(parts[-1]) or IGNORED_FOLDERS.intersection(parts):
            return False
        return parts == (CONFIG_FILE,) or parts[0] in SOURCE_FOLDERS


def _builder(options: BuildOptions, use_cache: bool) -> IncrementalBuilder:
    """The preview's reuse layer: everything kept in memory, and Markdown results shared with builds on disk."""
    return IncrementalBuilder(options, store=MarkdownCache(options.root) if use_cache else None)


def serve(options: BuildOptions, host: str, port: int, open_browser: bool, debug: bool = False,
          use_cache: bool = True) -> int:
    """`python build.py serve`: run the preview until Ctrl-C; returns the exit code."""
    if not debug:
        logging.getLogger("tornado.access").disabled = True
    server = PreviewServer(options, host, port, debug=debug, use_cache=use_cache)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:  # `kill` stops the preview as cleanly as Ctrl-C
        previous_handler = signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        try:
            server.start()
        except (CannotListen, UnsafeOutput) as problem:
            print(f"error: {problem}", file=sys.stderr)
            return EXIT_USAGE
        if not _is_loopback(host):
            print(f"warning: listening on {host}, so other computers on the network can open this preview, "
                  "drafts included; leave out --host to keep it on this computer", file=sys.stderr, flush=True)
        print(f"Serving the site at {server.url} (drafts included); edits to content/, templates/, static/ "
              f"and {CONFIG_FILE} show up there by themselves. Press Ctrl-C to stop.", flush=True)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_handler)
    print("\nStopped.", flush=True)
    return EXIT_OK


def _stop_on_signal(signum, frame) -> None:
    raise KeyboardInterrupt


def _listen(host: str, port: int) -> list[socket.socket]:
    if not 0 <= port <= 65535:
        raise CannotListen(f"--port {port} is not a port number; use one from 1024 to 65535, e.g. --port 8000")
    try:
        return netutil.bind_sockets(port, address=host or None)
    except socket.gaierror:
        raise CannotListen(f"cannot listen on '{host}': no such address; use --host 127.0.0.1") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CannotListen(f"port {port} is already in use, perhaps by another preview; "
                               f"stop that one or choose another port, e.g. --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise CannotListen(f"not allowed to listen on port {port}; choose a port from 1024 up, "
                               "e.g. --port 8000") from None
        raise CannotListen(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses)


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return False
    return True


def _changed_paths(changes: set[tuple[watchfiles.Change, str]], root: Path) -> list[str]:
    """The sources that changed, without files that came and went within the batch
    (the temporary files some editors and tools save through)."""
    kinds: dict[str, set[watchfiles.Change]] = {}
    for change, path in changes:
        kinds.setdefault(path, set()).add(change)
    return sorted(Path(path).relative_to(root).as_posix() for path, seen in kinds.items()
                  if not (watchfiles.Change.added in seen and not os.path.exists(path)))


def _collect_between_builds() -> None:
    """Collect garbage now, with the page on disk, then set what is left aside from later collections.

    A large site keeps hundreds of thousands of objects between rebuilds; a
    full collection over them takes about 90 ms at 4,000 pages, and would
    otherwise fall in the middle of the next rebuild. Frozen objects are still
    freed when nothing refers to them; only the search for cycles skips them.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _describe(changed: list[str] | None) -> str:
    if not changed:
        return "Rebuilt"
    shown = ", ".join(changed[:3])
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return f"{shown}{more} changed"


def error_page(errors: list[SiteError], warnings: list[SiteError] = (), root: Path | None = None) -> str:
    """The page every URL shows while the site cannot be built: each problem
    with its source lines (read from `root`), errors first, then warnings."""
    count = len(errors)
    introduction = (f"{count} problem{'s' if count != 1 else ''} found. Fix {'them' if count != 1 else 'it'} and save; "
                    "this page reloads by itself.")
    return problems_page("The site could not be built", errors, list(warnings), root, introduction)


def warnings_page(warnings: list[SiteError], root: Path | None) -> str:
    """WARNINGS_URL: the warnings of the latest successful build, in their source."""
    if not warnings:
        return problems_page("No warnings", [], [], root, "The latest build has no warnings.")
    introduction = (f"The latest build succeeded with {html.escape(describe_warnings(warnings))}. "
                    "<code>python build.py build --strict</code> refuses to publish the site until they are fixed. "
                    '<a href="/">Back to the site</a>.')
    return problems_page("Warnings", [], warnings, root, introduction)


def warnings_notice(warnings: list[SiteError]) -> str:
    """The notice the preview adds to the top of every page while there are warnings."""
    return (f'<aside class="draft-banner" aria-label="Warnings of this build"><strong>Not ready to publish</strong> — '
            f'{html.escape(describe_warnings(warnings))}. '
            f'<a href="{WARNINGS_URL}">See each one in its file</a> (shown only in the preview).</aside>')


def _is_page(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return not name or name.endswith((".html", ".htm")) or "." not in name


class _ThisHostOnly:
    """Refuses requests whose Host header names another server (DNS rebinding)."""

    allows_host: Callable[[str], bool]

    def prepare(self) -> None:
        host = self.request.headers.get("Host", "")
        if not self.allows_host(host):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.finish(f"403 Forbidden: this preview answers only to its own address, not to "
                        f"'{host[:100]}'. Open the address the preview printed.\n")


class _PreviewFileHandler(_ThisHostOnly, StaticFileHandler):
    """livereload's file handler (it never answers 304), showing the build's
    problems instead of any page while there are some, and 404.html for
    missing files."""

    def initialize(self, path: str, default_filename: str | None = None,
                   problems: Callable[[], list[SiteError] | None] = lambda: None,
                   allows_host: Callable[[str], bool] = lambda host: False,
                   warnings: Callable[[], list[SiteError]] = list, root: Path | None = None) -> None:
        super().initialize(path, default_filename)
        self.problems = problems
        self.allows_host = allows_host
        self.warnings = warnings
        self.site_root = root

    async def get(self, path: str, include_body: bool = True) -> None:
        errors = self.problems()
        if errors and _is_page(path):
            self._send_page(500, error_page(errors, self.warnings(), self.site_root))
            return
        if "/" + path == WARNINGS_URL:
            self._send_page(200, warnings_page(self.warnings(), self.site_root))
            return
        await super().get(path, include_body)

    def compute_etag(self):
        # Pages made here have no file behind them (and are never cached).
        return super().compute_etag() if getattr(self, "absolute_path", None) else None

    def _send_page(self, status: int, page: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(page)

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 404:
            try:
                body = (Path(self.root) / "404.html").read_bytes()
            except OSError:
                body = None
            if body is not None:
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.finish(body)
                return
        super().write_error(status_code, **kwargs)


class _ReloadScriptHandler(_ThisHostOnly, LiveReloadJSHandler):
    def initialize(self, allows_host: Callable[[str], bool]) -> None:
        self.allows_host = allows_host


class _ReloadSocketHandler(_ThisHostOnly, LiveReloadHandler):
    """livereload's socket, for pages served by this preview only."""

    def initialize(self, allows_host: Callable[[str], bool]) -> None:
        self.allows_host = allows_host

    def check_origin(self, origin: str) -> bool:
        parsed = urlsplit(origin)
        return parsed.scheme == "http" and self.allows_host(parsed.netloc)


class _ScriptInjector(LiveScriptInjector):
    """Adds the reload script to HTML it sends, and opens the page policy to
    that script alone, by a nonce new for every response (the files keep the
    policy that forbids all script). livereload.js finds the server from its
    own address. While the build has warnings, a notice goes at the top of
    each page too (`notice` gives its HTML)."""

    notice: Callable[[], str] = staticmethod(lambda: "")

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if "html" in headers.get("Content-Type", ""):
            relaxed, self.script = preview_page(chunk, b"/livereload.js", secrets.token_urlsafe(18))
            notice = self.notice()
            body = _BODY_START.search(relaxed) if notice else None
            if body is not None:
                relaxed = relaxed[:body.end()] + notice.encode("utf-8") + relaxed[body.end():]
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(relaxed) - len(chunk))
            chunk = relaxed
        return super().transform_first_chunk(status_code, headers, chunk, finishing)


_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


class _LiveReload:
    """The livereload package: a tornado app serving `output` with the script
    added to HTML, and the signal that makes open tabs reload."""

    def __init__(self, output: Path, problems: Callable[[], list[SiteError] | None],
                 allows_host: Callable[[str], bool], warnings: Callable[[], list[SiteError]] = list,
                 root: Path | None = None):
        def notice() -> str:
            current = warnings()
            return warnings_notice(current) if current and not problems() else ""

        injector = type("_Injector", (_ScriptInjector,), {"notice": staticmethod(notice)})
        self.app = web.Application([
            (r"/livereload", _ReloadSocketHandler, {"allows_host": allows_host}),
            (r"/livereload.js", _ReloadScriptHandler, {"allows_host": allows_host}),
            (r"/(.*)", _PreviewFileHandler, {"path": str(output), "default_filename": "index.html",
                                              "problems": problems, "allows_host": allows_host,
                                              "warnings": warnings, "root": root}),
        ], transforms=[injector])

    @staticmethod
    def reload(paths: list[str]) -> None:
        """Tell every open tab to reload; a path ending in .css reloads just that stylesheet.

        Runs on the server's thread. LiveReloadHandler.waiters holds the
        connected tabs (the handler adds them after livereload.js's handshake).
        """
        for path in paths:
            message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
            for waiter in list(LiveReloadHandler.waiters):
                try:
                    waiter.write_message(message)
                except WebSocketClosedError:
                    LiveReloadHandler.waiters.discard(waiter)

    @staticmethod
    def disconnect() -> None:
        for waiter in list(LiveReloadHandler.waiters):
            waiter.close()
            LiveReloadHandler.waiters.discard(waiter)
