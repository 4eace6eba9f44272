"""pub_series: one long, tidy table of every numeric series the app charts.

One row per (indicator, source, origin, destination, category, period, unit[, fact]).
Indicator ids end in their kind (…_stock, …_flow, …_cumulative, …_ratio): stocks and flows
are separate indicators, and the schema refuses an indicator that mixes kinds.
"""
from __future__ import annotations

import pandas as pd

from etl.mappings import map_every, section

INPUTS = {"tables": ["clean_unhcr__population", "clean_unhcr__asylum_applications",
                     "clean_unhcr__asylum_decisions", "clean_eurostat__resvalid", "clean_eurostat__resfirst",
                     "clean_eurostat__resfirst_duration", "clean_udsc__report_tables", "pub_facts"]}
OUTPUTS = ["pub_series"]

# UNHCR: the app compares Belarusians with Russians and Ukrainians; other origins are not charted.
UNHCR_ORIGINS = ["BLR", "RUS", "UKR"]
APP_TYPE = {"N": "new", "R": "repeat", "A": "appeal"}  # other codes are combined or other stages
FIRST_INSTANCE = ["FI", "NA"]  # UNHCR decision levels that are first-instance decisions
PC_UNIT = {"P": "persons", "C": "cases"}
# Polish labels of the UdSC report → codes, as data: etl/metadata/udsc_labels.yml.
UDSC_LABELS = "udsc_labels"
# The Ministry's visa figures in the report run from 10 Aug 2020 to the report date.
UDSC_VISAS_FROM = pd.Timestamp("2020-08-10")
UDSC_CUMULATIVE_FROM = pd.Timestamp("2022-02-24")


def year_period(years: pd.Series) -> tuple[pd.Series, pd.Series]:
    return (pd.to_datetime(years.astype(str) + "-01-01"), pd.to_datetime(years.astype(str) + "-12-31"))


def end_of_year(years: pd.Series) -> pd.Series:
    return pd.to_datetime(years.astype(str) + "-12-31")


def frame(indicator: str, source_id: str, kind: str, unit, **columns) -> pd.DataFrame:
    out = pd.DataFrame(columns)
    out.insert(0, "indicator", indicator)
    out.insert(1, "source_id", source_id)
    out["kind"] = kind
    out["unit"] = unit
    out["category"] = out["category"] if "category" in out else "total"
    return out


# ---------------------------------------------------------------- UNHCR
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
    for category, numerator in [("refugee_status", persons["dec_recognized"].astype("float64")),
                                ("total_protection", (persons["dec_recognized"] + persons["dec_other"]).astype("float64"))]:
        start, end = year_period(persons["year"])
        rates.append(frame("unhcr_recognition_rate_ratio", "unhcr", "ratio", "percent", origin=persons["origin"],
                           destination=persons["destination"], category=category, period_start=start,
                           period_end=end, value=(100 * numerator / base).round(1)))
    return [counts, *rates]


# ---------------------------------------------------------------- Eurostat
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


