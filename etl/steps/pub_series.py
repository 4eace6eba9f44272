"""pub_series: one long, tidy table of every numeric series the app charts.

One row per (indicator, source, origin, destination, category, period, unit[, fact]).
Indicator ids end in their kind (…_stock, …_flow, …_cumulative, …_ratio): stocks and flows
are separate indicators, and the schema refuses an indicator that mixes kinds.

Each source has its own publish step (etl/steps/pub_series_<source>.py); this step only
stacks their rows into one table with one column order and one sort order. A new source is a
new step that outputs `series_<source>`, listed in INPUTS below and in etl/steps/__init__.py.
"""
from __future__ import annotations

import pandas as pd

# A literal (the pipeline reads INPUTS without importing the step): one table per source step.
INPUTS = {"tables": ["series_unhcr", "series_eurostat", "series_udsc", "series_curated"]}
SOURCES = INPUTS["tables"]
OUTPUTS = ["pub_series"]


def build(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """pub_series from the per-source tables, in SOURCES order."""
    parts = [tables[name] for name in SOURCES]
    series = pd.concat([p for p in parts if len(p)], ignore_index=True)
    for column in ("flag", "fact_id", "conflict_group", "verification"):
        if column not in series:
            series[column] = None
    # Dates of official statistics are exact; curated ones carry the precision pub_facts gave them.
    for column in ("period_start_precision", "period_end_precision"):
        series[column] = series[column].fillna("day") if column in series else "day"
    series = series[["indicator", "source_id", "origin", "destination", "category", "period_start", "period_end",
                     "period_start_precision", "period_end_precision", "value", "unit", "kind", "flag", "fact_id",
                     "conflict_group", "verification"]]
    return series.sort_values(["indicator", "origin", "destination", "category", "period_end", "fact_id"],
                              na_position="first").reset_index(drop=True)


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"pub_series": build({name: ctx.table(name) for name in SOURCES})}
