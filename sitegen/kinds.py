"""The kinds of content this site has, each declared once (see collections.py).

Routes, validation, the template context and the README's field tables are
derived from these declarations. Adding a kind means a declaration here (in
KINDS) and its templates; pipeline.py does not change. What records do
beyond holding their fields is in records.py.
"""
from __future__ import annotations

from .collections import Collection, Page, Reference
from .components import comparison_table, condition_matrix
from .content import ARTICLE_FRONT_MATTER, PAGE_FRONT_MATTER, listing_order
from .models import ComparisonRow
from .records import (LocationMethods, ServiceMethods, TeamMethods, check_location, check_member_places, check_sessions,
                      check_team_member, derive_condition, derive_location, derive_service, derive_team_member)
from .schema import (Boolean, DateValue, Email, Field, HoursRange, Integer, ListOf, MapOf, Number, PhoneNumber,
                     Positioned, Record, SitePath, Slug, SlugRef, Text, Url)

DATA_DIR = "content/data"
MARKDOWN_FILE = Text(pattern=r"[A-Za-z0-9_./-]+\.md", expected="a Markdown file path",
                     hint="a path inside content/, e.g. services/medical-massage.md")
SLUGS = ListOf(SlugRef(), unique=True)
NO_SLUGS = ListOf(SlugRef(), allow_empty=True, unique=True)

# --- Markdown pages and articles ----------------------------------------------------

PAGES = Collection(
    name="pages", item="page", doc="a page; `index.md` is the home page, a folder makes a section",
    source="content/pages", pattern="**/*.md", fields=PAGE_FRONT_MATTER.fields, order=listing_order,
    item_page=Page("/{path}/", "page", "{title}", "{description}"),
)

ARTICLES = Collection(
    name="articles", item="article", doc="an article, listed newest first",
    source="content/articles", pattern="*.md", fields=ARTICLE_FRONT_MATTER.fields, order=listing_order,
    item_page=Page("/articles/{slug}/", "article", "{title}", "{description}"),
    list_page=Page("/articles/", "articles", "Articles",
                   "Articles about massage therapy: what it is for and how to choose."),
)

# --- Services ------------------------------------------------------------------------

COMPARABLE_FIELDS = ("purpose", "diagnosis", "care_plan", "focus", "session_frequency", "techniques",
                     "benefits", "insurance", "sessions", "conditions", "locations", "team")

COMPARISON_ROW = Record({
    "field": Field(Text(pattern="|".join(COMPARABLE_FIELDS), expected="a service field",
                        hint="one of " + ", ".join(COMPARABLE_FIELDS)), "the service field the row shows"),
    "label": Field(Text(), "the row heading shown to visitors"),
}, name="comparison row")

SESSION = Record({
    "minutes": Field(Integer(), "how long the session lasts, e.g. 60"),
    "price": Field(Number(), "what it costs, without the currency sign, e.g. 95"),
    "location": Field(SlugRef(), "a location slug, when this price applies there only", False, None),
}, name="session")

def _service_context(data) -> dict:
    services = data.records["services"]
    rows = [ComparisonRow(**row) for row in data.file_values.get("services", {}).get("comparison", ())]
    return {
        "comparison_rows": rows,
        # Functions of the data alone (the incremental builder relies on it):
        "comparison_table": lambda services=None, rows=None, _all=services, _rows=rows: comparison_table(
            services if services is not None else _all, rows if rows is not None else _rows),
        "condition_matrix": lambda: condition_matrix(data.records.get("conditions", []), services),
    }


SERVICES = Collection(
    name="services", item="service",
    doc="the massage services, compared side by side (long texts may sit in `content/services/NAME.md`)",
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
        "sessions": Field(ListOf(SESSION, allow_empty=True), "lengths and prices (`minutes`, `price`, "
                          "optional `location`); none: 'call for prices'", False, ()),
    },
    references=(Reference("sessions.location", "locations"),),
    markdown=("body",), derive=derive_service, check=check_sessions, base=ServiceMethods,
    file_fields={"comparison": Field(ListOf(COMPARISON_ROW), "rows of the service comparison table, in order")},
    list_page=Page("/services/", "services", "Massage services", "Our massage services compared side by side."),
    item_page=Page("/services/{slug}/", "service", "{name}", "{summary}"),
    context=_service_context,
)


