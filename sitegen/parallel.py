"""Markdown conversion spread over the machine's cores for large sites.

Python-Markdown costs a few milliseconds a page and holds the GIL, so
threads do not help; forked worker processes do. Forking shares the
already-built converter (with its Jinja environment and data, used by
directives) without pickling it; only the texts go out and the results come
back. Small sites, and platforms without a safe fork, convert in-process.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Sequence

from .markup import MarkdownRenderer, MarkdownResult

# Below this many documents the cost of starting workers outweighs the gain.
MIN_DOCUMENTS_FOR_WORKERS = 150
CHUNK_SIZE = 24

# Set in each worker process by _start_worker; never used in the parent.
_worker_converter: MarkdownRenderer | None = None


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    # macOS lists fork but its system libraries are not fork-safe; Windows has none.
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and \
        "fork" in multiprocessing.get_all_start_methods()


def convert_all(markdown: MarkdownRenderer, jobs: Sequence[tuple[str, str, int]]) -> list[MarkdownResult]:
    """Convert (text, source, first line) jobs, in order, in parallel when it pays."""
    workers = min(worker_count(), max(1, len(jobs) // CHUNK_SIZE))
    if len(jobs) < MIN_DOCUMENTS_FOR_WORKERS or workers < 2 or not can_fork():
        return [markdown.convert(*job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(markdown,)) as pool:
        return pool.map(_convert_in_worker, jobs, chunksize=CHUNK_SIZE)


def _start_worker(markdown: MarkdownRenderer) -> None:
    # Ctrl-C reaches the whole process group; the parent stops the pool and reports it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_converter
    _worker_converter = markdown


def _convert_in_worker(job: tuple[str, str, int]) -> MarkdownResult:
    return _worker_converter.convert(*job)
