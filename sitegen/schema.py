"""Declared schemas for configuration, data files and front matter.

A schema is a tree of small validators. Each takes a positioned YAML node and
returns a plain Python value, or reports what is wrong (with the node's line
and column) and returns INVALID. Records report unknown keys with a
'did you mean' hint and missing required keys at the mapping's position.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .errors import ErrorCollector, did_you_mean
from .yamlsource import YamlProblem, YMap, YNode, YScalar, YSeq, parse_yaml, read_text

INVALID: Any = object()


@dataclass(slots=True)
class Context:
    """Where we are: the file for messages and the collector for problems."""

    path: str
    errors: ErrorCollector

    def report(self, node: YNode, where: str, message: str, hint: str = "") -> Any:
        prefix = f"{where}: " if where else ""
        self.errors.add(self.path, node.line, node.column, prefix + message, hint)
        return INVALID


def describe(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.value is None:
        return "nothing"
    return shown(node.text)


def shown(text: str, limit: int = 60) -> str:
    """`text` quoted for a message, shortened if long."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text)} characters)"


class Kind:
    """Base validator. `expected` is a short phrase for messages."""

    expected = "a value"

    def __call__(self, node: YNode, where: str, ctx: Context) -> Any:
        raise NotImplementedError


class Text(Kind):
    """Text as the editor wrote it; unquoted numbers, times and dates included."""

    expected = "text"

    def __init__(self, allow_empty: bool = False, pattern: str | None = None, expected: str | None = None, hint: str = ""):
        self.allow_empty = allow_empty
        self.pattern = re.compile(pattern) if pattern else None
        self.hint = hint
        if expected:
            self.expected = expected

    def __call__(self, node, where, ctx):
        if not isinstance(node, YScalar) or (node.plain and isinstance(node.value, bool)):
            return ctx.report(node, where, f"expected {self.expected}, found {describe(node)}", self.hint)
        text = node.text.strip() if node.plain else node.text
        if node.plain and node.value is None:
            text = ""
        if not text and not self.allow_empty:
            return ctx.report(node, where, f"is empty; expected {self.expected}", self.hint)
        if self.pattern and not self.pattern.fullmatch(text):
            return ctx.report(node, where, f"{shown(text)} is not {self.expected}", self.hint)
        return self.check(text, node, where, ctx)

    def check(self, text: str, node: YScalar, where: str, ctx: Context) -> Any:
        return text


class Slug(Text):
    def __init__(self):
        super().__init__(pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*", expected="a slug",
                         hint="use lowercase letters a-z, digits and single hyphens, e.g. 'deep-tissue'")


def web_address_problem(text: str) -> str:
    """Why `text` is not an absolute http(s) address a browser can open, or '' if it is one."""
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text):
        return "is not a web address"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises for a port that is not a number from 0 to 65535
    except ValueError as exc:
        return f"is not a valid web address ({exc})"
    if not parts.hostname or any(c in parts.netloc for c in "<>\"\\^`{|}"):
        return "has no valid host name"
    return ""


class Url(Text):
    """An absolute http(s) URL."""

    def __init__(self):
        super().__init__(expected="a web address", hint="write the full address starting with https://")

    def check(self, text, node, where, ctx):
        problem = web_address_problem(text)
        if problem:
            return ctx.report(node, where, f"{shown(text)} {problem}", self.hint)
        return text


class SitePath(Text):
    """A site-relative URL such as /services/ (no '..', no backslashes)."""

    def __init__(self):
        super().__init__(pattern=r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+/?)*(?:#[A-Za-z0-9_-]+)?",
                         expected="a site path", hint="start with / and use only letters, digits, '-', '_' and '/', e.g. /about-us/")

    def check(self, text, node, where, ctx):
        if any(part in ("..", ".") for part in text.split("#")[0].split("/")):
            return ctx.report(node, where, f"{text!r} may not contain '.' or '..' segments", self.hint)
        return text


class Email(Text):
    def __init__(self):
        super().__init__(pattern=r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", expected="an email address",
                         hint="for example clinic@example.com")


class PhoneNumber(Text):
    """A North American number: ten digits, optionally with +1, spaces, dots, dashes, brackets."""

    expected = "a phone number"

    def __init__(self):
        super().__init__(expected="a phone number", hint="write ten digits with the area code, e.g. (315) 555-0142")

    def check(self, text, node, where, ctx):
        if not re.fullmatch(r"[0-9()+.\-\s]+", text):
            return ctx.report(node, where, f"{text!r} is not a phone number", self.hint)
        digits = re.sub(r"\D", "", text)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            return ctx.report(node, where, f"{text!r} is not a phone number", self.hint)
        return digits


