"""The figure a page sends: its dict and its JSON made once per card, byte for byte what plotly
makes of the figure, through Streamlit's own st.plotly_chart."""
from __future__ import annotations

import math
import uuid

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest
from streamlit.testing.v1 import AppTest

from app import sent_figure
from app.sent_figure import SentFigure, SentSpec


def a_figure() -> go.Figure:
    # a missing value: plotly's JSON engine re-encodes NaN as null, the slow path
    return go.Figure(go.Bar(x=["a", "b", "c"], y=[1, math.nan, 3], name="n", uid="u1"),
                     layout=dict(title_text="Żołnierze <b>", height=300))


@pytest.fixture
def encodes(monkeypatch) -> list[int]:
    """Every time plotly's own to_json runs (its figure's id)."""
    made: list[int] = []
    original = sent_figure._plotly_to_json

    def counted(fig, **kwargs):
        made.append(id(fig))
        return original(fig, **kwargs)

    monkeypatch.setattr(sent_figure, "_plotly_to_json", counted)
    return made


def test_sent_figure_sends_the_figure_s_own_dict_made_once():
    figure = a_figure()
    sent = SentFigure(figure)
    assert sent.to_dict() == figure.to_dict()
    assert sent.to_dict() is sent.to_dict()
    assert plotly.tools.return_figure_from_figure_or_data(sent, validate_figure=True) is sent.to_dict()


def test_the_json_is_plotly_s_own_made_once(encodes):
    figure = a_figure()
    sent = SentFigure(figure)
    expected = sent_figure._plotly_to_json(figure.to_dict(), validate=False)
    encodes.clear()
    assert pio.to_json(sent.to_dict(), validate=False) == expected
    assert pio.to_json(sent.to_dict(), validate=False) is sent.json()
    assert encodes == [id(sent.to_dict())]
    assert '"uid"' not in expected and "null" in expected and "<" not in expected


def test_every_other_call_goes_to_plotly_untouched(encodes):
    figure = a_figure()
    spec = SentSpec(figure.to_dict())
    assert pio.to_json(figure) == sent_figure._plotly_to_json(figure)
    assert pio.to_json(spec, validate=False, pretty=True) == sent_figure._plotly_to_json(figure.to_dict(), validate=False, pretty=True)
    assert figure.to_json() == sent_figure._plotly_to_json(figure)
    encodes.clear()  # none of those was Streamlit's call: the spec's JSON is made at the first that is
    pio.to_json(spec, validate=False)
    assert encodes == [id(spec)]


def draws_one_sent_figure_twice(token: str):
    import math

    import plotly.graph_objects as go
    import streamlit as st

    from app.sent_figure import SentFigure

    @st.cache_resource  # one figure for every run, as the app keeps its cards (the token: this test's own)
    def sent(token: str) -> SentFigure:
        return SentFigure(go.Figure(go.Bar(x=["a", "b"], y=[1, math.nan])))

    st.plotly_chart(sent(token), key="one")
    st.plotly_chart(sent(token), key="two")


def test_streamlit_sends_plotly_s_json_encoded_once_over_runs(encodes):
    """Through st.plotly_chart itself: if Streamlit stopped asking plotly.io.to_json for the JSON,
    the count would show it."""
    at = AppTest.from_function(draws_one_sent_figure_twice, args=(uuid.uuid4().hex,))
    at.run()
    at.run()
    assert not at.exception
    assert len(encodes) == 1
    expected = sent_figure._plotly_to_json(go.Figure(go.Bar(x=["a", "b"], y=[1, math.nan])).to_dict(), validate=False)
    assert [chart.proto.spec for chart in at.get("plotly_chart")] == [expected, expected]
