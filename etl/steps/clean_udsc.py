"""The Polish Office for Foreigners' report on Belarusian citizens (1 Jan 2026) → one typed
table, one row per published cell.

The transcript prints 2025 as "2025*" (provisional): keep the year as a number and carry the
asterisk as a provisional flag. Each table's SUMA/total row is checked against its parts, so a
transcription slip stops the build instead of reaching a chart.
"""
from __future__ import annotations

import re

import pandas as pd

INPUTS = {"raw": {"udsc": ["udsc_raport_BY_2026-01-01_tables.csv"]}}
OUTPUTS = ["clean_udsc__report_tables"]
YEAR = re.compile(r"^(\d{4})(\*?)$")
# table_id → (label of the total row, labels that are themselves totals and not parts)
TOTALS: dict[str, tuple[str, set[str]]] = {
    "valid_residence_documents_by_type": ("SUMA", set()),
    "intl_protection_applicants_by_year": ("SUMA", set()),
    "intl_protection_pending_by_instance": ("SUMA", set()),
    "residence_permit_applicants_by_voivode": ("SUMA", set()),
}


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    year = frame["col_label"].str.extract(YEAR)
    frame["year"] = pd.to_numeric(year[0], errors="coerce").astype("Int64")
    frame["provisional"] = year[1].eq("*")
    frame["report_date"] = pd.to_datetime(frame["report_stan_na"], format="%Y-%m-%d")
    frame = frame.drop(columns=["report_stan_na"])
    _check_totals(frame)
    return frame[["report_date", "table_id", "row_label", "col_label", "year", "provisional", "value",
                  "unit", "value_raw", "table_caption"]]


def _check_totals(frame: pd.DataFrame) -> None:
    for table_id, (total_label, _) in TOTALS.items():
        table = frame[frame["table_id"] == table_id]
        if table.empty:
            raise ValueError(f"UdSC report: table {table_id} is missing")
        parts = table[table["row_label"] != total_label].groupby("col_label")["value"].sum()
        totals = table[table["row_label"] == total_label].set_index("col_label")["value"]
        diff = (parts.reindex(totals.index) - totals).abs()
        if (diff > 0.5).any():
            bad = diff[diff > 0.5].index.tolist()
            raise ValueError(f"UdSC report: {table_id} rows do not add up to {total_label} in columns {bad}")


def run(ctx) -> dict[str, pd.DataFrame]:
    raw = pd.read_csv(ctx.raw_path("udsc", "udsc_raport_BY_2026-01-01_tables.csv"), dtype=str,
                      keep_default_na=False)
    return {"clean_udsc__report_tables": clean(raw)}
