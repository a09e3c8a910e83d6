"""Slips editors make, each with a message they can act on alone.

Every case applies one mistake to the fixture site and asserts the exact
message at its file, line and column; the output folder stays as it was.
Then: warnings about example values, --strict, and dated content.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import build_and_parse, run_build, snapshot, strip_warnings
from sitegen.authoring import check_markdown
from sitegen.placeholders import scan
from sitegen.regions import coordinates_problem
from PIL import Image
from test_validation import ABOUT, CONDITIONS, CONFIG, LOCATIONS, SERVICES, apply_edit, before_second_heading, front_matter_line


def _tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 180, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


PHOTO = _tiny_jpeg()  # a real photo for content/images/

ARTICLE = "content/articles/first-visit.md"
DRAFT_ARTICLE = "content/articles/coming-soon.md"
NY_EXTENT = "NY lies between latitude 40.48 and 45.02, longitude -79.77 and -71.85"


def run_full(*args):
    """(exit code, stdout, the whole of stderr, warnings included)."""
    result = run_build(*args)
    return result.code, result.out, result.full_err


@dataclass(frozen=True)
class Slip:
    edits: tuple
    expected: str  # the whole error line, exactly


def downtown_coordinates(latitude: str, longitude: str) -> tuple:
    return (LOCATIONS, '    postal_code: "13202"\n',
            f'    postal_code: "13202"\n    coordinates: {{latitude: {latitude}, longitude: {longitude}}}\n')


DOWNTOWN_COORDINATES = "content/data/locations.yaml:30:29: locations[1].coordinates: "
TYPOGRAPHIC = "the value is in typographic quotes (“ ” or ‘ ’), which YAML does not read as quotes"
NO_DESCRIPTION = ("has no description (alt text) for people who cannot see it; write what it shows in the brackets, "
                  "e.g. ![Our treatment room](/images/room.jpg), or ![decorative](...) if it is only decoration")

SLIPS = {
    # YAML: the '- ' of a new list entry left out.
    "new-entry-without-dash": Slip(
        ((CONDITIONS, "\n  - slug: stress\n", "\n    slug: stress\n"),),
        f"{CONDITIONS}:9:5: 'slug' is given a second time in one entry (first on line 2): "
        "this looks like a new entry; start it with `- `, like the entries above"),
    "new-entry-without-dash-outdented": Slip(
        ((CONDITIONS, "\n  - slug: stress\n", "\n  slug: stress\n"),),
        f"{CONDITIONS}:9:3: 'slug' is not part of the entry above: "
        "this looks like a new entry; start it with `- `, like the entries above"),
    "new-entry-without-dash-in-another-order": Slip(
        ((CONDITIONS, "\n  - slug: muscle-tension\n    name: Muscle tension\n",
          "\n    name: Muscle tension\n    slug: muscle-tension\n"),),
        f"{CONDITIONS}:14:5: duplicate key 'name' (first given on line 10); "
        "if this line starts a new entry, start it with `- `; otherwise keep one of them"),
    # Other slips of YAML syntax.
    "no-space-after-colon": Slip(
        ((SERVICES, "    name: Medical massage\n", "    name:Medical massage\n"),),
        f"{SERVICES}:18:9: 'name:' needs a space after the colon; write 'name: Medical massage'"),
    "key-indented-one-space-too-far": Slip(
        ((SERVICES, "    summary: Targeted massage", "     summary: Targeted massage"),),
        f"{SERVICES}:19:6: 'summary' is not lined up with the key above it; indent it with 4 spaces, "
        "like 'name' on line 18"),
    "quote-never-closed": Slip(
        ((ABOUT, "title: About the fixture clinic", 'title: "About the fixture clinic'),),
        f'{ABOUT}:2:8: the quote " opened here is never closed; end the value with " on the same line'),
    "apostrophe-inside-single-quotes": Slip(
        ((ABOUT, "description: A page that uses every directive once.", "description: 'The clinic's page'"),),
        f"{ABOUT}:3:14: the ' inside this quoted value ends it early; put the value in \" quotes instead: "
        "description: \"The clinic's page\""),
    # Typographic quotes pasted from a word processor.
    "curly-quotes-around-value-with-colon": Slip(
        ((ABOUT, "title: About the fixture clinic", "title: “About: the fixture clinic”"),),
        f'{ABOUT}:2:8: {TYPOGRAPHIC}; type straight quotes instead: title: "About: the fixture clinic"'),
    "curly-single-quotes-around-value-with-colon": Slip(
        ((ABOUT, "title: About the fixture clinic", "title: ‘About: the fixture clinic’"),),
        f'{ABOUT}:2:8: {TYPOGRAPHIC}; type straight quotes instead: title: "About: the fixture clinic"'),
    "curly-quotes-around-title": Slip(
        ((ABOUT, "title: About the fixture clinic", "title: “About the fixture clinic”"),),
        f'{ABOUT}:2:8: title: {TYPOGRAPHIC}; type straight quotes instead: title: "About the fixture clinic", '
        "or leave them out"),
    "curly-quotes-in-directive": Slip(
        ((ABOUT, "::: call-to-action", "::: call-to-action heading=“Hi there”"),),
        f"{ABOUT}:25: directive 'call-to-action': the value is in typographic quotes (“ ” or ‘ ’), which a "
        'directive does not read as quotes; type straight quotes instead: ::: call-to-action heading="Hi there"'),
    # Markdown that renders as literal text.
    "space-between-link-text-and-url": Slip(
        (before_second_heading("See [our services] (/services/) today."),),
        f"{ABOUT}:13:5: the space between '[our services]' and '(/services/)' makes this link show as plain text; "
        "remove the space: [our services](/services/)"),
    "link-without-closing-parenthesis": Slip(
        (before_second_heading("See [our services](/services/ for details."),),
        f"{ABOUT}:13:5: the link '[our services](/services/' has no closing ')', so it shows as plain text; "
        "end it with ')': [our services](/services/)"),
    "indented-directive": Slip(
        ((ABOUT, "\n::: call-to-action", "\n  ::: call-to-action"),),
        f"{ABOUT}:25:1: this directive line is indented, so it shows as text; "
        "start the line with ':::' at the left margin, after a blank line"),
    # Links and images.
    "link-without-scheme": Slip(
        (before_second_heading("Read [the society's advice](www.massage-society.org/advice)."),),
        f"{ABOUT}:13: the link 'www.massage-society.org/advice' has no https://, so it leads to a page of this "
        "site; links to other sites start with https://, e.g. https://www.massage-society.org/advice"),
    "link-to-a-markdown-file": Slip(
        (before_second_heading("See [the services](services.md)."),),
        f"{ABOUT}:13: the link 'services.md' names a Markdown file; link to the page's address instead, "
        "e.g. '/services/'"),
    "link-to-an-article-file": Slip(
        (before_second_heading("See [what to expect](../articles/first-visit.md)."),),
        f"{ABOUT}:13: the link '../articles/first-visit.md' names a Markdown file; link to the page's address "
        "instead, e.g. '/articles/first-visit/'"),
    "misspelt-image": Slip(
        ((Path("content/images/team.jpg").as_posix(), None, PHOTO),
         before_second_heading("![Our team at work](/images/tem.jpg)")),
        f"{ABOUT}:13: the image '/images/tem.jpg' does not exist in content/images/; "
        "did you mean '/images/team.jpg'?"),
    "misspelt-image-in-another-folder": Slip(
        ((Path("static/images/team.jpg").as_posix(), None, b"\xff\xd8\xff"),
         before_second_heading("![Our team at work](/img/team.jpeg)")),
        f"{ABOUT}:13: the file '/img/team.jpeg' does not exist: there is no static/img/team.jpeg; "
        "did you mean '/images/team.jpg'?"),
    "image-without-description": Slip(
        (before_second_heading("![](/favicon.svg)"),),
        f"{ABOUT}:13:1: the image '/favicon.svg' {NO_DESCRIPTION}"),
    "image-with-a-blank-description": Slip(
        (before_second_heading("Our logo: ![ ](/favicon.svg)"),),
        f"{ABOUT}:13:11: the image '/favicon.svg' {NO_DESCRIPTION}"),
    "html-image-without-alt": Slip(
        (before_second_heading('Our logo: <img src="/favicon.svg" width="20">'),),
        f"{ABOUT}:13:11: the image '/favicon.svg' has no description (alt text) for people who cannot see it; "
        'add alt="what it shows", or alt="" if it is only decoration'),
    # Drafts named where published pages are expected.
    "draft-in-navigation": Slip(
        ((CONFIG, "  - title: About\n", "  - title: Coming soon\n    url: /articles/coming-soon/\n  - title: About\n"),),
        f"{CONFIG}:20: navigation entry 'Coming soon' links to /articles/coming-soon/, which is a draft "
        f"({DRAFT_ARTICLE} has draft: true); publish the page or take it out of the navigation"),
    "link-to-draft": Slip(
        (before_second_heading("Soon: [our next article](/articles/coming-soon/)."),),
        f"{ABOUT}:13: the link '/articles/coming-soon/' leads to /articles/coming-soon/, which is a draft "
        f"({DRAFT_ARTICLE} has draft: true)"),
    # Coordinates that cannot be the location's.
    "coordinates-swapped": Slip(
        (downtown_coordinates("-76.151", "43.048"),),
        f"{DOWNTOWN_COORDINATES}latitude -76.151 and longitude 43.048 look swapped: {NY_EXTENT}; "
        "exchange them: latitude: 43.048, longitude: -76.151"),
    "coordinates-without-minus": Slip(
        (downtown_coordinates("43.048", "76.151"),),
        f"{DOWNTOWN_COORDINATES}longitude 76.151 is east of Greenwich, far from NY: {NY_EXTENT}; "
        "places west of Greenwich have a negative longitude: write longitude: -76.151"),
    "coordinates-elsewhere": Slip(
        (downtown_coordinates("42.3601", "-71.0589"),),
        f"{DOWNTOWN_COORDINATES}latitude 42.3601, longitude -71.0589 is not in NY: {NY_EXTENT}; "
        "copy the coordinates of the address from a map"),
}


@pytest.mark.parametrize("slip", SLIPS.values(), ids=SLIPS.keys())
def test_a_slip_gets_a_message_that_says_what_to_do(prebuilt_fixture_site, slip):
    root = prebuilt_fixture_site
    before = snapshot(root / "output")
    for edit in slip.edits:
        apply_edit(root, edit)
    code, out, err = run_build(root)
    assert code == 1, f"exit {code}\n{out}\n{err}"
    lines = strip_warnings(err).splitlines()
    assert lines[-2:] == ["1 error found.", "The output folder was left as it was."], err
    assert lines[0] == slip.expected
    assert snapshot(root / "output") == before


def test_a_decorative_image_is_published_with_an_empty_description(fixture_site):
    apply_edit(fixture_site, before_second_heading("![decorative](/favicon.svg)"))
    site = build_and_parse(fixture_site)
    assert site.result.code == 0, site.result.err
    images = site.page("/about/").find("main").find_all("img", src="/favicon.svg")
    assert [img.get("alt") for img in images] == [""]


def test_code_is_not_checked_for_slips(fixture_site):
    example = "```markdown\n  ::: call-to-action\n[text] (/services/) ![](/x.jpg)\n```\n\n`[a] (/b/)`"
    apply_edit(fixture_site, before_second_heading(example))
    code, _, err = run_build(fixture_site)
    assert (code, strip_warnings(err)) == (0, "")


def test_coordinates_of_the_demo_locations_pass():
    assert coordinates_problem("NY", 43.134, -76.130) is None
    assert coordinates_problem("NY", 43.048, -76.151) is None
    assert coordinates_problem("ZZ", 0.0, 0.0) is None  # a region without a box is not checked


def test_a_pair_beyond_the_globe_is_reported():
    assert coordinates_problem("CA", 95.0, 181.0) == ("latitude 95 is not between -90 and 90",
                                                      "copy the coordinates of the address from a map")


# Example values ------------------------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("phone: (315) 555-0142", "'(315) 555-0142' is a fictional phone number"),
    ("phone: 315.555.0100", "'315.555.0100' is a fictional phone number"),
    ("call +1 315 555 0199 today", "'+1 315 555 0199' is a fictional phone number"),
    ("phone: 555-0123", "'555-0123' is a fictional phone number"),
    ("email: desk@example.org", "'desk@example.org' is an example email address (example.org is reserved"),
    ("url: https://booking.example.net/x?y=1", "'https://booking.example.net/x?y=1' is an example address"),
    ("see www.EXAMPLE.com", "'www.EXAMPLE.com' is an example address (example.com is reserved"),
    ("host: clinic.example", "'clinic.example' is an example address"),
    ("street_address: 1 Main Street  # EXAMPLE VALUE: replace", "'street_address: 1 Main Street' is marked EXAMPLE VALUE"),
])
def test_example_values_are_recognised(text, found):
    warnings = scan("content/data/x.yaml", text)
    assert len(warnings) == 1 and found in warnings[0].message, warnings
    assert warnings[0].severity == "warning"


@pytest.mark.parametrize("text", [
    "phone: (315) 555-0200",  # not in the reserved range
    "phone: (315) 555-01234",
    "id: 95550142",
    "url: https://counterexample.com/",
    "url: https://example.community/",
    "# EXAMPLE VALUE: every value below is fictional",  # a comment on its own publishes nothing
    "street: 1 Main Street  # see https://example.com",  # comments are not published
])
def test_real_values_and_comments_are_not_warned_about(text):
    assert scan("content/data/x.yaml", text) == []


def test_markdown_inside_yaml_is_scanned_as_markdown():
    text = ("conditions:\n  - slug: a\n    body: |\n      # Call (315) 555-0150\n      Open late <!-- EXAMPLE VALUE -->\n"
            "    summary: x  # see https://example.com/notes\n")
    assert [(w.line, w.column, w.message) for w in scan("content/data/conditions.yaml", text)] == [
        (4, 14, "'(315) 555-0150' is a fictional phone number (555-0100 to 555-0199 are reserved for examples)"),
        (5, 7, "'Open late <!-- EXAMPLE VALUE -->' is marked EXAMPLE VALUE"),
    ]  # and the comment on line 6 publishes nothing


def test_filler_text_is_a_warning():
    [warning] = scan("content/pages/x.md", "Intro.\n\nLorem ipsum dolor sit amet.")
    assert str(warning) == "content/pages/x.md:3:1: warning: 'Lorem ipsum' is filler text; write the real text before publishing"


def test_the_marker_counts_anywhere_in_markdown():
    [warning] = scan("content/pages/x.md", "Open 9 to 5 <!-- EXAMPLE VALUE -->")
    assert str(warning) == ("content/pages/x.md:1:1: warning: 'Open 9 to 5 <!-- EXAMPLE VALUE -->' is marked "
                            "EXAMPLE VALUE; replace it with the real value before publishing, and remove the marker")


FIXTURE_WARNINGS = [
    f"{LOCATIONS}:9:12: warning: '(315) 555-0111' is a fictional phone number (555-0100 to 555-0199 are reserved "
    "for examples); replace it with the real value before publishing",
    f"{LOCATIONS}:10:12: warning: 'north@example.com' is an example email address (example.com is reserved for "
    "examples); replace it with the real value before publishing",
    f"{LOCATIONS}:19:18: warning: 'https://booking.example.com/fixture/north' is an example address (example.com "
    "is reserved for examples); replace it with the real value before publishing",
    f"{LOCATIONS}:30:12: warning: '315.555.0122' is a fictional phone number (555-0100 to 555-0199 are reserved "
    "for examples); replace it with the real value before publishing",
    f"{LOCATIONS}:31:12: warning: 'downtown@example.com' is an example email address (example.com is reserved for "
    "examples); replace it with the real value before publishing",
    f"{CONFIG}:5:11: warning: 'https://fixture.example.org' is an example address (example.org is reserved for "
    "examples); replace it with the real value before publishing",
    f"{CONFIG}:8:14: warning: 'https://booking.example.com/fixture' is an example address (example.com is "
    "reserved for examples); replace it with the real value before publishing",
    f"{CONFIG}:41:21: warning: 'https://verify.example.org/lookup?profession=027&number={{number}}' is an example "
    "address (example.org is reserved for examples); replace it with the real value before publishing",
]


def test_example_values_are_warnings_that_do_not_stop_the_build(fixture_site):
    code, out, err = run_full(fixture_site)
    assert code == 0
    assert err.splitlines() == FIXTURE_WARNINGS + ["8 warnings."]
    assert out.endswith(" s (8 warnings: example values that must be replaced before publishing)\n")
    assert (fixture_site / "output/index.html").is_file()


@pytest.mark.parametrize("command, left_alone", [("build", "The output folder was left as it was."),
                                                 ("check", "Nothing was written.")])
def test_strict_fails_on_warnings(prebuilt_fixture_site, command, left_alone):
    before = snapshot(prebuilt_fixture_site / "output")
    code, out, err = run_full(prebuilt_fixture_site, command, "--strict")
    assert code == 1
    assert out == ""
    assert err.splitlines() == FIXTURE_WARNINGS + ["8 warnings.", f"--strict: warnings fail the build. {left_alone}"]
    assert snapshot(prebuilt_fixture_site / "output") == before


def test_strict_passes_once_the_example_values_are_replaced(fixture_site):
    for path in (LOCATIONS, CONFIG):
        file = fixture_site / path
        text = re.sub(r"555[.-]01(\d\d)", r"474-23\1", file.read_text(encoding="utf-8"))
        file.write_text(text.replace("example.com", "fixture-clinic.com").replace("example.org", "fixture-clinic.org"),
                        encoding="utf-8")
    code, out, err = run_build(fixture_site, "--strict")
    assert (code, err) == (0, "")
    assert "warning" not in out


def test_warnings_come_after_the_errors(fixture_site):
    apply_edit(fixture_site, (ABOUT, "title:", "tittle:"))
    code, _, err = run_full(fixture_site)
    assert code == 1
    assert err.splitlines() == [f"{ABOUT}:2:1: unknown key 'tittle'; did you mean 'title'?", "1 error found.",
                                *FIXTURE_WARNINGS, "8 warnings.", "The output folder was left as it was."]


def test_a_draft_is_not_scanned_unless_it_is_built(fixture_site):
    apply_edit(fixture_site, (DRAFT_ARTICLE, "This article is a draft.", "Call (315) 555-0150."))
    code, _, err = run_full(fixture_site)
    assert code == 0 and "coming-soon.md" not in err
    code, _, err = run_full(fixture_site, "--drafts")
    assert code == 0
    assert f"{DRAFT_ARTICLE}:8:6: warning: '(315) 555-0150' is a fictional phone number" in err


def test_the_demo_site_warns_about_each_example_value(built_real_site):
    err = built_real_site.result.full_err.splitlines()
    warnings = [line for line in err if ": warning: " in line]
    assert len(warnings) >= 16 and err == warnings + [f"{len(warnings)} warnings."]  # 16 in contact data alone
    assert ("content/data/locations.yaml:15:12: warning: '(315) 555-0142' is a fictional phone number (555-0100 to "
            "555-0199 are reserved for examples); replace it with the real value before publishing") in err
    assert ("content/data/locations.yaml:10:5: warning: 'street_address: 100 Example Road' is marked EXAMPLE VALUE; "
            "replace it with the real value before publishing, and remove the marker") in err


# Dated content ---------------------------------------------------------------------------

FUTURE_ARTICLE = """---
title: Winter hours
description: When we are open over the holidays.
date: 2026-12-20
---

