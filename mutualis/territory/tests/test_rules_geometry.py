"""Point in contour: ray casting over GeoJSON polygons with holes, and the commune rule with its 200 m tolerance."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.territory.geometry import (
    CONTOUR_TOLERANCE_METRES,
    EARTH_RADIUS_METRES,
    commune_contains,
    geometry_contains,
    polygon_contains,
)

SQUARE = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]
HOLE = [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}

inside = st.floats(min_value=0.001, max_value=9.999)
beyond = st.floats(min_value=10.001, max_value=170.0)
in_hole = st.floats(min_value=4.001, max_value=5.999)


@given(lon=inside, lat=inside)
def test_a_point_inside_a_square_is_inside(lon, lat):
    """Every point strictly inside a square is inside it, whichever way the ring turns and wherever it starts."""
    square = {"type": "Polygon", "coordinates": [SQUARE]}
    turned = {"type": "Polygon", "coordinates": [list(reversed(SQUARE))]}
    shifted = {"type": "Polygon", "coordinates": [[*SQUARE[2:-1], *SQUARE[:3]]]}
    assert geometry_contains(square, lat, lon)
    assert geometry_contains(turned, lat, lon)
    assert geometry_contains(shifted, lat, lon)


@given(offset=beyond, along=inside, side=st.sampled_from(["east", "west", "north", "south"]))
def test_a_point_outside_a_square_is_outside(offset, along, side):
    """A point beyond any side of the square is outside it."""
    lon, lat = {
        "east": (offset, along),
        "west": (10.0 - offset, along),
        "north": (along, min(offset, 89.0)),
        "south": (along, 10.0 - min(offset, 89.0)),
    }[side]
    assert not geometry_contains({"type": "Polygon", "coordinates": [SQUARE]}, lat, lon)


@given(lon=in_hole, lat=in_hole)
def test_a_point_in_a_hole_is_outside(lon, lat):
    """A point in a polygon's hole is not in the polygon; without the hole it would be."""
    assert not geometry_contains(SQUARE_WITH_HOLE, lat, lon)
    assert geometry_contains({"type": "Polygon", "coordinates": [SQUARE]}, lat, lon)


@given(lon=inside, lat=inside)
def test_a_point_between_the_rings_is_inside(lon, lat):
    """Inside the exterior ring and outside the hole means inside."""
    in_the_hole = 4 < lon < 6 and 4 < lat < 6
    on_the_hole = lon in (4, 6) or lat in (4, 6)
    if not on_the_hole:
        assert polygon_contains(SQUARE_WITH_HOLE["coordinates"], lon, lat) is not in_the_hole


@given(lon=inside, lat=inside)
def test_a_multipolygon_contains_what_any_part_contains(lon, lat):
    """A MultiPolygon holds the points of each of its polygons (here a square and its copy 20° east)."""
    east = [[x + 20.0, y] for x, y in SQUARE]
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [east]]}
    assert geometry_contains(multi, lat, lon)
    assert geometry_contains(multi, lat, lon + 20.0)
    assert not geometry_contains(multi, lat, 10.0 + lon)  # in the gap between the two


def _metres_east(lat, lon, metres):
    """The longitude `metres` east of the point."""
    return lon + math.degrees(metres / (EARTH_RADIUS_METRES * math.cos(math.radians(lat))))


@given(metres=st.floats(min_value=1.0, max_value=190.0))
def test_tolerance_accepts_a_point_just_outside(metres):
    """With a 200 m tolerance, a point less than 200 m outside an edge counts as inside."""
    box = {"type": "Polygon", "coordinates": [[[2.0, 48.8], [2.01, 48.8], [2.01, 48.81], [2.0, 48.81], [2.0, 48.8]]]}
    lon = _metres_east(48.805, 2.01, metres)
    assert not geometry_contains(box, 48.805, lon)
    assert geometry_contains(box, 48.805, lon, tolerance_metres=200)


@given(metres=st.floats(min_value=210.0, max_value=50_000.0))
def test_tolerance_refuses_a_point_further_out(metres):
    """Beyond the tolerance, a point outside is refused."""
    box = {"type": "Polygon", "coordinates": [[[2.0, 48.8], [2.01, 48.8], [2.01, 48.81], [2.0, 48.81], [2.0, 48.8]]]}
    assert not geometry_contains(box, 48.805, _metres_east(48.805, 2.01, metres), tolerance_metres=200)


def test_unknown_geometry_is_an_error():
    """Only areal geometries can contain a point: a LineString is a programming error."""
    with pytest.raises(ValueError):
        geometry_contains({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, 0.5, 0.5)


def test_chatou_contains_its_centroid_and_not_marseille(territory):
    """Real contours: Chatou contains its centroid and the point of its town hall; Marseille and Croissy-sur-Seine's
    town hall (about 1.5 km away) are refused."""
    chatou = territory.chatou
    assert commune_contains(chatou, chatou.latitude, chatou.longitude)
    assert commune_contains(chatou, 48.8897, 2.1573)  # Hôtel de ville de Chatou
    assert not commune_contains(chatou, 43.2965, 5.3698)  # Marseille, Vieux-Port
    assert not commune_contains(chatou, 48.8781, 2.1394)  # Hôtel de ville de Croissy-sur-Seine


def test_tolerance_is_two_hundred_metres_on_a_real_boundary(territory):
    """A point 150 m outside Chatou's contour (the simplified line) is accepted; 400 m outside, refused."""
    chatou = territory.chatou
    ring = (
        chatou.contour["coordinates"][0] if chatou.contour["type"] == "Polygon" else chatou.contour["coordinates"][0][0]
    )
    east_lon, east_lat = max(ring, key=lambda point: point[0])  # the easternmost vertex: east of it is outside
    assert CONTOUR_TOLERANCE_METRES == 200
    assert commune_contains(chatou, east_lat, _metres_east(east_lat, east_lon, 150))
    assert not commune_contains(chatou, east_lat, _metres_east(east_lat, east_lon, 400))


def test_a_commune_without_contour_refuses_no_point(territory):
    """Without a known contour there is nothing to check against: any point is accepted."""
    chatou = territory.chatou
    chatou.contour = None
    assert commune_contains(chatou, 43.2965, 5.3698)
