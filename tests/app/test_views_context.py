"""The context views of "Where they went" (app/views_context.py): first permits beside valid
permits with the rest of the EU computed honestly, and Belarusians beside Russians and Ukrainians,
per capita of the origin's population. Expected values are computed here from the parquet files."""
from __future__ import annotations

import pandas as pd
import pytest

from app import i18n, select
from app import views_context as context

FIRST, VALID = "eurostat_first_permits_flow", "eurostat_valid_permits_stock"


def published(series: pd.DataFrame, indicator: str, destination: str, origin: str = "BLR") -> pd.Series:
    rows = series[(series["indicator"] == indicator) & (series["origin"] == origin)
                  & (series["destination"] == destination) & (series["category"] == "total")]
    return rows.set_index(rows["period_end"].dt.year)["value"]


@pytest.mark.parametrize("indicator", [FIRST, VALID])
def test_rest_of_the_eu_is_the_eu_total_minus_poland_and_lithuania_where_all_three_are_published(series, indicator):
    eu, pl, lt = (published(series, indicator, code) for code in ("EU27_2020", "POL", "LTU"))
    years = sorted(set(eu.index) & set(pl.index) & set(lt.index))
    frame = context.first_vs_valid(series)
    rest = frame[(frame["indicator"] == indicator) & (frame["destination"] == context.REST_OF_EU)]
    assert rest["_x"].tolist() == [y for y in years if y >= 2015]
    assert rest["value"].tolist() == [eu[y] - pl[y] - lt[y] for y in rest["_x"]]
    # It is the sum of the other member states' own figures, too (Eurostat's total is their sum).
    members = series[(series["indicator"] == indicator) & (series["origin"] == "BLR")
                     & ~series["destination"].isin(["EU27_2020", "POL", "LTU", "CHE", "NOR", "ISL", "LIE"])]
    by_year = members.groupby(members["period_end"].dt.year)["value"].sum()
    assert rest["value"].tolist() == [by_year[y] for y in rest["_x"]]


def test_a_year_without_the_eu_total_or_either_country_has_no_rest_of_the_eu_and_the_note_names_it(series):
    left_out = []
    for indicator in (FIRST, VALID):
        rows = series[(series["indicator"] == indicator) & (series["origin"] == "BLR")]
        years = set(rows["period_end"].dt.year[rows["period_end"].dt.year >= 2015])
        complete = set.intersection(*(set(published(series, indicator, c).index) for c in ("EU27_2020", "POL", "LTU")))
        left_out += sorted(years - complete)
    assert left_out, "the release has a year Eurostat has not completed (2025 lacks Poland and Lithuania)"
    note = context.left_out_note(series)
    assert all(str(year) in note for year in left_out)
    frame = context.first_vs_valid(series)
    rest_years = set(frame.loc[frame["destination"] == context.REST_OF_EU, "_x"])
    assert not rest_years & set(left_out)


def test_first_permits_and_valid_permits_are_two_panels_of_one_kind_each_and_equal_the_published_rows(series):
    frame = context.first_vs_valid(series)
    assert {select.one_kind(rows) for _, rows in frame.groupby("_panel")} == {"flow", "stock"}
    for indicator in (FIRST, VALID):
        for code in context.MAIN:
            plotted = frame[(frame["indicator"] == indicator) & (frame["destination"] == code)]
            expected = published(series, indicator, code)
            assert dict(zip(plotted["_x"], plotted["value"])) == {y: v for y, v in expected.items() if y >= 2015}
    figure = context.panel_lines(frame)
    assert len({trace.yaxis for trace in figure.data}) == 2, "flow and stock never share an axis"
    for trace in figure.data:  # one series per place and count: a trace never mixes the two
        rows = frame[frame["_label"] == trace.name]
        assert len(trace.y) in {len(rows[rows["kind"] == kind]) for kind in ("flow", "stock")}


