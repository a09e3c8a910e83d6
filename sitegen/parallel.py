"""Markdown conversion spread over the machine's cores for large sites.

Python-Markdown costs a few milliseconds a page and holds the GIL, so
threads do not help; forked worker processes do. Forking shares the
already-built converter (with its Jinja environment and data, used by
directives) without pickling it; only the texts go out and the results come
back. Small sites, and platforms without a safe fork, convert in-process.

Stopping the build stops the workers with it: Ctrl-C, SIGTERM and SIGKILL
of the parent end them without a traceback and leave no orphan behind.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from contextlib import contextmanager
from typing import Sequence

from .markup import MarkdownRenderer, MarkdownResult

# Below this many documents the cost of starting workers outweighs the gain.
MIN_DOCUMENTS_FOR_WORKERS = 150
CHUNK_SIZE = 24
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

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
    pool = None
    try:
        # Workers are born with Ctrl-C and SIGTERM held back, so neither can
        # reach one before it has chosen how to take them (_start_worker);
        # one that arrives meanwhile is delivered to this process afterwards.
        with _signals_held():
            pool = context.Pool(workers, initializer=_start_worker, initargs=(markdown, os.getpid()))
        return pool.map(_convert_in_worker, jobs, chunksize=CHUNK_SIZE)
    finally:
        if pool is not None:
            pool.terminate()  # stops the workers at once, also when the build is interrupted


@contextmanager
def _signals_held():
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start_worker(markdown: MarkdownRenderer, parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent stops the pool and reports it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent turns SIGTERM into a clean stop; a worker simply ends, silently.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    if os.getppid() != parent:  # the parent died before we could ask to follow it
        os._exit(0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    global _worker_converter
    _worker_converter = markdown


def _end_with_parent() -> None:
    """Ask the kernel for SIGTERM when the parent dies (even by SIGKILL): no orphaned workers."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere workers notice their closed pipe when they next ask for work
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _convert_in_worker(job: tuple[str, str, int]) -> MarkdownResult:
    return _worker_converter.convert(*job)
