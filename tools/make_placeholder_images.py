"""Draw the demo site's placeholder pictures into content/images/.

The clinic has not supplied photos yet. These calm flat illustrations (a
treatment room, the two buildings, a cup of tea; the brand's colours, no people,
no stock photos) hold their places. Every file name starts with `placeholder-`
and every alt text says "Placeholder illustration", so they are easy to find and
replace with the clinic's own photos (same names, or change the references).

    python tools/make_placeholder_images.py

Deterministic: the same script draws the same pictures.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
TEAL, DEEP, TERRACOTTA = (29, 92, 87), (20, 64, 61), (169, 74, 42)
SAND, WALL, FLOOR, MIST, WHITE = (236, 225, 205), (243, 236, 224), (222, 205, 178), (204, 226, 222), (252, 250, 246)


def soft(image: Image.Image, radius: float = 1.2) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def room(size) -> Image.Image:
    """A treatment room: arched window with a low sun, a massage table, a plant."""
    w, h = size
    image = Image.new("RGB", size, WALL)
    d = ImageDraw.Draw(image)
    d.rectangle((0, int(h * 0.72), w, h), fill=FLOOR)
    # Arched window.
    x0, x1, top, bottom = int(w * 0.52), int(w * 0.86), int(h * 0.12), int(h * 0.62)
    d.rounded_rectangle((x0, top, x1, bottom), radius=(x1 - x0) // 2, fill=MIST)
    d.ellipse((int(w * 0.62), int(h * 0.30), int(w * 0.76), int(h * 0.30) + int(w * 0.14)), fill=(232, 170, 140))
    d.rectangle((x0, int(h * 0.47), x1, bottom), fill=(178, 208, 202))
    d.line((((x0 + x1) // 2, top + 20), ((x0 + x1) // 2, bottom)), fill=WALL, width=max(6, w // 160))
    d.rectangle((x0 - 20, bottom, x1 + 20, bottom + h // 40), fill=SAND)
    # Massage table with a folded towel.
    t0, t1, ty = int(w * 0.10), int(w * 0.56), int(h * 0.58)
    d.rounded_rectangle((t0, ty, t1, ty + h // 14), radius=h // 40, fill=TEAL)
    for leg in (t0 + w // 30, t1 - w // 30 - w // 80):
        d.rectangle((leg, ty + h // 14, leg + w // 80, int(h * 0.86)), fill=DEEP)
    d.rounded_rectangle((t0 + w // 40, ty - h // 30, t0 + w // 6, ty + h // 80), radius=h // 60, fill=WHITE)
    # A plant in a terracotta pot.
    px = int(w * 0.86)
    d.polygon(((px - w // 28, int(h * 0.76)), (px + w // 28, int(h * 0.76)), (px + w // 40, int(h * 0.88)),
               (px - w // 40, int(h * 0.88))), fill=TERRACOTTA)
    for angle, dx, dy in ((-35, -60, -150), (0, 0, -190), (35, 60, -150), (-60, -90, -80), (60, 90, -80)):
        leaf = Image.new("RGBA", (w // 14, w // 5), (0, 0, 0, 0))
        ImageDraw.Draw(leaf).ellipse((0, 0, w // 14 - 1, w // 5 - 1), fill=(*TEAL, 255))
        leaf = leaf.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
        scale = w / 1600
        image.paste(leaf, (px - leaf.width // 2 + int(dx * scale), int(h * 0.76) - leaf.height // 2 + int(dy * scale)), leaf)
    return soft(image)


def building(size, storeys: int, shade, accent, sun_x: float) -> Image.Image:
    """A clinic building in a calm street: flat facade, windows, a door, a tree."""
    w, h = size
    image = Image.new("RGB", size, MIST)
    d = ImageDraw.Draw(image)
    d.ellipse((int(w * sun_x), int(h * 0.10), int(w * sun_x) + w // 9, int(h * 0.10) + w // 9), fill=(238, 190, 160))
    d.rectangle((0, int(h * 0.84), w, h), fill=FLOOR)
    left, right = int(w * 0.22), int(w * 0.78)
    floor_h = int(h * 0.6 / storeys)
    top = int(h * 0.84) - floor_h * storeys
    d.rectangle((left, top, right, int(h * 0.84)), fill=shade)
    d.rectangle((left - 12, top - 18, right + 12, top), fill=accent)
    for storey in range(storeys):
        y = top + storey * floor_h + floor_h // 4
        for column in range(5):
            x = left + (right - left) * (column + 0.5) / 5 - w // 40
            if storey == storeys - 1 and column == 2:
                d.rounded_rectangle((x - 6, y - floor_h // 10, x + w // 20 + 6, int(h * 0.84)), radius=12, fill=TEAL)
                continue
            d.rounded_rectangle((x, y, x + w // 20, y + floor_h // 2), radius=6, fill=WHITE)
    # A tree beside it.
    tx = int(w * 0.12)
    d.rectangle((tx - 8, int(h * 0.55), tx + 8, int(h * 0.84)), fill=DEEP)
    d.ellipse((tx - w // 13, int(h * 0.32), tx + w // 13, int(h * 0.62)), fill=TEAL)
    return soft(image)


def tea(size) -> Image.Image:
    """A cup of tea and a folded towel on a table, for the first-visit page."""
    w, h = size
    image = Image.new("RGB", size, WALL)
    d = ImageDraw.Draw(image)
    d.rectangle((0, int(h * 0.62), w, h), fill=SAND)
    d.rounded_rectangle((int(w * 0.12), int(h * 0.50), int(w * 0.48), int(h * 0.66)), radius=h // 30, fill=WHITE)
    d.rounded_rectangle((int(w * 0.12), int(h * 0.56), int(w * 0.48), int(h * 0.60)), radius=h // 80, fill=MIST)
    cx = int(w * 0.68)
    d.ellipse((cx - w // 8, int(h * 0.64), cx + w // 8, int(h * 0.72)), fill=(210, 192, 165))
    d.rounded_rectangle((cx - w // 12, int(h * 0.40), cx + w // 12, int(h * 0.68)), radius=w // 30, fill=TERRACOTTA)
    d.ellipse((cx + w // 14, int(h * 0.46), cx + w // 7, int(h * 0.60)), outline=TERRACOTTA, width=w // 90)
    for offset in (-30, 10, 50):
        x = cx + offset * w // 1200
        d.line(((x, int(h * 0.36)), (x + 14, int(h * 0.28)), (x - 6, int(h * 0.20))), fill=(255, 255, 255), width=w // 160)
    return soft(image)


PICTURES = {
    "placeholder-hero-treatment-room.jpg": lambda: room((1600, 1000)),
    "placeholder-north-syracuse.jpg": lambda: building((1200, 800), 2, (214, 196, 168), TERRACOTTA, 0.78),
    "placeholder-downtown-syracuse.jpg": lambda: building((1200, 800), 4, (196, 206, 200), TEAL, 0.08),
    "placeholder-first-visit.jpg": lambda: tea((1200, 800)),
}


def main() -> None:
    folder = ROOT / "content" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in PICTURES.items():
        make().save(folder / name, "JPEG", quality=88, optimize=True)
        print(folder / name)


if __name__ == "__main__":
    main()