We close early on December 24.
"""


def test_a_page_dated_in_the_future_is_published_on_its_day(fixture_site):
    apply_edit(fixture_site, ("content/articles/winter-hours.md", None, FUTURE_ARTICLE))
    site = build_and_parse(fixture_site, "--today", "2026-12-19")
    assert site.result.code == 0, site.result.err
    assert site.result.out.endswith("(8 warnings: example values that must be replaced before publishing; "
                                    "1 scheduled page, published on 2026-12-20)\n")
    assert "/articles/winter-hours/" not in site.pages
    listing = site.page("/articles/")
    assert "/articles/winter-hours/" not in listing.links()
    assert "winter-hours" not in (site.output / "sitemap.xml").read_text(encoding="utf-8")

    site = build_and_parse(fixture_site, "--today", "2026-12-20")
    assert site.result.code == 0, site.result.err
    assert "/articles/winter-hours/" in site.pages
    assert "/articles/winter-hours/" in site.page("/articles/").links()
    assert "/articles/winter-hours/" in (site.output / "sitemap.xml").read_text(encoding="utf-8")


def banner(page) -> str:
    [paragraph] = page.find_all("p", class_="draft-banner")
    return paragraph.text_content()


def test_the_preview_shows_a_scheduled_page_marked_as_scheduled(fixture_site):
    apply_edit(fixture_site, ("content/articles/winter-hours.md", None, FUTURE_ARTICLE))
    site = build_and_parse(fixture_site, "--drafts", "--today", "2026-12-01")
    assert site.result.code == 0, site.result.err
    page = site.page("/articles/winter-hours/")
    assert banner(page) == "Scheduled — this page is published on December 20, 2026."
    assert [m.get("content") for m in page.find_all("meta", name="robots")] == ["noindex"]
    cards = {card.find("a").get("href"): card.find("p", class_="article-meta").text_content()
             for card in site.page("/articles/").find_all("li", class_="card")}
    assert cards["/articles/winter-hours/"] == "December 20, 2026 · Scheduled"
    assert cards["/articles/coming-soon/"] == "May 1, 2026 · Draft"
    assert cards["/articles/first-visit/"] == "March 3, 2026"


def test_an_expired_page_leaves_the_site_after_its_last_day(fixture_site):
    apply_edit(fixture_site, front_matter_line("expires: 2026-12-31"))
    site = build_and_parse(fixture_site, "--today", "2026-12-31")
    assert "/about/" in site.pages, site.result.err
    site = build_and_parse(fixture_site, "--today", "2027-01-01")
    assert site.result.code == 1  # the navigation still names it
    assert strip_warnings(site.result.err).splitlines()[0] == (
        f"{CONFIG}:20: navigation entry 'About' links to /about/, which expired on 2026-12-31 ({ABOUT}); "
        "publish the page or take it out of the navigation")
    apply_edit(fixture_site, (CONFIG, "  - title: About\n    url: /about/\n", ""))
    site = build_and_parse(fixture_site, "--today", "2027-01-01")
    assert site.result.code == 1  # and so does the home page
    assert strip_warnings(site.result.err).splitlines()[0] == (
        f"content/pages/index.md:9: the link '/about/' leads to /about/, which expired on 2026-12-31 ({ABOUT})")
    apply_edit(fixture_site, ("content/pages/index.md", "[about us](/about/)", "about us"))
    site = build_and_parse(fixture_site, "--today", "2027-01-01")
    assert site.result.code == 0, site.result.err
    assert "/about/" not in site.pages
    site = build_and_parse(fixture_site, "--drafts", "--today", "2027-01-01")
    assert banner(site.page("/about/")) == "Expired — this page left the site after December 31, 2026."


def test_expires_before_the_date_is_an_error(fixture_site):
    apply_edit(fixture_site, (ARTICLE, "date: 2026-03-03", "date: 2026-03-03\nexpires: 2026-03-01"))
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert strip_warnings(err).splitlines()[0] == (
        f"{ARTICLE}:5:10: expires: 2026-03-01 is before the page's date 2026-03-03; "
        "the page would never be published; correct one of the dates")


def test_today_must_be_a_date(fixture_site):
    code, _, err = run_build(fixture_site, "--today", "tomorrow")
    assert code == 2
    assert "argument --today: 'tomorrow' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-26" in err


def test_an_apostrophe_in_a_directive_value_is_text(fixture_site):
    apply_edit(fixture_site, (ABOUT, "::: call-to-action", '::: call-to-action heading="We’re here for you"'))
    site = build_and_parse(fixture_site)
    assert site.result.code == 0, site.result.err
    assert "We’re here for you" in site.page("/about/").text_content()


def test_a_link_to_a_scheduled_page_says_when_it_appears(fixture_site):
    apply_edit(fixture_site, ("content/articles/winter-hours.md", None, FUTURE_ARTICLE))
    apply_edit(fixture_site, before_second_heading("See [our winter hours](/articles/winter-hours/)."))
    code, _, err = run_build(fixture_site, "--today", "2026-12-01")
    assert code == 1
    assert strip_warnings(err).splitlines()[0] == (
        f"{ABOUT}:13: the link '/articles/winter-hours/' leads to /articles/winter-hours/, which is scheduled for "
        "2026-12-20 and not published yet (content/articles/winter-hours.md)")
    assert run_build(fixture_site, "--today", "2026-12-20").code == 0


def test_strict_may_come_before_the_command_or_without_one(prebuilt_fixture_site):
    assert run_build(prebuilt_fixture_site, "--strict").code == 1
    assert run_build(prebuilt_fixture_site, "--strict", "check").code == 1
    assert run_build(prebuilt_fixture_site, "check").code == 0


def test_a_date_years_ahead_is_a_warning(fixture_site):
    apply_edit(fixture_site, (ARTICLE, "date: 2026-03-03", "date: 2062-03-03"))
    code, out, err = run_full(fixture_site, "--today", "2026-12-01")
    assert code == 0
    assert (f"{ARTICLE}:4: warning: date: 2062-03-03 is more than a year away, so the page stays unpublished "
            "until then; check the year") in err.splitlines()
    assert out.endswith("(9 warnings; 1 scheduled page, published on 2062-03-03)\n")


@pytest.mark.parametrize("text", ["As Smith [1] (2019.) found", "Bring [optional] (if you have one) notes",
                                  "See [the list](/services/) (all of it)", "[a][ref] (b)"])
def test_brackets_in_prose_are_not_taken_for_links(text):
    assert check_markdown(text, "content/pages/x.md", 1) == []
