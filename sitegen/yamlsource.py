"""Read YAML the way an editor wrote it: YAML 1.2 core-schema rules, positions kept.

PyYAML implements YAML 1.1, where `10:30` is the number 630, `NO` is False and
`01234` is octal. We let PyYAML (its C parser when available) build the node
tree only, with no implicit typing, and resolve plain scalars ourselves with
the YAML 1.2 core schema. Every value keeps its line and column, and plain
scalars keep their source text, so a field declared as text gets exactly what
the editor typed (`postal_code: 01234` stays '01234').
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Union

import yaml

from .errors import SiteError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UntypedLoader(_BaseLoader):
    """A loader that tags every plain scalar as a string; we type them."""

    yaml_implicit_resolvers: dict = {}


@dataclass(slots=True)
class YScalar:
    value: object  # str, int, float, bool or None after core-schema resolution
    text: str  # the scalar as written
    line: int
    column: int
    plain: bool  # unquoted, so its type came from its shape


@dataclass(slots=True)
class YSeq:
    items: list["YNode"]
    line: int
    column: int


@dataclass(slots=True)
class YMap:
    # key text -> (key scalar, value node), in source order
    items: dict[str, tuple[YScalar, "YNode"]]
    line: int
    column: int


YNode = Union[YScalar, YSeq, YMap]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def resolve_plain_scalar(text: str) -> object:
    """Type a plain (unquoted) scalar by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT10.match(text):
        return int(text, 10)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


class YamlProblem(Exception):
    def __init__(self, error: SiteError):
        super().__init__(str(error))
        self.error = error


MAX_FLOW_DEPTH = 64


def parse_yaml(text: str, path: str, line_offset: int = 0) -> YNode | None:
    """Parse one YAML document into positioned nodes; None for an empty document.

    Raises YamlProblem with the file and line of the first syntax error,
    duplicate key or unsupported construct.
    """
    _check_flow_depth(text, path, line_offset)
    try:
        root = yaml.compose(text, Loader=_UntypedLoader)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise YamlProblem(SiteError(path, line, 0, f"the character U+{ord(character):04X} is not allowed in YAML",
                                    "delete it; it is usually an invisible control character pasted by accident")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        column = mark.column + 1 if mark else 0
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        recognised = _recognise_slip(text, exc, path, line_offset)
        if recognised is not None:
            raise YamlProblem(recognised) from None
        hint = ""
        if "tab" in problem or "'\\t'" in problem:
            hint = "indent with spaces; YAML does not allow tabs"
        elif "mapping values are not allowed" in problem:
            hint = "a value that contains ': ' must be put in quotes"
        raise YamlProblem(SiteError(path, line, column, f"YAML syntax error: {problem}", hint)) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise YamlProblem(SiteError(path, 1 + line_offset, 0, f"YAML error: {message}")) from None
    except RecursionError:
        raise YamlProblem(SiteError(path, 1 + line_offset, 0, "the YAML is nested too deeply")) from None
    if root is None:
        return None
    try:
        return _convert(root, path, line_offset, set())
    except RecursionError:
        raise YamlProblem(SiteError(path, 1 + line_offset, 0, "the YAML is nested too deeply")) from None


TYPOGRAPHIC_QUOTES = "“”‘’„‟«»"
TYPOGRAPHIC_MESSAGE = "the value is in typographic quotes (“ ” or ‘ ’), which YAML does not read as quotes"
_KEY_LINE = re.compile(r"^(\s*)([A-Za-z_][\w-]*):(?:\s|$)")
NEW_ENTRY = "this looks like a new entry", "start it with `- `, like the entries above"


def _recognise_slip(text: str, exc: yaml.MarkedYAMLError, path: str, line_offset: int) -> SiteError | None:
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


def _check_flow_depth(text: str, path: str, line_offset: int) -> None:
    """Refuse absurdly nested [ ] / { } before the parser recurses into them."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                line = text.count("\n", 0, index) + 1 + line_offset
                raise YamlProblem(SiteError(path, line, 0, f"lists or mappings are nested more than {MAX_FLOW_DEPTH} deep",
                                            "simplify the structure"))
        elif char in "]}":
            depth = max(0, depth - 1)


def _convert(node: yaml.Node, path: str, line_offset: int, seen: set[int], in_list: bool = False) -> YNode:
    line = node.start_mark.line + 1 + line_offset
    column = node.start_mark.column + 1
    # The composer hands back the same node object for every *alias of an &anchor.
    if id(node) in seen:
        raise YamlProblem(SiteError(path, line, column, "anchors and aliases (&name, *name) are not supported",
                                    "write the value out in full where it is needed"))
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style  # the C parser says "", the Python one None
        if node.tag not in ("tag:yaml.org,2002:str", "!"):
            raise YamlProblem(SiteError(path, line, column, f"YAML tags such as '{node.tag}' are not supported", "remove the tag"))
        value = resolve_plain_scalar(node.value) if plain else node.value
        return YScalar(value, node.value, line, column, plain)
    if isinstance(node, yaml.SequenceNode):
        return YSeq([_convert(item, path, line_offset, seen, in_list=True) for item in node.value], line, column)
    items: dict[str, tuple[YScalar, YNode]] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, line_offset, seen)
        if not isinstance(key, YScalar):
            raise YamlProblem(SiteError(path, key.line, key.column, "a key must be a simple word, not a list or mapping"))
        name = key.text
        if name in items:
            first = items[name][0]
            if in_list and name == next(iter(items)):  # the entry's first key again: a '- ' was left out
                raise YamlProblem(SiteError(path, key.line, key.column, f"'{name}' is given a second time in one "
                                            f"entry (first on line {first.line}): " + NEW_ENTRY[0], NEW_ENTRY[1]))
            raise YamlProblem(SiteError(
                path, key.line, key.column,
                f"duplicate key '{name}' (first given on line {first.line})",
                "if this line starts a new entry, start it with `- `; otherwise keep one of them" if in_list
                else "keep one of them",
            ))
        items[name] = (key, _convert(value_node, path, line_offset, seen))
    return YMap(items, line, column)


def read_text(raw: bytes, path: str) -> str:
    """Decode a source file as UTF-8, naming the line of the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(SiteError(
            path, line, 0, "this file is not UTF-8 text",
            "save it with UTF-8 encoding in your editor",
        )) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")
