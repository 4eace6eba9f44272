import pytest

from etl.paths import REPO_ROOT
from etl.steps import clean_udsc

TABLES = REPO_ROOT / "data/raw/udsc/2026-01-01/udsc_raport_BY_2026-01-01_tables.csv"


def read():
    import pandas as pd
    return pd.read_csv(TABLES, dtype=str, keep_default_na=False)


def test_provisional_years_are_flagged_and_numbers_typed():
    frame = clean_udsc.clean(read())
    row = frame[(frame.table_id == "intl_protection_applicants_by_year") & (frame.row_label == "BIAŁORUŚ")
                & (frame.col_label == "2025*")].iloc[0]
    assert row["year"] == 2025 and bool(row["provisional"]) and row["value"] == 2990
    total = frame[(frame.table_id == "valid_residence_documents_by_type") & (frame.row_label == "SUMA")]
    assert total["value"].item() == 144_219


def test_a_transcription_slip_that_breaks_a_total_stops_the_build():
    raw = read()
    slip = (raw.table_id == "valid_residence_documents_by_type") & (raw.row_label == "pobyt stały")
    raw.loc[slip, "value"] = "41681"
    with pytest.raises(ValueError, match="valid_residence_documents_by_type rows do not add up to SUMA"):
        clean_udsc.clean(raw)
