"""The one place the Markdown converter and its extensions are set up.

Besides the standard extensions, ComponentExtension adds:
- directives: a line such as `::: comparison medical-massage therapeutic-massage`
  becomes a component rendered by a callback (a block processor);
- safety checks: raw HTML with script/style/iframe/object/embed elements or
  on* attributes, and links to javascript: and other non-web schemes, are
  errors naming the file and line (unless the site allows unsafe HTML).
"""
from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as etree
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

import markdown
from markdown.extensions.toc import TocExtension
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .errors import SiteError
from .models import MarkdownOptions, TocEntry

DIRECTIVE_LINE = re.compile(r"^:::[ \t]*(\S*)[ \t]*(.*?)[ \t]*$")
FORBIDDEN_ELEMENTS = frozenset({"script", "style", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "meta", "link"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "srcset", "xlink:href", "data"})
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
EMBED_ATTRIBUTES = frozenset({"src", "srcset", "poster", "data"})  # attributes that load, not link
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Directive:
    """A parsed directive line: `::: name arg arg key=value`."""

    name: str
    arguments: tuple[str, ...]
    options: dict[str, str]
    line: int


class DirectiveError(Exception):
    """Raised by a component renderer for a directive it cannot render."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(slots=True)
class MarkdownResult:
    html: str
    toc: tuple[TocEntry, ...]
    errors: list[SiteError] = field(default_factory=list)


def unsafe_url(url: str) -> bool:
    """True for a URL with a scheme other than http(s), mailto or tel."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    match = _SCHEME.match(cleaned)
    return bool(match) and match.group(1).lower() not in ALLOWED_SCHEMES


class _PageState:
    """Per-conversion state shared by the extension's processors."""

    def __init__(self):
        self.reset("", "", 1)

    def reset(self, source: str, text: str, first_line: int) -> None:
        self.source = source
        self.text = text
        self.first_line = first_line
        self.directive_lines: deque[int] = deque()
        self.component_stash: set[int] = set()
        self.errors: list[SiteError] = []

    def line_of(self, needle: str) -> int:
        """Best source line for a problem: where `needle` first appears."""
        index = self.text.find(needle) if needle else -1
        if index < 0:
            return self.first_line
        return self.first_line + self.text.count("\n", 0, index)

    def report(self, line: int, message: str, hint: str = "") -> None:
        self.errors.append(SiteError(self.source, line, 0, message, hint))


class _DirectiveLineScanner(Preprocessor):
    """Notes the line of each directive (outside code fences) before other
    preprocessors reflow the text, so the block processor can name it."""

    def __init__(self, md, state: _PageState):
        super().__init__(md)
        self.state = state

    def run(self, lines):
        fence = None
        for number, line in enumerate(lines):
            opener = _FENCE_OPEN.match(line)
            if fence:
                if opener and line.strip().startswith(fence):
                    fence = None
            elif opener:
                fence = opener.group(1)
            elif line.startswith(":::"):
                self.state.directive_lines.append(self.state.first_line + number)
        return lines


class _DirectiveProcessor(BlockProcessor):
    def __init__(self, parser, state: _PageState, render: Callable[[Directive], str]):
        super().__init__(parser)
        self.state = state
        self.render = render

    def test(self, parent, block):
        return block.startswith(":::") or "\n:::" in block

    def run(self, parent, blocks):
        block = blocks.pop(0)
        # A directive may be glued to the text above or below it: split it out.
        start = 0 if block.startswith(":::") else block.index("\n:::") + 1
        before, rest = block[:start], block[start:]
        first, _, after = rest.partition("\n")
        if before.strip():
            self.parser.parseBlocks(parent, [before.rstrip("\n")])
        if after.strip():
            blocks.insert(0, after)
        line = self.state.directive_lines.popleft() if self.state.directive_lines else self.state.line_of(first)
        html = self._render(first, line)
        if html:
            stash = self.parser.md.htmlStash
            placeholder = stash.store(html)
            self.state.component_stash.add(stash.html_counter - 1)
            etree.SubElement(parent, "p").text = placeholder

    def _render(self, text: str, line: int) -> str:
        match = DIRECTIVE_LINE.match(text)
        name = match.group(1) if match else ""
        if not name:
            self.state.report(line, "a directive needs a name after ':::'",
                              "for example '::: call-to-action'; see the README for the list")
            return ""
        try:
            words = shlex.split(match.group(2))
        except ValueError as exc:
            self.state.report(line, f"malformed directive '{text.strip()}': {exc}", "check the quotes")
            return ""
        arguments = tuple(word for word in words if "=" not in word)
        options = dict(word.split("=", 1) for word in words if "=" in word)
        try:
            return self.render(Directive(name, arguments, options, line))
        except DirectiveError as problem:
            self.state.report(line, f"directive '{name}': {problem.message}", problem.hint)
            return ""


class _SafetyTreeprocessor(Treeprocessor):
    """Checks attributes Markdown itself produced (links, images, attr_list)."""

    def __init__(self, md, state: _PageState):
        super().__init__(md)
        self.state = state

    def run(self, root):
        for element in root.iter():
            for name, value in element.attrib.items():
                _check_attribute(self.state, element.tag, name, value)


