"""Tests for etl.geo.europe_boundaries, run on the real Natural Earth snapshot (no network)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the `pytest` script does not put the repo root on sys.path
    sys.path.insert(0, str(REPO_ROOT))

from etl.geo import BoundaryError, europe_boundaries  # noqa: E402

SOURCE = REPO_ROOT / "data/raw/naturalearth/2026-11-25/ne_50m_admin_0_countries.geojson"
# Test points are written in lon/lat, as a reader would look them up, and projected here with
# pyproj, independently of the step's own GeoPandas call.
TO_LAEA = Transformer.from_crs(4326, 3035, always_xy=True)


def projected(lon: float, lat: float) -> Point:
    return Point(*TO_LAEA.transform(lon, lat))


SIMFEROPOL = projected(34.10, 44.95)
SEVASTOPOL = projected(33.52, 44.60)


@pytest.fixture(scope="module")
def collection() -> dict:
    return europe_boundaries(SOURCE)


@pytest.fixture(scope="module")
def shapes(collection) -> dict:
    return {feature["id"]: shape(feature["geometry"]) for feature in collection["features"]}


def test_expected_countries_and_properties(collection):
    assert collection["type"] == "FeatureCollection"
    ids = [feature["id"] for feature in collection["features"]]
    assert {"POL", "LTU", "BLR", "UKR", "DEU", "FRA", "NOR", "XKX"} <= set(ids)
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    for feature in collection["features"]:
        assert set(feature["properties"]) == {"iso3", "name", "point"}
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
    assert shared.length > 100_000  # metres
    assert shared.area < 1.0


def test_whole_map_is_an_edge_matched_coverage(shapes):
    geoms = list(shapes.values())
    assert all(geom.is_valid for geom in geoms)
    assert shapely.coverage_is_valid(geoms)


def test_deterministic():
    first = json.dumps(europe_boundaries(SOURCE), sort_keys=True)
    second = json.dumps(europe_boundaries(SOURCE), sort_keys=True)
    assert first == second


def test_coordinates_are_whole_metres_of_etrs89_laea(collection):
    """Projected once in the ETL to EPSG:3035 (Eurostat's map projection), and the file says so."""
    assert collection["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
    text = json.dumps(collection)
    assert not re.search(r"\d\.\d", text), "whole metres: no decimals at all"
    lon_lat_box = shapely.box(*TO_LAEA.transform_bounds(-25.0, 34.0, 60.0, 72.0)).buffer(1_000)
    for feature in collection["features"]:
        assert lon_lat_box.contains(shape(feature["geometry"])), feature["id"]


def test_warsaw_lies_in_poland_where_epsg_3035_puts_it(shapes):
    warsaw = projected(21.01, 52.23)
    assert 4.9e6 < warsaw.x < 5.2e6 and 3.1e6 < warsaw.y < 3.4e6  # LAEA Europe: false origin at 10E 52N
    assert shapes["POL"].contains(warsaw)
    centroid = shapes["POL"].centroid
    assert abs(centroid.x - 4.96e6) < 50_000 and abs(centroid.y - 3.26e6) < 50_000
    assert shapes["LTU"].contains(projected(25.28, 54.69))  # Vilnius
    assert shapes["ISL"].contains(projected(-21.94, 64.15))  # Reykjavik


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


def test_every_country_has_a_label_point_inside_it(collection, shapes):
    """The flow arrows start and end at these points: inside the country, whole metres."""
    for feature in collection["features"]:
        x, y = feature["properties"]["point"]
        assert isinstance(x, int) and isinstance(y, int)
        assert shapes[feature["id"]].buffer(1_000).contains(Point(x, y)), feature["id"]
    # A centroid would fall outside Croatia's crescent; the label point does not.
    point = Point(*next(f["properties"]["point"] for f in collection["features"] if f["id"] == "HRV"))
    assert shapes["HRV"].contains(point) and not shapes["HRV"].contains(shapes["HRV"].centroid)
