"""Comparison tables, the condition matrix, location cards, calls to action and the directives
that place them in Markdown.

Table structure is checked on the fixture site, which has three services; the
real site's article and contact page are checked where the brief names them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_SITE, REPO_ROOT, run_build, strip_warnings
from htmlparse import Element, parse

FIXTURE_DATA = FIXTURE_SITE / "content" / "data"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SERVICES = _yaml(FIXTURE_DATA / "services.yaml")
CONDITIONS = _yaml(FIXTURE_DATA / "conditions.yaml")["conditions"]
LOCATIONS = _yaml(FIXTURE_DATA / "locations.yaml")["locations"]
CONFIG = _yaml(FIXTURE_SITE / "site_config.yaml")
SERVICE_NAMES = {s["slug"]: s["name"] for s in SERVICES["services"]}


def tel(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "tel:+1" + digits[-10:]


def accessible_text(element: Element) -> str:
    """Text a screen reader announces: everything but aria-hidden parts."""
    if element.get("aria-hidden") == "true":
        return ""
    pieces = [part if isinstance(part, str) else accessible_text(part) for part in element.parts]
    return " ".join("".join(pieces).split())


def table_wrapper_is_labelled_region(table: Element) -> None:
    wrapper = table.parent
    assert wrapper.get("role") == "region"
    assert wrapper.get("tabindex") == "0"
    caption = table.find("caption")
    assert caption is not None and caption.text_content()
    assert caption.get("id") and wrapper.get("aria-labelledby") == caption.get("id")


def column_services(table: Element) -> list[str]:
    """Names in the column headers of a comparison table, after the corner cell."""
    headers = table.find("thead").find_all("th")
    assert all(th.get("scope") == "col" for th in headers)
    return [th.text_content() for th in headers[1:]]


# The comparison of all services on /services/ ----------------------------------------

@pytest.fixture(scope="module")
def services_table(built_fixture_site) -> Element:
    tables = built_fixture_site.page("/services/").find_all("table", class_="comparison")
    assert len(tables) == 1
    return tables[0]


def test_services_comparison_has_a_column_per_service(services_table):
    assert column_services(services_table) == ["Medical massage", "Therapeutic massage", "Sports massage"]
    links = [th.find("a").get("href") for th in services_table.find("thead").find_all("th")[1:]]
    assert links == ["/services/medical-massage/", "/services/therapeutic-massage/", "/services/sports-massage/"]
    corner = services_table.find("thead").find("th")
    assert corner.get("scope") == "col" and corner.text_content()  # named for screen readers


def test_services_comparison_has_a_caption(services_table):
    caption = services_table.find("caption")
    assert caption.text_content() == "Comparison of Medical massage, Therapeutic massage and Sports massage"


def test_services_comparison_has_a_row_header_per_declared_row(services_table):
    rows = services_table.find("tbody").find_all("tr")
    labels = [row.find("th").text_content() for row in rows]
    assert labels == [row["label"] for row in SERVICES["comparison"]]
    for row in rows:
        header = row.find("th")
        assert header.get("scope") == "row"
        assert len(row.find_all("td")) == 3


def test_services_comparison_cells_come_from_the_data(services_table):
    rows = {row.find("th").text_content(): row.find_all("td") for row in services_table.find("tbody").find_all("tr")}
    purpose = [accessible_text(cell) for cell in rows["What it is for"]]
    assert purpose == [s["purpose"] for s in SERVICES["services"]]
    techniques = [[li.text_content() for li in cell.find_all("li")] for cell in rows["Techniques"]]
    assert techniques == [s["techniques"] for s in SERVICES["services"]]
    conditions = [[li.text_content() for li in cell.find_all("li")] for cell in rows["Conditions it can help with"]]
    assert conditions == [[c["name"] for c in CONDITIONS if slug in c["services"]] for slug in SERVICE_NAMES]
    locations = [[li.text_content() for li in cell.find_all("li")] for cell in rows["Where to get it"]]
    assert locations == [[loc["name"] for loc in LOCATIONS if slug in loc["services"]] for slug in SERVICE_NAMES]


def test_every_comparison_cell_names_its_service_for_stacked_phone_layout(services_table):
    """On phones each row is a block: every cell shows its service's name, hidden from
    screen readers (they announce the column header), and the table keeps explicit roles."""
    names = column_services(services_table)
    for row in services_table.find("tbody").find_all("tr"):
        assert row.get("role") == "row" and row.find("th").get("role") == "rowheader"
        labels = [cell.find("span", class_="cell-label") for cell in row.find_all("td")]
        assert [label.text_content() for label in labels] == names
        assert all(label.get("aria-hidden") == "true" for label in labels)
    assert services_table.get("role") == "table"
    assert "table-stack" in services_table.parent.get("class").split()


def test_services_comparison_wrapper_is_a_labelled_scrollable_region(services_table):
    table_wrapper_is_labelled_region(services_table)


# The condition matrix on /conditions/ -------------------------------------------------

@pytest.fixture(scope="module")
def matrix(built_fixture_site) -> Element:
    tables = built_fixture_site.page("/conditions/").find_all("table", class_="matrix")
    assert len(tables) == 1
    return tables[0]


def test_matrix_has_one_column_per_service(matrix):
    headers = matrix.find("thead").find_all("th")
    assert all(th.get("scope") == "col" for th in headers)
    assert [th.text_content() for th in headers[1:]] == list(SERVICE_NAMES.values())


def test_matrix_has_one_row_per_condition(matrix):
    rows = matrix.find("tbody").find_all("tr")
    assert [row.find("th").text_content() for row in rows] == [c["name"] for c in CONDITIONS]
    for row, condition in zip(rows, CONDITIONS):
        header = row.find("th")
        assert header.get("scope") == "row"
        assert header.find("a").get("href") == f"/conditions/{condition['slug']}/"


def test_matrix_cells_say_yes_or_no_in_words(matrix):
    for row, condition in zip(matrix.find("tbody").find_all("tr"), CONDITIONS):
        cells = row.find_all("td")
        assert len(cells) == len(SERVICE_NAMES)
        words = [accessible_text(cell) for cell in cells]
        expected = ["Yes" if slug in condition["services"] else "No" for slug in SERVICE_NAMES]
        assert words == expected, condition["slug"]


def test_matrix_cells_name_their_service_for_stacked_phone_layout(matrix):
    for row in matrix.find("tbody").find_all("tr"):
        labels = [cell.find("span", class_="cell-label") for cell in row.find_all("td")]
        assert [label.text_content() for label in labels] == list(SERVICE_NAMES.values())
        assert all(label.get("aria-hidden") == "true" for label in labels)


def test_matrix_wrapper_is_a_labelled_scrollable_region(matrix):
    table_wrapper_is_labelled_region(matrix)
    assert matrix.find("caption").text_content()


# Service pages ------------------------------------------------------------------------

@pytest.mark.parametrize("slug", list(SERVICE_NAMES))
def test_service_page_offers_booking_and_a_call_per_location_and_ends_with_cta(built_fixture_site, slug):
    main = built_fixture_site.page(f"/services/{slug}/").find("main")
    links = main.links()
    # Booking goes to each location offering the service; calls go to every location.
    booking = {location.get("booking_url", CONFIG["booking_url"]) for location in LOCATIONS
               if slug in location["services"]}
    assert booking and booking <= set(links)
    for location in LOCATIONS:
        assert tel(location["phone"]) in links, location["slug"]
    content = main.find("div", class_="container")
    last = content.children[-1]
    assert last.tag == "section" and "cta" in last.classes()
    assert booking <= set(last.links())
    assert {tel(location["phone"]) for location in LOCATIONS} <= set(last.links())
    heading = last.by_id(last.get("aria-labelledby"))
    assert heading is not None and heading.text_content() == CONFIG["cta"]["heading"]


# The real site: the article and the contact page -----------------------------------------

def test_real_article_compares_exactly_the_two_services(built_real_site):
    page = built_real_site.page("/articles/medical-vs-therapeutic-massage/")
    tables = page.find("main").find_all("table", class_="comparison")
    assert len(tables) == 1
    assert column_services(tables[0]) == ["Medical massage", "Therapeutic massage"]
    links = [th.find("a").get("href") for th in tables[0].find("thead").find_all("th")[1:]]
    assert links == ["/services/medical-massage/", "/services/therapeutic-massage/"]
    table_wrapper_is_labelled_region(tables[0])


REAL_LOCATIONS = _yaml(REPO_ROOT / "content/data/locations.yaml")["locations"]


@pytest.mark.parametrize("location", REAL_LOCATIONS, ids=[loc["slug"] for loc in REAL_LOCATIONS])
def test_real_contact_page_shows_each_location_in_full(built_real_site, location):
    main = built_real_site.page("/contact/").find("main")
    cards = [card for card in main.find_all("article", class_="location-card")
             if f"/locations/{location['slug']}/" in card.links()]
    assert len(cards) == 1
    card = cards[0]
    address = card.find("address")
    assert address is not None
    assert location["street_address"] in address.text_content()
    assert location["postal_code"] in address.text_content()
    links = card.links()
    phone_links = [href for href in links if href.startswith("tel:")]
    assert phone_links == [tel(location["phone"])]
    assert re.fullmatch(r"tel:\+1\d{10}", phone_links[0])
    assert f"mailto:{location['email']}" in links
    booking = location.get("booking_url", _yaml(REPO_ROOT / "site_config.yaml")["booking_url"])
    assert booking.replace("?service={service}", "") in links  # no service chosen here
    directions = [a for a in card.find_all("a") if a.text_content().startswith("Directions")]
    assert len(directions) == 1 and directions[0].get("href", "").startswith("https://")
    hours = card.find("table", class_="hours")
    rows = hours.find("tbody").find_all("tr")
    assert [row.find("th").text_content() for row in rows] == \
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for row in rows:
        day = row.find("th").text_content().lower()
        shown = row.find("td").text_content()
        if str(location["hours"][day]).lower() == "closed":
            assert shown == "Closed"
        else:
            assert re.fullmatch(r"\d{1,2}:\d\d [AP]M – \d{1,2}:\d\d [AP]M", shown), shown


# Directives, on a copy of the fixture site ------------------------------------------------

def test_each_directive_renders_its_component(built_fixture_site):
    main = built_fixture_site.page("/about/").find("main")
    prose = main.find("div", class_="prose")

    tables = prose.find_all("table", class_="comparison")
    assert len(tables) == 1  # ::: comparison medical-massage therapeutic-massage rows=purpose,focus
    assert column_services(tables[0]) == ["Medical massage", "Therapeutic massage"]
    assert [row.find("th").text_content() for row in tables[0].find("tbody").find_all("tr")] == \
        ["What it is for", "Where the work focuses"]
    table_wrapper_is_labelled_region(tables[0])

    lists = prose.find_all("ul", class_="condition-list")  # ::: conditions sports-massage
    assert len(lists) == 1
    assert lists[0].links() == ["/conditions/muscle-tension/", "/conditions/sports-injuries/"]

    cards = prose.find_all("article", class_="location-card")  # ::: locations
    assert [card.find(class_="card-title").text_content() for card in cards] == [loc["name"] for loc in LOCATIONS]

    ctas = prose.find_all("section", class_="cta")  # ::: call-to-action
    assert len(ctas) == 1
    assert CONFIG["booking_url"] in ctas[0].links()
    assert [href for href in ctas[0].links() if href.startswith("tel:")] == [tel(loc["phone"]) for loc in LOCATIONS]
    assert prose.text_content().count(":::") == 0


DIRECTIVE_PAGE = """\
---
title: Directives
description: Every directive with its options.
---

