"""The Lithuania page in Polish, Lithuanian and Belarusian: it runs, and no English text from the
page's catalogues (lithuania.yml, shared with the Poland page through the side-by-side helpers)
is left anywhere a reader sees it: text elements, widget labels, chart titles, legends, hover
text and alt text. Dates that follow a preposition take the form the language needs."""
from __future__ import annotations

import pandas as pd
import pytest

from app import i18n, views_country, views_lithuania
from tests.app.i18n_checks import translated_pages, english_fragments, english_leftovers, rendered_texts

NAMESPACES = ["lithuania", "poland", "country"]  # both country pages share app/views_country.py and its texts


@pytest.mark.parametrize("lang", translated_pages(fast="lt"))
def test_lithuania_page_has_no_english_left(rendered, lang):
    at = rendered("pages/lithuania.py", lang)
    assert at.title[0].value == i18n.t("lithuania.title", lang)
    assert english_fragments(NAMESPACES, lang), "the check has English text to look for"
    assert english_leftovers(rendered_texts(at), english_fragments(NAMESPACES, lang)) == []
    labels = {option.content for option in at.get("button_group")[0].proto.options}
    assert labels == {i18n.t(f"lithuania.events_{group}", lang) for group in views_lithuania.EVENT_GROUPS}


@pytest.mark.parametrize("lang, nominative, governed", [
    ("en", "November 2022", "November 2022"),
    ("pl", "listopad 2022", "listopada 2022"),
    ("lt", "2022 m. lapkritis", "2022 m. lapkričio"),
    ("be", "лістапад 2022", "лістапада 2022"),
])
def test_month_and_year_take_the_case_a_preposition_needs(lang, nominative, governed):
    i18n.set_language(lang)
    day = pd.Timestamp("2022-11-30")
    assert views_country.month_year(day) == nominative
    assert views_country.month_year(day, governed=True) == governed


@pytest.mark.parametrize("lang", ["lt", "be", pytest.param("pl", marks=pytest.mark.slow)])
def test_no_sentence_ends_in_a_doubled_full_stop(rendered, lang):
    """Lithuanian and Belarusian dates end in an abbreviation ('d.', 'г.'): the messages are
    worded so that a date never closes a sentence, which would print '..' (Polish in CI)."""
    doubled = [text for text in rendered_texts(rendered("pages/lithuania.py", lang)) if ".." in text]
    assert doubled == [], (lang, doubled)
