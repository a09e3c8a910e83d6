"""The one place the Markdown converter and its extensions are set up.

Besides the standard extensions, ComponentExtension adds:
- directives: a line such as `::: comparison medical-massage therapeutic-massage`
  becomes a component rendered by a callback (a block processor);
- component markers, so the safety check (sanitize.py) reads each document's
  final HTML with the editor's raw HTML in it but without the components,
  which come from the site's own templates.
"""
from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as etree
from collections import deque
from dataclasses import dataclass, field
from html import unescape as html_unescape
from typing import Callable

import markdown
from markdown.extensions.tables import TableExtension
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

from . import authoring
from .errors import Problem, SiteError
from .extensions import Features, LeanInlineExtension, LeanMarkdown, LeanSmartyExtension, LeanTocExtension, features
from .models import MarkdownOptions, TocEntry
from .sanitize import check_fragment

DIRECTIVE_LINE = re.compile(r"^:::[ \t]*(\S*)[ \t]*(.*?)[ \t]*$")
INLINE_WORD = re.compile(r"\{\{[ \t]*([a-z][a-z0-9-]*)[ \t]*\}\}")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Directive:
    """A parsed directive line: `::: name arg arg key=value`."""

    name: str
    arguments: tuple[str, ...]
    options: dict[str, str]
    line: int
    inline: bool = False  # `{{ name }}` inside a sentence: rendered as plain text


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
    # The directives the text placed, by name, so a layout does not place them again.
    components: tuple[str, ...] = ()


# Fenced code blocks and code spans, blanked out (lines kept) where problems are sought.
_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$|(`+)[^`\n](?:(?!\n[ \t]*\n).)*?\2",
                   re.MULTILINE | re.DOTALL)  # a code span ends with its paragraph


