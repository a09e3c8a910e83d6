"""What the site's records can do beyond holding their fields.

kinds.py declares the fields; the `derive` functions here turn validated
values into a record's attributes (a phone number into a Phone, a week of
hours into OpeningHours), and the *Methods classes give the generated record
classes the properties templates read (`location.address_line`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote, quote_plus

from .collections import Derivation
from .models import Coordinates, HoursDisplay, OpeningHours, Phone
from .regions import coordinates_problem
from .yamlsource import YMap

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# New York reserves these titles for licensed massage therapists (Education Law, article 155).
RESERVED_TITLES = re.compile(r"\bmassage therapist\b|\bLMT\b", re.IGNORECASE)


def format_price(amount: float, currency: str = "USD") -> str:
    """95.0 -> '$95', 95.5 -> '$95.50'."""
    number = f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"
    return f"${number}" if currency == "USD" else f"{number} {currency}"


# --- Services: sessions and prices ---------------------------------------------

@dataclass(frozen=True, slots=True)
class Session:
    """One bookable length of a service, at one price (at one location, or everywhere)."""

    minutes: int
    price: float
    location: object = None  # a location record; None: every location offering the service

    @property
    def label(self) -> str:
        return f"{self.minutes} min"

    @property
    def price_display(self) -> str:
        return format_price(self.price)


class ServiceMethods:
    def sessions_at(self, location) -> list[Session]:
        """The sessions a visitor can book at `location`: its own prices replace the general ones."""
        own = [s for s in self.sessions if s.location is location]
        lengths = {s.minutes for s in own}
        general = [s for s in self.sessions if s.location is None and s.minutes not in lengths]
        return sorted(own + general, key=lambda s: s.minutes)

    @property
    def general_sessions(self) -> list[Session]:
        """Sessions priced the same everywhere, shortest first."""
        return sorted((s for s in self.sessions if s.location is None), key=lambda s: s.minutes)

    @property
    def location_sessions(self) -> list[Session]:
        """Sessions priced for one location only."""
        return [s for s in self.sessions if s.location is not None]

    @property
    def price_summary(self) -> list[str]:
        """One line per session for the comparison table; 'Call for prices' without sessions."""
        if not self.sessions:
            return ["Call for prices"]
        lines = [f"{s.label}: {s.price_display}" for s in sorted(self.general_sessions, key=lambda s: s.minutes)]
        lines += [f"{s.label} at {s.location.name}: {s.price_display}"
                  for s in sorted(self.location_sessions, key=lambda s: (s.location.name, s.minutes))]
        return lines


def derive_service(values: dict, at: Derivation) -> dict:
    sessions = tuple(Session(s["minutes"], s["price"], s["location"]) for s in values["sessions"])
    return {**values, "sessions": sessions}


def check_sessions(values, node, where, ctx) -> None:
    """Each length is priced once per place."""
    seen = {}
    sessions_node = node.items.get("sessions", (None, None))[1]
    for index, session in enumerate(values.get("sessions") or ()):
        if session["minutes"] <= 0 or session["price"] < 0:
            ctx.report(sessions_node.items[index], f"{where}.sessions[{index}]",
                       "a session needs a positive length and a price of 0 or more",
                       "write minutes: 60, price: 95")
        place = getattr(session["location"], "value", None)
        key = (session["minutes"], place)
        if key in seen:
            ctx.report(sessions_node.items[index], f"{where}.sessions[{index}]",
                       f"a {session['minutes']}-minute session is priced twice"
                       + (f" at '{place}'" if place else ""), f"remove one of sessions[{seen[key]}] and sessions[{index}]")
        seen[key] = index


# --- Conditions -------------------------------------------------------------------

def derive_condition(values: dict, at: Derivation) -> dict:
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


# --- Locations --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SpecialHours(HoursDisplay):
    """A dated exception to a location's week: closed, or other hours."""

    date: date
    label: str
    opens: str | None
    closes: str | None


class LocationMethods:
    @property
    def address_line(self) -> str:
        return f"{self.street_address}, {self.city}, {self.region} {self.postal_code}"

    def booking_url_for(self, service=None) -> str:
        """The booking address, for one service where the address says how ({service})."""
        if "{service}" not in self.booking_pattern:
            return self.booking_pattern
        if service is None:
            return self.booking_url
        return self.booking_pattern.replace("{service}", quote(service.slug))

    def special_hours_from(self, today: date, days: int | None = None) -> list[SpecialHours]:
        """Exceptions from `today` on (within `days` days, if given), soonest first."""
        last = today + timedelta(days=days) if days is not None else date.max
        return [hours for hours in self.special_hours if today <= hours.date <= last]

    @property
    def price_range(self) -> str:
        """'$60–$140' over the sessions bookable here; '' without prices."""
        prices = [s.price for service in self.services for s in service.sessions_at(self)]
        if not prices:
            return ""
        low, high = format_price(min(prices)), format_price(max(prices))
        return low if low == high else f"{low}–{high}"


