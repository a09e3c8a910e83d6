"""Checks on the rendered HTML: internal links, #fragments and required meta.

The HTML is our own output (Jinja and Python-Markdown quote attributes with
double quotes), so a regular expression finds links and ids fast enough to
run on every build.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from posixpath import normpath
from typing import Callable
from urllib.parse import unquote, urljoin, urlsplit

from .errors import ErrorCollector, did_you_mean
from .routes import Route
from .suggest import LinkSuggestions

_ID = re.compile(r'\sid="([^"]*)"')
_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
_ID_OR_LINK = re.compile(r'\s(id|href|src)="([^"]*)"')  # both in one pass
_SCHEME_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A link to an id on its own page that urlsplit takes as it stands: no tab or line break
# (it drops those) and no control character or space at the end (it strips those).
_PLAIN_FRAGMENT = re.compile(r"#(?:[^\t\n\r]*[^\x00-\x20])?")
_REQUIRED = (
    (re.compile(r"<html[^>]*\slang=\"[^\"]+\""), "an html lang attribute"),
    (re.compile(r"<title>[^<]+</title>"), "a <title>"),
    (re.compile(r'<meta name="description" content="[^"]+"'), "a meta description"),
)
_H1 = re.compile(r"<h1[\s>]")


_UNRESOLVED = object()


def page_ids(page_html: str) -> set[str]:
    return {html.unescape(value) for value in _ID.findall(page_html)}


class _Malformed(str):
    """What _resolve returns for a link no browser could follow: why not."""


@lru_cache(maxsize=1 << 16)  # a pure function of its text: the preview's rebuilds resolve each link once
def _resolve(href: str, page_url: str) -> tuple[str, str] | _Malformed | None:
    """(target URL path, fragment) for an internal link, None for external ones."""
    href = html.unescape(href) if "&" in href else href
    if _PLAIN_FRAGMENT.fullmatch(href):  # most links of a page: its table of contents, as urlsplit reads them
        return page_url, unquote(href[1:])
    try:
        parts = urlsplit(href)
        parts.port  # noqa: B018 -- raises for a port that is not a number
    except ValueError as exc:
        return _Malformed(str(exc))
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


# (text to look for, the template a page was rendered with) -> (template file, line):
# where the templates hold that text, or line 1 of the page's template.
LocateInTemplates = Callable[[str, str], tuple[str, int]]


def _first_line_of(needle: str, template_file: str) -> tuple[str, int]:
    return f"templates/{template_file}", 1


def check_pages(pages: dict[str, tuple[Route, str]], static_urls: set[str], errors: ErrorCollector,
                config_links: dict[str, tuple[str, int]] | None = None,
                facts_cache: dict[str, PageFacts] | None = None,
                known_facts: dict[str, PageFacts] | None = None,
                locate: LocateInTemplates = _first_line_of,
                unpublished: dict[str, str] | None = None, renamed: dict[str, str] | None = None,
                already_reported: set[str] = frozenset(), memo: LinkMemo | None = None) -> None:
    """Check links, fragments and required elements of every rendered page.

    `pages` maps URL -> (route, html); `known_facts` (URL -> facts) holds the
    facts of pages already read where they were rendered, whose html may be
    None (the page waits on disk). A broken link is reported at the
    Markdown line that holds it when there is one, at the configuration line
    for links that come from site_config.yaml (`config_links`: href -> (file,
    line)), otherwise once per template line and target (`locate` finds the line).
    `unpublished` maps the URL of a page left out of this build to why ('which
    is a draft (...)'); `renamed` a static file's URL to its fingerprinted one.
    Links of the layout that many pages share are checked once for all of them.
    `memo`, kept between builds, skips the pages that passed and still must.
    """
    config_links = config_links or {}
    unpublished = unpublished or {}
    renamed = renamed or {}
    # The live preview passes the cache of its previous rebuild: an unchanged
    # page is the same string, whose hash Python keeps, so its facts are a lookup.
    previous = facts_cache.copy() if facts_cache is not None else {}
    layouts: dict[str, LayoutFacts] = {}
    facts_by_url = {}
    known_facts = known_facts or {}
    for url, (route, page_html) in pages.items():
        if route.is_html:
            facts = known_facts.get(url) or previous.get(page_html)
            facts_by_url[url] = facts if facts is not None else page_facts(page_html, layouts)
    if facts_cache is not None:
        facts_cache.clear()
        facts_cache.update((pages[url][1], facts) for url, facts in facts_by_url.items() if pages[url][1] is not None)
    ids_by_url = _IdsByUrl(facts_by_url)
    suggestions = LinkSuggestions(pages)
    reported_template_problems: set[tuple[str, str]] = set()
    reported_config_links: set[str] = set()
    resolved_links: dict = {}
    passing = memo.still_passing(pages, static_urls, already_reported, facts_by_url) if memo is not None else set()
    needs_of: dict[str, tuple[set[str], set[str]]] = {}  # URL -> (link targets, targets of #fragments) of pages checked
    failed: set[str] = set()

    def problem_of(href: str, url: str, needs: tuple[set[str], set[str]] | None = None) -> str:
        # Most links (menu, footer, cards) repeat on every page: resolve each once.
        key = href if _page_independent(href) else (href, url)
        resolved = resolved_links.get(key, _UNRESOLVED)
        if resolved is _UNRESOLVED:
            resolved = resolved_links[key] = _resolve(href, url)
        if needs is not None and resolved is not None and not isinstance(resolved, _Malformed):
            needs[0].add(resolved[0])
            if resolved[1]:
                needs[1].add(resolved[0])
        if resolved is None or (not isinstance(resolved, _Malformed) and resolved[0] in already_reported):
            return ""  # no link, or an image the images stage reported already
        return _link_problem(href, resolved, pages, static_urls, ids_by_url, suggestions, unpublished, renamed)

    def report(route: Route, href: str, problem: str) -> None:
        if href in config_links:
            if href not in reported_config_links:
                reported_config_links.add(href)
                path, line = config_links[href]
                errors.add(path, line, 0, problem)
        else:
            _report_link(route, href, problem, errors, reported_template_problems, locate)

    pages_by_layout: dict[LayoutFacts, list[str]] = {}
    for url, facts in facts_by_url.items():
        for part in facts.shared:
            pages_by_layout.setdefault(part, []).append(url)
        if url in passing:
            continue
        needs = needs_of[url] = (set(), set()) if memo is not None else None  # noted only to be kept
        route = pages[url][0]
        for what in facts.missing:
            failed.add(url)
            if (route.template, what) not in reported_template_problems:
                reported_template_problems.add((route.template, what))
                errors.add(f"templates/{route.template_file}", 1, 0,
                           f"pages made with this template lack {what} (first seen on {url})",
                           f"keep {{% extends \"base.html\" %}} on its first line, or give it {what}")
        h1_count = facts.h1_count + sum(part.h1_count for part in facts.shared)
        if h1_count != 1:
            failed.add(url)
            _report_h1(route, h1_count, errors, reported_template_problems, locate)
        for href in facts.links:
            problem = problem_of(href, url, needs)
            if problem:
                failed.add(url)
                report(route, href, problem)
    # The layout around <main> (menu, footer) is shared by many pages: a link
    # that leads to the same place from every page is checked once for all.
    for part, urls in pages_by_layout.items():
        for href in part.links:
            independent = _page_independent(href)
            if independent and not problem_of(href, urls[0]):
                continue
            for url in urls:
                if independent:  # checked on every build, for all pages alike
                    problem = problem_of(href, url)
                elif url in passing:
                    continue
                else:
                    problem = problem_of(href, url, needs_of[url])
                    if problem:
                        failed.add(url)
                if problem:
                    report(pages[url][0], href, problem)
    if memo is not None:
        for url, (targets, fragment_targets) in needs_of.items():
            if url not in failed:
                memo.passed(url, facts_by_url[url], targets, fragment_targets)
        memo.note_target_ids(facts_by_url)


class _IdsByUrl:
    """URL -> every id on that page, worked out for the pages a #fragment names."""

    __slots__ = ("_facts", "_ids")

    def __init__(self, facts_by_url: dict[str, PageFacts]):
        self._facts, self._ids = facts_by_url, {}

    def get(self, url: str, default=()):
        ids = self._ids.get(url)
        if ids is None:
            facts = self._facts.get(url)
            if facts is None:
                return default
            ids = self._ids[url] = facts.all_ids()
        return ids


class KeptPageFacts:
    """A page's facts with the digest of its HTML (`token`), as the build store gives them.

    The layout parts (`shared`) are at hand; the page's own facts are read
    from the store (`read`) when first asked for, so a page that passes the
    link check unread (LinkMemo) is never decoded.
    """

    __slots__ = ("token", "shared", "_own", "_read")

    def __init__(self, token: str, shared: tuple[LayoutFacts, ...], own: PageFacts | None = None,
                 read: Callable[[], PageFacts] | None = None):
        self.token, self.shared, self._own, self._read = token, shared, own, read

    def _facts(self) -> PageFacts:
        if self._own is None:
            self._own, self._read = self._read(), None
        return self._own

    @property
    def ids(self) -> frozenset[str]:
        return self._facts().ids

    @property
    def links(self) -> frozenset[str]:
        return self._facts().links

    @property
    def missing(self) -> tuple[str, ...]:
        return self._facts().missing

    @property
    def h1_count(self) -> int:
        return self._facts().h1_count

    def all_ids(self) -> frozenset[str]:
        ids = self._facts().ids
        return ids.union(*(part.ids for part in self.shared)) if self.shared else ids


def _token(facts) -> object:
    """What stands for a page's facts in the memo: its HTML's digest where known, else the facts themselves."""
    return facts.token if type(facts) is KeptPageFacts else facts


class LinkMemo:
    """The pages check_pages found nothing wrong with, kept between builds.

    A page passes when it has the required elements, one <h1>, and none of its
    own links or of the relative links of its layout has a problem. Whether a
    link has one depends only on the link, its page's URL and its target:
    whether that is a page, a static file or an image reported already, and,
    for a link with a #fragment, the ids on that page. So a page with the same
    facts as when it passed passes again until one of its targets changes in
    one of those ways. Every other page is checked as in a clean build, in the
    same order, and a page that passes reports nothing: the messages are the same.

    The live preview keeps it in memory, with the facts themselves standing for
    a page; `python build.py` keeps it in the build store (`to_text`,
    `from_text`), with the digest of each page's HTML standing for its facts.
    """

    def __init__(self):
        self._passed: dict[str, tuple[object, frozenset[str], frozenset[str]]] = {}  # URL -> (token, targets,
        #                                                                              targets of #fragments)
        self._needing: dict[str, set[str]] = {}  # target -> the passed pages that link to it
        self._needing_ids: dict[str, set[str]] = {}  # target -> the passed pages that link to an id on it
        self._seen: tuple[frozenset, ...] = (frozenset(), frozenset(), frozenset())  # pages, static files, reported
        self._target_ids: dict[str, tuple[object, frozenset[str]]] = {}  # #fragment target -> (token, its ids)

    def still_passing(self, pages, static_urls, reported, facts_by_url: dict) -> set[str]:
        """The URLs of the pages that pass without being checked again; forgets the others."""
        seen = (frozenset(pages), frozenset(static_urls), frozenset(reported))
        stale: set[str] = set()
        for now, before in zip(seen, self._seen):
            for target in now ^ before:  # gone or new
                stale.update(self._needing.get(target, ()))
        for url, (token, ids) in self._target_ids.items():
            facts = facts_by_url.get(url)
            if facts is None or (_token(facts) != token and facts.all_ids() != ids):
                stale.update(self._needing_ids.get(url, ()))
        self._seen = seen
        passing = set()
        for url, (token, _, _) in self._passed.items():
            facts = facts_by_url.get(url)
            if url not in stale and facts is not None and _token(facts) == token:
                passing.add(url)
        for url in [url for url in self._passed if url not in passing]:
            self._forget(url)
        return passing

    def passed(self, url: str, facts, targets: set[str], fragment_targets: set[str]) -> None:
        self._forget(url)
        self._passed[url] = (_token(facts), frozenset(targets), frozenset(fragment_targets))
        for target in targets:
            self._needing.setdefault(target, set()).add(url)
        for target in fragment_targets:
            self._needing_ids.setdefault(target, set()).add(url)

    def note_target_ids(self, facts_by_url: dict) -> None:
        """Remember the ids of the pages passed pages link to with a #fragment, to tell when they change.

        Most are the pages themselves (their table of contents): a page whose
        token is the one noted has the ids noted, and is not read again.
        """
        noted = {}
        for url in self._needing_ids:
            facts = facts_by_url.get(url)
            if facts is not None:
                token, before = _token(facts), self._target_ids.get(url)
                noted[url] = before if before is not None and before[0] == token else (token, facts.all_ids())
        self._target_ids = noted

    def to_text(self) -> str:
        """The memo as JSON, for the build store: the pages whose token is their HTML's digest."""
        def kept(token) -> bool:
            return type(token) is str

        return json.dumps({
            "seen": [sorted(urls) for urls in self._seen],
            "passed": {url: [token, sorted(targets), sorted(fragment_targets)]
                       for url, (token, targets, fragment_targets) in self._passed.items() if kept(token)},
            "target_ids": {url: [token, sorted(ids)] for url, (token, ids) in self._target_ids.items() if kept(token)},
        }, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> "LinkMemo":
        """The memo `to_text` wrote; an empty one for anything else (no text, a damaged one)."""
        memo = cls()
        if not text:
            return memo
        try:
            kept = json.loads(text)
            seen = tuple(frozenset(_strings(urls)) for urls in kept["seen"])
            target_ids = {str(url): (str(token), frozenset(_strings(ids))) for url, (token, ids) in
                          kept["target_ids"].items()}
            passed = [(str(url), str(token), _strings(targets), _strings(fragment_targets))
                      for url, (token, targets, fragment_targets) in kept["passed"].items()]
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return memo
        if len(seen) != 3:
            return memo
        memo._seen, memo._target_ids = seen, target_ids
        for url, token, targets, fragment_targets in passed:
            memo._passed[url] = (token, frozenset(targets), frozenset(fragment_targets))
            for target in targets:
                memo._needing.setdefault(target, set()).add(url)
            for target in fragment_targets:
                memo._needing_ids.setdefault(target, set()).add(url)
        return memo

    def _forget(self, url: str) -> None:
        entry = self._passed.pop(url, None)
        if entry is not None:
            for index, targets in ((self._needing, entry[1]), (self._needing_ids, entry[2])):
                for target in targets:
                    urls = index.get(target)
                    if urls is not None:
                        urls.discard(url)
                        if not urls:
                            del index[target]


def _strings(items) -> list[str]:
    if not isinstance(items, list) or not all(type(item) is str for item in items):
        raise TypeError("not a list of text")
    return items


def _link_problem(href: str, resolved: tuple[str, str] | _Malformed, pages, static_urls: set[str],
                  ids_by_url, suggestions: LinkSuggestions,
                  unpublished: dict | None = None, renamed: dict | None = None) -> str:
    """What is wrong with an internal link, or '' if it leads somewhere."""
    if isinstance(resolved, _Malformed):
        return f"the link '{href}' is not a valid address ({resolved})"
    target, fragment = resolved
    if target in pages:
        if fragment and fragment not in ids_by_url.get(target, ()):
            problem = f"the link '{href}' leads to no heading or id '#{fragment}' on {target}"
            suggestion = did_you_mean(fragment, ids_by_url.get(target, ()))
            if suggestion:
                problem += f"; {suggestion.replace(chr(39), chr(39) + '#', 1)}"
            return problem
        return ""
    if target in static_urls:
        return f"the link '{href}' has a #fragment, but {target} is not a page" if fragment else ""
    if target + "/" in pages:
        return f"the link '{href}' leads to no page; did you mean '{target}/'?"
    return _missing_target(href, target, pages, static_urls, unpublished or {}, renamed, suggestions)


# A link that starts with a host name: 'www.example.com/x', 'example.org'.
_HOST_NAME = re.compile(r"^(?:www\d?\.[a-z0-9-]+(?:\.[a-z0-9-]+)*|[a-z0-9-]+(?:\.[a-z0-9-]+)*"
                        r"\.(?:com|org|net|edu|gov|info|biz|io|co|us|uk|ca|health|care|clinic))(?:[/:?#]|$)",
                        re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def _missing_target(href: str, target: str, pages, static_urls: set[str], unpublished: dict,
                    renamed: dict | None = None, suggestions=None) -> str:
    """What is wrong with a link to nothing, said as specifically as we can."""
    raw = html.unescape(href)
    if renamed and target in renamed:
        return (f"the link '{href}' leads to no page on this site: static{target} is published as "
                f"{renamed[target]}; in a template, write asset_url('{target}')")
    if _HOST_NAME.match(raw) and not raw.endswith((".html", ".htm")):
        return (f"the link '{raw}' has no https://, so it leads to a page of this site; "
                f"links to other sites start with https://, e.g. https://{raw}")
    if target.endswith(".md"):
        stem = target.rsplit("/", 1)[-1][:-3]
        found = sorted(url for url in pages if url.endswith(f"/{stem}/"))
        page = found[0] if found else ("/" if stem == "index" else f"/{stem}/")
        return f"the link '{href}' names a Markdown file; link to the page's address instead, e.g. '{page}'"
    for candidate in (target, target + "/"):
        if candidate in unpublished:
            return f"the link '{href}' leads to {candidate}, {unpublished[candidate]}"
    if _FILE_SUFFIX.search(target) and not target.endswith((".html", ".htm")):
        problem = f"the file '{target}' does not exist: there is no static{target}"
        suggestion = did_you_mean(target, static_urls)
        if not suggestion:  # compare the file names alone, wherever they are
            names = {url.rsplit("/", 1)[-1]: url for url in sorted(static_urls)}
            close = get_close_matches(target.rsplit("/", 1)[-1], list(names), n=1, cutoff=0.6)
            suggestion = f"did you mean '{names[close[0]]}'?" if close else ""
        return f"{problem}; {suggestion or 'put the file in static/ or correct the path'}"
    problem = f"the link '{href}' leads to no page on this site"
    suggestion = suggestions.hint(target) if suggestions is not None else did_you_mean(target, pages)
    return f"{problem}; {suggestion}" if suggestion else problem


def _report_link(route: Route, href: str, problem: str, errors: ErrorCollector, seen: set,
                 locate: LocateInTemplates) -> None:
    raw = html.unescape(href)
    for path, text, first_line in route.markdown_sources:
        for needle in (f"]({raw}", f"({raw}", f'"{raw}"', raw):
            index = text.find(needle)
            if index >= 0:
                errors.add(path, first_line + text.count("\n", 0, index), 0, problem)
                return
    path, line = locate(f'"{href}"', route.template_file)
    if (path, line, href) not in seen:
        seen.add((path, line, href))
        errors.add(path, line, 0, f"{problem} (first seen on {route.url})")


_MARKDOWN_H1 = re.compile(r"^(?:#[ \t]+\S|<h1[\s>])|^[^\n]+\n=+[ \t]*$", re.MULTILINE | re.IGNORECASE)


def _report_h1(route: Route, count: int, errors: ErrorCollector, seen: set, locate: LocateInTemplates) -> None:
    """Blame a heading written in Markdown when there is one, else the template."""
    hint = "the title is the page's only h1; start headings in the text with ##"
    for path, text, first_line in route.markdown_sources:
        match = _MARKDOWN_H1.search(text)
        if match:
            line = first_line + text.count("\n", 0, match.start())
            errors.add(path, line, 0, f"a level-1 heading here makes {count} <h1> headings on {route.url}", hint)
            return
    path, line = locate("<h1", route.template_file)
    if (path, line, "h1") not in seen:
        seen.add((path, line, "h1"))
        errors.add(path, line, 0, f"{route.url} has {count} <h1> headings; a page needs exactly one")
