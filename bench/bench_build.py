#!/usr/bin/env python3
"""Build speed and memory, side by side with other generators on the same corpus.

Usage: python bench/bench_build.py [--pages 1000 4000] [--large] [--kind marketing|prose]
                                   [--runs 3] [--corpus-script PATH] [--no-preview] [--install-eleventy]

For each size it copies the demo site into a temporary folder, adds N corpus
pages to content/pages/ and measures, each in a fresh process:

- cold build, fresh clone: `python build.py` with no output/ and no cache at
  all (neither .sitegen-cache/ nor the image cache .cache/), so every photo
  variant and share card is encoded too (median of RUNS);
- cold build, image cache kept: no output/ nor .sitegen-cache/, but the
  .cache/ of the build before, as on a host that keeps .cache/ between
  builds: photos and cards are taken from it (median of RUNS);
- no-change rebuild: `python build.py` again, nothing edited;
- one-edit rebuild: one page edited, then `python build.py`: the first
  edit after the cold build, then the median of three more;
- failing check: every corpus page moved into a folder, so their links
  break, then `python build.py check` (it must report every one);
- preview: from saving a page to the rebuilt file on disk, with
  `python build.py serve` running (bench_serve.py; the demo site too);
- each run with the package's bytecode compiled beforehand, as Python
  keeps it after a first run (also where PYTHONDONTWRITEBYTECODE is set);
- peak memory of the build's whole process tree (its workers included),
  each from a run of its own: watching memory slows the run watched, so no
  time is taken from a watched run (measure.run);
- the same corpus built by the yardstick (bench/yardstick.py: Python-Markdown
  and Jinja alone on 2 processes), Eleventy and Hugo when installed, and the
  ratios: sitegen's time / theirs (under 1.0 means sitegen is faster), each
  naming which cold build it takes; the fresh clone's is the one to quote.

The corpus comes from bench/corpus.py (pages of 2-3 KB with headings,
lists, a table and links; `--kind prose` for copy full of quotes and
dashes), or from any script called as `SCRIPT N OUT_DIR`
(`--corpus-script ../shared/bench/make_corpus.py`). Machine speed cancels
out of the ratios, which is why they are taken in one run.
"""
from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import bench_serve  # noqa: E402
import measure  # noqa: E402
import others  # noqa: E402
from corpus import write_corpus  # noqa: E402

EDIT = "\nOne more sentence, added by the benchmark.\n"


def make_corpus(folder: Path, pages: int, kind: str, corpus_script: Path | None) -> Path:
    if corpus_script:
        subprocess.run([sys.executable, str(corpus_script), str(pages), str(folder)], check=True)
    else:
        write_corpus(folder, pages, kind)
    return folder


def make_site(folder: Path, corpus: Path) -> Path:
    site = folder / "site"
    site.mkdir()
    shutil.copy(REPO / "site_config.yaml", site)
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, site / name)
    for path in corpus.glob("*.md"):
        shutil.copy(path, site / "content" / "pages" / path.name)
    return site


def sitegen(site: Path, *args: str, watch_memory: bool = False) -> measure.Run:
    # The image cache in the site folder (the default), never one shared through the environment.
    environment = {name: value for name, value in os.environ.items() if name != "SITEGEN_CACHE_DIR"}
    result = measure.run([sys.executable, str(REPO / "build.py"), *args, "--root", str(site)], env=environment,
                         capture=True, watch_memory=watch_memory)
    if result.returncode not in (0, 1):
        raise SystemExit(f"build.py {' '.join(args)} failed:\n{result.output[-3000:]}")
    return result


COLD = "cold build, fresh clone (no caches)"
KEPT = "cold build, image cache kept"


def forget_previous_builds(site: Path, keep_image_cache: bool) -> None:
    """No output/ and no Markdown cache; the image cache too unless kept, as on a fresh clone."""
    for name in ("output", ".sitegen-cache", *(() if keep_image_cache else (".cache",))):
        shutil.rmtree(site / name, ignore_errors=True)


def median_run(runs: list[measure.Run], watched: measure.Run) -> tuple[float, float, float]:
    """Median wall seconds and CPU seconds of the timed `runs`; the peak MiB of the `watched` run."""
    return statistics.median(r.seconds for r in runs), watched.peak_mib, statistics.median(r.cpu_seconds for r in runs)


def edit(site: Path, source_name: str, number: int) -> None:
    page = site / "content" / "pages" / source_name
    page.write_text(page.read_text(encoding="utf-8") + EDIT.replace("One", f"Edit {number}:"), encoding="utf-8")