def directions_link(street: str, city: str, region: str, postal_code: str) -> str:
    query = quote_plus(f"{street}, {city}, {region} {postal_code}")
    return f"https://www.openstreetmap.org/search?query={query}"


def _without_placeholder(url: str) -> str:
    """The booking address for no particular service: drop '{service}' and what only it needed."""
    url = re.sub(r"\?[A-Za-z0-9_-]+=\{service\}(&|$)", lambda m: "?" if m[1] else "", url)
    url = re.sub(r"&[A-Za-z0-9_-]+=\{service\}(?=&|$)", "", url)
    url = url.replace("/{service}", "").replace("{service}", "")
    return url.replace("?&", "?")


def derive_location(values: dict, at: Derivation) -> dict:
    pattern = values["booking_url"] or (at.config.booking_url if at.config else "")
    return {
        **values,
        "phone": Phone(values["phone"]),
        "hours": tuple(OpeningHours(day.title(), *(values["hours"][day] or (None, None))) for day in WEEKDAYS),
        "booking_pattern": pattern,
        "photo": values["photo"].value if values.get("photo") else None,
        "photo_line": values["photo"].line if values.get("photo") else 0,
        "photo_column": values["photo"].column if values.get("photo") else 0,
        "booking_url": _without_placeholder(pattern),
        "directions_url": values["directions_url"] or directions_link(
            values["street_address"], values["city"], values["region"], values["postal_code"]),
        "coordinates": Coordinates(**values["coordinates"]) if values["coordinates"] else None,
        "special_hours": tuple(sorted((SpecialHours(entry["date"], entry["label"], *(entry["hours"] or (None, None)))
                                       for entry in values["special_hours"]), key=lambda hours: hours.date)),
    }


def check_location(values, node, where, ctx) -> None:
    url = values.get("booking_url") or ""
    if re.search(r"\{(?!service\})", url) or url.count("{service}") > 1:
        ctx.report(node.items["booking_url"][1], f"{where}.booking_url",
                   f"{url!r} has a placeholder other than one {{service}}",
                   "write {service} once where the booking system takes the service, or no braces at all")
    seen: dict[date, int] = {}
    for index, entry in enumerate(values.get("special_hours") or ()):
        if entry["date"] in seen:
            ctx.report(node.items["special_hours"][1].items[index], f"{where}.special_hours[{index}]",
                       f"{entry['date'].isoformat()} is given twice", f"keep one of special_hours[{seen[entry['date']]}] and [{index}]")
        seen[entry["date"]] = index
    _coordinates_in_region(values, node, where, ctx)


def _coordinates_in_region(values, node, where, ctx) -> None:
    """Coordinates outside the location's state: swapped, a dropped minus sign, or another place."""
    if not values.get("coordinates") or not values.get("region"):
        return
    pair = node.items["coordinates"][1]
    problem = coordinates_problem(values["region"], values["coordinates"]["latitude"], values["coordinates"]["longitude"])
    if problem is not None:
        latitude = pair.items["latitude"][1] if isinstance(pair, YMap) and "latitude" in pair.items else pair
        ctx.report(latitude, f"{where}.coordinates", *problem)


# --- Team ---------------------------------------------------------------------------

class TeamMethods:
    def license_url(self, pattern: str | None) -> str:
        """Where the state shows this licence; '' without a licence or a lookup address."""
        if not self.license_number or not pattern:
            return ""
        return pattern.replace("{number}", quote(self.license_number))


def check_team_member(values, node, where, ctx) -> None:
    """New York reserves 'massage therapist' and 'LMT' for licensees."""
    credentials = values.get("credentials") or ""
    match = RESERVED_TITLES.search(credentials)
    if match and not values.get("license_number"):
        ctx.report(node.items["credentials"][1], f"{where}.credentials",
                   f"'{match.group(0)}' may only be used with a New York licence, and no license_number is given",
                   "add license_number: with the six-digit licence number, or change the credentials")


def check_member_places(member, written: dict, at: Derivation) -> None:
    """Each service a member gives is offered at one of the locations they work at."""
    for index, (slug, service) in enumerate(zip(written["services"], member.services)):
        if not any(service in location.services for location in member.locations):
            places = ", ".join(location.name for location in member.locations)
            at.report(slug, f"services[{index}]: {member.name} gives {service.name}, but it is not offered where "
                      f"they work ({places})", "add the service to that location's services in locations.yaml, "
                      "or the location to this member's locations")


def derive_team_member(values: dict, at: Derivation) -> dict:
    """The photo's address and line; the images stage checks the file (media.check_data_images)."""
    located = values.get("photo")
    return {**values, "photo": located.value if located else None,
            "photo_line": located.line if located else 0, "photo_column": located.column if located else 0}
