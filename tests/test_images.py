"""Photos in content/images/: <picture> markup, variants, metadata, errors, the cache,
and the share images every page gets."""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from conftest import output_file_for, run_build
from htmlparse import parse

from sitegen import images, social

GPS_IFD = 0x8825


def save_photo(site: Path, name: str, size=(1000, 600), colour=(40, 120, 110), gps=False, orientation=None) -> Path:
    """A JPEG in content/images/, optionally with a GPS position and an EXIF rotation."""
    path = site / "content" / "images" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "Example Camera Co."  # Make
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (43.0, 8.0, 0.0), 3: "W", 4: (76.0, 9.0, 0.0)}
    if orientation:
        exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def write_page(site: Path, name: str, body: str, front: str = "") -> Path:
    path = site / "content" / "pages" / f"{name}.md"
    path.write_text(f"---\ntitle: Photo page\ndescription: A page with photos.\n{front}---\n\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of this test's own, so the test sees every photo encoding it causes.

    The session's share cards are copied in: drawing them again would only slow the test.
    """
    folder = tmp_path / "image-cache"
    (folder / "images").mkdir(parents=True)
    shared = Path(os.environ["SITEGEN_CACHE_DIR"]) / "images"
    for card in shared.glob("card-*.png") if shared.is_dir() else ():
        shutil.copyfile(card, folder / "images" / card.name)
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(folder))
    return folder


def build_ok(site: Path):
    result = run_build(site)
    assert result.code == 0, result.err
    return result


def page(site: Path, url: str):
    return parse(output_file_for(site / "output", url).read_text(encoding="utf-8"))


# Markdown images become <picture>s ---------------------------------------------------

def test_a_markdown_photo_becomes_a_picture_with_webp_and_jpeg_variants(fixture_site, cache):
    save_photo(fixture_site, "room.jpg", size=(2000, 1200))
    write_page(fixture_site, "photos", "Intro.\n\n![Our treatment room](/images/room.jpg)\n\n"
                                       "More.\n\n![The waiting area](/images/room.jpg)\n")
    build_ok(fixture_site)
    pictures = page(fixture_site, "/photos/").find_all("picture")
    assert len(pictures) == 2
    source, img = pictures[0].find("source"), pictures[0].find("img")
    assert source.get("type") == "image/webp"
    webp = [entry.split() for entry in source.get("srcset").split(", ")]
    jpeg = [entry.split() for entry in img.get("srcset").split(", ")]
    assert [width for _, width in webp] == [width for _, width in jpeg] == ["480w", "800w", "1200w", "1600w"]
    assert all(re.fullmatch(r"/images/room-\d+w\.[0-9a-f]{10}\.webp", url) for url, _ in webp)
    assert all(url.endswith(".jpg") for url, _ in jpeg)
    assert (img.get("width"), img.get("height")) == ("1600", "960")
    assert img.get("alt") == "Our treatment room" and img.get("sizes") == source.get("sizes")
    # No hero on this page: the first photo loads at once, the next one lazily.
    assert img.get("loading") == "eager" and img.get("fetchpriority") == "high"
    assert pictures[1].find("img").get("loading") == "lazy" and pictures[1].find("img").get("fetchpriority") is None
    output = fixture_site / "output"
    for url, width in webp + jpeg:
        with Image.open(output / url.lstrip("/")) as published:
            assert published.size == (int(width[:-1]), round(int(width[:-1]) * 0.6))
    assert not (output / "images" / "room.jpg").exists()  # the original is never published


def test_a_small_photo_is_never_enlarged(fixture_site, cache):
    save_photo(fixture_site, "small.jpg", size=(640, 480))
    write_page(fixture_site, "photos", "![A small photo](/images/small.jpg)\n")
    build_ok(fixture_site)
    img = page(fixture_site, "/photos/").find("img", class_="prose-image")
    assert [entry.split()[1] for entry in img.get("srcset").split(", ")] == ["480w", "640w"]
    assert (img.get("width"), img.get("height")) == ("640", "480")


def test_published_files_carry_no_gps_or_camera_metadata(fixture_site, cache):
    original = save_photo(fixture_site, "gps.jpg", gps=True)
    with Image.open(original) as check:
        assert check.getexif().get_ifd(GPS_IFD)  # the original does have a position
    write_page(fixture_site, "photos", "![A photo taken with GPS on](/images/gps.jpg)\n")
    build_ok(fixture_site)
    published = sorted((fixture_site / "output" / "images").glob("gps-*"))
    assert published
    for path in published:
        data = path.read_bytes()
        assert b"Exif" not in data and b"Example Camera" not in data, path.name
        with Image.open(path) as image:
            assert not image.getexif(), path.name


def test_an_exif_rotation_is_applied_and_declared(fixture_site, cache):
    save_photo(fixture_site, "turned.jpg", size=(900, 600), orientation=6)  # shown a quarter turned
    write_page(fixture_site, "photos", "![A portrait photo](/images/turned.jpg)\n")
    build_ok(fixture_site)
    img = page(fixture_site, "/photos/").find("img", class_="prose-image")
    assert (img.get("width"), img.get("height")) == ("600", "900")
    src = img.get("src")
    with Image.open(fixture_site / "output" / src.lstrip("/")) as published:
        assert published.width < published.height


def test_a_decorative_image_gets_empty_alt_text(fixture_site, cache):
    save_photo(fixture_site, "flourish.jpg")
    write_page(fixture_site, "photos", "![decorative](/images/flourish.jpg)\n")
    build_ok(fixture_site)
    assert page(fixture_site, "/photos/").find("img", class_="prose-image").get("alt") == ""


# Mistakes are errors at the line that references the image ---------------------------

def test_missing_unreadable_and_undescribed_images_are_errors_at_their_lines(fixture_site, cache):
    save_photo(fixture_site, "room.jpg")
    (fixture_site / "content" / "images" / "broken.jpg").write_bytes(b"not a JPEG at all")
    write_page(fixture_site, "photos", "Intro.\n\n![Our room](/images/rom.jpg)\n\n![](/images/room.jpg)\n\n"
                                       "![A broken photo](/images/broken.jpg)\n")
    before = {p.name for p in (fixture_site / "output").glob("*")} if (fixture_site / "output").exists() else set()
    result = run_build(fixture_site)
    assert result.code == 1
    lines = result.err.splitlines()
    assert ("content/pages/photos.md:8: the image '/images/rom.jpg' does not exist in content/images/; "
            "did you mean '/images/room.jpg'?") in lines
    assert ("content/pages/photos.md:10:1: the image '/images/room.jpg' has no description (alt text) for people "
            "who cannot see it; write what it shows in the brackets, e.g. ![Our treatment room](/images/room.jpg), "
            "or ![decorative](...) if it is only decoration") in lines
    assert len([line for line in lines if "/images/room.jpg' has no description" in line]) == 1  # said once
    assert any(line.startswith("content/pages/photos.md:12: the image content/images/broken.jpg cannot be read")
               for line in lines), result.err
    assert not before  # nothing was built before, and nothing is now
    assert not (fixture_site / "output").exists()


def test_a_front_matter_image_must_exist_and_be_described(fixture_site, cache):
    save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "one", "Text.\n", front="image: /images/nope.jpg\nimage_alt: A room\n")
    write_page(fixture_site, "two", "Text.\n", front="image: /images/room.jpg\n")
    result = run_build(fixture_site)
    assert result.code == 1
    assert "content/pages/one.md:4: the image '/images/nope.jpg' does not exist in content/images/" in result.err
    assert ("content/pages/two.md:4: the image '/images/room.jpg' has no description; "
            "add image_alt: saying what it shows, or image_alt: decorative") in result.err


def test_a_location_photo_must_exist(fixture_site, cache):
    locations = fixture_site / "content" / "data" / "locations.yaml"
    text = locations.read_text(encoding="utf-8")
    text = text.replace("    services: [medical-massage, therapeutic-massage, sports-massage]\n",
                        "    services: [medical-massage, therapeutic-massage, sports-massage]\n"
                        "    photo: /images/front.jpg\n    photo_alt: The front door\n", 1)
    locations.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    photo: /images/front.jpg") + 1
    result = run_build(fixture_site)
    assert result.code == 1
    assert (f"content/data/locations.yaml:{line}:12: locations[0].photo: the image '/images/front.jpg' "
            "does not exist in content/images/") in result.err


def test_picture_in_a_template_with_a_missing_image_names_the_template_line(fixture_site, cache):
    template = fixture_site / "templates" / "page.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% block content %}", "{% block content %}\n{{ picture('/images/none.jpg', 'x') }}", 1),
                        encoding="utf-8")
    result = run_build(fixture_site)
    assert result.code == 1
    assert re.search(r"templates/page\.html:\d+: template error: ImageProblem: the image '/images/none.jpg' "
                     r"does not exist", result.err), result.err


# The cache ------------------------------------------------------------------------------

def test_an_unchanged_photo_is_not_encoded_again(fixture_site, cache):
    photo = save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "photos", "![Our room](/images/room.jpg)\n")
    build_ok(fixture_site)
    first = {path.name: path.stat().st_mtime_ns for path in (cache / "images").iterdir()}
    assert sum(1 for name in first if name.endswith(".webp")) == 3  # 480, 800 and 1000 px wide
    assert any(name.endswith(".webp") for name in first)
    build_ok(fixture_site)
    assert {path.name: path.stat().st_mtime_ns for path in (cache / "images").iterdir()} == first
    # A changed photo gets new variants under new names.
    old_src = page(fixture_site, "/photos/").find("img", class_="prose-image").get("src")
    save_photo(fixture_site, "room.jpg", colour=(200, 120, 90))
    assert photo.exists()
    build_ok(fixture_site)
    new_src = page(fixture_site, "/photos/").find("img", class_="prose-image").get("src")
    assert new_src != old_src and (fixture_site / "output" / new_src.lstrip("/")).is_file()
    assert not (fixture_site / "output" / old_src.lstrip("/")).exists()


def _published_images(site: Path) -> list[Path]:
    return sorted(path for path in (site / "output" / "images").rglob("*") if path.is_file())


def test_published_images_are_links_to_the_cache_and_one_rewritten_in_place_is_made_again(fixture_site, cache,
                                                                                          tmp_path):
    save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "photos", "![Our room](/images/room.jpg)\n")
    build_ok(fixture_site)
    cached = {(entry.stat().st_dev, entry.stat().st_ino) for entry in (cache / "images").iterdir()}
    published = _published_images(fixture_site)
    assert any("/social/" in path.as_posix() for path in published) and any(p.suffix == ".webp" for p in published)
    # Hard links, not copies: creating thousands of files is what copying them costs.
    assert all((path.stat().st_dev, path.stat().st_ino) in cached for path in published)
    expected = {path.relative_to(fixture_site).as_posix(): path.read_bytes() for path in published}

    # A tool rewrites published files in place (as most do: open, truncate, write), which writes
    # into the cache through the link; the next builds publish what the sources make again.
    for path in published[:2] + [path for path in published if "/social/" in path.as_posix()][:1]:
        with open(path, "r+b") as file:
            file.truncate(0)
            file.write(b"rewritten in place")
    build_ok(fixture_site)
    again = _published_images(fixture_site)
    assert {path.relative_to(fixture_site).as_posix(): path.read_bytes() for path in again} == expected
    assert not any(b"rewritten in place" in entry.read_bytes() for entry in (cache / "images").iterdir())


def test_a_cached_image_found_right_is_not_read_again_until_its_change_time_moves(fixture_site, cache, monkeypatch):
    """The build store keeps each cached file's identity and change time from when its bytes were found right;
    a later build reads only a file whose change time moved, as writing to it through a link in output/ does
    (and linking it does: the first builds after a file is made link it into output/ and the spare)."""
    clock = time.time_ns
    # The cache's files look a minute old: times set within the file system's time resolution are not trusted.
    monkeypatch.setattr(images, "time", SimpleNamespace(time_ns=lambda: clock() + 60 * 10**9))
    save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "photos", "![Our room](/images/room.jpg)\n")
    for text in ("Another page.", "Another page, changed.", "Another page, changed again."):
        write_page(fixture_site, "another", text + "\n")  # a change, so the build runs
        build_ok(fixture_site)
    published = _published_images(fixture_site)
    expected = {path.relative_to(fixture_site).as_posix(): path.read_bytes() for path in published}
    read = []
    original = images._checked_state
    monkeypatch.setattr(images, "_checked_state", lambda path, tag: read.append(path.name) or original(path, tag))
    write_page(fixture_site, "another", "Another page, once more.\n")
    build_ok(fixture_site)
    assert read == []

    rewritten = next(path for path in published if path.suffix == ".webp")
    with open(rewritten, "r+b") as file:
        file.write(b"RIFF" + bytes(8))  # the same size, and the same first bytes: only the change time tells
    write_page(fixture_site, "another", "Another page, and again.\n")
    build_ok(fixture_site)
    assert len(read) == 1 and read[0].endswith(".webp")
    assert {path.relative_to(fixture_site).as_posix(): path.read_bytes()
            for path in _published_images(fixture_site)} == expected


def test_a_damaged_cached_image_is_encoded_again(fixture_site, cache):
    save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "photos", "![Our room](/images/room.jpg)\n")
    build_ok(fixture_site)
    expected = {path.name: path.read_bytes() for path in _published_images(fixture_site)}
    entry = next(path for path in (cache / "images").iterdir() if path.suffix == ".webp")
    entry.unlink()
    entry.write_bytes(b"not the image any more")  # a file of its own: output/ keeps its link to the old one
    shutil.rmtree(fixture_site / "output")
    build_ok(fixture_site)
    assert {path.name: path.read_bytes() for path in _published_images(fixture_site)} == expected
    assert entry.read_bytes().startswith(b"RIFF")  # encoded again, under the same name: the same bytes


def test_many_cached_cards_no_store_vouches_for_are_checked_and_a_damaged_one_drawn_again(fixture_site, cache):
    """A host that keeps the image cache but not .sitegen-cache/: every card's bytes are checked, on every
    core where there are many, and one whose bytes changed is deleted and drawn again."""
    from sitegen.parallel import MIN_DOCUMENTS_FOR_WORKERS

    for number in range(MIN_DOCUMENTS_FOR_WORKERS + 10):
        (fixture_site / "content" / "pages" / f"card-page-{number}.md").write_text(
            f"---\ntitle: Card page {number}\ndescription: A page of its own.\n---\n\nPage {number}.\n", encoding="utf-8")
    build_ok(fixture_site)
    expected = {path.relative_to(fixture_site).as_posix(): path.read_bytes() for path in _published_images(fixture_site)}
    # This site's cards (the cache also holds the session's): output/ links to them.
    published = {path.stat().st_ino for path in (fixture_site / "output" / "images" / "social").glob("*.png")}
    cards = sorted(path for path in (cache / "images").glob("card-*.png") if path.stat().st_ino in published)
    assert len(cards) > MIN_DOCUMENTS_FOR_WORKERS
    damaged = cards[len(cards) // 2]
    damaged.unlink()
    damaged.write_bytes(b"not a card any more")
    shutil.rmtree(fixture_site / ".sitegen-cache")
    shutil.rmtree(fixture_site / "output")
    build_ok(fixture_site)
    assert {path.relative_to(fixture_site).as_posix(): path.read_bytes()
            for path in _published_images(fixture_site)} == expected
    assert damaged.read_bytes().startswith(b"\x89PNG")  # drawn again, under the same name: the same bytes


def test_the_default_cache_is_in_the_site_folder_and_git_ignored(fixture_site, monkeypatch):
    monkeypatch.delenv("SITEGEN_CACHE_DIR", raising=False)
    save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "photos", "![Our room](/images/room.jpg)\n")
    build_ok(fixture_site)
    assert list((fixture_site / ".cache" / "images").glob("*.webp"))
    gitignore = (Path(__file__).parent.parent / ".gitignore").read_text(encoding="utf-8").split()
    assert "/.cache/" in gitignore


# Share images ---------------------------------------------------------------------------

def _meta(tree, attribute: str, name: str) -> str | None:
    for element in tree.find_all("meta"):
        if element.get(attribute) == name:
            return element.get("content")
    return None


def test_every_page_of_the_real_site_has_a_share_image_that_exists(built_real_site):
    base = "https://www.example.com"
    for url in built_real_site.urls:
        tree = built_real_site.page(url)
        image = _meta(tree, "property", "og:image")
        assert image and image.startswith(base + "/images/"), url
        assert _meta(tree, "name", "twitter:card") == "summary_large_image", url
        assert _meta(tree, "name", "twitter:image") == image, url
        assert _meta(tree, "property", "og:image:alt"), url
        width, height = int(_meta(tree, "property", "og:image:width")), int(_meta(tree, "property", "og:image:height"))
        with Image.open(built_real_site.output / image[len(base) + 1:]) as published:
            assert published.size == (width, height) == (1200, 630), url


def test_a_page_with_its_own_photo_shares_it_others_get_a_drawn_card(built_real_site):
    home = _meta(built_real_site.page("/"), "property", "og:image")
    assert "/images/placeholder-hero-treatment-room-social." in home
    location = _meta(built_real_site.page("/locations/north-syracuse/"), "property", "og:image")
    assert "/images/placeholder-north-syracuse-social." in location
    services = _meta(built_real_site.page("/services/"), "property", "og:image")
    assert re.search(r"/images/social/services\.[0-9a-f]{10}\.png$", services)


class Colours:
    primary, primary_text, accent = "#1d5c57", "#ffffff", "#a94a2a"


def test_a_share_card_is_drawn_without_any_system_font(tmp_path, monkeypatch):
    monkeypatch.setattr(social, "FONT_FOLDERS", (tmp_path / "no-fonts",))
    cards = social.ShareCards("Clinic", "Tagline", Colours)
    cards.card_for("/x/", "A title long enough to wrap onto a second line of the card").draw(tmp_path / "card.png")
    with Image.open(tmp_path / "card.png") as drawn:
        assert drawn.size == (1200, 630)
        assert len(drawn.convert("RGB").getcolors(100000)) > 2  # text was drawn on the background


def test_share_cards_show_the_brand_colours_their_own_title_and_the_same_footer(tmp_path):
    cards = social.ShareCards("Hand in Health", "Massage in Syracuse", Colours)
    drawn = {}
    for name, title in (("short", "Prenatal massage"), ("long", "Deep tissue massage for lower back pain")):
        cards.card_for(f"/{name}/", title).draw(tmp_path / f"{name}.png")
        with Image.open(tmp_path / f"{name}.png") as card:
            assert (card.format, card.mode, card.size) == ("PNG", "P", (1200, 630))  # a palette PNG: small, quick
            drawn[name] = card.convert("RGB")
    card = drawn["short"]
    assert card.getpixel((10, 10)) == (0x1d, 0x5c, 0x57)  # the primary colour
    assert card.getpixel((1190, 10)) == (48, 106, 101)  # the upper circle: white at 22/255 over it
    assert card.getpixel((1190, 620)) == (78, 86, 71)  # the lower circle: the accent at 90/255 over it
    assert card.getpixel((140, 464)) == (0xa9, 0x4a, 0x2a)  # the accent rule
    title, footer = (80, 140, 1000, 440), (0, 440, 1200, 630)
    for name, image in drawn.items():
        colours = {colour for _, colour in image.getcolors(100000)}
        assert (255, 255, 255) in {colour for _, colour in image.crop(title).getcolors(100000)}, name
        # Edges of letters blend the text colour into the background, in many shades.
        assert len(colours) > 40, name
    assert drawn["short"].crop(title).tobytes() != drawn["long"].crop(title).tobytes()
    assert drawn["short"].crop(footer).tobytes() == drawn["long"].crop(footer).tobytes()  # name and tagline


def test_a_card_takes_colours_written_with_three_digits(tmp_path):
    class Short:
        primary, primary_text, accent = "#135", "#fff", "#a42"

    social.ShareCards("Clinic", "Tagline", Short).card_for("/x/", "Title").draw(tmp_path / "card.png")
    with Image.open(tmp_path / "card.png") as card:
        assert card.convert("RGB").getpixel((10, 10)) == (0x11, 0x33, 0x55)


def test_a_new_card_version_gives_every_card_a_new_name(monkeypatch):
    before = social.ShareCards("Clinic", "Tagline", Colours).card_for("/x/", "Title")
    monkeypatch.setattr(social, "CARD_VERSION", social.CARD_VERSION + "-next")
    after = social.ShareCards("Clinic", "Tagline", Colours).card_for("/x/", "Title")
    assert before.cache_name != after.cache_name and before.url != after.url


def test_many_new_cards_are_drawn_in_worker_processes(tmp_path):
    from sitegen.errors import ErrorCollector
    from sitegen.images import ImageLibrary
    from sitegen.parallel import MIN_DOCUMENTS_FOR_WORKERS, can_fork, worker_count

    library = ImageLibrary(tmp_path, tmp_path / "cache")
    cards = social.ShareCards("Clinic", "Tagline", Colours)
    titles = [f"Page number {number}" for number in range(MIN_DOCUMENTS_FOR_WORKERS // 2)]
    for number, title in enumerate(titles):
        card = cards.card_for(f"/page-{number}/", title)
        library.add_generated(card.url, card.cache_name, card.draw)
        library.add_generated(f"/pid-{number}", f"pid-{number}", lambda target: target.write_text(str(os.getpid())))

    def broken(target):
        raise OSError("disk full")

    library.add_generated("/broken.png", "broken.png", broken)
    errors = ErrorCollector()
    assert library.encode(errors) == 2 * len(titles) + 1
    assert [error.message for error in errors.errors] == ["could not encode an image: disk full"]
    for number, title in enumerate(titles):  # the same card as one drawn here
        card = cards.card_for(f"/page-{number}/", title)
        card.draw(tmp_path / "here.png")
        assert library.files.path(card.cache_name).read_bytes() == (tmp_path / "here.png").read_bytes()
    makers = {int(library.files.path(f"pid-{number}").read_text()) for number in range(len(titles))}
    if worker_count() >= 2 and can_fork():
        assert len(makers) >= 2  # shared between processes: PNG compression holds the GIL, threads would not
    assert not library.files.path("broken.png").exists() and not list((tmp_path / "cache").glob("broken*"))
    assert library.encode(ErrorCollector()) == 1  # only the broken one is tried again


def test_a_photo_left_in_static_images_gets_a_hint_to_move_it(fixture_site, cache):
    (fixture_site / "static" / "images").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (50, 50)).save(fixture_site / "static" / "images" / "old.jpg")
    write_page(fixture_site, "photos", "![An old photo](/images/old.jpg)\n")
    result = run_build(fixture_site)
    assert result.code == 1
    assert ("content/pages/photos.md:6: the image '/images/old.jpg' is in static/images/, not content/images/; "
            "move it to content/images/old.jpg, so the build can resize it and remove its metadata") in result.err


def test_a_transparent_png_keeps_its_transparency(fixture_site, cache):
    path = fixture_site / "content" / "images" / "logo-mark.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", (600, 300), (29, 92, 87, 0)).save(path)
    write_page(fixture_site, "photos", "![Our mark](/images/logo-mark.png)\n")
    build_ok(fixture_site)
    picture = page(fixture_site, "/photos/").find("picture")
    fallback = picture.find("img").get("src")
    assert fallback.endswith(".png")
    for url in (fallback, picture.find("source").get("srcset").split()[0]):
        with Image.open(fixture_site / "output" / url.lstrip("/")) as published:
            assert published.mode == "RGBA" and published.getpixel((0, 0))[3] == 0, url


def test_the_preview_shows_a_replaced_photo(fixture_site, cache):
    from sitegen.incremental import IncrementalBuilder
    from sitegen.pipeline import BuildOptions

    save_photo(fixture_site, "room.jpg")
    write_page(fixture_site, "photos", "![Our room](/images/room.jpg)\n")
    builder = IncrementalBuilder(BuildOptions(root=fixture_site, drafts=True, serving=True, cache_dir=cache))
    first = builder.build()
    save_photo(fixture_site, "room.jpg", size=(1000, 500), colour=(200, 100, 90))
    second = builder.build()
    old, new = (parse(site.pages["photos/index.html"]).find("img", class_="prose-image") for site in (first, second))
    assert old.get("src") != new.get("src") and (new.get("width"), new.get("height")) == ("1000", "500")
    assert new.get("src").lstrip("/") in second.static_files and old.get("src").lstrip("/") not in second.static_files


def test_a_photo_name_that_is_not_a_web_address_is_an_error(fixture_site, cache):
    save_photo(fixture_site, 'My "Photo".jpg')
    result = run_build(fixture_site)
    assert result.code == 1
    assert ("content/images/My \"Photo\".jpg: 'My \"Photo\"' cannot be part of a web address; name photos and "
            "folders with lowercase letters, digits and hyphens, e.g. front-door.jpg") in result.err


def test_the_preview_shows_a_replaced_photo_that_a_template_places(fixture_site, cache):
    """A location's photo comes from picture() in its template, not from Markdown: the page is made again."""
    from sitegen.incremental import IncrementalBuilder
    from sitegen.pipeline import BuildOptions, build_site

    locations = fixture_site / "content" / "data" / "locations.yaml"
    locations.write_text(locations.read_text(encoding="utf-8").replace(
        "    services: [medical-massage, therapeutic-massage, sports-massage]\n",
        "    services: [medical-massage, therapeutic-massage, sports-massage]\n"
        "    photo: /images/front.jpg\n    photo_alt: The front door\n", 1), encoding="utf-8")
    save_photo(fixture_site, "front.jpg")
    options = BuildOptions(root=fixture_site, drafts=True, serving=True, cache_dir=cache)
    builder = IncrementalBuilder(options)
    first = builder.build()
    save_photo(fixture_site, "front.jpg", size=(1000, 500), colour=(200, 100, 90))
    second = builder.build()
    assert second.pages == build_site(options).pages
    changed = [path for path, html in second.pages.items() if first.pages.get(path) != html]
    assert any(path.startswith("locations/") for path in changed)


def test_kept_identities_of_files_the_cache_no_longer_holds_are_forgotten(tmp_path):
    """A cached file deleted by hand (or one of another cache folder) is not remembered build after build."""
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "here.0123456789abcdef.png").write_bytes(b"kept")
    here, gone = (os.fspath(folder / f"{name}.0123456789abcdef.png") for name in ("here", "gone"))
    elsewhere = os.fspath(tmp_path / "other" / "here.0123456789abcdef.png")
    photo = tmp_path / "photo.jpg"
    known = {(here,): (1, 2, 3, 4, 5), (gone,): (1, 2, 3, 4, 5), (elsewhere,): (1, 2, 3, 4, 5), photo: ((1, 2), "hash")}
    files = images.CacheFolder(folder, known)
    assert files.listed("here.png") and not files.listed("gone.png")
    assert known == {(here,): (1, 2, 3, 4, 5), photo: ((1, 2), "hash")}  # photos' hashes are not the folder's
