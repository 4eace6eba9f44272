"""The message catalogues are complete and consistent in all four languages, numbers and dates
follow each language, and switching the language keeps the rest of the URL."""
from __future__ import annotations

import re

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from app import formatting, i18n
from tests.page_registry import DASHBOARD

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
MARKUP = re.compile(r"\{[^}]*\}|<[^>]*>")  # placeholders and HTML tags are not words
NBSP = "\u00a0"


def namespace_files(lang: str) -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for path in sorted((i18n.LOCALES_DIR / lang).glob("*.yml"))}



def test_every_language_has_the_same_namespaces():
    english = set(namespace_files("en"))
    for lang in i18n.LANGUAGES:
        assert set(namespace_files(lang)) == english, lang


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_key_exists_in_every_language_with_the_same_placeholders(lang):
    english, other = i18n.catalogue("en"), i18n.catalogue(lang)
    assert sorted(set(english) - set(other)) == [], f"missing in app/locales/{lang}/"
    assert sorted(set(other) - set(english)) == [], f"not in app/locales/en/ (stale in {lang})"
    differing = {key: (i18n.placeholders(english[key]), i18n.placeholders(other[key]))
                 for key in english if i18n.placeholders(english[key]) != i18n.placeholders(other[key])}
    assert differing == {}


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_catalogue_file_keeps_the_english_order_of_keys(lang):
    """Translators work file by file beside the English one: same keys, same order."""
    english = namespace_files("en")
    for namespace, messages in namespace_files(lang).items():
        assert list(messages) == list(english[namespace]), f"{lang}/{namespace}.yml"


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_no_message_is_empty(lang):
    for namespace, messages in namespace_files(lang).items():
        for key, text in messages.items():
            assert isinstance(text, str) and text.strip(), f"{lang}/{namespace}.yml: {key} is empty"


def test_belarusian_is_written_in_cyrillic():
    """Proper names and abbreviations may stay in Latin letters; a sentence may not."""
    latin_only = {key: text for key, text in i18n.catalogue("be").items()
                  if len(MARKUP.sub("", text)) > 20 and not CYRILLIC.search(text)}
    assert latin_only == {}


def test_numbers_follow_the_language():
    expected = {"en": "1,234,567.5", "pl": f"1{NBSP}234{NBSP}567,5", "lt": f"1{NBSP}234{NBSP}567,5",
                "be": f"1{NBSP}234{NBSP}567,5"}
    for lang, text in expected.items():
        i18n.set_language(lang)
        assert formatting.number(1234567.5, decimals=1) == text, lang


def test_dates_spell_out_month_names_in_the_language():
    expected = {"en": "9 March 2024", "pl": "9 marca 2024", "lt": "2024 m. kovo 9 d.", "be": "9 сакавіка 2024"}
    for lang, text in expected.items():
        i18n.set_language(lang)
        assert formatting.date("2024-03-09").startswith(text), lang


def test_switching_the_language_keeps_the_other_url_parameters():
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.query_params["lang"] = "pl"
    at.query_params["eurostat"] = "true"  # a filter of the overview
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    switch = at.button_group(key="chrome_language")
    assert switch.value == "pl"
    switch.set_value("lt").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["lang"] == "lt"
    assert at.query_params["eurostat"] == "true"
    assert at.title[0].value == i18n.t("overview.title", "lt")
