"""Shaping for the Asylum page: one unit per chart (cases and persons never mixed), a filter change
changes the plotted rows, outcomes are parts that add up to the published totals, rates keep to
their own chart, and the Office's provisional figures are marked. Expected values are read from
the published parquet files."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import figures, select
from app import views_asylum as asylum
from tests.page_registry import DASHBOARD

SINCE = "2015-01-01"




@pytest.mark.parametrize("unit", asylum.UNITS)
def test_applications_hold_one_unit_and_one_type(series, unit):
    frame = asylum.applications(series, ["POL", "LTU", "DEU", "USA"], "new", unit, SINCE)
    if not frame.empty:
        assert set(frame["unit"]) == {unit} and set(frame["category"]) == {"new"}
        assert select.one_kind(frame) == "flow"


def test_changing_the_applicant_type_changes_the_rows(series):
    new = asylum.applications(series, ["POL"], "new", "persons", SINCE)
    appeals = asylum.applications(series, ["POL"], "appeal", "persons", SINCE)
    assert not new.empty and not appeals.empty
    assert set(new["category"]) == {"new"} and set(appeals["category"]) == {"appeal"}
    assert new["value"].sum() != appeals["value"].sum()


def test_years_counted_in_cases_are_reported_not_drawn(series):
    rows = series[(series["indicator"] == asylum.APPLICATIONS) & (series["origin"] == "BLR")
                  & (series["destination"] == "USA") & (series["category"] == "new")
                  & (series["period_end"] >= pd.Timestamp(SINCE))]
    cases = set(rows.loc[rows["unit"] == "cases", "period_end"].dt.year)
    persons = set(rows.loc[rows["unit"] == "persons", "period_end"].dt.year)
    found = asylum.years_in_other_unit(series, asylum.APPLICATIONS, ["USA", "POL"], "persons", SINCE, "new")
    assert "POL" not in found, "Poland counts persons only"
    assert found["USA"].only == sorted(cases - persons) and found["USA"].both == sorted(cases & persons)
    message = asylum.other_unit_message(found, "persons", asylum.applicant_type_label("new"))
    assert "United States" in message and "cases" in message


def test_year_ranges_read_as_runs():
    assert asylum.year_ranges([2015, 2016, 2017, 2019, 2021, 2022]) == "2015–2017, 2019, 2021–2022"


def test_decisions_are_non_overlapping_outcomes_in_one_unit(series):
    frame, zero = asylum.decisions(series, "LTU", "persons", SINCE)
    assert select.one_kind(frame) == "flow" and set(frame["unit"]) == {"persons"}
    assert set(frame["category"]) <= set(asylum.OUTCOMES)
    assert not frame.duplicated(["category", "period_end"]).any()
    published = series[(series["indicator"] == asylum.DECISIONS) & (series["origin"] == "BLR")
                       & (series["destination"] == "LTU") & (series["unit"] == "persons")
                       & (series["period_end"] >= pd.Timestamp(SINCE))]
    totals = published.groupby("category")["value"].sum()
    assert zero == [asylum.outcome_label(c) for c in asylum.OUTCOMES if c in totals and totals[c] == 0]
    assert frame["value"].sum() == published["value"].sum()


def test_outcome_colours_do_not_depend_on_which_outcomes_a_country_has(series):
    for destination in ("POL", "LTU"):
        frame, _ = asylum.decisions(series, destination, "persons", SINCE)
        fig = asylum.colour_outcomes(figures.bars(frame, "decisions", barmode="stack"), asylum.OUTCOMES)
        for trace in fig.data:
            outcome = next(c for c in asylum.OUTCOMES if asylum.outcome_label(c) == trace.name)
            assert trace.marker.color == asylum.OUTCOMES[outcome]


def test_rates_are_ratios_with_the_decisions_they_rest_on(series):
    frame = asylum.rates(series, ["POL"], "total_protection", SINCE)
    assert select.one_kind(frame) == "ratio" and set(frame["unit"]) == {"percent"}
    row = frame[frame["period_end"].dt.year == 2022].iloc[0]
    decided = series[(series["indicator"] == asylum.DECISIONS) & (series["origin"] == "BLR")
                     & (series["destination"] == "POL") & (series["unit"] == "persons")
                     & (series["period_end"] == row["period_end"])
                     & series["category"].isin(["recognized", "complementary_protection", "rejected"])]
    assert f"{decided['value'].sum():,.0f} decisions" in row["_hover"]


def test_office_decisions_leave_out_its_totals_and_add_up_to_them(series):
    frame, zero = asylum.office_decisions(series)
    assert not set(frame["category"]) & {"all_decisions", "decisions_on_merits"}
    totals = series[(series["indicator"] == asylum.OFFICE_DECISIONS) & (series["category"] == "all_decisions")]
    summed = frame.groupby("period_end")["value"].sum()
    for end, total in zip(totals["period_end"], totals["value"]):
        assert summed[end] == total


def test_provisional_bars_are_lighter_and_marked_on_the_axis(series):
    frame = asylum.office_applicants(series)
    fig = asylum.lighten_provisional(figures.bars(frame, "applicants"), frame)
    provisional = frame[frame["flag"] == asylum.PROVISIONAL]
    assert not provisional.empty and all("provisional" in x for x in provisional["_x"])
    for trace in fig.data:
        flags = frame.loc[frame["_label"] == trace.name, "flag"].tolist()
        assert [o < 1 for o in trace.marker.opacity] == [f == asylum.PROVISIONAL for f in flags]


def test_office_and_unhcr_agree_on_2022(series):
    pairs = asylum.cross_check(series, 2022)
    assert len(pairs) == 2 and all(mine == theirs for _, mine, theirs in pairs)
    assert "match exactly" in asylum.cross_check_sentence(pairs)


def test_page_filters_change_the_plotted_data(app_data):
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.switch_page("pages/asylum.py").run()
    assert not at.exception, [e.message for e in at.exception]
    before = at.get("plotly_chart")[0].proto.spec
    at.radio(key="asylum_type").set_value("appeal").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.get("plotly_chart")[0].proto.spec != before
    at.radio(key="asylum_unit").set_value("cases").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("persons" in c.value for c in at.caption), "the reader is told what is counted in the other unit"
