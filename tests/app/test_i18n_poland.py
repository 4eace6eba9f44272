"""The Poland page in Polish, Lithuanian and Belarusian: it runs, no English text from the page's
catalogues is left anywhere a reader sees it (in every state of its widgets), numbers follow the
language, and the voivodes' offices keep their Polish names."""
from __future__ import annotations

import pytest

from app import formatting, i18n, views_poland
from tests.app.i18n_checks import translated_pages, english_fragments, english_leftovers, page_in, rendered_texts
from tests.app.test_i18n_lithuania import NAMESPACES


@pytest.mark.parametrize("lang", translated_pages(fast="be"))
def test_poland_page_has_no_english_left(lang):
    english = english_fragments(NAMESPACES, lang)
    at = page_in("pages/poland.py", lang)
    assert at.title[0].value == i18n.t("poland.title", lang)
    assert english_leftovers(rendered_texts(at), english) == []
    assert [text for text in rendered_texts(at) if ".." in text] == []

    at.toggle(key="poland_eurostat").set_value(False).run()
    at.get("button_group")[0].set_value(2021).run()
    assert not at.exception, [e.message for e in at.exception]
    assert english_leftovers(rendered_texts(at), english) == []
    assert any(i18n.t("poland.voivode_title", lang, year=2021) in text for text in rendered_texts(at))


@pytest.mark.parametrize("lang", translated_pages(fast="be"))  # the page sweep's language for Poland
def test_numbers_in_the_text_follow_the_language(rendered, published, lang):
    documents = published("pub_series").query("indicator == 'udsc_residence_documents_stock' and category == 'total'")
    latest = documents.loc[documents["period_end"].idxmax(), "value"]
    intro = rendered("pages/poland.py", lang).markdown[0].value
    locale = i18n.BABEL_LOCALE[lang]
    assert formatting.number(latest, locale=locale) in intro and formatting.number(latest, locale="en_GB") not in intro


@pytest.mark.parametrize("lang, mazowiecki", [("en", "Mazowiecki (Warsaw)"), ("pl", "Mazowiecki (Warszawa)"),
                                              ("lt", "Mazowiecki (Warszawa)"), ("be", "Mazowiecki (Warszawa)")])
def test_voivode_offices_keep_their_polish_names(lang, mazowiecki, published):
    i18n.set_language(lang)
    frame = views_poland.applicants_by_voivode(published("pub_series"), published("pub_facts"), 2025)
    assert mazowiecki in set(frame["_label"])
    assert "Podlaski (Białystok)" in set(frame["_label"])


def test_provisional_years_are_marked_in_the_reader_language(published):
    i18n.set_language("pl")
    frame = views_poland.applicants_per_year(published("pub_series"), published("pub_facts"))
    assert frame["_x"].iloc[-1] == "2025<br>" + i18n.t("country.provisional_mark")
    assert views_poland.provisional_note(frame) == i18n.t("poland.provisional_note", years="2025")
