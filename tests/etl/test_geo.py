"""Tests for etl.geo.europe_boundaries, run on the real Natural Earth snapshot (no network)."""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the `pytest` script does not put the repo root on sys.path
    sys.path.insert(0, str(REPO_ROOT))

from etl.geo import BoundaryError, europe_boundaries  # noqa: E402

SOURCE = REPO_ROOT / "data/raw/naturalearth/2026-11-25/ne_50m_admin_0_countries.geojson"
SIMFEROPOL = Point(34.10, 44.95)
SEVASTOPOL = Point(33.52, 44.60)


@pytest.fixture(scope="module")
def collection() -> dict:
    return europe_boundaries(SOURCE)


@pytest.fixture(scope="module")
def shapes(collection) -> dict:
    return {feature["id"]: shape(feature["geometry"]) for feature in collection["features"]}


def polygons(geometry: dict) -> list:
    """The coordinate arrays of each polygon, whether the geometry is a Polygon or a MultiPolygon."""
    coords = geometry["coordinates"]
    return coords if geometry["type"] == "MultiPolygon" else [coords]


def d3_polygon_area(polygon: list) -> float:
    """Spherical area in steradians as d3-geo's geoArea (src/area.js) computes it.

    d3 sums the signed areas of all rings; a negative sum means the polygon is the rest of
    the sphere, so a wrongly wound country comes out at about 4*pi instead of its own area.
    """
    total = 0.0
    for ring in polygon:
        lon0, lat0 = ring[0]
        lam0, phi0 = math.radians(lon0), math.radians(lat0) / 2 + math.pi / 4
        for lon, lat in ring[1:]:
            lam, phi = math.radians(lon), math.radians(lat) / 2 + math.pi / 4
            d_lam = lam - lam0
            sign = 1 if d_lam >= 0 else -1
            k = math.sin(phi0) * math.sin(phi)
            u = math.cos(phi0) * math.cos(phi) + k * math.cos(sign * d_lam)
            v = k * sign * math.sin(sign * d_lam)
            total += math.atan2(v, u)
            lam0, phi0 = lam, phi
    return 2 * (total + 2 * math.pi if total < 0 else total)


def test_d3_area_helper_follows_d3_winding():
    # Clockwise in lon/lat (south-west, north-west, north-east, south-east) is the small square.
    clockwise = [[[20, 50], [20, 55], [30, 55], [30, 50], [20, 50]]]
    assert d3_polygon_area(clockwise) < 0.01
    assert d3_polygon_area([list(reversed(clockwise[0]))]) > 4 * math.pi - 0.01


def test_expected_countries_and_properties(collection):
    assert collection["type"] == "FeatureCollection"
    ids = [feature["id"] for feature in collection["features"]]
    assert {"POL", "LTU", "BLR", "UKR", "DEU", "FRA", "NOR", "XKX"} <= set(ids)
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    for feature in collection["features"]:
        assert set(feature["properties"]) == {"iso3", "name"}
        assert feature["properties"]["iso3"] == feature["id"]
        assert re.fullmatch(r"[A-Z]{3}", feature["id"])
        assert feature["properties"]["name"]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_crimea_is_part_of_ukraine(shapes):
    for city in (SIMFEROPOL, SEVASTOPOL):
        assert shapes["UKR"].contains(city)
        assert not shapes["RUS"].intersects(city)


def test_size_under_budget(collection):
    assert len(json.dumps(collection).encode("utf-8")) < 300_000


@pytest.mark.parametrize("a, b", [("POL", "BLR"), ("LTU", "BLR"), ("UKR", "BLR"), ("UKR", "RUS")])
def test_neighbours_share_their_border(shapes, a, b):
    shared = shapes[a].intersection(shapes[b])
    # A real border, not a point or a sliver: lineal, long (degrees), and nothing overlaps.
    assert shared.geom_type in {"LineString", "MultiLineString"}
    assert shared.length > 1.0
    assert shared.area < 1e-6


def test_whole_map_is_an_edge_matched_coverage(shapes):
    geoms = list(shapes.values())
    assert all(geom.is_valid for geom in geoms)
    assert shapely.coverage_is_valid(geoms)


def test_deterministic():
    first = json.dumps(europe_boundaries(SOURCE), sort_keys=True)
    second = json.dumps(europe_boundaries(SOURCE), sort_keys=True)
    assert first == second


def test_coordinates_rounded_and_inside_europe(collection):
    text = json.dumps(collection)
    assert not re.search(r"\d\.\d{5,}", text)  # no float noise such as 12.300000000000001
    for feature in collection["features"]:
        for polygon in polygons(feature["geometry"]):
            for lon, lat in (point for ring in polygon for point in ring):
                assert -25 <= lon <= 60 and 34 <= lat <= 72


def test_rings_wound_for_plotly(collection):
    # Plotly's geo traces draw with d3-geo: exterior rings clockwise, holes counter-clockwise,
    # otherwise a country is filled as the whole globe minus the country.
    for feature in collection["features"]:
        for polygon in polygons(feature["geometry"]):
            exterior, *holes = (shapely.LinearRing(ring) for ring in polygon)
            assert not exterior.is_ccw, feature["id"]
            assert all(hole.is_ccw for hole in holes), feature["id"]
            assert d3_polygon_area(polygon) < 2 * math.pi, feature["id"]


def test_missing_crimea_is_an_error(tmp_path):
    # A source whose Russia has no part in Crimea must stop the build, not ship a wrong map.
    def feature(iso3, geometry):
        props = {"ISO_A3": iso3, "ISO_A3_EH": iso3, "ADM0_A3": iso3, "NAME": iso3, "NAME_EN": iso3}
        return {"type": "Feature", "properties": props, "geometry": geometry}

    russia = shapely.MultiPolygon([shapely.box(40, 50, 50, 60), shapely.box(140, 50, 150, 60)])
    source = tmp_path / "no_crimea.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature("RUS", shapely.geometry.mapping(russia)),
        feature("UKR", shapely.geometry.mapping(shapely.box(23, 45, 40, 52))),
    ]}))
    with pytest.raises(BoundaryError, match="Crimea"):
        europe_boundaries(source)
