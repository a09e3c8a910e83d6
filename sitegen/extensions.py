"""Which Markdown extensions a document needs, and lean twins of smarty and toc.

Every choice here is an optimisation that must not change a byte of output:
tests/test_markdown_equivalence.py renders the real site and generated prose
with a converter configured the plain way and compares.

- `features(text)` tells by cheap text tests which optional extensions could
  change this document. An extension whose trigger text is absent cannot
  match anything (attr_list needs '{', def_list a line starting with ':',
  fenced_code a ``` or ~~~ fence, tables a '|', directives ':::', data
  words '{{'), so
  leaving it out gives the same HTML, faster. The tests err towards keeping
  an extension.
- `LeanSmartyExtension` gives smarty's output in one cheap pass per text
  node. smarty runs a second inline-pattern pass over the whole tree and
  stores every curly quote in the HTML stash, which every heading of the toc
  then reads again: about 2 ms a page of prose.
  Here its 18 patterns run in smarty's order, with smarty's placeholder
  characters standing in for replaced text, so every pattern sees exactly the
  text it sees under smarty; each entity is stashed once per document.
- `LeanTocExtension` computes the same ids and entries as toc but skips the
  table-of-contents HTML the site never uses (it renders its own "On this
  page" list from the entries), unless the text holds toc's `[TOC]` marker.
- `LeanMarkdown` is Python-Markdown's converter with two lookups it makes
  for every block and element read from sets fixed for the document: the
  block processors in their order, and the block-level tag names.
- `LeanInlineExtension` runs the inline patterns as Python-Markdown does, but
  does not try a pattern on a text that lacks the character its regex needs
  (a link needs '[', emphasis '*' or '_'): such a search finds nothing, so
  skipping it changes nothing. Most text nodes are plain words, and trying
  every pattern on each was about a third of a page's conversion.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
from markdown import inlinepatterns, util
from markdown.blockparser import BlockParser
from markdown.extensions import Extension, smarty
from markdown.extensions.toc import (TocExtension, TocTreeprocessor, nest_toc_tokens, remove_fnrefs,
                                     strip_tags, unescape, unique)
from markdown.treeprocessors import InlineProcessor, Treeprocessor

_DEF_LIST = re.compile(r"^[ \t]*:[ \t]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Features:
    """Optional extensions one document needs (True: keep it)."""

    attr_list: bool
    def_list: bool
    fenced_code: bool
    tables: bool
    directives: bool
    words: bool  # `{{ name }}` data words
    smarty: bool


def features(text: str, smart_quotes: bool) -> Features:
    return Features(
        attr_list="{" in text,
        def_list=_DEF_LIST.search(text) is not None,
        fenced_code="```" in text or "~~~" in text,
        tables="|" in text,
        directives=":::" in text,
        words="{{" in text,
        # A data word's text may bring quotes of its own, which smarty then sees.
        smarty=smart_quotes and ("'" in text or '"' in text or "--" in text or "..." in text or "{{" in text),
    )


# --- smarty ------------------------------------------------------------------

_ENTITIES = smarty.substitutions
_Q = (_ENTITIES["left-single-quote"], _ENTITIES["right-single-quote"],
      _ENTITIES["left-double-quote"], _ENTITIES["right-double-quote"])
_LSQUO, _RSQUO, _LDQUO, _RDQUO = _Q
# (pattern, replacement parts, a text the pattern cannot match without), in
# the order smarty's registry runs them: dashes, quotes, ellipses. A leading
# "^" means the pattern matches only at the start of the text.
_SMARTY_PATTERNS = tuple((re.compile(pattern, re.DOTALL | re.UNICODE), replace, needs) for pattern, replace, needs in (
    (r"(?<!-)---(?!-)", (_ENTITIES["mdash"],), "---"),
    (r"(?<!-)--(?!-)", (_ENTITIES["ndash"],), "--"),
    (smarty.singleQuoteStartRe, (_RSQUO,), "^'"),
    (smarty.doubleQuoteStartRe, (_RDQUO,), '^"'),
    (smarty.doubleQuoteSetsRe, (_LDQUO + _LSQUO,), "\"'"),
    (smarty.singleQuoteSetsRe, (_LSQUO + _LDQUO,), "'\""),
    (smarty.doubleQuoteSetsRe2, (_RSQUO + _RDQUO,), "'\""),
    (smarty.singleQuoteSetsRe2, (_RDQUO + _RSQUO,), "\"'"),
    (smarty.decadeAbbrRe, (_RSQUO,), "'"),
    (smarty.openingSingleQuotesRegex, (1, _LSQUO), "'"),
    (smarty.closingSingleQuotesRegex, (_RSQUO,), "'"),
    (smarty.closingSingleQuotesRegex2, (_RSQUO, 1), "'"),
    (smarty.remainingSingleQuotesRegex, (_LSQUO,), "'"),
    (smarty.openingDoubleQuotesRegex, (1, _LDQUO), '"'),
    (smarty.closingDoubleQuotesRegex, (_RDQUO,), '"'),
    (smarty.closingDoubleQuotesRegex2, (_RDQUO,), '"'),
    (smarty.remainingDoubleQuotesRegex, (_LDQUO,), '"'),
    (r"(?<!\.)\.{3}(?!\.)", (_ENTITIES["ellipsis"],), "..."),
))
# smarty's replacements hide behind inline placeholders (STX klzzwxh:NNNN ETX)
# until its pass ends; later patterns see those characters, so ours are alike.
_MARKER = util.INLINE_PLACEHOLDER_PREFIX + "%04d" + util.ETX
_MARKER_RE = re.compile(re.escape(util.INLINE_PLACEHOLDER_PREFIX) + r"(\d+)" + re.escape(util.ETX))


class _LeanSmartyTreeprocessor(Treeprocessor):
    def run(self, root):
        stashed: dict[str, str] = {}  # entity -> its placeholder in the HTML stash

        def store(entity: str) -> str:
            placeholder = stashed.get(entity)
            if placeholder is None:
                placeholder = stashed[entity] = self.md.htmlStash.store(entity)
            return placeholder

        # Like smarty's inline pass: the text and tail of every element below the root.
        for element in root.iter():
            if element is root:
                continue
            text = element.text
            if text and ("'" in text or '"' in text or "--" in text or "..." in text) \
                    and not isinstance(text, util.AtomicString):
                element.text = _educate(text, store)
            tail = element.tail
            if tail and ("'" in tail or '"' in tail or "--" in tail or "..." in tail) \
                    and not isinstance(tail, util.AtomicString):
                element.tail = _educate(tail, store)


def _educate(data: str, store) -> str:
    pieces: list[str] = []
    for pattern, replace, needs in _SMARTY_PATTERNS:
        if not (data.startswith(needs[1]) if needs[0] == "^" else needs in data):
            continue
        position = 0
        while True:
            match = pattern.search(data, position)
            if match is None:
                break
            result = "".join(match.group(part) if isinstance(part, int) else store(part) for part in replace)
            marker = _MARKER % len(pieces)
            pieces.append(result)
            data = data[:match.start()] + marker + data[match.end():]
            position = match.start() + len(marker)
    if not pieces:
        return data
    return _MARKER_RE.sub(lambda m: pieces[int(m.group(1))] if int(m.group(1)) < len(pieces) else m.group(0), data)


class LeanSmartyExtension(Extension):
    """smarty with its default options (quotes, dashes, ellipses), in one pass."""

    def extendMarkdown(self, md):
        md.treeprocessors.register(_LeanSmartyTreeprocessor(md), "smarty", 6)
        md.ESCAPED_CHARS.extend(['"', "'"])


# --- toc ---------------------------------------------------------------------

class _LeanTocTreeprocessor(TocTreeprocessor):
    def run(self, doc):
        used_ids = set()
        for el in doc.iter():
            if "id" in el.attrib:
                used_ids.add(el.attrib["id"])
            if "data-toc-label" in el.attrib or (self.marker and el.text and self.marker in el.text):
                return super().run(doc)  # rare: toc's own code, with its HTML
        postprocessors = list(self.md.postprocessors)
        id_counters: dict[str, int] = {}
        toc_tokens = []
        for el in doc.iter():
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                self.set_level(el)
                innerhtml = _render_inner_html(remove_fnrefs(el), self.md, postprocessors)
                name = strip_tags(innerhtml)
                if "id" not in el.attrib:
                    el.attrib["id"] = unique(self.slugify(html.unescape(name), self.sep), used_ids, id_counters)
                if self.toc_top <= int(el.tag[-1]) <= self.toc_bottom:
                    toc_tokens.append({"level": int(el.tag[-1]), "id": unescape(el.attrib["id"]), "name": name,
                                       "html": innerhtml, "data-toc-label": ""})
                if self.use_anchors:
                    self.add_anchor(el, el.attrib["id"])
                if self.use_permalinks not in [False, None]:
                    self.add_permalink(el, el.attrib["id"])
        self.md.toc_tokens = nest_toc_tokens(toc_tokens)
        self.md.toc = ""  # the rendered list is not used


def _render_inner_html(el, md, postprocessors) -> str:
    """toc's render_inner_html, with the given postprocessors."""
    text = unescape(md.serializer(el))
    text = text[text.index(">") + 1:text.rindex("<")].strip()
    for pp in postprocessors:
        text = pp.run(text)
    return text.strip()