def test_the_rest_of_the_eu_hover_shows_how_it_is_computed(series):
    frame = context.first_vs_valid(series)
    row = frame[(frame["destination"] == context.REST_OF_EU) & (frame["indicator"] == VALID)].iloc[-1]
    year = row["_x"]
    for code in ("EU27_2020", "POL", "LTU"):
        assert f"{published(series, VALID, code)[year]:,.0f}" in row["_hover"]


def origin_count(series, origin: str, destination: str, year: int) -> float:
    return published(series, "unhcr_under_mandate_stock", destination, origin)[year]


def test_per_capita_values_are_the_count_over_the_origins_population_times_100000(series, published_tables):
    population = published_tables("pub_population")
    year = context.origins_years(series)[-1]
    frame = context.origins(series, population, year, per_capita=True)
    assert set(frame["unit"]) == {context.PER_CAPITA_UNIT}
    for origin, destination in [("BLR", "POL"), ("RUS", "DEU"), ("UKR", "LTU")]:
        row = frame[(frame["origin"] == origin) & (frame["destination"] == destination)].iloc[0]
        people = population[(population["iso3"] == origin) & (population["year"] <= year)].sort_values("year").iloc[-1]
        count = origin_count(series, origin, destination, year)
        assert row["value"] == pytest.approx(count / people["population"] * 100_000)
        assert (row["under_mandate"], row["origin_population"], row["origin_population_year"]) == (
            count, people["population"], people["year"])
        assert row["origin_population_source_id"] == "worldbank"


def test_a_year_without_population_uses_the_latest_population_year_and_says_which(series, published_tables):
    population = published_tables("pub_population")
    year = context.origins_years(series)[-1]
    latest_population = int(population.loc[population["iso3"] == "BLR", "year"].max())
    assert year > latest_population, "the release's latest UNHCR year has no World Bank population yet"
    frame = context.origins(series, population, year, per_capita=True)
    assert set(frame["origin_population_year"]) == {latest_population}
    note = context.per_capita_note(frame, year)
    assert str(latest_population) in note and str(year) in note
    earlier = context.origins(series, population, latest_population, per_capita=True)
    assert str(year) not in context.per_capita_note(earlier, latest_population)


def test_the_counts_view_plots_the_published_counts_of_each_origin(series, published_tables):
    year = context.origins_years(series)[-1]
    frame = context.origins(series, published_tables("pub_population"), year, per_capita=False)
    assert len(frame) == len(context.ORIGINS) * len(context.CONTEXT_COUNTRIES)
    for row in frame.to_dict("records"):
        assert row["value"] == origin_count(series, row["origin"], row["destination"], year)
    assert select.one_kind(frame) == "stock" and set(frame["unit"]) == {"persons"}


def test_the_years_offered_have_every_origin_in_every_country(series):
    for year in context.origins_years(series):
        for origin in context.ORIGINS:
            for destination in context.CONTEXT_COUNTRIES:
                assert year in published(series, "unhcr_under_mandate_stock", destination, origin).index


def test_the_scales_note_quotes_ukraines_refugees_in_poland_before_and_after_the_invasion(series, published_tables):
    events = published_tables("pub_events")
    invasion = events.loc[events["event_category"] == "war", "date"].min()
    refugees = published(series, "unhcr_refugees_stock", "POL", "UKR")
    note = context.scales_note(series, events)
    for year in (invasion.year - 1, invasion.year):
        assert f"{refugees[year]:,.0f}" in note and str(year) in note
    assert "temporary protection" in note, "says what the table cannot tell: the host country's status"


def test_the_other_source_on_belarusians_is_eurostats_latest_year_with_every_country(series):
    year = context.origins_years(series)[-1]
    note = context.permits_beside(series, year)
    complete = set.intersection(*(set(published(series, VALID, code).index) for code in context.CONTEXT_COUNTRIES))
    shown = max(y for y in complete if y <= year)
    assert f"31 December {shown}" in note
    for code in context.CONTEXT_COUNTRIES:
        assert f"{published(series, VALID, code)[shown]:,.0f} in {i18n.country(code)}" in note


@pytest.fixture(scope="module")
def published_tables(published):
    return published
