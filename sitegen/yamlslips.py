"""Clearer messages for the YAML syntax errors editors make most.

The parser's own words ('mapping values are not allowed in this context',
'could not find expected :') describe its state, not the slip; these name
what the editor did and show the line as it should be: curly quotes from a
word processor, a list entry whose '- ' was left out, a key out of line, no
space after a colon, a quote never closed or closed early by an apostrophe.
"""
from __future__ import annotations

import re

import yaml

from .errors import SiteError

TYPOGRAPHIC_QUOTES = "“”‘’„‟«»"
TYPOGRAPHIC_MESSAGE = "the value is in typographic quotes (“ ” or ‘ ’), which YAML does not read as quotes"
_KEY_LINE = re.compile(r"^(\s*)([A-Za-z_][\w-]*):(?:\s|$)")
NEW_ENTRY = "this looks like a new entry", "start it with `- `, like the entries above"


def recognise_slip(text: str, exc: yaml.MarkedYAMLError, path: str, line_offset: int) -> SiteError | None:
    """A clearer message for the syntax errors editors make most, or None."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = text.split("\n")
    problem, context = exc.problem or "", exc.context or ""

    def line_at(index: int) -> str:
        return lines[index] if 0 <= index < len(lines) else ""

    source_line = line_at(mark.line)
    line = mark.line + 1 + line_offset
    key = _KEY_LINE.match(source_line)
    value = source_line[key.end():].lstrip() if key else source_line.lstrip()
    if value[:1] in TYPOGRAPHIC_QUOTES and value[:1]:  # the value opens with a curly quote
        return typographic_quotes_error(path, line, len(source_line) - len(value) + 1, source_line)
    quote = value[:1]
    inner = value[1:].rstrip()
    if quote in ("'", '"') and inner.endswith(quote) and quote in inner[:-1] and quote * 2 not in inner:
        # 'Don't wait': the apostrophe closed the quotes early.
        other = '"' if quote == "'" else "'"
        return SiteError(path, line, len(source_line) - len(value) + 1,
                         f"the {quote} inside this quoted value ends it early",
                         f"put the value in {other} quotes instead: {key.group(2) + ': ' if key else ''}"
                         f"{other}{inner[:-1]}{other}")
    opened = exc.context_mark
    if "quoted scalar" in context and opened is not None:
        quote = line_at(opened.line)[opened.column:opened.column + 1] or '"'
        return SiteError(path, opened.line + 1 + line_offset, opened.column + 1,
                         f"the quote {quote} opened here is never closed",
                         f"end the value with {quote} on the same line"
                         + (", and write an apostrophe inside it as ''" if quote == "'" else ""))
    if "could not find expected ':'" in problem and opened is not None:
        glued = _GLUED_KEY.match(line_at(opened.line))
        if glued:
            return SiteError(path, opened.line + 1 + line_offset, glued.end(2) + 1,
                             f"'{glued.group(2)}:' needs a space after the colon",
                             f"write '{glued.group(2)}: {glued.group(3).strip()}'")
    misplaced = key and ("expected '-' indicator" in problem or "did not find expected key" in problem
                         or ("mapping values are not allowed" in problem and mark.column == key.end(2)))
    if not misplaced:
        return None
    indent, name = len(key.group(1)), key.group(2)
    dash = _nearest_above(lines, mark.line, _DASH_LINE)
    if "expected '-' indicator" in problem and dash is not None and len(dash[1].group(1)) == indent:
        return SiteError(path, line, indent + 1, f"'{name}' is not part of the entry above: " + NEW_ENTRY[0],
                         NEW_ENTRY[1])
    above = _nearest_above(lines, mark.line, _ANY_KEY_LINE)
    if above is None:
        return None
    number, match = above
    wanted = len(match.group(1))
    if wanted == indent:
        return None
    return SiteError(path, line, indent + 1, f"'{name}' is not lined up with the key above it",
                     f"indent it with {wanted} space{'s' if wanted != 1 else ''}, like '{match.group(2)}' "
                     f"on line {number + 1 + line_offset}")


_GLUED_KEY = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(\S.*)$")
_DASH_LINE = re.compile(r"^(\s*)- ")
_ANY_KEY_LINE = re.compile(r"^((?:\s*- )?\s*)([A-Za-z_][\w-]*):(?:\s|$)")


def _nearest_above(lines: list[str], index: int, pattern: re.Pattern):
    """(line index, match) of the nearest line above `index` that matches, skipping blanks and comments."""
    for number in range(index - 1, -1, -1):
        stripped = lines[number].strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = pattern.match(lines[number])
        if match:
            return number, match
    return None


def typographic_quotes_error(path: str, line: int, column: int, source_line: str) -> SiteError:
    """Curly quotes pasted from a word processor are letters to YAML, not quotes."""
    key = _KEY_LINE.match(source_line)
    value = source_line[key.end():].strip() if key else source_line.strip()
    fixed = '"' + value.strip(TYPOGRAPHIC_QUOTES).replace('"', "'") + '"'
    example = f"{key.group(2)}: {fixed}" if key else fixed
    return SiteError(path, line, column, TYPOGRAPHIC_MESSAGE, f"type straight quotes instead: {example}")
