"""A chart card as data: what it shows (title, subtitle, rows, how to draw them, alt text, note).

Built by the functions of app/cards/ and printed by the chart card (app/chart_card.py), the image
export (app/image_export.py) and the briefing PDF (app/briefing_pdf.py), each from the card's one
Caption (app/caption.py)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from app import data
from app.caption import Caption, unverified_note


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

    def __post_init__(self) -> None:
        # Every card that plots a figure not re-checked against its source says so, in the note
        # (on the page, in images and in the briefing) and in the alt text, whichever page builds it.
        caveat = unverified_note(self.data)
        if caveat and caveat not in self.note:
            self.note = " ".join(part for part in (self.note, caveat) if part)
        if caveat and caveat not in self.alt:
            self.alt = " ".join(part for part in (self.alt, caveat) if part)

    def caption(self, release: data.Release, link: str | None = None) -> Caption:
        return Caption.of(self.title, self.subtitle, self.note, self.alt, self.data, release, link, self.cites)
