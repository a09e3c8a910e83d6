"""Per-page work (Markdown conversion, page rendering) spread over the machine's cores for large sites.

Python-Markdown and Jinja hold the GIL, so threads do not help; forked
worker processes do. Forking shares what the work reads (the converter with
its Jinja environment and data, the templates, the site's context) without
pickling it; only small items go out and the results come back. Small sites,
and platforms without a safe fork, work in-process.

Stopping the build stops the workers with it: Ctrl-C, SIGTERM and SIGKILL
of the parent end them without a traceback and leave no orphan behind.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from contextlib import contextmanager
from typing import Callable, Sequence, TypeVar

from .markup import MarkdownRenderer, MarkdownResult

# Below this many documents the cost of starting workers outweighs the gain.
MIN_DOCUMENTS_FOR_WORKERS = 150
CHUNK_SIZE = 24
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# Set in each worker process by _start_worker; never used in the parent.
_worker_function: Callable | None = None
Item, Result = TypeVar("Item"), TypeVar("Result")


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
    return map_in_workers(lambda job: markdown.convert(*job), jobs)


def map_in_workers(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """[function(item) for item in items], in forked workers when there are enough items to pay.

    `function` reaches the workers by fork, not by pickling; items and
    results are pickled, so they should be small plain values.
    """
    workers = min(worker_count(), max(1, len(items) // CHUNK_SIZE))
    if len(items) < MIN_DOCUMENTS_FOR_WORKERS or workers < 2 or not can_fork():
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork")
    pool = None
    try:
        # Workers are born with Ctrl-C and SIGTERM held back, so neither can
        # reach one before it has chosen how to take them (_start_worker);
        # one that arrives meanwhile is delivered to this process afterwards.
        # The site's objects are shared with the workers page by page until one of them writes to a
        # page; the garbage collector's passes would write to every object's header, so each worker
        # would end up with a copy of the whole site. Frozen objects are left out of its passes.
        gc.freeze()
        with _signals_held():
            pool = context.Pool(workers, initializer=_start_worker, initargs=(function, os.getpid()))
        return pool.map(_call_in_worker, items, chunksize=CHUNK_SIZE)
    finally:
        if pool is not None:
            pool.terminate()  # stops the workers at once, also when the build is interrupted
        gc.unfreeze()


@contextmanager
def _signals_held():
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start_worker(function: Callable, parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent stops the pool and reports it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent turns SIGTERM into a clean stop; a worker simply ends, silently.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    if os.getppid() != parent:  # the parent died before we could ask to follow it
        os._exit(0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    global _worker_function
    _worker_function = function


def _end_with_parent() -> None:
    """Ask the kernel for SIGTERM when the parent dies (even by SIGKILL): no orphaned workers."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere workers notice their closed pipe when they next ask for work
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _call_in_worker(item):
    return _worker_function(item)
