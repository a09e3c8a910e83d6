"""Slips in how Markdown was written that would otherwise pass without a word.

Each of these renders as something, just not what the editor meant, so
Markdown itself never complains:

- `[text] (url)`: a space between the brackets and the parentheses makes the
  link literal text, and so does a link without its closing `)`;
- a directive line indented by spaces shows as the text `::: name`;
- an image without a description (alt text) is invisible to people who use a
  screen reader. An image that is only decoration says so with the
  description `decorative` (`![decorative](/images/wave.svg)`), which is
  published as an empty alt text, or in HTML with `alt=""`.

Code (fenced blocks and `inline code`) is not checked: it shows Markdown as
it is written.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .errors import SiteError

from .images import DECORATIVE  # the image description that marks an image as decoration

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SPACED_LINK = re.compile(r"(!?)\[([^\]\n]+)\][ \t]+\(((?:/|#|https?:|mailto:|tel:|www\.)[^)\s]*"
                          r"|[^)\s]*(?:/|\.[A-Za-z]{2,})[^)\s]*)\)")
_INDENTED_DIRECTIVE = re.compile(r"^([ \t]+):::")
_UNCLOSED_LINK = re.compile(r"(!?)\[([^\]\n]+)\]\(([^)\s]*)[^)]*$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

NO_DESCRIPTION_HINT = ("write what it shows in the brackets, e.g. ![Our treatment room](/images/room.jpg), "
                       f"or ![{DECORATIVE}](...) if it is only decoration")


def check_markdown(text: str, source: str, first_line: int) -> list[SiteError]:
    """Problems in the way `text` (a document's Markdown, starting at `first_line`) was written."""
    problems: list[SiteError] = []
    # HTML comments publish nothing: blank them out, keeping lines and columns.
    text = _HTML_COMMENT.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)
    fence = None
    previous_blank = True
    visible_lines: list[str] = []  # the text with code blanked out, for the HTML check
    for number, line in enumerate(text.split("\n")):
        where = first_line + number
        opener = _FENCE.match(line)
        if fence or opener:
            if fence and opener and line.strip().startswith(fence):
                fence = None
            elif not fence:
                fence = opener.group(1)
            visible_lines.append("")
            continue
        # Each pattern below needs a character most lines lack: such lines are not searched.
        indented = _INDENTED_DIRECTIVE.match(line) if ":::" in line else None
        if indented and (len(indented.group(1).expandtabs(4)) < 4 or not previous_blank):
            problems.append(SiteError(source, where, 1, "this directive line is indented, so it shows as text",
                                      "start the line with ':::' at the left margin, after a blank line"))
        visible = _CODE_SPAN.sub(lambda match: " " * len(match.group()), line) if "`" in line else line
        if "[" in visible:
            for match in _SPACED_LINK.finditer(visible):
                bang, label, target = match.groups()
                what = "image" if bang else "link"
                problems.append(SiteError(
                    source, where, match.start() + 1,
                    f"the space between '[{label}]' and '({target})' makes this {what} show as plain text",
                    f"remove the space: {bang}[{label}]({target})"))
            unclosed = _UNCLOSED_LINK.search(visible)
            if unclosed:
                bang, label, target = unclosed.groups()
                what = "image" if bang else "link"
                problems.append(SiteError(
                    source, where, unclosed.start() + 1,
                    f"the {what} '[{label}]({target}' has no closing ')', so it shows as plain text",
                    f"end it with ')': {bang}[{label}]({target})"))
        visible_lines.append(visible)
        previous_blank = not line.strip()
    problems += _html_images_without_alt("\n".join(visible_lines), source, first_line)
    return sorted(problems, key=SiteError.sort_key)


class _ImageFinder(HTMLParser):
    """The <img> tags of raw HTML, as a browser's tokenizer sees them (not
    inside attribute values, comments or CDATA): (line, column, attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[tuple[int, int, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            line, offset = self.getpos()
            self.images.append((line, offset + 1, dict(attrs)))

    handle_startendtag = handle_starttag


def _html_images_without_alt(text: str, source: str, first_line: int) -> list[SiteError]:
    if "<img" not in text.lower():
        return []
    finder = _ImageFinder()
    finder.feed(text)
    finder.close()
    return [SiteError(source, first_line + line - 1, column,
                      f"the image{' ' + repr(attrs['src']) if attrs.get('src') else ''} has no description (alt text) "
                      "for people who cannot see it", 'add alt="what it shows", or alt="" if it is only decoration')
            for line, column, attrs in finder.images if "alt" not in attrs]


class ImageDescriptions(Treeprocessor):
    """Requires a description on every Markdown image; `decorative` becomes alt=""."""

    def __init__(self, md, state):
        super().__init__(md)
        self.state = state  # markup._PageState: the source, its text and the problems found

    def run(self, root: etree.Element) -> None:
        for image in root.iter("img"):
            description = (image.get("alt") or "").strip()
            if description.lower() == DECORATIVE:
                image.set("alt", "")
            elif not description:
                src = image.get("src", "")
                line, column = self._position(src)
                self.state.errors.append(SiteError(
                    self.state.source, line, column,
                    f"the image '{src}' has no description (alt text) for people who cannot see it",
                    NO_DESCRIPTION_HINT))

    def _position(self, src: str) -> tuple[int, int]:
        """Line and column of the `![` of the image with this address (0 column if not found)."""
        text = self.state.text
        index = text.find(f"]({src}") if src else -1
        start = text.rfind("![", 0, index) if index >= 0 else -1
        if start < 0:
            return self.state.line_of(src), 0
        return self.state.first_line + text.count("\n", 0, start), start - (text.rfind("\n", 0, start) + 1) + 1


class AuthoringChecks(Preprocessor):
    """Runs check_markdown on the document's text as written; changes nothing."""

    def __init__(self, md, state):
        super().__init__(md)
        self.state = state

    def run(self, lines):
        self.state.errors.extend(check_markdown(self.state.text, self.state.source, self.state.first_line))
        return lines


def register(md, state) -> None:
    """Add the checks to a Markdown converter sharing markup's per-page `state`."""
    md.preprocessors.register(AuthoringChecks(md, state), "authoring_checks", 45)
    md.treeprocessors.register(ImageDescriptions(md, state), "image_descriptions", 5)  # after "inline" (20)
