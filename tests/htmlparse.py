"""A small HTML tree for assertions, built with the standard library's html.parser.

    tree = parse(html_text)
    tree.find("h1").text_content()
    tree.find_all("a", href="/services/")
    tree.by_id("main")

Elements keep their tag, attributes (a dict; valueless attributes map to ''),
their own text and their children, in document order. Void elements never take
children, and an end tag closes the nearest open element of that name, so
slightly loose HTML still gives a sensible tree.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Iterator

VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
})


class Element:
    """One element: tag, attrs, children (elements) and parts (text and elements in order)."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None" = None, line: int = 0):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.line = line
        self.parts: list["str | Element"] = []

    def __repr__(self) -> str:
        attrs = "".join(f' {name}="{value}"' for name, value in self.attrs.items())
        return f"<{self.tag}{attrs}>"

    # Structure -----------------------------------------------------------

    @property
    def children(self) -> list["Element"]:
        return [part for part in self.parts if isinstance(part, Element)]

    @property
    def text(self) -> str:
        """The element's own text, not its descendants'."""
        return "".join(part for part in self.parts if isinstance(part, str))

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text_content(self) -> str:
        """All text inside, whitespace collapsed to single spaces."""
        return " ".join(self._raw_text().split())

    def _raw_text(self) -> str:
        return "".join(part if isinstance(part, str) else part._raw_text() for part in self.parts)

    def ancestors(self) -> Iterator["Element"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def iter(self) -> Iterator["Element"]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    # Queries ---------------------------------------------------------------

    def find_all(self, tag: str | None = None, class_: str | None = None, **attrs: str | bool) -> list["Element"]:
        """Descendants (not self) with this tag, class and attributes.

        An attribute value of True only requires the attribute to be present;
        use `aria_label=` etc. for names with hyphens (underscores become hyphens).
        """
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        found = []
        for element in self.iter():
            if element is self:
                continue
            if tag is not None and element.tag != tag:
                continue
            if class_ is not None and class_ not in element.classes():
                continue
            if all((name in element.attrs) if value is True else element.attrs.get(name) == value
                   for name, value in wanted.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, class_: str | None = None, **attrs) -> "Element | None":
        found = self.find_all(tag, class_, **attrs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> "Element | None":
        for element in self.iter():
            if element.attrs.get("id") == element_id:
                return element
        return None

    def ids(self) -> set[str]:
        return {element.attrs["id"] for element in self.iter() if "id" in element.attrs}

    def links(self) -> list[str]:
        """Every href of an <a> below this element, in order."""
        return [a.attrs["href"] for a in self.find_all("a") if "href" in a.attrs]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value if value is not None else "" for name, value in attrs},
                          self.stack[-1], self.getpos()[0])
        self.stack[-1].parts.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {name: value if value is not None else "" for name, value in attrs},
                          self.stack[-1], self.getpos()[0])
        self.stack[-1].parts.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return
        # A stray end tag: ignore it, as browsers do.

    def handle_data(self, data):
        self.stack[-1].parts.append(data)


def parse(html_text: str) -> Element:
    """Parse a document (or fragment) into a tree; returns the '#document' root."""
    builder = _TreeBuilder()
    builder.feed(html_text)
    builder.close()
    builder.root.attrs["doctype"] = builder.doctype
    return builder.root


def squash(text: str) -> str:
    """Collapse whitespace, for comparing visible text."""
    return re.sub(r"\s+", " ", text).strip()
