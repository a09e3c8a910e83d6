"""schema.org descriptions of the clinic's locations, for search engines.

Templates emit them as JSON-LD (`{{ local_business(site, location)|tojson }}`
inside a <script type="application/ld+json">): data, not code, so the site
still runs no JavaScript. Jinja's tojson escapes <, > and & for that context.
"""
from __future__ import annotations

from .models import SiteConfig


def local_business(site: SiteConfig, location) -> dict:
    """One location as a schema.org HealthAndBeautyBusiness."""
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
    if location.coordinates is not None:
        business["geo"] = {"@type": "GeoCoordinates", "latitude": location.coordinates.latitude,
                           "longitude": location.coordinates.longitude}
    if location.booking_url:
        business["potentialAction"] = {"@type": "ReserveAction", "target": location.booking_url}
    return business
