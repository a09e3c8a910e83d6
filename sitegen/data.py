"""Services, conditions and locations: schemas, loading, cross-references.

Each relation has one source: a condition lists the services that address it,
a location lists the services it offers. Service.conditions and
Service.locations are derived from those lists, so they can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote_plus

from .errors import ErrorCollector, did_you_mean
from .models import ComparisonRow, Condition, Coordinates, Location, OpeningHours, Phone, Service
from .schema import (Email, Field, HoursRange, Item, ListOf, Located, MapOf, Number,
                     PhoneNumber, Record, RecordList, SitePath, Slug, SlugRef, Text, Url, load_yaml_file)
from .yamlsource import YMap, YScalar

DATA_DIR = "content/data"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Service fields a comparison row may show, and how a cell reads them.
COMPARABLE_FIELDS = ("purpose", "diagnosis", "care_plan", "focus", "session_frequency",
                     "techniques", "benefits", "insurance", "conditions", "locations")

COMPARISON_ROW = Record({
    "field": Field(Text(pattern="|".join(COMPARABLE_FIELDS), expected="a service field",
                        hint="one of " + ", ".join(COMPARABLE_FIELDS)), "the service field the row shows"),
    "label": Field(Text(), "the row heading shown to visitors"),
}, name="comparison row")


def _body_source(values, node, where, ctx):
    if values.get("body") and values.get("body_file"):
        ctx.report(node, where, "give either 'body' or 'body_file', not both")


SERVICE = Record({
    "slug": Field(Slug(), "the URL name, e.g. medical-massage -> /services/medical-massage/"),
    "name": Field(Text(), "the service's name as visitors read it"),
    "summary": Field(Text(), "one sentence for cards and search results"),
    "body": Field(Text(), "the page text, in Markdown", False, None),
    "body_file": Field(Text(pattern=r"[A-Za-z0-9_./-]+\.md", expected="a Markdown file path",
                            hint="a path inside content/, e.g. services/medical-massage.md"),
                       "a Markdown file inside content/ holding the page text", False, None),
    "purpose": Field(Text(), "what the service is for"),
    "diagnosis": Field(Text(), "whether a diagnosis is needed"),
    "care_plan": Field(Text(), "whether there is a care plan"),
    "session_frequency": Field(Text(), "how often visitors come"),
    "focus": Field(Text(), "where on the body it focuses"),
    "techniques": Field(ListOf(Text()), "techniques used"),
    "benefits": Field(ListOf(Text()), "benefits to expect"),
    "insurance": Field(Text(), "what to know about insurance reimbursement"),
}, name="service", check=_body_source)

SERVICES_FILE = Record({
    "comparison": Field(ListOf(COMPARISON_ROW), "rows of the service comparison table, in order"),
    "services": Field(RecordList(SERVICE), "the services, in display order"),
}, name="services file")

CONDITION = Record({
    "slug": Field(Slug(), "the URL name, e.g. sciatica -> /conditions/sciatica/"),
    "name": Field(Text(), "the condition's name as visitors read it"),
    "summary": Field(Text(), "one sentence for lists and search results"),
    "body": Field(Text(), "more text, in Markdown", False, ""),
    "services": Field(ListOf(SlugRef(), unique=True), "slugs of the services that address it"),
    "service_notes": Field(MapOf(SlugRef(), Text()), "how each service helps, keyed by service slug", False, {}),
}, name="condition")

CONDITIONS_FILE = Record({
    "conditions": Field(RecordList(CONDITION), "the conditions, in display order"),
}, name="conditions file")

HOURS = Record({day: Field(HoursRange(), f"hours on {day.title()}: HH:MM-HH:MM or closed") for day in WEEKDAYS},
               name="week of opening hours")

COORDINATES = Record({
    "latitude": Field(Number(-90, 90), "degrees north, e.g. 43.13"),
    "longitude": Field(Number(-180, 180), "degrees east (negative in the Americas), e.g. -76.13"),
}, name="coordinate pair")

LOCATION = Record({
    "slug": Field(Slug(), "the URL name, e.g. north-syracuse -> /locations/north-syracuse/"),
    "name": Field(Text(), "the location's name"),
    "street_address": Field(Text(), "number and street"),
    "city": Field(Text(), "city or town"),
    "region": Field(Text(pattern=r"[A-Z]{2}", expected="a two-letter state code", hint="e.g. NY"), "state"),
    "postal_code": Field(Text(pattern=r"\d{5}(?:-\d{4})?", expected="a ZIP code", hint="five digits, in quotes, e.g. \"13212\""), "ZIP code"),
    "country": Field(Text(pattern=r"[A-Z]{2}", expected="a two-letter country code", hint="e.g. US"), "country", False, "US"),
    "phone": Field(PhoneNumber(), "the phone number, stored once"),
    "email": Field(Email(), "email address"),
    "hours": Field(HOURS, "opening hours for all seven weekdays"),
    "booking_url": Field(Url(), "online booking for this location", False, None),
    "directions_url": Field(Url(), "a maps link; default: a maps search for the address", False, None),
    "coordinates": Field(COORDINATES, "latitude and longitude", False, None),
    "services": Field(ListOf(SlugRef(), unique=True), "slugs of the services offered here"),
    "parking": Field(Text(), "where to park", False, ""),
    "accessibility": Field(Text(), "step-free access, lifts, restrooms", False, ""),
    "photo": Field(SitePath(), "a photo of the location in content/images/, e.g. /images/north-syracuse.jpg",
                   False, None),
    "photo_alt": Field(Text(), "what the photo shows, for people who cannot see it", False, ""),
}, name="location")

LOCATIONS_FILE = Record({
    "locations": Field(RecordList(LOCATION), "the locations, in display order"),
}, name="locations file")


@dataclass(slots=True)
class SiteData:
    services: list[Service]
    conditions: list[Condition]
    locations: list[Location]
    comparison_rows: list[ComparisonRow]
    # Markdown bodies to render: (record, markdown, source path, first line)
    bodies: list[tuple[object, str, str, int]]


def _read_data_file(root: Path, name: str, schema: Record, errors: ErrorCollector) -> dict | None:
    return load_yaml_file(root, f"{DATA_DIR}/{name}", schema, errors, f"create it; see the README for what {name} holds")


def _declared_slugs(items: list[Item], rel: str, key: str, errors: ErrorCollector) -> set[str]:
    """Every slug written in the file, valid record or not; duplicates are errors.

    References to a slug whose record has other mistakes are not reported
    again: the record's own errors already fail the build.
    """
    first_use: dict[str, int] = {}
    for item in items:
        if not isinstance(item.node, YMap) or "slug" not in item.node.items:
            continue
        slug_node = item.node.items["slug"][1]
        if not isinstance(slug_node, YScalar):
            continue
        slug = slug_node.text
        if slug in first_use:
            errors.add(rel, slug_node.line, slug_node.column,
                       f"{key}[{item.index}].slug: '{slug}' is already used by {key}[{first_use[slug]}]",
                       "every slug must be different")
        else:
            first_use[slug] = item.index
    return set(first_use)


def _resolve_services(refs: tuple[Located, ...], services: dict[str, Service], declared: set[str],
                      rel: str, where: str, errors: ErrorCollector) -> list[Service]:
    """The services a record names, reporting slugs that name no service."""
    found = []
    for position, ref in enumerate(refs):
        if ref.value in services:
            found.append(services[ref.value])
        elif ref.value not in declared:
            errors.add(rel, ref.line, ref.column, f"{where}.services[{position}]: unknown service '{ref.value}'",
                       did_you_mean(ref.value, declared) or "known services: " + ", ".join(sorted(declared)))
    return found


def directions_link(street: str, city: str, region: str, postal_code: str) -> str:
    query = quote_plus(f"{street}, {city}, {region} {postal_code}")
    return f"https://www.openstreetmap.org/search?query={query}"


def load_data(root: Path, errors: ErrorCollector, default_booking_url: str,
              read_body_file: Callable[[str, str, int], tuple[str, str, int] | None]) -> SiteData | None:
    """Load the three data files, check slugs and references, and link the records.

    `read_body_file(path, referring file, line)` returns a companion Markdown
    file's (text, path for messages, first line), or None after reporting the problem.
    A location without its own booking_url uses `default_booking_url`.
    """
    services_file = _read_data_file(root, "services.yaml", SERVICES_FILE, errors)
    conditions_file = _read_data_file(root, "conditions.yaml", CONDITIONS_FILE, errors)
    locations_file = _read_data_file(root, "locations.yaml", LOCATIONS_FILE, errors)
    if services_file is None or conditions_file is None or locations_file is None:
        return None
    before = len(errors)
    services_rel, conditions_rel, locations_rel = (f"{DATA_DIR}/{name}" for name in
                                                   ("services.yaml", "conditions.yaml", "locations.yaml"))
    service_slugs = _declared_slugs(services_file["services"], services_rel, "services", errors)
    _declared_slugs(conditions_file["conditions"], conditions_rel, "conditions", errors)
    _declared_slugs(locations_file["locations"], locations_rel, "locations", errors)

    bodies: list[tuple[object, str, str, int]] = []
    services: dict[str, Service] = {}
    for item in services_file["services"]:
        values = item.values
        if values is None or values["slug"] in services:
            continue
        service = Service(
            slug=values["slug"], name=values["name"], summary=values["summary"], body_html="",
            purpose=values["purpose"], diagnosis=values["diagnosis"], care_plan=values["care_plan"],
            session_frequency=values["session_frequency"], focus=values["focus"],
            techniques=values["techniques"], benefits=values["benefits"], insurance=values["insurance"],
            url=f"/services/{values['slug']}/",
        )
        services[service.slug] = service
        if values["body_file"]:
            loaded = read_body_file(values["body_file"], services_rel, item.node.items["body_file"][1].line)
            if loaded is not None:
                text, source, first_line = loaded
                bodies.append((service, text, source, first_line))
        elif values["body"]:
            bodies.append((service, values["body"], services_rel, item.node.items["body"][1].line + 1))

    conditions: dict[str, Condition] = {}
    for item in conditions_file["conditions"]:
        values = item.values
        if values is None or values["slug"] in conditions:
            continue
        condition = Condition(slug=values["slug"], name=values["name"], summary=values["summary"],
                              body_html="", url=f"/conditions/{values['slug']}/")
        where = f"conditions[{item.index}]"
        for service in _resolve_services(values["services"], services, service_slugs, conditions_rel, where, errors):
            condition.services.append(service)
            service.conditions.append(condition)
        listed = {ref.value for ref in values["services"]}
        for ref, note in values["service_notes"].items():
            if ref.value not in listed:
                errors.add(conditions_rel, ref.line, ref.column,
                           f"{where}.service_notes: '{ref.value}' is not one of this condition's services",
                           "add it to 'services' or remove the note")
            else:
                condition.service_notes[ref.value] = note
        conditions[condition.slug] = condition
        if values["body"]:
            bodies.append((condition, values["body"], conditions_rel, item.node.items["body"][1].line + 1))

    locations: dict[str, Location] = {}
    for item in locations_file["locations"]:
        values = item.values
        if values is None or values["slug"] in locations:
            continue
        location = Location(
            slug=values["slug"], name=values["name"], street_address=values["street_address"],
            city=values["city"], region=values["region"], postal_code=values["postal_code"],
            country=values["country"], phone=Phone(values["phone"]), email=values["email"],
            hours=tuple(OpeningHours(day.title(), *(values["hours"][day] or (None, None))) for day in WEEKDAYS),
            booking_url=values["booking_url"] or default_booking_url,
            directions_url=values["directions_url"] or directions_link(
                values["street_address"], values["city"], values["region"], values["postal_code"]),
            coordinates=Coordinates(**values["coordinates"]) if values["coordinates"] else None,
            parking=values["parking"], accessibility=values["accessibility"],
            url=f"/locations/{values['slug']}/",
            photo=values["photo"], photo_alt=values["photo_alt"],
            photo_line=item.node.items["photo"][1].line if "photo" in item.node.items else 0,
        )
        for service in _resolve_services(values["services"], services, service_slugs, locations_rel,
                                         f"locations[{item.index}]", errors):
            location.services.append(service)
            service.locations.append(location)
        locations[location.slug] = location

    if len(errors) != before:
        return None
    return SiteData(
        services=list(services.values()),
        conditions=list(conditions.values()),
        locations=list(locations.values()),
        comparison_rows=[ComparisonRow(**row) for row in services_file["comparison"]],
        bodies=bodies,
    )
