"""Poland by region (app/cards/poland.py applicants_map): the 16 voivodeships shaded by the
Office for Foreigners' permit applications per receiving voivode, 2021–2025 (2025 provisional),
drawn from our own boundaries (GUGiK) with the year control shared with the ranked bars beside it.
Every voivode joins exactly one voivodeship; the map draws exactly the published rows."""
from __future__ import annotations

import copy
import json
import warnings

import pytest
from streamlit.testing.v1 import AppTest

from app import cards, data, i18n
from app import views_poland as poland
from app.markdown import md
from tests.page_registry import DASHBOARD
from tests.app.i18n_checks import english_and

LANGS = list(i18n.LANGUAGES)
YEARS = [2021, 2022, 2023, 2024, 2025]
INDICATOR = "udsc_permit_applicants_flow"


@pytest.fixture(scope="module")
def boundaries(release):
    return data.boundaries(release, "pub_boundaries_poland")


def published_year(series, year):
    rows = series[(series["indicator"] == INDICATOR) & (series["period_end"].dt.year == year)
                  & (series["category"] != "total")]
    return rows.set_index("category")["value"]


@pytest.mark.parametrize("year", YEARS)
def test_every_voivode_joins_exactly_one_voivodeship_and_the_map_draws_the_published_rows(
        release, published, boundaries, year):
    series, facts = published("pub_series"), published("pub_facts")
    regions = poland.voivodeship_rows(series, facts, boundaries, year)
    codes = [feature["id"] for feature in boundaries["features"]]
    assert len(codes) == 16 and sorted(regions["region"]) == sorted(codes)
    voivode_of = {feature["id"]: feature["properties"]["voivode"] for feature in boundaries["features"]}
    assert all(voivode_of[code] == category for code, category in zip(regions["region"], regions["category"]))
    expected = published_year(series, year)
    assert regions.set_index("category")["value"].sort_index().to_dict() == expected.sort_index().to_dict()
    card = cards.build("poland-applicants-map", release, year=year)
    figure = card.build(card.data)
    shaded = {trace.text: trace for trace in figure.data}
    assert i18n.t("common.no_data") not in {trace.name for trace in figure.data}, "no voivodeship left blank"
    for row in card.data.to_dict("records"):
        assert row["_hover"] in shaded and row["_text"] in row["_hover"]


def test_a_voivode_joined_to_no_shape_is_an_error(published, boundaries):
    broken = copy.deepcopy(boundaries)
    broken["features"][0]["properties"]["voivode"] = "Wojewoda Nieistniejący"
    with pytest.raises(poland.VoivodeshipJoinError):
        poland.voivodeship_rows(published("pub_series"), published("pub_facts"), broken, 2023)


@pytest.mark.parametrize("lang", english_and("pl"))
def test_the_map_builds_in_every_language_for_every_year_and_says_2025_is_provisional(release, boundaries, lang):
    i18n.set_language(lang)
    with warnings.catch_warnings():
        warnings.simplefilter("error", i18n.MissingTranslation)
        for year in YEARS:
            card = cards.build("poland-applicants-map", release, year=year)
            figure = card.build(card.data)
            legend = figure.layout.legend.title.text
            provisional = year == 2025
            assert card.title == i18n.t("poland.map_title_provisional" if provisional else "poland.map_title", year=year)
            assert legend == i18n.t("poland.map_legend_provisional" if provisional else "poland.map_legend", year=year)
            assert (i18n.t("poland.provisional_note", years="2025") in card.note) is provisional
            sources = [ref.publisher for ref in card.caption(release).sources]
            assert sources == [i18n.t("common.publisher_udsc"), i18n.t("common.publisher_gugik")]
            names = {i18n.t(f"place.{feature['id']}") for feature in boundaries["features"]}
            assert set(card.data["_label"]) == names and len(names) == 16


def test_polish_names_are_the_official_ones(boundaries):
    for feature in boundaries["features"]:
        assert i18n.t(f"place.{feature['id']}", "pl") == f"województwo {feature['properties']['name']}"


def test_the_bar_and_the_map_count_the_same_applicants(release):
    for year in YEARS:
        bars = cards.build("poland-applicants-by-voivode", release, year=year)
        shades = cards.build("poland-applicants-map", release, year=year)
        assert bars.data.set_index("category")["value"].sort_index().equals(
            shades.data.set_index("category")["value"].sort_index())


# ------------------------------------------------------------------ the page
def open_poland(lang: str) -> AppTest:
    i18n.set_language(lang)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/poland.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def titles(at: AppTest) -> dict[str, str]:
    """Each card's title as the page prints it (markdown-escaped, see app/markdown.py)."""
    return {header.proto.anchor: header.value for header in at.subheader if header.proto.anchor}


@pytest.mark.parametrize("lang", [pytest.param(lang, marks=pytest.mark.slow) if lang != "en" else lang
                                  for lang in LANGS])
def test_one_year_control_drives_the_map_and_the_ranked_bars(built, lang):
    at = open_poland(lang)
    shown = titles(at)
    assert shown["poland-applicants-map"] == md(i18n.t("poland.map_title_provisional", year=2025))
    assert shown["poland-applicants-by-voivode"] == md(i18n.t("poland.voivode_title", year=2025))
    at.button_group(key="poland_voivode_year").set_value(2022).run()
    assert not at.exception
    shown = titles(at)
    assert shown["poland-applicants-map"] == md(i18n.t("poland.map_title", year=2022))
    assert shown["poland-applicants-by-voivode"] == md(i18n.t("poland.voivode_title", year=2022))
    assert at.query_params["year"] == "2022"
    charts = {json.loads(c.proto.spec)["layout"].get("legend", {}).get("title", {}).get("text") for c in at.get("plotly_chart")}
    assert i18n.t("poland.map_legend", year=2022) in charts
