"""The Europe map, the ranking and the chart over time per 1,000 residents, and the map's flow
arrows (app/cards/where.py): each view builds in every language, draws exactly its published rows
(per-capita figures = value / population × 1,000), keeps the arrows (a flow) on their own legend
apart from the shading (a stock), and puts the arrow rows and the denominator in the CSV. The
page binds both controls to the URL."""
from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import cards, chart_card, figures, formatting, i18n, per_capita
from app import views_where as where
from tests.page_registry import DASHBOARD
from tests.app.i18n_checks import translated_pages

LANGS = list(i18n.LANGUAGES)
WHERE = "pages/where_they_went.py"
# (card, view): the default views and every new one.
VIEWS = [
    ("where-map", {}),
    ("where-map", {"scale": "per_1000"}),
    ("where-map", {"arrows": True}),
    ("where-map", {"measure_key": "permits", "year": 2023, "scale": "per_1000", "arrows": True}),
    ("where-ranking", {}),
    ("where-ranking", {"scale": "per_1000"}),
    ("where-ranking", {"measure_key": "permits", "year": 2022, "scale": "per_1000"}),
    ("where-over-time", {}),
    ("where-over-time", {"scale": "per_1000"}),
]


def layers(card) -> dict[str, pd.DataFrame]:
    frame = card.data
    if "_layer" not in frame:
        return {"map": frame}
    return {name: rows for name, rows in frame.groupby("_layer")}


@pytest.mark.parametrize("lang", ["en", *translated_pages("be")])  # pl and lt in CI
def test_every_view_builds_in_every_language_with_unit_and_denominator(release, lang):
    i18n.set_language(lang)
    per = formatting.number(per_capita.PER)
    with warnings.catch_warnings():
        warnings.simplefilter("error", i18n.MissingTranslation)
        for name, params in VIEWS:
            card = cards.build(name, release, **params)
            assert card.title and card.alt and card.note and not card.data.empty, (name, params)
            for rows in layers(card).values():
                assert rows["kind"].nunique() == 1, "one kind per layer: a stock shaded, a flow as arrows"
            figure = card.build(card.data)
            assert figure.data
            csv = chart_card.export_table(card.data, release)
            sources = [ref.publisher for ref in card.caption(release).sources]
            if params.get("scale") == "per_1000":
                assert per in card.title, "the unit and its denominator are in the title"
                axis = figure.layout.legend.title.text if name == "where-map" else (
                    figure.layout.xaxis.title.text if name == "where-ranking" else figure.layout.yaxis.title.text)
                assert per in axis, "... and on the axis (the map's legend)"
                assert set(per_capita.COLUMNS) <= set(csv.columns), "... and in the CSV"
                assert i18n.t("common.publisher_worldbank") in sources
            else:
                assert not set(per_capita.COLUMNS) & set(csv.columns)
                assert i18n.t("common.publisher_worldbank") not in sources


def test_the_map_per_capita_shades_value_over_population(release, published):
    card = cards.build("where-map", release, measure_key="permits", year=2022, scale="per_1000")
    series, population = published("pub_series"), published("pub_population")
    expected = series[(series["indicator"] == "eurostat_valid_permits_stock") & (series["origin"] == "BLR")
                      & (series["period_end"] == "2022-12-31") & series["destination"].isin(card.data["destination"])]
    assert sorted(card.data["value"]) == sorted(expected["value"]), "the plotted rows are the published rows"
    joined = card.data.merge(population, left_on=["destination", "population_year"], right_on=["iso3", "year"],
                             suffixes=("", "_published"))
    assert len(joined) == len(card.data) and (joined["population_year"] == 2022).all()
    assert (joined["population"] == joined["population_published"]).all()
    assert joined["per_1000"].tolist() == pytest.approx((joined["value"] / joined["population"] * 1_000).tolist())
    poland = card.data.set_index("destination").loc["POL"]
    assert poland["per_1000"] == pytest.approx(301_611 / 36_821_749 * 1_000)  # Eurostat 2022 / World Bank 2022
    # Each country is shaded in the class of its per-1,000 figure, and its hover says the figure.
    classes = figures.map_classes(card.data["per_1000"], breaks=figures.PER_CAPITA_BREAKS)
    figure = card.build(card.data)
    for row in card.data.to_dict("records"):
        low, high = next((lo, hi) for lo, hi in classes if lo <= row["per_1000"] < hi)
        traces = [tr for tr in figure.data if tr.text == row["_hover"]]
        assert len(traces) == 1 and traces[0].name == figures.class_label(low, high, counts=False)
        assert per_capita.text(row["per_1000"]) in row["_hover"]


