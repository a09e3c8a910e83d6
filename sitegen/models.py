"""Plain data classes for everything a template can see.

These are the records the loaders produce after validation. Templates read them
as attributes; nothing here touches the disk or knows about Jinja.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the site navigation."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Colors:
    """Brand colours (hex strings such as '#1f5f5b')."""

    primary: str
    primary_text: str
    accent: str
    text: str
    background: str
    surface: str


@dataclass(frozen=True, slots=True)
class CallToAction:
    """Wording of the default call-to-action block."""

    heading: str
    text: str
    book_label: str
    call_label: str
    link: NavItem | None = None


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """Options for the Markdown converter."""

    smart_quotes: bool
    toc_depth: str
    allow_unsafe_html: bool


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated contents of site_config.yaml."""

    name: str
    tagline: str
    base_url: str
    language: str
    business_name: str
    booking_url: str
    navigation: tuple[NavItem, ...]
    colors: Colors
    cta: CallToAction
    markdown: MarkdownOptions
    footer_navigation: tuple[NavItem, ...] = ()
    currency: str = "USD"
    license_lookup_url: str | None = None
    repository: str | None = None  # owner/name on GitHub, for the web editor
    editor_auth_url: str | None = None  # the web editor's OAuth service


@dataclass(frozen=True, slots=True)
class Phone:
    """A North American phone number stored once, shown two ways."""

    digits: str  # ten digits, e.g. '3155550142'

    @property
    def e164(self) -> str:
        """'+13155550142', for tel: links."""
        return "+1" + self.digits

    @property
    def href(self) -> str:
        return "tel:" + self.e164

    @property
    def display(self) -> str:
        """'(315) 555-0142', for people."""
        d = self.digits
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"

    def __str__(self) -> str:
        return self.display


class HoursDisplay:
    """`closed` and `display` for anything with `opens` and `closes` ('09:00', or None when closed)."""

    __slots__ = ()

    @property
    def closed(self) -> bool:
        return self.opens is None

    @property
    def display(self) -> str:
        """'9:00 AM – 7:00 PM' or 'Closed'."""
        if self.opens is None or self.closes is None:
            return "Closed"
        return f"{_twelve_hour(self.opens)} – {_twelve_hour(self.closes)}"


@dataclass(frozen=True, slots=True)
class OpeningHours(HoursDisplay):
    """Opening hours of one weekday; opens/closes are None when closed."""

    day: str  # 'Monday'
    opens: str | None  # '09:00'
    closes: str | None  # '19:00'


def _twelve_hour(hhmm: str) -> str:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    suffix = "AM" if hours < 12 else "PM"
    return f"{(hours % 12) or 12}:{minutes:02d} {suffix}"


@dataclass(frozen=True, slots=True)
class Coordinates:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One row of the service comparison: a service field and its label."""

    field: str
    label: str


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(slots=True, eq=False)
class Document:
    """A Markdown page or article after its front matter was validated."""

    kind: str  # 'page' or 'article'
    source: str  # path relative to the site root, for messages
    title: str
    description: str
    template: str
    draft: bool
    date: date | None
    weight: int
    url: str
    body_markdown: str
    body_line: int  # line of the source where the body starts
    expires: date | None = None  # the last day it is published
    key_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line
    image: str | None = None  # site address of the page's photo (content/images/...)
    image_alt: str = ""
    body_html: str = ""
    toc: tuple[TocEntry, ...] = ()
    fields: dict = field(default_factory=dict)  # front-matter keys its collection declares beyond a page's
