"""Declared content collections: the new kinds on the fixture site, their mistakes, and a kind
added by declaration and templates alone.

The fixture site (tests/fixture_site) has a valid file for every kind; the site is built
once with --today 2026-11-20 so holiday hours are predictable.
"""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT, build_and_parse, copy_fixture_site, run_build, snapshot
from htmlparse import parse
from sitegen.collections import Collection, Page, Reference
from sitegen.docs import all_tables, update_readme
from sitegen.errors import BuildFailed
from sitegen.kinds import KINDS
from sitegen.pipeline import BuildOptions, build_site
from sitegen.schema import Field, Integer, Slug, SlugRef, Text

TODAY = "2026-11-20"
TEAM = "content/data/team.yaml"
SERVICES = "content/data/services.yaml"
LOCATIONS = "content/data/locations.yaml"
QUESTIONS = "content/data/questions.yaml"
TESTIMONIALS = "content/data/testimonials.yaml"
POLICIES = "content/data/policies.yaml"
ABOUT = "content/pages/about.md"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    built = build_and_parse(copy_fixture_site(tmp_path_factory.mktemp("collections") / "site"), "--today", TODAY)
    assert built.result.code == 0, built.result.err
    return built


def json_ld(tree) -> list[dict]:
    return [json.loads(script.text_content()) for script in tree.find_all("script", type="application/ld+json")]


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def section(tree, heading_text: str):
    """The <section> whose heading reads `heading_text`."""
    for candidate in tree.find_all("section"):
        heading = candidate.by_id(candidate.get("aria-labelledby") or "")
        if heading is not None and text(heading) == heading_text:
            return candidate
    raise AssertionError(f"no section headed {heading_text!r}")


def build_with(root: Path, *edits, today: str = TODAY):
    """Apply (file, old, new) edits (old None: write the file) and build; returns the result."""
    for relative, old, new in edits:
        path = root / relative
        if old is None:
            path.write_text(new, encoding="utf-8")
        else:
            content = path.read_text(encoding="utf-8")
            assert content.count(old) == 1, f"{old!r} must occur once in {relative}"
            path.write_text(content.replace(old, new), encoding="utf-8")
    return run_build(root, "--today", today)