def _blank_out(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


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
        self.components: dict[str, str] = {}  # marker -> the component's HTML
        self.placed: list[str] = []  # names of the directives placed
        self.errors: list[SiteError] = []
        # Code samples are text on the page: a problem is sought outside them first.
        self._searchable = (_CODE.sub(_blank_out, text).lower(), text.lower())
        self._cursors: dict[tuple[int, str], int] = {}

    def line_of(self, needle: str) -> int:
        """Best source line for a problem: where `needle` first appears."""
        index = self.text.find(needle) if needle else -1
        if index < 0:
            return self.first_line
        return self.first_line + self.text.count("\n", 0, index)

    def locate(self, needles: tuple[str, ...], last: bool = False) -> int:
        """Best source line for a problem found in the HTML: where the first
        needle that occurs in the source appears (case-insensitively). Each
        needle is searched on from its previous find, so repeated problems
        get their own lines."""
        for searched, lowered in enumerate(self._searchable):
            for needle in needles:
                needle = needle.lower()
                if not needle.strip():
                    continue
                key = (searched, needle)
                if last:
                    index = lowered.rfind(needle)
                else:
                    index = lowered.find(needle, self._cursors.get(key, 0))
                    if index < 0:
                        index = lowered.find(needle)
                if index >= 0:
                    self._cursors[key] = index + 1
                    return self.first_line + self.text.count("\n", 0, index)
        return self.first_line

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
            self.state.placed.append(DIRECTIVE_LINE.match(first).group(1))
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
        if re.search(r"(?:^|=|\s)[“‘„]", match.group(2)):  # an opening curly quote; apostrophes are text
            fixed = re.sub(r"[“”„]", '"', re.sub(r"(?<![A-Za-z])‘|’(?![A-Za-z])", '"', text.strip()))
            self.state.report(line, f"directive '{name}': the value is in typographic quotes (“ ” or ‘ ’), "
                              "which a directive does not read as quotes", f"type straight quotes instead: {fixed}")
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
        except Problem as problem:  # a component's template failed: name its line, else the directive's
            error = problem.error
            if error.line:
                self.state.errors.append(error)
            else:
                self.state.report(line, f"directive '{name}': {error.message}", error.hint)
        return ""


class _WordProcessor(InlineProcessor):
    """`{{ locations }}` in a sentence: a word or phrase said from the data (see components.WORDS)."""

    needles = ("{{",)  # any match holds it (see extensions.LeanInlineExtension)

    def __init__(self, state: _PageState, render: Callable[[Directive], str]):
        super().__init__(INLINE_WORD.pattern)
        self.state = state
        self.render = render

    def handleMatch(self, m, data):
        line = self.state.line_of(m.group(0))
        try:
            text = self.render(Directive(m.group(1), (), {}, line, inline=True))
        except DirectiveError as problem:
            self.state.report(line, problem.message, problem.hint)
            text = m.group(0)
        return AtomicString(text), m.start(0), m.end(0)


class _ComponentPostprocessor(Postprocessor):
    """Puts a marker where each directive's component goes, instead of its HTML.

    The marker holds STX and ETX, which the converter strips from every
    source, so no text an editor writes can forge one. MarkdownRenderer checks
    the fragment with the markers standing in for the components, then puts
    the components in. Runs just before the converter restores raw HTML.
    """

    def __init__(self, md, state: _PageState):
        super().__init__(md)
        self.state = state

    def run(self, text):
        stash = self.md.htmlStash
        for index in sorted(self.state.component_stash):
            placeholder = stash.get_placeholder(index)
            marker = _component_marker(index)
            text = text.replace(f"<p>{placeholder}</p>", marker).replace(placeholder, marker)
            self.state.components[marker] = str(stash.rawHtmlBlocks[index])
        return text


def _component_marker(index: int) -> str:
    return f"\x02sitegen-component:{index}\x03"


class ComponentExtension(Extension):
    def __init__(self, state: _PageState, render: Callable[[Directive], str], directives: bool = True,
                 words: bool = True):
        super().__init__()
        self.state = state
        self.render = render
        self.directives = directives  # False for a text without ':::', which can hold none
        self.words = words  # False for a text without '{{'

    def extendMarkdown(self, md):
        if self.directives:
            md.preprocessors.register(_DirectiveLineScanner(md, self.state), "directive_lines", 40)
            md.parser.blockprocessors.register(_DirectiveProcessor(md.parser, self.state, self.render), "directive", 95)
        if self.words:
            md.inlinePatterns.register(_WordProcessor(self.state, self.render), "data_word", 175)
        # Before "raw_html" (30), which would put the components' HTML back.
        md.postprocessors.register(_ComponentPostprocessor(md, self.state), "component_markers", 35)
        authoring.register(md, self.state)  # slips Markdown itself renders silently


def _flatten_toc(tokens) -> list[TocEntry]:
    """The headings, with their titles as plain text: the toc extension gives
    them HTML-escaped (with smarty's entities, such as &rsquo;), and templates
    escape what they print."""
    entries = []
    for token in tokens:
        entries.append(TocEntry(token["level"], token["id"], html_unescape(token["name"])))
        entries.extend(_flatten_toc(token["children"]))
    return entries


class MarkdownRenderer:
    """The converter for the whole build, reset between documents.

    Each document is converted by a converter with only the optional
    extensions its text could use (see extensions.py: the same HTML, less
    work), built on first need and kept for the build.
    """

    def __init__(self, options: MarkdownOptions, render_directive: Callable[[Directive], str]):
        self.state = _PageState()
        self.options = options
        self.check_safety = not options.allow_unsafe_html
        self.render_directive = render_directive
        self._converters: dict[Features, markdown.Markdown] = {}

    def _converter(self, needs: Features) -> markdown.Markdown:
        # align="" rather than style="": the page policy blocks style attributes.
        extensions = [extension for extension, wanted in (
            (TableExtension(use_align_attribute=True), needs.tables), ("attr_list", needs.attr_list),
            ("sane_lists", True), ("fenced_code", needs.fenced_code), ("def_list", needs.def_list)) if wanted]
        extensions += [
            LeanTocExtension(toc_depth=self.options.toc_depth, permalink=False),
            ComponentExtension(self.state, self.render_directive, directives=needs.directives, words=needs.words),
            LeanInlineExtension(),
        ]
        if needs.smarty:
            extensions.append(LeanSmartyExtension())
        return LeanMarkdown(extensions=extensions, output_format="html")

    def convert(self, text: str, source: str, first_line: int) -> MarkdownResult:
        """Render one document's Markdown; problems come back in the result."""
        needs = features(text, self.options.smart_quotes)
        md = self._converters.get(needs)
        if md is None:
            md = self._converters[needs] = self._converter(needs)
        md.reset()
        self.state.reset(source, text, first_line)
        try:
            html = md.convert(text)
            components = self.state.components
            if self.check_safety:
                for problem in check_fragment(html, tuple(components)):
                    self.state.report(self.state.locate(problem.needles, problem.last), problem.message, problem.hint)
            toc = tuple(_flatten_toc(getattr(md, "toc_tokens", [])))
        except RecursionError:
            line = first_line + _deepest_line(text)
            return MarkdownResult("", (), self.state.errors + [SiteError(
                source, line, 0, "lists or quotes are nested too deeply to convert",
                "put fewer lists or '>' quotes inside each other")])
        except Exception as exc:  # the converter and its extensions may fail on odd input: say where
            return MarkdownResult("", (), self.state.errors + [SiteError(
                source, first_line, 0, f"this Markdown could not be converted ({type(exc).__name__}: {str(exc)[:200]})",
                "simplify the text below this line until it converts, and tell the site's developers")])
        for marker, component in components.items():
            html = html.replace(marker, component)
        return MarkdownResult(html, toc, list(self.state.errors), tuple(dict.fromkeys(self.state.placed)))


def _deepest_line(text: str) -> int:
    """The line (0-based) that is indented or quoted deepest: where runaway nesting peaks."""
    depths = [len(line) - len(line.lstrip(" \t>")) for line in text.split("\n")]
    return max(range(len(depths)), key=depths.__getitem__) if depths else 0
