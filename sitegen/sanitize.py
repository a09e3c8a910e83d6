"""What HTML and links in content may contain, judged as a browser reads them.

The check reads a document's final HTML fragment (the Markdown converter's
output, raw HTML the editor wrote included) with an HTML5 parser, Lexbor via
selectolax, so comments, raw-text elements such as <noscript> or <textarea>,
CDATA and foreign content (SVG, MathML) are understood exactly as a browser
understands them. Everything is judged against allow-lists: an element, an
attribute or a URL scheme that is not listed is refused. Components that
directives render come from the site's own templates and are not judged; the
converter marks where they go (see markup.py).

Problems come back as values carrying needles: bits of source text that
locate them, since the parser works on the converter's output, not the source.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

# The fragment is read inside a <div> of a no-quirks page, as templates place it, and
# followed by an element that shows where the parser stood at its end.
_PREFIX = "<!DOCTYPE html><html><head></head><body><div>"

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "translate", "role", "hidden", "tabindex"})
GLOBAL_PREFIXES = ("aria-", "data-")
_CELL = frozenset({"colspan", "rowspan", "headers", "align"})
HTML_ELEMENTS: dict[str, frozenset[str]] = {tag: frozenset(extra) for tag, extra in {
    "a": {"href", "hreflang", "rel", "type", "download"},
    "abbr": (), "address": (), "article": (), "aside": (), "b": (), "bdi": (), "bdo": (), "br": (),
    "blockquote": {"cite"}, "caption": (), "cite": (), "code": (), "col": {"span"}, "colgroup": {"span"},
    "data": {"value"}, "dd": (), "del": {"cite", "datetime"}, "details": {"open"}, "dfn": (), "div": (),
    "dl": (), "dt": (), "em": (), "figcaption": (), "figure": (), "footer": (), "header": (),
    "h1": (), "h2": (), "h3": (), "h4": (), "h5": (), "h6": (), "hr": (), "i": (),
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "ins": {"cite", "datetime"}, "kbd": (), "li": {"value"}, "mark": (), "ol": {"start", "reversed", "type"},
    "p": (), "picture": (), "pre": (), "q": {"cite"}, "rp": (), "rt": (), "ruby": (), "s": (), "samp": (),
    "section": (), "small": (), "source": {"src", "srcset", "sizes", "type", "media", "width", "height"},
    "span": (), "strong": (), "sub": (), "summary": (), "sup": (), "table": (), "tbody": (),
    "td": _CELL, "th": _CELL | {"scope", "abbr"}, "tfoot": (), "thead": (), "time": {"datetime"}, "tr": (),
    "u": (), "ul": (), "var": (), "wbr": (),
    "video": {"src", "poster", "controls", "width", "height", "muted", "loop", "playsinline", "preload"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "track": {"src", "kind", "srclang", "label", "default"},
}.items()}

# Foreign content: shapes, text and paint only. No animation (animate, set,
# animateTransform... can rewrite href), no <a>, <image>, <foreignObject>, <script>, <style>.
SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan",
    "title", "desc", "defs", "symbol", "use", "linearGradient", "radialGradient", "stop", "clipPath",
    "mask", "marker",
})
SVG_ATTRIBUTES = frozenset({
    "id", "class", "role", "lang", "tabindex", "xmlns", "xmlns:xlink", "version", "focusable",
    "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
    "rx", "ry", "fx", "fy", "dx", "dy", "d", "points", "transform", "pathLength",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "stroke-miterlimit", "opacity", "color",
    "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits",
    "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "orient", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    "vector-effect", "display", "visibility",
    "href", "xlink:href",  # on <use> only, and only to a #fragment of the same page
})
MATH_ELEMENTS = frozenset({
    "math", "mi", "mn", "mo", "ms", "mtext", "mrow", "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup",
    "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd",
    "mspace", "mpadded", "mphantom", "mstyle", "merror", "semantics", "annotation",
})
MATH_ATTRIBUTES = frozenset({
    "id", "class", "xmlns", "display", "displaystyle", "mathvariant", "mathsize", "mathcolor",
    "mathbackground", "scriptlevel", "fence", "separator", "stretchy", "symmetric", "largeop",
    "movablelimits", "accent", "accentunder", "lspace", "rspace", "form", "minsize", "maxsize",
    "linethickness", "columnalign", "rowalign", "columnspan", "rowspan", "width", "height", "depth",
    "voffset", "encoding", "dir", "alttext",
})

URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "cite", "poster", "xlink:href"})
LOADING_ATTRIBUTES = frozenset({"src", "srcset", "poster"})  # attributes that load, not link
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)

_KIND = {"html": "HTML", "svg": "SVG", "math": "MathML"}
ALLOW_UNSAFE_HINT = "remove it, or set markdown.allow_unsafe_html in site_config.yaml if you really need it"
SCHEME_HINT = "links may only use http(s), mailto, tel or a path on this site"
ELSEWHERE_HINT = "save the photo in content/images/ and use its path, e.g. /images/photo.jpg"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the content may not contain, and source text that locates it (best first)."""

    message: str
    hint: str
    needles: tuple[str, ...]
    last: bool = False  # the last occurrence of a needle is the likelier place


