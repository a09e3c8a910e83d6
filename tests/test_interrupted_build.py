"""A build killed at any moment leaves the previous site or the new one, never a mix."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

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
