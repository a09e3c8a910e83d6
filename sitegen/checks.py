"""Checks on the rendered HTML: internal links, #fragments and required meta.

The HTML is our own output (Jinja and Python-Markdown quote attributes with
double quotes), so a regular expression finds links and ids fast enough to
run on every build.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from posixpath import normpath
from urllib.parse import unquote, urljoin, urlsplit

from .errors import ErrorCollector, did_you_mean
from .routes import Route
from .suggest import LinkSuggestions

_ID = re.compile(r'\sid="([^"]*)"')
_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
_ID_OR_LINK = re.compile(r'\s(id|href|src)="([^"]*)"')  # both in one pass
_SCHEME_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_REQUIRED = (
    (re.compile(r"<html[^>]*\slang=\"[^\"]+\""), "an html lang attribute"),
    (re.compile(r"<title>[^<]+</title>"), "a <title>"),
    (re.compile(r'<meta name="description" content="[^"]+"'), "a meta description"),
)
_H1 = re.compile(r"<h1[\s>]")


_UNRESOLVED = object()


def page_ids(page_html: str) -> set[str]:
    return {html.unescape(value) for value in _ID.findall(page_html)}


def _resolve(href: str, page_url: str) -> tuple[str, str] | None:
    """(target URL path, fragment) for an internal link, None for external ones."""
    href = html.unescape(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page_url, unquote(parts.fragment)
    target = urljoin(page_url, parts.path)
    keep_slash = target.endswith("/")
    target = normpath(target)
    if keep_slash and not target.endswith("/"):
        target += "/"
    return unquote(target), unquote(parts.fragment)


@dataclass(frozen=True, slots=True)
class LayoutFacts:
    """Ids and links of a stretch of HTML that many pages share (their header, their footer)."""

    ids: frozenset[str]
    links: frozenset[str]
    h1_count: int


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the checks read from one page's HTML.

    `ids` and `links` are the page's own (its head and <main>); `shared`
    holds the facts of the layout around <main>, one object for all the
    pages whose layout text is the same, so it is read and checked once.
    """

    ids: frozenset[str]
    links: frozenset[str]
    missing: tuple[str, ...]  # required elements the page lacks
    h1_count: int
    shared: tuple[LayoutFacts, ...] = ()

    def all_ids(self) -> frozenset[str]:
        return self.ids.union(*(part.ids for part in self.shared)) if self.shared else self.ids


def _ids_and_links(text: str) -> tuple[set[str], set[str]]:
    ids, links = set(), set()
    for name, value in _ID_OR_LINK.findall(text):
        if name == "id":
            ids.add(html.unescape(value) if "&" in value else value)
        else:
            links.add(value)
    return ids, links


def _layout_facts(text: str) -> LayoutFacts:
    ids, links = _ids_and_links(text)
    return LayoutFacts(frozenset(ids), frozenset(links), len(_H1.findall(text)))


def page_facts(page_html: str, layouts: dict[str, LayoutFacts] | None = None) -> PageFacts:
    """The facts of one page; `layouts` memoises the layout parts by their text.

    The page is cut where base.html puts its landmarks: the head, the header
    (up to <main>), <main> itself, and the footer (from the last </main>).
    Templates write the header and footer, with escaped values, so no id or
    link is cut in two.
    """
    head_end = page_html.find("</head>")
    main_start = page_html.find("<main", head_end)
    main_end = page_html.rfind("</main>")
    if layouts is None or head_end < 0 or main_start < 0 or main_end < main_start:
        return _whole_page_facts(page_html)
    head, main = page_html[:head_end], page_html[main_start:main_end]
    head_ids, head_links = _ids_and_links(head)
    main_ids, main_links = _ids_and_links(main)
    shared = []
    for text in (page_html[head_end:main_start], page_html[main_end:]):
        facts = layouts.get(text)
        if facts is None:
            facts = layouts[text] = _layout_facts(text)
        shared.append(facts)
    missing = tuple(what for pattern, what in _REQUIRED if not pattern.search(head))
    if missing:  # not in the head: look in the whole page, as the rule says
        missing = tuple(what for pattern, what in _REQUIRED if not pattern.search(page_html))
    return PageFacts(
        ids=frozenset(head_ids | main_ids),
        links=frozenset(head_links | main_links),
        missing=missing,
        h1_count=len(_H1.findall(head)) + len(_H1.findall(main)),
        shared=tuple(shared),
    )


def _whole_page_facts(page_html: str) -> PageFacts:
    return PageFacts(
        ids=frozenset(page_ids(page_html)),
        links=frozenset(_LINK.findall(page_html)),
        missing=tuple(what for pattern, what in _REQUIRED if not pattern.search(page_html)),
        h1_count=len(_H1.findall(page_html)),
    )


def _page_independent(href: str) -> bool:
    """True when what the link leads to does not depend on the page it is on."""
    return href.startswith("/") or _SCHEME_PREFIX.match(href) is not None


