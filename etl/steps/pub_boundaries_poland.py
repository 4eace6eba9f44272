"""Poland's 16 voivodeships for the map of permit applications by region, joined to the Office
for Foreigners' table of applicants by receiving voivode.

The join is checked here, at build time: every year of the table names 16 voivodes, each joins
to exactly one voivodeship by the stem of its name ('Wojewoda Dolnośląski' → 'dolnośląskie'),
and each voivodeship to exactly one voivode. A renamed row, a missing or a doubled voivode stops
the build instead of leaving a region blank on the map. The app joins on the `voivode` property.
"""
from __future__ import annotations

import pandas as pd

from etl.geo import BoundaryError, voivodeship_boundaries

INPUTS = {"raw": {"gugik": ["pl_voivodeships.geojson"]}, "tables": ["clean_udsc__report_tables"]}
OUTPUTS = ["pub_boundaries_poland"]
TABLE = "residence_permit_applicants_by_voivode"
TOTAL = "SUMA"


def voivode_labels(report_tables: pd.DataFrame) -> list[str]:
    """The voivodes of the Office for Foreigners' table; every year must name the same ones, once."""
    rows = report_tables[(report_tables["table_id"] == TABLE) & (report_tables["row_label"] != TOTAL)]
    by_year = rows.groupby("col_label")["row_label"]
    labels = sorted(set(rows["row_label"]))
    problems = [f"{year}: {sorted(year_rows)}" for year, year_rows in by_year
                if len(year_rows) != len(labels) or set(year_rows) != set(labels)]
    if problems:
        raise BoundaryError(f"{TABLE}: the years do not all name each voivode once: " + "; ".join(problems))
    return labels


def run(ctx) -> dict[str, dict]:
    labels = voivode_labels(ctx.table("clean_udsc__report_tables"))
    return {"pub_boundaries_poland": voivodeship_boundaries(ctx.raw_path("gugik", "pl_voivodeships.geojson"), labels)}
