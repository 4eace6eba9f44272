"""Colour belongs to the series, not to its position or its translated name: a series keeps its
colour in every language and whatever a toggle adds or removes (app.figures.series_colours)."""
from __future__ import annotations

import pytest

from app import cards, figures, i18n

# (card, the views a reader can switch between): each view in each language
VIEWS = {
    "overview-stocks": [{"compare": False}, {"compare": True}],
    "where-over-time": [{"countries": ("POL", "LTU", "DEU")}, {"countries": ("DEU", "LTU")}, {"countries": ("LTU",)}],
    "asylum-applications": [{"countries": ("POL", "LTU", "DEU")}, {"countries": ("DEU",)}],
    "asylum-recognition-rate": [{"countries": ("POL", "LTU", "DEU")}, {"countries": ("LTU", "DEU")}],
    "poland-residence-documents": [{"with_eurostat": True}, {"with_eurostat": False}],
    "lithuania-permit-holders": [{}],
    "poland-pbh-running-total": [{}],
}


def colours_by_series(card) -> dict[str, str]:
    """The colour each series id is drawn in: traces are matched to the rows they draw by label."""
    figure = card.build(card.data)
    label_column = "_series" if "_series" in card.data else "_label"
    out: dict[str, str] = {}
    for trace in figure.data:
        rows = card.data[card.data["_label"] == trace.name]
        if rows.empty:
            continue  # the events, the key to the unverified mark
        colour = trace.line.color if trace.type == "scatter" else trace.marker.color
        series = rows[label_column].iloc[0]
        key = figures.series_key(card.data[card.data[label_column] == series])
        assert out.setdefault(key, colour) == colour, f"{card.key}: {key} drawn in two colours"
    return out


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_series_keeps_its_colour_across_languages_and_toggles(release, name):
    seen: dict[str, tuple[str, str]] = {}
    drawn = 0
    for language in ("en", "pl", "lt", "be"):
        i18n.set_language(language)
        for params in VIEWS[name]:
            card = cards.build(name, release, **params)
            assert card is not None
            for key, colour in colours_by_series(card).items():
                drawn += 1
                first = seen.setdefault(key, (colour, f"{language} {params}"))
                assert first[0] == colour, f"{name}: {key} is {first[0]} in {first[1]}, {colour} in {language} {params}"
    assert drawn and len(seen) >= 1


def test_series_in_one_chart_never_share_a_colour():
    keys = ["POL", "LTU", "DEU", "a|b", "c|d", "e|f"]
    colours = figures.series_colours(keys)
    assert len(set(colours.values())) == len(keys)
    assert colours["POL"] == figures.SERIES_COLOURS["POL"]


def test_hashed_series_take_the_pale_yellow_only_when_six_colours_are_used():
    few = figures.series_colours([f"indicator_{i}|POL" for i in range(6)])
    assert "#F0E442" not in few.values() and len(set(few.values())) == 6
    many = figures.series_colours([f"indicator_{i}|POL" for i in range(8)])
    assert len(set(many.values())) == 8
