"""The URL allowlist on its own: how a parameter value is read (only known options, one value, a
bounded length) and written back (defaults left out)."""
from __future__ import annotations

import pytest

from app import url_state
from app.url_state import Binding

YEAR = Binding("year", "k_year", (2019, 2020, 2021), default=2021, multi=False)
SWITCH = Binding("eurostat", "k_switch", (False, True), default=False, multi=False)
COUNTRIES = Binding("countries", "k_countries", ("POL", "LTU", "DEU", "FRA"), default=["POL", "LTU"], multi=True,
                    limit=3)


@pytest.mark.parametrize("raw, expected", [
    (["2019"], 2019),
    (["2021"], 2021),
    (["1800"], 2021),            # out of range
    (["2019.0"], 2021),          # not the token of any option
    (["２０１９"], 2021),          # full-width digits
    (["2019", "2020"], 2021),    # repeated key: ambiguous, so the default
    ([""], 2021),
    (None, 2021),
])
def test_a_single_value_must_be_the_token_of_an_option(raw, expected):
    assert YEAR.decode(raw) == expected


def test_booleans_are_true_or_false_only():
    assert SWITCH.decode(["true"]) is True
    assert SWITCH.decode(["false"]) is False
    for raw in (["TRUE"], ["1"], ["yes"], ["true "]):
        assert SWITCH.decode(raw) is False


@pytest.mark.parametrize("raw, expected", [
    (["DEU,FRA"], ["DEU", "FRA"]),
    (["FRA,POL"], ["FRA", "POL"]),          # the reader's order is kept
    (["POL,POL"], ["POL", "LTU"]),          # duplicates
    (["POL,XXX"], ["POL", "LTU"]),          # one unknown code spoils the lot: no half-applied link
    (["pol"], ["POL", "LTU"]),              # codes are exact
    (["POL,LTU,DEU,FRA"], ["POL", "LTU"]),  # more than the widget takes
    ([","], ["POL", "LTU"]),
])
def test_a_list_is_comma_separated_known_codes(raw, expected):
    assert COUNTRIES.decode(raw) == expected


def test_an_overlong_value_is_not_even_parsed():
    long = ",".join(["POL"] * 100)
    assert len(long) > url_state.MAX_VALUE_LENGTH
    assert COUNTRIES.decode([long]) == ["POL", "LTU"]


def test_defaults_stay_out_of_the_url_and_others_are_written_as_tokens():
    assert YEAR.encode(2021) is None
    assert YEAR.encode(2019) == "2019"
    assert SWITCH.encode(True) == "true"
    assert COUNTRIES.encode(["POL", "LTU"]) is None
    assert COUNTRIES.encode(["DEU"]) == "DEU"
    assert COUNTRIES.encode([]) is None
    assert YEAR.encode(1999) is None  # never write what is not an option


def test_every_page_of_the_registry_has_an_allowlist():
    from tests.page_registry import registered_pages
    assert {page.url_path for page in registered_pages()} <= set(url_state.PAGE_PARAMS)


# ------------------------------------------------------------------ property tests (hypothesis)
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ANY_TEXT = st.text(max_size=300)
RAW_VALUES = st.none() | st.lists(ANY_TEXT, max_size=4)


@settings(max_examples=300, deadline=None)
@given(raw=RAW_VALUES)
def test_any_raw_value_decodes_to_an_option_or_the_default(raw):
    """Whatever the URL holds, the widget gets one of its own options (or the default), never URL text."""
    assert YEAR.decode(raw) in YEAR.options
    assert SWITCH.decode(raw) in SWITCH.options
    countries = COUNTRIES.decode(raw)
    assert set(countries) <= set(COUNTRIES.options) and len(countries) <= COUNTRIES.limit
    assert len(countries) == len(set(countries))


@settings(max_examples=200, deadline=None)
@given(value=st.sampled_from(YEAR.options))
def test_every_option_survives_a_round_trip(value):
    encoded = YEAR.encode(value)
    assert YEAR.decode(None if encoded is None else [encoded]) == value


@settings(max_examples=200, deadline=None)
@given(chosen=st.lists(st.sampled_from(COUNTRIES.options), min_size=1, max_size=3, unique=True))
def test_every_allowed_choice_survives_a_round_trip(chosen):
    encoded = COUNTRIES.encode(chosen)
    assert COUNTRIES.decode(None if encoded is None else [encoded]) == chosen


@settings(max_examples=300, deadline=None)
@given(raw=st.lists(ANY_TEXT, min_size=1, max_size=3))
def test_what_is_written_back_is_only_our_own_tokens(raw):
    encoded = COUNTRIES.encode(COUNTRIES.decode(raw))
    assert encoded is None or set(encoded.split(",")) <= set(COUNTRIES.options)