def browser_url(value: str) -> str:
    """A URL attribute's value as a browser's URL parser reads it (after the
    HTML parser has decoded character references): leading and trailing C0
    controls and spaces stripped, tabs and newlines removed everywhere."""
    return _TAB_NEWLINE.sub("", value.strip(_C0_AND_SPACE))


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in this decoded URL, lowercased, or None for a relative URL."""
    match = _SCHEME.match(browser_url(value))
    return match.group(1).lower() if match else None


def loads_from_elsewhere(value: str) -> bool:
    """True for a URL naming another host: a scheme, or // (browsers read \\ as /)."""
    cleaned = browser_url(value)
    return url_scheme(cleaned) is not None or re.match(r"[/\\]{2}", cleaned) is not None


def _printable(value: str, limit: int = 60) -> str:
    shown = "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in value[:limit])
    return shown + ("..." if len(value) > limit else "")


def _url_candidates(name: str, value: str) -> list[str]:
    if name != "srcset":
        return [value]
    # Each candidate is a URL and a descriptor, separated by commas; judging
    # every comma- or space-separated word is stricter than the real grammar.
    return [word for word in re.split(r"[\s,]+", value) if word]


def _judge_url(tag: str, name: str, value: str, needles: tuple[str, ...]) -> Problem | None:
    for candidate in _url_candidates(name, value):
        cleaned = browser_url(candidate)
        scheme = url_scheme(cleaned)
        url_needles = (candidate, cleaned, candidate[:40], cleaned.partition(":")[2][:30]) + needles
        if scheme is not None and scheme not in ALLOWED_SCHEMES:
            shown = f"'{_printable(candidate)}'"
            if cleaned != candidate:
                shown += f" (read by browsers as '{_printable(cleaned)}')"
            return Problem(f"the link {shown} uses the scheme '{scheme}:'", SCHEME_HINT, url_needles)
        if name in LOADING_ATTRIBUTES and loads_from_elsewhere(cleaned):
            # Loading a file from another site would tell that site who visits the clinic's pages.
            return Problem(f"<{tag}> loads '{_printable(cleaned)}' from another site", ELSEWHERE_HINT, url_needles)
    return None


