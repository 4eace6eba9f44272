"""The Sources page in Polish, Lithuanian and Belarusian shows no English text of its catalogues;
the catalogues that repeat the project's own English texts (indicator metadata, curated events,
the field dictionary, table descriptions, licences) stay equal to them; every event is translated."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from app import events, i18n, views_sources
from app.indicator_text import FIELDS, indicator_text
from etl.fields import FIELDS as FIELD_DICTIONARY
from etl.metadata import load_indicators
from etl.publish import DESCRIPTIONS
from tests.app.i18n_checks import TRANSLATED, translated_pages, column_labels, english_fragments, messages, rendered_texts

NAMESPACES = ("sources", "indicators", "events")


@pytest.mark.parametrize("lang", translated_pages(fast="be"))  # the page sweep's language for Sources
def test_sources_page_shows_no_english_catalogue_text(rendered, lang):
    at = rendered("pages/sources.py", lang)
    assert at.title[0].value == i18n.t("sources.title", lang)
    page = "\n".join(rendered_texts(at, cells=True))
    assert i18n.t("sources.contrast_code23_heading", lang) in page
    assert i18n.t("indicators.unhcr_refugees_stock.note", lang) in page
    leftovers = sorted(fragment for fragment in english_fragments(NAMESPACES, lang, trimmed=False) if fragment in page)
    assert leftovers == []

    # The page's own six tables carry headers in the reader's language, not their column codes.
    labelled = {column[len("col_"):] for column in messages("sources", "en") if column.startswith("col_")}
    own_tables = [column_labels(table) for table in at.dataframe if set(table.value.columns) <= labelled]
    assert len(own_tables) == 6
    for headers in own_tables:
        assert headers == {column: i18n.t(f"sources.col_{column}", lang) for column in headers}


# ------------------------------------------------------------------ catalogues that repeat project texts
def test_indicator_texts_in_english_are_the_metadata(app_data):
    paths, manifest = app_data
    published = json.loads((paths.root / manifest["tables"]["pub_metadata"]["path"]).read_text(encoding="utf-8"))
    for indicators in (load_indicators(), published["indicators"]):
        expected = {f"{indicator}.{field}": meta[field] for indicator, meta in indicators.items() for field in FIELDS}
        assert messages("indicators", "en") == expected


def test_indicator_text_is_in_the_readers_language():
    i18n.set_language("be")
    assert indicator_text("eurostat_valid_permits_stock", "title") == messages("indicators", "be")[
        "eurostat_valid_permits_stock.title"]
    with pytest.raises(ValueError):
        indicator_text("eurostat_valid_permits_stock", "licence")


def test_dictionary_texts_in_english_are_the_etl_texts():
    english = messages("sources", "en")
    assert {name: english[f"field_{name}"] for name in FIELD_DICTIONARY} == {
        name: spec["description"] for name, spec in FIELD_DICTIONARY.items()}
    assert {name: english[f"table_{name}"] for name in DESCRIPTIONS} == DESCRIPTIONS
    for meta in load_indicators().values():
        (source,) = meta["source_ids"]
        assert english[f"licence_{source}"] == meta["licence"], meta["id"]
        assert views_sources.update_period(meta["update_period"]) == meta["update_period"], meta["id"]


def test_dictionary_is_in_the_readers_language(release):
    i18n.set_language("lt")
    dictionary = views_sources.indicator_dictionary(release).set_index("indicator")
    lithuanian = messages("indicators", "lt")
    assert dictionary.at["unhcr_refugees_stock", "title"] == lithuanian["unhcr_refugees_stock.title"]
    assert dictionary.at["unhcr_refugees_stock", "kind"] == i18n.t("sources.kind_stock")
    fields = views_sources.field_dictionary(release).set_index("field")
    assert fields.at["sha256", "description"] == i18n.t("sources.field_sha256")


# ------------------------------------------------------------------ events
def test_every_event_is_translated_and_its_english_is_the_curated_text(published):
    pub_events = published("pub_events")
    keys = events.event_keys(pub_events)
    assert messages("events", "en") == dict(zip(keys, pub_events["event"]))
    for lang in TRANSLATED:
        assert sorted(set(keys) - set(messages("events", lang))) == [], f"untranslated events in {lang}"


def test_event_keys_number_a_second_event_of_the_same_day_and_country():
    frame = pd.DataFrame({"date": pd.to_datetime(["2022-03-11", "2022-03-11", "2022-03-11"]),
                          "country": ["LTU", "POL", "LTU"]})
    assert list(events.event_keys(frame)) == ["2022-03-11_LTU", "2022-03-11_POL", "2022-03-11_LTU_2"]


def test_event_hover_is_in_the_readers_language_with_the_source_title_as_published(release):
    i18n.set_language("pl")
    lithuanian_events = events.country_events(release, ["LTU"])
    row = lithuanian_events[lithuanian_events["_key"] == "2022-03-11_LTU"].iloc[0]
    hover = row["_hover"].replace("<br>", " ")
    assert messages("events", "pl")["2022-03-11_LTU"] in hover
    assert row["event"] not in hover
    assert row["source_title"] in hover
    assert "11 marca 2022" in hover


def test_an_untranslated_event_falls_back_to_its_curated_text():
    assert events.event_text("1999-01-01_BLR", "As recorded.") == "As recorded."


def test_conflict_chart_numbers_use_the_readers_separators():
    assert views_sources.plotly_separators() == ".,"
    i18n.set_language("pl")
    assert views_sources.plotly_separators() == ",\u00a0"
