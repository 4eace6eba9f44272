"""UNHCR's refugee statistics → pub_series rows: people under UNHCR's mandate, asylum
applications and first-instance decisions, with recognition rates."""
from __future__ import annotations

import pandas as pd

from etl.series_rows import end_of_year, frame, stack, year_period

INPUTS = {"tables": ["clean_unhcr__population", "clean_unhcr__asylum_applications", "clean_unhcr__asylum_decisions"]}
OUTPUTS = ["series_unhcr"]

# UNHCR: the app compares Belarusians with Russians and Ukrainians; other origins are not charted.
UNHCR_ORIGINS = ["BLR", "RUS", "UKR"]
APP_TYPE = {"N": "new", "R": "repeat", "A": "appeal"}  # other codes are combined or other stages
FIRST_INSTANCE = ["FI", "NA"]  # UNHCR decision levels that are first-instance decisions
PC_UNIT = {"P": "persons", "C": "cases"}


def unhcr_population(population: pd.DataFrame) -> list[pd.DataFrame]:
    rows = population[population["origin"].isin(UNHCR_ORIGINS)].copy()
    date = end_of_year(rows["year"])
    parts = []
    for column, indicator in [("refugees", "unhcr_refugees_stock"),
                              ("asylum_seekers", "unhcr_asylum_seekers_stock"),
                              ("oip", "unhcr_oip_stock")]:
        present = rows[column].notna()
        parts.append(frame(indicator, "unhcr", "stock", "persons", origin=rows.loc[present, "origin"],
                           destination=rows.loc[present, "destination"], period_start=date[present],
                           period_end=date[present], value=rows.loc[present, column].astype("float64")))
    # Refugees and asylum seekers under UNHCR's mandate = refugees + asylum seekers on the same
    # date (a sum of stocks at one date, never across years). Null parts are 'not reported', so
    # they are skipped; a row with neither stays out. UNHCR's third group under its mandate, other
    # people in need of international protection (oip), is its own indicator and is not added: the
    # label names exactly the two groups counted, whatever a future release reports for oip.
    mandate = rows[["refugees", "asylum_seekers"]].astype("float64").sum(axis=1, min_count=1)
    present = mandate.notna()
    parts.append(frame("unhcr_under_mandate_stock", "unhcr", "stock", "persons", origin=rows.loc[present, "origin"],
                       destination=rows.loc[present, "destination"], period_start=date[present],
                       period_end=date[present], value=mandate[present]))
    return parts


def unhcr_applications(applications: pd.DataFrame) -> pd.DataFrame:
    rows = applications[applications["origin"].isin(UNHCR_ORIGINS) & applications["applied"].notna()].copy()
    rows["category"] = rows["app_type"].map(APP_TYPE).fillna("other_stage")
    rows["unit"] = rows["app_pc"].map(PC_UNIT)
    # Sum over procedure types and decision levels only within one unit: cases and persons never mix.
    summed = rows.groupby(["origin", "destination", "year", "category", "unit"], as_index=False)["applied"].sum()
    start, end = year_period(summed["year"])
    return frame("unhcr_asylum_applications_flow", "unhcr", "flow", summed["unit"], origin=summed["origin"],
                 destination=summed["destination"], category=summed["category"], period_start=start,
                 period_end=end, value=summed["applied"].astype("float64"))


def unhcr_decisions(decisions: pd.DataFrame) -> list[pd.DataFrame]:
    rows = decisions[decisions["origin"].isin(UNHCR_ORIGINS) & decisions["dec_level"].isin(FIRST_INSTANCE)].copy()
    rows["unit"] = rows["dec_pc"].map(PC_UNIT)
    outcomes = {"dec_recognized": "recognized", "dec_other": "complementary_protection",
                "dec_rejected": "rejected", "dec_closed": "otherwise_closed"}
    summed = rows.groupby(["origin", "destination", "year", "unit"], as_index=False)[list(outcomes)].sum(min_count=1)
    long = summed.melt(id_vars=["origin", "destination", "year", "unit"], value_vars=list(outcomes),
                       var_name="outcome", value_name="value").dropna(subset=["value"])
    start, end = year_period(long["year"])
    counts = frame("unhcr_asylum_decisions_first_instance_flow", "unhcr", "flow", long["unit"],
                   origin=long["origin"], destination=long["destination"], category=long["outcome"].map(outcomes),
                   period_start=start, period_end=end, value=long["value"].astype("float64"))
    # Recognition rates from decisions counted in persons; closed cases are left out of the base.
    persons = summed[summed["unit"] == "persons"].copy()
    base = persons[["dec_recognized", "dec_other", "dec_rejected"]].astype("float64").sum(axis=1)
    persons = persons[base > 0]
    base = base[base > 0]
    rates = []
    protected = (persons["dec_recognized"] + persons["dec_other"]).astype("float64")
    for category, numerator in [("refugee_status", persons["dec_recognized"].astype("float64")),
                                ("total_protection", protected)]:
        start, end = year_period(persons["year"])
        rates.append(frame("unhcr_recognition_rate_ratio", "unhcr", "ratio", "percent", origin=persons["origin"],
                           destination=persons["destination"], category=category, period_start=start,
                           period_end=end, value=(100 * numerator / base).round(1)))
    return [counts, *rates]


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"series_unhcr": stack([*unhcr_population(ctx.table("clean_unhcr__population")),
                                   unhcr_applications(ctx.table("clean_unhcr__asylum_applications")),
                                   *unhcr_decisions(ctx.table("clean_unhcr__asylum_decisions"))])}
