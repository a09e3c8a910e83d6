"""Find anything that could run script in a page, reading it as a browser does.

Independent of the generator's own check (sitegen/sanitize.py): this parses
with html5lib, another HTML5-algorithm parser, with scripting on as in a
browser (so <noscript> holds raw text), and looks for every way a page can
start script: script elements, event attributes, javascript:/vbscript:/data:
URLs in any URL attribute (after the parser decoded them and after stripping
what browsers strip), SVG animations that rewrite a link, meta refresh,
iframe srcdoc, plugins, <base>, forms, styles that load resources.

    findings = script_findings(html_text)   # [] for a page that runs nothing
"""
from __future__ import annotations

import re

import html5lib

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"

URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "action", "formaction", "poster", "data", "cite", "background", "ping",
    "codebase", "longdesc", "lowsrc", "dynsrc", "manifest", "icon", "archive", "usemap", "classid", "xlink:href",
})
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript"})
ACTIVE_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "portal"})
SVG_ANIMATIONS = frozenset({"animate", "set", "animateTransform", "animateMotion", "animateColor"})
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})


def _split(qualified: str) -> tuple[str, str]:
    if qualified.startswith("{"):
        namespace, _, local = qualified[1:].partition("}")
        return namespace, local
    return "", qualified


def _attribute_name(qualified: str) -> str:
    namespace, local = _split(qualified)
    return "xlink:" + local if namespace.endswith("/xlink") else local


def browser_scheme(value: str) -> str | None:
    """The scheme a browser's URL parser sees: edges stripped of C0 and space, tabs and newlines removed."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def _url_values(name: str, value: str) -> list[str]:
    return [word for word in re.split(r"[\s,]+", value) if word] if name == "srcset" else [value]


def script_findings(page: str) -> list[str]:
    """Everything in `page` that could start script or navigate to script."""
    tree = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=True, scripting=True)
    findings = []
    for element in tree.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        namespace, tag = _split(element.tag)
        attributes = {_attribute_name(name): value for name, value in element.attrib.items()}
        where = f"<{tag}> ({namespace.rsplit('/', 1)[-1]})"
        if tag == "script" and not (namespace == XHTML and attributes.get("type", "").strip().lower()
                                    in DATA_SCRIPT_TYPES and "src" not in attributes):
            findings.append(f"{where}: a script element")
        if namespace == XHTML and tag in ACTIVE_ELEMENTS:
            findings.append(f"{where}: active or navigating element")
        if namespace == XHTML and tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            findings.append(f"{where}: meta refresh")
        if namespace == XHTML and tag == "link" and attributes.get("rel", "").lower() in ("import", "prefetch"):
            findings.append(f"{where}: link rel={attributes['rel']}")
        if namespace == SVG and tag in SVG_ANIMATIONS:
            target = attributes.get("attributeName", "").lower()
            if target in ("href", "xlink:href") or any(browser_scheme(attributes.get(key, "")) in SCRIPT_SCHEMES
                                                      for key in ("values", "to", "from", "by")):
                findings.append(f"{where}: animates a link to {attributes}")
        if namespace == MATHML and ("href" in attributes or "xlink:href" in attributes):
            findings.append(f"{where}: MathML link")
        for name, value in attributes.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                findings.append(f"{where}: event attribute {name}")
            elif lowered == "srcdoc":
                findings.append(f"{where}: srcdoc")
            elif lowered == "style" and re.search(r"url\s*\(|expression\s*\(|javascript:", value, re.IGNORECASE):
                findings.append(f"{where}: style loads or runs {value!r}")
            elif lowered in URL_ATTRIBUTES:
                for url in _url_values(lowered, value):
                    if browser_scheme(url) in SCRIPT_SCHEMES:
                        findings.append(f"{where}: {name}={url!r}")
    return findings
