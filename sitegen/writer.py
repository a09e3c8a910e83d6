"""The only module that writes the site: into a fresh folder, then swapped in.

A build is written to a temporary folder beside output/ and renamed into
place, so a failed or interrupted build leaves the previous output/ as it was,
and files whose source was removed disappear with the old folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

STAGING_PREFIX = ".output-staging-"
RETIRED_PREFIX = ".output-old-"


class UnsafeOutput(Exception):
    """The output folder would overwrite something that is not a build result."""


def check_output_location(output: Path, root: Path) -> None:
    """Refuse output folders that would replace the sources or anything above them."""
    output, root = output.resolve(), root.resolve()
    if output == root or output in root.parents:
        raise UnsafeOutput(f"the output folder {output} contains the site itself; choose a folder such as {root / 'output'}")
    for protected in ("content", "templates", "static"):
        folder = root / protected
        if output == folder or folder in output.parents:
            raise UnsafeOutput(f"the output folder {output} is inside {protected}/; choose a folder such as {root / 'output'}")
    if output.is_dir() and any((output / marker).exists() for marker in ("site_config.yaml", "content", ".git")):
        raise UnsafeOutput(f"{output} holds a site or repository, not a build result; choose another output folder")


def write_site(output: Path, pages: dict[str, str], static_files: dict[str, Path]) -> None:
    """Write pages (output path -> HTML) and static files (output path -> source) atomically."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    _recover(output)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=output.parent))
    try:
        made_dirs = {staging}
        for relative, source in static_files.items():
            target = staging / relative
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            shutil.copyfile(source, target)
        for relative, text in pages.items():
            target = staging / relative
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            target.write_text(text, encoding="utf-8")
        os.chmod(staging, 0o755)
        _swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, output: Path) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f"{RETIRED_PREFIX}{os.getpid()}-", dir=output.parent))
    os.rmdir(retired)
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except BaseException:
        os.replace(retired, output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _recover(output: Path) -> None:
    """Tidy up after builds that were killed before they finished.

    A build killed between its two renames leaves no output/ but the previous
    site in a retired folder: put it back. Staging and retired folders of
    processes that are gone are removed.
    """
    for leftover in sorted(output.parent.glob(RETIRED_PREFIX + "*")) + sorted(output.parent.glob(STAGING_PREFIX + "*")):
        if _owner_alive(leftover.name):
            continue
        if leftover.name.startswith(RETIRED_PREFIX) and not output.exists():
            os.replace(leftover, output)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _owner_alive(name: str) -> bool:
    parts = name.split("-")  # .output-staging-<pid>-<random>
    pid_text = parts[2] if len(parts) > 3 else ""
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