Intro paragraph.

::: comparison rows=purpose,diagnosis

::: comparison sports-massage medical-massage

::: call-to-action heading="Call us today"

::: locations heading-level=3

::: conditions medical-massage
"""


def test_directive_arguments_and_options(fixture_site):
    (fixture_site / "content/pages/directives.md").write_text(DIRECTIVE_PAGE, encoding="utf-8")
    result = run_build(fixture_site)
    assert result.code == 0, result.err
    prose = parse((fixture_site / "output/directives/index.html").read_text(encoding="utf-8")).find(
        "div", class_="prose")
    all_rows, chosen = prose.find_all("table", class_="comparison")
    assert column_services(all_rows) == list(SERVICE_NAMES.values())
    assert [th.text_content() for th in all_rows.find("tbody").find_all("th")] == \
        ["What it is for", "Do I need a diagnosis?"]
    assert column_services(chosen) == ["Sports massage", "Medical massage"]
    assert len(chosen.find("tbody").find_all("tr")) == len(SERVICES["comparison"])
    cta = prose.find("section", class_="cta")
    assert prose.by_id(cta.get("aria-labelledby")).text_content() == "Call us today"
    titles = prose.find_all(class_="card-title")
    assert [t.tag for t in titles] == ["h3", "h3"]
    medical = [c["slug"] for c in CONDITIONS if "medical-massage" in c["services"]]
    assert prose.find("ul", class_="condition-list").links() == [f"/conditions/{slug}/" for slug in medical]


def test_the_same_component_twice_on_a_page_keeps_ids_unique(fixture_site):
    page = fixture_site / "content/pages/about.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "::: call-to-action", "::: comparison\n\n::: comparison\n\n::: call-to-action\n\n::: call-to-action"),
        encoding="utf-8")
    result = run_build(fixture_site)
    assert result.code == 0, result.err
    tree = parse((fixture_site / "output/about/index.html").read_text(encoding="utf-8"))
    ids = [element.get("id") for element in tree.iter() if element.get("id") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == [], f"ids used more than once: {duplicates}"
    for table in tree.find_all("table", class_="comparison"):
        table_wrapper_is_labelled_region(table)


def test_optional_location_notes_left_out_are_not_shown_empty(built_fixture_site):
    # The fixture's downtown location gives neither parking nor accessibility.
    card = built_fixture_site.page("/locations/downtown/").find("main")
    for dd in card.find_all("dd"):
        assert dd.text_content(), "an empty <dd> is shown for a note the location does not give"


BAD_DIRECTIVE_BODY = """\
---
title: Broken directive
description: A page with one bad directive.
---

