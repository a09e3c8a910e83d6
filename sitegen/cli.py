"""Command line: parse arguments, run the pipeline, print results, set exit codes.

Exit codes: 0 success, 1 problems in the site's sources, 2 usage errors
(bad arguments, unusable output folder, port in use), 130 interrupted
(Ctrl-C), 143 stopped by SIGTERM (`kill`), handled like Ctrl-C.
"""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import time
import traceback
from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

from . import uptodate
from .errors import PLACEHOLDER, BuildFailed, SiteError
from .writer import MARKER, OutputState, Staging, UnsafeOutput, check_output_location, legacy_leftovers

if TYPE_CHECKING:
    from .pipeline import BuildOptions, RenderedSite

# The pipeline and its libraries are imported only when there is work to do:
# a build whose output is already up to date (uptodate.py) never loads them.
CACHE_DIR = ".sitegen-cache"
SPARE_OUTPUT = "previous-output"

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
COMMANDS = ("build", "check", "serve", "new")


def _base_url(value: str) -> str:
    from .schema import web_address_problem

    problem = web_address_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(f"'{value}' {problem}; write it like https://www.example.com")
    return value


def _today(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-26") from None


def _common_options(for_command: bool) -> argparse.ArgumentParser:
    """Options every command takes. On a command's own parser their defaults are
    suppressed, so `--root X check` and `check --root X` mean the same."""
    common = argparse.ArgumentParser(add_help=False)
    default = (lambda value: argparse.SUPPRESS) if for_command else (lambda value: value)
    common.add_argument("--root", type=Path, default=default(Path(".")), metavar="DIR",
                        help="the site's folder, holding site_config.yaml (default: the current folder)")
    common.add_argument("--output", type=Path, default=default(None), metavar="DIR",
                        help="where to write the site (default: ROOT/output)")
    common.add_argument("--base-url", type=_base_url, default=default(None), metavar="URL",
                        help="public address of the site, overriding base_url in site_config.yaml")
    common.add_argument("--drafts", action="store_true", default=default(False),
                        help="include pages marked draft: true, and scheduled and expired pages")
    common.add_argument("--no-cache", action="store_true", default=default(False),
                        help="build everything afresh, without what .sitegen-cache/ keeps from earlier builds")
    common.add_argument("--today", type=_today, default=default(None), metavar="YYYY-MM-DD",
                        help="build as if it were this day: which holiday hours are coming up, which pages are "
                             "scheduled or expired (default: today)")
    common.add_argument("--debug", action="store_true", default=default(False),
                        help="show Python tracebacks for unexpected errors")
    return common


def make_parser() -> argparse.ArgumentParser:
    common = _common_options(for_command=True)
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="Build the site from content/, templates/, static/ and site_config.yaml.",
        epilog="Without a command, 'build' is run. Exit codes: 0 built, 1 problems in the sources "
               "(each at its file and line; warnings too, with --strict), 2 usage errors, 130 interrupted, "
               "143 stopped by SIGTERM.",
        parents=[_common_options(for_command=False)],
    )
    parser.set_defaults(command="build")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    strict_help = "fail on warnings too (example values left in the content), as before publishing"
    parser.add_argument("--strict", action="store_true", help=strict_help)
    strict = argparse.ArgumentParser(add_help=False)
    strict.add_argument("--strict", action="store_true", default=argparse.SUPPRESS, help=strict_help)
    commands.add_parser("build", parents=[common, strict], help="build the site into the output folder (default)",
                        description="Build the site into the output folder, replacing it only if the build succeeds.")
    commands.add_parser("check", parents=[common, strict], help="validate everything and check links; write nothing",
                        description="Validate the sources, render every page in memory and check "
                                    "all internal links and fragments, without touching the output folder.")
    serve = commands.add_parser("serve", parents=[common], help="preview the site with live reload",
                                description="Build, serve the site and rebuild it when a source changes.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    new = commands.add_parser("new", parents=[common], help="add an entry of a kind of content, ready to fill in",
                              description="Add a new entry (a team member, a question, a page, ...) with every key "
                                          "its kind declares, ready to fill in.")
    new.add_argument("kind", help="the kind, e.g. team, questions, pages, articles")
    new.add_argument("slug", help="its URL name, e.g. dana-reyes")
    return parser


