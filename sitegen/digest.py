"""Digests of values that are the same in every process that holds equal values.

The build cache keys what it keeps by what it was computed from. Python's own
hash() of a string differs from one process to the next, and so does the order
of a set, so a key kept on disk is a digest of the value's content instead:
type, fields and items, sets in sorted order. Only plain data is digested
(strings, numbers, dates, paths, tuples, lists, dicts, sets and dataclasses of
those, functions by their name); anything else raises Undigestible, and the
caller computes afresh what it cannot key.
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
    hasher = hashlib.blake2b(digest_size=20)
    for value in values:
        _feed(hasher, value, set())
    return hasher.hexdigest()


def _feed(hasher, value: object, active: set[int]) -> None:
    kind = type(value)
    if kind is str or isinstance(value, str):  # Markup too, told apart by its type name
        encoded = value.encode("utf-8", "surrogatepass")
        hasher.update(b"s%s%d:" % (kind.__name__.encode(), len(encoded)))
        hasher.update(encoded)
    elif value is None or kind is bool or kind is int or kind is float:
        hasher.update(b"v%s:%s;" % (kind.__name__.encode(), repr(value).encode()))
    elif kind is bytes:
        hasher.update(b"b%d:" % len(value))
        hasher.update(value)
    elif kind is date or kind is datetime:
        hasher.update(f"d{kind.__name__}:{value.isoformat()};".encode())
    elif kind in _CONTAINERS or _field_names(kind) is not None:
        if id(value) in active:  # a record that refers back to one that holds it
            raise Undigestible("a value that contains itself")
        active.add(id(value))
        try:
            _feed_container(hasher, value, kind, active)
        finally:
            active.discard(id(value))
    elif isinstance(value, PurePath):
        _feed(hasher, f"{kind.__name__}:{value}", active)
    elif isinstance(value, (FunctionType, BuiltinFunctionType, type)):
        # Code is not digested here: the cache's version covers the package's source.
        hasher.update(f"f{value.__module__}.{value.__qualname__};".encode())
    else:
        raise Undigestible(f"{kind.__module__}.{kind.__qualname__}")


_CONTAINERS = frozenset({tuple, list, dict, set, frozenset})


@functools.lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, in order; None for other types."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(spec.name for spec in dataclasses.fields(kind))


def _feed_container(hasher, value, kind: type, active: set[int]) -> None:
    if kind is tuple or kind is list:
        hasher.update(b"%s%d(" % (b"t" if kind is tuple else b"l", len(value)))
        for item in value:
            if type(item) is str:
                encoded = item.encode("utf-8", "surrogatepass")
                hasher.update(b"sstr%d:" % len(encoded))
                hasher.update(encoded)
            else:
                _feed(hasher, item, active)
    elif kind is dict:
        hasher.update(b"m%d(" % len(value))
        for key, item in value.items():
            _feed(hasher, key, active)
            _feed(hasher, item, active)
    elif kind is set or kind is frozenset:
        hasher.update(b"e%d(" % len(value))
        if all(type(item) is str for item in value):
            for item in sorted(value):
                _feed(hasher, item, active)
        else:
            for item_digest in sorted(digest(item) for item in value):
                hasher.update(item_digest.encode())
    else:
        hasher.update(_class_tag(kind))
        update = hasher.update
        for name in _field_names(kind):
            item = getattr(value, name)
            item_kind = type(item)
            # The commonest fields are fed here, without a call, exactly as _feed would feed them.
            if item_kind is str:
                encoded = item.encode("utf-8", "surrogatepass")
                update(b"sstr%d:" % len(encoded))
                update(encoded)
            elif item is None:
                update(b"vNoneType:None;")
            elif item_kind is bool:
                update(b"vbool:True;" if item else b"vbool:False;")
            elif item_kind is tuple and not item:
                update(b"t0()")
            else:
                _feed(hasher, item, active)
    hasher.update(b")")


@functools.lru_cache(maxsize=None)
def _class_tag(kind: type) -> bytes:
    return f"c{kind.__module__}.{kind.__qualname__}(".encode()
