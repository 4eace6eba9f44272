"""A chart card as data: what it shows (title, subtitle, rows, how to draw them, alt text, note).

Built by the functions of app/cards/ and printed by the chart card (app/chart_card.py), the image
export (app/image_export.py) and the briefing PDF (app/briefing_pdf.py), each from the card's one
Caption (app/caption.py)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go

from app import data
from app.caption import Caption, unverified_note

T = TypeVar("T")


@dataclass
class ChartCard:
    key: str                      # stable id: anchor, widget keys, file names
    title: str
    subtitle: str
    data: pd.DataFrame            # exactly the rows plotted (tidy, from pub_series)
    build: Callable[[pd.DataFrame], go.Figure]
    alt: str                      # what the chart shows, in words
    note: str = ""
    # Sources cited besides the rows' own (`source_id`): what the chart needs but does not count,
    # such as a map's boundaries or the population a per-capita figure is divided by.
    cites: tuple[str, ...] = ()
    # Said on screen only, after the subtitle: what hovering shows ("hover over a triangle for the
    # event"). Images, the briefing PDF and the static edition never say "hover".
    hint: str = ""
    # The events marked on the chart, one line each, numbered as the markers are (events.listed):
    # outputs without hover number the markers and list these under the chart.
    events: tuple[str, ...] = ()
    # What a page draws from the card (figure, caption, tables, CSV), made once per card: a card
    # from the registry is shared by every session at the same view and language (app/cards), so a
    # rerun reuses them. Callers never modify what they get.
    _made: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    def once(self, name: str, make: Callable[[], T]) -> T:
        """`make()` the first time `name` is asked for, the same object after that."""
        with self._lock:
            if name not in self._made:
                self._made[name] = make()
            return self._made[name]

    def made(self) -> dict[str, Any]:
        """What has been made of the card so far (`once`), by name: a copy of the index, the
        things themselves shared."""
        with self._lock:
            return dict(self._made)

    @classmethod
    def restored(cls, fields: dict[str, Any], made: dict[str, Any]) -> ChartCard:
        """A card as it was made and prepared elsewhere (app/cards/bake.py): its fields as they
        were (not run through __post_init__ again: its note and alt already hold the caveat) and
        what was made of it."""
        card = cls.__new__(cls)
        for name, value in fields.items():
            object.__setattr__(card, name, value)
        card._made = dict(made)
        card._lock = threading.RLock()
        return card

    def __post_init__(self) -> None:
        # Every card that plots a figure not re-checked against its source says so, in the note
        # (on the page, in images and in the briefing) and in the alt text, whichever page builds it.
        caveat = unverified_note(self.data)
        if caveat and caveat not in self.note:
            self.note = " ".join(part for part in (self.note, caveat) if part)
        if caveat and caveat not in self.alt:
            self.alt = " ".join(part for part in (self.alt, caveat) if part)

    def caption(self, release: data.Release, link: str | None = None) -> Caption:
        return Caption.of(self.title, self.subtitle, self.note, self.alt, self.data, release, link, self.cites,
                          hint=self.hint, events=self.events)
