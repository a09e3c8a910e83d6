"""Do a location's coordinates fall in its state?

Coordinates go into the map link and structured data, so a slip (the two
numbers swapped, the minus sign of a western longitude dropped, a pair copied
from another place) sends visitors to the wrong town. Each state in
BOUNDS has a bounding box; a pair outside its location's box is an error
that says which slip it looks like. States not in the table are not checked.
"""
from __future__ import annotations

# State code -> (south, north, west, east) in degrees, rounded outwards.
BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "NY": (40.48, 45.02, -79.77, -71.85),
    "NJ": (38.92, 41.36, -75.57, -73.88),
    "PA": (39.71, 42.27, -80.53, -74.68),
    "CT": (40.95, 42.06, -73.73, -71.78),
    "MA": (41.23, 42.89, -73.51, -69.92),
    "VT": (42.72, 45.02, -73.44, -71.46),
    "RI": (41.14, 42.02, -71.91, -71.11),
    "NH": (42.69, 45.31, -72.56, -70.60),
    "ME": (42.97, 47.46, -71.08, -66.95),
    "DE": (38.45, 39.84, -75.79, -75.04),
    "MD": (37.91, 39.72, -79.49, -75.05),
    "DC": (38.79, 39.00, -77.12, -76.91),
    "OH": (38.40, 41.98, -84.82, -80.52),
}
MARGIN = 0.05  # degrees (about 5 km): coordinates of a place on the border still pass


def _inside(box: tuple[float, float, float, float], latitude: float, longitude: float) -> bool:
    south, north, west, east = box
    return south - MARGIN <= latitude <= north + MARGIN and west - MARGIN <= longitude <= east + MARGIN


def coordinates_problem(region: str, latitude: float, longitude: float) -> tuple[str, str] | None:
    """(message, hint) when the pair cannot be a place in `region`, else None."""
    if not -90 <= latitude <= 90:
        if -90 <= longitude <= 90 and -180 <= latitude <= 180:
            return (f"latitude {latitude:g} and longitude {longitude:g} look swapped (a latitude is between -90 and 90)",
                    f"exchange them: latitude: {longitude:g}, longitude: {latitude:g}")
        return f"latitude {latitude:g} is not between -90 and 90", "copy the coordinates of the address from a map"
    if not -180 <= longitude <= 180:
        return f"longitude {longitude:g} is not between -180 and 180", "copy the coordinates of the address from a map"
    box = BOUNDS.get(region)
    if box is None or _inside(box, latitude, longitude):
        return None
    south, north, west, east = box
    extent = f"{region} lies between latitude {south:g} and {north:g}, longitude {west:g} and {east:g}"
    if _inside(box, longitude, latitude):
        return (f"latitude {latitude:g} and longitude {longitude:g} look swapped: {extent}",
                f"exchange them: latitude: {longitude:g}, longitude: {latitude:g}")
    if _inside(box, latitude, -longitude):
        return (f"longitude {longitude:g} is east of Greenwich, far from {region}: {extent}",
                f"places west of Greenwich have a negative longitude: write longitude: {-longitude:g}")
    return (f"latitude {latitude:g}, longitude {longitude:g} is not in {region}: {extent}",
            "copy the coordinates of the address from a map")