# --- Conditions -------------------------------------------------------------------------

CONDITIONS = Collection(
    name="conditions", item="condition", doc="conditions the services address",
    source=f"{DATA_DIR}/conditions.yaml",
    fields={
        "slug": Field(Slug(), "the URL name, e.g. sciatica -> /conditions/sciatica/"),
        "name": Field(Text(), "the condition's name as visitors read it"),
        "summary": Field(Text(), "one sentence for lists and search results"),
        "body": Field(Text(), "more text, in Markdown", False, ""),
        "services": Field(SLUGS, "slugs of the services that address it"),
        "service_notes": Field(MapOf(SlugRef(), Text()), "how each service helps, keyed by service slug", False, {}),
    },
    references=(Reference("services", "services", back="conditions"),),
    markdown=("body",), derive=derive_condition,
    list_page=Page("/conditions/", "conditions", "Conditions we treat",
                   "Conditions massage can help with, and which service addresses each."),
    item_page=Page("/conditions/{slug}/", "condition", "{name}", "{summary}"),
)

# --- Locations ----------------------------------------------------------------------------

WEEK = Record({day: Field(HoursRange(), f"hours on {day.title()}: HH:MM-HH:MM or closed") for day in
               ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
              name="week of opening hours")

SPECIAL_HOURS = Record({
    "date": Field(DateValue(), "the day, YYYY-MM-DD"),
    "label": Field(Text(), "what the day is, e.g. Thanksgiving"),
    "hours": Field(HoursRange(), "HH:MM-HH:MM, or closed"),
}, name="special opening day")

COORDINATES = Record({
    "latitude": Field(Number(-90, 90), "degrees north, e.g. 43.13"),
    "longitude": Field(Number(-180, 180), "degrees east (negative in the Americas), e.g. -76.13"),
}, name="coordinate pair")

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
        "hours": Field(WEEK, "opening hours for all seven weekdays"),
        "special_hours": Field(ListOf(SPECIAL_HOURS, allow_empty=True), "holidays and other dated exceptions "
                               "(`date`, `label`, `hours`)", False, ()),
        "booking_url": Field(Url(), "online booking here (default: the site's); may hold {service}", False, None),
        "directions_url": Field(Url(), "a maps link; default: a maps search for the address", False, None),
        "coordinates": Field(COORDINATES, "latitude and longitude", False, None),
        "services": Field(SLUGS, "slugs of the services offered here"),
        "parking": Field(Text(), "where to park", False, ""),
        "accessibility": Field(Text(), "step-free access, lifts, restrooms", False, ""),
        "photo": Field(Positioned(SitePath()), "a photo of the location in content/images/, e.g. /images/front.jpg",
                       False, None),
        "photo_alt": Field(Text(), "what the photo shows, for people who cannot see it", False, ""),
    },
    references=(Reference("services", "services", back="locations"),),
    derive=derive_location, derived=("booking_pattern", "photo_line", "photo_column"), check=check_location, base=LocationMethods,
    list_page=Page("/locations/", "locations", "Our locations",
                   "Addresses, phone numbers, opening hours and directions."),
    item_page=Page("/locations/{slug}/", "location", "{name}",
                   "Massage therapy in {city}, {region}: address, phone, hours and directions."),
)

# --- Team -----------------------------------------------------------------------------------

TEAM = Collection(
    name="team", item="member", doc="the therapists: who gives which service where",
    source=f"{DATA_DIR}/team.yaml",
    fields={
        "slug": Field(Slug(), "the URL name, e.g. dana-reyes -> /team/dana-reyes/"),
        "name": Field(Text(), "the name visitors know them by"),
        "credentials": Field(Text(), "titles and training, e.g. LMT; 'LMT' or 'massage therapist' needs a licence"),
        "license_number": Field(Text(pattern=r"\d{6}", expected="a six-digit New York licence number",
                                     hint="six digits, in quotes, e.g. \"012345\""),
                                "New York massage therapy licence number", False, None),
        "photo": Field(Positioned(SitePath()), "a photo in content/images/, by its site address, e.g. /images/dana.jpg",
                       False, None),
        "photo_alt": Field(Text(), "what the photo shows (default: the member's name)", False, ""),
        "services": Field(SLUGS, "slugs of the services they give"),
        "locations": Field(SLUGS, "slugs of the locations they work at"),
        "bio": Field(Text(), "a short introduction, in Markdown"),
        "example": Field(Boolean(), "true marks a made-up sample profile, so the page says so", False, False),
    },
    references=(Reference("services", "services", back="team"), Reference("locations", "locations", back="team")),
    markdown=("bio",), check=check_team_member, derive=derive_team_member, derived=("photo_line", "photo_column"),
    linked=check_member_places,
    base=TeamMethods,
    list_page=Page("/team/", "team", "Our team", "The licensed massage therapists of the clinic."),
    item_page=Page("/team/{slug}/", "member", "{name}", "{name}, {credentials}: who they are and where they work."),
)