def _check_attribute(state: _PageState, tag: str, name: str, value: str | None) -> None:
    lowered = name.lower()
    if lowered.startswith("on"):
        state.report(state.line_of(name + "="), f"the attribute '{name}' on <{tag}> is not allowed",
                     "event attributes run scripts; remove it")
    elif lowered == "style" and value and re.search(r"url\s*\(|expression\s*\(", value, re.I):
        state.report(state.line_of(value), f"the style on <{tag}> loads a resource", "remove url(...) from it")
    elif lowered in URL_ATTRIBUTES and value and unsafe_url(value):
        scheme = _SCHEME.match(re.sub(r"[\x00-\x20]", "", value)).group(1)
        state.report(state.line_of(value[:40]), f"the link '{value[:60]}' uses the scheme '{scheme}:'",
                     "links may only use http(s), mailto, tel or a path on this site")
    elif lowered in EMBED_ATTRIBUTES and value and _EXTERNAL.match(value.strip()):
        # Loading a file from another site would tell that site who visits the clinic's pages.
        state.report(state.line_of(value[:40]), f"<{tag}> loads '{value[:60]}' from another site",
                     "save the photo in content/images/ and use its path, e.g. /images/photo.jpg")


class _RawHtmlChecker(HTMLParser):
    def __init__(self, state: _PageState):
        super().__init__(convert_charrefs=True)
        self.state = state

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_ELEMENTS:
            self.state.report(self.state.line_of(f"<{tag}") if f"<{tag}" in self.state.text
                              else self.state.line_of(f"<{tag.upper()}"),
                              f"the HTML element <{tag}> is not allowed in content",
                              "remove it, or set markdown.allow_unsafe_html in site_config.yaml if you really need it")
            return  # one message per element: its attributes go with it
        for name, value in attrs:
            _check_attribute(self.state, tag, name, value)

    handle_startendtag = handle_starttag


class _RawHtmlPostprocessor(Postprocessor):
    """Checks the raw HTML an editor wrote, before it is put back in place."""

    def __init__(self, md, state: _PageState):
        super().__init__(md)
        self.state = state

    def run(self, text):
        for index, raw in enumerate(self.md.htmlStash.rawHtmlBlocks):
            if index not in self.state.component_stash:
                checker = _RawHtmlChecker(self.state)
                checker.feed(str(raw))
                checker.close()
        return text


class ComponentExtension(Extension):
    def __init__(self, state: _PageState, render: Callable[[Directive], str], check_safety: bool):
        super().__init__()
        self.state = state
        self.render = render
        self.check_safety = check_safety

    def extendMarkdown(self, md):
        md.preprocessors.register(_DirectiveLineScanner(md, self.state), "directive_lines", 40)
        md.parser.blockprocessors.register(_DirectiveProcessor(md.parser, self.state, self.render), "directive", 95)
        if self.check_safety:
            md.treeprocessors.register(_SafetyTreeprocessor(md, self.state), "safety", 1)
            md.postprocessors.register(_RawHtmlPostprocessor(md, self.state), "raw_html_safety", 40)


def _flatten_toc(tokens) -> list[TocEntry]:
    entries = []
    for token in tokens:
        entries.append(TocEntry(token["level"], token["id"], token["name"]))
        entries.extend(_flatten_toc(token["children"]))
    return entries


_SMARTY_TRIGGERS = re.compile(r"['\"]|--|\.\.\.")
# Table delimiter rows and horizontal rules hold dashes smarty never sees.
_RULE_LINES = re.compile(r"^[ \t|:*_-]*-[ \t|:*_-]*$", re.MULTILINE)


class MarkdownRenderer:
    """The converter for the whole build, reset between documents.

    smarty is the slowest extension by far (it runs a second inline pass over
    every text node), so a twin converter without it renders documents that
    hold nothing it would change: no quotes, no '--', no '...'.
    """

    def __init__(self, options: MarkdownOptions, render_directive: Callable[[Directive], str]):
        self.state = _PageState()
        self.md = self._converter(options, render_directive, options.smart_quotes)
        self.md_plain = self._converter(options, render_directive, False) if options.smart_quotes else self.md

    def _converter(self, options: MarkdownOptions, render_directive, smart_quotes: bool) -> markdown.Markdown:
        extensions = [
            "tables", "attr_list", "sane_lists", "fenced_code", "def_list",
            TocExtension(toc_depth=options.toc_depth, permalink=False),
            ComponentExtension(self.state, render_directive, check_safety=not options.allow_unsafe_html),
        ]
        if smart_quotes:
            extensions.append("smarty")
        return markdown.Markdown(extensions=extensions, output_format="html")

    def convert(self, text: str, source: str, first_line: int) -> MarkdownResult:
        """Render one document's Markdown; problems come back in the result."""
        md = self.md if _SMARTY_TRIGGERS.search(_RULE_LINES.sub("", text)) else self.md_plain
        md.reset()
        self.state.reset(source, text, first_line)
        html = md.convert(text)
        toc = tuple(_flatten_toc(getattr(md, "toc_tokens", [])))
        return MarkdownResult(html, toc, list(self.state.errors))