# ---------------------------------------------------------------- UdSC
def udsc(tables: pd.DataFrame) -> list[pd.DataFrame]:
    report_date = tables["report_date"].iloc[0]
    parts = []
    docs = tables[tables["table_id"] == "valid_residence_documents_by_type"]
    parts.append(frame("udsc_residence_documents_stock", "udsc", "stock", "persons", origin="BLR", destination="POL",
                       category=map_every(docs["row_label"], UDSC_LABELS, "document_types"), period_start=report_date,
                       period_end=report_date, value=docs["value"]))
    pending = tables[tables["table_id"] == "intl_protection_pending_by_instance"]
    parts.append(frame("udsc_protection_pending_stock", "udsc", "stock", "persons", origin="BLR", destination="POL",
                       category=map_every(pending["row_label"], UDSC_LABELS, "pending"), period_start=report_date,
                       period_end=report_date, value=pending["value"]))
    origins = section(UDSC_LABELS, "applicant_origins")
    applicants = tables[(tables["table_id"] == "intl_protection_applicants_by_year")
                        & tables["row_label"].isin(list(origins))]
    origin = applicants["row_label"].map(origins)
    yearly = applicants["year"].notna()
    start, end = year_period(applicants.loc[yearly, "year"])
    parts.append(frame("udsc_protection_applicants_flow", "udsc", "flow", "persons", origin=origin[yearly],
                       destination="POL", period_start=start, period_end=end, value=applicants.loc[yearly, "value"],
                       flag=applicants.loc[yearly, "provisional"].map({True: "p", False: None})))
    since = applicants[applicants["col_label"].eq("od 24.02.2022")]
    parts.append(frame("udsc_protection_applicants_cumulative", "udsc", "cumulative", "persons",
                       origin=origin[since.index], destination="POL", period_start=UDSC_CUMULATIVE_FROM,
                       period_end=report_date - pd.Timedelta(days=1), value=since["value"], flag="p"))
    decisions = tables[(tables["table_id"] == "intl_protection_decisions_by_year") & tables["year"].notna()]
    rate_rows = section(UDSC_LABELS, "decision_rate_rows")
    counts = decisions[~decisions["row_label"].isin(list(rate_rows))]
    start, end = year_period(counts["year"])
    parts.append(frame("udsc_protection_decisions_flow", "udsc", "flow", "persons", origin="BLR", destination="POL",
                       category=map_every(counts["row_label"], UDSC_LABELS, "decisions"), period_start=start,
                       period_end=end, value=counts["value"], flag=counts["provisional"].map({True: "p", False: None})))
    rate = decisions[decisions["row_label"].isin(list(rate_rows))]
    start, end = year_period(rate["year"])
    parts.append(frame("udsc_recognition_rate_ratio", "udsc", "ratio", "percent", origin="BLR", destination="POL",
                       period_start=start, period_end=end, value=rate["value"],
                       flag=rate["provisional"].map({True: "p", False: None})))
    permits = tables[(tables["table_id"] == "residence_permit_applicants_by_voivode") & tables["year"].notna()]
    start, end = year_period(permits["year"])
    parts.append(frame("udsc_permit_applicants_flow", "udsc", "flow", "persons", origin="BLR", destination="POL",
                       category=permits["row_label"].replace({"SUMA": "total"}), period_start=start, period_end=end,
                       value=permits["value"], flag=permits["provisional"].map({True: "p", False: None})))
    visas = tables[tables["table_id"] == "msz_visas_humanitarian_pbh_cumulative"]
    for code, indicator in [("21", "udsc_humanitarian_visas_cumulative"), ("23", "udsc_pbh_visas_cumulative")]:
        rows = visas[visas["row_label"].str.startswith(code)]
        parts.append(frame(indicator, "udsc", "cumulative", "visas", origin="BLR", destination="POL",
                           category=map_every(rows["col_label"], UDSC_LABELS, "visa_types"),
                           period_start=UDSC_VISAS_FROM, period_end=report_date - pd.Timedelta(days=1),
                           value=rows["value"]))
    return parts


# ---------------------------------------------------------------- curated
def curated(facts: pd.DataFrame) -> pd.DataFrame:
    return frame_from_facts(facts)


def frame_from_facts(facts: pd.DataFrame) -> pd.DataFrame:
    out = facts[["indicator", "origin", "destination", "period_start", "period_end", "period_start_precision",
                 "period_end_precision", "value", "unit", "kind", "fact_id", "conflict_group",
                 "verification"]].copy()
    out.insert(1, "source_id", "curated")
    out["category"] = "total"
    return out


def build(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [
        *unhcr_population(tables["clean_unhcr__population"]),
        unhcr_applications(tables["clean_unhcr__asylum_applications"]),
        *unhcr_decisions(tables["clean_unhcr__asylum_decisions"]),
        eurostat(tables["clean_eurostat__resvalid"], "eurostat_valid_permits_stock", "stock"),
        eurostat(tables["clean_eurostat__resfirst"], "eurostat_first_permits_flow", "flow"),
        eurostat(tables["clean_eurostat__resfirst_duration"], "eurostat_first_permits_by_duration_flow", "flow",
                 by_duration=True),
        *udsc(tables["clean_udsc__report_tables"]),
        curated(tables["pub_facts"]),
    ]
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
    return {"pub_series": build({name: ctx.table(name) for name in INPUTS["tables"]})}
