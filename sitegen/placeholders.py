"""Example values that must not be published by accident.

The demo content is full of fictional contact data, as it should be. Each
such value is a warning naming its file, line and column: the build goes on,
`--strict` makes it fail. Recognised:

- phone numbers 555-0100 to 555-0199, the range reserved for fiction in North
  America, in any usual form: (315) 555-0142, 315.555.0142, +1 315 555 0142;
- addresses at the reserved example domains (RFC 2606): example.com,
  example.org, example.net and their subdomains, in web addresses and email
  addresses alike, and host names ending in .example;
- "Lorem ipsum" filler text;
- the marker `EXAMPLE VALUE` in a comment after a value in a YAML file
  (`street_address: 100 Example Road  # EXAMPLE VALUE`), or anywhere in a
  Markdown file, for fictional values no pattern can recognise.

Only what is published is scanned: values, not comment-only lines, and
neither draft nor scheduled pages in a normal build.
"""
from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

from .errors import PLACEHOLDER, SiteError, WARNING
from .yamlsource import YamlProblem, read_text

MARKER = "EXAMPLE VALUE"

_PHONE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)[\s.-]?|\d{3}[\s.-]?)?555[\s.-]?01\d\d(?![\d-])")
_DOMAIN = re.compile(r"(?<![\w.-])(?:[\w-]+@)?(?:[a-z0-9-]+\.)*(?:example\.(?:com|org|net)|[a-z0-9-]+\.example)\b",
                     re.IGNORECASE)
_YAML_COMMENT = re.compile(r"(?:^|\s)#")
_BLOCK_SCALAR = re.compile(r"^(\s*(?:- )?)[\w-]+:\s*[|>][+-]?\s*(?:#.*)?$")
_FILLER = re.compile(r"\blorem ipsum\b", re.IGNORECASE)
_HINT = "replace it with the real value before publishing"


def scan_sources(root: Path, sources: list[str], cache: dict | None = None,
                 found: dict[str, list[SiteError]] | None = None) -> list[SiteError]:
    """Warnings for every source file (paths relative to `root`) that can be read.

    `cache` (path -> (file signature, when read, text, warnings)), when given,
    holds the results of the previous call and is left holding this call's:
    the preview reads again only the files whose signature changed. `found`
    holds the warnings of sources scanned already in this build, from the
    bytes their loader read: those are not read again.
    """
    previous = cache.copy() if cache is not None else {}
    if cache is not None:
        cache.clear()
    folder = str(root)
    warnings = []
    for source in sources:
        if found is not None and source in found:
            warnings.extend(found[source])
            continue
        path = os.path.join(folder, source)
        known = previous.get(source)
        signature = _signature(path) if cache is not None else None
        if known is not None and _unchanged(signature, known[0], known[1]):
            cache[source] = known
            warnings.extend(known[3])
            continue
        checked = time.time_ns()
        try:
            with open(path, "rb") as file:
                text = read_text(file.read(), source)
        except (OSError, YamlProblem):
            continue  # the loaders report files they cannot read
        scanned = known[3] if known is not None and known[2] == text else scan(source, text)
        if cache is not None:
            cache[source] = (signature, checked, text, scanned)
        warnings.extend(scanned)
    return warnings


# A file's size, times and inode change whenever its content does; but file
# times tick coarsely, so a signature proves a file unchanged only when it was
# last changed well before it was read (as Git does for its index).
RACY_NS = 1_000_000_000


def _signature(path: str) -> tuple | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def _unchanged(signature: tuple | None, known: tuple | None, checked: int) -> bool:
    return signature is not None and signature == known and max(signature[1], signature[2]) < checked - RACY_NS


def scan(path: str, text: str) -> list[SiteError]:
    """Warnings for the example values in one source file (YAML or Markdown)."""
    is_yaml = path.endswith((".yaml", ".yml"))
    warnings = []
    # Only lines that hold '555' or 'example' can hold an example value (a plain
    # substring test is many times faster than the patterns; most files have neither).
    lowered = text.lower()
    if "555" not in text and "example" not in lowered and "lorem ipsum" not in lowered:
        return []
    block_indent = None  # inside a YAML block scalar (`body: |`): the indentation of its key
    for number, line in enumerate(text.split("\n"), start=1):
        if is_yaml:
            indent = len(line) - len(line.lstrip())
            if block_indent is not None and line.strip() and indent <= block_indent:
                block_indent = None
            in_block = block_indent is not None
            opener = _BLOCK_SCALAR.match(line)
            if opener and not in_block:
                block_indent = len(opener.group(1))
        if "555" not in line and "example" not in line.lower() and "lorem ipsum" not in line.lower():
            continue
        if is_yaml and not in_block:
            value, comment = _split_comment(line)
        else:  # Markdown, or Markdown inside YAML: every character is published
            value, comment = line, line
        warning = _scan_line(path, number, value, comment)
        if warning is not None:
            warnings.append(warning)
    return warnings


def _split_comment(line: str) -> tuple[str, str]:
    """(value part, comment) of a YAML line. A '#' inside quotes is rare enough
    in this site's files to be taken for a comment: the value is still scanned
    up to there."""
    match = _YAML_COMMENT.search(line)
    if match is None:
        return line, ""
    return line[:match.start()], line[match.end():]


def _scan_line(path: str, number: int, value: str, marker_text: str) -> SiteError | None:
    """One warning per line at most: the most specific reason wins."""
    phone = _PHONE.search(value)
    if phone:
        return _warning(path, number, phone.start() + 1,
                        f"'{phone.group().strip()}' is a fictional phone number "
                        "(555-0100 to 555-0199 are reserved for examples)")
    domain = _DOMAIN.search(value)
    if domain:
        found = domain.group()
        what = "email address" if "@" in found else "address"
        start = domain.start()
        url = re.search(r"https?://\S*$", value[:domain.end()])
        shown = value[url.start():].split()[0] if url else found
        if url:
            start = url.start()
        shown = shown.rstrip("\"',)")
        return _warning(path, number, start + 1,
                        f"'{shown}' is an example {what} ({_host(found)} is reserved for examples)")
    filler = _FILLER.search(value)
    if filler:
        return _warning(path, number, filler.start() + 1, "'Lorem ipsum' is filler text",
                        "write the real text before publishing")
    if MARKER in marker_text and value.strip():
        column = len(value) - len(value.lstrip()) + 1
        shown = value.strip() if len(value.strip()) <= 60 else value.strip()[:57] + "..."
        return _warning(path, number, column, f"'{shown}' is marked {MARKER}",
                        f"{_HINT}, and remove the marker")
    return None


def _host(found: str) -> str:
    host = found.split("@")[-1].lower()
    parts = host.split(".")
    return ".".join(parts[-2:])


def _warning(path: str, line: int, column: int, message: str, hint: str = _HINT) -> SiteError:
    return SiteError(path, line, column, message, hint, WARNING, PLACEHOLDER)