class HexColor(Text):
    def __init__(self):
        super().__init__(pattern=r"#(?:[0-9a-fA-F]{3}){1,2}", expected="a colour", hint="write it as #rrggbb, in quotes, e.g. \"#1d5c57\"")


class DateValue(Text):
    expected = "a date"

    def __init__(self):
        super().__init__(pattern=r"\d{4}-\d{2}-\d{2}", expected="a date", hint="write it as YYYY-MM-DD, e.g. 2026-11-02")

    def check(self, text, node, where, ctx):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return ctx.report(node, where, f"{text!r} is not a real date", self.hint)


class HoursRange(Text):
    """'09:00-17:30' or 'closed'; returns (opens, closes) or None."""

    def __init__(self):
        super().__init__(expected="opening hours", hint="write HH:MM-HH:MM in 24-hour time, e.g. 09:00-17:30, or closed")

    def check(self, text, node, where, ctx):
        if text.lower() == "closed":
            return None
        match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)", text)
        if not match:
            return ctx.report(node, where, f"{text!r} is not {self.expected}", self.hint)
        opens, closes = f"{match[1]}:{match[2]}", f"{match[3]}:{match[4]}"
        if closes <= opens:
            return ctx.report(node, where, f"{text!r} closes before it opens", self.hint)
        return (opens, closes)


class Choice(Text):
    def __init__(self, choices):
        self.choices = tuple(choices)
        super().__init__(expected="one of " + ", ".join(self.choices))

    def check(self, text, node, where, ctx):
        if text not in self.choices:
            return ctx.report(node, where, f"{text!r} is not {self.expected}", did_you_mean(text, self.choices))
        return text


class Boolean(Kind):
    expected = "true or false"

    def __call__(self, node, where, ctx):
        if isinstance(node, YScalar) and node.plain and isinstance(node.value, bool):
            return node.value
        return ctx.report(node, where, f"expected true or false, found {describe(node)}")


class Integer(Kind):
    expected = "a whole number"

    def __call__(self, node, where, ctx):
        if isinstance(node, YScalar) and node.plain and isinstance(node.value, int) and not isinstance(node.value, bool):
            return node.value
        return ctx.report(node, where, f"expected a whole number, found {describe(node)}")


class Number(Kind):
    expected = "a number"

    def __init__(self, minimum: float = -math.inf, maximum: float = math.inf):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, node, where, ctx):
        if isinstance(node, YScalar) and node.plain and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            try:
                value = float(node.value)
            except OverflowError:  # an integer beyond the range of a float
                value = math.inf
            if math.isfinite(value) and self.minimum <= value <= self.maximum:
                return value
            if math.isfinite(value):
                return ctx.report(node, where, f"{shown(node.text)} is out of range",
                                  f"give a number from {self.minimum:g} to {self.maximum:g}")
        return ctx.report(node, where, f"expected a number, found {describe(node)}")


class ListOf(Kind):
    def __init__(self, item: Kind, allow_empty: bool = False, unique: bool = False):
        self.item = item
        self.allow_empty = allow_empty
        self.unique = unique
        self.expected = f"a list of {item.expected}"

    def __call__(self, node, where, ctx):
        if not isinstance(node, YSeq):
            return ctx.report(node, where, f"expected {self.expected}, found {describe(node)}",
                              "write one item per line, each starting with '- '")
        if not node.items and not self.allow_empty:
            return ctx.report(node, where, "is an empty list; expected at least one item")
        values = []
        seen: dict[Any, int] = {}
        for index, item in enumerate(node.items):
            value = self.item(item, f"{where}[{index}]", ctx)
            if value is INVALID:
                continue
            if self.unique and isinstance(value, str):
                if value in seen:
                    ctx.report(item, f"{where}[{index}]", f"{value!r} is listed twice")
                    continue
                seen[value] = index
            values.append(value)
        return tuple(values)


class MapOf(Kind):
    """A mapping whose keys are validated by `key` and values by `value`."""

    def __init__(self, key: Kind, value: Kind):
        self.key = key
        self.value = value
        self.expected = "a mapping"

    def __call__(self, node, where, ctx):
        if not isinstance(node, YMap):
            return ctx.report(node, where, f"expected a mapping, found {describe(node)}")
        result = {}
        for name, (key_node, value_node) in node.items.items():
            key = self.key(key_node, f"{where}.{name}" if where else name, ctx)
            value = self.value(value_node, f"{where}.{name}" if where else name, ctx)
            if key is not INVALID and value is not INVALID:
                result[key] = value
        return result


