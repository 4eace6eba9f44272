"""The context cards (app/cards/context.py): each builds in all four languages at its default
view, and what it plots (the figure's traces) equals the published rows; the per-capita view
names both its sources and carries its denominator in the CSV."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app import cards, chart_card, i18n, select
from app import views_context as context

LANGS = list(i18n.LANGUAGES)


def trace_points(figure) -> list[tuple[str, float]]:
    """(trace name, value) for every plotted point: y of lines, x of horizontal bars."""
    points = []
    for trace in figure.data:
        values = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        points += [(trace.name, float(v)) for v in np.asarray(values, dtype=float)]
    return points


def belarusian(series: pd.DataFrame, indicator: str, destinations: list[str], origin: str | list[str] = "BLR"
               ) -> pd.DataFrame:
    origins = [origin] if isinstance(origin, str) else origin
    return series[(series["indicator"] == indicator) & series["origin"].isin(origins)
                  & series["destination"].isin(destinations) & (series["category"] == "total")]


@pytest.mark.parametrize("lang", LANGS)
def test_first_vs_valid_builds_in_every_language_and_plots_the_published_rows(release, series, lang):
    i18n.set_language(lang)
    card = cards.build("where-first-vs-valid", release)
    assert card.key == "where-first-vs-valid" and card.title and card.alt and card.note
    figure = card.build(card.data)
    plotted = sorted(value for _, value in trace_points(figure))
    assert plotted == sorted(card.data["value"])
    for indicator in ("eurostat_first_permits_flow", "eurostat_valid_permits_stock"):
        rows = belarusian(series, indicator, ["POL", "LTU"])
        rows = rows[rows["period_end"].dt.year >= 2015]
        shown = card.data[(card.data["indicator"] == indicator) & card.data["destination"].isin(["POL", "LTU"])]
        assert sorted(shown["value"]) == sorted(rows["value"])
    assert [a.text for a in figure.layout.annotations] == [f"<b>{p}</b>" for p in dict.fromkeys(card.data["_panel"])]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("per_capita", [False, True])
def test_context_origins_builds_in_every_language_and_plots_the_published_rows(release, series, published, lang,
                                                                            per_capita):
    i18n.set_language(lang)
    card = cards.build("context-origins", release, per_capita=per_capita)
    assert card.key == "context-origins" and card.title and card.alt and card.note
    select.one_kind(card.data)
    year = context.origins_years(series)[-1]
    rows = belarusian(series, "unhcr_under_mandate_stock", list(context.CONTEXT_COUNTRIES), list(context.ORIGINS))
    rows = rows[rows["period_end"].dt.year == year]
    expected = rows["value"]
    if per_capita:
        population = published("pub_population")
        latest = population[population["year"] <= year].sort_values("year").groupby("iso3").tail(1).set_index("iso3")
        expected = rows["value"] / rows["origin"].map(latest["population"]) * 100_000
    plotted = sorted(value for _, value in trace_points(card.build(card.data)))
    assert plotted == pytest.approx(sorted(expected))
    assert plotted == pytest.approx(sorted(card.data["value"]))


def test_the_per_capita_view_names_both_sources_and_keeps_its_denominator_in_the_csv(release):
    card = cards.build("context-origins", release, per_capita=True)
    publishers = {ref.publisher for ref in card.caption(release).sources}
    assert {i18n.t("common.publisher_unhcr"), i18n.t("common.publisher_worldbank")} <= publishers
    table = chart_card.export_table(card.data, release)
    assert {"under_mandate", "origin_population", "origin_population_year", "origin_population_source_id"} <= set(
        table.columns)
    assert table["value"].tolist() == pytest.approx((table["under_mandate"] / table["origin_population"] * 100_000).tolist())
    counts = cards.build("context-origins", release)
    assert i18n.t("common.publisher_worldbank") not in {ref.publisher for ref in counts.caption(release).sources}


def test_an_earlier_year_shows_that_year(release, series):
    years = context.origins_years(series)
    card = cards.build("context-origins", release, year=years[0])
    assert set(card.data["period_end"].dt.year) == {years[0]} and str(years[0]) in card.title
