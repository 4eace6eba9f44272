"""The "Where they went" page in Polish, Lithuanian and Belarusian: its catalogue is complete, no
English text of it is left on the page or in its charts (whatever count, year or scope is chosen),
and country names, dates and tick labels come in the reader's language."""
from __future__ import annotations

import json
import re
import string

import plotly.graph_objects as go
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from app import i18n
from app import views_where as where
from tests.page_registry import DASHBOARD

TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]
NAMESPACE = "where"
SHORTEST_CHECKED = 12  # shorter English fragments ("Q3", "EU") may read the same in any language
MARKDOWN_ESCAPE = re.compile(r"\\(.)")



def messages(namespace: str, lang: str) -> dict[str, str]:
    path = i18n.LOCALES_DIR / lang / f"{namespace}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def literal_fragments(text: str) -> set[str]:
    """The fixed text of a message, between its placeholders."""
    return {literal.strip() for literal, *_ in string.Formatter().parse(text) if literal.strip()}


def english_fragments(namespace: str, lang: str) -> set[str]:
    """English text of a namespace that its translation into `lang` does not share."""
    english, translated = messages(namespace, "en"), messages(namespace, lang)
    return {fragment for key, text in english.items()
            for fragment in literal_fragments(text) - literal_fragments(translated[key])
            if len(fragment) > SHORTEST_CHECKED}


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def rendered_texts(at: AppTest) -> list[str]:
    """Everything a reader reads on the page: text elements, widget labels, options, help and
    placeholders, chart texts (titles, legends, hover, ticks) and alt texts."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
             for e in getattr(at, kind)]
    for kind in ("radio", "multiselect", "toggle", "select_slider", "selectbox", "metric"):
        for widget in getattr(at, kind):
            texts.append(widget.label)
            texts += [str(getattr(widget.proto, field, "")) for field in ("help", "placeholder")]
            texts += [str(option) for option in getattr(widget.proto, "options", [])]
    for chart in at.get("plotly_chart"):
        texts += strings_in(json.loads(chart.proto.spec))
        texts.append(chart.proto.alt)
    return [MARKDOWN_ESCAPE.sub(r"\1", text) for text in texts]


def page_in(page: str, lang: str) -> AppTest:
    # AppTest formats option labels outside the session, in the process's language.
    i18n.set_language(lang)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_key_has_the_same_placeholders_in_every_language():
    english = messages(NAMESPACE, "en")
    for lang in TRANSLATED:
        translated = messages(NAMESPACE, lang)
        assert list(translated) == list(english), lang
        assert {key: i18n.placeholders(text) for key, text in translated.items()} == \
               {key: i18n.placeholders(text) for key, text in english.items()}, lang


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_text_of_the_page_is_left(lang):
    english = english_fragments(NAMESPACE, lang)
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
    left = {fragment for texts in states for text in texts for fragment in english if fragment in text}
    assert left == set(), f"English left on the page in {lang}"


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
        assert december in fig.layout.xaxis.ticktext, lang


def test_the_subregions_outside_the_map_are_named_by_cldr():
    i18n.set_language("lt")
    assert where.subregion_name("Western Asia") == "Vakarų Azija"
    assert set(where.M49_SUBREGIONS) >= {"Western Asia", "Central Asia", "Northern Africa", "Southern Asia"}