class _LinkChecker:
    """Says what is wrong with one link, if anything; remembers what does not depend on the page."""

    def __init__(self, pages: dict, static_urls: set[str], facts_by_url: dict[str, PageFacts]):
        self.pages = pages
        self.static_urls = static_urls
        self.facts_by_url = facts_by_url
        self.suggestions = LinkSuggestions(pages)
        self._resolved: dict = {}
        self._ids: dict[str, frozenset[str]] = {}

    def ids_of(self, url: str) -> frozenset[str]:
        ids = self._ids.get(url)
        if ids is None:
            facts = self.facts_by_url.get(url)
            ids = self._ids[url] = facts.all_ids() if facts else frozenset()
        return ids

    def has_id(self, url: str, fragment: str) -> bool:
        facts = self.facts_by_url.get(url)
        return facts is not None and (fragment in facts.ids or any(fragment in part.ids for part in facts.shared))

    def problem(self, href: str, url: str) -> str:
        # Most links (menu, footer, cards) repeat on every page: resolve each once.
        key = href if _page_independent(href) else (href, url)
        resolved = self._resolved.get(key, _UNRESOLVED)
        if resolved is _UNRESOLVED:
            resolved = self._resolved[key] = _resolve(href, url)
        if resolved is None:
            return ""
        target, fragment = resolved
        if target in self.pages:
            if fragment and not self.has_id(target, fragment):
                problem = f"the link '{href}' leads to no heading or id '#{fragment}' on {target}"
                suggestion = did_you_mean(fragment, self.ids_of(target))
                if suggestion:
                    problem += f"; {suggestion.replace(chr(39), chr(39) + '#', 1)}"
                return problem
            return ""
        if target in self.static_urls:
            return f"the link '{href}' has a #fragment, but {target} is not a page" if fragment else ""
        if target + "/" in self.pages:
            return f"the link '{href}' leads to no page; did you mean '{target}/'?"
        problem = f"the link '{href}' leads to no page on this site"
        suggestion = self.suggestions.hint(target)
        return f"{problem}; {suggestion}" if suggestion else problem


def check_pages(pages: dict[str, tuple[Route, str]], static_urls: set[str], errors: ErrorCollector,
                config_links: dict[str, tuple[str, int]] | None = None,
                facts_cache: dict[str, PageFacts] | None = None) -> None:
    """Check links, fragments and required elements of every rendered page.

    `pages` maps URL -> (route, html). A broken link is reported at the
    Markdown line that holds it when there is one, at the configuration line
    for links that come from site_config.yaml (`config_links`: href -> (file,
    line)), otherwise once per template and target. Links of the layout
    that many pages share are checked once for all of them.
    """
    config_links = config_links or {}
    # The live preview passes the cache of its previous rebuild: an unchanged
    # page is the same string, whose hash Python keeps, so its facts are a lookup.
    previous = facts_cache.copy() if facts_cache is not None else {}
    layouts: dict[str, LayoutFacts] = {}
    facts_by_url = {}
    for url, (route, page_html) in pages.items():
        if route.is_html:
            facts = previous.get(page_html)
            facts_by_url[url] = facts if facts is not None else page_facts(page_html, layouts)
    if facts_cache is not None:
        facts_cache.clear()
        facts_cache.update((pages[url][1], facts) for url, facts in facts_by_url.items())
    checker = _LinkChecker(pages, static_urls, facts_by_url)
    reported_template_links: set[tuple[str, str]] = set()
    reported_config_links: set[str] = set()

    def report(route: Route, href: str, problem: str) -> None:
        if href in config_links:
            if href not in reported_config_links:
                reported_config_links.add(href)
                path, line = config_links[href]
                errors.add(path, line, 0, problem)
        else:
            _report_link(route, href, problem, errors, reported_template_links)

    pages_by_layout: dict[LayoutFacts, list[str]] = {}
    for url, facts in facts_by_url.items():
        route = pages[url][0]
        for what in facts.missing:
            errors.add(f"templates/{route.template_file}", 0, 0, f"{url} has no {what}")
        h1_count = facts.h1_count + sum(part.h1_count for part in facts.shared)
        if h1_count != 1:
            _report_h1(route, h1_count, errors)
        for href in facts.links:
            problem = checker.problem(href, url)
            if problem:
                report(route, href, problem)
        for part in facts.shared:
            pages_by_layout.setdefault(part, []).append(url)
    for part, urls in pages_by_layout.items():
        for href in part.links:
            if _page_independent(href) and not checker.problem(href, urls[0]):
                continue  # the same answer on every page: checked once
            for url in urls:
                problem = checker.problem(href, url)
                if problem:
                    report(pages[url][0], href, problem)


def _report_link(route: Route, href: str, problem: str, errors: ErrorCollector, seen: set) -> None:
    raw = html.unescape(href)
    for path, text, first_line in route.markdown_sources:
        for needle in (f"]({raw}", f"({raw}", f'"{raw}"', raw):
            index = text.find(needle)
            if index >= 0:
                errors.add(path, first_line + text.count("\n", 0, index), 0, problem)
                return
    key = (route.template, href)
    if key not in seen:
        seen.add(key)
        errors.add(f"templates/{route.template_file}", 0, 0, f"{problem} (first seen on {route.url})")


_MARKDOWN_H1 = re.compile(r"^(?:#[ \t]+\S|<h1[\s>])|^[^\n]+\n=+[ \t]*$", re.MULTILINE | re.IGNORECASE)


def _report_h1(route: Route, count: int, errors: ErrorCollector) -> None:
    """Blame a heading written in Markdown when there is one, else the template."""
    hint = "the title is the page's only h1; start headings in the text with ##"
    for path, text, first_line in route.markdown_sources:
        match = _MARKDOWN_H1.search(text)
        if match:
            line = first_line + text.count("\n", 0, match.start())
            errors.add(path, line, 0, f"a level-1 heading here makes {count} <h1> headings on {route.url}", hint)
            return
    errors.add(f"templates/{route.template_file}", 0, 0,
               f"{route.url} has {count} <h1> headings; a page needs exactly one")
