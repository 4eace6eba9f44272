"""Host-country population for the per-capita views: one row per country and year.

Mid-year totals (World Bank). The app divides a figure by the population of the same year and,
where that year has none yet, by the latest year published, naming it (app/per_capita.py).
"""
from __future__ import annotations

import pandas as pd

INPUTS = {"tables": ["clean_worldbank__population"]}
OUTPUTS = ["pub_population"]


def run(ctx) -> dict[str, pd.DataFrame]:
    clean = ctx.table("clean_worldbank__population")
    return {"pub_population": clean.assign(source_id="worldbank")[["iso3", "year", "population", "source_id"]]}
