"""Curated national figures, events and claims → typed clean tables with ISO3 codes.

Every row keeps its publisher, title, URL and note: a curated figure is only as good as its
citation. Unit 'share (0-1)' becomes 'share'.
"""
from __future__ import annotations

import pandas as pd

from etl.codes import curated_to_iso3

INPUTS = {"raw": {"curated": ["facts.csv", "events.csv", "claims.csv"]}}
OUTPUTS = ["clean_curated__facts", "clean_curated__events", "clean_curated__claims"]
UNITS = {"share (0-1)": "share"}


def read(path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.apply(lambda column: column.str.strip())


def clean_facts(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.rename(columns={"metric_id": "fact_id", "source_publisher": "publisher", "check": "verification"})
    duplicated = frame["fact_id"][frame["fact_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"facts.csv: duplicate metric_id {sorted(set(duplicated))}")
    frame["destination"] = frame["country"].map(curated_to_iso3)
    frame["origin"] = frame["citizenship"].map(curated_to_iso3)
    frame["period_start"] = pd.to_datetime(frame["period_start"], format="%Y-%m-%d")
    frame["period_end"] = pd.to_datetime(frame["period_end"], format="%Y-%m-%d")
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    frame["unit"] = frame["unit"].replace(UNITS)
    for column in ("published", "note"):
        frame[column] = frame[column].replace({"": None})
    return frame[["fact_id", "metric", "origin", "destination", "period_start", "period_end", "value", "unit",
                  "publisher", "source_title", "source_url", "published", "note", "verification"]]


def clean_events(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.rename(columns={"category": "event_category", "check": "verification"})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    frame["country"] = frame["country"].map(curated_to_iso3)
    return frame[["date", "country", "event", "event_category", "source_title", "source_url", "verification"]]


def clean_claims(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.rename(columns={"kind": "claim_kind"})[["claim_id", "quote", "subject", "claim_kind", "evidence_hint"]]


def run(ctx) -> dict[str, pd.DataFrame]:
    return {
        "clean_curated__facts": clean_facts(read(ctx.raw_path("curated", "facts.csv"))),
        "clean_curated__events": clean_events(read(ctx.raw_path("curated", "events.csv"))),
        "clean_curated__claims": clean_claims(read(ctx.raw_path("curated", "claims.csv"))),
    }