class Table:
    def __init__(self, pages: int):
        self.pages = pages
        self.rows: list[tuple[str, float, float | None]] = []
        print(f"\n{'':2}{'what':<52} {'seconds':>8} {'ms/page':>8} {'peak MiB':>9} {'CPU s':>7}", flush=True)

    def add(self, what: str, seconds: float, peak: float, cpu: float) -> float:
        print(f"  {what:<52} {seconds:8.2f} {1000 * seconds / self.pages:8.2f} {peak:9.0f} {cpu:7.2f}", flush=True)
        return seconds


def bench_size(scratch: Path, pages: int, args, tools: dict) -> list[str]:
    folder = scratch / f"n{pages}"
    folder.mkdir()
    corpus = make_corpus(folder / "corpus", pages, args.kind, args.corpus_script)
    site = make_site(folder, corpus)
    source_name = sorted(corpus.glob("*.md"))[len(list(corpus.glob("*.md"))) // 2].name
    print(f"\n== {pages} corpus pages ({args.corpus_script or args.kind}) + the demo site ==", end="")
    table = Table(pages)
    # The cold builds alternate with the other generators' runs, so a spell of
    # load on the machine slows all of them alike and the ratios hold.
    commands = {"yardstick": [sys.executable, str(BENCH / "yardstick.py"), str(corpus), str(folder / "yardstick")]}
    if tools.get("eleventy"):
        commands["eleventy"] = [*tools["eleventy"], *others.make_eleventy_site(folder / "eleventy", corpus)]
    if tools.get("hugo"):
        commands["hugo"] = [*tools["hugo"], *others.make_hugo_site(folder / "hugo", corpus)]
    # Timed runs are not watched; each peak comes from a watched run of its own (see measure.run).
    runs: dict[str, list[measure.Run]] = {"cold": [], "kept": [], **{name: [] for name in commands}}
    for _ in range(args.runs):
        forget_previous_builds(site, keep_image_cache=False)
        runs["cold"].append(sitegen(site))
        forget_previous_builds(site, keep_image_cache=True)
        runs["kept"].append(sitegen(site))
        for name, command in commands.items():
            shutil.rmtree(folder / "yardstick", ignore_errors=True)
            runs[name].append(measure.run(command, watch_memory=False))
    # The first edit after a cold build has no spare site to start from (it links output/'s pages instead).
    edit(site, source_name, 0)
    first_edit = sitegen(site)
    no_change = [sitegen(site) for _ in range(args.runs)]
    edits = []
    for number in range(1, 1 + max(args.runs, 3)):
        edit(site, source_name, number)
        edits.append(sitegen(site))
    watched: dict[str, measure.Run] = {}
    forget_previous_builds(site, keep_image_cache=False)
    watched["cold"] = sitegen(site, watch_memory=True)
    forget_previous_builds(site, keep_image_cache=True)
    watched["kept"] = sitegen(site, watch_memory=True)
    edit(site, source_name, 100)
    watched["first edit"] = sitegen(site, watch_memory=True)
    watched["no change"] = sitegen(site, watch_memory=True)
    edit(site, source_name, 101)
    watched["edit"] = sitegen(site, watch_memory=True)
    for name, command in commands.items():
        shutil.rmtree(folder / "yardstick", ignore_errors=True)
        watched[name] = measure.run(command)

    cold, cold_peak, cold_cpu = median_run(runs["cold"], watched["cold"])
    table.add(f"sitegen {COLD}", cold, cold_peak, cold_cpu)
    kept, kept_peak, kept_cpu = median_run(runs["kept"], watched["kept"])
    table.add(f"sitegen {KEPT}", kept, kept_peak, kept_cpu)
    no_change_seconds, *no_change_rest = median_run(no_change, watched["no change"])
    table.add("sitegen no-change rebuild", no_change_seconds, *no_change_rest)
    table.add("sitegen one-edit rebuild, first after the cold build", *median_run([first_edit], watched["first edit"]))
    table.add("sitegen one-edit rebuild (median of the next ones)", *median_run(edits, watched["edit"]))

    ratios = []

    def against(other: str, seconds: float, cpu: float) -> None:
        ratios.append(f"{COLD} / {other} {cold / seconds:.2f}x (CPU time {cold_cpu / cpu:.2f}x)")
        ratios.append(f"{KEPT} / {other} {kept / seconds:.2f}x (CPU time {kept_cpu / cpu:.2f}x)")

    yardstick = median_run(runs["yardstick"], watched["yardstick"])
    table.add("yardstick: Python-Markdown + Jinja, 2 processes", *yardstick)
    against("yardstick", yardstick[0], yardstick[2])
    if "eleventy" in runs:
        eleventy = median_run(runs["eleventy"], watched["eleventy"])
        table.add(f"Eleventy {tools['eleventy_version']} build", *eleventy)
        against("Eleventy", eleventy[0], eleventy[2])
    if "hugo" in runs:
        hugo_cold = median_run(runs["hugo"], watched["hugo"])
        table.add(f"Hugo {tools['hugo_version']} build", *hugo_cold)
        hugo_again = median_run([measure.run(commands["hugo"], watch_memory=False) for _ in range(args.runs)],
                                measure.run(commands["hugo"]))
        table.add(f"Hugo {tools['hugo_version']} build again, nothing changed", *hugo_again)
        against("Hugo", hugo_cold[0], hugo_cold[2])
        ratios.append(f"no-change rebuild / Hugo's rebuild {no_change_seconds / hugo_again[0]:.2f}x")

    moved = site / "content" / "pages" / "moved"
    moved.mkdir()
    for path in corpus.glob("*.md"):
        (site / "content" / "pages" / path.name).rename(moved / path.name)
    failing = sitegen(site, "check")
    broken = failing.output.count("leads to no page on this site")
    table.add(f"sitegen check, {pages} pages moved ({broken} broken links)",
              *median_run([failing], sitegen(site, "check", watch_memory=True)))
    if failing.returncode != 1 or not broken:
        print("  (the check did not report the broken links)")
    for path in moved.glob("*.md"):
        path.rename(site / "content" / "pages" / path.name)
    ratios.append(f"failing check / {KEPT} {failing.seconds / kept:.2f}x")  # both find the images cached

    if args.preview:
        delays, rebuilds = bench_serve.measure(site, f"content/pages/{source_name}",
                                               f"{Path(source_name).stem}/index.html", args.edits)
        print(f"  {'preview: save to file on disk, median (p90) ms':<52} {statistics.median(delays):8.0f} "
              f"{'':8} {'':9}  ({bench_serve.percentile(delays, 0.9):.0f}; rebuild alone "
              f"{statistics.median(rebuilds):.0f})", flush=True)
    print("  ratios:\n" + "\n".join(f"    {ratio}" for ratio in ratios), flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--large", action="store_true", help="add a 16,000-page run")
    parser.add_argument("--kind", choices=("marketing", "prose"), default="marketing")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", type=int, default=10, help="saves timed in the preview")
    parser.add_argument("--corpus-script", type=Path, help="a script called as SCRIPT N OUT_DIR")
    parser.add_argument("--no-preview", dest="preview", action="store_false")
    parser.add_argument("--install-eleventy", action="store_true", help=f"npm install {others.ELEVENTY_PACKAGE} "
                        "into bench/.cache first")
    args = parser.parse_args()
    if args.corpus_script and not args.corpus_script.is_file():
        parser.error(f"corpus script not found: {args.corpus_script}")
    if args.install_eleventy:
        others.install_eleventy()
    sizes = args.pages + ([16000] if args.large and 16000 not in args.pages else [])
    # Python compiles a module the first time it is imported and keeps the bytecode for the runs
    # after; where PYTHONDONTWRITEBYTECODE is set it would compile the whole package on every run
    # (over 0.1 s of each). Compiled once here, each run is timed as a user's second run would be.
    compileall.compile_dir(REPO / "sitegen", quiet=1)
    tools: dict = {"eleventy": others.eleventy_command(), "hugo": others.hugo_command()}
    if tools["eleventy"]:
        tools["eleventy_version"] = others.eleventy_version(tools["eleventy"])
    if tools["hugo"]:
        tools["hugo_version"] = others.hugo_version(tools["hugo"])
    print(f"Python {sys.version.split()[0]}; {args.runs} runs each; "
          f"Eleventy: {tools.get('eleventy_version', 'not installed')}; Hugo: {tools.get('hugo_version', 'not installed')}")
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as scratch:
        if args.preview:
            demo = make_site(Path(scratch), Path(scratch) / "no-corpus")
            delays, rebuilds = bench_serve.measure(demo, "content/pages/about.md", "about/index.html", args.edits)
            print(f"\ndemo site: preview save to file on disk {statistics.median(delays):.0f} ms median "
                  f"(p90 {bench_serve.percentile(delays, 0.9):.0f}; rebuild alone {statistics.median(rebuilds):.0f})")
            shutil.rmtree(demo)
        for pages in sizes:
            bench_size(Path(scratch), pages, args, tools)
    return 0


if __name__ == "__main__":
    sys.exit(main())
