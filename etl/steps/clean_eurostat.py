"""Eurostat residence-permit extracts (JSON-stat 2.0) → tidy tables with ISO3 codes.

migr_resvalid is a stock (valid permits on 31 December); migr_resfirst a flow (first permits
issued in the year). They stay in separate tables and never get added together.
"""
from __future__ import annotations

import json

import pandas as pd

from etl import jsonstat
from etl.codes import eurostat_geo_to_iso3

INPUTS = {"raw": {"eurostat": ["migr_resvalid_BY.json", "migr_resfirst_BY.json",
                               "migr_resfirst_BY_2019_by_duration.json"]}}
OUTPUTS = ["clean_eurostat__resvalid", "clean_eurostat__resfirst", "clean_eurostat__resfirst_duration"]
COLUMNS = ["dataset", "updated", "origin", "destination", "geo", "year", "reason", "duration", "unit",
           "value", "flag"]


def clean(doc: dict, dataset: str) -> pd.DataFrame:
    frame = jsonstat.parse(doc)
    if set(frame["freq"]) != {"A"}:
        raise ValueError(f"{dataset}: expected annual data only, got freq {sorted(set(frame['freq']))}")
    frame = frame.assign(
        dataset=dataset,
        updated=doc.get("updated"),
        origin=frame["citizen"].map(eurostat_geo_to_iso3),
        destination=frame["geo"].map(eurostat_geo_to_iso3),
        year=frame["time"].astype("int64"),
        value=frame["value"].astype("float64"),
    )
    return frame[COLUMNS].sort_values(["destination", "year", "duration"]).reset_index(drop=True)


def load(ctx, name: str) -> dict:
    return json.loads(ctx.raw_path("eurostat", name).read_text(encoding="utf-8"))


def run(ctx) -> dict[str, pd.DataFrame]:
    return {
        "clean_eurostat__resvalid": clean(load(ctx, "migr_resvalid_BY.json"), "migr_resvalid"),
        "clean_eurostat__resfirst": clean(load(ctx, "migr_resfirst_BY.json"), "migr_resfirst"),
        "clean_eurostat__resfirst_duration": clean(load(ctx, "migr_resfirst_BY_2019_by_duration.json"),
                                                   "migr_resfirst"),
    }
