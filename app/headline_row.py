"""A row of headline figures, the same on every page that has one: each figure's latest value in a
bordered metric (with its trend line where asked), who and what it counts, its period and source,
and every other source that disagrees with it (app/headlines.py finds them)."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from app import data, headlines, memo
from app.html_table import esc
from app.i18n import t
from app.markdown import md


@dataclass(frozen=True)
class Headline:
    label: str            # the metric's label
    rows: pd.DataFrame    # one kind of figure (select.rows); the latest is shown
    detail: str           # who and what is counted, and since when
    provisional: str = ""  # said when the latest figure is provisional
    trend: bool = False   # draw the series as a small line, its span named in the help


SPARK_WIDTH, SPARK_HEIGHT = 170, 44
SPARK_COLOUR = "#6B7280"  # Streamlit's metric line


def sparkline(values: list[float], alt: str) -> str:
    """The trend as a small line drawing with a text alternative: an <img> of an SVG, with alt.
    st.metric's own chart_data line is a Vega drawing whose marks have no text (a screen reader
    announces unlabelled graphics), and st.html keeps no inline <svg>. Points are spread evenly,
    one per date, as st.metric drew them."""
    points = [float(v) for v in values]
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(points) - 1, 1)
    path = " ".join(f"{i * step:.1f},{SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4):.1f}"
                    for i, v in enumerate(points))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
           f'preserveAspectRatio="none"><polyline points="{path}" fill="none" stroke="{SPARK_COLOUR}" '
           'stroke-width="2" vector-effect="non-scaling-stroke" stroke-linejoin="round" stroke-linecap="round"/></svg>')
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img src="{source}" alt="{esc(alt)}" width="100%" height="{SPARK_HEIGHT}" '
            f'style="display:block;width:100%;height:{SPARK_HEIGHT}px">')


def render(row: list[Headline], release: data.Release) -> None:
    for column, headline in zip(st.columns(len(row)), row):
        # once per release, language and figure (its label and what it counts name it on the page)
        item = memo.once(release, ("headline", headline.label, headline.detail),
                         partial(headlines.latest, headline.rows, release))
        # One bordered box per figure: the figure, its trend, who and what it counts, its period and
        # source, and any source that disagrees (a reader, or a screen reader, finds them together).
        with column, st.container(border=True):
            if headline.trend:
                st.metric(headline.label, item.value_text,
                          help=t("common.h_help", detail=headline.detail, trend=md(item.trend_text)))
                st.html(sparkline(item.trend, t("common.sparkline_alt", label=headline.label,
                                                trend=item.trend_text)))
            else:
                st.metric(headline.label, item.value_text, help=headline.detail)
            source = headlines.citation(item.source)
            st.caption(t("common.h_caption_provisional", detail=md(headline.detail), period=item.period_text,
                         provisional=headline.provisional, source=source) if headline.provisional
                       else t("common.h_caption", detail=md(headline.detail), period=item.period_text, source=source))
            for other in item.others:
                st.caption(t("common.another_source", text=headlines.other_text(other)))
