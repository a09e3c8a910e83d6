"""Digests of values that are the same in every process that holds equal values.

The build cache keys what it keeps by what it was computed from. Python's own
hash() of a string differs from one process to the next, and so does the order
of a set, so a key kept on disk is a digest of the value's content instead:
type, fields and items, sets in sorted order. Only plain data is digested
(strings, numbers, dates, paths, tuples, lists, dicts, sets and dataclasses of
those, functions by their name, nested at most MAX_DEPTH deep); anything
else raises Undigestible, and the caller computes afresh what it cannot key.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
from datetime import date, datetime
from pathlib import PurePath
from types import BuiltinFunctionType, FunctionType


class Undigestible(Exception):
    """A value the digest cannot stand for: what depends on it is not reused."""


def digest(*values: object) -> str:
    """A hex digest of `values`, equal across processes exactly when the values are equal (see above)."""
    parts: list[bytes] = []  # joined and hashed once: one hasher call per value costs more than the hashing
    for value in values:
        _feed(parts, value, 0)
    return hashlib.blake2b(b"".join(parts), digest_size=20).hexdigest()


# A value nested deeper than this is taken for one that contains itself (a record that refers back to
# one that holds it): counting the depth costs less than remembering every container on the way down.
MAX_DEPTH = 100


def _feed(parts: list[bytes], value: object, depth: int) -> None:
    kind = type(value)
    if kind is str:
        encoded = value.encode("utf-8", "surrogatepass")
        parts += (b"sstr%d:" % len(encoded), encoded)
    elif isinstance(value, str):  # Markup too, told apart by its type name
        encoded = value.encode("utf-8", "surrogatepass")
        parts += (b"s%s%d:" % (kind.__name__.encode(), len(encoded)), encoded)
    elif value is None:
        parts.append(b"vNoneType:None;")
    elif kind is bool:
        parts.append(b"vbool:True;" if value else b"vbool:False;")
    elif kind is int:
        parts.append(b"vint:%d;" % value)
    elif kind is float:
        parts.append(b"vfloat:%s;" % repr(value).encode())
    elif kind is bytes:
        parts += (b"b%d:" % len(value), value)
    elif kind is date or kind is datetime:
        parts.append(f"d{kind.__name__}:{value.isoformat()};".encode())
    elif kind in _CONTAINERS or _field_names(kind) is not None:
        if depth >= MAX_DEPTH:
            raise Undigestible("a value that contains itself, or is nested too deep")
        _feed_container(parts, value, kind, depth + 1)
    elif isinstance(value, PurePath):
        _feed(parts, f"{kind.__name__}:{value}", depth)
    elif isinstance(value, (FunctionType, BuiltinFunctionType, type)):
        # Code is not digested here: the cache's version covers the package's source.
        parts.append(f"f{value.__module__}.{value.__qualname__};".encode())
    else:
        raise Undigestible(f"{kind.__module__}.{kind.__qualname__}")


_CONTAINERS = frozenset({tuple, list, dict, set, frozenset})


@functools.lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, in order; None for other types."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(spec.name for spec in dataclasses.fields(kind))


def _feed_container(parts: list[bytes], value, kind: type, depth: int) -> None:
    # The commonest items (strings, None, numbers) are fed here, without a call, exactly as _feed feeds them.
    append = parts.append
    if kind is tuple or kind is list:
        append(b"%s%d(" % (b"t" if kind is tuple else b"l", len(value)))
        for item in value:
            if type(item) is str:
                encoded = item.encode("utf-8", "surrogatepass")
                parts += (b"sstr%d:" % len(encoded), encoded)
            else:
                _feed(parts, item, depth)
    elif kind is dict:
        append(b"m%d(" % len(value))
        for key, item in value.items():
            if type(key) is str:
                encoded = key.encode("utf-8", "surrogatepass")
                parts += (b"sstr%d:" % len(encoded), encoded)
            else:
                _feed(parts, key, depth)
            if type(item) is int:
                append(b"vint:%d;" % item)
            else:
                _feed(parts, item, depth)
    elif kind is set or kind is frozenset:
        append(b"e%d(" % len(value))
        if all(type(item) is str for item in value):
            for item in sorted(value):
                _feed(parts, item, depth)
        else:
            for item_digest in sorted(digest(item) for item in value):
                append(item_digest.encode())
    else:
        append(_class_tag(kind))
        for name in _field_names(kind):
            item = getattr(value, name)
            item_kind = type(item)
            if item_kind is str:
                encoded = item.encode("utf-8", "surrogatepass")
                parts += (b"sstr%d:" % len(encoded), encoded)
            elif item is None:
                append(b"vNoneType:None;")
            elif item_kind is int:
                append(b"vint:%d;" % item)
            elif item_kind is bool:
                append(b"vbool:True;" if item else b"vbool:False;")
            elif item_kind is tuple and not item:
                append(b"t0()")
            else:
                _feed(parts, item, depth)
    append(b")")


@functools.lru_cache(maxsize=None)
def _class_tag(kind: type) -> bytes:
    return f"c{kind.__module__}.{kind.__qualname__}(".encode()
