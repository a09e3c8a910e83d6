"""Share images (Open Graph / Twitter cards) for pages without a photo of their own.

Each card is 1200x630: the brand's primary colour with two soft circles, the
page title in large type, an accent rule and the clinic's name and tagline.
Cards are drawn with Pillow at build time and cached under a hash of
everything drawn on them, so an unchanged page's card is never drawn again.

Everything but the title is the same on every card, so it is drawn once per
build and each card adds its title to it. A card has few colours: four flat
ones (background, two circles, accent rule) and the text colour blended over
each at the edges of letters. So it is drawn in palette indices rather than
colours (which flat colour, plus how much text covers the pixel) and saved as
a PNG with a 256-colour palette of those blends: the same picture as a
full-colour drawing to within two levels of 255 at the edges of letters, with
a third of the bytes to compress and no per-row filters to choose, which
makes it seven times faster to save and 40% smaller.

The type is DejaVu Sans when it is installed (Debian's fonts-dejavu-core, in
/usr/share/fonts/truetype/dejavu/); otherwise Pillow's own scalable default
font, so the build never depends on a system font.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Callable

from .images import SOCIAL_SIZE

CARD_VERSION = "2"  # change when the drawing or the encoding changes, so cached cards are redrawn
FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
BOLD, REGULAR = "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"
MARGIN = 80
SHADES = 64  # shades of text over each flat colour: 4 flat colours x 64 = the 256 of a palette
PNG_LEVEL = 3  # zlib level: 6 makes a card a tenth smaller but takes twice as long


@dataclass(frozen=True, slots=True)
class Card:
    url: str  # /images/social/SLUG.HASH.png
    cache_name: str
    width: int
    height: int
    draw: Callable[[Path], None]


@lru_cache(maxsize=1 << 16)  # a pure function of its text: the preview's rebuilds name each card once
def _card_names(page_url: str, title: str, drawn_with: tuple[str, ...]) -> tuple[str, str]:
    """(address, cache name) of a card; `drawn_with` is the card version, then all but the title drawn on it."""
    version, *rest = drawn_with
    digest = hashlib.sha256("\n".join([version, title, *rest]).encode()).hexdigest()
    slug = page_url.strip("/").replace("/", "-").removesuffix(".html") or "home"
    return f"/images/social/{slug}.{digest[:10]}.png", f"card-{digest[:32]}.png"


def find_font(name: str) -> Path | None:
    for folder in FONT_FOLDERS:
        if (folder / name).is_file():
            return folder / name
    return None


class ShareCards:
    """The cards of one site build: what they all share is drawn once, on the first card drawn."""

    def __init__(self, site_name: str, tagline: str, colors):
        self.site_name, self.tagline = site_name, tagline
        self.primary, self.text, self.accent = (_rgb(c) for c in (colors.primary, colors.primary_text, colors.accent))
        self.bold, self.regular = find_font(BOLD), find_font(REGULAR)
        self._drawn_with = (site_name, tagline, colors.primary, colors.primary_text, colors.accent,
                            str(self.bold), str(self.regular))

    def card_for(self, page_url: str, title: str) -> Card:
        """The card of one page: its address, cache name and how to draw it."""
        names = _card_names(page_url, title, (CARD_VERSION, *self._drawn_with))
        return Card(*names, *SOCIAL_SIZE, partial(self.draw, title))

    def draw(self, title: str, target: Path) -> None:
        from PIL import Image, ImageChops, ImageDraw

        background, palette = self._background
        ink = Image.new("L", SOCIAL_SIZE, 0)
        draw = ImageDraw.Draw(ink)
        width = SOCIAL_SIZE[0] - 2 * MARGIN - 120
        size = 76
        font = _font(self.bold, size)
        lines = _wrap(draw, title, font, width)
        while len(lines) > 3 and size > 44:
            size -= 8
            font = _font(self.bold, size)
            lines = _wrap(draw, title, font, width)
        for number, line in enumerate(lines[:3]):
            draw.text((MARGIN, 150 + number * int(size * 1.2)), line, font=font, fill=SHADES - 1)
        card = ImageChops.add(background, ink)
        card.putpalette(palette)
        card.save(target, "PNG", compress_level=PNG_LEVEL)

    @cached_property
    def _background(self):
        """(palette index of each pixel without the title, palette), drawn once per build.

        An index is a flat colour's first entry (a multiple of SHADES) plus how
        much text covers the pixel (0-63): text drawn in "colour" 63 on a black
        layer leaves exactly that, with the edges of letters in between.
        """
        from PIL import Image, ImageChops, ImageDraw

        width, height = SOCIAL_SIZE
        # A calm, abstract touch: two soft circles in the text colour, mostly off the card.
        colours = [self.primary, _over(self.primary, self.text, 22), _over(self.primary, self.accent, 90), self.accent]
        flat = Image.new("L", SOCIAL_SIZE, 0)
        shapes = ImageDraw.Draw(flat)
        shapes.ellipse((width - 360, -200, width + 240, 400), fill=1 * SHADES)
        shapes.ellipse((width - 220, height - 260, width + 180, height + 140), fill=2 * SHADES)
        shapes.rectangle((MARGIN, height - 170, MARGIN + 120, height - 162), fill=3 * SHADES)
        ink = Image.new("L", SOCIAL_SIZE, 0)
        draw = ImageDraw.Draw(ink)
        draw.text((MARGIN, height - 140), self.site_name, font=_font(self.bold, 40), fill=SHADES - 1)
        small = _font(self.regular, 26)
        tagline_lines = _wrap(draw, self.tagline, small, width - 2 * MARGIN - 200)[:1]
        if tagline_lines:
            draw.text((MARGIN, height - 85), tagline_lines[0], font=small, fill=SHADES - 1)
        palette = [channel for colour in colours for shade in range(SHADES)
                   for channel in _over(colour, self.text, shade * 255 / (SHADES - 1))]
        return ImageChops.add(flat, ink), palette


def _font(path: Path | None, size: int):
    from PIL import ImageFont

    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size)  # Pillow's bundled scalable font
    except (TypeError, OSError, ImportError):
        return ImageFont.load_default()


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _rgb(color: str) -> tuple[int, int, int]:
    """#rrggbb or #rgb (the forms the configuration accepts) as numbers."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(digit * 2 for digit in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _over(base: tuple[int, int, int], top: tuple[int, int, int], alpha: float) -> tuple[int, int, int]:
    """`top` laid over `base` with opacity alpha/255, as Pillow composites."""
    return tuple(round(b + (t - b) * alpha / 255) for b, t in zip(base, top))
