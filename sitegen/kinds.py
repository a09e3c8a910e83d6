"""The kinds of content this site has, each declared once (see collections.py).

Routes, validation, the template context and the README's tables are derived
from these declarations. Adding a kind means adding a declaration to KINDS
and its templates; pipeline.py does not change.
"""
from __future__ import annotations

from urllib.parse import quote_plus

from .collections import Collection, Derivation, Page, Reference
from .components import comparison_table, condition_matrix
from .content import ARTICLE_FRONT_MATTER, PAGE_FRONT_MATTER
from .models import ComparisonRow, Coordinates, OpeningHours, Phone
from .schema import (Email, Field, HoursRange, ListOf, MapOf, Number, PhoneNumber, Record, Slug,
                     SlugRef, Text, Url)

DATA_DIR = "content/data"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SLUG = Field(Slug(), "the URL name: lowercase letters, digits and hyphens")
MARKDOWN_FILE = Text(pattern=r"[A-Za-z0-9_./-]+\.md", expected="a Markdown file path",
                     hint="a path inside content/, e.g. services/medical-massage.md")

# --- Markdown pages and articles ------------------------------------------------

PAGES = Collection(
    name="pages", item="page", doc="a page; `index.md` is the home page, folders make sections",
    source="content/pages", pattern="**/*.md", fields=PAGE_FRONT_MATTER.fields, order="weight,title",
    item_page=Page("/{path}/", "page", "{title}", "{description}"),
)

ARTICLES = Collection(
    name="articles", item="article", doc="an article, listed newest first",
    source="content/articles", pattern="*.md", fields=ARTICLE_FRONT_MATTER.fields, order="-date,-title",
    item_page=Page("/articles/{slug}/", "article", "{title}", "{description}"),
    list_page=Page("/articles/", "articles", "Articles",
                   "Articles about massage therapy: what it is for and how to choose."),
)

# --- Services --------------------------------------------------------------------

# Service fields a comparison row may show.
COMPARABLE_FIELDS = ("purpose", "diagnosis", "care_plan", "focus", "session_frequency",
                     "techniques", "benefits", "insurance", "conditions", "locations")

COMPARISON_ROW = Record({
    "field": Field(Text(pattern="|".join(COMPARABLE_FIELDS), expected="a service field",
                        hint="one of " + ", ".join(COMPARABLE_FIELDS)), "the service field the row shows"),
    "label": Field(Text(), "the row heading shown to visitors"),
}, name="comparison row")

SERVICES = Collection(
    name="services", item="service", doc="the massage services, compared side by side",
    source=f"{DATA_DIR}/services.yaml",
    fields={
        "slug": Field(Slug(), "the URL name, e.g. medical-massage -> /services/medical-massage/"),
        "name": Field(Text(), "the service's name as visitors read it"),
        "summary": Field(Text(), "one sentence for cards and search results"),
        "body": Field(Text(), "the page text, in Markdown", False, None),
        "body_file": Field(MARKDOWN_FILE, "a Markdown file inside content/ holding the page text", False, None),
        "purpose": Field(Text(), "what the service is for"),
        "diagnosis": Field(Text(), "whether a diagnosis is needed"),
        "care_plan": Field(Text(), "whether there is a care plan"),
        "session_frequency": Field(Text(), "how often visitors come"),
        "focus": Field(Text(), "where on the body it focuses"),
        "techniques": Field(ListOf(Text()), "techniques used"),
        "benefits": Field(ListOf(Text()), "benefits to expect"),
        "insurance": Field(Text(), "what to know about insurance reimbursement"),
    },
    markdown=("body",),
    file_fields={"comparison": Field(ListOf(COMPARISON_ROW), "rows of the service comparison table, in order")},
    list_page=Page("/services/", "services", "Massage services", "Our massage services compared side by side."),
    item_page=Page("/services/{slug}/", "service", "{name}", "{summary}"),
    context=lambda data: _service_context(data),
)


def _service_context(data) -> dict:
    services = data.records["services"]
    rows = [ComparisonRow(**row) for row in data.file_values.get("services", {}).get("comparison", ())]
    return {
        "comparison_rows": rows,
        # Functions of the data alone (the incremental builder relies on it):
        "comparison_table": lambda services=None, rows=None, _all=services, _rows=rows: comparison_table(
            services if services is not None else _all, rows if rows is not None else _rows),
        "condition_matrix": lambda: condition_matrix(data.records["conditions"], services),
    }


# --- Conditions ------------------------------------------------------------------

def _condition(values: dict, at: Derivation) -> dict:
    """Keep only the notes for services the condition lists."""
    listed = {getattr(service, "slug", getattr(service, "value", None)) for service in values["services"]}
    notes = {}
    for ref, note in values["service_notes"].items():
        if ref.value not in listed:
            at.report(ref, f"service_notes: '{ref.value}' is not one of this condition's services",
                      "add it to 'services' or remove the note")
        else:
            notes[ref.value] = note
    return {**values, "service_notes": notes}


