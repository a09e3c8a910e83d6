#!/usr/bin/env python3
"""Build-speed benchmark on the shared Markdown corpus.

Usage: python bench/bench_build.py [--pages 1000 4000] [--runs 3] [--corpus-script PATH]

For each size it copies the demo site into a temporary folder, adds N corpus
pages (written by the shared make_corpus.py, so figures compare with other
generators timed on the same files) to content/pages/, and runs
`python build.py --root SITE` in a fresh process RUNS times. It prints the
median and best wall time and the peak memory (max RSS) of the build process.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_SCRIPT = REPO.parent / "shared" / "bench" / "make_corpus.py"


def make_site(folder: Path, pages: int, corpus_script: Path) -> Path:
    site = folder / f"site-{pages}"
    site.mkdir()
    shutil.copy(REPO / "site_config.yaml", site)
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, site / name)
    subprocess.run([sys.executable, str(corpus_script), str(pages), str(site / "content" / "pages")], check=True)
    return site


def time_build(site: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one full build in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site)], check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS_SCRIPT)
    args = parser.parse_args()
    if not args.corpus_script.is_file():
        parser.error(f"corpus script not found: {args.corpus_script}")
    print(f"{'pages':>6} {'median s':>9} {'best s':>7} {'ms/page':>8} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as scratch:
        for pages in args.pages:
            site = make_site(Path(scratch), pages, args.corpus_script)
            results = [time_build(site) for _ in range(args.runs)]
            times = [seconds for seconds, _ in results]
            median = statistics.median(times)
            print(f"{pages:>6} {median:>9.2f} {min(times):>7.2f} {1000 * median / pages:>8.2f} "
                  f"{max(peak for _, peak in results):>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
