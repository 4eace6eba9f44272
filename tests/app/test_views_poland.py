"""Shaping for the Poland page: the PBH series keep every disagreeing figure and never take in the
Office for Foreigners' broader code-23 count; parts add up to the published totals."""
from __future__ import annotations

import pandas as pd
import pytest

from app import formatting, select
from app import views_poland as view




def test_pbh_running_total_keeps_all_sources_and_excludes_code_23(tables):
    frame = view.pbh_cumulative(*tables)
    assert select.one_kind(frame) == "cumulative"
    assert "udsc_pbh_visas_cumulative" not in set(frame["indicator"])
    assert {88_529, 89_907, 114_000, 93_512, 95_115} <= set(frame["value"])
    assert frame.groupby("_series")["origin"].nunique().eq(1).all()


def test_programme_events_are_the_pbh_milestones(published):
    frame = view.programme_events(published("pub_events").query("country == 'POL'"))
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-09-09", "2020-12-01", "2021-07-13", "2022-02-01", "2024-01-26"]


def test_quarterly_pbh_is_a_flow_of_four_quarters(tables):
    frame = view.pbh_quarterly(*tables)
    assert select.one_kind(frame) == "flow"
    assert frame["_x"].tolist() == ["Q1 2023", "Q2 2023", "Q3 2023", "Q4 2023"]


def test_visa_types_add_up_to_the_published_totals(tables):
    series, _ = tables
    parts = view.visas_by_purpose(*tables)
    totals = view.visa_totals(series)
    summed = parts.groupby("indicator")["value"].sum()
    assert summed.to_dict() == totals["value"].to_dict()
    assert totals.loc["udsc_pbh_visas_cumulative", "value"] == 210_223


def test_permits_granted_show_both_2023_figures_side_by_side(tables):
    frame = view.permits_granted(*tables)
    assert select.one_kind(frame) == "flow"
    rows = frame[frame["period_end"].dt.year == 2023]
    assert sorted(rows["value"]) == [46_972, 59_627] and rows["_label"].nunique() == 2
    assert not frame.duplicated(["_label", "_x"]).any()


@pytest.mark.parametrize("year", [2021, 2025])
def test_voivode_rows_add_up_to_the_year_total(tables, year):
    series, _ = tables
    frame = view.applicants_by_voivode(*tables, year)
    total = view.applicants_per_year(*tables)
    assert len(frame) == 16 and "total" not in set(frame["category"])
    assert frame["value"].sum() == total.loc[total["period_end"].dt.year == year, "value"].item()
    assert view.applicant_years(series) == [2021, 2022, 2023, 2024, 2025]


def test_provisional_year_is_marked(tables):
    frame = view.applicants_per_year(*tables)
    assert frame["_x"].iloc[-1] == "2025<br>(provisional)"
    assert view.provisional_note(frame) == "Figures for 2025 are provisional."


def test_residence_stock_adds_eurostat_only_when_asked(tables):
    national = view.residence_stock(*tables, with_eurostat=False)
    both = view.residence_stock(*tables, with_eurostat=True)
    assert "eurostat_valid_permits_stock" not in set(national["indicator"])
    assert set(both.loc[both["indicator"] == "eurostat_valid_permits_stock", "destination"]) == {"POL"}
    assert select.one_kind(both) == "stock"
    conflict = national[national["conflict_group"].notna()]
    assert sorted(conflict["value"]) == [25_600, 28_745] and conflict["_label"].nunique() == 2


def test_documents_by_type_add_up_to_the_total(tables):
    frame = view.documents_by_type(*tables)
    assert frame["value"].sum() == 144_219
    assert frame["_label"].notna().all()


def test_intro_numbers_are_from_the_data(tables, published):
    series, facts = tables
    programme = view.programme_events(published("pub_events").query("country == 'POL'"))
    text = view.intro(view.residence_stock(series, facts, True), view.documents_by_type(series, facts),
                      view.visa_totals(series), programme)
    for value in (144_219, 210_223, 54_056, 88_839, 251_362):
        assert formatting.number(value) in text
    assert formatting.date(pd.Timestamp("2024-01-26")) in text
