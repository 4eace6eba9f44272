"""Eurostat's residence permit tables → pub_series rows: valid permits (a stock on 31 December)
and first permits (a flow), the latter also by length of validity."""
from __future__ import annotations

import pandas as pd

from etl.series_rows import end_of_year, frame, stack, year_period

INPUTS = {"tables": ["clean_eurostat__resvalid", "clean_eurostat__resfirst", "clean_eurostat__resfirst_duration"]}
OUTPUTS = ["series_eurostat"]


def eurostat(table: pd.DataFrame, indicator: str, kind: str, by_duration: bool = False) -> pd.DataFrame:
    rows = table.copy()
    if kind == "stock":  # valid permits on 31 December
        start = end = end_of_year(rows["year"])
    else:
        start, end = year_period(rows["year"])
    category = rows["duration"].replace({"TOTAL": "total"}) if by_duration else "total"
    return frame(indicator, "eurostat", kind, "persons", origin=rows["origin"], destination=rows["destination"],
                 category=category, period_start=start, period_end=end, value=rows["value"],
                 flag=rows["flag"].where(rows["flag"].notna(), None))


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"series_eurostat": stack([
        eurostat(ctx.table("clean_eurostat__resvalid"), "eurostat_valid_permits_stock", "stock"),
        eurostat(ctx.table("clean_eurostat__resfirst"), "eurostat_first_permits_flow", "flow"),
        eurostat(ctx.table("clean_eurostat__resfirst_duration"), "eurostat_first_permits_by_duration_flow", "flow",
                 by_duration=True),
    ])}
