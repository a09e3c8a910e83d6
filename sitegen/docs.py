"""The README's tables of content kinds and fields, derived from the declarations.

`python -m sitegen.docs` prints them; tests/test_collections.py checks that
the README holds exactly these, so the guide cannot drift from the code.
"""
from __future__ import annotations

from .collections import Collection
from .kinds import KINDS
from .schema import Field


def where_table(kinds: tuple[Collection, ...] = KINDS) -> str:
    """The "Where things are" rows of the content kinds."""
    lines = ["| what | where | becomes |", "| --- | --- | --- |"]
    for kind in kinds:
        source = f"`{kind.source}/{kind.pattern}`" if kind.is_folder else f"`{kind.source}`"
        pages = []
        if kind.list_page:
            pages.append(f"`{kind.list_page.url}`")
        if kind.item_page:
            pages.append(f"`{kind.item_page.url}`")
        lines.append(f"| {kind.name}: {kind.doc} | {source} | {', '.join(pages) or 'shown on other pages'} |")
    return "\n".join(lines)


def field_table(kind: Collection) -> str:
    """One row per field: key, required, what it holds."""
    lines = [f"Fields of {kind.name} (`{kind.source}`):", "", "| key | required | meaning |", "| --- | --- | --- |"]
    for name, spec in kind.fields.items():
        lines.append(f"| `{name}` | {_required(spec)} | {spec.doc} |")
    notes = [f"`{ref.field}` names {ref.to} by slug" + (f" (each lists it under `{ref.back}`)" if ref.back else "")
             for ref in kind.references]
    if notes:
        lines += ["", "References: " + "; ".join(notes) + "."]
    return "\n".join(lines)

def _required(spec: Field) -> str:
    if spec.required:
        return "yes"
    default = spec.default
    if default in (None, "", (), {}):
        return "no"
    return f"no (default `{str(default).lower() if isinstance(default, bool) else default}`)"


def all_tables(kinds: tuple[Collection, ...] = KINDS) -> list[str]:
    return [where_table(kinds)] + [field_table(kind) for kind in kinds if not kind.is_folder]


if __name__ == "__main__":
    print("\n\n".join(all_tables()))
