"""A build killed at any moment leaves the previous site or the new one, never a mix,
and stops without a traceback, with its documented exit code, leaving no worker behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO_ROOT, copy_fixture_site, run_build, snapshot


def _add_pages(site, count: int) -> None:
    folder = site / "content" / "pages" / "bulk"
    folder.mkdir(exist_ok=True)
    for number in range(count):
        folder.joinpath(f"page-{number:03d}.md").write_text(
            f"---\ntitle: Bulk page {number}\ndescription: Page {number} of many.\n---\n\n"
            + "Some text with a [link](/about/).\n\n" * 20, encoding="utf-8")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
# From 0.3 s on the build is past Python's own start-up (a Ctrl-C during that
# is Python's to report) and somewhere in loading, rendering or writing.
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_an_interrupted_build_never_leaves_a_mixed_output(tmp_path, how, delay):
    site = copy_fixture_site(tmp_path / "site")
    _add_pages(site, 120)
    assert run_build(site).code == 0
    before = snapshot(site / "output")

    # The next build changes every bulk page, so old and new output differ everywhere.
    for page in (site / "content" / "pages" / "bulk").iterdir():
        page.write_text(page.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(REPO_ROOT / "build.py"), "--root", str(site)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(getattr(signal, how))
    _, err = process.communicate(timeout=60)

    after = snapshot(site / "output")
    if after != before:  # the build reached its final swap before the signal: all new
        bulk_pages = [content for path, content in after.items() if path.startswith("bulk/")]
        assert len(bulk_pages) == 120
        assert all(b"A new paragraph." in content for content in bulk_pages)
    assert "Traceback" not in err
    if how == "SIGINT" and process.returncode != 0:
        assert process.returncode == 130

    # The next build tidies up whatever the killed one left beside output/.
    assert run_build(site).code == 0
    leftovers = [path.name for path in site.iterdir() if path.name.startswith(".output-")]
    assert leftovers == []


# --- Stopping a build that converts Markdown in worker processes ---------------

STOPS = {  # how the build is stopped -> the exit code it must end with
    "ctrl-c": 130,  # the terminal sends SIGINT to the whole process group
    "SIGTERM": 143,  # `kill PID`: stopped as cleanly as by Ctrl-C
    "SIGKILL": -signal.SIGKILL,  # no chance to clean up; the workers must still end
}


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, read from /proc."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        table[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return table


def _workers_of(pid: int) -> list[int]:
    return [child for child, (parent, _) in _processes().items() if parent == pid]


def _running(pids: list[int]) -> list[int]:
    table = _processes()
    return [pid for pid in pids if pid in table and table[pid][1] not in ("Z", "X")]


def _stop_build_with_workers(command: list[str], how: str, ready=lambda: True, env: dict | None = None) -> None:
    """Start the build, wait until `ready()` and it has workers, then stop it `how`.

    Checks what every stop must give: no traceback, the exit code of STOPS, a
    one-line message (but after SIGKILL), and no worker left running after it.
    """
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while not workers and process.poll() is None and time.monotonic() < deadline:
            if ready():
                workers = _workers_of(process.pid)
            time.sleep(0.002)
        assert workers, "the build never started worker processes"
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(getattr(signal, how))
        # communicate() waits for every process holding the pipes, orphans included.
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "Traceback" not in err, err
    assert process.returncode == STOPS[how], err
    if how != "SIGKILL":
        assert err.strip() == "Interrupted; the output folder was left as it was."
    deadline = time.monotonic() + 10
    while _running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(workers) == [], "worker processes outlived the build"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("how", STOPS)
def test_stopping_a_build_stops_its_workers_quietly(tmp_path, how):
    from sitegen.parallel import MIN_DOCUMENTS_FOR_WORKERS, can_fork, worker_count
    if worker_count() < 2 or not can_fork():
        pytest.skip("the build uses worker processes only with two cores or more and fork")
    site = copy_fixture_site(tmp_path / "site")
    _add_pages(site, MIN_DOCUMENTS_FOR_WORKERS + 150)
    _stop_build_with_workers([sys.executable, str(REPO_ROOT / "build.py"), "--root", str(site)], how)
    if how != "SIGKILL":
        assert not (site / "output").exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("how", STOPS)
def test_stopping_a_build_while_it_draws_share_cards_stops_its_workers_quietly(tmp_path, how):
    from sitegen.parallel import MIN_DOCUMENTS_FOR_WORKERS, can_fork, worker_count
    if worker_count() < 2 or not can_fork():
        pytest.skip("the build uses worker processes only with two cores or more and fork")
    site = copy_fixture_site(tmp_path / "site")
    _add_pages(site, MIN_DOCUMENTS_FOR_WORKERS + 300)
    command = [sys.executable, str(REPO_ROOT / "build.py"), "--root", str(site)]
    first = subprocess.run(command, env={**os.environ, "SITEGEN_CACHE_DIR": str(tmp_path / "first")},
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = snapshot(site / "output")
    # The empty image cache leaves every card to draw. Once the first is in it, the build's
    # workers are those that draw cards (those that convert and render pages have ended).
    cards = tmp_path / "empty" / "images"
    _stop_build_with_workers(command, how, ready=lambda: cards.is_dir() and any(cards.glob("card-*.png")),
                             env={**os.environ, "SITEGEN_CACHE_DIR": str(tmp_path / "empty")})
    assert len(list(cards.glob("card-*.png"))) < len(list((site / "output" / "images" / "social").glob("*.png")))
    assert snapshot(site / "output") == before
    # A card in the cache is whole (written under a temporary name, then renamed), and the next build
    # draws the others.
    for card in cards.glob("card-*.png"):
        with Image.open(card) as image:
            image.load()
    again = subprocess.run(command, env={**os.environ, "SITEGEN_CACHE_DIR": str(tmp_path / "empty")},
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert len(list(cards.glob("card-*.png"))) == \
        len(list((site / "output" / "images" / "social").glob("*.png"))) > MIN_DOCUMENTS_FOR_WORKERS + 300
    assert list(cards.glob(".*.tmp")) == [], "the temporary files of the killed workers were left behind"
