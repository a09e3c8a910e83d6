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
from .schema import (INVALID, Context, Email, Field, HoursRange, ListOf, Located, MapOf, Number,
                     PhoneNumber, Record, Slug, SlugRef, Text, Url)
from .yamlsource import YamlProblem, parse_yaml, read_text

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
    "services": Field(ListOf(SERVICE), "the services, in display order"),
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
    "conditions": Field(ListOf(CONDITION), "the conditions, in display order"),
}, name="conditions file")

HOURS = Record({day: Field(HoursRange(), f"hours on {day.title()}: HH:MM-HH:MM or closed") for day in WEEKDAYS},
               name="week of opening hours")

COORDINATES = Record({
    "latitude": Field(Number(), "degrees north, e.g. 43.13"),
    "longitude": Field(Number(), "degrees east (negative in the Americas), e.g. -76.13"),
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
}, name="location")

LOCATIONS_FILE = Record({
    "locations": Field(ListOf(LOCATION), "the locations, in display order"),
}, name="locations file")


@dataclass(slots=True)
class SiteData:
    services: list[Service]
    conditions: list[Condition]
    locations: list[Location]
    comparison_rows: list[ComparisonRow]
    # Markdown bodies to render: (record, markdown, source path, first line)
    bodies: list[tuple[object, str, str, int]]


def _read_data_file(root: Path, name: str, schema: Record, errors: ErrorCollector):
    rel = f"{DATA_DIR}/{name}"
    path = root / rel
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        errors.add(rel, 0, 0, "file not found", f"create it; see the README for what {name} holds")
        return None, None
    try:
        node = parse_yaml(read_text(raw, rel), rel)
    except YamlProblem as problem:
        errors.extend([problem.error])
        return None, None
    if node is None:
        errors.add(rel, 1, 0, "file is empty", "see the README for what it holds")
        return None, None
    values = schema(node, "", Context(rel, errors))
    return (None if values is INVALID else values), node


def _check_unique_slugs(items, rel, node, key, errors):
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        item_node = node.items[key][1].items[index]
        slug_node = item_node.items["slug"][1]
        if item["slug"] in seen:
            errors.add(rel, slug_node.line, slug_node.column,
                       f"{key}[{index}].slug: '{item['slug']}' is already used by {key}[{seen[item['slug']]}]",
                       "every slug must be different")
        else:
            seen[item["slug"]] = index


def _resolve(ref: Located, known: dict, rel: str, where: str, what: str, errors: ErrorCollector):
    if ref.value in known:
        return known[ref.value]
    errors.add(rel, ref.line, ref.column, f"{where}: unknown {what} '{ref.value}'",
               did_you_mean(ref.value, known) or f"known {what}s: " + ", ".join(known))
    return None


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
    services_values, services_node = _read_data_file(root, "services.yaml", SERVICES_FILE, errors)
    conditions_values, conditions_node = _read_data_file(root, "conditions.yaml", CONDITIONS_FILE, errors)
    locations_values, locations_node = _read_data_file(root, "locations.yaml", LOCATIONS_FILE, errors)
    if services_values is None or conditions_values is None or locations_values is None:
        return None
    before = len(errors)
    services_rel, conditions_rel, locations_rel = (f"{DATA_DIR}/{n}" for n in ("services.yaml", "conditions.yaml", "locations.yaml"))
    _check_unique_slugs(services_values["services"], services_rel, services_node, "services", errors)
    _check_unique_slugs(conditions_values["conditions"], conditions_rel, conditions_node, "conditions", errors)
    _check_unique_slugs(locations_values["locations"], locations_rel, locations_node, "locations", errors)

    bodies: list[tuple[object, str, str, int]] = []
    services: dict[str, Service] = {}
    for index, item in enumerate(services_values["services"]):
        service = Service(
            slug=item["slug"], name=item["name"], summary=item["summary"], body_html="",
            purpose=item["purpose"], diagnosis=item["diagnosis"], care_plan=item["care_plan"],
            session_frequency=item["session_frequency"], focus=item["focus"],
            techniques=item["techniques"], benefits=item["benefits"], insurance=item["insurance"],
            url=f"/services/{item['slug']}/",
        )
        services.setdefault(service.slug, service)
        item_node = services_node.items["services"][1].items[index]
        if item["body_file"]:
            key_line = item_node.items["body_file"][1].line
            loaded = read_body_file(item["body_file"], services_rel, key_line)
            if loaded is not None:
                text, source, first_line = loaded
                bodies.append((service, text, source, first_line))
        elif item["body"]:
            body_node = item_node.items["body"][1]
            bodies.append((service, item["body"], services_rel, body_node.line + 1))

    conditions: dict[str, Condition] = {}
    for index, item in enumerate(conditions_values["conditions"]):
        condition = Condition(slug=item["slug"], name=item["name"], summary=item["summary"],
                              body_html="", url=f"/conditions/{item['slug']}/")
        where = f"conditions[{index}]"
        for position, ref in enumerate(item["services"]):
            service = _resolve(ref, services, conditions_rel, f"{where}.services[{position}]", "service", errors)
            if service is not None:
                condition.services.append(service)
                service.conditions.append(condition)
        for ref, note in item["service_notes"].items():
            if ref.value not in {s.slug for s in condition.services}:
                errors.add(conditions_rel, ref.line, ref.column,
                           f"{where}.service_notes: '{ref.value}' is not one of this condition's services",
                           "add it to 'services' or remove the note")
            else:
                condition.service_notes[ref.value] = note
        conditions.setdefault(condition.slug, condition)
        if item["body"]:
            body_node = conditions_node.items["conditions"][1].items[index].items["body"][1]
            bodies.append((condition, item["body"], conditions_rel, body_node.line + 1))

    locations: dict[str, Location] = {}
    for index, item in enumerate(locations_values["locations"]):
        hours = tuple(
            OpeningHours(day.title(), *(item["hours"][day] or (None, None))) for day in WEEKDAYS
        )
        location = Location(
            slug=item["slug"], name=item["name"], street_address=item["street_address"],
            city=item["city"], region=item["region"], postal_code=item["postal_code"],
            country=item["country"], phone=Phone(item["phone"]), email=item["email"], hours=hours,
            booking_url=item["booking_url"] or default_booking_url,
            directions_url=item["directions_url"] or directions_link(
                item["street_address"], item["city"], item["region"], item["postal_code"]),
            coordinates=Coordinates(**item["coordinates"]) if item["coordinates"] else None,
            parking=item["parking"], accessibility=item["accessibility"],
            url=f"/locations/{item['slug']}/",
        )
        for position, ref in enumerate(item["services"]):
            service = _resolve(ref, services, locations_rel, f"locations[{index}].services[{position}]", "service", errors)
            if service is not None:
                location.services.append(service)
                service.locations.append(location)
        locations.setdefault(location.slug, location)

    if len(errors) != before:
        return None
    return SiteData(
        services=list(services.values()),
        conditions=list(conditions.values()),
        locations=list(locations.values()),
        comparison_rows=[ComparisonRow(**row) for row in services_values["comparison"]],
        bodies=bodies,
    )
