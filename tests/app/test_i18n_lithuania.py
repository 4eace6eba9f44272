"""The Lithuania page in Polish, Lithuanian and Belarusian: it runs, and no English text from the
page's catalogues (lithuania.yml, shared with the Poland page through the side-by-side helpers)
is left anywhere a reader sees it: text elements, widget labels, chart titles, legends, hover
text and alt text. Dates that follow a preposition take the form the language needs."""
from __future__ import annotations

import json
import string

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import i18n, views_lithuania
from tests.page_registry import DASHBOARD

TRANSLATED = ["pl", "lt", "be"]
NAMESPACES = ["lithuania", "poland"]


def namespace_messages(namespace: str, lang: str) -> dict[str, str]:
    prefix = f"{namespace}."
    return {key.removeprefix(prefix): text for key, text in i18n.catalogue(lang).items() if key.startswith(prefix)}


def english_fragments(lang: str, min_length: int = 12) -> set[str]:
    """The literal parts (between placeholders) of every English message of our namespaces that
    are longer than `min_length` and absent from the same message in `lang`."""
    fragments = set()
    for namespace in NAMESPACES:
        translated = namespace_messages(namespace, lang)
        for key, english in namespace_messages(namespace, "en").items():
            if english == translated[key]:
                continue
            for literal, *_ in string.Formatter().parse(english):
                literal = literal.strip(" .,;:")
                if len(literal) > min_length and literal not in translated[key]:
                    fragments.add(literal)
    return fragments


def chart_texts(at: AppTest) -> list[str]:
    """Everything a chart shows in words: alt text, axis and legend titles, trace names, category
    labels, bar labels and hover text."""
    texts = []
    for chart in at.get("plotly_chart"):
        texts.append(chart.proto.alt)
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        for axis in ("xaxis", "yaxis"):
            texts.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
        texts.append(str(layout.get("legend", {}).get("title", {}).get("text", "")))
        for trace in spec["data"]:
            texts.append(str(trace.get("name", "")))
            for field in ("hovertext", "text", "x", "y"):
                values = trace.get(field)
                if isinstance(values, list):
                    texts.extend(v for v in values if isinstance(v, str))
                elif isinstance(values, str):
                    texts.append(values)
    return texts


def rendered_texts(at: AppTest) -> list[str]:
    """The text of every element a reader sees, markdown escapes removed."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info")
             for e in at.get(kind)]
    texts += [m.label for m in at.metric] + [m.proto.help for m in at.metric]
    for kind in ("toggle", "expander", "download_button"):
        texts += [w.label for w in at.get(kind)]
    for group in at.get("button_group"):
        texts += [group.label] + [option.content for option in group.proto.options]
    return [str(text).replace("\\", "") for text in texts + chart_texts(at)]


def render(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def english_leftovers(at: AppTest, lang: str) -> list[tuple[str, str]]:
    fragments = english_fragments(lang)
    return [(fragment, text[:120]) for text in rendered_texts(at) for fragment in fragments if fragment in text]


@pytest.fixture(autouse=True)
def english_outside_pages():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_catalogue_has_the_same_keys_and_placeholders(namespace):
    english = namespace_messages(namespace, "en")
    for lang in TRANSLATED:
        translated = namespace_messages(namespace, lang)
        assert set(translated) == set(english), (lang, set(translated) ^ set(english))
        for key, text in english.items():
            assert i18n.placeholders(translated[key]) == i18n.placeholders(text), (lang, key)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_lithuania_page_has_no_english_left(lang):
    at = render("pages/lithuania.py", lang)
    assert at.title[0].value == i18n.t("lithuania.title", lang)
    assert english_fragments(lang), "the check has English text to look for"
    assert english_leftovers(at, lang) == []
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
    assert views_lithuania.month_year(day) == nominative
    assert views_lithuania.month_year(day, governed=True) == governed


def test_no_sentence_ends_in_a_doubled_full_stop():
    """Lithuanian and Belarusian dates end in an abbreviation ('d.', 'г.'): the messages are
    worded so that a date never closes a sentence, which would print '..'."""
    for lang in TRANSLATED:
        at = render("pages/lithuania.py", lang)
        doubled = [text for text in rendered_texts(at) if ".." in text]
        assert doubled == [], (lang, doubled)
