"""The "Where they went" page in Polish, Lithuanian and Belarusian: no English text of its
catalogues is left on the page or in its charts (whatever count, year, scope or scale is chosen),
and country names, dates and tick labels come in the reader's language."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from app import figures, i18n
from app import views_where as where
from tests.app.i18n_checks import translated_pages, english_fragments, english_leftovers, page_in, rendered_texts

NAMESPACES = ["where", "context"]


@pytest.mark.parametrize("lang", translated_pages(fast="be"))
def test_no_english_text_of_the_page_is_left(lang):
    english = english_fragments(NAMESPACES, lang)
    at = page_in("pages/where_they_went.py", lang)
    states = [rendered_texts(at)]
    at.toggle(key="where_worldwide").set_value(False).run()
    states.append(rendered_texts(at))
    at.radio(key="where_measure").set_value("permits").run()
    years = at.select_slider(key="where_year_permits")
    years.set_value(max(int(year) for year in years.options)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.warning, "the latest Eurostat year is incomplete, and the reader is warned"
    states.append(rendered_texts(at))
    at.multiselect(key="where_destinations").set_value([]).run()
    assert not at.exception, [e.message for e in at.exception]
    states.append(rendered_texts(at))
    at.radio(key="where_origins").set_value("per_capita").run()
    assert not at.exception, [e.message for e in at.exception]
    states.append(rendered_texts(at))
    assert english_leftovers([text for texts in states for text in texts], english) == [], \
        f"English left on the page in {lang}"


def test_map_hover_and_labels_name_countries_in_the_language(published):
    series, countries = published("pub_series"), published("pub_countries")
    i18n.set_language("pl")
    measure = where.MEASURES["mandate"]
    frame = where.snapshot(series, measure, where.map_destinations(series, measure, countries), 2024)
    poland = frame[frame["destination"] == "POL"].iloc[0]
    assert poland["_label"] == "Polska"
    assert poland["_hover"].startswith("<b>Polska</b>") and "31 grudnia 2024" in poland["_hover"]
    compared = where.protection_vs_residence(series)
    assert set(compared["_x"]) == {"Polska", "Litwa"}


def test_year_end_ticks_name_the_month_in_the_language(published):
    series = published("pub_series")
    trend = where.over_time(series, ["POL"], "2015-01-01")
    for lang, december in {"en": "Dec 2024", "pl": "gru 2024", "be": "сне 2024"}.items():
        i18n.set_language(lang)
        fig = where.year_end_ticks(go.Figure(), trend["period_end"])
        texts = fig.layout.xaxis.ticktext
        # thinned to at most figures.MAX_DATE_TICKS for a phone; the latest year always kept
        assert all(text.split()[0] == december.split()[0] for text in texts), (lang, texts)
        assert texts[-1].split()[-1] == str(trend["period_end"].max().year)
        assert len(texts) <= figures.MAX_DATE_TICKS


def test_the_subregions_outside_the_map_are_named_by_cldr():
    i18n.set_language("lt")
    assert where.subregion_name("Western Asia") == "Vakarų Azija"
    assert set(where.M49_SUBREGIONS) >= {"Western Asia", "Central Asia", "Northern Africa", "Southern Asia"}
