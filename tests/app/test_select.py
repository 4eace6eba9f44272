"""Slicing rules: stocks, flows and running totals are never added together, nor persons and cases."""
from __future__ import annotations

import pandas as pd
import pytest

from app import select


def test_a_stock_and_a_flow_are_refused(published):
    series = published("pub_series")
    stock = select.rows(series, "udsc_residence_documents_stock", destination="POL")
    flow = select.rows(series, "udsc_protection_applicants_flow", destination="POL")
    assert select.one_kind(stock) == "stock" and select.one_kind(flow) == "flow"
    mixed = select.rows(series, ["udsc_residence_documents_stock", "udsc_protection_applicants_flow"], destination="POL")
    assert len(mixed) == len(stock) + len(flow)
    with pytest.raises(select.MixedKindsError, match="stock"):
        select.one_kind(mixed)
    with pytest.raises(select.MixedKindsError):
        select.total_by(mixed, ["period_end"])


def test_persons_and_cases_are_not_added(published):
    series = published("pub_series")
    applications = select.rows(series, "unhcr_asylum_applications_flow", destination=None, category=None)
    assert set(applications["unit"]) == {"persons", "cases"}
    with pytest.raises(select.MixedKindsError, match="cases"):
        select.total_by(applications, ["period_end"])
    persons = applications[applications["unit"] == "persons"]
    totals = select.total_by(persons, ["period_end"])
    assert totals["value"].sum() == persons["value"].sum()


def test_rows_and_latest(published):
    series = published("pub_series")
    rows = select.rows(series, "eurostat_valid_permits_stock", destination=["POL", "LTU"], since="2020-01-01")
    assert set(rows["destination"]) == {"POL", "LTU"}
    assert rows["period_end"].min() >= pd.Timestamp("2020-01-01")
    assert rows["period_end"].is_monotonic_increasing
    latest = select.latest(rows, ["destination"])
    assert len(latest) == 2
    for destination, row in latest.set_index("destination").iterrows():
        assert row["period_end"] == rows.loc[rows["destination"] == destination, "period_end"].max()
