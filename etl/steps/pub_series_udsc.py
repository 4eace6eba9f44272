"""The Office for Foreigners' (UdSC) report on Belarusians → pub_series rows. The report's
Polish labels are mapped to codes through etl/metadata/udsc_labels.yml."""
from __future__ import annotations

import pandas as pd

from etl.mappings import map_every, section
from etl.series_rows import frame, stack, year_period

INPUTS = {"tables": ["clean_udsc__report_tables"]}
OUTPUTS = ["series_udsc"]

# Polish labels of the UdSC report → codes, as data: etl/metadata/udsc_labels.yml.
UDSC_LABELS = "udsc_labels"
# The Ministry's visa figures in the report run from 10 Aug 2020 to the report date.
UDSC_VISAS_FROM = pd.Timestamp("2020-08-10")
UDSC_CUMULATIVE_FROM = pd.Timestamp("2022-02-24")


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


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"series_udsc": stack(udsc(ctx.table("clean_udsc__report_tables")))}
