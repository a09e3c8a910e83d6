#!/usr/bin/env python3
"""Live-preview benchmark: from saving a Markdown file to its rebuilt page on disk.

Usage: python bench/bench_serve.py [--edits 20] [--pages 1000] [--corpus-script PATH]

For the demo site, and for the demo site plus N corpus pages (bench/corpus.py,
or `--corpus-script SCRIPT`, called as `SCRIPT N OUT_DIR`), it copies the site into a
temporary folder, starts `python build.py serve --port 0` on it and, EDITS
times, appends a sentence to a Markdown file and polls the page's file in
.preview/ until the sentence is there. It prints the median and 90th percentile
of that delay, which includes the watcher's wait for the edits to settle
(server.DEBOUNCE_MS), and of the rebuild alone as the server reports it.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PAUSE = 0.3  # seconds between edits, so each is its own rebuild


def make_site(folder: Path, name: str, pages: int, corpus_script: Path | None) -> Path:
    site = folder / name
    site.mkdir()
    shutil.copy(REPO / "site_config.yaml", site)
    for part in ("content", "templates", "static"):
        shutil.copytree(REPO / part, site / part)
    if pages and corpus_script:
        subprocess.run([sys.executable, str(corpus_script), str(pages), str(site / "content" / "pages")], check=True)
    elif pages:
        sys.path.insert(0, str(BENCH))
        from corpus import write_corpus
        write_corpus(site / "content" / "pages", pages)
    return site


class Server:
    def __init__(self, site: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(site), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(600):
            raise SystemExit("the server did not start:\n" + "".join(self.lines))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if line.startswith("Serving"):
                self.ready.set()

    def rebuild_ms(self, since: int) -> list[float]:
        return [float(match.group(1)) for line in self.lines[since:]
                if (match := re.search(r"updated in (\d+) ms$", line.strip()))]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(site: Path, source: str, output: str, edits: int) -> tuple[list[float], list[float]]:
    """Milliseconds from each save to the page on disk, and the server's rebuild times."""
    server = Server(site)
    try:
        path, target = site / source, site / ".preview" / output
        delays = []
        first_line = len(server.lines)
        for number in range(edits + 2):  # the first two warm up
            marker = f"Benchmark sentence {number}."
            text = path.read_text(encoding="utf-8") + f"\n{marker}\n"
            time.sleep(PAUSE)
            started = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            deadline = started + 60
            while marker not in _read(target):
                if time.perf_counter() > deadline:
                    raise SystemExit(f"the edit did not show up:\n{''.join(server.lines[-10:])}")
                time.sleep(0.001)
            if number >= 2:
                delays.append(1000 * (time.perf_counter() - started))
            if number == 1:
                first_line = len(server.lines)
        time.sleep(PAUSE)
        return delays, server.rebuild_ms(first_line)
    finally:
        server.stop()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--corpus-script", type=Path, help="a script called as SCRIPT N OUT_DIR")
    args = parser.parse_args()
    if args.corpus_script and not args.corpus_script.is_file():
        parser.error(f"corpus script not found: {args.corpus_script}")
    cases = [
        ("demo site, a page", "demo", 0, "content/pages/about.md", "about/index.html"),
        ("demo site, an article", "demo", 0, "content/articles/medical-vs-therapeutic-massage.md",
         "articles/medical-vs-therapeutic-massage/index.html"),
    ]
    if args.pages:  # the page edited is the middle one of the corpus, whatever its script names them
        cases.append((f"demo + {args.pages} pages, a page", "big", args.pages, None, None))
    print(f"{args.edits} edits each; milliseconds from save to file on disk (and the rebuild alone)")
    print(f"{'case':<32} {'median':>7} {'p90':>7}   {'rebuild median':>14} {'p90':>5}")
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-serve-") as scratch:
        sites: dict[str, Path] = {}
        for label, name, pages, source, output in cases:
            if name not in sites:
                sites[name] = make_site(Path(scratch), name, pages, args.corpus_script)
            if source is None:
                added = sorted(path.name for path in (sites[name] / "content" / "pages").glob("*.md")
                               if not (REPO / "content" / "pages" / path.name).exists())
                middle = added[len(added) // 2]
                source, output = f"content/pages/{middle}", f"{Path(middle).stem}/index.html"
            delays, rebuilds = measure(sites[name], source, output, args.edits)
            print(f"{label:<32} {statistics.median(delays):>7.0f} {percentile(delays, 0.9):>7.0f}   "
                  f"{statistics.median(rebuilds):>14.0f} {percentile(rebuilds, 0.9):>5.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
