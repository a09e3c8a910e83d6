"""site_config.yaml: its schema, with a one-line doc per key, and its loader."""
from __future__ import annotations

from pathlib import Path

from .errors import ErrorCollector
from .models import CallToAction, Colors, MarkdownOptions, NavItem, SiteConfig
from .schema import Boolean, Field, HexColor, ListOf, Record, SitePath, Text, Url, load_yaml_file


class SiteBookingUrl(Url):
    """The site-wide booking address: a web address with no {service} placeholder."""

    def check(self, text, node, where, ctx):
        if "{" in text or "}" in text:
            return ctx.report(node, where, f"{text!r} is not a web address without {{placeholders}}",
                              "a {service} placeholder belongs in a location's booking_url")
        return super().check(text, node, where, ctx)

CONFIG_FILE = "site_config.yaml"

NAV_ITEM = Record({
    "title": Field(Text(), "the link text"),
    "url": Field(SitePath(), "the page it links to, e.g. /services/"),
}, name="navigation entry")

# Pairs that must stay readable (WCAG 2.2 AA): 4.5:1 for text, 3:1 for the
# accent, which only marks things (borders, the current menu item) beside text.
CONTRAST_RULES = (
    ("text", "background", 4.5, "body text on the page background"),
    ("text", "surface", 4.5, "body text on cards and tables"),
    ("primary", "background", 4.5, "links on the page background"),
    ("primary", "surface", 4.5, "links on cards and tables"),
    ("primary_text", "primary", 4.5, "button labels on buttons"),
    ("accent", "background", 3.0, "accent marks on the page background"),
)


def _luminance(hex_color: str) -> float:
    digits = hex_color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two hex colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _check_contrast(values, node, where, ctx) -> None:
    for foreground, background, minimum, what in CONTRAST_RULES:
        ratio = contrast_ratio(values[foreground], values[background])
        if ratio < minimum:
            key = foreground if foreground in node.items else background
            target = node.items[key][1] if key in node.items else node
            ctx.report(target, f"{where}.{key}",
                       f"{values[foreground]} on {values[background]} has a contrast of {ratio:.1f}:1, "
                       f"too low for {what}", f"choose colours with at least {minimum:g}:1 (WCAG AA)")


COLORS = Record({
    "primary": Field(HexColor(), "buttons and links"),
    "primary_text": Field(HexColor(), "text on primary-coloured buttons", False, "#ffffff"),
    "accent": Field(HexColor(), "highlights and the draft banner"),
    "text": Field(HexColor(), "body text", False, "#1f2a2e"),
    "background": Field(HexColor(), "page background", False, "#fbfaf7"),
    "surface": Field(HexColor(), "cards and tables", False, "#ffffff"),
}, name="colour list", check=_check_contrast)

CTA = Record({
    "heading": Field(Text(), "heading of the call-to-action block"),
    "text": Field(Text(), "one or two sentences under the heading"),
    "book_label": Field(Text(), "label of the booking button", False, "Book an appointment"),
    "call_label": Field(Text(), "word before a location on call buttons", False, "Call"),
    "link": Field(NAV_ITEM, "a link under the buttons, e.g. to what a first visit is like", False, None),
}, name="call to action")

MARKDOWN = Record({
    "smart_quotes": Field(Boolean(), "turn straight quotes and -- into typographic ones", False, True),
    "toc_depth": Field(Text(pattern=r"[1-6](?:-[1-6])?", expected="a heading range such as 2-3"),
                       "heading levels listed in a page's table of contents", False, "2-3"),
    "allow_unsafe_html": Field(Boolean(), "turn off the check of HTML and links in Markdown (the page policy still blocks scripts)", False, False),
}, name="Markdown option list")

DEFAULT_MARKDOWN = {"smart_quotes": True, "toc_depth": "2-3", "allow_unsafe_html": False}

SITE_CONFIG = Record({
    "name": Field(Text(), "the site's name, shown in the header and page titles"),
    "tagline": Field(Text(), "a short line shown under the name on the home page"),
    "base_url": Field(Url(), "the public address of the site, e.g. https://www.example.com"),
    "language": Field(Text(pattern=r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", expected="a language code",
                           hint="for example en or en-US"), "the language of the content", False, "en"),
    "business_name": Field(Text(), "the legal or trading name, shown in the footer"),
    "booking_url": Field(SiteBookingUrl(), "where 'Book an appointment' leads"),
    "navigation": Field(ListOf(NAV_ITEM), "the main menu, in order"),
    "footer_navigation": Field(ListOf(NAV_ITEM), "more links in the footer, after the main menu's", False, ()),
    "colors": Field(COLORS, "brand colours"),
    "cta": Field(CTA, "wording of the call-to-action block"),
    "markdown": Field(MARKDOWN, "Markdown options", False, DEFAULT_MARKDOWN),
    "currency": Field(Text(pattern=r"[A-Z]{3}", expected="a currency code", hint="three capital letters, e.g. USD"),
                      "the currency of prices (ISO 4217)", False, "USD"),
    "license_lookup_url": Field(Text(pattern=r"https?://[^\s{}]*\{number\}[^\s{}]*", expected="a web address with {number}",
                                     hint="the state's public licence check, with {number} where the licence number goes"),
                                "where a team member's licence number can be verified", False, None),
}, name="site configuration")


def load_config(root: Path, errors: ErrorCollector, base_url: str | None = None) -> SiteConfig | None:
    """Read and validate site_config.yaml; None (with errors reported) if it is unusable."""
    values = load_yaml_file(root, CONFIG_FILE, SITE_CONFIG, errors,
                            "every site needs a site_config.yaml at its root")
    if values is None:
        return None
    markdown = values["markdown"]
    return SiteConfig(
        name=values["name"],
        tagline=values["tagline"],
        base_url=(base_url or values["base_url"]).rstrip("/"),
        language=values["language"],
        business_name=values["business_name"],
        booking_url=values["booking_url"],
        navigation=tuple(NavItem(**item) for item in values["navigation"]),
        footer_navigation=tuple(NavItem(**item) for item in values["footer_navigation"]),
        colors=Colors(**values["colors"]),
        cta=CallToAction(**{**values["cta"], "link": NavItem(**values["cta"]["link"]) if values["cta"]["link"] else None}),
        markdown=MarkdownOptions(**markdown),
        currency=values["currency"],
        license_lookup_url=values["license_lookup_url"],
    )

