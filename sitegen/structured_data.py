"""schema.org descriptions of the clinic's locations and services, for search engines.

No ratings or reviews: search engines ignore or penalise a business's own
testimonials offered as ratings.

Templates emit them as JSON-LD (`{{ local_business(site, location)|tojson }}`
inside a <script type="application/ld+json">): data, not code, so the site
still runs no JavaScript. Jinja's tojson escapes <, > and & for that context.
"""
from __future__ import annotations

from datetime import date

from .models import SiteConfig


def local_business(site: SiteConfig, location, today: date | None = None) -> dict:
    """One location as a schema.org HealthAndBeautyBusiness; special hours from `today` on."""
    business = {
        "@context": "https://schema.org",
        "@type": "HealthAndBeautyBusiness",
        "name": f"{site.name} {location.name}",
        "url": site.base_url + location.url,
        "telephone": location.phone.e164,
        "email": location.email,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "addressLocality": location.city,
            "addressRegion": location.region,
            "postalCode": location.postal_code,
            "addressCountry": location.country,
        },
        "openingHoursSpecification": [
            {"@type": "OpeningHoursSpecification", "dayOfWeek": f"https://schema.org/{hours.day}",
             "opens": hours.opens, "closes": hours.closes}
            for hours in location.hours if not hours.closed
        ],
        "parentOrganization": {"@type": "Organization", "name": site.business_name, "url": site.base_url + "/"},
    }
    if location.price_range:
        business["priceRange"] = location.price_range
    special = location.special_hours_from(today) if today is not None else ()
    if special:
        # Google's documented form: a closed day opens and closes at 00:00.
        business["specialOpeningHoursSpecification"] = [
            {"@type": "OpeningHoursSpecification", "validFrom": day.date.isoformat(), "validThrough": day.date.isoformat(),
             "opens": day.opens or "00:00", "closes": day.closes or "00:00"}
            for day in special
        ]
    if location.coordinates is not None:
        business["geo"] = {"@type": "GeoCoordinates", "latitude": location.coordinates.latitude,
                           "longitude": location.coordinates.longitude}
    if location.booking_url:
        business["potentialAction"] = {"@type": "ReserveAction", "target": location.booking_url}
    return business


def service_offers(site: SiteConfig, service) -> dict:
    """A service as a schema.org Service with one Offer per session length and place."""
    description = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": service.name,
        "description": service.summary,
        "url": site.base_url + service.url,
        "provider": {"@type": "Organization", "name": site.business_name, "url": site.base_url + "/"},
    }
    offers = []
    for session in sorted(service.sessions, key=lambda s: (s.location is not None, s.minutes)):
        offer = {"@type": "Offer", "name": f"{service.name}, {session.minutes} minutes",
                 "price": f"{session.price:.2f}", "priceCurrency": site.currency}
        if session.location is not None:
            offer["availableAtOrFrom"] = {"@type": "Place", "name": f"{site.name} {session.location.name}",
                                          "url": site.base_url + session.location.url}
        offers.append(offer)
    if offers:
        description["offers"] = offers
    return description
