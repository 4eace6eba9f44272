"""The figure a page sends, turned into a dict and into JSON once per card.

st.plotly_chart turns the figure it is given into a dict (`figure.to_dict()`) and that dict into
JSON (`plotly.io.to_json(figure, validate=False)`, streamlit/elements/plotly_chart.py) on every
call, so every run of a page re-made both for every card, though a card's figure never changes.
SentFigure makes the dict once; `install()` makes the JSON once: for a SentSpec, and exactly the
arguments Streamlit passes, plotly.io.to_json returns the JSON plotly itself made of that dict the
first time (byte for byte what it would make again). Anything else goes to plotly untouched.

Why the JSON too: a native heap profile put the largest growth of the server's memory over cycles
of 50 sessions under plotly's JSON encoding (+16.8 MB). Made once, a warm cycle's CPU fell by
6-14 % and the server's memory by ~10 MB; the climb itself was the allocator's, not this
(docs/performance.md, "Each sent figure's JSON made once").
"""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io

_plotly_to_json = plotly.io.to_json


class SentSpec(dict):
    """A sent figure's dict, holding the JSON plotly makes of it, made the first time it is asked."""

    __slots__ = ("_json",)

    def __init__(self, figure_dict: dict, json_text: str | None = None) -> None:
        super().__init__(figure_dict)
        self._json = json_text

    def json(self) -> str:
        """The figure as Streamlit sends it (plotly.io.to_json(figure, validate=False))."""
        if self._json is None:
            # Concurrent sessions may both make it: the same text, the last one kept.
            self._json = _plotly_to_json(self, validate=False)
        return self._json


class SentFigure(go.Figure):
    """The copy of a card's figure the page sends: only st.plotly_chart sees it (the image export
    copies the card's own figure), and it reads the dict and its JSON without changing them."""

    def __init__(self, figure: go.Figure) -> None:
        # An empty figure holding the card's figure's dict, not a copy of the figure: go.Figure(figure)
        # would re-validate every trace and the whole template (~30 ms a card), for the dict it has.
        super().__init__()
        self.__dict__["_sent"] = SentSpec(figure.to_dict())

    @classmethod
    def of_spec(cls, sent: SentSpec) -> SentFigure:
        """The sent figure of a baked card (app/cards/bake.py): the dict and JSON it was sent as."""
        made = cls.__new__(cls)
        go.Figure.__init__(made)
        made.__dict__["_sent"] = sent
        return made

    def to_dict(self) -> SentSpec:
        return self.__dict__["_sent"]

    def json(self) -> str:
        return self.to_dict().json()


def to_json(fig: Any, validate: bool = True, pretty: bool = False, remove_uids: bool = True,
            engine: str | None = None) -> str:
    """plotly.io.to_json, answered from the SentSpec for Streamlit's call (plotly's own arguments
    and defaults; the uids of a SentSpec's traces went when its JSON was made)."""
    if isinstance(fig, SentSpec) and not validate and not pretty and remove_uids and engine is None:
        return fig.json()
    return _plotly_to_json(fig, validate=validate, pretty=pretty, remove_uids=remove_uids, engine=engine)


def install() -> None:
    """Route plotly.io.to_json through `to_json` (Streamlit looks it up on every call)."""
    plotly.io.to_json = to_json


install()
