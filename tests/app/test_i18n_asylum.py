"""The Asylum page in Polish, Lithuanian and Belarusian: no English text
of its catalogue is left on the page or in its charts (whatever unit, application type, rate or countries are
chosen), and outcomes, units, provisional marks and country names come in the reader's language."""
from __future__ import annotations

import pytest

from app import i18n
from app import views_asylum as asylum
from tests.app.i18n_checks import translated_pages, english_fragments, english_leftovers, page_in, rendered_texts

NAMESPACES = ["asylum"]


@pytest.mark.parametrize("lang", translated_pages(fast="pl"))
def test_no_english_text_of_the_page_is_left(lang):
    english = english_fragments(NAMESPACES, lang)
    at = page_in("pages/asylum.py", lang)
    states = [rendered_texts(at)]
    at.radio(key="asylum_type").set_value("appeal").run()
    at.radio(key="asylum_unit").set_value("cases").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.info, "no chosen country reports appeals in cases, and the reader is told"
    states.append(rendered_texts(at))
    at.radio(key="asylum_unit").set_value("persons").run()
    at.radio(key="asylum_type").set_value("new").run()
    at.radio(key="asylum_rate").set_value("refugee_status").run()
    at.multiselect(key="asylum_destinations").set_value(["USA", "POL", "AUT"]).run()
    assert not at.exception, [e.message for e in at.exception]
    states.append(rendered_texts(at))
    at.multiselect(key="asylum_destinations").set_value([]).run()
    assert not at.exception, [e.message for e in at.exception]
    states.append(rendered_texts(at))
    assert english_leftovers([text for texts in states for text in texts], english) == [], \
        f"English left on the page in {lang}"


def test_outcomes_units_and_provisional_marks_are_translated(published):
    series = published("pub_series")
    i18n.set_language("pl")
    decided, _ = asylum.office_decisions(series)
    assert set(decided["_label"]) <= {asylum.outcome_label(c) for c in asylum.OFFICE_OUTCOMES}
    assert "Umorzenie postępowania" in set(decided["_label"])
    provisional = decided[decided["flag"] == asylum.PROVISIONAL]
    assert not provisional.empty and all(x.endswith("<br>dane wstępne") for x in provisional["_x"])
    applied = asylum.applications(series, ["POL"], "appeal", "persons", "2015-01-01")
    assert applied["_hover"].str.contains("odwołania: ").all() and applied["_hover"].str.contains(r"\(osoby\)").all()
    assert asylum.unit_label("cases") == "sprawy" and asylum.in_unit("cases") == "w sprawach"


def test_the_other_unit_message_names_countries_in_the_language(published):
    series = published("pub_series")
    i18n.set_language("lt")
    found = asylum.years_in_other_unit(series, asylum.APPLICATIONS, ["USA", "POL"], "persons", "2015-01-01", "new")
    message = asylum.other_unit_message(found, "persons", asylum.applicant_type_label("new"))
    assert "Jungtinės Valstijos" in message and "bylomis" in message and "„bylos“" in message


def test_country_options_follow_the_alphabet_of_the_language(published):
    series = published("pub_series")
    i18n.set_language("be")
    names = [i18n.country(code) for code in asylum.destination_options(series, "2015-01-01")]
    initials = [name[0] for name in names]
    alphabet = "АБВГДЕЁЖЗІЙКЛМНОПРСТУЎФХЦЧШЫЬЭЮЯ"
    assert initials == sorted(initials, key=alphabet.index), names
    assert asylum.alphabetical_key("Łotwa") > asylum.alphabetical_key("Luksemburg")
    assert asylum.alphabetical_key("Łotwa") < asylum.alphabetical_key("Malta")
