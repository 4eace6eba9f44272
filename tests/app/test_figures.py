"""The figure builders mark what a reader must know about a point wherever it is drawn: figures not
re-checked against their source, and figures whose sources disagree; the map never says 'no data'
over a country whose figure the note gives."""
from __future__ import annotations

import ast
from pathlib import Path

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


def projected_square() -> dict:
    """A 100 km square near Warsaw in EPSG:3035 metres, as the ETL publishes boundaries."""
    x, y = 5_000_000, 3_200_000
    ring = [[x, y], [x, y + 100_000], [x + 100_000, y + 100_000], [x + 100_000, y], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def projected_collection(codes: tuple[str, ...]) -> dict:
    return {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": figures.MAP_CRS}},
            "features": [{"id": code, "properties": {"name": code}, "geometry": projected_square()}
                         for code in codes]}


def test_map_gives_the_noted_figure_instead_of_no_data():
    geojson = projected_collection(("POL", "CYP", "ISL"))
    shaded = pd.DataFrame({"destination": ["POL"], "value": [14308.0], "_hover": ["Poland: 14,308"]})
    outside = pd.DataFrame({"destination": ["CYP"], "_hover": ["Cyprus: 1,234 (in the note)"]})
    fig = figures.choropleth(shaded, geojson, "people", outside=outside, outside_name="outside Europe: see the note")
    hovers = {t.text for t in fig.data}
    assert "Cyprus: 1,234 (in the note)" in hovers
    assert not [h for h in hovers if h.startswith("Cyprus") and "no data" in h]
    assert "Iceland: no data" in hovers
    assert "outside Europe: see the note" in {t.name for t in fig.data if t.showlegend}


def test_map_draws_the_published_coordinates_as_they_are():
    fig = figures.choropleth(pd.DataFrame({"destination": ["POL"], "value": [5.0]}), projected_collection(("POL",)),
                             "people")
    ring = projected_square()["coordinates"][0]
    assert list(fig.data[0].x[:5]) == [x for x, _ in ring] and list(fig.data[0].y[:5]) == [y for _, y in ring]


def test_map_refuses_boundaries_in_another_crs():
    # Lon/lat shapes on a view box in metres would be an invisible speck: stop, do not draw nothing.
    geojson = projected_collection(("POL",)) | {"crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}
    with pytest.raises(figures.MapCrsError, match="EPSG::3035"):
        figures.choropleth(pd.DataFrame({"destination": ["POL"], "value": [5.0]}), geojson, "people")
    with pytest.raises(figures.MapCrsError):
        figures.choropleth(pd.DataFrame({"destination": ["POL"], "value": [5.0]}),
                           {k: v for k, v in geojson.items() if k != "crs"}, "people")


def test_map_view_holds_the_frame_points_of_europe():
    """The view box is written down in metres; recompute it from the places it must show."""
    import pyproj  # a test dependency (the ETL projects): the app itself never does
    frame = [(-24.5, 63.3), (-24.5, 66.6), (-10.0, 36.5), (25.0, 34.8), (45.0, 39.0), (45.0, 68.0), (28.0, 71.2)]
    xs, ys = pyproj.Transformer.from_crs(4326, 3035, always_xy=True).transform(*zip(*frame))
    for (low, high), values in ((figures.MAP_VIEW_X, xs), (figures.MAP_VIEW_Y, ys)):
        assert low < min(values) and max(values) < high
        assert min(values) - low < 100_000 and high - max(values) < 100_000, "a margin, not a wider map"


def test_the_app_does_no_projection_maths():
    """Projection happens once, in the ETL (etl/geo.py): the module that draws the map only draws.
    Read as code (comments may say "project"): no projection library, no trigonometry, no
    function of its own that projects."""
    tree = ast.parse(Path(figures.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names} | {node.module.split(".")[0] for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"pyproj", "geopandas", "shapely", "math"}
    trigonometry = {"sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "radians", "deg2rad", "sqrt"}
    assert not {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} & trigonometry
    functions = [node.name.lower() for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    assert not [name for name in functions if any(word in name for word in ("albers", "project", "mercator"))]


def _event_figure(dates: list[str]):
    import plotly.graph_objects as go
    fig = go.Figure(go.Scatter(x=pd.to_datetime(["2019-01-01", "2025-12-31"]), y=[1, 2]))
    events = pd.DataFrame({"date": pd.to_datetime(dates), "_hover": [f"event {d}" for d in dates]})
    return figures.label_events(figures.add_events(fig, events))


def _event_rows(fig) -> dict[str, float]:
    [trace] = [trace for trace in fig.data if trace.meta == figures.EVENTS_META]
    assert trace.mode == "markers+text" and list(trace.text) == [str(i + 1) for i in range(len(trace.x))]
    return {pd.Timestamp(x).strftime("%Y-%m-%d"): y for x, y in zip(trace.x, trace.y)}


def test_numbered_events_days_apart_stand_on_separate_rows_in_static_outputs():
    rows = _event_rows(_event_figure(["2020-08-09", "2020-08-14", "2020-08-20", "2022-12-05"]))
    assert len({rows["2020-08-09"], rows["2020-08-14"], rows["2020-08-20"]}) == 3, rows
    assert rows["2022-12-05"] == rows["2020-08-09"] == 1.0, "an event far from the others keeps the top row"


def test_events_far_apart_share_the_top_row():
    rows = _event_rows(_event_figure(["2020-08-09", "2022-12-05", "2024-02-27"]))
    assert set(rows.values()) == {1.0}


def test_event_rows_read_the_time_axis_only(recwarn):
    """A figure with events whose other traces are not dated (a count per country): no warning,
    the span comes from the dates alone."""
    import plotly.graph_objects as go
    fig = go.Figure([go.Scatter(x=["2019-01-01", "2025-12-31"], y=[1, 2]), go.Bar(x=["POL", "LTU"], y=[3, 4]),
                     go.Scatter(x=[1, 2], y=[0, 0])])
    events = pd.DataFrame({"date": pd.to_datetime(["2020-08-09", "2020-08-14"]), "_hover": ["a", "b"]})
    rows = _event_rows(figures.label_events(figures.add_events(fig, events)))
    assert len(set(rows.values())) == 2
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_an_images_copy_of_the_figure_gets_the_same_event_rows():
    """image_export labels the events on the figure's dict (label_events_in), the static edition
    on a figure (label_events): the same rows."""
    import plotly.graph_objects as go
    fig = go.Figure(go.Scatter(x=pd.to_datetime(["2019-01-01", "2025-12-31"]), y=[1, 2]))
    events = pd.DataFrame({"date": pd.to_datetime(["2020-08-09", "2020-08-14", "2022-12-05"]),
                           "_hover": ["a", "b", "c"]})
    figures.add_events(fig, events)
    spec = figures.label_events_in(fig.to_dict())
    [in_spec] = [trace for trace in spec["data"] if trace.get("meta") == figures.EVENTS_META]
    assert in_spec["mode"] == "markers+text"
    assert list(in_spec["y"]) == list(_event_rows(figures.label_events(go.Figure(fig))).values())
    assert len(set(in_spec["y"])) == 2


def test_a_ranking_axis_title_breaks_before_its_parenthesis_and_keeps_its_own_lines():
    assert figures.axis_title_lines("people under UNHCR's mandate (a stock)") == \
        "people under UNHCR's mandate<br>(a stock)"
    per_capita = "people under UNHCR's mandate<br>per 1,000 residents<br>(a stock ÷ mid-year population)"
    assert figures.axis_title_lines(per_capita) == per_capita
    assert figures.axis_title_lines("short (a stock)") == "short (a stock)"
    long_words = "people with a valid residence permit in the European Union"
    assert all(len(line) <= figures.AXIS_TITLE_WRAP for line in figures.axis_title_lines(long_words).split("<br>"))
    frame = pd.DataFrame({"_label": ["Poland", "Lithuania"], "value": [14308.0, 845.0],
                          "verification": ["official_statistics"] * 2})
    fig = figures.ranked_bars(frame, "people under UNHCR's mandate (a stock)")
    assert fig.layout.xaxis.title.text == "people under UNHCR's mandate<br>(a stock)"
