"""Share cards saved as PNG files written by social.py itself: the same picture as
drawing the whole card with Pillow and saving it with Pillow, for any title."""
from __future__ import annotations

import struct
import zlib

import pytest
from PIL import Image, ImageChops, ImageDraw

from sitegen import social

MARKS_ABOVE = "".join(chr(code) for code in range(0x300, 0x315))  # combining accents, stacked upwards
MARKS_BELOW = "".join(chr(code) for code in range(0x316, 0x334))

TITLES = {
    "short": "Prenatal massage",
    "two lines": "Deep tissue massage for lower back pain",
    "shrunk to three lines": "Frequently asked questions about your first visit to the clinic and what to bring along",
    "longer than three lines": " ".join(["Relaxation and recovery massage for tired shoulders"] * 4),
    "non-ASCII": "Café — Massage für Rücken",
    "one word wider than the card": "Massage" * 12,
    "marks up to the top and into the footer": "A" + 2 * MARKS_ABOVE + "B" + 2 * MARKS_BELOW,
    "marks down to the last row": "Z" + MARKS_ABOVE + "al" + MARKS_BELOW + "go",
    "no text": "",
}


class Colours:
    primary, primary_text, accent = "#1d5c57", "#ffffff", "#a94a2a"


def reference_card(cards: social.ShareCards, title: str) -> tuple[Image.Image, Image.Image]:
    """(card, title ink) drawn the whole card at once with Pillow, as cards were before they were written in pieces."""
    background, palette = cards._background
    ink = Image.new("L", (1200, 630), 0)
    draw = ImageDraw.Draw(ink)
    size = 76
    font = social._font(cards.bold, size)
    lines = social._wrap(draw, title, font, 920)
    while len(lines) > 3 and size > 44:
        size -= 8
        font = social._font(cards.bold, size)
        lines = social._wrap(draw, title, font, 920)
    for number, line in enumerate(lines[:3]):
        draw.text((80, 150 + number * int(size * 1.2)), line, font=font, fill=63)
    card = ImageChops.add(background, ink)
    card.putpalette(palette)
    return card, ink


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG file, checking the signature and each chunk's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind, data = png[position + 4:position + 8], png[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        found.append((kind, data))
        position += 12 + length
    assert position == len(png)
    return found


@pytest.fixture(scope="module")
def cards():
    return social.ShareCards("Hand in Health", "Massage in Syracuse", Colours)


@pytest.mark.parametrize("name", TITLES)
def test_a_card_is_the_picture_pillow_draws_and_saves(cards, tmp_path, name):
    title = TITLES[name]
    cards.card_for("/page/", title).draw(tmp_path / "card.png")
    reference, _ = reference_card(cards, title)
    with Image.open(tmp_path / "card.png") as card:
        card.verify()
    with Image.open(tmp_path / "card.png") as card:
        card.load()
        assert (card.format, card.mode, card.size) == ("PNG", "P", (1200, 630))
        assert card.getpalette() == reference.getpalette()
        assert card.tobytes() == reference.tobytes()


@pytest.mark.skipif(social.find_font(social.BOLD) is None, reason="the sizes are those of DejaVu Sans Bold")
def test_the_titles_reach_every_part_of_the_card_the_text_can(cards):
    boxes = {name: reference_card(cards, title)[1].getbbox() for name, title in TITLES.items()}
    assert boxes["no text"] is None
    assert boxes["short"][1] >= 150 and boxes["short"][3] < 150 + 91  # one line
    assert boxes["shrunk to three lines"][3] > 150 + 2 * 68  # a third line, in smaller type
    assert boxes["one word wider than the card"][2] == 1200
    marks = boxes["marks up to the top and into the footer"]
    assert marks[1] == 0 and marks[3] > 630 - 140  # rows of the site's name below
    assert boxes["marks down to the last row"][3] == 630


@pytest.mark.parametrize("name", ["short", "shrunk to three lines", "marks up to the top and into the footer", "no text"])
def test_a_cards_image_data_is_one_zlib_stream_of_its_scanlines(cards, tmp_path, name):
    cards.card_for("/page/", TITLES[name]).draw(tmp_path / "card.png")
    found = chunks((tmp_path / "card.png").read_bytes())
    assert [kind for kind, _ in found] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    assert struct.unpack(">IIBBBBB", found[0][1]) == (1200, 630, 8, 3, 0, 0, 0)  # 8-bit palette, not interlaced
    reference, _ = reference_card(cards, TITLES[name])
    assert found[1][1] == bytes(reference.getpalette())
    pixels = reference.tobytes()
    scanlines = b"".join(b"\0" + pixels[row * 1200:(row + 1) * 1200] for row in range(630))
    decompressor = zlib.decompressobj()  # checks the Adler-32 at the end
    assert decompressor.decompress(found[2][1]) == scanlines
    assert decompressor.eof and not decompressor.unused_data


def test_a_card_drawn_with_pillows_own_font_is_the_same_picture_too(tmp_path, monkeypatch):
    monkeypatch.setattr(social, "FONT_FOLDERS", (tmp_path / "no-fonts",))
    cards = social.ShareCards("Clinic", "Tagline", Colours)
    title = TITLES["shrunk to three lines"]
    cards.card_for("/page/", title).draw(tmp_path / "card.png")
    with Image.open(tmp_path / "card.png") as card:
        card.load()
        assert card.tobytes() == reference_card(cards, title)[0].tobytes()
