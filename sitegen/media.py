"""The images stage of the pipeline: photos checked, Markdown images placed, share images planned.

images.py knows photos and their variants, social.py draws share cards; this
module applies them to the pages of one build.
"""
from __future__ import annotations

import html as html_module
import re

from .errors import ErrorCollector
from .images import DECORATIVE, ImageLibrary, ImageProblem, is_photo_url, picture_markup
from .models import Document
from .render import ShareImage
from .routes import Route
from .social import ShareCards


def check_page_images(documents: list[Document], library: ImageLibrary, errors: ErrorCollector) -> None:
    """Every `image:` in front matter names a readable photo and says what it shows."""
    for document in documents:
        if document.image is None:
            continue
        line = document.key_lines.get("image", 1)
        try:
            library.get(document.image)
        except ImageProblem as problem:
            errors.add(document.source, line, 0, problem.message, problem.hint)
            continue
        if not document.image_alt.strip():
            errors.add(document.source, line, 0, f"the image '{document.image}' has no description",
                       f"add image_alt: saying what it shows, or image_alt: {DECORATIVE}")


def check_data_images(records: dict[str, list], library: ImageLibrary, errors: ErrorCollector) -> None:
    """Every location's and team member's `photo:` names a readable photo; a location's says what it shows
    (a member's photo is described by their name unless photo_alt says more)."""
    for name, source, needs_alt in (("locations", "content/data/locations.yaml", True),
                                    ("team", "content/data/team.yaml", False)):
        for index, record in enumerate(records.get(name, [])):
            if record.photo is None:
                continue
            try:
                library.get(record.photo)
            except ImageProblem as problem:
                errors.add(source, record.photo_line, record.photo_column, f"{name}[{index}].photo: {problem.message}", problem.hint)
                continue
            if needs_alt and not record.photo_alt.strip():
                errors.add(source, record.photo_line, record.photo_column,
                           f"{name}[{index}].photo: '{record.photo}' has no description",
                           f"add photo_alt: saying what it shows, or photo_alt: {DECORATIVE}")


def _own_photo(route: Route, library: ImageLibrary):
    """(photo, alt) a page shows of its own: a page's `image`, a location's `photo`."""
    record = route.record
    address, alt = (record.image, record.image_alt) if isinstance(record, Document) else \
        (getattr(record, "photo", None), getattr(record, "photo_alt", ""))
    photo = library.photos.get(address) if address else None
    return photo, ("" if alt.strip().lower() == DECORATIVE else alt)


def plan_share_images(routes: list[Route], library: ImageLibrary, config) -> dict[str, ShareImage]:
    """URL -> share image of every HTML page: its own photo cropped, or a drawn card."""
    shares = {}
    cards = ShareCards(config.name, config.tagline, config.colors)
    for route in routes:
        if not route.is_html:
            continue
        photo, alt = _own_photo(route, library)
        if photo is not None:
            variant = library.want_social(photo)
            shares[route.url] = ShareImage(config.base_url + variant.url, variant.width, variant.height,
                                           alt or route.title, "image/jpeg")
        else:
            title = config.name if route.kind == "home" or route.url == "/" else route.title
            card = cards.card_for(route.url, title)
            library.add_generated(card.url, card.cache_name, card.draw)
            shares[route.url] = ShareImage(config.base_url + card.url, card.width, card.height,
                                           f"{title} — {config.name}", "image/png")
    return shares


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
MARKDOWN_SIZES = "(min-width: 48rem) 44rem, calc(100vw - 2rem)"


def place_images(html: str, markdown: str, source: str, first_line: int, library: ImageLibrary,
                 errors: ErrorCollector, first_eager: bool = False) -> str:
    """Replace each <img> of a photo in content/images/ with its <picture>.

    Problems (a missing or unreadable file, no alt text) are reported at the
    Markdown line that holds the image. `first_eager`: the page shows no image
    above this body, so its first photo is loaded at once rather than lazily.
    """
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        attributes = {name.lower(): html_module.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(0))}
        src = attributes.get("src", "")
        if not is_photo_url(src) or "srcset" in attributes:  # srcset: a component's <picture>, done already
            return match.group(0)
        index = markdown.find(src)
        line = first_line + (markdown.count("\n", 0, index) if index >= 0 else 0)
        try:
            # An empty alt here is one the converter made from `decorative`: a missing
            # description was reported by the converter already (authoring.py).
            alt = attributes.get("alt", "") or DECORATIVE
            picture = picture_markup(library.get(src), alt, MARKDOWN_SIZES,
                                     eager=first_eager and count == 0, css_class="prose-image")
        except ImageProblem as problem:
            errors.add(source, line, 0, problem.message, problem.hint)
            library.reported.add(src.split("#")[0].split("?")[0])  # so the link check does not say it again
            return match.group(0)
        count += 1
        return str(picture)

    return _IMG.sub(replace, html)
