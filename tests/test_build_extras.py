"""Sitemap and robots.txt, parallel Markdown conversion, and reporting Markdown
and link problems of one run together."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO_ROOT, copy_fixture_site, run_build, snapshot
from htmlparse import parse

from sitegen import parallel

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_urls(output) -> dict[str, str | None]:
    root = ET.parse(output / "sitemap.xml").getroot()
    return {entry.findtext(f"{SITEMAP_NS}loc"): entry.findtext(f"{SITEMAP_NS}lastmod")
            for entry in root.iter(f"{SITEMAP_NS}url")}


def test_sitemap_lists_every_published_page_and_nothing_else(built_fixture_site):
    urls = sitemap_urls(built_fixture_site.output)
    base = "https://fixture.example.org"
    expected = {base + url for url in built_fixture_site.urls if url != "/404.html"}
    assert set(urls) == expected
    assert base + "/articles/coming-soon/" not in urls  # a draft
    assert urls[base + "/articles/first-visit/"] == "2026-03-03"


def test_robots_txt_points_to_the_sitemap(built_fixture_site):
    text = (built_fixture_site.output / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://fixture.example.org/sitemap.xml" in text.splitlines()


def test_a_robots_txt_in_static_replaces_the_generated_one(fixture_site):
    (fixture_site / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    assert run_build(fixture_site).code == 0
    assert (fixture_site / "output" / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_markdown_and_link_problems_are_reported_in_one_run(fixture_site):
    about = fixture_site / "content" / "pages" / "about.md"
    lines = about.read_text(encoding="utf-8").splitlines()
    about.write_text("\n".join(lines + ["", "::: comparison no-such-service", "", "[Prices](/prices/)", ""]),
                     encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert f"content/pages/about.md:{len(lines) + 2}: directive 'comparison': unknown service 'no-such-service'" in err
    assert f"content/pages/about.md:{len(lines) + 4}: the link '/prices/' leads to no page" in err
    assert "2 errors found." in err


def _add_many_pages(site, count: int) -> None:
    pages = site / "content" / "pages" / "many"
    pages.mkdir()
    for number in range(count):
        directive = "::: comparison medical-massage therapeutic-massage rows=purpose\n" if number % 25 == 0 else ""
        pages.joinpath(f"page-{number:03d}.md").write_text(
            f"---\ntitle: Page {number}\ndescription: Page number {number}.\n---\n\n"
            f"## Section {number}\n\nSome *text* with \"quotes\" -- and a [link](/about/).\n\n"
            f"{directive}\n| a | b |\n| --- | --- |\n| {number} | x |\n",
            encoding="utf-8")


def test_parallel_conversion_and_rendering_give_the_same_site_as_one_process(tmp_path, monkeypatch):
    if not parallel.can_fork():
        pytest.skip("this platform converts in one process only")
    count = parallel.MIN_DOCUMENTS_FOR_WORKERS + 30
    parallel_site = copy_fixture_site(tmp_path / "parallel")
    serial_site = copy_fixture_site(tmp_path / "serial")
    for site in (parallel_site, serial_site):
        _add_many_pages(site, count)

    started = []  # how many items each worker was started for
    start_worker = parallel._start_worker

    def recording_start(function, items, next_chunk):
        started.append(len(items))
        return start_worker(function, items, next_chunk)

    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "_start_worker", recording_start)
    # Image caches of their own, so each build draws every share card itself.
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path / "parallel-cache"))
    assert run_build(parallel_site).code == 0
    # Loading the pages, Markdown, the pages and what the link check reads from them, then the share cards:
    # each stage on one worker beside this process.
    assert len(started) == 4 and all(count >= parallel.MIN_DOCUMENTS_FOR_WORKERS for count in started)

    monkeypatch.setattr(parallel, "MIN_DOCUMENTS_FOR_WORKERS", 10**9)
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path / "serial-cache"))
    assert run_build(serial_site).code == 0
    assert len(started) == 4
    assert snapshot(parallel_site / "output") == snapshot(serial_site / "output")


def _fork_or_skip(monkeypatch) -> None:
    if not parallel.can_fork():
        pytest.skip("this platform works in one process only")
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_work_shared_with_a_worker_comes_back_whole_and_in_order(monkeypatch):
    _fork_or_skip(monkeypatch)
    items = list(range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 2))

    def work(item):
        time.sleep(0.001)  # long enough for the worker to start before this process has done them all
        return item * item, f"text {item}", os.getpid()

    results = parallel.map_in_workers(work, items)
    assert [(square, text) for square, text, _ in results] == [(item * item, f"text {item}") for item in items]
    # This process worked through some of the items itself, a forked worker through the others.
    pids = {pid for *_, pid in results}
    assert os.getpid() in pids and len(pids) == 2
    assert all(_gone(pid) for pid in pids - {os.getpid()})


def test_what_a_worker_raises_reaches_the_caller_and_no_worker_is_left(monkeypatch, tmp_path):
    _fork_or_skip(monkeypatch)
    parent = os.getpid()
    pids = tmp_path / "pids"

    def fail_in_worker(item):
        if os.getpid() != parent:
            pids.write_text(str(os.getpid()))
            raise ValueError(f"item {item} is wrong")
        time.sleep(0.001)  # the worker starts before this process has done them all
        return item

    with pytest.raises(ValueError, match=r"item \d+ is wrong"):
        parallel.map_in_workers(fail_in_worker, range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 4))
    assert _gone(int(pids.read_text()))


def test_an_exception_that_does_not_pickle_is_still_reported(monkeypatch):
    _fork_or_skip(monkeypatch)
    parent = os.getpid()

    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("cannot pickle")

    def fail_in_worker(item):
        if os.getpid() != parent:
            raise Unpicklable("a worker's own kind of problem")
        time.sleep(0.001)
        return item

    with pytest.raises(RuntimeError, match="Unpicklable: a worker's own kind of problem"):
        parallel.map_in_workers(fail_in_worker, range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 4))


def test_with_no_worker_to_be_had_this_process_does_all_the_work(monkeypatch):
    _fork_or_skip(monkeypatch)

    def no_temporary_file():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel.tempfile, "TemporaryFile", no_temporary_file)
    items = range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 2)
    assert parallel.map_in_workers(lambda item: (item, os.getpid()), items) == [(item, os.getpid()) for item in items]


def test_a_worker_that_is_killed_is_reported_not_taken_for_done(monkeypatch):
    _fork_or_skip(monkeypatch)
    parent = os.getpid()

    def work(item):
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)
        time.sleep(0.001)
        return item

    with pytest.raises(RuntimeError, match="a worker process ended unexpectedly"):
        parallel.map_in_workers(work, range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 2))


def test_what_was_printed_before_the_workers_started_is_printed_once(tmp_path):
    if not parallel.can_fork():
        pytest.skip("this platform works in one process only")
    script = (
        "import os, time\n"
        "from sitegen import parallel\n"
        "parallel.worker_count = lambda: 2\n"
        "print('printed before')\n"  # to a pipe: held in this process's buffer
        "pids = set(pid for pid in parallel.map_in_workers(lambda item: time.sleep(0.001) or os.getpid(),"
        " range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 2)))\n"
        "print('processes', len(pids))\n")
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=buffered, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["printed before", "processes 2"]


def test_a_problem_in_this_process_stops_the_worker(monkeypatch, tmp_path):
    _fork_or_skip(monkeypatch)
    parent = os.getpid()
    pids = tmp_path / "pids"

    def work(item):
        if os.getpid() != parent:
            with pids.open("a") as file:
                file.write(f"{os.getpid()}\n")
            time.sleep(0.01)
            return item
        if item >= parallel.CHUNK_SIZE * 4:
            raise KeyError(item)
        time.sleep(0.01)
        return item

    with pytest.raises(KeyError):
        parallel.map_in_workers(work, range(parallel.MIN_DOCUMENTS_FOR_WORKERS * 4))
    assert pids.exists() and all(_gone(int(pid)) for pid in set(pids.read_text().split()))


def test_errors_found_in_worker_processes_are_reported(fixture_site, monkeypatch):
    if not parallel.can_fork():
        pytest.skip("this platform converts in one process only")
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    _add_many_pages(fixture_site, parallel.MIN_DOCUMENTS_FOR_WORKERS + 10)
    broken = fixture_site / "content" / "pages" / "many" / "page-077.md"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert code == 1
    line = broken.read_text(encoding="utf-8").splitlines().index("<script>alert(1)</script>") + 1
    assert f"content/pages/many/page-077.md:{line}: the HTML element <script> is not allowed" in err


@pytest.mark.parametrize("cache", [True, False])
def test_front_matter_problems_found_in_worker_processes_are_reported_in_order(fixture_site, monkeypatch, cache):
    if not parallel.can_fork():
        pytest.skip("this platform loads in one process only")
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    _add_many_pages(fixture_site, parallel.MIN_DOCUMENTS_FOR_WORKERS + 10)
    for number in (3, 150):  # one near the start, one near the end of the listing
        page = fixture_site / "content" / "pages" / "many" / f"page-{number:03d}.md"
        page.write_text(page.read_text(encoding="utf-8").replace("title: ", "titel: "), encoding="utf-8")
    code, _, err = run_build(fixture_site, *(() if cache else ("--no-cache",)))
    assert code == 1
    problems = [line for line in err.splitlines() if line.startswith("content/pages/many/")]
    assert [line.split(":")[0] for line in problems if "titel" in line] == [
        "content/pages/many/page-003.md", "content/pages/many/page-150.md"]


def test_structured_data_cannot_break_out_of_its_script(fixture_site):
    locations = fixture_site / "content" / "data" / "locations.yaml"
    text = locations.read_text(encoding="utf-8")
    first_name = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    hostile = "North </script><script>alert(1)</script>"
    locations.write_text(text.replace(first_name, f'{first_name.split("name:")[0]}name: "{hostile}"', 1),
                         encoding="utf-8")
    assert run_build(fixture_site).code == 0
    slug = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("- slug:"))
    page = (fixture_site / "output" / "locations" / slug / "index.html").read_text(encoding="utf-8")
    tree = parse(page)
    scripts = tree.find_all("script")
    assert [script.get("type") for script in scripts] == ["application/ld+json"]
    assert json.loads(scripts[0].text_content())["name"].endswith(hostile)


@pytest.mark.parametrize("markdown", [
    "![A photo](https://cdn.example.com/photo.jpg)",
    '<img src="//cdn.example.com/photo.jpg" alt="A photo">',
    '<video poster="http://cdn.example.com/still.jpg"></video>',
])
def test_content_cannot_load_files_from_other_sites(fixture_site, markdown):
    about = fixture_site / "content" / "pages" / "about.md"
    lines = about.read_text(encoding="utf-8").splitlines()
    about.write_text("\n".join(lines + ["", markdown, ""]), encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert f"content/pages/about.md:{len(lines) + 2}: <" in err
    assert "from another site; save the photo in content/images/" in err


def test_contrast_ratio_matches_wcag():
    from sitegen.config import contrast_ratio
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_brand_colours_that_would_be_hard_to_read_are_refused(fixture_site):
    config = fixture_site / "site_config.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("primary:"))
    indent = lines[number].split("primary:")[0]
    lines[number] = f'{indent}primary: "#9fc5c0"'
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert f"site_config.yaml:{number + 1}:{len(indent) + 10}: colors.primary: #9fc5c0 on " in err
    assert "too low for links on the page background; choose colours with at least 4.5:1 (WCAG AA)" in err
