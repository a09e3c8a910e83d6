"""Markdown pages and articles: strict front matter, one Document each."""
from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from .collections import Collection
from .errors import ErrorCollector
from .models import Document
from .schema import INVALID, Boolean, Context, DateValue, Field, Integer, Record, SitePath, Text
from .yamlsource import YamlProblem, parse_yaml, read_text

TEMPLATE_NAME = Text(pattern=r"[a-z0-9_-]+", expected="a template name",
                     hint="give the file name in templates/ without .html, e.g. page")

PAGE_FRONT_MATTER = Record({
    "title": Field(Text(), "the page title, shown as its heading"),
    "description": Field(Text(), "one or two sentences for search results (the meta description)"),
    "template": Field(TEMPLATE_NAME, "the template in templates/ to render with", False, None),
    "draft": Field(Boolean(), "true keeps the page out of the site until it is ready", False, False),
    "date": Field(DateValue(), "publication date, YYYY-MM-DD; a page dated in the future is published on that day",
                  False, None),
    "expires": Field(DateValue(), "the last day the page is published, YYYY-MM-DD", False, None),
    "weight": Field(Integer(), "order among pages listed together; lower comes first", False, 0),
    "url": Field(SitePath(), "a URL to use instead of the one from the file name, e.g. /about-us/", False, None),
    "image": Field(SitePath(), "the page's photo in content/images/, e.g. /images/room.jpg (hero and share image)",
                   False, None),
    "image_alt": Field(Text(), "what the photo shows, for people who cannot see it ('decorative' if nothing)",
                       False, ""),
}, name="front matter")

ARTICLE_FRONT_MATTER = Record({
    **PAGE_FRONT_MATTER.fields,
    "date": Field(DateValue(), "publication date, YYYY-MM-DD (articles need one)"),
}, name="front matter")