# --- Policies, questions, testimonials --------------------------------------------------------

POLICIES = Collection(
    name="policies", item="policy", doc="cancellation, late arrival and no-show rules, shown where visitors book",
    source=f"{DATA_DIR}/policies.yaml",
    fields={
        "slug": Field(Slug(), "the anchor on /policies/, e.g. cancellation -> /policies/#cancellation"),
        "title": Field(Text(), "the policy's heading, e.g. Cancellations"),
        "summary": Field(Text(), "one short sentence shown next to booking buttons"),
        "body": Field(Text(), "the full rule, in Markdown"),
    },
    markdown=("body",),
    list_page=Page("/policies/", "policies", "Booking policies",
                   "Our cancellation, late arrival and no-show policies."),
)

QUESTIONS = Collection(
    name="questions", item="question", doc="questions and answers, on /questions/ and the pages they belong to",
    source=f"{DATA_DIR}/questions.yaml",
    fields={
        "slug": Field(Slug(), "the anchor on /questions/, e.g. do-i-need-a-script"),
        "question": Field(Text(), "the question, as a visitor would ask it"),
        "answer": Field(Text(), "the answer, in Markdown"),
        "services": Field(NO_SLUGS, "slugs of the services whose pages show it", False, ()),
        "topics": Field(ListOf(Slug(), allow_empty=True, unique=True),
                        "topics it belongs to, e.g. insurance (place them with ::: questions topic=insurance)",
                        False, ()),
    },
    references=(Reference("services", "services", back="questions"),),
    markdown=("answer",),
    # Questions also appear inside other pages: "q-" keeps their ids apart from the pages' headings.
    list_page=Page("/questions/", "questions", "Questions and answers",
                   "Answers to the questions clients ask most about massage, booking and insurance.", anchor="q-{slug}"),
)

# One word of letters (José, Mary-Jane) or up to three initials (M. K.).
FIRST_NAME = Text(pattern=r"[^\W\d_](?:[^\W\d_]|['’-])*|(?:[^\W\d_]\.\s?){1,3}", expected="a first name or initials",
                  hint="only a first name (Maria) or initials (M. K.), never a full name")

CONSENT = Record({
    "date": Field(DateValue(), "when the client signed, YYYY-MM-DD"),
    "form": Field(Text(), "which signed form or record holds the permission, e.g. Consent form T-2026-014"),
}, name="consent record")

TESTIMONIALS = Collection(
    name="testimonials", item="testimonial", doc="what clients say, each with their written consent on file",
    source=f"{DATA_DIR}/testimonials.yaml", order="-date",
    fields={
        "slug": Field(Slug(), "an anchor name, e.g. back-pain-2026"),
        "quote": Field(Text(), "the client's words, as they gave them"),
        "name": Field(FIRST_NAME, "a first name or initials"),
        "date": Field(DateValue(), "when it was given, YYYY-MM-DD"),
        "consent": Field(CONSENT, "the written permission the clinic holds to publish it (`date`, `form`)"),
        "services": Field(NO_SLUGS, "slugs of the services it is about", False, ()),
        "example": Field(Boolean(), "true marks a made-up demonstration quote, so the page says so", False, False),
    },
    references=(Reference("services", "services", back="testimonials"),),
    list_page=Page("/testimonials/", "testimonials", "What clients say",
                   "What clients say about their massage at the clinic."),
)

# Order: where several kinds share a context name or a page lists them, earlier comes first.
KINDS: tuple[Collection, ...] = (PAGES, ARTICLES, SERVICES, CONDITIONS, LOCATIONS, TEAM, POLICIES, QUESTIONS,
                                 TESTIMONIALS)