@dataclass(slots=True)
class Field:
    """One key of a record: its validator, whether it is required, and what it is for."""

    kind: Kind
    doc: str
    required: bool = True
    default: Any = None


@dataclass(slots=True)
class Record(Kind):
    """A mapping with a fixed set of documented keys; unknown keys are errors."""

    fields: dict[str, Field]
    name: str = "mapping"
    check: Callable[[dict, YMap, str, Context], None] | None = field(default=None)

    @property
    def expected(self):  # type: ignore[override]
        return f"a {self.name}"

    def __call__(self, node, where, ctx):
        if not isinstance(node, YMap):
            return ctx.report(node, where, f"expected a {self.name} (key: value lines), found {describe(node)}")
        values: dict[str, Any] = {}
        ok = True
        misspelt: set[str] = set()  # known keys an unknown key probably meant
        for key, (key_node, value_node) in node.items.items():
            spec = self.fields.get(key)
            path = f"{where}.{key}" if where else key
            if spec is None:
                candidates = [name for name in self.fields if name not in node.items]
                hint = did_you_mean(key, candidates)
                if hint:
                    misspelt.add(hint.split("'")[1])
                ctx.report(key_node, where, f"unknown key '{key}'",
                           hint or "known keys: " + ", ".join(self.fields))
                ok = False
                continue
            value = spec.kind(value_node, path, ctx)
            if value is INVALID:
                ok = False
            else:
                values[key] = value
        for key, spec in self.fields.items():
            if key in values or key in node.items:
                continue
            if spec.required and key not in misspelt:
                ctx.report(node, where, f"missing required key '{key}' ({spec.doc})")
                ok = False
            else:
                values[key] = spec.default
        if not ok:
            return INVALID
        if self.check is not None:
            before = len(ctx.errors)
            self.check(values, node, where, ctx)
            if len(ctx.errors) != before:
                return INVALID
        return values


@dataclass(frozen=True, slots=True)
class Located:
    """A value that remembers where it was written, for cross-reference messages."""

    value: str
    line: int
    column: int


class SlugRef(Slug):
    """A slug that names another record; checked once all records are loaded."""

    def check(self, text, node, where, ctx):
        return Located(text, node.line, node.column)


@dataclass(frozen=True, slots=True)
class Item:
    """One record of a RecordList: its values (None if invalid) and its node."""

    index: int
    values: dict | None
    node: YNode


class RecordList(Kind):
    """A non-empty list of records, each validated on its own.

    Unlike ListOf it keeps invalid items (with values None) so callers can
    still see every item's position and slug.
    """

    def __init__(self, record: Record):
        self.record = record
        self.expected = f"a list of {record.name}s"

    def __call__(self, node, where, ctx):
        if not isinstance(node, YSeq):
            return ctx.report(node, where, f"expected {self.expected}, found {describe(node)}",
                              "start each entry with '- '")
        if not node.items:
            return ctx.report(node, where, "is an empty list; expected at least one entry")
        items = []
        for index, item_node in enumerate(node.items):
            values = self.record(item_node, f"{where}[{index}]", ctx)
            items.append(Item(index, None if values is INVALID else values, item_node))
        return items


def load_yaml_file(root: Path, rel: str, schema: Record, errors: ErrorCollector, missing_hint: str) -> dict | None:
    """Read, parse and validate one YAML file of the site; None (problems reported) if unusable."""
    try:
        raw = (root / rel).read_bytes()
    except FileNotFoundError:
        errors.add(rel, 0, 0, "file not found", missing_hint)
        return None
    except OSError as exc:
        errors.add(rel, 0, 0, f"cannot be read: {exc.strerror or exc}", "it must be a file you can open")
        return None
    try:
        node = parse_yaml(read_text(raw, rel), rel)
    except YamlProblem as problem:
        errors.extend([problem.error])
        return None
    if node is None:
        errors.add(rel, 1, 0, "file is empty", "see the README for what it holds")
        return None
    values = schema(node, "", Context(rel, errors))
    return None if values is INVALID else values


class Positioned(Kind):
    """Another validator's value, kept with where it was written (for checks made later)."""

    def __init__(self, kind: Kind):
        self.kind = kind
        self.expected = kind.expected

    def __call__(self, node, where, ctx):
        value = self.kind(node, where, ctx)
        return value if value is INVALID else Located(value, node.line, node.column)