_FILE_STEM = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def split_front_matter(text: str, rel: str, errors: ErrorCollector) -> tuple[str, str, int] | None:
    """Return (front matter, body, body's first line) or None after reporting why not."""
    if not text.startswith("---"):
        errors.add(rel, 1, 1, "missing front matter",
                   "start the file with a line '---', then title: and description:, then another '---'")
        return None
    first_newline = text.find("\n")
    if first_newline == -1 or text[:first_newline].rstrip() != "---":
        errors.add(rel, 1, 1, "the first line must be exactly '---'")
        return None
    closing = _FENCE.search(text, first_newline + 1)
    if closing is None:
        errors.add(rel, 1, 1, "front matter is not closed", "add a line '---' after the last front-matter key")
        return None
    front = text[first_newline + 1:closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return front, text[body_start:], body_line


def url_for_source(kind: Collection, relative: Path) -> str:
    """The URL a Markdown file gets from its path: the kind's item page pattern with
    {slug} (the file name) or {path} (the folders and file name; 'index' is the folder)."""
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "index":
        parts.pop()
    path = "/".join(parts)
    pattern = kind.item_page.url if kind.item_page else "/{path}/"
    url = pattern.format(slug=relative.stem, path=path)
    return url.replace("//", "/")


def load_document(kind: Collection, path: Path, root: Path, section: Path, errors: ErrorCollector,
                  raw: bytes | None = None) -> Document | None:
    """Read one Markdown file into a Document, reporting every front-matter problem.

    `raw`: the file's bytes, read already by the caller (which keys what it keeps by them).
    """
    rel = path.relative_to(root).as_posix()
    relative = path.relative_to(section)
    bad_parts = [part for part in relative.with_suffix("").parts if not _FILE_STEM.fullmatch(part)]
    if bad_parts:
        errors.add(rel, 0, 0, f"'{bad_parts[0]}' cannot be part of a URL",
                   "name files and folders with lowercase letters, digits and hyphens, e.g. first-visit.md")
        return None
    try:
        text = read_text(path.read_bytes() if raw is None else raw, rel)
    except YamlProblem as problem:
        errors.extend([problem.error])
        return None
    except OSError as exc:
        errors.add(rel, 0, 0, f"cannot be read: {exc.strerror or exc}", "check the file's permissions")
        return None
    split = split_front_matter(text, rel, errors)
    if split is None:
        return None
    front, body, body_line = split
    try:
        node = parse_yaml(front, rel, line_offset=1)
    except YamlProblem as problem:
        errors.extend([problem.error])
        return None
    if node is None:
        errors.add(rel, 2, 1, "front matter is empty", "give at least title: and description:")
        return None
    values = Record(kind.fields, name="front matter")(node, "", Context(rel, errors))
    if values is INVALID:
        return None
    if values.get("date") and values.get("expires") and values["expires"] < values["date"]:
        expires = node.items["expires"][1]
        errors.add(rel, expires.line, expires.column,
                   f"expires: {values['expires'].isoformat()} is before the page's date {values['date'].isoformat()}",
                   "the page would never be published; correct one of the dates")
        return None
    known = {name for name in PAGE_FRONT_MATTER.fields}
    return Document(
        kind=kind.item,
        source=rel,
        title=values["title"],
        description=values["description"],
        template=values["template"] or (kind.item_page.template if kind.item_page else kind.item),
        draft=values["draft"],
        date=values["date"],
        expires=values.get("expires"),
        weight=values["weight"],
        url=values["url"] or url_for_source(kind, relative),
        body_markdown=body,
        image=values["image"],
        image_alt=values["image_alt"],
        body_line=body_line,
        key_lines={key: key_node.line for key, (key_node, _) in node.items.items()},
        fields={name: value for name, value in values.items() if name not in known},
    )


def document_sections(kinds) -> list:
    """(collection, folder, file pattern) of each Markdown-folder collection."""
    return [(kind, kind.source, kind.pattern) for kind in kinds if kind.is_folder]


def matching_files(section: Path, pattern: str) -> list[Path]:
    """sorted(section.glob(pattern)), for the patterns collections use ('*.md', '**/*.md')."""
    return [Path(path) for path, _ in matching_paths(section, pattern)]


def matching_paths(section: Path, pattern: str) -> list[tuple[str, str]]:
    """(path, path inside `section` with '/') of what section.glob(pattern) finds, in its sorted order.

    Listed with os.scandir and kept as text: a large site's pages are listed
    several times faster than with pathlib.
    """
    recursive = pattern.startswith("**/")
    name_pattern = pattern[3:] if recursive else pattern
    if "/" in name_pattern:
        return [(str(path), path.relative_to(section).as_posix()) for path in sorted(section.glob(pattern))]
    found: list[tuple[str, ...]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(section), ())]
    while pending:
        folder, parts = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if recursive and entry.is_dir():
                        pending.append((entry.path, (*parts, entry.name)))
                    if fnmatch.fnmatchcase(entry.name, name_pattern):
                        found.append((*parts, entry.name))
        except OSError:
            continue  # gone since it was listed, as glob would skip it
    found.sort()  # the order of Path objects: part by part
    base = str(section)
    return [(os.path.join(base, *parts), "/".join(parts)) for parts in found]


def load_documents(root: Path, kinds, errors: ErrorCollector) -> list[Document]:
    """Every Markdown file of every folder collection (content/pages/**/*.md, content/articles/*.md)."""
    from .parallel import map_in_workers  # here: parallel.py needs markup.py, which needs this module

    files = []
    for kind, folder, pattern in document_sections(kinds):
        section = root / folder
        if section.is_dir():
            files += [(kind, path, section) for path in matching_files(section, pattern) if path.is_file()]

    def load(index: int) -> tuple[Document | None, list]:
        kind, path, section = files[index]
        found = ErrorCollector()
        return load_document(kind, path, root, section, found), found.errors

    documents = []
    for document, problems in map_in_workers(load, range(len(files))):  # on every core for a large site
        errors.extend(problems)
        if document is not None:
            documents.append(document)
    return documents


def listing_order(documents) -> list[Document]:
    """Documents in the order they are listed together (Hugo's default order).

    Lower weight first; documents without a weight (0) after all weighted
    ones; then newest first, then by title (Z to A, as dates are compared).
    """
    newest_first = sorted(documents, key=lambda d: (d.date is not None, d.date or 0, d.title), reverse=True)
    return sorted(newest_first, key=lambda d: (d.weight == 0, d.weight))