class LeanTocExtension(TocExtension):
    """toc without its unused HTML list; same ids, same entries."""

    TreeProcessorClass = _LeanTocTreeprocessor


# --- inline patterns ---------------------------------------------------------

# Python-Markdown's inline regexes -> texts one of which any match holds.
_NEEDLES = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),  # also REFERENCE_RE
    inlinepatterns.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
}


def _needles(pattern) -> tuple[str, ...] | None:
    """Texts one of which a match of `pattern` must hold, or None: try it always."""
    if not isinstance(pattern, inlinepatterns.InlineProcessor) or \
            type(pattern).getCompiledRegExp is not inlinepatterns.InlineProcessor.getCompiledRegExp:
        return None
    if isinstance(pattern, inlinepatterns.DelimiterProcessor):  # '*' and '_' for em and strong
        return tuple(pattern.tokens) if pattern.pattern == "|".join(map(re.escape, pattern.tokens)) else None
    declared = getattr(pattern, "needles", None)  # a pattern of ours says its own
    return declared if declared is not None else _NEEDLES.get(pattern.pattern)


class _LeanInlineProcessor(InlineProcessor):
    def run(self, tree, ancestors=None):
        self._patterns = tuple(self.inlinePatterns)  # the registry, in its order, read once
        self._needles = tuple(_needles(pattern) for pattern in self._patterns)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """InlineProcessor's own, but a pattern whose needles are all missing from the text is passed over."""
        if isinstance(data, util.AtomicString):
            return data
        patterns, needles = self._patterns, self._needles
        apply = self._InlineProcessor__applyPattern
        startIndex = 0
        count = len(patterns)
        while patternIndex < count:
            wanted = needles[patternIndex]
            if wanted is not None:
                for needle in wanted:
                    if needle in data:
                        break
                else:  # what applying it returns when it finds nothing
                    patternIndex += 1
                    startIndex = 0
                    continue
            data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


