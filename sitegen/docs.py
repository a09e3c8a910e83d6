"""The README's tables of content kinds and fields, derived from the declarations.

`python -m sitegen.docs` prints them and `python -m sitegen.docs --write`
puts them into README.md between its `<!-- begin: NAME -->` and
`<!-- end: NAME -->` markers; tests/test_collections.py checks that the README
holds exactly these, so the guide cannot drift from the code.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

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


def blocks(kinds: tuple[Collection, ...] = KINDS) -> dict[str, str]:
    """The README's generated blocks by marker name."""
    return {"content kinds": where_table(kinds),
            "content fields": "\n\n".join(field_table(kind) for kind in kinds if not kind.is_folder)}


def update_readme(text: str, kinds: tuple[Collection, ...] = KINDS) -> str:
    for name, block in blocks(kinds).items():
        pattern = re.compile(rf"(<!-- begin: {name} [^>]*-->\n).*?(\n<!-- end: {name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no '<!-- begin: {name} ... -->' ... '<!-- end: {name} -->' markers")
        text = pattern.sub(lambda match: match[1] + block + match[2], text)
    return text


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        readme = Path(__file__).resolve().parent.parent / "README.md"
        readme.write_text(update_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print("\n\n".join(all_tables()))