def _judge_attributes(tag: str, namespace: str, attributes: dict) -> list[Problem]:
    problems = []
    where = f"<{tag}>" if namespace == "html" else f"the {_KIND[namespace]} element <{tag}>"
    for name, value in attributes.items():
        value = value or ""
        lowered = name.lower()
        needles = (f"{name}=", f"{name} =", f"<{tag}")
        if lowered.startswith("on"):
            problems.append(Problem(f"the attribute '{name}' on {where} is not allowed",
                                    "event attributes run scripts; remove it", needles))
        elif lowered == "style":
            problems.append(Problem(f"the attribute 'style' on {where} is not allowed",
                                    "the page policy blocks inline styles (they could load resources or hide "
                                    "content); give the element a class styled in static/css/", needles))
        elif not _attribute_allowed(tag, namespace, name):
            problems.append(Problem(f"the attribute '{name}' on {where} is not allowed in content",
                                    ALLOW_UNSAFE_HINT, needles))
        elif namespace == "svg" and name in ("href", "xlink:href"):
            if tag != "use" or not value.strip().startswith("#"):
                problems.append(Problem(f"the attribute '{name}' on {where} may only point to a #fragment "
                                        "of the same picture, on <use>", "remove it", needles))
        elif namespace == "svg" and _CSS_URL.search(value):
            problems.append(Problem(f"the attribute '{name}' on {where} refers to another file",
                                    "url(...) may only name a #fragment of the same picture", needles))
        elif lowered in URL_ATTRIBUTES:
            problem = _judge_url(tag, lowered, value, needles)
            if problem:
                problems.append(problem)
    return problems


def _attribute_allowed(tag: str, namespace: str, name: str) -> bool:
    if namespace == "svg":
        return name in SVG_ATTRIBUTES or name.startswith("aria-")
    if namespace == "math":
        return name in MATH_ATTRIBUTES or name.startswith("aria-")
    return name in GLOBAL_ATTRIBUTES or name.startswith(GLOBAL_PREFIXES) or name in HTML_ELEMENTS[tag]


def _element_allowed(tag: str, namespace: str) -> bool:
    if namespace == "svg":
        return tag in SVG_ELEMENTS
    if namespace == "math":
        return tag in MATH_ELEMENTS
    return tag in HTML_ELEMENTS


def _refused_element(tag: str, namespace: str) -> Problem:
    if namespace == "html":
        return Problem(f"the HTML element <{tag}> is not allowed in content", ALLOW_UNSAFE_HINT, (f"<{tag}",))
    kind = _KIND[namespace]
    allowed = ("shapes, paths, text, gradients and <use> of a #fragment" if namespace == "svg"
               else "the elements that lay out formulas")
    return Problem(f"the {kind} element <{tag}> is not allowed in content",
                   f"{kind} in content may use {allowed}; {ALLOW_UNSAFE_HINT}", (f"<{tag}",))


def check_fragment(html: str, component_markers: tuple[str, ...] = ()) -> list[Problem]:
    """Every problem in one document's HTML, in document order.

    Each of `component_markers` stands in `html` where a directive's component
    goes; it must be where an element can stand. The elements that take their
    place, and the one that marks the end, get names no content can guess.
    """
    token = secrets.token_hex(8)
    component_tag, end_tag = f"sitegen-component-{token}", f"sitegen-end-{token}"
    for marker in component_markers:
        html = html.replace(marker, f"<{component_tag}></{component_tag}>")
    tree = LexborHTMLParser(f"{_PREFIX}{html}<{end_tag}></{end_tag}></div>")
    problems: list[Problem] = []
    for outer in (tree.root, tree.body):
        if outer is not None and outer.attributes:
            # <html onload> or <body onload> in content lands on the page's own element.
            problems.append(_refused_element(outer.tag, "html"))
    body = tree.body
    wrapper = body.child if body is not None else None
    while wrapper is not None and wrapper.tag != "div":
        wrapper = wrapper.next
    if body is None or wrapper is None:
        return problems + [Problem("this HTML cannot be read", "check the tags", ())]
    walked = _walk_clean_fragment(body, wrapper, component_tag, end_tag)
    if walked is not None:  # nothing refused: the full walk below would say the same
        placed, end = walked
    else:
        placed, end = _walk_fragment(body, wrapper, component_tag, end_tag, problems)
    if problems:
        return problems  # the rest follows from what was refused
    if placed != len(component_markers):
        problems.append(Problem("a directive stands inside an HTML tag, comment or text-only element",
                                "put the directive on a line of its own, outside any HTML", (":::",)))
    if end is None:
        problems.append(Problem("the HTML at the end of the text is unfinished: a tag, quote or comment is not closed",
                                "check the last HTML tag for a missing '>' or quote, and comments for their '-->'",
                                ("<!--", "<"), last=True))
    elif end.parent is not None and end.parent.mem_id == wrapper.mem_id and end.next is not None:
        # An open table: what follows it is moved out before it (foster parenting).
        opened = end.next
        while opened is not None and opened.tag.startswith("-"):
            opened = opened.next
        tag = opened.tag if opened is not None else "table"
        problems.append(Problem(f"the HTML element <{tag}> is not closed",
                                f"add </{tag}> where it should end", (f"<{tag}",), last=True))
    elif end.parent is None or end.parent.mem_id != wrapper.mem_id:
        opened = end.parent
        if opened is not None and opened.mem_id != body.mem_id:
            while opened.parent is not None and opened.parent.mem_id != wrapper.mem_id \
                    and opened.parent.mem_id != body.mem_id:
                opened = opened.parent
            problems.append(Problem(f"the HTML element <{opened.tag}> is not closed",
                                    f"add </{opened.tag}> where it should end", (f"<{opened.tag}",), last=True))
        else:
            problems.append(Problem("an end tag '</div>' closes an element the text did not open",
                                    "remove it, or add the <div> it should close", ("</div",), last=True))
    return problems


