"""The site's source folders: present, and nothing read through a link out of the site.

Everything a build reads and may publish (pages, articles, data, body files,
static files, templates) lies in content/, static/ and templates/. A symbolic
link there, at any depth, that leads outside the site folder, or into one of
its hidden folders (.git, .venv, .preview), is an error naming the link: a
build must never publish a file from elsewhere on the editor's computer.
Links that stay inside the site are followed as usual.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ErrorCollector

CONTENT_DIR = "content"
LINKED_FOLDERS = (CONTENT_DIR, "static", "templates")


def check_source_tree(root: Path, errors: ErrorCollector) -> None:
    """Report a missing content/ and every link in the sources that leads out of the site."""
    if not (root / CONTENT_DIR).is_dir():
        errors.add(f"{CONTENT_DIR}/", 0, 0, "the folder is missing" if not (root / CONTENT_DIR).exists()
                   else "this is a file, not a folder",
                   "create it, with pages/ and articles/ for Markdown and data/ for services.yaml, conditions.yaml "
                   "and locations.yaml (see the README), or pass --root with the site's folder")
    site = root.resolve()
    for folder in LINKED_FOLDERS:
        top = root / folder
        if top.is_symlink():
            _check_link(top, root, site, errors)
        if not top.is_dir() or (top.is_symlink() and not _inside(site, Path(os.path.realpath(top)))):
            continue
        for link in _links_below(top):
            _check_link(link, root, site, errors)


def _links_below(folder: Path) -> list[Path]:
    """Every symbolic link below `folder`, not following links (scandir knows links without a stat)."""
    links, pending = [], [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        links.append(Path(entry.path))
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
        except OSError:
            continue  # unreadable: the loaders report what they cannot read
    return sorted(links)


def _check_link(link: Path, root: Path, site: Path, errors: ErrorCollector) -> None:
    relative = link.relative_to(root).as_posix()
    target = Path(os.path.realpath(link))
    if link.name.startswith(".#") and not target.exists():
        return  # an editor's lock file (Emacs makes them as links that lead nowhere)
    if not _inside(site, target):
        errors.add(relative, 0, 0, f"is a symbolic link to {target}, outside the site folder",
                   "copy the file or folder into the site instead: nothing from outside the site folder is published")
    elif any(part.startswith(".") for part in target.relative_to(site).parts):
        errors.add(relative, 0, 0, f"is a symbolic link into {target.relative_to(site).as_posix()}, "
                                   "a hidden folder of the site",
                   "hidden folders (.git, .venv, .preview) are never published; copy the file instead")
    elif not target.exists():
        errors.add(relative, 0, 0, f"is a symbolic link to {target.relative_to(site).as_posix()}, which does not exist",
                   "fix the link or remove it")


def _inside(site: Path, target: Path) -> bool:
    return target == site or site in target.parents


def body_file_problem(root: Path, relative: str) -> tuple[str, str] | None:
    """Why content/`relative` cannot be a body_file, as (message, hint), or None if it can.

    The path must stay inside content/ as written; a link that leads out of
    content/ is named for what it is. Links out of the site are reported by
    check_source_tree, so None is returned for them here, to report them once.
    """
    content = root / CONTENT_DIR
    written = Path(os.path.normpath(content / relative))
    if not _inside(Path(os.path.normpath(content)), written):
        return (f"body_file '{relative}' is outside content/", "give a path inside content/, e.g. services/x.md")
    target = Path(os.path.realpath(written))
    if not _inside(root.resolve(), target):
        return None
    if not _inside(Path(os.path.realpath(content)), target):
        shown = target.relative_to(root.resolve()).as_posix()
        return (f"body_file 'content/{relative}' is a symbolic link to {shown}, outside content/",
                "a service's text must be a file in content/; copy it there instead of linking to it")
    return None