First paragraph.

## A heading

{directive}

Last paragraph.
"""

BAD_DIRECTIVES = [
    pytest.param("::: comparison medical-massage deep-tissue",
                 r"directive 'comparison': unknown service 'deep-tissue'", id="unknown-service"),
    pytest.param("::: conditions sport-massage",
                 r"directive 'conditions': unknown service 'sport-massage'; did you mean 'sports-massage'\?",
                 id="unknown-service-did-you-mean"),
    pytest.param("::: call-to-actoin", r"unknown directive 'call-to-actoin'; did you mean 'call-to-action'\?",
                 id="unknown-directive"),
    pytest.param("::: comparison rows=purpose colour=red", r"directive 'comparison': unknown option 'colour'",
                 id="unknown-option"),
    pytest.param("::: comparison row=purpose", r"unknown option 'row'; did you mean 'rows'\?", id="option-typo"),
    pytest.param("::: comparison rows=purpose,price", r"unknown comparison row 'price'", id="unknown-row"),
    pytest.param('::: call-to-action heading="Book now', r"malformed directive .*quot", id="unbalanced-quote"),
    pytest.param("::: conditions", r"directive 'conditions': name exactly one service", id="missing-argument"),
    pytest.param("::: locations heading-level=7", r"heading-level must be 2, 3 or 4", id="bad-option-value"),
]


@pytest.mark.parametrize("directive, message", BAD_DIRECTIVES)
def test_bad_directive_fails_naming_file_and_line(fixture_site, directive, message):
    text = BAD_DIRECTIVE_BODY.format(directive=directive)
    line = text.splitlines().index(directive) + 1
    (fixture_site / "content/pages/broken.md").write_text(text, encoding="utf-8")
    code, out, err = run_build(fixture_site)
    assert code == 1
    assert "Traceback" not in err
    lines = strip_warnings(err).splitlines()
    assert lines[-2:] == ["1 error found.", "The output folder was left as it was."]
    assert lines[0].startswith(f"content/pages/broken.md:{line}: "), lines[0]
    assert re.search(message, lines[0]), lines[0]
    assert not (fixture_site / "output").exists()


def test_directive_line_is_right_after_a_directive_glued_to_a_paragraph(fixture_site):
    text = BAD_DIRECTIVE_BODY.format(directive="Some words\n::: call-to-action\n\n::: comparison bogus")
    line = text.splitlines().index("::: comparison bogus") + 1
    (fixture_site / "content/pages/broken.md").write_text(text, encoding="utf-8")
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert f"content/pages/broken.md:{line}: directive 'comparison': unknown service 'bogus'" in err, err


def test_a_directive_glued_to_a_paragraph_is_not_published_as_text(fixture_site):
    text = BAD_DIRECTIVE_BODY.format(directive="Some words\n::: call-to-action")
    line = text.splitlines().index("::: call-to-action") + 1
    (fixture_site / "content/pages/glued.md").write_text(text, encoding="utf-8")
    code, _, err = run_build(fixture_site)
    if code == 0:
        html = (fixture_site / "output/glued/index.html").read_text(encoding="utf-8")
        assert ":::" not in parse(html).find("main").text_content(), "the directive was published as text"
    else:
        assert code == 1 and f"content/pages/glued.md:{line}:" in err, err


# Opening hours in a line ------------------------------------------------------------------

def test_hours_summary_groups_runs_of_days_with_the_same_hours():
    from sitegen.hours import hours_summary
    from sitegen.models import OpeningHours

    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    times = [("09:00", "17:00")] * 2 + [("09:00", "19:00")] + [("09:00", "17:00")] * 2 + [("09:00", "13:00"), (None, None)]
    summary = [(group.days, group.hours) for group in hours_summary(tuple(OpeningHours(d, *t) for d, t in zip(days, times)))]
    assert summary == [("Mon, Tue", "9:00 AM – 5:00 PM"), ("Wed", "9:00 AM – 7:00 PM"), ("Thu, Fri", "9:00 AM – 5:00 PM"),
                       ("Sat", "9:00 AM – 1:00 PM"), ("Sun", "Closed")]
    week = [(group.days, group.hours) for group in hours_summary(tuple(OpeningHours(d, "10:00", "18:00") for d in days))]
    assert week == [("Mon–Sun", "10:00 AM – 6:00 PM")]


def test_the_hours_summary_filter_gives_each_use_its_own_list(tmp_path):
    """The filter keeps its results for every page: a template that changes one changes only its own."""
    from sitegen.models import OpeningHours
    from sitegen.templating import create_environment

    env = create_environment(tmp_path)
    week = tuple(OpeningHours(day, "10:00", "18:00") for day in ("Monday", "Tuesday", "Wednesday"))
    template = env.from_string("{% set groups = week|hours_summary %}{{ groups|length }} {{ groups.pop().days }} "
                               "{{ groups|length }} {{ (week|hours_summary)|length }} {{ (week|list|hours_summary)[0].hours }}")
    assert template.render(week=week) == "1 Mon–Wed 0 1 10:00 AM – 6:00 PM"
    assert template.render(week=week) == "1 Mon–Wed 0 1 10:00 AM – 6:00 PM"


def test_a_location_page_shows_its_week_in_a_line_and_its_photo(built_real_site):
    main = built_real_site.page("/locations/north-syracuse/").find("main")
    summary = main.find("ul", class_="hours-summary")
    assert summary is not None and summary.find_all("li")[-1].text_content() == "Sun Closed"
    img = main.find("figure", class_="location-photo").find("img")
    assert img.get("alt").startswith("Placeholder illustration") and img.get("loading") == "eager"
