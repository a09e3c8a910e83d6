"""Per-page work (Markdown conversion, page rendering) spread over the machine's cores for large sites.

Python-Markdown and Jinja hold the GIL, so threads do not help; forked
worker processes do. Forking shares the items and what the work reads (the
converter with its Jinja environment and data, the templates, the site's
context) without pickling them; only a worker's results come back, through a
file of its own. The building process does its share of the items itself.
Small sites, and platforms without a safe fork, work in-process.

Stopping the build stops the workers with it: Ctrl-C, SIGTERM and SIGKILL
of the parent end them without a traceback and leave no orphan behind.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
from contextlib import contextmanager
from typing import Callable, NoReturn, Sequence, TypeVar

from .markup import MarkdownRenderer, MarkdownResult

# Below this many documents the cost of starting workers outweighs the gain.
MIN_DOCUMENTS_FOR_WORKERS = 150
CHUNK_SIZE = 24
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

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
    """[function(item) for item in items], on every core when there are enough items to pay.

    This process works through the items too, beside one forked worker per
    other core: its own results need no copying, and no third process competes
    with the two that work. Each takes the next chunk of items as it gets free.
    `function` reaches the workers by fork, not by pickling; their results are
    pickled back, so they should be small plain values.
    """
    workers = min(worker_count(), max(1, len(items) // CHUNK_SIZE))
    if len(items) < MIN_DOCUMENTS_FOR_WORKERS or workers < 2 or not can_fork():
        return [function(item) for item in items]
    try:
        next_chunk = multiprocessing.get_context("fork").Value("q", 0)  # in memory the workers share
    except OSError:  # no shared memory to be had: this process does it all
        return [function(item) for item in items]
    results: list = [None] * len(items)
    started: list[tuple[int, object]] = []
    try:
        # The site's objects are shared with the workers page by page until one of them writes to a
        # page; the garbage collector's passes would write to every object's header, so each worker
        # would end up with a copy of the whole site. Frozen objects are left out of its passes.
        gc.freeze()
        # Workers are born with Ctrl-C and SIGTERM held back, so neither can
        # reach one before it has chosen how to take them (_work_in_child);
        # one that arrives meanwhile is delivered to this process afterwards.
        with _signals_held():
            for _ in range(workers - 1):
                try:
                    started.append(_start_worker(function, items, next_chunk))
                except OSError:  # no temporary file or no process to be had: fewer hands do the rest
                    break
        for start in _chunks(next_chunk, len(items)):
            for index in range(start, min(start + CHUNK_SIZE, len(items))):
                results[index] = function(items[index])
        while started:
            pid, output = started.pop()
            with output:
                _collect(pid, output, results)
        return results
    finally:
        for pid, output in started:  # interrupted, or a worker failed: the others stop at once
            _stop(pid)
            output.close()
        gc.unfreeze()


def _chunks(next_chunk, count: int):
    """The first index of each chunk this process takes, until none is left."""
    while True:
        with next_chunk.get_lock():
            start = next_chunk.value
            next_chunk.value = start + CHUNK_SIZE
        if start >= count:
            return
        yield start


def _start_worker(function: Callable, items: Sequence, next_chunk) -> tuple[int, object]:
    # Results go to a file of their own, read once the worker is done: writing them never waits for a reader.
    output = tempfile.TemporaryFile()
    parent = os.getpid()
    _flush_std_streams()  # else what this process printed but not yet wrote would be written twice
    try:
        pid = os.fork()
    except BaseException:
        output.close()
        raise
    if pid == 0:
        _work_in_child(function, items, next_chunk, output, parent)  # never returns
    return pid, output


def _work_in_child(function: Callable, items: Sequence, next_chunk, output, parent: int) -> NoReturn:
    code = 1
    try:
        # Ctrl-C reaches the whole process group; the parent stops the workers and reports it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The parent turns SIGTERM into a clean stop; a worker simply ends, silently.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _end_with_parent()
        if os.getppid() != parent:  # the parent died before we could ask to follow it
            os._exit(0)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        for start in _chunks(next_chunk, len(items)):
            done = [function(items[index]) for index in range(start, min(start + CHUNK_SIZE, len(items)))]
            pickle.dump((start, done), output, pickle.HIGHEST_PROTOCOL)
        code = 0
    except BaseException as exc:  # noqa: BLE001 -- whatever it is, the parent raises it
        try:
            pickle.dump((None, _picklable(exc)), output, pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001
            pass
    finally:
        try:
            output.flush()
            _flush_std_streams()
        finally:
            os._exit(code)  # not through the interpreter's exit: the parent's handlers are its own


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # none, closed, or a pipe nobody reads
            pass


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 -- its type or arguments do not pickle: say what it was
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _collect(pid: int, output, results: list) -> None:
    """Wait for a worker to end, then take its results (or raise what it raised).

    The file is this process's own (a temporary file with no name left, open
    to its owner only), so what is unpickled from it is what the worker wrote.
    """
    _, status = os.waitpid(pid, 0)
    output.seek(0)
    raised = None
    try:
        while True:
            try:
                start, done = pickle.load(output)
            except EOFError:
                break
            if start is None:
                raised = done
                break
            results[start:start + len(done)] = done
    except (pickle.UnpicklingError, ValueError, TypeError, OSError):
        if status == 0:
            raise
    if raised is not None:
        raise raised
    if status != 0:  # killed, or it could not write all it had (a full disk): its results are not all here
        raise RuntimeError(f"a worker process ended unexpectedly (status {status})")


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


@contextmanager
def _signals_held():
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _end_with_parent() -> None:
    """Ask the kernel for SIGTERM when the parent dies (even by SIGKILL): no orphaned workers."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere workers notice their closed pipe when they next ask for work
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
