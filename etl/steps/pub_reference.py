"""Reference tables the app shows beside the numbers: events for the time axes, the article's
claims, and the provenance of every raw file (the Sources page)."""
from __future__ import annotations

import pandas as pd

from etl import precision
from etl.codes import country_name, iso3_codes

INPUTS = {"tables": ["clean_curated__events", "clean_curated__claims", "clean_unhcr__countries"], "provenance": True}
OUTPUTS = ["pub_events", "pub_claims", "pub_sources", "pub_countries"]
SOURCE_COLUMNS = ["source_id", "release_dir", "file", "release", "producer", "title", "url", "licence",
                  "citation", "accessed", "sha256", "bytes"]


def sources_table(raw_files) -> pd.DataFrame:
    rows = [{**{key: raw.provenance.get(key) for key in SOURCE_COLUMNS}, "release_dir": raw.release_dir}
            for raw in raw_files]
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS).sort_values(["source_id", "file"]).reset_index(drop=True)


def countries_table(unhcr_countries: pd.DataFrame) -> pd.DataFrame:
    """ISO3 countries with UN regions (for 'across Europe' totals) and English names."""
    frame = unhcr_countries[unhcr_countries["iso3"].notna()]
    frame = frame[frame["iso3"].isin(iso3_codes())]
    return pd.DataFrame({
        "iso3": frame["iso3"], "name": frame["iso3"].map(country_name),
        "unsd_region": frame["unsd_region"], "unsd_subregion": frame["unsd_subregion"],
        "unhcr_region": frame["unhcr_region"],
    }).sort_values("iso3").reset_index(drop=True)


def run(ctx) -> dict[str, pd.DataFrame]:
    events = ctx.table("clean_curated__events").sort_values(["date", "country"]).reset_index(drop=True)
    # Keys (and so precision) follow the published order, as the app's events catalogue does.
    events.insert(1, "date_precision", precision.event_precision(events))
    return {
        "pub_events": events,
        "pub_claims": ctx.table("clean_curated__claims"),
        "pub_sources": sources_table(ctx.raw_files()),
        "pub_countries": countries_table(ctx.table("clean_unhcr__countries")),
    }
