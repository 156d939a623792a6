"""Points and contours in pure Python: is a point (WGS84) inside a commune's GeoJSON contour?

The contours shipped in data/territory are simplified (IGN Admin Express, thinned for the web): their edges stray
from the true boundary by up to a hundred metres or so. A point just outside a simplified contour may be inside the
real commune, so the rule accepts a point within CONTOUR_TOLERANCE_METRES of the contour: a site on the boundary
street of Chatou is accepted; a point in Croissy, 1 km away, or in Marseille is not.

Ray casting (even-odd rule) on longitude/latitude; distances to edges on a local equirectangular projection (exact
enough over a few hundred metres).
"""

import math
from collections.abc import Iterable, Sequence
from typing import Any

# See the module docstring: how far outside a simplified contour a point is still taken as inside.
CONTOUR_TOLERANCE_METRES = 200.0
EARTH_RADIUS_METRES = 6_371_008.8

Position = Sequence[float]  # GeoJSON order: (longitude, latitude)
Ring = Sequence[Position]
Polygon = Sequence[Ring]  # exterior ring first, then holes


def polygons_of(geometry: dict[str, Any]) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon, MultiPolygon, GeometryCollection, Feature or FeatureCollection."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    if kind == "GeometryCollection":
        return [polygon for part in geometry.get("geometries", []) for polygon in polygons_of(part)]
    if kind == "Feature":
        return polygons_of(geometry["geometry"]) if geometry.get("geometry") else []
    if kind == "FeatureCollection":
        return [polygon for feature in geometry.get("features", []) for polygon in polygons_of(feature)]
    raise ValueError(f"polygons_of: not an areal GeoJSON geometry: {kind!r}")


def ring_contains(ring: Ring, lon: float, lat: float) -> bool:
    """Even-odd rule: a horizontal ray from the point crosses the ring's edges an odd number of times."""
    inside = False
    count = len(ring)
    for index in range(count):
        x1, y1 = ring[index][0], ring[index][1]
        x2, y2 = ring[index - 1][0], ring[index - 1][1]
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def polygon_contains(polygon: Polygon, lon: float, lat: float) -> bool:
    """Inside the exterior ring and in none of the holes."""
    if not polygon or not ring_contains(polygon[0], lon, lat):
        return False
    return not any(ring_contains(hole, lon, lat) for hole in polygon[1:])


def _segment_distance_metres(lon: float, lat: float, a: Position, b: Position) -> float:
    """Distance from the point to the segment a-b, on a plane tangent at the point's latitude."""
    scale_x = math.radians(1) * EARTH_RADIUS_METRES * math.cos(math.radians(lat))
    scale_y = math.radians(1) * EARTH_RADIUS_METRES
    ax, ay = (a[0] - lon) * scale_x, (a[1] - lat) * scale_y
    bx, by = (b[0] - lon) * scale_x, (b[1] - lat) * scale_y
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy)


def _edges(polygons: Iterable[Polygon]) -> Iterable[tuple[Position, Position]]:
    for polygon in polygons:
        for ring in polygon:
            for index in range(1, len(ring)):
                yield ring[index - 1], ring[index]


def geometry_contains(geometry: dict[str, Any], lat: float, lon: float, *, tolerance_metres: float = 0.0) -> bool:
    """Whether the point is inside the areal geometry, or within `tolerance_metres` of its boundary."""
    polygons = polygons_of(geometry)
    if any(polygon_contains(polygon, lon, lat) for polygon in polygons):
        return True
    if tolerance_metres <= 0:
        return False
    # Far from every vertex's bounding box (plus the tolerance), no edge can be near: skip the distances.
    margin_lat = math.degrees(tolerance_metres / EARTH_RADIUS_METRES)
    margin_lon = margin_lat / max(math.cos(math.radians(lat)), 1e-6)
    near = [
        polygon
        for polygon in polygons
        if polygon
        and min(p[0] for p in polygon[0]) - margin_lon <= lon <= max(p[0] for p in polygon[0]) + margin_lon
        and min(p[1] for p in polygon[0]) - margin_lat <= lat <= max(p[1] for p in polygon[0]) + margin_lat
    ]
    return any(_segment_distance_metres(lon, lat, a, b) <= tolerance_metres for a, b in _edges(near))


def commune_contains(commune: Any, lat: float, lon: float) -> bool:
    """Rule: a point placed in a commune lies inside its contour, give or take CONTOUR_TOLERANCE_METRES (simplified
    contours). A commune whose contour is not known refuses no point: nothing to check it against."""
    if not commune.contour:
        return True
    return geometry_contains(commune.contour, lat, lon, tolerance_metres=CONTOUR_TOLERANCE_METRES)
