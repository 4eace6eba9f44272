"""Validate the published tables against their schemas and write one release folder.

Clean tables are written for traceability (one per raw table); published tables are what the
app reads. A table that breaks its schema is not written and the whole release is abandoned.
"""
from __future__ import annotations

import json
from typing import Any
from pathlib import Path

import pandas as pd

from etl import metadata, schemas
from etl.atomic import write_bytes_atomic, write_json_atomic, write_parquet_atomic
from etl.fields import FIELDS, describe

PUBLISHED_SCHEMAS = {
    "pub_facts": (schemas.FACTS_SCHEMA, ["fact_id", "indicator"]),
    "pub_estimates": (schemas.ESTIMATES_SCHEMA, ["estimate_id", "fact_id"]),
    "pub_events": (schemas.EVENTS_SCHEMA, ["date", "country"]),
    "pub_claims": (schemas.CLAIMS_SCHEMA, ["claim_id"]),
    "pub_sources": (schemas.SOURCES_SCHEMA, ["source_id", "file"]),
    "pub_countries": (schemas.COUNTRIES_SCHEMA, ["iso3"]),
    "pub_population": (schemas.POPULATION_SCHEMA, ["iso3", "year"]),
    "pub_claim_verdicts": (schemas.CLAIM_VERDICTS_SCHEMA, ["claim_id"]),
    "pub_claim_parts": (schemas.CLAIM_PARTS_SCHEMA, ["claim_id", "as_of", "part"]),
    "pub_claim_figures": (schemas.CLAIM_FIGURES_SCHEMA, ["claim_id", "as_of", "figure"]),
}
DESCRIPTIONS = {
    "pub_series": "Every numeric series the dashboard charts, one row per indicator, place, category and period.",
    "pub_facts": "Curated national figures with their sources, kind and conflict group.",
    "pub_estimates": "Published estimates of how many people left Belarus after 2020: both ends of each range, with its source.",
    "pub_events": "Dated policy, security, repression and election events with sources.",
    "pub_claims": "Claims of the ECFR commentary that the dashboard checks against the data.",
    "pub_sources": "Provenance of every raw file the release was built from.",
    "pub_countries": "Countries with ISO3 codes, English names and UN regions.",
    "pub_population": ("Mid-year total population of each country and year (World Bank, SP.POP.TOTL; countries only, "
                       "no aggregates), the denominator of the per-capita views."),
    "pub_claim_verdicts": "Verdict on each claim of the seed article at the article's time, with its reason, the strength of its evidence and, where later evidence exists, the later verdict.",
    "pub_claim_parts": "Verdict on each part of each claim, at the article's time and on all evidence, with its reason and the strength of its evidence.",
    "pub_claim_figures": "The figures, derived values (with their inputs) and events each claim's verdict rests on, with their verification status.",
    "pub_boundaries_europe": ("Simplified country boundaries of Europe (Natural Earth, recognised borders) for the maps, "
                              "projected to ETRS89-LAEA Europe (EPSG:3035, metres, given in the file's crs member), with a label "
                              "point inside each country where the flow arrows start and end."),
    "pub_boundaries_poland": ("Simplified boundaries of Poland's 16 voivodeships (GUGiK, Państwowy Rejestr Granic), "
                              "an edge-matched coverage with ISO 3166-2 codes, Polish names and the Office for "
                              "Foreigners' voivode each joins to, projected to ETRS89-LAEA Europe (EPSG:3035, metres)."),
    "pub_metadata": "Indicator metadata (title, unit, kind, source, licence, caveats) and the field dictionary.",
}


# Published as GeoJSON (the maps' shapes), not as parquet.
BOUNDARIES = ("pub_boundaries_europe", "pub_boundaries_poland")
INDICATOR_FIELDS = ["title", "description", "unit", "kind", "licence", "note"]
SOURCE_FILE_FIELDS = ["source_id", "file", "producer", "title", "url", "licence", "citation", "release", "accessed"]


def source_files(raw_files, source_ids: list[str]) -> list[dict]:
    return [{field: raw.provenance.get(field) for field in SOURCE_FILE_FIELDS} | {"file": raw.path.name}
            for raw in raw_files if raw.provenance.get("source_id") in source_ids]


def validate_published(tables: dict, indicators: dict[str, dict]) -> dict[str, pd.DataFrame]:
    validated = {}
    declared = {key: meta["kind"] for key, meta in indicators.items()}
    series = tables["pub_series"]
    metadata.check_series(series, indicators)
    validated["pub_series"] = schemas.validate(series, schemas.series_schema(declared), schemas.SERIES_KEY)
    for name, (schema, key) in PUBLISHED_SCHEMAS.items():
        validated[name] = schemas.validate(tables[name], schema, key)
    return validated


def write_release(tables: dict, indicators: dict[str, dict], release_dir: Path, data_root: Path,
                  sources_of: dict[str, list[str]], raw_files) -> dict[str, dict]:
    """Write every table of the build; return the manifest's `tables` section."""
    published = validate_published(tables, indicators)  # all schemas pass before anything is written
    entries = {}

    def record(name: str, path: Path, sha: str, rows: int | None, layer: str, sources: list[str]):
        entries[name] = {"path": str(path.relative_to(data_root)), "layer": layer, "sha256": sha,
                         "bytes": path.stat().st_size, "rows": rows, "sources": sources,
                         "description": DESCRIPTIONS.get(name, "")}

    for name, frame in tables.items():
        if name.startswith("clean_"):
            path = release_dir / "clean" / f"{name}.parquet"
            record(name, path, write_parquet_atomic(path, frame), len(frame), "clean", sources_of.get(name, []))
    for name, frame in published.items():
        path = release_dir / "pub" / f"{name}.parquet"
        columns = list(frame.columns)
        # A downloaded file must explain itself: what each field means, where every row came
        # from (citation, link, licence) and, for series, what each indicator counts.
        doc: dict[str, Any] = {"table": name, "description": DESCRIPTIONS[name], "release": release_dir.name,
               "fields": describe([c for c in columns if c in FIELDS]),
               "sources": sources_of.get(name, []),
               "source_files": source_files(raw_files, sources_of.get(name, []))}
        if "indicator" in frame.columns:
            doc["indicators"] = {key: {field: indicators[key].get(field) for field in INDICATOR_FIELDS}
                                 for key in sorted(frame["indicator"].dropna().unique()) if key in indicators}
        file_meta = {"exile_dashboard": json.dumps(doc, ensure_ascii=False)}
        record(name, path, write_parquet_atomic(path, frame, file_meta), len(frame), "pub", sources_of.get(name, []))
    for name in BOUNDARIES:
        boundaries = tables[name]
        path = release_dir / "pub" / f"{name}.geojson"
        sha = write_bytes_atomic(path, json.dumps(boundaries, sort_keys=True, separators=(",", ":")).encode())
        record(name, path, sha, len(boundaries["features"]), "pub", sources_of.get(name, []))
    meta_doc = {"indicators": indicators, "fields": FIELDS}
    path = release_dir / "pub" / "pub_metadata.json"
    record("pub_metadata", path, write_json_atomic(path, meta_doc), len(indicators), "pub",
           sorted({s for m in indicators.values() for s in m["source_ids"]}))
    return entries