def line_of(root: Path, relative: str, needle: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").split("\n")
    found = [number for number, line in enumerate(lines, 1) if needle in line]
    assert len(found) == 1, f"{needle!r} must be on one line of {relative}"
    return found[0]


def only_error(result) -> str:
    assert result.code == 1, result.err
    lines = result.err.splitlines()
    assert lines[-2] == "1 error found.", result.err
    return lines[0]


# Team ---------------------------------------------------------------------------------

def test_team_page_lists_every_member_with_one_h1(site):
    tree = site.page("/team/")
    assert [text(h1) for h1 in tree.find_all("h1")] == ["Our team"]
    links = tree.find("main").links()
    assert "/team/ana/" in links and "/team/ben/" in links


def test_member_page_links_licence_services_and_locations(site):
    tree = site.page("/team/ana/")
    main = tree.find("main")
    assert [text(h1) for h1 in tree.find_all("h1")] == ["Ana Example"]
    assert "https://verify.example.org/lookup?profession=027&number=012345" in main.links()
    assert {"/services/medical-massage/", "/services/sports-massage/", "/locations/north/"} <= set(main.links())
    assert "/locations/downtown/" not in section(main, "Where to see Ana Example").links()


def test_a_member_without_a_licence_has_no_licence_link(site):
    main = site.page("/team/ben/").find("main")
    assert not [href for href in main.links() if "verify.example.org" in href]


def test_services_and_locations_list_who_works_there(site):
    """The team file names services and locations; their pages show it (the other direction)."""
    sports = section(site.page("/services/sports-massage/").find("main"), "Who gives it")
    assert sports.links() == ["/team/ana/"]
    downtown = section(site.page("/locations/downtown/").find("main"), "Who works here")
    assert downtown.links() == ["/team/ben/"]
    north = section(site.page("/locations/north/").find("main"), "Who works here")
    assert north.links() == ["/team/ana/", "/team/ben/"]


@pytest.mark.parametrize("credentials", ["Massage therapist", "LMT, sports massage", "licensed Massage Therapist, reiki"])
def test_reserved_title_without_licence_is_an_error(fixture_site, credentials):
    result = build_with(fixture_site, (TEAM, "credentials: Reception and booking", f"credentials: {credentials}"))
    line = line_of(fixture_site, TEAM, f"credentials: {credentials}")
    error = only_error(result)
    assert error.startswith(f"{TEAM}:{line}:18: team[1].credentials: '")
    assert "may only be used with a New York licence, and no license_number is given" in error
    assert error.endswith("add license_number: with the six-digit licence number, or change the credentials")


def test_unknown_service_of_a_member_is_reported_with_a_suggestion(fixture_site):
    result = build_with(fixture_site, (TEAM, "services: [therapeutic-massage]", "services: [therapeutic-masage]"))
    line = line_of(fixture_site, TEAM, "therapeutic-masage")
    assert only_error(result) == (f"{TEAM}:{line}:16: team[1].services[0]: unknown service 'therapeutic-masage'; "
                                  "did you mean 'therapeutic-massage'?")


def test_unknown_location_of_a_member_is_reported(fixture_site):
    result = build_with(fixture_site, (TEAM, "locations: [downtown, north]", "locations: [downtown, nort]"))
    line = line_of(fixture_site, TEAM, "[downtown, nort]")
    assert only_error(result) == (f"{TEAM}:{line}:27: team[1].locations[1]: unknown location 'nort'; "
                                  "did you mean 'north'?")


def test_a_member_giving_a_service_where_it_is_not_offered_is_an_error(fixture_site):
    """Both directions agree: a member's service must be offered at one of their locations."""
    result = build_with(fixture_site, (TEAM, "services: [therapeutic-massage]\n    locations: [downtown, north]",
                                       "services: [sports-massage]\n    locations: [downtown]"))
    line = line_of(fixture_site, TEAM, "services: [sports-massage]")
    assert only_error(result) == (
        f"{TEAM}:{line}:16: team[1].services[0]: Ben Example gives Sports massage, but it is not offered where they "
        "work (Downtown Office); add the service to that location's services in locations.yaml, "
        "or the location to this member's locations")


def test_licence_number_must_be_six_digits(fixture_site):
    result = build_with(fixture_site, (TEAM, 'license_number: "012345"', "license_number: 12-345"))
    line = line_of(fixture_site, TEAM, "license_number: 12-345")
    assert only_error(result).startswith(
        f"{TEAM}:{line}:21: team[0].license_number: '12-345' is not a six-digit New York licence number")


def test_missing_photo_is_reported_at_its_line(fixture_site):
    result = build_with(fixture_site, (TEAM, "    bio: Ben helps", "    photo: /images/ben.jpg\n    bio: Ben helps"))
    line = line_of(fixture_site, TEAM, "photo: /images/ben.jpg")
    assert only_error(result).startswith(f"{TEAM}:{line}:12: team[1].photo: the image '/images/ben.jpg' does not exist "
                                         "in content/images/")


def test_photo_is_shown_with_its_size(fixture_site):
    from PIL import Image

    (fixture_site / "content/images").mkdir(parents=True)
    Image.new("RGB", (120, 160), "white").save(fixture_site / "content/images/ben.png")
    result = build_with(fixture_site, (TEAM, "    bio: Ben helps", "    photo: /images/ben.png\n    bio: Ben helps"))
    assert result.code == 0, result.err
    tree = parse((fixture_site / "output/team/ben/index.html").read_text(encoding="utf-8"))
    image = tree.find("img", class_="team-photo")
    assert (image.get("width"), image.get("height"), image.get("alt"), image.get("loading")) == \
        ("120", "160", "Ben Example", "lazy")
    assert (fixture_site / "output" / image.get("src").lstrip("/")).is_file()  # a published variant


# Prices and durations --------------------------------------------------------------------

def test_service_page_shows_sessions_or_call_for_prices(site):
    sports = section(site.page("/services/sports-massage/").find("main"), "Lengths and prices")
    rows = [[text(cell) for cell in row.children] for row in sports.find("tbody").find_all("tr")]
    assert rows == [["45 minutes", "$70"]]
    assert "At North Office, 60 minutes cost $80.50." in text(sports)
    medical = section(site.page("/services/medical-massage/").find("main"), "Lengths and prices")
    assert medical.find("table") is None
    assert text(medical.find("p", class_="sessions-call")) == "Call for prices."


def test_location_page_shows_the_prices_there(site):
    main = site.page("/locations/north/").find("main")
    tables = [t for t in main.find_all("table", class_="sessions")]
    sports = [t for t in tables if "Sports massage" in text(t.find("caption"))]
    assert len(sports) == 1
    rows = [[text(cell) for cell in row.children] for row in sports[0].find("tbody").find_all("tr")]
    assert rows == [["45 minutes", "$70"], ["60 minutes", "$80.50"]]


def test_structured_data_has_offers_and_price_range(site):
    (service,) = json_ld(site.page("/services/sports-massage/"))
    assert service["@type"] == "Service"
    offers = service["offers"]
    assert [(o["@type"], o["price"], o["priceCurrency"]) for o in offers] == [("Offer", "70.00", "USD"), ("Offer", "80.50", "USD")]
    assert offers[1]["availableAtOrFrom"]["url"] == "https://fixture.example.org/locations/north/"
    (north,) = json_ld(site.page("/locations/north/"))
    assert north["priceRange"] == "$70–$80.50"
    (downtown,) = json_ld(site.page("/locations/downtown/"))
    assert "priceRange" not in downtown  # no published prices there


def test_comparison_row_shows_prices(fixture_site):
    result = build_with(fixture_site, (SERVICES, "  - field: locations\n", "  - field: sessions\n    label: Prices\n  - field: locations\n"))
    assert result.code == 0, result.err
    tree = parse((fixture_site / "output/services/index.html").read_text(encoding="utf-8"))
    row = [r for r in tree.find("table", class_="comparison").find_all("tr") if r.find("th") and text(r.find("th")) == "Prices"][0]
    # Each cell's value, without the service name it shows when the table is stacked on phones.
    cells = [text(cell.find(class_="cell-value")) for cell in row.find_all("td")]
    assert cells == ["Call for prices", "Call for prices", "45 min: $70 60 min at North Office: $80.50"]


def test_session_at_an_unknown_location_is_reported(fixture_site):
    result = build_with(fixture_site, (SERVICES, "location: north}", "location: nrth}"))
    line = line_of(fixture_site, SERVICES, "location: nrth}")
    assert only_error(result) == (f"{SERVICES}:{line}:46: services[2].sessions[1].location: unknown location 'nrth'; "
                                  "did you mean 'north'?")


def test_a_length_priced_twice_is_reported(fixture_site):
    result = build_with(fixture_site, (SERVICES, "      - {minutes: 45, price: 70}\n",
                                       "      - {minutes: 45, price: 70}\n      - {minutes: 45, price: 75}\n"))
    line = line_of(fixture_site, SERVICES, "price: 75}")
    assert only_error(result).startswith(f"{SERVICES}:{line}:9: services[2].sessions[1]: a 45-minute session is priced twice")


def test_a_negative_price_is_reported(fixture_site):
    result = build_with(fixture_site, (SERVICES, "{minutes: 45, price: 70}", "{minutes: 45, price: -70}"))
    line = line_of(fixture_site, SERVICES, "price: -70}")
    assert only_error(result) == (f"{SERVICES}:{line}:9: services[2].sessions[0]: a session needs a positive length "
                                  "and a price of 0 or more; write minutes: 60, price: 95")


def test_a_folder_where_a_data_file_belongs_is_reported(fixture_site):
    (fixture_site / TESTIMONIALS).unlink()
    (fixture_site / TESTIMONIALS).mkdir()
    result = run_build(fixture_site)
    assert only_error(result) == (f"{TESTIMONIALS}: is a folder, not a file; "
                                  f"{TESTIMONIALS} must be a YAML file listing the testimonials")


# Policies ---------------------------------------------------------------------------------

def test_policies_page_has_a_section_per_policy(site):
    tree = site.page("/policies/")
    assert [text(h) for h in tree.find("main").find_all("h2")][:2] == ["Cancellations", "Missed appointments"]
    assert tree.by_id("cancellation") is not None


def test_every_booking_button_has_the_policies_next_to_it(site):
    for url in ("/services/medical-massage/", "/locations/north/", "/about/"):
        main = site.page(url).find("main")
        for cta in main.find_all("section", class_="cta"):
            line = cta.find("p", class_="booking-policies")
            assert line is not None, url
            assert text(line) == "Cancel 24 hours ahead. Missed sessions are charged. Our booking policies"
            assert "/policies/" in line.links()


def test_policy_without_summary_is_reported(fixture_site):
    result = build_with(fixture_site, (POLICIES, "    summary: Cancel 24 hours ahead.\n", ""))
    assert only_error(result) == (f"{POLICIES}:2:5: policies[0]: missing required key 'summary' "
                                  "(one short sentence shown next to booking buttons)")


# Questions -----------------------------------------------------------------------------------

def test_questions_page_lists_every_question_as_a_heading(site):
    main = site.page("/questions/").find("main")
    assert [text(h) for h in main.find_all("h2")][:2] == ["Do I need a script?", "How long is a session?"]
    assert main.find("em") is not None  # the answer's Markdown was rendered


def test_each_question_has_an_anchor_apart_from_page_headings(site):
    tree = site.page("/questions/")
    assert tree.by_id("q-script") is not None and tree.by_id("q-how-long") is not None


def test_service_pages_show_their_questions(site):
    medical = section(site.page("/services/medical-massage/").find("main"), "Questions about Medical massage")
    assert [text(h) for h in medical.find_all("h3")] == ["Do I need a script?", "How long is a session?"]
    sports = section(site.page("/services/sports-massage/").find("main"), "Questions about Sports massage")
    assert [text(h) for h in sports.find_all("h3")] == ["How long is a session?"]
    assert "Questions about Therapeutic massage" not in text(site.page("/services/therapeutic-massage/"))


def test_questions_directive_places_a_topic(site):
    main = site.page("/about/").find("main")
    questions = main.find("div", class_="questions")
    assert [text(h) for h in questions.find_all("h3")] == ["Do I need a script?"]


def test_unknown_topic_in_directive_is_reported(fixture_site):
    result = build_with(fixture_site, (ABOUT, "::: questions topic=insurance", "::: questions topic=insurence"))
    line = line_of(fixture_site, ABOUT, "topic=insurence")
    error = only_error(result)
    assert error.startswith(f"{ABOUT}:{line}")
    assert "no question has the topic 'insurence'; did you mean 'insurance'?" in error


def test_broken_link_in_an_answer_is_reported_at_its_line(fixture_site):
    result = build_with(fixture_site, (QUESTIONS, "see [services](/services/)", "see [services](/servics/)"))
    line = line_of(fixture_site, QUESTIONS, "/servics/")
    error = only_error(result)
    assert error.startswith(f"{QUESTIONS}:{line}: the link '/servics/' leads to no page"), error


# Testimonials ------------------------------------------------------------------------------

def test_testimonials_are_shown_and_examples_say_so(site):
    main = site.page("/testimonials/").find("main")
    quotes = main.find_all("li", class_="testimonial")
    assert [text(q.find("blockquote")) for q in quotes] == ["Relaxing every time.", "My back feels better."]  # newest first
    assert text(quotes[1].find("p", class_="testimonial-example")).startswith("Example")
    assert quotes[0].find("p", class_="testimonial-example") is None


def test_service_pages_show_the_testimonials_that_name_them(site):
    quotes = section(site.page("/services/medical-massage/").find("main"), "What clients say")
    assert [text(q) for q in quotes.find_all("blockquote")] == ["My back feels better."]
    assert text(quotes.find("p", class_="testimonial-example")) == "Example: a sample quote, not from a real client."
    assert "What clients say" not in [text(h) for h in site.page("/services/sports-massage/").find_all("h2")]


def test_no_rating_or_review_structured_data_anywhere(site):
    for url, tree in site.pages.items():
        for data in json_ld(tree):
            dumped = json.dumps(data)
            assert "aggregateRating" not in dumped and '"Review"' not in dumped, url


def test_testimonial_without_consent_is_an_error(fixture_site):
    result = build_with(fixture_site, (TESTIMONIALS, "    consent: {date: 2026-10-01, form: Form F-2}\n", ""))
    line = line_of(fixture_site, TESTIMONIALS, "slug: second")
    assert only_error(result) == (f"{TESTIMONIALS}:{line}:5: testimonials[1]: missing required key 'consent' "
                                  "(the written permission the clinic holds to publish it (`date`, `form`))")


def test_testimonial_with_a_full_name_is_an_error(fixture_site):
    result = build_with(fixture_site, (TESTIMONIALS, "name: Alex", "name: Alex Smith"))
    line = line_of(fixture_site, TESTIMONIALS, "name: Alex Smith")
    assert only_error(result).startswith(
        f"{TESTIMONIALS}:{line}:11: testimonials[1].name: 'Alex Smith' is not a first name or initials")


# Holiday and special hours ---------------------------------------------------------------------

def test_location_page_shows_upcoming_special_hours_only(site):
    table = site.page("/locations/downtown/").find("main").find("table", class_="special-hours")
    rows = [[text(cell) for cell in row.children] for row in table.find("tbody").find_all("tr")]
    assert rows == [["Thanksgiving, November 26, 2026", "Closed"], ["Christmas Eve, December 24, 2026", "10:00 AM – 1:00 PM"]]


def test_footer_shows_special_hours_of_the_next_three_weeks(site):
    footer = text(site.page("/").find("footer"))
    assert "Thanksgiving (November 26, 2026): Closed" in footer
    assert "Christmas Eve" not in footer and "Past closure" not in footer


def test_special_hours_in_structured_data(site):
    (downtown,) = json_ld(site.page("/locations/downtown/"))
    assert downtown["specialOpeningHoursSpecification"] == [
        {"@type": "OpeningHoursSpecification", "validFrom": "2026-11-26", "validThrough": "2026-11-26",
         "opens": "00:00", "closes": "00:00"},
        {"@type": "OpeningHoursSpecification", "validFrom": "2026-12-24", "validThrough": "2026-12-24",
         "opens": "10:00", "closes": "13:00"},
    ]


def test_today_moves_what_is_upcoming(fixture_site):
    result = run_build(fixture_site, "--today", "2026-12-20")
    assert result.code == 0, result.err
    tree = parse((fixture_site / "output/index.html").read_text(encoding="utf-8"))
    footer = text(tree.find("footer"))
    assert "Christmas Eve (December 24, 2026)" in footer and "Thanksgiving" not in footer
    later = run_build(fixture_site, "--today", "2027-01-05")
    assert later.code == 0
    tree = parse((fixture_site / "output/locations/downtown/index.html").read_text(encoding="utf-8"))
    assert tree.find("table", class_="special-hours") is None


def test_today_must_be_a_date(fixture_site):
    result = run_build(fixture_site, "--today", "next week")
    assert result.code == 2
    assert "'next week' is not a date; write it as YYYY-MM-DD" in result.err


def test_special_day_given_twice_is_reported(fixture_site):
    result = build_with(fixture_site, (LOCATIONS, "label: Christmas Eve", "label: Christmas Eve, hours: closed}\n      - {date: 2026-12-24, label: Again"))
    line = line_of(fixture_site, LOCATIONS, "label: Again")
    assert only_error(result).startswith(f"{LOCATIONS}:{line}:9: locations[1].special_hours[3]: 2026-12-24 is given twice")


# Booking follows the context -------------------------------------------------------------------

def test_location_page_books_and_calls_that_location_only(site):
    main = site.page("/locations/north/").find("main")
    cta = main.find_all("section", class_="cta")[-1]
    assert [href for href in cta.links() if href.startswith(("http", "tel:"))] == \
        ["https://booking.example.com/fixture/north", "tel:+13155550111"]
    sticky = site.page("/locations/north/").find("aside", class_="sticky-cta")
    assert sticky.links() == ["https://booking.example.com/fixture/north", "tel:+13155550111"]


def test_service_booking_links_carry_the_service_where_the_location_says_how(fixture_site):
    result = build_with(fixture_site, (LOCATIONS, "booking_url: https://booking.example.com/fixture/north",
                                       "booking_url: https://booking.example.com/fixture/north?service={service}&src=site"))
    assert result.code == 0, result.err
    tree = parse((fixture_site / "output/services/sports-massage/index.html").read_text(encoding="utf-8"))
    cta = tree.find("main").find_all("section", class_="cta")[-1]
    assert "https://booking.example.com/fixture/north?service=sports-massage&src=site" in cta.links()
    location = parse((fixture_site / "output/locations/north/index.html").read_text(encoding="utf-8"))
    assert "https://booking.example.com/fixture/north?src=site" in location.find("main").links()


def test_booking_url_with_another_placeholder_is_reported(fixture_site):
    result = build_with(fixture_site, (LOCATIONS, "booking_url: https://booking.example.com/fixture/north",
                                       "booking_url: https://booking.example.com/fixture/{slug}"))
    line = line_of(fixture_site, LOCATIONS, "fixture/{slug}")
    assert only_error(result).startswith(f"{LOCATIONS}:{line}:18: locations[0].booking_url: ")


# A site without a kind, and a new kind by declaration alone --------------------------------------

def test_a_site_without_a_kinds_file_simply_has_none(fixture_site):
    for name in ("team", "policies", "questions", "testimonials"):
        (fixture_site / f"content/data/{name}.yaml").unlink()
    result = build_with(fixture_site, (ABOUT, "::: questions topic=insurance\n", ""))
    assert result.code == 0, result.err
    built = set(snapshot(fixture_site / "output"))
    assert not {"team/index.html", "policies/index.html", "questions/index.html"} & built
    tree = parse((fixture_site / "output/services/medical-massage/index.html").read_text(encoding="utf-8"))
    assert tree.find("p", class_="booking-policies") is None


CLASSES = Collection(
    name="classes", item="group_class", doc="group classes", source="content/data/classes.yaml",
    fields={
        "slug": Field(Slug(), "the URL name"),
        "title": Field(Text(), "the class's name"),
        "size": Field(Integer(), "how many people fit"),
        "service": Field(SlugRef(), "the service it teaches"),
    },
    references=(Reference("service", "services", back="classes"),),
    order="title",
    list_page=Page("/classes/", "classes", "Group classes", "Classes we run."),
    item_page=Page("/classes/{slug}/", "group_class", "{title}", "{title}, up to {size} people."),
)

CLASS_TEMPLATES = {
    "classes.html": """{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>
<ul>{% for item in classes %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul>{% endblock %}""",
    "group_class.html": """{% extends "base.html" %}{% block content %}<h1>{{ group_class.title }}</h1>
<p>Up to {{ group_class.size }}; teaches <a href="{{ group_class.service.url }}">{{ group_class.service.name }}</a>.</p>
{% endblock %}""",
}

CLASSES_FILE = textwrap.dedent("""\
    classes:
      - slug: stretching
        title: Stretching for runners
        size: 8
        service: sports-massage
      - slug: desk-neck
        title: A better neck at your desk
        size: 6
        service: therapeutic-massage
    """)


def site_with_classes(root: Path) -> BuildOptions:
    (root / "content/data/classes.yaml").write_text(CLASSES_FILE, encoding="utf-8")
    for name, template in CLASS_TEMPLATES.items():
        (root / "templates" / name).write_text(template, encoding="utf-8")
    return BuildOptions(root=root, kinds=KINDS + (CLASSES,))


def test_a_new_kind_is_built_listed_and_linked_by_declaration_and_templates_alone(fixture_site):
    site = build_site(site_with_classes(fixture_site))
    listing = parse(site.pages["classes/index.html"])
    assert listing.find("main").find("ul").links() == ["/classes/desk-neck/", "/classes/stretching/"]  # ordered by title
    item = parse(site.pages["classes/stretching/index.html"])
    assert [text(h1) for h1 in item.find_all("h1")] == ["Stretching for runners"]
    assert "/services/sports-massage/" in item.find("main").links()
    assert '<meta name="description" content="Stretching for runners, up to 8 people.">' in \
        site.pages["classes/stretching/index.html"]
    assert "/classes/" in [route.url for route in site.routes]


def test_a_new_kind_is_validated_with_positions(fixture_site):
    options = site_with_classes(fixture_site)
    path = fixture_site / "content/data/classes.yaml"
    path.write_text(CLASSES_FILE.replace("size: 6", "size: six").replace("service: sports-massage", "service: sport-massage"),
                    encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_site(options)
    messages = [str(error) for error in failed.value.errors]
    assert messages == [
        "content/data/classes.yaml:5:14: classes[0].service: unknown service 'sport-massage'; did you mean 'sports-massage'?",
        "content/data/classes.yaml:8:11: classes[1].size: expected a whole number, found 'six'",
    ]


def test_a_new_kinds_back_reference_reaches_the_target(fixture_site):
    options = site_with_classes(fixture_site)
    (fixture_site / "templates/service.html").write_text(
        (fixture_site / "templates/service.html").read_text(encoding="utf-8").replace(
            "{% block content %}", "{% block content %}<p id=\"classes\">{{ service.classes|map(attribute='title')|join(', ') }}</p>", 1),
        encoding="utf-8")
    site = build_site(options)
    tree = parse(site.pages["services/sports-massage/index.html"])
    assert text(tree.by_id("classes")) == "Stretching for runners"


# The README is derived from the declarations ------------------------------------------------------

def test_readme_holds_the_tables_derived_from_the_declarations():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for table in all_tables():
        assert table in readme, f"README.md is missing or has an outdated copy of:\n{table}\n(run python -m sitegen.docs --write)"
    assert update_readme(readme) == readme


def test_readme_tables_follow_a_changed_declaration():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    updated = update_readme(readme, KINDS + (CLASSES,))
    assert "| classes: group classes | `content/data/classes.yaml` | `/classes/`, `/classes/{slug}/` |" in updated
    assert "| `size` | yes | how many people fit |" in updated


@pytest.mark.parametrize("change, message", [
    ({"references": (Reference("service", "servics"),)}, "collection 'classes' refers to 'servics', which is not declared"),
    ({"references": (Reference("service", "services", back="name"),)}, "'name', filled in by classes, is already a field of services"),
    ({"references": (Reference("teacher", "team"),)}, "collection 'classes' has no field 'teacher' to refer from"),
    ({"name": "services"}, "two collections are named 'services'"),
])
def test_a_mistaken_declaration_is_named(fixture_site, change, message):
    import dataclasses

    kind = dataclasses.replace(CLASSES, **change)
    with pytest.raises(ValueError, match=re.escape(message)):
        build_site(BuildOptions(root=site_with_classes(fixture_site).root, kinds=KINDS + (kind,)))


# The real site -----------------------------------------------------------------------------------

def test_real_demo_testimonials_and_profiles_say_they_are_examples(built_real_site):
    import yaml

    data = REPO_ROOT / "content/data"
    quotes = yaml.safe_load((data / "testimonials.yaml").read_text(encoding="utf-8"))["testimonials"]
    demo = [quote for quote in quotes if "EXAMPLE" in quote["consent"]["form"]]
    assert demo and all(quote.get("example") for quote in demo), "a made-up quote must carry example: true"
    shown = built_real_site.page("/testimonials/").find("main").find_all("li", class_="testimonial")
    assert len(shown) == len(quotes)
    assert sum(1 for q in shown if q.find("p", class_="testimonial-example")) == len(demo)
    members = yaml.safe_load((data / "team.yaml").read_text(encoding="utf-8"))["team"]
    for member in members:
        main = built_real_site.page(f"/team/{member['slug']}/").find("main")
        if member.get("example"):
            assert main.find("p", class_="example-note") is not None, member["slug"]
        assert any(member["license_number"] in href and href.startswith("https://") for href in main.links())


def test_real_locations_describe_their_prices_to_search_engines(built_real_site):
    for slug in ("north-syracuse", "downtown-syracuse"):
        (business,) = json_ld(built_real_site.page(f"/locations/{slug}/"))
        assert re.fullmatch(r"\$\d+–\$\d+", business["priceRange"]), business["priceRange"]
        assert "aggregateRating" not in business and "review" not in business


# `new`: an entry's skeleton from its declaration -------------------------------------------------

def test_new_appends_an_entry_that_the_build_then_checks(fixture_site):
    before = (fixture_site / TEAM).read_text(encoding="utf-8")
    result = run_build(fixture_site, "new", "team", "cara")
    assert result.code == 0, result.err
    after = (fixture_site / TEAM).read_text(encoding="utf-8")
    assert after.startswith(before)  # the rest of the file, comments included, stays as written
    added = after[len(before):]
    assert "  - slug: cara\n    name:  # the name visitors know them by\n" in added
    assert "    # license_number:  (optional) New York massage therapy licence number\n" in added
    built = run_build(fixture_site)
    reported = built.err.splitlines()[:-2]
    assert [line.split(": ")[1] for line in reported] == [
        "team[2].name", "team[2].credentials", "team[2].services", "team[2].locations", "team[2].bio"]


def test_new_page_gets_front_matter_and_is_never_overwritten(fixture_site):
    result = run_build(fixture_site, "new", "pages", "first-visit", "--today", TODAY)
    assert result.code == 0, result.err
    text = (fixture_site / "content/pages/first-visit.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle:  # the page title, shown as its heading\n")
    again = run_build(fixture_site, "new", "pages", "first-visit")
    assert again.code == 2 and "content/pages/first-visit.md already exists" in again.err
    article = run_build(fixture_site, "new", "article", "news", "--today", TODAY)
    assert article.code == 0
    assert "date: 2026-11-20" in (fixture_site / "content/articles/news.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("tem", "x"), "there is no kind of content called 'tem'; did you mean 'team'?"),
    (("team", "ana"), "content/data/team.yaml already has an entry with slug 'ana'"),
    (("team", "Dana Reyes"), "'Dana Reyes' cannot be a slug"),
])
def test_new_refuses_mistakes(fixture_site, args, message):
    before = snapshot(fixture_site / "content")
    result = run_build(fixture_site, "new", *args)
    assert result.code == 2 and message in result.err
    assert snapshot(fixture_site / "content") == before


def test_the_sites_booking_url_may_not_hold_a_placeholder(fixture_site):
    result = build_with(fixture_site, ("site_config.yaml", "booking_url: https://booking.example.com/fixture",
                                       "booking_url: https://booking.example.com/fixture?s={service}"))
    line = line_of(fixture_site, "site_config.yaml", "?s={service}")
    assert only_error(result).startswith(f"site_config.yaml:{line}:14: booking_url: "
                                         "'https://booking.example.com/fixture?s={service}' is not a web address without")
