"""Shaping for the "Where they went" page: the map shows only European countries, a year's slice
is one stock on one date, an incomplete year is flagged, and the protection-vs-residence
comparison keeps each count on its own date and never adds them. Expected values are read from
the published parquet files."""
from __future__ import annotations

import json

import pandas as pd
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from app import figures, formatting, select
from app import views_where as where
from tests.page_registry import DASHBOARD




@pytest.fixture(scope="module")
def countries(published):
    return published("pub_countries")


def belarusian(series: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return series[(series["indicator"] == indicator) & (series["origin"] == "BLR") & (series["category"] == "total")]


def test_mandate_map_keeps_only_european_countries(series, countries):
    measure = where.MEASURES["mandate"]
    europe = set(countries.loc[countries["unsd_region"] == "Europe", "iso3"])
    year = max(where.years(series, measure, sorted(europe)))
    frame = where.snapshot(series, measure, where.map_destinations(series, measure, countries), year)
    assert set(frame["destination"]) <= europe and "USA" not in set(frame["destination"])
    assert select.one_kind(frame) == "stock" and frame["period_end"].nunique() == 1
    published = belarusian(series, measure.indicator)
    published = published[published["destination"].isin(europe) & (published["period_end"].dt.year == year)]
    assert sorted(frame["value"]) == sorted(published["value"])


def test_permit_map_keeps_eurostat_countries_but_not_the_eu_aggregate(series, countries):
    measure = where.MEASURES["permits"]
    destinations = where.map_destinations(series, measure, countries)
    assert "EU27_2020" not in destinations and {"POL", "LTU", "CYP"} <= set(destinations)


def test_a_year_missing_poland_is_flagged_and_not_the_default(series, countries):
    measure = where.MEASURES["permits"]
    destinations = where.map_destinations(series, measure, countries)
    permits = belarusian(series, measure.indicator)
    latest = permits["period_end"].dt.year.max()
    poland_years = set(permits.loc[permits["destination"] == "POL", "period_end"].dt.year)
    if latest not in poland_years:
        assert "POL" in where.missing_from(series, measure, destinations, latest)
        assert where.default_year(series, measure, destinations) < latest
    assert where.missing_from(series, measure, destinations, max(poland_years)) == []


def test_ranking_labels_carry_formatted_values_and_eurostat_flags(series, countries):
    measure = where.MEASURES["permits"]
    frame = where.snapshot(series, measure, where.map_destinations(series, measure, countries), 2024)
    for value, flag, text in zip(frame["value"], frame["flag"], frame["_text"]):
        assert text.startswith(formatting.number(value))
        assert (f"({flag})" in text) == isinstance(flag, str)


def test_protection_and_residence_are_latest_stocks_never_added(series):
    frame = where.protection_vs_residence(series)
    assert select.one_kind(frame) == "stock" and set(frame["unit"]) == {"persons"}
    assert not frame.duplicated(["_x", "_label"]).any(), "one bar per count and country: nothing summed"
    documents = series[(series["indicator"] == where.POLISH_DOCUMENTS) & (series["category"] == "total")]
    poland = frame[(frame["destination"] == "POL") & (frame["_count"] == where.NATIONAL)]
    assert poland["value"].tolist() == documents.loc[documents["period_end"].idxmax(), ["value"]].tolist()
    lithuania = belarusian(series, where.LITHUANIAN_PERMITS)
    shown = frame[(frame["destination"] == "LTU") & (frame["_count"] == where.NATIONAL)]
    assert shown["period_end"].max() == lithuania["period_end"].max()
    sentences = where.comparison_sentences(frame)
    assert formatting.number(poland["value"].iloc[0]) in sentences["POL"]
    assert formatting.date(poland["period_end"].iloc[0]) in sentences["POL"]


def test_protection_counts_refugees_only_and_shows_asylum_seekers_apart(series):
    """Refugee status and subsidiary protection are protection; a pending application is not: the
    share of protection is refugees / documents, and asylum seekers are a bar and a sentence of their own."""
    frame = where.protection_vs_residence(series)
    sentences = where.comparison_sentences(frame)
    for iso3 in where.COMPARED:
        refugees = belarusian(series, where.REFUGEES)
        refugees = refugees[refugees["destination"] == iso3]
        latest = refugees.loc[refugees["period_end"].idxmax()]
        seekers = belarusian(series, where.ASYLUM_SEEKERS)
        seekers = seekers[(seekers["destination"] == iso3) & (seekers["period_end"] == latest["period_end"])]
        rows = frame[frame["destination"] == iso3].set_index("_count")
        assert rows.at[where.PROTECTION, "value"] == latest["value"]
        assert rows.at[where.PENDING, "value"] == seekers["value"].iloc[0]
        share = latest["value"] / rows.at[where.NATIONAL, "value"]
        assert formatting.value_with_unit(share, "share") in sentences[iso3]
        mandate = (latest["value"] + seekers["value"].iloc[0]) / rows.at[where.NATIONAL, "value"]
        if formatting.value_with_unit(mandate, "share") != formatting.value_with_unit(share, "share"):
            assert formatting.value_with_unit(mandate, "share") not in sentences[iso3]
        assert formatting.number(seekers["value"].iloc[0]) in sentences[iso3]
        assert "not protection" in sentences[iso3]
    labels = set(frame["_label"])
    assert not [label for label in labels if "mandate" in label], "no count mixes protection and applications"


def test_outside_map_countries_hover_their_figure_never_no_data(series, countries, built):
    paths, manifest = built
    boundaries = json.loads((paths.root / manifest["tables"]["pub_boundaries_europe"]["path"]).read_text())
    measure = where.MEASURES["mandate"]
    outside = where.outside_map(series, measure, countries, boundaries, 2025)
    assert {"CYP", "GEO", "ARM"} & set(outside["destination"]), "the note gives figures for countries M49 puts in Asia"
    note = where.outside_map_note(series, measure, countries, boundaries, 2025)
    frame = where.snapshot(series, measure, where.map_destinations(series, measure, countries), 2025)
    fig = figures.choropleth(frame, boundaries, "people", outside=outside, outside_name="in the note")
    hovers = [trace.text for trace in fig.data]
    for row in outside.to_dict("records"):
        assert formatting.number(row["value"]) in note
        assert row["_hover"] in hovers
        assert formatting.number(row["value"]) in row["_hover"] and "no data" not in row["_hover"]
        assert not [h for h in hovers if h.startswith(f"{row['_label']}:") and "no data" in h]


def test_over_time_has_only_the_chosen_countries_since_the_start(series):
    frame = where.over_time(series, ["POL", "DEU"], "2015-01-01")
    assert set(frame["destination"]) == {"POL", "DEU"} and frame["period_end"].min() >= pd.Timestamp("2015-01-01")
    assert select.one_kind(frame) == "stock"


def test_map_draws_our_own_shapes_without_geo_traces(series, countries, built):
    """Plotly's geo traces fetch a world topojson from a CDN in the browser (and draw nothing
    offline): the map must be plain filled shapes, one per country, every shaded country hoverable."""
    paths, manifest = built
    boundaries = json.loads((paths.root / manifest["tables"]["pub_boundaries_europe"]["path"]).read_text())
    measure = where.MEASURES["mandate"]
    frame = where.snapshot(series, measure, where.map_destinations(series, measure, countries), 2025)
    fig = figures.choropleth(frame, boundaries, "people")
    assert {trace.type for trace in fig.data} == {"scatter"}
    assert len(fig.data) == len(boundaries["features"])
    hovers = {trace.text for trace in fig.data}
    assert set(frame["_hover"]) <= hovers
    assert len(plotly.io.to_json(fig)) < 400_000


def test_classes_cover_every_value():
    values = pd.Series([5, 28, 184, 845, 1_528, 14_308])
    classes = figures.map_classes(values)
    assert len(classes) <= 6
    assert all(any(low <= v < high for low, high in classes) for v in values)


def test_page_switches_count_and_year(app_data):
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    at.switch_page("pages/where_they_went.py").run()
    assert not at.exception, [e.message for e in at.exception]
    def map_title() -> str:
        return at.subheader[0].value  # the first chart card's title: the map

    first_title = map_title()
    at.radio(key="where_measure").set_value("permits").run()
    assert not at.exception, [e.message for e in at.exception]
    assert map_title() != first_title and "residence permit" in map_title()
    at.multiselect(key="where_destinations").set_value(["POL"]).run()
    assert not at.exception
