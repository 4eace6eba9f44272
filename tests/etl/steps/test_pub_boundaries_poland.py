"""Poland's voivodeships for the map (etl.geo.voivodeship_boundaries, etl/steps/pub_boundaries_poland):
16 shapes cleaned and simplified as one coverage (shared borders stay shared, no gaps), projected to
EPSG:3035, keyed by ISO 3166-2, and joined at build time to the Office for Foreigners' voivodes,
each exactly once: a missing, renamed or doubled voivode stops the build."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape

from etl.geo import BoundaryError, voivodeship_boundaries, voivodeship_stem
from etl.paths import REPO_ROOT
from etl.steps import clean_udsc, pub_boundaries_poland

SOURCE = REPO_ROOT / "data/raw/gugik/2026-11-29/pl_voivodeships.geojson"
TABLES = REPO_ROOT / "data/raw/udsc/2026-01-01/udsc_raport_BY_2026-01-01_tables.csv"
TO_LAEA = Transformer.from_crs(4326, 3035, always_xy=True)


@pytest.fixture(scope="module")
def report() -> pd.DataFrame:
    return clean_udsc.clean(pd.read_csv(TABLES, dtype=str, keep_default_na=False))


@pytest.fixture(scope="module")
def voivodes(report) -> list[str]:
    return pub_boundaries_poland.voivode_labels(report)


@pytest.fixture(scope="module")
def collection(voivodes) -> dict:
    return voivodeship_boundaries(SOURCE, voivodes)


@pytest.fixture(scope="module")
def shapes(collection) -> dict:
    return {feature["id"]: shape(feature["geometry"]) for feature in collection["features"]}


def test_all_16_voivodes_join_exactly_once(collection, voivodes):
    assert len(voivodes) == 16
    joined = [feature["properties"]["voivode"] for feature in collection["features"]]
    assert sorted(joined) == sorted(voivodes) and len(set(joined)) == 16
    codes = [feature["id"] for feature in collection["features"]]
    assert codes == [f"PL-{n:02d}" for n in range(2, 33, 2)], "ISO 3166-2:PL codes, in order"
    for feature in collection["features"]:
        assert set(feature["properties"]) == {"code", "name", "voivode"}
        assert feature["properties"]["code"] == feature["id"]
        assert voivodeship_stem(feature["properties"]["name"]) == voivodeship_stem(feature["properties"]["voivode"])


def test_the_stem_joins_the_adjective_forms():
    assert voivodeship_stem("Wojewoda Dolnośląski") == voivodeship_stem("dolnośląskie") == "dolnośląsk"
    assert voivodeship_stem("Wojewoda Kujawsko-Pomorski") == voivodeship_stem("kujawsko-pomorskie")
    assert voivodeship_stem("Śląskie Voivodship") == voivodeship_stem("Wojewoda Śląski")
    assert voivodeship_stem("śląskie") != voivodeship_stem("dolnośląskie")


@pytest.mark.parametrize("change", ["missing", "renamed", "doubled"])
def test_a_voivode_that_does_not_join_once_stops_the_build(voivodes, change):
    labels = list(voivodes)
    if change == "missing":
        labels = labels[1:]
    elif change == "renamed":
        labels[0] = "Wojewoda Nadwiślański"
    else:
        labels[1] = labels[0]
    with pytest.raises(BoundaryError):
        voivodeship_boundaries(SOURCE, labels)


def test_a_year_that_names_a_voivode_twice_stops_the_build(report):
    table = report[report["table_id"] == pub_boundaries_poland.TABLE]
    rows = table[(table["col_label"] == "2023") & (table["row_label"] != "SUMA")]
    doubled = report.copy()
    doubled.loc[rows.index[0], "row_label"] = rows["row_label"].iloc[1]  # one voivode twice, another not at all
    with pytest.raises(BoundaryError, match="2023"):
        pub_boundaries_poland.voivode_labels(doubled)


def test_shapes_are_one_edge_matched_coverage_without_gaps(shapes):
    geoms = list(shapes.values())
    assert all(geom.is_valid and not geom.is_empty for geom in geoms)
    assert shapely.coverage_is_valid(geoms)
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0, "no hairline gaps between neighbours"
    # Neighbours share a real border (a line of some length), not a point.
    shared = shapes["PL-14"].intersection(shapes["PL-10"])
    assert shared.geom_type in {"LineString", "MultiLineString"} and shared.length > 100_000


def test_projected_to_whole_metres_of_etrs89_laea_with_a_bbox(collection, shapes):
    assert collection["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
    assert not re.search(r"\d\.\d", json.dumps(collection)), "whole metres"
    assert shapely.box(*collection["bbox"]).contains(shapely.union_all(list(shapes.values())))
    for code, (lon, lat) in {"PL-14": (21.01, 52.23), "PL-12": (19.94, 50.06), "PL-02": (17.04, 51.11),
                             "PL-20": (23.16, 53.13)}.items():  # Warsaw, Kraków, Wrocław, Białystok
        assert shapes[code].contains(Point(*TO_LAEA.transform(lon, lat))), code


def test_small_and_deterministic(voivodes):
    first = json.dumps(voivodeship_boundaries(SOURCE, voivodes), sort_keys=True)
    assert first == json.dumps(voivodeship_boundaries(SOURCE, voivodes), sort_keys=True)
    assert len(first.encode()) < 150_000
