"""The figure builders mark what a reader must know about a point wherever it is drawn: figures not
re-checked against their source, and figures whose sources disagree; the map never says 'no data'
over a country whose figure the note gives."""
from __future__ import annotations

import pandas as pd
import pytest

from app import figures, i18n

HOVER_LINE = "Not re-checked against a stored copy of the source"


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "_label": ["a", "a", "a", "b"],
        "_x": ["2019", "2020", "2021", "2019"],
        "period_start": pd.to_datetime(["2019-01-01", "2020-01-01", "2021-01-01", "2019-01-01"]),
        "period_end": pd.to_datetime(["2019-01-01", "2020-01-01", "2021-01-01", "2019-01-01"]),
        "period_start_precision": ["month", "day", "day", "day"],
        "period_end_precision": ["month", "day", "day", "day"],
        "kind": "stock",
        "value": [20000.0, 25600.0, 30000.0, 50000.0],
        "verification": ["unverified", "unverified", "verified", None],
        "conflict_group": [None, "G", None, None],
    })


def test_lines_mark_unverified_points_and_explain_the_mark():
    fig = figures.lines(frame(), "people")
    line = next(t for t in fig.data if t.name == "a")
    assert list(line.marker.symbol) == [figures.UNVERIFIED_SYMBOL, figures.UNVERIFIED_CONFLICT_SYMBOL, "circle"]
    assert [HOVER_LINE in h for h in line.hovertext] == [True, True, False]
    assert "January 2019" in line.hovertext[0] and "1 January 2019" not in line.hovertext[0]
    keys = [t for t in fig.data if t.name == "Figure not re-checked against its source"]
    assert len(keys) == 1 and keys[0].marker.symbol == figures.UNVERIFIED_SYMBOL and keys[0].showlegend


def test_bars_mark_unverified_bars_with_a_pattern_and_a_legend_key_that_takes_no_slot():
    fig = figures.bars(frame(), "people")
    bars = next(t for t in fig.data if t.name == "a")
    assert list(bars.marker.pattern.shape) == [figures.UNVERIFIED_PATTERN, figures.BOTH_PATTERN, ""]
    assert [HOVER_LINE in h for h in bars.hovertext] == [True, True, False]
    key = next(t for t in fig.data if t.name == "Figure not re-checked against its source")
    assert key.xaxis == "x9" and fig.layout.xaxis9.visible is False and fig.layout.xaxis9.overlaying == "x"


def test_ranked_bars_mark_unverified_bars():
    fig = figures.ranked_bars(frame().drop_duplicates("_x"), "people", label="_x")
    bars = fig.data[0]
    assert figures.UNVERIFIED_PATTERN in list(bars.marker.pattern.shape)
    assert fig.layout.showlegend is True


def test_a_chart_without_unverified_figures_has_no_key_and_no_mark():
    verified = frame().assign(verification="verified")
    for fig in (figures.lines(verified, "people"), figures.bars(verified, "people")):
        assert [t.name for t in fig.data] == ["a", "b"]
        assert not any(HOVER_LINE in h for t in fig.data for h in t.hovertext)
    official = frame().drop(columns=["verification"])
    assert not figures.unverified(official).any()


@pytest.mark.parametrize("lang", ["pl", "be"])
def test_the_mark_speaks_the_readers_language(lang):
    i18n.set_language(lang)
    fig = figures.lines(frame(), "people")
    assert i18n.t("common.unverified_legend") in [t.name for t in fig.data]
    assert i18n.t("common.hover_unverified") in fig.data[0].hovertext[0]


def test_map_gives_the_noted_figure_instead_of_no_data():
    square = {"type": "Polygon", "coordinates": [[[20, 50], [21, 50], [21, 51], [20, 51], [20, 50]]]}
    geojson = {"features": [{"id": code, "properties": {"name": code}, "geometry": square}
                            for code in ("POL", "CYP", "ISL")]}
    shaded = pd.DataFrame({"destination": ["POL"], "value": [14308.0], "_hover": ["Poland: 14,308"]})
    outside = pd.DataFrame({"destination": ["CYP"], "_hover": ["Cyprus: 1,234 (in the note)"]})
    fig = figures.choropleth(shaded, geojson, "people", outside=outside, outside_name="outside Europe: see the note")
    hovers = {t.text for t in fig.data}
    assert "Cyprus: 1,234 (in the note)" in hovers
    assert not [h for h in hovers if h.startswith("Cyprus") and "no data" in h]
    assert "Iceland: no data" in hovers
    assert "outside Europe: see the note" in {t.name for t in fig.data if t.showlegend}
