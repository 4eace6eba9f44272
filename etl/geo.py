"""European country boundaries for the dashboard's choropleth maps.

Natural Earth Admin 0 (1:50m) -> one small GeoJSON FeatureCollection of European countries,
keyed by ISO3 so it joins to the flow tables, projected once here to ETRS89-LAEA Europe
(EPSG:3035, Eurostat's own map projection: equal-area, so country sizes stay comparable). The
app only draws the projected rings on plain axes; it does no projection maths of its own.

Editorial choice: borders follow the internationally recognised ones (UN GA resolution 68/262,
EU, Eurostat GISCO), so Crimea is part of Ukraine; Natural Earth draws it as part of Russia.

Each country carries a label point (`point`, [x, y] in the map's metres): the centre of the largest
circle inside its largest part (a pole of inaccessibility), always inside the country and away from
its borders, unlike a centroid (Croatia's falls in Bosnia). The flow arrows of the Europe map start
and end there; the app only draws them.

The file records its CRS in a GeoJSON `crs` member (the 2008 GeoJSON form; RFC 7946 assumes
WGS84 and dropped the member, so a reader of the download must be told). Coordinates are
metres, rounded to whole metres: the outlines are simplified to about 2.5 km anyway.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, box, mapping

# lon -25..60, lat 34..72: Iceland to the Urals, Malta/Cyprus to the North Cape. The box also
# catches the north of Morocco, Algeria, Tunisia, Lebanon, Syria, Iraq, Iran and Central Asia.
EUROPE_BOX = box(-25.0, 34.0, 60.0, 72.0)
# Clipping can leave a thin piece of a mostly non-European country (Greenland's east coast).
# Drop a clipped country if less than this share of its area is left.
MIN_SHARE_KEPT = 0.01
# In degrees (about 2.5 km); 0.02 would give 307 KB of JSON, over the dashboard's 300 KB budget.
SIMPLIFY_TOLERANCE = 0.025
GRID_SIZE = 1e-4
# ETRS89 / LAEA Europe: the CRS of Eurostat's GISCO maps; x (easting) and y (northing) in metres.
MAP_CRS = "EPSG:3035"
CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
LABEL_POINT_TOLERANCE = 1_000.0  # metres: a label point within 1 km of the best one is as good on a map

# The part of Russia's MultiPolygon whose representative point falls in here is Crimea.
CRIMEA_BOX = box(32.0, 44.0, 36.8, 46.3)
# Crimea (with Sevastopol) is about 27,000 km2, i.e. about 3.1 square degrees at 45 N.
CRIMEA_AREA_RANGE = (2.5, 3.6)
SIMFEROPOL = Point(34.10, 44.95)
SEVASTOPOL = Point(33.52, 44.60)

NO_CODE = "-99"
KOSOVO = "XKX"  # user-assigned code used by the EU and the World Bank; ISO has none


class BoundaryError(ValueError):
    """The boundary source does not look like what this step was written for."""


def europe_boundaries(source_geojson: Path) -> dict:
    """Return a GeoJSON FeatureCollection (a plain dict, ready for json.dumps) of European countries."""
    world = gpd.read_file(source_geojson, columns=["ISO_A3", "ISO_A3_EH", "ADM0_A3", "NAME", "NAME_EN"])
    if world.crs is None or world.crs.to_epsg() != 4326:
        raise BoundaryError(f"{source_geojson}: expected WGS84 (EPSG:4326), got {world.crs}")

    world["iso3"] = _iso3_codes(world)
    world = world[world["iso3"] != NO_CODE]  # Somaliland, Siachen Glacier
    world["name"] = world["NAME_EN"].fillna(world["NAME"])
    # Only countries with a feature in the box go on: dissolving the whole world's 240 features
    # was half the step's time, and a country is kept below only if it reaches the box.
    world = world[world["iso3"].isin(world.loc[world.intersects(EUROPE_BOX), "iso3"])]
    # Features sharing a code become one country (Northern Cyprus joins Cyprus); the feature
    # that carries the code itself comes first, so its name is kept.
    world = (world.assign(own_code=world["ISO_A3"] == world["iso3"])
             .sort_values(["iso3", "own_code"], ascending=[True, False])
             .dissolve(by="iso3", as_index=False, aggfunc="first")
             .drop(columns="own_code"))
    world = _move_crimea_to_ukraine(world)

    # Clip to the box, then drop the clipped remnants that are barely there.
    europe = world[world.intersects(EUROPE_BOX)].copy()
    # Areas in square degrees: crude, but only compared with each other.
    full_area = shapely.area(europe.geometry.values)
    europe["geometry"] = europe.geometry.intersection(EUROPE_BOX)
    europe = europe[shapely.area(europe.geometry.values) >= MIN_SHARE_KEPT * full_area]
    europe = europe.sort_values("iso3").reset_index(drop=True)
    duplicates = europe["iso3"][europe["iso3"].duplicated()].tolist()
    if duplicates:
        raise BoundaryError(f"several features map to ISO3 {duplicates}; fix the code mapping")

    # Simplify all countries together so a shared border is simplified once, for both sides;
    # simplifying each country alone would open gaps and overlaps along borders.
    geoms = europe.geometry.simplify_coverage(SIMPLIFY_TOLERANCE).values
    geoms = shapely.set_precision(geoms, grid_size=GRID_SIZE)
    geoms = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    # Projected after simplifying: a shared border's vertices are identical on both sides, and
    # project to identical points, so the coverage stays edge-matched.
    geoms = gpd.GeoSeries(geoms, crs=world.crs).to_crs(MAP_CRS).values

    features = []
    for iso3, name, geom in zip(europe["iso3"], europe["name"], geoms):
        if geom.is_empty:
            continue
        geometry = mapping(geom)
        features.append({
            "type": "Feature",
            "id": iso3,  # Plotly matches `locations` to feature ids by default
            "properties": {"iso3": iso3, "name": name, "point": label_point(geom)},
            "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
        })
    return {"type": "FeatureCollection", "crs": CRS_MEMBER, "features": features}


def label_point(geom, tolerance: float = LABEL_POINT_TOLERANCE) -> list[int]:
    """[x, y] in whole map metres: the centre of the largest circle inside the largest part of a
    projected (Multi)Polygon, to within `tolerance` metres. Inside the shape by construction."""
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    largest = max(parts, key=lambda part: part.area)
    centre = shapely.maximum_inscribed_circle(largest, tolerance).coords[0]
    return [round(centre[0]), round(centre[1])]


def _iso3_codes(world: gpd.GeoDataFrame):
    # Natural Earth sets ISO_A3 to -99 for France and Norway (their overseas parts make the
    # ISO entity differ from the drawn one); ISO_A3_EH carries the code for such cases.
    code = world["ISO_A3"].where(world["ISO_A3"] != NO_CODE, world["ISO_A3_EH"])
    code = code.where(world["ADM0_A3"] != "KOS", KOSOVO)
    # The EU and the UN recognise one Cyprus; Natural Earth draws Northern Cyprus apart.
    return code.where(world["ADM0_A3"] != "CYN", "CYP")


def _move_crimea_to_ukraine(world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rus_rows = world.index[world["iso3"] == "RUS"]
    ukr_rows = world.index[world["iso3"] == "UKR"]
    if len(rus_rows) != 1 or len(ukr_rows) != 1:
        raise BoundaryError("expected exactly one Russia and one Ukraine feature")
    rus, ukr = world.at[rus_rows[0], "geometry"], world.at[ukr_rows[0], "geometry"]
    if rus.geom_type != "MultiPolygon":
        raise BoundaryError(f"expected Russia as a MultiPolygon, got {rus.geom_type}")

    # Crimea has no land link to Russia, so it is a part of its own (or more, if Sevastopol is
    # drawn apart); pick parts by where they lie rather than by index, which changes between releases.
    parts = list(rus.geoms)
    in_crimea = [CRIMEA_BOX.contains(part.representative_point()) for part in parts]
    crimea = shapely.union_all([part for part, hit in zip(parts, in_crimea) if hit])
    low, high = CRIMEA_AREA_RANGE
    if not (low <= crimea.area <= high and crimea.contains(SIMFEROPOL) and crimea.contains(SEVASTOPOL)):
        raise BoundaryError(
            f"Crimea not found as expected in Russia's geometry: {sum(in_crimea)} part(s) in "
            f"{CRIMEA_BOX.bounds}, {crimea.area:.2f} sq. degrees (expected {low}-{high}), "
            "must contain Simferopol and Sevastopol. Has the Natural Earth release changed?"
        )

    world = world.copy()
    world.at[rus_rows[0], "geometry"] = shapely.MultiPolygon([p for p, hit in zip(parts, in_crimea) if not hit])
    world.at[ukr_rows[0], "geometry"] = shapely.union_all([ukr, crimea])
    return world


def _rounded(coords):
    # Whole metres: short integers in the JSON (never 5012345.300000001), and tuples become lists.
    if isinstance(coords[0], (int, float)):
        return [round(coords[0]), round(coords[1])]
    return [_rounded(c) for c in coords]


# ------------------------------------------------------------------ Poland's voivodeships
# The PRG conversion was simplified polygon by polygon: neighbours leave hairline gaps and
# overlaps (about 20 m), and two outlines cross themselves. Cleaning them as one coverage snaps
# shared edges together and gives each overlap to one side; gaps narrower than this (degrees,
# about 100 m) go to a neighbour.
PL_GAP_WIDTH = 0.001
# Degrees (about 1 km): a map of one country is drawn about five times larger than the Europe map.
PL_SIMPLIFY_TOLERANCE = 0.01
PL_VOIVODESHIPS = 16
# A part of a voivodeship smaller than this share of its area is a sliver left by the cleaning.
PL_MIN_PART_SHARE = 1e-4


def voivodeship_stem(name: str) -> str:
    """The stem shared by a voivodeship's name and its voivode's title: 'dolnośląskie' (PRG),
    'Wojewoda Dolnośląski' (Office for Foreigners) and 'Dolnośląskie Voivodship' (ISO 3166-2 in
    pycountry) all give 'dolnośląsk'."""
    word = name.strip().lower().removeprefix("wojewoda ").removesuffix(" voivodship").removesuffix(" voivodeship")
    for ending in ("ie", "i"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def _match_once(stems: dict[str, str], targets: dict[str, str], what: str) -> dict[str, str]:
    """{source key: target key} where each source stem matches exactly one target stem and each
    target is matched exactly once; anything else stops the build, naming what did not join."""
    by_stem: dict[str, list[str]] = {}
    for key, stem in targets.items():
        by_stem.setdefault(stem, []).append(key)
    joined, problems = {}, []
    for key, stem in stems.items():
        found = by_stem.get(stem, [])
        if len(found) != 1:
            problems.append(f"{key!r} matches {len(found)} of them {found}")
        else:
            joined[key] = found[0]
    unmatched = sorted(set(targets) - set(joined.values()))
    if unmatched:
        problems.append(f"{unmatched} matched by none")
    if len(set(joined.values())) != len(joined):
        problems.append("several names match the same one")
    if problems:
        raise BoundaryError(f"{what} do not join one to one: " + "; ".join(problems))
    return joined


def voivodeship_boundaries(source_geojson: Path, voivodes: list[str]) -> dict:
    """The 16 voivodeships as one edge-matched, simplified GeoJSON FeatureCollection in EPSG:3035.

    Properties: `code` (ISO 3166-2, e.g. PL-02, from pycountry: a stable key), `name` (the PRG's
    Polish name, e.g. 'dolnośląskie') and `voivode` (the row label of the Office for Foreigners'
    table that joins to it, e.g. 'Wojewoda Dolnośląski'). `voivodes` are that table's row labels:
    all 16 must join exactly once to the 16 shapes, and the shapes to the 16 ISO codes, or the
    build stops."""
    import pycountry

    regions = gpd.read_file(source_geojson, columns=["nazwa"])
    if regions.crs is None or regions.crs.to_epsg() != 4326:
        raise BoundaryError(f"{source_geojson}: expected WGS84 (EPSG:4326), got {regions.crs}")
    if len(regions) != PL_VOIVODESHIPS or regions["nazwa"].duplicated().any():
        raise BoundaryError(f"{source_geojson}: expected {PL_VOIVODESHIPS} distinct voivodeships, "
                            f"got {regions['nazwa'].tolist()}")
    names = {name: voivodeship_stem(name) for name in regions["nazwa"]}
    subdivisions = {s.code: voivodeship_stem(s.name) for s in pycountry.subdivisions.get(country_code="PL")}
    code_of = _match_once(names, subdivisions, "PRG voivodeships and ISO 3166-2:PL codes")
    if len(voivodes) != PL_VOIVODESHIPS:
        raise BoundaryError(f"expected {PL_VOIVODESHIPS} voivodes in the Office for Foreigners' table, "
                            f"got {len(voivodes)}: {voivodes}")
    name_of = _match_once({label: voivodeship_stem(label) for label in voivodes}, names,
                          "the Office for Foreigners' voivodes and the PRG voivodeships")
    voivode_of = {name: label for label, name in name_of.items()}

    # Repairing a self-crossing outline can leave a sliver part beside the real one: drop it first,
    # so the cleaning fills the hairline gap it leaves from the neighbours (no hole in the map).
    geoms = shapely.make_valid(regions.geometry.values, method="structure", keep_collapsed=False)
    geoms = np.array([_without_slivers(geom) for geom in geoms], dtype=object)
    geoms = shapely.coverage_clean(geoms, gap_width=PL_GAP_WIDTH)
    geoms = shapely.coverage_simplify(geoms, PL_SIMPLIFY_TOLERANCE)
    geoms = shapely.set_precision(geoms, grid_size=GRID_SIZE)
    geoms = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    geoms = gpd.GeoSeries(geoms, crs=regions.crs).to_crs(MAP_CRS).values
    outline = shapely.union_all(geoms)
    if not shapely.coverage_is_valid(geoms) or not shapely.is_valid(geoms).all() or shapely.get_num_interior_rings(
            outline) or outline.geom_type != "Polygon":
        raise BoundaryError("the simplified voivodeships are not one valid coverage without gaps")

    # The map's view: GeoJSON's own bbox member (min x, min y, max x, max y), whole metres.
    bbox = [round(v) for v in shapely.total_bounds(geoms)]
    features = []
    for name, geom in sorted(zip(regions["nazwa"], geoms), key=lambda pair: code_of[pair[0]]):
        geometry = mapping(geom)
        features.append({
            "type": "Feature",
            "id": code_of[name],
            "properties": {"code": code_of[name], "name": name, "voivode": voivode_of[name]},
            "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
        })
    return {"type": "FeatureCollection", "crs": CRS_MEMBER, "bbox": bbox, "features": features}


def _without_slivers(geom):
    if geom.geom_type != "MultiPolygon":
        return geom
    kept = [part for part in geom.geoms if part.area >= PL_MIN_PART_SHARE * geom.area]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)
