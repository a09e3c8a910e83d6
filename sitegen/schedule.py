"""Which pages a build publishes on its day: drafts, scheduled and expired pages.

A page with `draft: true` is never published; one whose `date` is after the
build's day is scheduled, published from that day; one whose `expires` date
has passed is expired. Builds that include drafts (the preview, `--drafts`)
show all of them, marked.
"""
from __future__ import annotations

from datetime import date

from .errors import ErrorCollector
from .models import Document

PUBLISHED, DRAFT, SCHEDULED, EXPIRED = "published", "draft", "scheduled", "expired"


def publication(document: Document, today: date) -> str:
    """Whether a document is published on `today`, or why not."""
    if document.draft:
        return DRAFT
    if document.date is not None and document.date > today:
        return SCHEDULED
    if document.expires is not None and document.expires < today:
        return EXPIRED
    return PUBLISHED


def why_unpublished(document: Document, today: date) -> str:
    """Why a page is left out, for messages: 'which is a draft (content/pages/x.md has draft: true)'."""
    state = publication(document, today)
    if state == DRAFT:
        return f"which is a draft ({document.source} has draft: true)"
    if state == SCHEDULED:
        return f"which is scheduled for {document.date.isoformat()} and not published yet ({document.source})"
    return f"which expired on {document.expires.isoformat()} ({document.source})"


def far_future_warnings(documents: list[Document], today: date, errors: ErrorCollector) -> None:
    """A date more than a year ahead hides its page for that long: most likely a mistyped year."""
    for document in documents:
        if document.date is not None and (document.date - today).days > 366 and not document.draft:
            errors.warn(document.source, document.key_lines.get("date", 1), 0,
                        f"date: {document.date.isoformat()} is more than a year away, so the page stays unpublished "
                        "until then", "check the year")