def format_errors(errors: list[SiteError], warnings: list[SiteError] = ()) -> str:
    """Errors, counted, then warnings, counted: `... 3 errors found.` `... 2 warnings.`"""
    lines = [str(error) for error in errors]
    if errors:
        lines.append(f"{_count(len(errors), 'error')} found.")
    lines += [str(warning) for warning in warnings]
    if warnings:
        lines.append(f"{_count(len(warnings), 'warning')}.")
    return "\n".join(lines)


def describe_warnings(warnings: list[SiteError]) -> str:
    """'12 warnings: example values that must be replaced before publishing'."""
    text = _count(len(warnings), "warning")
    if warnings and all(warning.category == PLACEHOLDER for warning in warnings):
        text += f": example value{'s' if len(warnings) != 1 else ''} that must be replaced before publishing"
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it stops as cleanly as on Ctrl-C."""


def _terminate(signum, frame) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt as stop:
        print("\nInterrupted; the output folder was left as it was.", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _run(argv: list[str]) -> int:
    started = time.perf_counter()
    asks_for_help = any(arg in ("-h", "--help") for arg in argv)
    if not asks_for_help and not any(arg in COMMANDS for arg in argv if not arg.startswith("-")):
        argv.append("build")
    parser = make_parser()
    args = parser.parse_args(argv)
    root = args.root
    if not (root / "site_config.yaml").is_file():
        print(f"error: {root.resolve()} is not a site folder (it has no site_config.yaml); "
              "run from the site's folder or pass --root", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "new":
        return _new(root, args.kind, args.slug, args.today)
    if args.command == "serve" and args.output is not None:
        print("error: serve never writes the output folder (it previews from .preview/ in the site folder, "
              "so drafts cannot be published by accident); leave out --output", file=sys.stderr)
        return EXIT_USAGE
    output = args.output if args.output is not None else root / "output"
    state = OutputState("missing")
    if args.command == "build":
        try:
            state = check_output_location(output, root)
        except UnsafeOutput as problem:
            print(f"error: {problem}; nothing was changed", file=sys.stderr)
            return EXIT_USAGE
    cache_dir = os.environ.get("SITEGEN_CACHE_DIR")  # e.g. one image cache shared by several copies of a site
    fingerprint = _fingerprint(args, cache_dir) if args.command == "build" and not args.no_cache else None
    if fingerprint is not None and state.kind == "build":
        report = uptodate.unchanged_build(root / CACHE_DIR, fingerprint, output)
        if report is not None:
            if report.warnings:
                print(report.warnings, file=sys.stderr)
            print(report.summary(time.perf_counter() - started))
            return EXIT_OK
    from .pipeline import BuildOptions

    options = BuildOptions(root=root, base_url=args.base_url, drafts=args.drafts or args.command == "serve",
                           serving=args.command == "serve", today=args.today,
                           cache_dir=Path(cache_dir) if cache_dir else None)
    try:
        if args.command == "serve":
            from .server import serve  # imported here: livereload is only needed for previews

            return serve(options, args.host, args.port, args.open, debug=args.debug, use_cache=not args.no_cache)
        return _build(options, output, state, write=args.command == "build", use_cache=not args.no_cache,
                      strict=args.strict, fingerprint=fingerprint)
    except KeyboardInterrupt:
        raise  # reported by main()
    except Exception as exc:  # the last line of defence: no traceback unless asked
        if args.debug:
            traceback.print_exc()
        else:
            print(f"error: unexpected {type(exc).__name__}: {exc}\n"
                  "The output folder was left as it was. Run again with --debug to see the details.", file=sys.stderr)
        return EXIT_CONTENT


def _fingerprint(args, cache_dir: str | None) -> str | None:
    """What the build reads, as uptodate.py digests it, with every option that changes what it makes."""
    settings = {"base_url": args.base_url, "drafts": args.drafts, "strict": args.strict, "image_cache": cache_dir,
                "today": (args.today or date.today()).isoformat()}
    return uptodate.source_fingerprint(args.root, settings)


def _new(root: Path, kind_name: str, slug: str, today: date | None) -> int:
    from .kinds import KINDS
    from .scaffold import ScaffoldProblem, create_entry, find_kind

    try:
        relative = create_entry(root, find_kind(KINDS, kind_name), slug, today or date.today())
    except ScaffoldProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(f"added '{slug}' to {relative}; fill in its values, then build (the build says what is still missing)")
    return EXIT_OK


def _build(options: BuildOptions, output: Path, state: OutputState, write: bool, use_cache: bool = True,
           strict: bool = False, fingerprint: str | None = None) -> int:
    # The cycle collector is paused for the build: nearly every object a build makes lives until it
    # ends, so the collector's full passes over them (a tenth of a build after one edit at 4,000
    # pages) free next to nothing. What a build leaves in cycles waits for a pass after it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_once(options, output, state, write, use_cache, strict, fingerprint)
    finally:
        if collecting:
            gc.enable()


def _build_once(options: BuildOptions, output: Path, state: OutputState, write: bool, use_cache: bool,
                strict: bool, fingerprint: str | None) -> int:
    from .buildcache import BuildCache
    from .cache import MarkdownCache
    from .incremental import IncrementalBuilder

    # One build: Markdown results, documents and pages come from the stores on disk where they are
    # known; no page is kept for a next build in this process.
    reuse = IncrementalBuilder(options, store=MarkdownCache(options.root) if use_cache else None, keep_pages=False,
                               kept=BuildCache(options.root) if use_cache and write else None)
    left_alone = "The output folder was left as it was." if write else "Nothing was written."
    cache_dir = options.root / CACHE_DIR
    # The site before this one is kept in the cache, so the next build writes only what changed.
    spare = cache_dir / SPARE_OUTPUT if use_cache and not cache_dir.is_symlink() else None
    staging = None
    if write:  # pages go into it as they are rendered; output/ changes only when it is swapped in
        try:
            staging = reuse.page_store = Staging.open(output, spare)
        except OSError as exc:
            print(f"error: could not write beside {output}: {exc.strerror or exc}; nothing was changed", file=sys.stderr)
            return EXIT_CONTENT
    finished = False
    try:
        try:
            site = reuse.build()
        except BuildFailed as failed:
            if write:  # the next build, after the fix, converts only what changed
                reuse.save()
            print(format_errors(failed.errors, failed.warnings), file=sys.stderr)
            print(left_alone, file=sys.stderr)
            return EXIT_CONTENT
        if site.warnings and strict:
            print(format_errors([], site.warnings), file=sys.stderr)
            print(f"--strict: warnings fail the build. {left_alone}", file=sys.stderr)
            return EXIT_CONTENT
        if write:
            if state.kind == "legacy":
                leftovers = legacy_leftovers(output, set(site.pages) | set(site.stored) | set(site.static_files))
                if leftovers:
                    print(f"error: {output} looks like a build made by an older version (it has no {MARKER} file), "
                          f"but it also holds files this build would not write, such as {leftovers[0]}; "
                          "if it is only an old build, delete it and build again; nothing was changed", file=sys.stderr)
                    return EXIT_USAGE
            finished = True  # from here the staging folder is swapped in or removed, whatever happens
            try:
                staging.finish(site.pages, site.static_files, site.stored, site.linkable)
            except UnsafeOutput as problem:  # the folder changed since it was checked
                print(f"error: {problem}; nothing was changed", file=sys.stderr)
                return EXIT_USAGE
            except OSError as exc:
                print(f"error: could not write {output}: {exc.strerror or exc}; the previous site was kept",
                      file=sys.stderr)
                return EXIT_CONTENT
            reuse.save()
    finally:
        if staging is not None and not finished:
            staging.abandon()
    warnings = format_errors([], site.warnings) if site.warnings else ""
    if warnings:  # once the site is written: a refused output folder is the one thing to say then
        print(warnings, file=sys.stderr)
    report = _report(site, f"into {_display(output)}" if write else "checked; nothing written", warnings)
    print(report.summary(site.seconds))
    if write and use_cache:
        uptodate.record_build(cache_dir, fingerprint, output, report, staging.entries if staging else None)
    return EXIT_OK


def _report(site: RenderedSite, where: str, warnings: str) -> uptodate.Report:
    html_files = sum(1 for path in site.pages if path.endswith(".html"))
    assets = len(site.static_files) + len(site.pages) - html_files  # static files, sitemap.xml, feed, _headers...
    pages = len([route for route in site.routes if route.is_html]) if site.routes else html_files
    redirects = f"{site.redirects} redirect{'s' if site.redirects != 1 else ''}, " if site.redirects else ""
    before = f"{pages} pages, {redirects}{assets} assets {where} in "
    notes = [describe_warnings(site.warnings)] if site.warnings else []
    if site.scheduled:
        count = len(site.scheduled)
        notes.append(f"{_count(count, 'scheduled page')}, {'the next ' if count > 1 else ''}"
                     f"published on {site.scheduled[0].isoformat()}")
    return uptodate.Report(warnings, before, f" ({'; '.join(notes)})" if notes else "")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(path) + "/"
