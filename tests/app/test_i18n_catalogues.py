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
    """Each namespace's messages as a translator sees them: English indicator texts come from
    the ETL's metadata files (written once), every other namespace from its own YAML file."""
    files = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
             for path in sorted((i18n.LOCALES_DIR / lang).glob("*.yml"))}
    if lang == "en":
        assert "indicators" not in files, "English indicator texts are written once, in etl/metadata/indicators/"
        files["indicators"] = {key.removeprefix("indicators."): text
                               for key, text in i18n.english_indicator_texts().items()}
    return files



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
            forms = list(text.values()) if isinstance(text, dict) else [text]
            assert forms and all(isinstance(f, str) and f.strip() for f in forms), f"{lang}/{namespace}.yml: {key} is empty"


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_plural_messages_have_exactly_the_languages_cldr_forms(lang):
    """A count next to a noun takes the language's own plural forms: English one/other; Polish,
    Lithuanian and Belarusian one/few/many/other. The same messages are plural in every language."""
    english = {key for key, message in i18n.catalogue("en").items() if isinstance(message, dict)}
    plural = {key: message for key, message in i18n.catalogue(lang).items() if isinstance(message, dict)}
    assert set(plural) == english
    wrong = {key: sorted(forms) for key, forms in plural.items() if set(forms) != i18n.plural_categories(lang)}
    assert wrong == {}
    assert all("{count}" in form for key in plural if key.startswith("common.count_") for form in plural[key].values())


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 1, "1 row"), ("en", 44, "44 rows"),
    ("pl", 1, "1 wiersz"), ("pl", 44, "44 wiersze"), ("pl", 45, "45 wierszy"), ("pl", 112, "112 wierszy"),
    ("pl", 1234, f"1{NBSP}234 wiersze"),
    ("lt", 1, "1 eilutė"), ("lt", 21, "21 eilutė"), ("lt", 44, "44 eilutės"), ("lt", 12, "12 eilučių"),
    ("be", 1, "1 радок"), ("be", 44, "44 радкі"), ("be", 45, "45 радкоў"), ("be", 11, "11 радкоў"),
])
def test_counts_take_the_cldr_plural_form(lang, count, expected):
    assert i18n.t("sources.download_rows", lang, count=count) == expected


@pytest.mark.parametrize(("lang", "value", "expected"), [
    ("en", 1, "1 person"), ("en", 1644, "1,644 persons"),
    ("pl", 1, "1 osoba"), ("pl", 3, "3 osoby"), ("pl", 1644, f"1{NBSP}644 osoby"), ("pl", 1645, f"1{NBSP}645 osób"),
    ("lt", 910, "910 asmenų"), ("lt", 1634, f"1{NBSP}634 asmenys"), ("lt", 2041, f"2{NBSP}041 asmuo"),
    ("be", 2041, f"2{NBSP}041 асоба"), ("be", 1644, f"1{NBSP}644 асобы"), ("be", 1645, f"1{NBSP}645 асоб"),
])
def test_a_value_with_its_unit_agrees_in_number(lang, value, expected):
    i18n.set_language(lang)
    assert formatting.value_with_unit(value, "persons") == expected


def test_a_missing_translation_shows_english_and_says_so(monkeypatch, caplog):
    """A page never crashes on a gap in pl/lt/be: the English text, a warning and a log line."""
    real = i18n.catalogue
    polish = {key: text for key, text in real("pl").items() if key != "common.no_data"}
    monkeypatch.setattr(i18n, "catalogue", lambda lang: polish if lang == "pl" else real(lang))
    i18n._warn_untranslated.cache_clear()
    with pytest.warns(i18n.MissingTranslation, match="common.no_data.*app/locales/pl/"):
        assert i18n.t("common.no_data", "pl") == real("en")["common.no_data"]
    assert "showing the English text" in caplog.text
    i18n._warn_untranslated.cache_clear()


def test_a_key_no_language_has_is_an_error():
    with pytest.raises(i18n.MissingMessage, match="common.no_such_message"):
        i18n.t("common.no_such_message", "pl")


def test_a_plural_message_without_a_count_is_refused():
    with pytest.raises(TypeError):
        i18n.t("sources.download_rows", "en")


def test_belarusian_is_written_in_cyrillic():
    """Proper names and abbreviations may stay in Latin letters; a sentence may not."""
    texts = {key: "\n".join(text.values()) if isinstance(text, dict) else text
             for key, text in i18n.catalogue("be").items()}
    latin_only = {key: text for key, text in texts.items()
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
