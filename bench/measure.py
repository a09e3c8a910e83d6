"""Timing a command and the peak memory of its whole process tree.

`resource.getrusage(RUSAGE_CHILDREN)` only keeps the largest child ever
waited for, and tracemalloc sees only Python objects of one process, so
neither measures a build that forks workers. Here /proc is polled while the
command runs and the memory of the process and all its descendants is added
up; the largest sum is the peak. Each process counts with its proportional
set size (PSS, /proc/PID/smaps_rollup): a page shared by a parent and the
workers it forked counts once in all, not once per process, as resident sizes
would count it. Where PSS cannot be read a process counts with its resident
size; where /proc is absent the figure falls back to the largest single
child's max RSS. Every tool in a comparison is measured the same way.
"""
from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.02
PROC = Path("/proc")


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    cpu_seconds: float  # user + system time of the command and every process it waited for
    returncode: int
    output: str


def _rss_by_parent() -> tuple[dict[int, list[int]], dict[int, int]]:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is the parent's pid
        rss[pid] = int(fields[21]) * page  # resident pages
    return children, rss


def _pss(pid: int) -> int | None:
    """Proportional set size of `pid` in bytes, or None where the kernel does not tell."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def tree_rss(root: int) -> int:
    """Bytes of memory used by `root` and all its descendants now (PSS where readable, else RSS)."""
    children, rss = _rss_by_parent()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        pss = _pss(pid)
        total += pss if pss is not None else rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run(command: list[str], cwd: Path | None = None, env: dict | None = None, capture: bool = False,
        watch_memory: bool = True) -> Run:
    """Run `command`; wall seconds, CPU seconds and the peak memory of its process tree.

    Watching the memory slows what is watched: reading a process's PSS takes
    its memory lock, which stalls its page faults (a forked worker's first
    write to each shared page is one), every POLL_SECONDS. So time a command
    with `watch_memory=False` (its peak is then the largest child's max RSS)
    and take its peak from a run of its own.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    # Output goes to a file, not a pipe: a pipe nobody reads fills up and stalls the command.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log if capture else subprocess.DEVNULL,
                                   stderr=subprocess.STDOUT if capture else subprocess.DEVNULL, text=True)
        peak = 0
        polling = watch_memory and PROC.is_dir()
        if not watch_memory:
            process.wait()
        while process.poll() is None:
            if polling:
                try:
                    peak = max(peak, tree_rss(process.pid))
                except OSError:
                    polling = False
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not peak:
        peak = max(before, usage.ru_maxrss) * 1024
    return Run(seconds, peak / 2**20, usage.ru_utime + usage.ru_stime - cpu_before, process.returncode, output)
