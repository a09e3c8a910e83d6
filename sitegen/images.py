"""Photos: the originals editors put in content/images/, published as resized variants.

An editor saves a JPEG, PNG or WebP photo as content/images/NAME.jpg and uses
it by its site address, /images/NAME.jpg: in Markdown (`![what it shows](/images/NAME.jpg)`),
as a page's `image:` in front matter, or from a template with `picture(...)`.
The original itself is never published. The build publishes, next to its address,

- variants 480, 800, 1200 and 1600 px wide (never wider than the original) as WebP
  and as JPEG (PNG for a photo with transparency), for browsers without WebP;
- file names carrying a hash of the original and of the encoder settings
  (/images/NAME-800w.3f2a9c1b0d.webp), so they can be cached forever;
- no metadata: EXIF (camera, GPS position, date), XMP and comments are dropped;
  the rotation EXIF asked for is applied to the pixels first.

Encoding is the slow part, so variants are kept in a cache folder (by default
.cache/images/ in the site folder) under the hash of the original's bytes: an
unchanged photo is never encoded again, and new ones are encoded on all cores.
Each cached file's name also carries a hash of its own bytes, checked before
the file is used: output/ gets the cached files as hard links, not copies
(creating thousands of files is most of what copying them costs), so a tool
that rewrites a published file in place changes the cached one too, and the
check sees it and encodes that file again.
Photos are encoded in threads: Pillow lets go of the GIL while it scales an
image and writes a JPEG. It holds the GIL while it compresses a PNG, so share
cards are drawn in forked worker processes when there are many (parallel.py).
"""
from __future__ import annotations

import hashlib
import re
import os
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape as escape_attribute
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from .errors import ErrorCollector, did_you_mean
from .writer import process_alive

IMAGE_DIR = "content/images"
URL_PREFIX = "/images/"
SOURCE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
WIDTHS = (480, 800, 1200, 1600)
QUALITY = {"webp": 78, "jpeg": 80}
ENCODER_VERSION = "1"  # change when the encoding changes, so cached variants are redone
DECORATIVE = "decorative"  # alt text that marks an image as decoration (published with alt="")
SOCIAL_SIZE = (1200, 630)  # Open Graph / Twitter card image
EXIF_ORIENTATION = 0x0112
_NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")  # file and folder names, as for pages


class ImageProblem(Exception):
    """An image reference that cannot be honoured: message and hint for the editor."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message + (f"; {hint}" if hint else ""))
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Variant:
    """One published file made from an original."""

    url: str  # /images/NAME-800w.HASH.webp
    width: int
    height: int
    format: str  # webp, jpeg or png
    cache_name: str  # file name in the cache folder
    crop: bool = False  # cut to exactly width x height (share images) rather than scale


@dataclass(frozen=True, slots=True)
class Photo:
    """An original in content/images/ and the variants the site publishes of it."""

    url: str  # /images/NAME.jpg, as editors write it
    source: str  # content/images/NAME.jpg, for messages
    path: Path
    digest: str
    width: int  # after applying the EXIF rotation
    height: int
    variants: tuple[Variant, ...]

    @property
    def fallback_format(self) -> str:
        return self.variants[-1].format

    def srcset(self, format: str) -> str:
        return ", ".join(f"{v.url} {v.width}w" for v in self.variants if v.format == format)

    def largest(self, format: str) -> Variant:
        return [v for v in self.variants if v.format == format][-1]

    def social(self) -> Variant:
        """The 1200x630 crop used as the page's share image."""
        tag = _tag(self.digest, "social")
        return Variant(_variant_url(self.url, "social", tag, "jpg"), *SOCIAL_SIZE, "jpeg",
                       f"{self.digest[:32]}-social-{ENCODER_VERSION}.jpg", crop=True)


def is_photo_url(url: str) -> bool:
    """True for a site address the image pipeline handles (/images/... .jpg/.png/.webp)."""
    return url.startswith(URL_PREFIX) and url.lower().endswith(SOURCE_SUFFIXES)