def test_the_ranking_and_the_lines_plot_the_per_capita_figures(release):
    ranking = cards.build("where-ranking", release, scale="per_1000")
    bars = ranking.build(ranking.data).data[0]
    assert sorted(bars.x) == sorted(ranking.data["per_1000"])
    assert list(ranking.data["per_1000"]) == sorted(ranking.data["per_1000"], reverse=True), "ranked per 1,000"
    trend = cards.build("where-over-time", release, scale="per_1000")
    figure = trend.build(trend.data)
    for name, rows in trend.data.groupby("_label"):
        line = next(tr for tr in figure.data if tr.name == name)
        assert list(line.y) == pytest.approx(rows["per_1000"].tolist())
    # 2025 has no World Bank population yet: its rows say which year divides them, the note too.
    latest = trend.data[trend.data["period_end"].dt.year == 2025]
    assert not latest.empty and (latest["population_year"] == 2024).all()
    assert i18n.t("common.per_capita_fallback", count=1, years="2025", population_year="2024") in trend.note


def test_arrows_are_the_largest_first_permit_flows_on_their_own_legend(release, published):
    year = 2023
    card = cards.build("where-map", release, measure_key="mandate", year=year, arrows=True)
    arrows = card.data[card.data["_layer"] == "arrow"]
    series, boundaries = published("pub_series"), card_boundaries(release)
    points = {f["id"]: f["properties"]["point"] for f in boundaries["features"]}
    countries = set(published("pub_countries")["iso3"])
    flows = series[(series["indicator"] == "eurostat_first_permits_flow") & (series["origin"] == "BLR")
                   & (series["category"] == "total") & (series["period_end"].dt.year == year)
                   & series["destination"].isin(countries & set(points) - {"BLR"})]
    top = flows.sort_values("value", ascending=False).head(where.ARROWS)
    assert arrows["destination"].tolist() == top["destination"].tolist()
    assert arrows["value"].tolist() == top["value"].tolist()
    assert set(arrows["kind"]) == {"flow"} and set(card.data.loc[card.data["_layer"] == "map", "kind"]) == {"stock"}
    figure = card.build(card.data)
    drawn = [tr for tr in figure.data if tr.mode == "lines+markers"]
    assert len(drawn) == len(arrows)
    for trace in drawn:
        assert [trace.x[0], trace.y[0]] == points["BLR"] and trace.showlegend is False
    by_end = {(tr.x[1], tr.y[1]): tr.line.width for tr in drawn}
    widths = [by_end[tuple(points[code])] for code in arrows["destination"]]
    assert widths == sorted(widths, reverse=True) and widths[0] == figures.FLOW_WIDTH[1]
    # Two legends: the shading's classes (a stock), and the arrows' key (a flow) with its own title.
    main = {tr.name for tr in figure.data if tr.showlegend and tr.legend in (None, "legend")}
    keyed = [tr for tr in figure.data if tr.legend == "legend2"]
    assert figure.layout.legend2.title.text == i18n.t("where.arrows_legend", year=year)
    assert figure.layout.legend2.title.text not in main and len(keyed) == 2
    assert figure.layout.legend.title.text == i18n.t("where.map_legend")
    # The CSV holds the arrow rows beside the shaded ones.
    csv = chart_card.export_table(card.data, release)
    assert (csv["indicator"] == "eurostat_first_permits_flow").sum() == len(arrows)
    assert i18n.t("where.arrows_subtitle", year=year, count=len(arrows)) in card.subtitle


def test_arrows_for_a_year_eurostat_has_not_completed_say_who_is_missing(release, published):
    card = cards.build("where-map", release, year=2025, arrows=True)
    missing = where.arrows_missing(published("pub_series"), card_boundaries(release), published("pub_countries"), 2025)
    assert "Poland" in missing and "Lithuania" in missing, "Eurostat's 2025 first permits lack PL and LT"
    assert missing in card.note and "POL" not in set(card.data.loc[card.data["_layer"] == "arrow", "destination"])


def card_boundaries(release):
    from app import data
    return data.boundaries(release)


# ------------------------------------------------------------------ the page
def open_where(lang: str, params: dict[str, str]) -> AppTest:
    i18n.set_language(lang)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(WHERE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def titles(at: AppTest) -> dict[str, str]:
    return {header.proto.anchor: header.value for header in at.subheader if header.proto.anchor}


def map_layout(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]


@pytest.mark.parametrize("lang", [pytest.param(lang, marks=pytest.mark.slow) if lang != "en" else lang
                                  for lang in LANGS])
def test_the_where_page_binds_scale_and_arrows_to_the_url(built, lang):
    at = open_where(lang, {"scale": "per_1000", "arrows": "true", "measure": "permits", "year": "2023"})
    per = formatting.number(per_capita.PER)
    assert at.session_state["where_scale"] == "per_1000" and at.session_state["where_arrows"] is True
    shown = titles(at)
    for key in ("where-map", "where-ranking", "where-over-time"):
        assert i18n.t("common.per_capita_title", title="", per=per).strip(", ") in shown[key], key
    assert map_layout(at)["legend2"]["title"]["text"] == i18n.t("where.arrows_legend", year=2023)
    assert {"scale": "per_1000", "arrows": "true"}.items() <= dict(at.query_params.items()).items()

    at.button_group(key="where_scale").set_value("total").run()
    at.toggle(key="where_arrows").set_value(False).run()
    assert not at.exception
    assert per not in titles(at)["where-map"] and "legend2" not in map_layout(at)
    assert "scale" not in at.query_params and "arrows" not in at.query_params
