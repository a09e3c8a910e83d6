"""Every output path, planned before anything is rendered.

One function maps a URL to its file in output/; collisions between two
sources and URLs that would escape output/ are errors naming the sources.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import ErrorCollector
from .models import Document
from .writer import MARKER

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


def _collision(route: Route, other: Route) -> str:
    sources = f"by {other.source} and by {route.source}"
    if route.url == other.url:
        return f"{route.url} is produced twice: {sources}"
    if route.output_path == other.output_path:
        return f"{other.url} and {route.url} are the same file, {route.output_path}: produced {sources}"
    return (f"{other.url} and {route.url} differ only in letter case, so they are one file on macOS and Windows: "
            f"produced {sources}")


def fold(path: str) -> str:
    """A path as a case-folding disk sees it: letter case and Unicode composition ignored."""
    return unicodedata.normalize("NFC", path).casefold()


@lru_cache(maxsize=1 << 16)  # pure, like url_problem
def _folded(output_path: str) -> tuple[str, tuple[str, ...]]:
    """(the path folded, each folder it needs folded, outermost first)."""
    parts = output_path.split("/")[:-1]
    return fold(output_path), tuple(fold("/".join(parts[:end])) for end in range(1, len(parts) + 1))


def output_path_for(url: str) -> str:
    """/ -> index.html, /services/x/ -> services/x/index.html, /404.html -> 404.html."""
    if url.endswith("/"):
        return url[1:] + "index.html"
    return url[1:]


MAX_NAME = 255  # bytes in a file or folder name on the usual file systems (the URL's characters are ASCII)


@lru_cache(maxsize=1 << 16)  # a pure function of its text: the preview plans the same URLs on every rebuild
def url_problem(url: str) -> str:
    """Why a URL cannot be used for a page, or '' when it can."""
    if not url.startswith("/") or "\\" in url or "//" in url:
        return "must start with a single / and use / between parts"
    if any(part in (".", "..") for part in url.split("/")):
        return "may not contain '.' or '..' parts"
    if any(part.startswith(".") and part != ".well-known" for part in url.split("/")):
        return ("may not have parts starting with '.': hosts hide such files, and the output folder keeps its "
                f"{MARKER} file there")
    if not _SAFE_URL.fullmatch(url):
        return "may only use letters, digits, '-', '_', '.' and '~', and must end with / or .html"
    if any(len(part) > MAX_NAME for part in url.split("/")):
        return f"has a part between slashes longer than {MAX_NAME} characters, too long for a file name; shorten it"
    return ""


class RoutePlan:
    """URL -> Route, filled once, checked as it is filled (all routes, then the static files).

    Collisions are decided on the files the routes write, compared without
    letter case (editors' disks on macOS and Windows fold it): /about/ and
    /about/index.html are one file, and so are /about/ and /About/. A file
    where another route needs a folder collides too.
    """

    def __init__(self, errors: ErrorCollector):
        self.routes: dict[str, Route] = {}
        self.errors = errors
        # folded output path -> (source, its route, or None for a static file)
        self._files: dict[str, tuple[str, Route | None]] = {}
        self._folders: dict[str, tuple[str, Route | None]] = {}  # folded folder -> first file needing it

    def add(self, route: Route) -> None:
        problem = url_problem(route.url)
        if problem:
            self.errors.add(route.source, route.line, 0, f"the URL '{route.url}' {problem}")
            return
        output_path = output_path_for(route.url)
        folded, folders = _folded(output_path)
        other = self.routes.get(route.url)
        if other is None:
            taken = self._files.get(folded)
            other = taken[1] if taken else None
        if other is not None:
            # Blame the side an editor chose (a page's file name or url), with its line.
            blamed = other if isinstance(other.record, Document) and not isinstance(route.record, Document) else route
            self.errors.add(blamed.source, blamed.line, 0, _collision(route, other),
                            "give one of them another file name or url" + (
                                ", and write addresses in lowercase" if output_path != other.output_path else ""))
            if blamed is route:
                return
            # The page keeps the generated one from its place, so links to it are not reported too.
            del self.routes[other.url]
            del self._files[fold(other.output_path)]
        needing = self._folders.get(folded)
        clash = self._folder_clash(output_path, folders)
        if needing is not None or clash is not None:
            message = (f"{route.url} writes the file {output_path}, where {needing[1].url} needs a folder"
                       if needing is not None else
                       f"{route.url} needs the folder {clash[0]}/, where {clash[1]} writes a file")
            self.errors.add(route.source, route.line, 0, message, "give one of them another file name or url")
            return
        self.routes[route.url] = route
        self._claim(folded, folders, route.source, route)

    def add_static(self, relative: str, source: str) -> None:
        """A static file copied to `relative`; it may not take a page's file, or another's."""
        folded, folders = _folded(relative)
        taken = self._files.get(folded)
        if taken is not None:
            other_source, page = taken
            if page is not None and page.output_path == relative:
                message = f"this file would overwrite the page at {page.url}"
            elif page is not None:
                message = (f"this file and the page at {page.url} ({page.output_path}) differ only in letter case, "
                           "so one would overwrite the other on macOS and Windows")
            else:
                how = "letter case" if source.casefold() == other_source.casefold() else "how their accents are encoded"
                message = (f"this file and {other_source} differ only in {how}, "
                           "so one would overwrite the other on macOS and Windows")
            self.errors.add(source, 0, 0, message, "rename or move it")
            return
        needing = self._folders.get(folded)
        if needing is not None:
            what = f"the page at {needing[1].url}" if needing[1] is not None else needing[0]
            self.errors.add(source, 0, 0, f"this file stands where {what} needs a folder", "rename or move it")
            return
        clash = self._folder_clash(relative, folders)
        if clash is not None:
            self.errors.add(source, 0, 0, f"this file needs the folder {clash[0]}/, where {clash[1]} writes a file",
                            "rename or move it")
            return
        self._claim(folded, folders, source, None)

    def _folder_clash(self, output_path: str, folders: tuple[str, ...]) -> tuple[str, str] | None:
        """(folder, who writes a file there) when a folder `output_path` needs is another's file."""
        for end, folded in enumerate(folders, start=1):
            taken = self._files.get(folded)
            if taken is not None:
                return "/".join(output_path.split("/")[:end]), taken[1].url if taken[1] is not None else taken[0]
        return None

    def _claim(self, folded: str, folders: tuple[str, ...], source: str, route: Route | None) -> None:
        self._files[folded] = (source, route)
        for folder in folders:
            self._folders.setdefault(folder, (source, route))

    def __contains__(self, url: str) -> bool:
        return url in self.routes

    def __iter__(self):
        return iter(self.routes.values())

    def __len__(self) -> int:
        return len(self.routes)

    def breadcrumbs(self, url: str) -> list[tuple[str, str]]:
        """(title, url) of each ancestor page that exists, home first."""
        crumbs = []
        parts = [part for part in url.split("/") if part not in ("", ".")]  # as PurePosixPath reads a URL
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
