"""Redirects from old addresses, declared in content/data/redirects.yaml.

Each entry sends an old address (from the site builder the clinic used before,
say) to a page of this site. They are published twice over (see hosting.py):
as rules in `_redirects`, for hosts that answer with a real 301, and as small
HTML pages at the old addresses, for hosts that cannot (GitHub Pages, GitLab
Pages, a plain web server).

A redirect must lead to a page or file of this site and may not start from
one: the page would hide the redirect on some hosts and the redirect the page
on others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ErrorCollector, did_you_mean
from .templating import template_error
from .schema import Field, Kind, Record, RecordList, SitePath, Text, load_yaml_file
from .yamlsource import YMap, YScalar

REDIRECTS_FILE = "content/data/redirects.yaml"
STATUSES = (301, 302)
# Old addresses a static host can serve as an HTML page; others (/page.php) get only the rule.
_HTML_SOURCE = re.compile(r"(?:/|\.html?|/[^./]+)$")


class OldAddress(Text):
    """A path on the old site: /old-page.html, /services.php, /about-us/.

    No query or fragment (a static file cannot match them), and no '*' or ':'
    (wildcards and placeholders in _redirects, which the pages could not follow).
    """

    def __init__(self):
        super().__init__(pattern=r"/(?:[A-Za-z0-9._~!$&'()+,;=@%-]+/?)*", expected="an address on this site",
                         hint="start with / and leave out the domain, '?', '#', '*' and ':', e.g. /old-page.html")

    def check(self, text, node, where, ctx):
        if any(part in (".", "..") for part in text.split("/")):
            return ctx.report(node, where, f"{text!r} may not contain '.' or '..' segments", self.hint)
        return text


class Status(Kind):
    expected = "301 or 302"

    def __call__(self, node, where, ctx):
        if isinstance(node, YScalar) and node.plain and node.value in STATUSES and not isinstance(node.value, bool):
            return node.value
        return ctx.report(node, where, f"{node.text if isinstance(node, YScalar) else 'this'} is not a redirect status",
                          "write 301 (moved for good, the default) or 302 (moved for now)")


REDIRECT = Record({
    "from": Field(OldAddress(), "the old address, e.g. /old-page.html"),
    "to": Field(SitePath(), "the page of this site it now leads to, e.g. /services/"),
    "status": Field(Status(), "301 for a move for good (default), 302 for a temporary one", False, 301),
}, name="redirect")

REDIRECTS = Record({
    "redirects": Field(RecordList(REDIRECT), "old addresses and where they lead, in any order"),
}, name="redirects file")


@dataclass(frozen=True, slots=True)
class Redirect:
    """One old address and the page it leads to."""

    source: str  # '/old-page.html'
    target: str  # '/services/' or '/insurance/#what-to-bring'
    status: int
    line: int  # where the entry is written, for messages
    target_line: int
    target_column: int

    @property
    def page_path(self) -> str | None:
        """The output file of the HTML page at the old address, or None when a host could not serve one."""
        if not _HTML_SOURCE.search(self.source) or self.source == "/":
            return None
        if self.source.endswith("/"):
            return self.source[1:] + "index.html"
        if self.source.endswith((".html", ".htm")):
            return self.source[1:]
        return self.source[1:] + "/index.html"  # /old-page is served from old-page/index.html


def load_redirects(root: Path, errors: ErrorCollector) -> list[Redirect]:
    """The declared redirects; none when the site has no redirects file."""
    if not (root / REDIRECTS_FILE).is_file():
        return []
    values = load_yaml_file(root, REDIRECTS_FILE, REDIRECTS, errors, "")
    if values is None:
        return []
    redirects, seen = [], {}
    for item in values["redirects"]:
        if item.values is None:
            continue
        node = item.node
        to_node = node.items["to"][1] if isinstance(node, YMap) else node
        redirect = Redirect(item.values["from"], item.values["to"], item.values["status"],
                            node.line, to_node.line, to_node.column)
        key = _normal(redirect.source)
        if key in seen:
            errors.add(REDIRECTS_FILE, node.line, node.column,
                       f"redirects[{item.index}]: {redirect.source} is redirected twice (also on line {seen[key]})",
                       "keep one of the two entries")
            continue
        seen[key] = node.line
        redirects.append(redirect)
    return redirects


def check_redirects(redirects: list[Redirect], page_urls: set[str], static_urls: set[str],
                    errors: ErrorCollector) -> None:
    """A redirect must start from no page and lead to one (or to a file in static/)."""
    sources = {_normal(redirect.source) for redirect in redirects}
    for redirect in redirects:
        if any(form in page_urls for form in _forms(_normal(redirect.source))) or redirect.source in static_urls:
            errors.add(REDIRECTS_FILE, redirect.line, 0,
                       f"{redirect.source} is a page of this site, so it cannot be redirected",
                       "remove this redirect, or move or delete the page first")
        target, _, _fragment = redirect.target.partition("#")
        if target in page_urls or target in static_urls:
            continue
        if _normal(target) in sources:
            hint = "point it straight at the page the other redirect leads to"
            problem = f"{redirect.target} is itself redirected"
        else:
            hint = (f"did you mean '{target}/'?" if target + "/" in page_urls
                    else did_you_mean(target, page_urls) or "give the address of a page of this site, e.g. /services/")
            problem = f"{redirect.target} is not a page of this site"
        errors.add(REDIRECTS_FILE, redirect.target_line, redirect.target_column, f"redirect target {problem}", hint)


def redirects_file(redirects: list[Redirect]) -> str:
    """`_redirects` for Netlify and Cloudflare Pages.

    Netlify serves a file that exists at the old address instead of
    redirecting (it "shadows" the rule) unless the status ends in '!', a form
    Cloudflare rejects and skips. So each rule is written twice: the forced
    line for Netlify, which stops at the first match, then the plain one for
    Cloudflare, which always redirects.
    """
    lines = ["# Generated from content/data/redirects.yaml; edit that file, not this one.",
             "# Each rule twice: 'NNN!' for Netlify (which skips the plain one), plain for Cloudflare Pages."]
    for redirect in redirects:
        lines.append(f"{redirect.source} {redirect.target} {redirect.status}!")
        lines.append(f"{redirect.source} {redirect.target} {redirect.status}")
    return "\n".join(lines) + "\n"


def _forms(normal: str) -> tuple[str, ...]:
    """Every address whose normal form (_normal) is `normal`."""
    folder = normal.rstrip("/")
    candidates = (normal, folder + "/", *(folder + "/" + index + slash for index in ("index.html", "index.htm")
                                          for slash in ("", "/")))
    return tuple(form for form in candidates if _normal(form) == normal)  # (not so for '/a/index.htm', say)


def _normal(url: str) -> str:
    """/old, /old/ and /old/index.html are one address on a static host."""
    path = PurePosixPath(url)
    if path.name in ("index.html", "index.htm"):
        url = str(path.parent)
    return url.rstrip("/") or "/"


def render_redirect_pages(template, redirects: list[Redirect], site_context: dict, errors: ErrorCollector,
                          root: Path) -> dict[str, str]:
    """Output path -> the HTML page left at each old address a static host can serve."""
    pages = {}
    base_url = site_context["site"].base_url
    for redirect in redirects:
        path = redirect.page_path
        if path is None or template is None:
            continue
        try:
            pages[path] = template.render({**site_context, "redirect": redirect,
                                           "target_url": base_url + redirect.target})
        except Exception as exc:  # a template may raise anything; report it at its line
            errors.extend([template_error(exc, root, redirect.source)])
            return pages
    return pages


def check_target_fragments(redirects: list[Redirect], ids_of, errors: ErrorCollector) -> None:
    """A target's #fragment must name a heading or id of its page; `ids_of(url)` gives a page's ids."""
    for redirect in redirects:
        target, _, fragment = redirect.target.partition("#")
        ids = ids_of(target)
        if fragment and ids is not None and fragment not in ids:
            errors.add(REDIRECTS_FILE, redirect.target_line, redirect.target_column,
                       f"redirect target {redirect.target}: {target} has no heading or id '#{fragment}'",
                       did_you_mean(fragment, ids) or "link to one of the page's headings, or leave out the #")
