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

from .errors import Problem, SiteError

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


class YamlProblem(Problem):
    """A source file that cannot be read as text or YAML."""


MAX_FLOW_DEPTH = 64
# Longer numbers are not something a site needs, and Python refuses to turn
# integers of more than 4300 digits into text (sys.get_int_max_str_digits).
MAX_NUMBER_LENGTH = 100


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
        problem = problem.replace("found unexpected end of stream", "the text ends before a quote or bracket is closed")
        problem = problem.replace("found unexpected document separator", "found a '---' or '...' line inside a value")
        problem = problem.replace("unexpected", "misplaced")  # "found unexpected ':'" -> "found misplaced ':'"
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


def _looks_numeric(text: str) -> bool:
    return bool(_INT10.match(text) or _INT8.match(text) or _INT16.match(text) or _FLOAT.match(text))


def _convert(node: yaml.Node, path: str, line_offset: int, seen: set[int]) -> YNode:
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
        if plain and len(node.value) > MAX_NUMBER_LENGTH and _looks_numeric(node.value):
            raise YamlProblem(SiteError(path, line, column, f"a number of {len(node.value)} characters is too long",
                                        f"write at most {MAX_NUMBER_LENGTH} digits, or put the value in quotes "
                                        "if it is text"))
        value = resolve_plain_scalar(node.value) if plain else node.value
        return YScalar(value, node.value, line, column, plain)
    if isinstance(node, yaml.SequenceNode):
        return YSeq([_convert(item, path, line_offset, seen) for item in node.value], line, column)
    items: dict[str, tuple[YScalar, YNode]] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, line_offset, seen)
        if not isinstance(key, YScalar):
            raise YamlProblem(SiteError(path, key.line, key.column, "a key must be a simple word, not a list or mapping"))
        name = key.text
        if name in items:
            first = items[name][0]
            raise YamlProblem(SiteError(
                path, key.line, key.column,
                f"duplicate key '{name}' (first given on line {first.line})",
                "keep one of them",
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