class LeanInlineExtension(Extension):
    """The inline patterns, tried only on texts they could match."""

    def extendMarkdown(self, md):
        md.treeprocessors.register(_LeanInlineProcessor(md), "inline", 20)


# --- converter -----------------------------------------------------------------

class _LeanBlockParser(BlockParser):
    _processors = None  # the block processors in their order, while a document is parsed

    def parseDocument(self, lines):
        self._processors = tuple(self.blockprocessors)
        try:
            return super().parseDocument(lines)
        finally:
            self._processors = None

    def parseBlocks(self, parent, blocks):
        """BlockParser's own, without reading the registry again for every block."""
        processors = self._processors if self._processors is not None else tuple(self.blockprocessors)
        while blocks:
            for processor in processors:
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break


class LeanMarkdown(markdown.Markdown):
    """Python-Markdown's converter, reading its registries and tag list once per document."""

    def build_parser(self):
        super().build_parser()
        self.parser.__class__ = _LeanBlockParser  # the same parser object, its processors bound to it
        return self

    def convert(self, source: str) -> str:
        self._block_level = frozenset(self.block_level_elements)
        return super().convert(source)

    def is_block_level(self, tag) -> bool:
        if not isinstance(tag, str):
            return False
        block_level = getattr(self, "_block_level", None)
        if block_level is None:  # asked before any document
            return tag.lower().rstrip("/") in self.block_level_elements
        return tag.lower().rstrip("/") in block_level
