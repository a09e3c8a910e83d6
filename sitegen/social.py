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
makes it seven times faster to save and 40% smaller. And only the rows the
title's letters are in differ from card to card, so the PNG is written here
rather than by Pillow: the background is compressed once per build, in pieces
of PIECE_ROWS rows that each end on a whole byte, and a card compresses anew
only the rows its letters are in and puts the other pieces around them as they
are. That halves the time a card takes, for the same picture and size.

The type is DejaVu Sans when it is installed (Debian's fonts-dejavu-core, in
/usr/share/fonts/truetype/dejavu/); otherwise Pillow's own scalable default
font, so the build never depends on a system font.
"""
from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Callable

from .images import SOCIAL_SIZE

CARD_VERSION = "3"  # change when the drawing or the encoding changes, so cached cards are redrawn
FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
BOLD, REGULAR = "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"
MARGIN = 80
SHADES = 64  # shades of text over each flat colour: 4 flat colours x 64 = the 256 of a palette
PNG_LEVEL = 3  # zlib level: 6 makes a card a tenth smaller but takes twice as long
PIECE_ROWS = 15  # rows compressed together: a card compresses anew only the pieces its title is in


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
        from PIL import Image, ImageDraw

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
        target.write_bytes(self._png(ink))

    def _png(self, ink) -> bytes:
        """The background with the title's `ink` added, as a PNG: only the pieces with text compressed here."""
        from PIL import ImageChops

        background, _ = self._background
        fixed = self._fixed_rows
        width, height = SOCIAL_SIZE
        box = ink.getbbox() or (0, 0, 0, 0)  # no text: no rows to compress
        first, last = box[1] // PIECE_ROWS, (box[3] + PIECE_ROWS - 1) // PIECE_ROWS  # the pieces the text is in
        top, bottom = first * PIECE_ROWS, min(last * PIECE_ROWS, height)
        rows = background.crop((0, top, width, bottom))
        if box[3]:  # the text covers a small part of the rows: add it there only
            rows.paste(ImageChops.add(background.crop(box), ink.crop(box)), (box[0], box[1] - top))
        scanlines = _scanlines(rows.tobytes())
        # One zlib stream: its header, deflate blocks in pieces that each end on a byte, an empty final
        # block, and the Adler-32 of all the scanlines (those after the text are width + 1 bytes a row).
        checksum = _adler32_combine(zlib.adler32(scanlines, fixed.adler_before[first]), fixed.adler_after[last],
                                    (height - bottom) * (width + 1))
        stream = b"".join((fixed.zlib_header, *fixed.pieces[:first], _deflate(scanlines), *fixed.pieces[last:],
                           fixed.last_block, checksum.to_bytes(4, "big")))
        return b"".join((fixed.head, _chunk(b"IDAT", stream), _chunk(b"IEND", b"")))

    @cached_property
    def _fixed_rows(self) -> "_FixedRows":
        """What the PNGs of all cards share: chunks, and the background's pieces of rows compressed."""
        background, palette = self._background
        width, height = SOCIAL_SIZE
        pieces = [_scanlines(background.crop((0, top, width, min(top + PIECE_ROWS, height))).tobytes())
                  for top in range(0, height, PIECE_ROWS)]
        adler_before, adler_after, size_after = [1], [1], 0  # the Adler-32 of nothing is 1
        for piece in pieces:
            adler_before.append(zlib.adler32(piece, adler_before[-1]))
        for piece in reversed(pieces):
            adler_after.insert(0, _adler32_combine(zlib.adler32(piece), adler_after[0], size_after))
            size_after += len(piece)
        header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit palette indices, not interlaced
        return _FixedRows(
            head=b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"PLTE", bytes(palette)),
            zlib_header=zlib.compress(b"", PNG_LEVEL)[:2],  # for a 32K window, as _deflate's
            pieces=tuple(_deflate(piece) for piece in pieces),
            last_block=zlib.compressobj(PNG_LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH),  # empty, final
            adler_before=tuple(adler_before), adler_after=tuple(adler_after))

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


@dataclass(frozen=True, slots=True)
class _FixedRows:
    head: bytes  # PNG signature, IHDR and PLTE
    zlib_header: bytes
    pieces: tuple[bytes, ...]  # each PIECE_ROWS rows of the background deflated on their own, ending on a byte
    last_block: bytes
    adler_before: tuple[int, ...]  # [n]: Adler-32 of the scanlines of the first n pieces
    adler_after: tuple[int, ...]  # [n]: of the pieces from the nth on


def _deflate(data: bytes) -> bytes:
    """Raw deflate blocks of `data`, flushed to end on a byte so that more blocks can follow."""
    compressor = zlib.compressobj(PNG_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _scanlines(indices: bytes) -> bytes:
    """PNG scanlines of full-width rows of palette indices: each with filter type 0 (none) in front."""
    width = SOCIAL_SIZE[0]
    return b"".join(b"\0" + indices[start:start + width] for start in range(0, len(indices), width))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _adler32_combine(first: int, second: int, second_size: int) -> int:
    """The Adler-32 of two byte strings one after the other, from each one's (zlib's adler32_combine)."""
    base = 65521
    low = ((first & 0xFFFF) + (second & 0xFFFF) - 1) % base
    high = ((first >> 16) + (second >> 16) + second_size * ((first & 0xFFFF) - 1)) % base
    return high << 16 | low


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
