"""`python build.py new KIND SLUG`: a new entry's skeleton, derived from its kind's declaration.

A data kind gets an entry appended to its YAML file (comments and the rest of
the file are kept as written), with every required key to fill in and the
optional ones as comments; a Markdown kind gets a new file with front matter.
The next build says which values are still missing.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .collections import Collection
from .errors import did_you_mean
from .schema import ListOf, Record

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ScaffoldProblem(Exception):
    """Why no entry was made; the message is for the editor."""


def find_kind(kinds: tuple[Collection, ...], name: str) -> Collection:
    for kind in kinds:
        if name in (kind.name, kind.item):
            return kind
    names = [kind.name for kind in kinds]
    raise ScaffoldProblem(f"there is no kind of content called '{name}'; "
                          + (did_you_mean(name, names) or "kinds: " + ", ".join(names)))


def entry_text(kind: Collection, slug: str, today: date) -> str:
    """The skeleton of one entry, as YAML list item lines (data kinds) or a Markdown file."""
    if kind.is_folder:
        lines = ["---"]
        for name, spec in kind.fields.items():
            if spec.required:
                lines.append(f"{name}: {today.isoformat() if name == 'date' else ''}".rstrip() + f"  # {spec.doc}")
        return "\n".join(lines + ["---", "", "Write the text here, in Markdown. Start sections with ##.", ""])
    lines = [f"  - slug: {slug}"]
    for name, spec in kind.fields.items():
        if name == "slug":
            continue
        if spec.required:
            empty = " []" if isinstance(spec.kind, ListOf) else ""
            lines.append(f"    {name}:{empty}  # {spec.doc}" + (": fill in its keys" if isinstance(spec.kind, Record) else ""))
        else:
            lines.append(f"    # {name}:  (optional) {spec.doc}")
    return "\n".join(lines) + "\n"


def create_entry(root: Path, kind: Collection, slug: str, today: date) -> str:
    """Add the skeleton; returns the file written, relative to the site. Never overwrites."""
    if not SLUG.fullmatch(slug):
        raise ScaffoldProblem(f"'{slug}' cannot be a slug; use lowercase letters a-z, digits and single hyphens, "
                              "e.g. first-visit")
    if kind.is_folder:
        relative = f"{kind.source}/{slug}.md"
        path = root / relative
        if path.exists():
            raise ScaffoldProblem(f"{relative} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:  # "x": fail rather than replace
            file.write(entry_text(kind, slug, today))
        return relative
    path = root / kind.source
    text = path.read_text(encoding="utf-8") if path.exists() else f"{kind.name}:\n"
    if re.search(rf"^\s*-\s*slug:\s*['\"]?{re.escape(slug)}['\"]?\s*(#.*)?$", text, re.MULTILINE):
        raise ScaffoldProblem(f"{kind.source} already has an entry with slug '{slug}'")
    top_level = re.findall(r"^([A-Za-z_][\w-]*)\s*:", text, re.MULTILINE)
    if not top_level or top_level[-1] != kind.name:
        raise ScaffoldProblem(f"{kind.source} does not end with its '{kind.name}:' list; add the entry by hand")
    separator = "" if text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    if text == f"{kind.name}:\n":
        separator = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + separator + entry_text(kind, slug, today), encoding="utf-8")
    return kind.source
