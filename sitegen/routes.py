"""Every output path, planned before anything is rendered.

One function maps a URL to its file in output/; collisions between two
sources and URLs that would escape output/ are errors naming the sources.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .errors import ErrorCollector
from .models import Document

_SAFE_URL = re.compile(r"/(?:[A-Za-z0-9._~-]+/)*(?:[A-Za-z0-9._~-]+\.(?:html|xml|txt))?")


@dataclass(slots=True, eq=False)
class Route:
    """One page of the site: where it goes, what renders it, where it came from."""

    url: str
    kind: str
    template: str
    title: str
    description: str
    source: str  # the file that asked for this page, for messages
    line: int = 0
    record: object = None  # Document, Service, Condition or Location
    markdown_sources: list[tuple[str, str, int]] = field(default_factory=list)  # (path, text, first line)

    @property
    def output_path(self) -> str:
        return output_path_for(self.url)

    @property
    def template_file(self) -> str:
        """'page' -> 'page.html'; names with an extension ('sitemap.xml') stay as they are."""
        return self.template if "." in self.template else self.template + ".html"

    @property
    def is_html(self) -> bool:
        return self.url.endswith(("/", ".html"))


def output_path_for(url: str) -> str:
    """/ -> index.html, /services/x/ -> services/x/index.html, /404.html -> 404.html."""
    if url.endswith("/"):
        return url[1:] + "index.html"
    return url[1:]


def url_problem(url: str) -> str:
    """Why a URL cannot be used for a page, or '' when it can."""
    if not url.startswith("/") or "\\" in url or "//" in url:
        return "must start with a single / and use / between parts"
    if any(part in (".", "..") for part in url.split("/")):
        return "may not contain '.' or '..' parts"
    if not _SAFE_URL.fullmatch(url):
        return "may only use letters, digits, '-', '_', '.' and '~', and must end with / or .html"
    return ""


class RoutePlan:
    """URL -> Route, filled once, checked as it is filled."""

    def __init__(self, errors: ErrorCollector):
        self.routes: dict[str, Route] = {}
        self.errors = errors

    def add(self, route: Route) -> None:
        problem = url_problem(route.url)
        if problem:
            self.errors.add(route.source, route.line, 0, f"the URL '{route.url}' {problem}")
            return
        other = self.routes.get(route.url)
        if other is not None:
            # Blame the side an editor chose (a page's file name or url), with its line.
            blamed = other if isinstance(other.record, Document) and not isinstance(route.record, Document) else route
            self.errors.add(blamed.source, blamed.line, 0,
                            f"{route.url} is produced twice: by {other.source} and by {route.source}",
                            "give one of them another file name or url")
            return
        self.routes[route.url] = route

    def __contains__(self, url: str) -> bool:
        return url in self.routes

    def __iter__(self):
        return iter(self.routes.values())

    def __len__(self) -> int:
        return len(self.routes)

    def breadcrumbs(self, url: str) -> list[tuple[str, str]]:
        """(title, url) of each ancestor page that exists, home first."""
        crumbs = []
        parts = PurePosixPath(url).parts[1:] if url != "/" else ()
        prefix = "/"
        candidates = ["/"] + [prefix + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
        for candidate in candidates:
            route = self.routes.get(candidate)
            if route is not None and candidate != url:
                crumbs.append((route.title, candidate))
        return crumbs


def document_route(document: Document) -> Route:
    return Route(document.url, document.kind, document.template, document.title, document.description,
                 document.source, 1, document, [(document.source, document.body_markdown, document.body_line)])