def _walk_fragment(body, wrapper, component_tag: str, end_tag: str, problems: list[Problem]):
    """Judge every element in the body, in document order, adding to `problems`;
    return how many component markers stand as elements, and the end marker."""
    end = None
    placed = 0
    stack = [(child, "html") for child in reversed(list(body.iter(include_text=False)))]
    while stack:
        node, namespace = stack.pop()
        tag = node.tag
        if not tag or tag.startswith("-"):  # comments, and <?...> read as comments (no tag)
            continue
        if node.mem_id == wrapper.mem_id:
            stack.extend((child, namespace) for child in reversed(list(node.iter(include_text=False))))
            continue
        if namespace == "html" and tag in ("svg", "math"):
            namespace = tag
        if namespace == "html" and tag == end_tag:
            end = node
            continue
        if tag == component_tag:
            if namespace != "html":
                problems.append(Problem("a directive's component cannot stand inside SVG or MathML",
                                        "close the <svg> or <math> element before the directive", ("<svg", "<math")))
            placed += 1
            continue
        if not _element_allowed(tag, namespace):
            problems.append(_refused_element(tag, namespace))
            continue  # one message per element: its attributes and content go with it
        problems.extend(_judge_attributes(tag, namespace, node.attributes))
        stack.extend((child, namespace) for child in reversed(list(node.iter(include_text=False))))
    return placed, end


def _walk_clean_fragment(body, wrapper, component_tag: str, end_tag: str):
    """What _walk_fragment returns, for a fragment in which it would refuse
    nothing; None as soon as something might be refused (then it decides).

    This walk reads every element of the body, the ones _walk_fragment
    passes over included, as HTML elements: it gives up on the first <svg>
    or <math> (foreign content), element not allowed or attribute refused.
    So when it gives up on nothing, _walk_fragment, which judges a part of
    the same elements by the same rules, refuses nothing either. Most pages
    are such: a flat walk is cheaper than the judging one.
    """
    end = None
    placed = 0
    body_id, wrapper_id = body.mem_id, wrapper.mem_id
    for node in body.traverse(include_text=False):
        tag = node.tag
        if not tag or tag.startswith("-"):  # comments, and <?...> read as comments (no tag)
            continue
        if tag == end_tag:
            end = node
        elif tag == component_tag:
            placed += 1
        elif tag not in HTML_ELEMENTS:  # <svg> and <math> too: their content is not HTML
            if node.mem_id != body_id:
                return None
        elif node.mem_id != wrapper_id:
            attributes = node.attributes
            if attributes and _judge_attributes(tag, "html", attributes):
                return None
    return placed, end