@dataclass
class ImageLibrary:
    """Every original in content/images/, what to publish of them, and the cache."""

    root: Path
    cache: Path
    photos: dict[str, Photo] = field(default_factory=dict)  # site URL -> photo
    unreadable: dict[str, str] = field(default_factory=dict)  # site URL -> why
    in_static: frozenset[str] = frozenset()  # photos saved in static/images/ instead, for a hint
    socials: dict[str, Photo] = field(default_factory=dict)  # social crops wanted: URL -> photo
    extra: dict[str, tuple[str, object]] = field(default_factory=dict)  # URL -> (cache name, maker)
    reported: set[str] = field(default_factory=set)  # image URLs already reported as missing or unreadable
    files: "CacheFolder" = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.files = CacheFolder(self.cache)

    @classmethod
    def load(cls, root: Path, cache: Path, errors: ErrorCollector, digests: dict | None = None) -> "ImageLibrary":
        """Read every photo's size and content hash (`digests` remembers hashes between builds)."""
        library = cls(root, cache / "images")
        library.files.known = digests
        folder = root / IMAGE_DIR
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                    continue
                bad = [part for part in relative.with_suffix("").parts if not _NAME.fullmatch(part)]
                if bad:
                    errors.add(f"{IMAGE_DIR}/{relative.as_posix()}", 0, 0, f"'{bad[0]}' cannot be part of a web address",
                               "name photos and folders with lowercase letters, digits and hyphens, e.g. front-door.jpg")
                    continue
                if path.suffix.lower() not in SOURCE_SUFFIXES:
                    errors.add(f"{IMAGE_DIR}/{relative.as_posix()}", 0, 0,
                               f"'{path.suffix}' files are not images the site can publish from {IMAGE_DIR}/",
                               "save photos as .jpg, .png or .webp; put other files in static/")
                    continue
                library._add(path, URL_PREFIX + relative.as_posix(), digests)
        static = root / "static" / URL_PREFIX.strip("/")
        if static.is_dir():
            library.in_static = frozenset(URL_PREFIX + path.relative_to(static).as_posix() for path in static.rglob("*")
                                          if path.suffix.lower() in SOURCE_SUFFIXES)
        return library

    def _add(self, path: Path, url: str, digests: dict | None) -> None:
        from PIL import Image, UnidentifiedImageError

        digest = _digest(path, digests)
        try:
            with Image.open(path) as image:
                width, height = image.size
                if image.getexif().get(EXIF_ORIENTATION) in (5, 6, 7, 8):  # shown turned a quarter
                    width, height = height, width
                alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                variants = _variants(url, digest, width, height, "png" if alpha else "jpeg")
                if not all(self.files.listed(variant.cache_name) for variant in variants):
                    image.load()  # not encoded before: make sure all of it decodes
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
            self.unreadable[url] = str(exc) or type(exc).__name__
            return
        source = path.relative_to(self.root).as_posix()
        self.photos[url] = Photo(url, source, path, digest, width, height, variants)

    def get(self, url: str) -> Photo:
        """The photo at a site address, or ImageProblem saying what is wrong."""
        return _lookup(self.photos, self.unreadable, url, self.in_static)

    def picture_function(self) -> "Pictures":
        """`picture(...)` for templates."""
        return Pictures(tuple(sorted(self.photos.items())), tuple(sorted(self.unreadable.items())), self.in_static)

    def want_social(self, photo: Photo) -> Variant:
        variant = photo.social()
        self.socials[variant.url] = photo
        return variant

    def add_generated(self, url: str, cache_name: str, make) -> None:
        """Publish a file made by `make(path)` (e.g. a share card), cached under `cache_name`."""
        self.extra[url] = (cache_name, make)

    def static_files(self) -> dict[str, Path]:
        """Output path -> cached file, for every file to publish (once `encode` made those missing)."""
        files = {variant.url.lstrip("/"): self.files.path(variant.cache_name)
                 for photo in self.photos.values() for variant in photo.variants}
        files.update({url.lstrip("/"): self.files.path(photo.social().cache_name) for url, photo in self.socials.items()})
        files.update({url.lstrip("/"): self.files.path(name) for url, (name, _) in self.extra.items()})
        return files

    def linkable(self, static_files: dict[str, Path]) -> dict[str, os.stat_result]:
        """Output path -> the state of its cached file when its bytes were checked: the writer may link it."""
        checked = self.files.checked
        return {relative: checked[path] for relative, path in static_files.items() if path in checked}

    def encode(self, errors: ErrorCollector) -> int:
        """Make every cached file that is missing; returns how many were made."""
        wanted = sum(len(photo.variants) for photo in self.photos.values()) + len(self.socials) + len(self.extra)
        # Where identities are kept for about as many files as are wanted (the preview, a build after
        # another), find() checks the few others; the bulk check pays where most are unknown.
        if wanted > len(self.files.known or ()):
            self.files.verify([variant.cache_name for photo in self.photos.values() for variant in photo.variants] +
                              [photo.social().cache_name for photo in self.socials.values()] +
                              [name for name, _ in self.extra.values()])
        jobs = []
        for photo in self.photos.values():
            missing = [v for v in photo.variants if self.files.find(v.cache_name) is None]
            if missing:
                jobs.append((photo, missing))
        for url, photo in self.socials.items():
            variant = photo.social()
            if self.files.find(variant.cache_name) is None:
                jobs.append((photo, [variant]))
        makers = [(name, make) for name, make in self.extra.values() if self.files.find(name) is None]
        if not jobs and not makers:
            return 0
        self.cache.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.cache)
        # Imported here, not at the top: parallel.py needs markup.py, which needs this module.
        from .parallel import map_in_workers

        problems = []
        if jobs:
            with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as threads:
                problems += [problem for problem, _ in threads.map(lambda job: _run(lambda: self._encode_one(*job)), jobs)]
        # Not threads for share cards: compressing a PNG holds the GIL.
        made = map_in_workers(lambda index: _run(lambda: _write_tagged(self.cache, *makers[index])), range(len(makers)))
        for (name, _), (problem, file_name) in zip(makers, made):
            if file_name is not None:
                self.files.add(name, file_name)
            problems.append(problem)
        for problem in problems:
            if problem:
                errors.add(*problem)
        return len(jobs) + len(makers)

    def _encode_one(self, photo: Photo, variants: list[Variant]) -> None:
        """Decode the original once; scale it once per size, largest first, each from the last."""
        from PIL import Image, ImageOps

        with Image.open(photo.path) as opened:
            source = ImageOps.exif_transpose(opened)
            icc = opened.info.get("icc_profile")
            scaled = {}
            for variant in sorted(variants, key=lambda v: (v.crop, -v.width)):
                size = (variant.width, variant.height, variant.crop)
                if size not in scaled:
                    if variant.crop:
                        scaled[size] = ImageOps.fit(source, (variant.width, variant.height), Image.Resampling.LANCZOS)
                    else:
                        larger = [image for (w, _, crop), image in scaled.items() if not crop and w > variant.width]
                        scaled[size] = (larger[-1] if larger else source).resize(
                            (variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
                self.files.add(variant.cache_name, _write_tagged(
                    self.cache, variant.cache_name, lambda target, v=variant, image=scaled[size]: _save(image, v, icc, target)))


@dataclass(frozen=True)
class Pictures:
    """`picture(address, alt, sizes="100vw", eager=False, css_class="")` in templates.

    A value, not a bound method: it compares equal while the photos are the
    same, so the live preview can tell when pages that show photos are unchanged.
    """

    photos: tuple[tuple[str, Photo], ...]
    unreadable: tuple[tuple[str, str], ...]
    in_static: frozenset[str] = frozenset()

    def __call__(self, url: str, alt: str, sizes: str = "100vw", eager: bool = False, css_class: str = "") -> Markup:
        photo = _lookup(dict(self.photos), dict(self.unreadable), url, self.in_static)
        return picture_markup(photo, alt, sizes, eager, css_class)


def _lookup(photos: dict[str, Photo], unreadable: dict[str, str], url: str, in_static=frozenset()) -> Photo:
    clean = url.split("#")[0].split("?")[0]
    if clean in photos:
        return photos[clean]
    if clean in unreadable:
        raise ImageProblem(f"the image {IMAGE_DIR}/{clean[len(URL_PREFIX):]} cannot be read ({unreadable[clean]})",
                           "save it again as a JPEG, PNG or WebP file")
    if clean in in_static:
        raise ImageProblem(f"the image '{url}' is in static/images/, not {IMAGE_DIR}/",
                           f"move it to {IMAGE_DIR}/{clean[len(URL_PREFIX):]}, so the build can resize it "
                           "and remove its metadata")
    hint = did_you_mean(clean, sorted(photos)) or \
        f"put the photo in {IMAGE_DIR}/ and write its address, e.g. /images/photo.jpg"
    raise ImageProblem(f"the image '{url}' does not exist in {IMAGE_DIR}/", hint)


def picture_markup(photo: Photo, alt: str, sizes: str = "100vw", eager: bool = False, css_class: str = "") -> Markup:
    """A <picture> with WebP and JPEG/PNG srcsets, width/height and loading hints."""
    if alt is None or not str(alt).strip():
        raise ImageProblem(f"the image '{photo.url}' has no description (alt text)",
                           f"say what it shows, or write '{DECORATIVE}' if it is only decoration")
    alt = "" if str(alt).strip().lower() == DECORATIVE else str(alt)
    fallback = photo.fallback_format
    img = photo.largest(fallback)
    default = next((v for v in photo.variants if v.format == fallback and v.width >= 800), img)
    loading = ' loading="eager" fetchpriority="high"' if eager else ' loading="lazy"'
    class_attr = f' class="{escape_attribute(css_class)}"' if css_class else ""
    sizes = escape_attribute(sizes)
    webp, fallback_set, src = (escape_attribute(value) for value in (photo.srcset("webp"), photo.srcset(fallback), default.url))
    return Markup(
        f'<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f'<img{class_attr} src="{src}" srcset="{fallback_set}" sizes="{sizes}" '
        f'width="{img.width}" height="{img.height}" alt="{escape_attribute(alt)}"{loading} decoding="async">'
        f'</picture>')


def _run(task) -> tuple[tuple | None, object]:
    """(None, what the task returned), or (the problem to report, None)."""
    try:
        return None, task()
    except Exception as exc:  # a file that decoded at load but fails to encode
        return (IMAGE_DIR, 0, 0, f"could not encode an image: {exc}", "save the photo again and rebuild"), None


def _save(image, variant: Variant, icc, target: Path) -> None:
    """Write `image`, already scaled to the variant's size, in the variant's format."""
    resized = image
    if variant.format == "jpeg":
        resized = resized.convert("RGB")
    elif variant.format == "png":
        resized = resized.convert("RGBA")
    elif resized.mode not in ("RGB", "RGBA"):
        resized = resized.convert("RGBA" if "A" in resized.mode else "RGB")
    if resized is image:
        resized = image.copy()  # the scaled image is shared by the next format
    resized.info = {}  # no EXIF, XMP or comments in what is published
    options = {"icc_profile": icc} if icc else {}
    if variant.format == "jpeg":
        resized.save(target, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True, **options)
    elif variant.format == "webp":
        resized.save(target, "WEBP", quality=QUALITY["webp"], method=4, **options)
    else:
        resized.save(target, "PNG", optimize=True, **options)


TAG_LENGTH = 16  # hex digits of a cached file's SHA-256 in its name
_TAGGED = re.compile(r"(?P<stem>[^.].*?)\.(?P<tag>[0-9a-f]{16})(?P<suffix>\.[A-Za-z0-9]+)?")


class CacheFolder:
    """The cache's files: 'NAME.TAG.png' holds what was cached as 'NAME.png', TAG the hash of its bytes."""

    def __init__(self, folder: Path, known: dict | None = None):
        self.folder = folder
        self._names: dict[str, list[str]] | None = None  # cache name -> the files listed for it
        self.checked: dict[Path, os.stat_result] = {}  # file -> its state when its bytes were found right
        # Kept between builds (by the preview in memory, by one-shot builds in the build store): (cache
        # file's path as text,) -> its identity and times when last found right. Any write changes the
        # change time (which no tool sets), so the file is read again.
        self.known = known

    def listed(self, cache_name: str) -> bool:
        return bool(self._listing().get(cache_name))

    def path(self, cache_name: str) -> Path:
        """The file found or made for `cache_name` (a name that does not exist if there is none)."""
        names = self._listing().get(cache_name)
        return _cached_file(self.folder, names[0] if names else cache_name)

    def find(self, cache_name: str) -> Path | None:
        """The cached file, if its bytes are still those its name says; one whose bytes changed is deleted."""
        names = self._listing().get(cache_name, [])
        for name in list(names):
            path = _cached_file(self.folder, name)
            if path in self.checked:
                return path
            state = self._known_state(path)
            if state is None:  # not vouched for by an earlier check: its bytes are hashed
                state = _checked_state(path, _TAGGED.fullmatch(name)["tag"])
                if state is not None:
                    self._remember(path, state)
            if state is not None:
                self.checked[path] = state
                if len(names) > 1:
                    names[:] = [name]
                return path
            self._drop(names, name, path)
        return None

    def _drop(self, names: list[str], name: str, path: Path) -> None:
        """Forget and delete a cached file whose bytes are not those its name says."""
        names.remove(name)
        if self.known is not None:
            self.known.pop(_known_key(path), None)
        try:  # changed through a link in output/, or damaged: encoded again
            path.unlink()
        except OSError:
            pass

    def verify(self, cache_names: list[str]) -> None:
        """Check the bytes of the files cached for `cache_names` that no earlier check vouches for, on every core.

        A site's share cards are thousands of files: where the build store kept
        none of their identities (a host that keeps only .cache/), hashing them
        one by one is a tenth of a build. `find` then answers from `checked`;
        a file whose bytes are wrong is deleted, as `find` would.
        """
        from .parallel import map_in_workers  # not at the top: parallel.py needs markup.py, which needs this module

        pending = []
        folder = os.fspath(self.folder)
        known = self.known or {}
        for cache_name in cache_names:
            names = self._listing().get(cache_name, [])
            for name in names:
                if (os.path.join(folder, name),) in known:  # (_known_key) find() asks whether it still vouches
                    continue
                path = _cached_file(self.folder, name)
                if path not in self.checked:
                    pending.append((names, name, path))
        states = map_in_workers(lambda item: _checked_state(item[2], _TAGGED.fullmatch(item[1])["tag"]), pending)
        for (names, name, path), state in zip(pending, states):
            if state is None:
                self._drop(names, name, path)
            else:
                self.checked[path] = state
                self._remember(path, state)

    def add(self, cache_name: str, name: str) -> None:
        """Note the file `name` just made for `cache_name` (its bytes are those its name says)."""
        path = _cached_file(self.folder, name)
        self._listing()[cache_name] = [name]
        try:
            self.checked[path] = os.lstat(path)
        except OSError:
            self.checked.pop(path, None)
        else:
            self._remember(path, self.checked[path])

    def _remember(self, path: Path, state: os.stat_result) -> None:
        # A file changed within the last second may change again without a new change time
        # (file systems keep coarse times): it is read again next time.
        if self.known is not None and time.time_ns() - state.st_ctime_ns > 1_000_000_000:
            self.known[_known_key(path)] = _identity(state)

    def _known_state(self, path: Path) -> os.stat_result | None:
        known = self.known.get(_known_key(path)) if self.known is not None else None
        if known is None:
            return None
        try:
            state = os.lstat(path)
        except OSError:
            return None
        return state if stat.S_ISREG(state.st_mode) and _identity(state) == known else None

    def _listing(self) -> dict[str, list[str]]:
        if self._names is None:
            self._names = {}
            try:
                with os.scandir(self.folder) as entries:
                    for entry in entries:
                        match = _TAGGED.fullmatch(entry.name)
                        if match is not None:
                            self._names.setdefault(match["stem"] + (match["suffix"] or ""), []).append(entry.name)
            except OSError:  # no cache yet
                pass
            self._forget_unlisted()
        return self._names

    def _forget_unlisted(self) -> None:
        """Drop the kept identities of files this folder no longer holds (deleted by hand, or another folder's)."""
        if not self.known:
            return
        folder = os.fspath(self.folder)
        listed = {name for names in self._names.values() for name in names}
        for key in [key for key in self.known if type(key) is tuple]:
            head, name = os.path.split(key[0])
            if head != folder or name not in listed:
                del self.known[key]


def _known_key(path: Path) -> tuple[str]:
    """A cached file's key in CacheFolder.known: a tuple, so photos' entries (keyed by their Path) stay apart."""
    return (os.fspath(path),)


def _identity(state: os.stat_result) -> tuple:
    return state.st_dev, state.st_ino, state.st_size, state.st_mtime_ns, state.st_ctime_ns


def _checked_state(path: Path, tag: str) -> os.stat_result | None:
    """The state of the plain file at `path` if the hash of its bytes begins with `tag`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        state = os.fstat(fd)
        if not stat.S_ISREG(state.st_mode):
            return None
        content = os.read(fd, state.st_size)  # all of it: a short read cannot match the hash
    except OSError:
        return None
    finally:
        os.close(fd)
    return state if hashlib.sha256(content).hexdigest()[:TAG_LENGTH] == tag else None


def _tagged_name(cache_name: str, tag: str) -> str:
    stem, dot, suffix = cache_name.rpartition(".")
    return f"{stem}.{tag}.{suffix}" if dot and stem else f"{cache_name}.{tag}"


@lru_cache(maxsize=1 << 16)  # the preview's rebuilds name the same cached files: join each path once
def _cached_file(folder: Path, name: str) -> Path:
    return folder / name


def _remove_leftovers(cache: Path) -> None:
    """Delete the temporary files of builds that were killed while writing them (_write_tagged)."""
    for path in cache.glob(".*.tmp"):
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)


def _write_tagged(folder: Path, cache_name: str, make) -> str:
    """Make a cached file, named with the hash of its bytes; returns that name.

    It is written through a temporary name, so a killed build never leaves half a file in the cache.
    """
    temporary = folder / f".{cache_name}.{os.getpid()}.tmp"
    try:
        make(temporary)
        name = _tagged_name(cache_name, hashlib.sha256(temporary.read_bytes()).hexdigest()[:TAG_LENGTH])
        os.replace(temporary, folder / name)
        return name
    finally:
        temporary.unlink(missing_ok=True)


def _digest(path: Path, digests: dict | None) -> str:
    """The content hash of a file; remembered by size and time when they prove it unchanged."""
    stat = path.stat()
    signature = (stat.st_size, stat.st_mtime_ns)
    known = digests.get(path) if digests is not None else None
    # A file changed within the last second may change again without a new time.
    if known and known[0] == signature and time.time_ns() - stat.st_mtime_ns > 1_000_000_000:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digests is not None:
        digests[path] = (signature, digest)
    return digest


def _variants(url: str, digest: str, width: int, height: int, fallback: str) -> tuple[Variant, ...]:
    variants = []
    for format in ("webp", fallback):
        ext = "jpg" if format == "jpeg" else format
        for target in _widths(width):
            variants.append(Variant(_variant_url(url, f"{target}w", _tag(digest, f"{format}-{target}"), ext),
                                    target, max(1, round(height * target / width)), format,
                                    f"{digest[:32]}-{target}-{ENCODER_VERSION}.{ext}"))
    return tuple(variants)


def _widths(width: int) -> list[int]:
    largest = min(width, WIDTHS[-1])
    return [w for w in WIDTHS if w < largest] + [largest]


def _tag(digest: str, what: str) -> str:
    return hashlib.sha256(f"{digest}:{what}:{ENCODER_VERSION}:{QUALITY}".encode()).hexdigest()[:10]


def _variant_url(url: str, suffix: str, tag: str, ext: str) -> str:
    path = PurePosixPath(url)
    return str(path.with_name(f"{path.stem}-{suffix}.{tag}.{ext}"))