CONDITIONS = Collection(
    name="conditions", item="condition", doc="conditions the services address",
    source=f"{DATA_DIR}/conditions.yaml",
    fields={
        "slug": Field(Slug(), "the URL name, e.g. sciatica -> /conditions/sciatica/"),
        "name": Field(Text(), "the condition's name as visitors read it"),
        "summary": Field(Text(), "one sentence for lists and search results"),
        "body": Field(Text(), "more text, in Markdown", False, ""),
        "services": Field(ListOf(SlugRef(), unique=True), "slugs of the services that address it"),
        "service_notes": Field(MapOf(SlugRef(), Text()), "how each service helps, keyed by service slug", False, {}),
    },
    markdown=("body",),
    references=(Reference("services", "services", back="conditions"),),
    derive=_condition,
    list_page=Page("/conditions/", "conditions", "Conditions we treat",
                   "Conditions massage can help with, and which service addresses each."),
    item_page=Page("/conditions/{slug}/", "condition", "{name}", "{summary}"),
)

# --- Locations -------------------------------------------------------------------

HOURS = Record({day: Field(HoursRange(), f"hours on {day.title()}: HH:MM-HH:MM or closed") for day in WEEKDAYS},
               name="week of opening hours")

COORDINATES = Record({
    "latitude": Field(Number(), "degrees north, e.g. 43.13"),
    "longitude": Field(Number(), "degrees east (negative in the Americas), e.g. -76.13"),
}, name="coordinate pair")


class LocationMethods:
    """What a location's templates read besides its fields."""

    @property
    def address_line(self) -> str:
        return f"{self.street_address}, {self.city}, {self.region} {self.postal_code}"


def directions_link(street: str, city: str, region: str, postal_code: str) -> str:
    query = quote_plus(f"{street}, {city}, {region} {postal_code}")
    return f"https://www.openstreetmap.org/search?query={query}"


def _location(values: dict, at: Derivation) -> dict:
    return {
        **values,
        "phone": Phone(values["phone"]),
        "hours": tuple(OpeningHours(day.title(), *(values["hours"][day] or (None, None))) for day in WEEKDAYS),
        "booking_url": values["booking_url"] or (at.config.booking_url if at.config else ""),
        "directions_url": values["directions_url"] or directions_link(
            values["street_address"], values["city"], values["region"], values["postal_code"]),
        "coordinates": Coordinates(**values["coordinates"]) if values["coordinates"] else None,
    }


LOCATIONS = Collection(
    name="locations", item="location", doc="the clinic's locations: the footer, contact details everywhere",
    source=f"{DATA_DIR}/locations.yaml",
    fields={
        "slug": Field(Slug(), "the URL name, e.g. north-syracuse -> /locations/north-syracuse/"),
        "name": Field(Text(), "the location's name"),
        "street_address": Field(Text(), "number and street"),
        "city": Field(Text(), "city or town"),
        "region": Field(Text(pattern=r"[A-Z]{2}", expected="a two-letter state code", hint="e.g. NY"), "state"),
        "postal_code": Field(Text(pattern=r"\d{5}(?:-\d{4})?", expected="a ZIP code",
                                  hint="five digits, in quotes, e.g. \"13212\""), "ZIP code"),
        "country": Field(Text(pattern=r"[A-Z]{2}", expected="a two-letter country code", hint="e.g. US"),
                         "country", False, "US"),
        "phone": Field(PhoneNumber(), "the phone number, stored once"),
        "email": Field(Email(), "email address"),
        "hours": Field(HOURS, "opening hours for all seven weekdays"),
        "booking_url": Field(Url(), "online booking for this location (default: the site's booking_url)", False, None),
        "directions_url": Field(Url(), "a maps link; default: a maps search for the address", False, None),
        "coordinates": Field(COORDINATES, "latitude and longitude", False, None),
        "services": Field(ListOf(SlugRef(), unique=True), "slugs of the services offered here"),
        "parking": Field(Text(), "where to park", False, ""),
        "accessibility": Field(Text(), "step-free access, lifts, restrooms", False, ""),
    },
    references=(Reference("services", "services", back="locations"),),
    derive=_location,
    base=LocationMethods,
    list_page=Page("/locations/", "locations", "Our locations",
                   "Addresses, phone numbers, opening hours and directions."),
    item_page=Page("/locations/{slug}/", "location", "{name}",
                   "Massage therapy in {city}, {region}: address, phone, hours and directions."),
)

# The order matters only for the README and where several kinds list pages together.
KINDS: tuple[Collection, ...] = (PAGES, ARTICLES, SERVICES, CONDITIONS, LOCATIONS)
