"""Rendering one page: a pure function of (route, site context) -> HTML."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jinja2
from markupsafe import Markup

from .models import Document, NavItem, TocEntry
from .routes import Route
from .schedule import EXPIRED, PUBLISHED, SCHEDULED, publication


@dataclass(frozen=True, slots=True)
class ShareImage:
    """`page.share_image`: the picture shown when the page is shared (absolute URL)."""

    url: str
    width: int
    height: int
    alt: str
    type: str


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What a template knows about the page it is rendering (`page`)."""

    title: str
    description: str
    url: str
    canonical_url: str
    kind: str
    template: str
    draft: bool
    date: date | None
    body_html: Markup
    toc: tuple[TocEntry, ...]
    breadcrumbs: tuple[NavItem, ...]
    # Components the page's Markdown placed ('call-to-action', ...): a layout does not add them again.
    components: frozenset[str] = frozenset()
    scheduled: bool = False  # dated after the build's day: shown only in the preview
    expired: bool = False  # past its `expires` date: shown only in the preview
    expires: date | None = None
    image: str | None = None  # the page's own photo (site address), for picture()
    image_alt: str = ""
    share_image: ShareImage | None = None  # Open Graph / Twitter card image


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """`build` in templates: facts about this build rather than the content."""

    year: int
    serving: bool
    drafts: bool
    today: date  # the day the site is built for (--today): upcoming holiday hours follow it


def page_info(route: Route, base_url: str, breadcrumbs: tuple[NavItem, ...],
              components: frozenset[str] = frozenset(), today: date | None = None,
              share_image: ShareImage | None = None) -> PageInfo:
    record = route.record
    document = record if isinstance(record, Document) else None
    state = publication(document, today or date.today()) if document else PUBLISHED
    body = getattr(record, "body_html", "") or ""
    return PageInfo(
        title=route.title,
        description=route.description,
        url=route.url,
        canonical_url=base_url + route.url,
        kind=route.kind,
        template=route.template,
        draft=bool(document and document.draft),
        date=document.date if document else None,
        body_html=Markup(body),
        toc=document.toc if document else (),
        breadcrumbs=breadcrumbs,
        components=components,
        scheduled=state == SCHEDULED,
        expired=state == EXPIRED,
        expires=document.expires if document else None,
        image=document.image if document else None,
        image_alt=document.image_alt if document else "",
        share_image=share_image,
    )


def render_page(template: jinja2.Template, route: Route, page: PageInfo, site_context: dict) -> str:
    """Render one page. Reads only its arguments; writes nothing."""
    variables = dict(site_context)
    variables["page"] = page
    if isinstance(route.record, Document):
        variables["document"] = route.record
    elif route.record is not None:  # an item of a collection, named as its declaration says ('service')
        variables[route.kind] = route.record
    return template.render(variables)
