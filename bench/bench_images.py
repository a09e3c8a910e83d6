#!/usr/bin/env python3
"""Image pipeline benchmark: a cold build (every photo encoded) against a warm one (cache hit).

Usage: python bench/bench_images.py [--photos 20] [--size 3000x2000]

Copies the demo site into a temporary folder, adds N synthetic camera-sized
JPEG photos to content/images/ with a page that shows them all, and times
`python build.py --root SITE` in a new process: first with an empty image
cache (every variant encoded, on all cores), then again (nothing encoded),
then after changing one photo (only its variants encoded).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

REPO = Path(__file__).resolve().parent.parent


def make_site(folder: Path, photos: int, size: tuple[int, int]) -> Path:
    site = folder / "site"
    site.mkdir()
    shutil.copy(REPO / "site_config.yaml", site)
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, site / name)
    lines = []
    for index in range(photos):
        write_photo(site / "content" / "images" / f"bench-{index:03d}.jpg", size, index)
        lines.append(f"![Benchmark photo {index}](/images/bench-{index:03d}.jpg)\n")
    (site / "content" / "pages" / "gallery.md").write_text(
        "---\ntitle: Gallery\ndescription: Benchmark photos.\n---\n\n" + "\n".join(lines), encoding="utf-8")
    return site


def write_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    noise = Image.effect_noise((size[0] // 8, size[1] // 8), 60 + seed % 40).resize(size)
    Image.merge("RGB", (noise, noise.rotate(90 * (seed % 2)).resize(size), noise)).filter(
        ImageFilter.GaussianBlur(3)).save(path, "JPEG", quality=90)


def time_build(site: Path, cache: Path) -> str:
    """Wall and CPU seconds of one build in a new process (CPU: the machine may be shared)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site)], check=True,
                   env={**os.environ, "SITEGEN_CACHE_DIR": str(cache)}, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return f"{wall:.2f} s ({cpu:.2f} s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--size", default="3000x2000")
    args = parser.parse_args()
    size = tuple(int(part) for part in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-images-") as folder:
        site = make_site(Path(folder), args.photos, size)
        cache = Path(folder) / "cache"
        cold = time_build(site, cache)
        warm = time_build(site, cache)
        write_photo(site / "content" / "images" / "bench-000.jpg", size, 999)
        one = time_build(site, cache)
        files = sum(1 for _ in (cache / "images").iterdir())
        print(f"{args.photos} photos of {size[0]}x{size[1]} ({files} cached files), {os.cpu_count()} cores:")
        print(f"  cold build (all encoded) {cold}, warm build {warm}, one photo changed {one}")


if __name__ == "__main__":
    main()
