"""Share images (Open Graph / Twitter cards) for pages without a photo of their own.

Each card is 1200x630: the brand's primary colour, the page title in large
type, an accent rule and the clinic's name. Cards are drawn with Pillow at
build time and cached under a hash of everything drawn on them, so an
unchanged page's card is never drawn again.

The type is DejaVu Sans when it is installed (Debian's fonts-dejavu-core, in
/usr/share/fonts/truetype/dejavu/); otherwise Pillow's own scalable default
font, so the build never depends on a system font.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .images import SOCIAL_SIZE

CARD_VERSION = "1"
FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
BOLD, REGULAR = "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"


@dataclass(frozen=True, slots=True)
class Card:
    url: str  # /images/social/SLUG.HASH.png
    cache_name: str
    width: int
    height: int
    draw: Callable[[Path], None]


def find_font(name: str) -> Path | None:
    for folder in FONT_FOLDERS:
        if (folder / name).is_file():
            return folder / name
    return None


def card_for(page_url: str, title: str, site_name: str, tagline: str, colors) -> Card:
    """The card of one page: its address, cache name and how to draw it."""
    bold, regular = find_font(BOLD), find_font(REGULAR)
    key_text = "\n".join([CARD_VERSION, title, site_name, tagline, colors.primary, colors.primary_text,
                          colors.accent, str(bold), str(regular)])
    digest = hashlib.sha256(key_text.encode()).hexdigest()
    slug = page_url.strip("/").replace("/", "-").removesuffix(".html") or "home"

    def draw(target: Path) -> None:
        _draw(target, title, site_name, tagline, colors, bold, regular)

    return Card(f"/images/social/{slug}.{digest[:10]}.png", f"card-{digest[:32]}.png", *SOCIAL_SIZE, draw)


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


def _draw(target: Path, title: str, site_name: str, tagline: str, colors, bold, regular) -> None:
    from PIL import Image, ImageDraw

    width, height = SOCIAL_SIZE
    margin = 80
    image = Image.new("RGB", SOCIAL_SIZE, colors.primary)
    draw = ImageDraw.Draw(image)
    # A calm, abstract touch: two soft circles in the text colour, mostly off the card.
    overlay = Image.new("RGBA", SOCIAL_SIZE, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    shapes.ellipse((width - 360, -200, width + 240, 400), fill=_rgba(colors.primary_text, 22))
    shapes.ellipse((width - 220, height - 260, width + 180, height + 140), fill=_rgba(colors.accent, 90))
    image.paste(overlay, (0, 0), overlay)
    draw = ImageDraw.Draw(image)

    size = 76
    font = _font(bold, size)
    lines = _wrap(draw, title, font, width - 2 * margin - 120)
    while len(lines) > 3 and size > 44:
        size -= 8
        font = _font(bold, size)
        lines = _wrap(draw, title, font, width - 2 * margin - 120)
    lines = lines[:3]
    y = 150
    for line in lines:
        draw.text((margin, y), line, font=font, fill=colors.primary_text)
        y += int(size * 1.2)
    draw.rectangle((margin, height - 170, margin + 120, height - 162), fill=colors.accent)
    draw.text((margin, height - 140), site_name, font=_font(bold, 40), fill=colors.primary_text)
    small = _font(regular, 26)
    tagline_lines = _wrap(draw, tagline, small, width - 2 * margin - 200)[:1]
    if tagline_lines:
        draw.text((margin, height - 85), tagline_lines[0], font=small, fill=colors.primary_text)
    image.save(target, "PNG", compress_level=6)


def _rgba(color: str, alpha: int) -> tuple[int, int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), alpha
