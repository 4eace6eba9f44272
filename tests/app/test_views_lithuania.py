"""Shaping for the Lithuania page: disagreeing sources stay side by side, Belarusian-only and
Belarusian+Russian counts never share a series, kinds never mix, and text numbers come from data."""
from __future__ import annotations

import pandas as pd

from app import figures, formatting, select
from app import views_country as country
from app import views_lithuania as view




def no_overlapping_bars(frame: pd.DataFrame) -> bool:
    return not frame.duplicated(["_label", "_x"]).any()


def test_threats_per_year_show_both_2025_figures_and_keep_combined_counts_apart(tables):
    frame = view.threat_flow(*tables)
    assert select.one_kind(frame) == "flow"
    belarusian_2025 = frame[(frame["origin"] == "BLR") & (frame["period_end"].dt.year == 2025)]
    assert sorted(belarusian_2025["value"]) == [1630, 1634]
    assert belarusian_2025["_label"].nunique() == 2 and set(belarusian_2025["_series"]) == {"Belarusians"}
    assert set(frame.loc[frame["origin"] == "BLR+RUS", "_series"]) == {"Belarusians and Russians together"}
    assert no_overlapping_bars(frame)


def test_outcomes_keep_the_disputed_2024_split(tables):
    frame = view.screening_outcomes(*tables)
    assert select.one_kind(frame) == "flow"
    for indicator in ("lt_first_permits_refused_security_flow", "lt_renewals_refused_security_flow"):
        rows = frame[(frame["indicator"] == indicator) & (frame["period_end"].dt.year == 2024)]
        assert sorted(rows["value"]) == [179, 232] and rows["conflict_group"].notna().all()
    assert no_overlapping_bars(frame)
    assert set(frame["indicator"]) == set(view.SCREENING_OUTCOMES)


def test_running_totals_have_one_line_per_origin(tables):
    frame = view.threats_since_questionnaire(*tables)
    assert select.one_kind(frame) == "cumulative"
    assert frame.groupby("_series")["origin"].nunique().eq(1).all()
    decisions = view.decisions_since_questionnaire(*tables)
    assert select.one_kind(decisions) == "cumulative"
    assert "lt_visas_refused_security_cumulative" in set(decisions["indicator"])


def test_permit_holders_are_stocks_from_two_labelled_definitions(tables):
    frame = view.permit_holders(*tables)
    assert select.one_kind(frame) == "stock"
    assert set(frame["_series"]) == {view.label(key) for key in view.STOCK_LABELS.values()}
    assert (frame["destination"] == "LTU").all()


def test_intro_numbers_are_those_of_the_plotted_rows(tables):
    threats, outcomes = view.threat_flow(*tables), view.screening_outcomes(*tables)
    holders, since = view.permit_holders(*tables), view.threats_since_questionnaire(*tables)
    text = view.intro(threats, outcomes, holders, since)
    national = holders[holders["indicator"] == "lt_residence_permit_holders_stock"]
    for value in (1634, 1630, 598, outcomes["value"].max(), national["value"].max(), national["value"].iloc[-1]):
        assert formatting.number(value) in text


def test_side_by_side_renames_only_clashing_rows_and_colours_them_alike():
    frame = pd.DataFrame({
        "_label": ["A", "A", "A", "B"], "period_end": pd.to_datetime(["2024-12-31", "2025-12-31", "2025-12-31",
                                                                     "2025-12-31"]),
        "conflict_group": [None, "G", "G", None], "fact_id": [None, "F1", "F2", None],
        "source_id": ["curated"] * 4, "value": [1, 2, 3, 4], "_x": ["2024", "2025", "2025", "2025"],
    })
    facts = pd.DataFrame({"fact_id": ["F1", "F2"], "publisher": ["One (citing X)", "Two"]})
    out = country.side_by_side(frame, facts)
    assert out["_label"].tolist() == ["A", "A, per One", "A, per Two", "B"]
    fig = country.colour_by_series(figures.bars(out, "y"), out)
    colours = {trace.name: trace.marker.color for trace in fig.data}
    assert colours["A"] == colours["A, per One"] == colours["A, per Two"] != colours["B"]


def test_gap_note_names_long_stretches_only():
    frame = pd.DataFrame({"_series": ["S"] * 3,
                          "period_end": pd.to_datetime(["2019-01-01", "2022-11-01", "2022-12-31"])})
    note = country.gap_note(frame)
    assert "1 January 2019 to 1 November 2022" in note and "31 December 2022" not in note
