"""Plotly figure builders. Each takes the exact frame the chart card will show and download,
so what is plotted and what is offered as data cannot drift apart.

Columns starting with '_' are presentation helpers (labels, hover text): drawn, never exported.

Two kinds of figure are marked wherever they are drawn, by every builder here: figures whose
sources disagree (open diamonds, hatched bars) and curated figures whose cited page could not be
re-checked against a stored copy (`verification` 'unverified': a ringed cross, dotted bars, a
legend entry saying what the mark means, and a line in the hover). The chart card adds the same
caveat to the note and the alt text (app/chart_card.py), so the mark never depends on the page.
"""
from __future__ import annotations

import re
import textwrap
import zlib
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from babel.numbers import get_decimal_symbol, get_group_symbol
from plotly.colors import sample_colorscale

from app import formatting
from app import i18n
from app.i18n import t

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
EVENT_COLOUR = "#6E7781"
FONT = "Source Sans Pro, Helvetica Neue, Arial, sans-serif"
CONFLICT_SYMBOL = "diamond-open"
UNVERIFIED = "unverified"
UNVERIFIED_SYMBOL = "circle-x-open"           # a point not re-checked against its source
UNVERIFIED_CONFLICT_SYMBOL = "diamond-x-open"  # ... that also disagrees with another source
CONFLICT_PATTERN, UNVERIFIED_PATTERN, BOTH_PATTERN = "/", ".", "x"
MARK_COLOUR = "#57606A"
LEGEND_BELOW = dict(orientation="h", xanchor="left", x=0, yref="container", yanchor="bottom", y=0)
_MARK_AXIS = "x9"  # a hidden axis for the legend's key to the bar mark: it takes no slot among the bars


def unverified(frame: pd.DataFrame) -> pd.Series:
    """True for rows of curated figures that could not be re-checked against their source."""
    if "verification" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["verification"].eq(UNVERIFIED).fillna(False).astype(bool)


def _in_conflict(frame: pd.DataFrame) -> pd.Series:
    if "conflict_group" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["conflict_group"].notna()


def hover_texts(frame: pd.DataFrame, x: str | None = None, name: str | None = None) -> list[str]:
    """Each row's hover text (`_hover`, else the series, place on the axis and value), with a line
    saying so under every figure not re-checked against its source."""
    if "_hover" in frame:
        texts = [str(text) for text in frame["_hover"]]
    else:
        texts = []
        for row in frame.to_dict("records"):
            where = row.get(x) if x else None
            if isinstance(where, pd.Timestamp) or where is None:
                where = formatting.row_period(row) if "period_end" in row else ""
            head = f"<b>{name}</b><br>" if name else ""
            texts.append(f"{head}{where}: {formatting.number(row['value'])}" if where != "" else
                         f"{head}{formatting.number(row['value'])}")
    mark = "<br><i>" + t("common.hover_unverified") + "</i>"
    return [text + mark if flagged and mark not in text else text
            for text, flagged in zip(texts, unverified(frame))]


def _symbols(frame: pd.DataFrame) -> list[str]:
    return [(UNVERIFIED_CONFLICT_SYMBOL if c else UNVERIFIED_SYMBOL) if u else (CONFLICT_SYMBOL if c else "circle")
            for c, u in zip(_in_conflict(frame), unverified(frame))]


def _patterns(frame: pd.DataFrame) -> list[str]:
    return [(BOTH_PATTERN if c else UNVERIFIED_PATTERN) if u else (CONFLICT_PATTERN if c else "")
            for c, u in zip(_in_conflict(frame), unverified(frame))]


def add_unverified_key(fig: go.Figure, frame: pd.DataFrame, bars: bool = False) -> go.Figure:
    """A legend entry that says what the mark of an unverified figure means, when the chart has one."""
    if not unverified(frame).any():
        return fig
    name = t("common.unverified_legend")
    if bars:
        fig.add_trace(go.Bar(x=[None], y=[None], name=name, xaxis=_MARK_AXIS, showlegend=True, hoverinfo="skip",
                             marker=dict(color="#FFFFFF", line=dict(color=MARK_COLOUR, width=1),
                                         pattern=dict(shape=UNVERIFIED_PATTERN, fgcolor=MARK_COLOUR))))
        fig.update_layout({f"xaxis{_MARK_AXIS[1:]}": dict(overlaying="x", visible=False, fixedrange=True)})
    else:
        fig.add_trace(go.Scatter(x=[None], y=[None], name=name, mode="markers", showlegend=True, hoverinfo="skip",
                                 marker=dict(symbol=UNVERIFIED_SYMBOL, size=11, color=MARK_COLOUR,
                                             line=dict(width=2, color=MARK_COLOUR))))
    return fig


# Colour belongs to the series, not to its position or its translated name. A series is named by
# ids (`_colour_key` where a card sets one, e.g. a country's ISO3 code; else its indicator and
# place), never by a label: the same series keeps its colour in every language and whatever else a
# toggle adds or removes. The countries a reader is first shown have colours of their own; other
# ids take a slot from a hash of the id (language-independent), the next free one on a clash.
SERIES_COLOURS = {
    "POL": PALETTE[0], "LTU": PALETTE[1], "DEU": PALETTE[2], "LVA": PALETTE[3], "CZE": PALETTE[4],
    "USA": PALETTE[5], "GEO": PALETTE[7], "UKR": PALETTE[6],
    # the overview's Eurostat counts: the country's colour family, apart from its national count
    "POL:eurostat": PALETTE[5], "LTU:eurostat": PALETTE[3],
}


# Hashed ids take these first: Okabe-Ito's yellow is too pale for a line on white, its black too
# heavy beside the others (still used, last, when six series are already drawn).
HASHED_COLOURS = PALETTE[:6]


def series_key(group: pd.DataFrame) -> str:
    """The id a series' colour is keyed by: its `_colour_key`, else its indicators and places."""
    if "_colour_key" in group and group["_colour_key"].notna().any():
        return str(group["_colour_key"].dropna().iloc[0])
    parts = []
    for column in ("indicator", "destination", "origin", "category"):
        if column in group:
            parts.append("+".join(sorted({str(v) for v in group[column].dropna()})))
    if not any(parts):  # rows without ids (a hand-made frame): the series' own name is all there is
        name = "_series" if "_series" in group else "_label"
        return str(group[name].iloc[0]) if name in group and len(group) else ""
    return "|".join(parts)


def series_colours(keys: Iterable[str]) -> dict[str, str]:
    """A colour per series id: fixed ones first (SERIES_COLOURS), the others by a hash of the id,
    taken in sorted order (not in the order drawn), moving to the next free colour on a clash."""
    keys = list(dict.fromkeys(keys))
    out = {key: SERIES_COLOURS[key] for key in keys if key in SERIES_COLOURS}
    rest = [c for c in PALETTE if c not in HASHED_COLOURS]
    for key in sorted(k for k in keys if k not in out):
        slot = zlib.crc32(key.encode("utf-8")) % len(HASHED_COLOURS)
        # from the hashed slot round the hashed colours, then the rest; the last when all are taken
        order = HASHED_COLOURS[slot:] + HASHED_COLOURS[:slot] + rest
        out[key] = next((colour for colour in order if colour not in out.values()), order[-1])
    return out


def separators() -> str:
    """Plotly's `separators` (decimal mark, then thousands separator) in the reader's language."""
    locale = i18n.babel_locale()
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def white_template(fig: go.Figure) -> go.Figure:
    """Plotly's 'plotly_white' template on `fig`, set without plotly re-validating the whole template
    (which `template="plotly_white"` does on every figure: ~0.1–0.2 s each, most of a card's cost).
    The template is plotly's own, already valid; the figure's JSON is the same either way."""
    fig.layout._validate = False
    try:
        fig.layout.template = pio.templates["plotly_white"]
    finally:
        fig.layout._validate = True
    return fig


def base_layout(fig: go.Figure, y_title: str, height: int = 420) -> go.Figure:
    white_template(fig).update_layout(
        height=height, colorway=PALETTE, font=dict(family=FONT, size=13),
        margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
        # The legend sits under the chart, at the foot of the figure (container-referenced, so its
        # rows push the bottom margin and never sit on the axis labels): the toolbar, top right,
        # can then never cover its first entry on a narrow screen. Images place it themselves.
        legend=dict(LEGEND_BELOW, title_text=""),
        separators=separators(),
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",~r", gridcolor="#E6E8EB")
    fig.update_xaxes(gridcolor="#F0F1F3")
    return fig


# Date axes carry explicit ticks (tickvals and ticktext, written with babel in the reader's
# language) rather than Plotly's own: Plotly names months in English unless its locale bundle is
# loaded, and the PNG/SVG images (kaleido), the briefing PDF and the static edition draw without
# the page's config. Explicit texts are right in every output; the toolbar's tooltips, drawn only
# on screen, come from the config's locale (app/chart_card.plotly_config).
MAX_DATE_TICKS = 6  # labels at most: they must not run into each other on a 390 px phone


def date_ticks(start: pd.Timestamp, end: pd.Timestamp) -> tuple[list[pd.Timestamp], list[str]]:
    """Tick dates between `start` and `end` and their labels: years ('2024') over long spans,
    months ('sty 2024', 'sau. 2024') over short ones, at most MAX_DATE_TICKS."""
    from babel.dates import format_date
    months = (end.year - start.year) * 12 + end.month - start.month
    if months >= 24:
        years = list(range(start.year + (start.month > 1 or start.day > 1), end.year + 1))
        step = -(-len(years) // MAX_DATE_TICKS)
        ticks = [pd.Timestamp(year=y, month=1, day=1) for y in years[::step]]
        return ticks, [str(tick.year) for tick in ticks]
    step = max(1, -(-(months + 1) // MAX_DATE_TICKS))
    first = pd.Timestamp(year=start.year, month=start.month, day=1)
    if first < start:
        first += pd.DateOffset(months=1)
    ticks = list(pd.date_range(first, end, freq=pd.DateOffset(months=step)))
    return ticks, [format_date(tick.date(), "LLL y", locale=i18n.babel_locale()) for tick in ticks]


def localise_date_axis(fig: go.Figure) -> go.Figure:
    """Give the x axis explicit ticks in the reader's language where it is a date axis without
    ticks of its own (date_ticks)."""
    if fig.layout.xaxis.tickvals is not None:
        return fig
    dates = []
    for trace in fig.data:
        if trace.x is None or trace.xaxis not in (None, "x") or getattr(trace, "orientation", None) == "h":
            continue
        values = pd.Series(list(trace.x))
        if not len(values) or not all(isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year")
                                      for v in values.dropna()):
            continue
        dates.append(pd.to_datetime(values.dropna()))
    if not dates:
        return fig
    every = pd.concat(dates)
    if every.empty:
        return fig
    ticks, texts = date_ticks(every.min(), every.max())
    if ticks:
        fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=texts)
    return fig


def lines(frame: pd.DataFrame, y_title: str, label: str = "_label", x: str = "period_end",
          mode: str = "lines+markers", height: int = 420) -> go.Figure:
    """One line per label. Points whose sources disagree are drawn as open diamonds, figures not
    re-checked against their source as ringed crosses."""
    fig = go.Figure()
    groups = list(frame.groupby(label, sort=False))
    colours = series_colours(series_key(group) for _, group in groups)
    for name, group in groups:
        colour = colours[series_key(group)]
        marked = _in_conflict(group) | unverified(group)
        fig.add_trace(go.Scatter(
            x=group[x], y=group["value"], name=str(name), mode=mode, line=dict(color=colour, width=2.5),
            marker=dict(size=[11 if m else 7 for m in marked], color=colour, symbol=_symbols(group),
                        line=dict(width=2, color=colour)),
            hovertext=hover_texts(group, x, str(name)), hoverinfo="text",
        ))
    add_unverified_key(fig, frame)
    return localise_date_axis(base_layout(fig, y_title, height))


class StackedConflictError(ValueError):
    """Two figures that disagree would be drawn as one bar (stacked, i.e. summed, or on one label)."""


def bars(frame: pd.DataFrame, y_title: str, label: str = "_label", x: str = "_x", barmode: str = "group",
         height: int = 420) -> go.Figure:
    """Bars per label; `barmode="stack"` only for parts of one whole. Disagreeing figures (rows of
    one conflict group at one x) are never stacked: that would draw their sum."""
    if barmode in ("stack", "relative") and "conflict_group" in frame:
        grouped = frame.dropna(subset=["conflict_group"]).groupby([x, "conflict_group"]).size()
        if (grouped > 1).any():
            raise StackedConflictError(f"refusing to stack disagreeing figures: {list(grouped[grouped > 1].index)}")
    fig = go.Figure()
    groups = list(frame.groupby(label, sort=False))
    colours = series_colours(series_key(group) for _, group in groups)
    for name, group in groups:
        fig.add_trace(go.Bar(
            x=group[x], y=group["value"], name=str(name), marker_color=colours[series_key(group)],
            marker_pattern_shape=_patterns(group),
            hovertext=hover_texts(group, x, str(name)), hoverinfo="text",
        ))
    add_unverified_key(fig, frame, bars=True)
    fig.update_layout(barmode=barmode, bargap=0.25)
    fig.update_xaxes(type="category")
    return base_layout(fig, y_title, height)


LABEL_LINE_PX, LABEL_BAR_PX, LABEL_WRAP = 17, 18, 38
AXIS_TITLE_WRAP = 36  # characters in a line of a ranking's axis title


def label_lines(text: str, width: int = LABEL_WRAP) -> list[str]:
    """A bar's label in lines of at most `width` characters (its own <br> breaks kept)."""
    return [piece for part in str(text).split("<br>") for piece in (textwrap.wrap(part, width) or [""])]


def axis_title_lines(text: str, width: int = AXIS_TITLE_WRAP) -> str:
    """An axis title in lines of at most `width` characters (its own <br> breaks kept); a line too
    long breaks first before its parenthesis, so "(a stock)" stays whole."""
    lines = []
    for part in str(text).split("<br>"):
        head, opening, rest = part.rpartition(" (")
        pieces = [head, f"({rest}"] if len(part) > width and opening and head else [part]
        lines += [line for piece in pieces for line in (textwrap.wrap(piece, width) or [""])]
    return "<br>".join(lines)


def labelled_bars_height(labels: Iterable[str], bars: int) -> int:
    """The height ranked_bars(labels_above=True) needs: a band per bar, its label's lines above it."""
    lines = max((len(label_lines(label)) for label in labels), default=1)
    return (LABEL_LINE_PX * lines + LABEL_BAR_PX + 14) * bars + 90


def ranked_bars(frame: pd.DataFrame, x_title: str, label: str = "_label", height: int | None = None,
                labels_above: bool = False) -> go.Figure:
    """One horizontal bar per row, ranked. Rows that share a label would be drawn as one bar of
    their sum with their value labels on top of each other, so labels must tell every row apart
    (two disagreeing figures: name each one's source).

    `labels_above`: long labels (the claims' figures) are written above their bar, across the
    chart's whole width, instead of beside it: on a phone, labels beside the bars would leave the
    bars a sliver of the width (height from labelled_bars_height)."""
    repeated = frame[label][frame[label].duplicated()]
    if len(repeated):
        raise StackedConflictError(f"one bar per figure: labels {sorted(set(repeated))} name several rows")
    ordered = frame.sort_values("value")
    fig = go.Figure(go.Bar(x=ordered["value"], y=ordered[label], orientation="h", marker_color=PALETTE[0],
                           marker_pattern_shape=_patterns(ordered), hovertext=hover_texts(ordered, label),
                           hoverinfo="text", text=ordered.get("_text"), textposition="outside", cliponaxis=False,
                           showlegend=False))
    base_layout(fig, "", height or max(260, 26 * len(ordered) + 60))
    # A ranking often stands in a narrow column (beside the Where map: ~300 px of plot at 1300 px):
    # its axis title in short lines, or Plotly cuts it at the edge ("… (a stoc").
    fig.update_xaxes(title_text=axis_title_lines(x_title), tickformat=",~r",
                     rangemode="tozero")
    fig.update_yaxes(title_text="", rangemode=None)
    keyed = unverified(ordered).any()
    if keyed:  # the legend only explains the mark; the bars need no legend
        add_unverified_key(fig, ordered, bars=True)
        fig.update_layout({f"xaxis{_MARK_AXIS[1:]}": dict(overlaying="x", visible=False, fixedrange=True)})
    fig.update_layout(showlegend=bool(keyed), barmode="group", margin=dict(l=10, r=60, t=40 if keyed else 20, b=10))
    if labels_above:
        _labels_above(fig, ordered[label].tolist())
    return fig


def _labels_above(fig: go.Figure, labels: list[str]) -> None:
    """Each bar at the foot of its band, its label's lines above it, left-aligned at the chart's edge."""
    lines = max(len(label_lines(text)) for text in labels)
    band = LABEL_LINE_PX * lines + LABEL_BAR_PX + 14
    width, gap = LABEL_BAR_PX / band, 4 / band
    fig.update_traces(width=width, offset=-0.5 + gap, selector=dict(type="bar", orientation="h"))
    fig.update_yaxes(showticklabels=False, showgrid=False, range=[-0.5, len(labels) - 0.5])
    fig.update_layout(annotations=[
        dict(text="<br>".join(label_lines(text)), x=0, xref="paper", xanchor="left", y=i - 0.5 + gap + width,
             yref="y", yanchor="bottom", yshift=2, showarrow=False, align="left", font=dict(size=13))
        for i, text in enumerate(labels)])


# Class breaks for maps: round numbers a reader can quote; only those spanning the data are used.
MAP_BREAKS = [0, 1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000, 10_000_000]
NO_DATA_COLOUR = "#EEF0F2"
OUTSIDE_COLOUR = "#D5D9DE"  # a figure exists but the country is not shaded: it is given in the note
# The map's view in the boundaries' own CRS (EPSG:3035, metres; the ETL projects them): the box
# around Iceland, Portugal, Crete, the Caucasus and the North Cape as pyproj projects those
# points, with about 60 km to spare (tests/app/test_figures.py recomputes it). The app draws;
# it never projects.
MAP_CRS = "urn:ogc:def:crs:EPSG::3035"
MAP_VIEW_X = (2_470_000, 7_320_000)
MAP_VIEW_Y = (1_370_000, 5_490_000)
# Breaks for a number per 1,000 residents (a Belarusian in every 10,000 residents is 0.1).
PER_CAPITA_BREAKS = [0, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 1_000]
FLOW_COLOUR = "#D55E00"  # Okabe-Ito vermilion: apart from the blues of the shading
FLOW_WIDTH = (1.5, 10.0)  # px of the smallest possible and of the largest arrow


class MapCrsError(ValueError):
    """The boundaries are not in the CRS the map's view box is given in."""


def _outline(geometry: dict) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every ring of a (Multi)Polygon, rings separated by NaN (a gap in the drawn
    line). float32 is ample for a screen (whole metres up to 16,777 km stay exact) and halves
    the figure's JSON (sent as binary)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    gap = np.array([[np.nan, np.nan]])
    points = np.concatenate([part for ring in (r for polygon in polygons for r in polygon)
                             for part in (np.asarray(ring, dtype=float), gap)])
    return points[:, 0].astype(np.float32), points[:, 1].astype(np.float32)


def country_label(feature: dict) -> str:
    """A map feature's country name in the reader's language (CLDR), falling back to Natural Earth's."""
    from app.i18n import country
    name = country(feature["id"])
    return name if name != feature["id"] else feature["properties"]["name"]


def map_classes(values: pd.Series, most: int = 6, breaks: list[float] | None = None) -> list[tuple[float, float]]:
    """Consecutive [low, high) classes from `breaks` (MAP_BREAKS) covering the values; where there
    would be more than `most`, the lowest are merged (the detail that matters is at the top)."""
    steps: list[float] = list(MAP_BREAKS if breaks is None else breaks)
    low = max(b for b in steps if b <= values.min())
    high = min(b for b in steps if b > values.max())
    used = [b for b in steps if low <= b <= high]
    while len(used) > most + 1:
        used.pop(1)
    return list(zip(used[:-1], used[1:]))


def _break_text(value: float) -> str:
    """A class break as written: whole numbers without decimals, others with as many as they need."""
    if float(value).is_integer():
        return formatting.number(value)
    decimals = len(f"{value:.6f}".rstrip("0").split(".")[1])
    return formatting.number(value, decimals=decimals)


def class_label(low: float, high: float, counts: bool = True) -> str:
    """A legend entry: '1,000 – 4,999' for whole-number counts (MAP_BREAKS), '0.5 – 1' (from 0.5 to
    under 1) for rates such as a number per 1,000 residents (PER_CAPITA_BREAKS, `counts` False)."""
    if counts:
        return f"{formatting.number(low)} – {formatting.number(high - 1)}"
    return f"{_break_text(low)} – {_break_text(high)}"


def bbox_view(geojson: dict, margin: float = 0.04) -> tuple[tuple[float, float], tuple[float, float]]:
    """The view (x range, y range) of a map from its GeoJSON `bbox` (written by the ETL), with a margin."""
    x0, y0, x1, y1 = geojson["bbox"]
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - dx, x1 + dx), (y0 - dy, y1 + dy)


def choropleth(frame: pd.DataFrame, geojson: dict, colour_title: str, height: int = 560,
               outside: pd.DataFrame | None = None, outside_name: str = "", key: str = "destination",
               breaks: list[float] | None = None,
               view: tuple[tuple[float, float], tuple[float, float]] | None = None) -> go.Figure:
    """Europe map from the release's own boundaries, drawn as filled shapes on plain axes.

    Plotly's geo traces make the browser fetch a world topojson from a CDN even when every shape
    comes from our GeoJSON, and draw nothing offline; plain axes avoid that, and the ETL has
    projected the shapes already (EPSG:3035, recorded in the file's `crs`). Countries with
    data are shaded by class (the legend gives the ranges, highest first); the others are light
    grey, so the map never has holes. Hover shows `_hover` where given. `outside`: rows (with
    `destination` and `_hover`) of countries drawn with a figure that the map does not shade (the
    note gives it): a darker grey of their own, legend `outside_name`, hover their `_hover`, never
    'no data'. `key`: the column holding feature ids (ISO3 countries; ISO 3166-2 codes of
    Poland's voivodeships); `breaks`: the class breaks (MAP_BREAKS for counts, PER_CAPITA_BREAKS
    for a number per 1,000 residents); `view`: the x and y ranges (Europe by default)."""
    crs = geojson.get("crs", {}).get("properties", {}).get("name")
    if crs != MAP_CRS:  # lon/lat drawn on a metre view box would be a dot in a corner
        raise MapCrsError(f"map boundaries must be in {MAP_CRS}, got {crs}")
    by_country = frame.set_index(key)
    hover = by_country["_hover"] if "_hover" in by_country else by_country["value"].map(formatting.number)
    features = {f["id"]: f for f in geojson["features"]}
    classes = map_classes(by_country["value"], breaks=breaks)
    colours = sample_colorscale("Blues", np.linspace(0.3, 1.0, len(classes)).tolist())
    traces = []  # plain dicts, validated once when the figure is made: 60-odd go.Scatter objects are slow

    def draw(feature: dict, colour: str, text: str, legend_name: str, rank: int, in_legend: bool) -> None:
        xs, ys = _outline(feature["geometry"])
        traces.append(dict(
            type="scatter", x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour,
            line=dict(color="#FFFFFF", width=0.6), hoveron="fills", text=text, hoverinfo="text", name=legend_name,
            legendgroup=legend_name, showlegend=in_legend, legendrank=rank,
        ))

    noted = (outside.set_index("destination")["_hover"] if outside is not None and len(outside)
             else pd.Series(dtype=object))
    noted = noted[[code in features and code not in by_country.index for code in noted.index]]
    for i, code in enumerate(noted.index):
        draw(features[code], OUTSIDE_COLOUR, noted[code], outside_name, len(classes) + 1, i == 0)
    blank = [feature for code, feature in features.items() if code not in by_country.index and code not in noted.index]
    for i, feature in enumerate(blank):
        no_data = t("common.no_data")
        draw(feature, NO_DATA_COLOUR, f"{country_label(feature)}: {no_data}", no_data, len(classes) + 2, i == 0)
    for rank, ((low, high), colour) in enumerate(zip(classes, colours)):
        legend_name = class_label(low, high, counts=all(float(b).is_integer() for b in breaks or MAP_BREAKS))
        members = [code for code, value in by_country["value"].items() if low <= value < high and code in features]
        for i, code in enumerate(members):
            draw(features[code], colour, hover[code], legend_name, len(classes) - rank, i == 0)
    fig = go.Figure(data=traces)
    view_x, view_y = view or (MAP_VIEW_X, MAP_VIEW_Y)
    # Both axes keep their range and give up plot width or height instead: the whole view stays in sight.
    fig.update_xaxes(visible=False, range=list(view_x), constrain="domain", fixedrange=True)
    fig.update_yaxes(visible=False, range=list(view_y), scaleanchor="x", constrain="domain", fixedrange=True)
    white_template(fig).update_layout(
        height=height, margin=dict(l=0, r=0, t=60, b=0), font=dict(family=FONT, size=13),
        plot_bgcolor="#FFFFFF", hovermode="closest", dragmode=False,
        legend=dict(LEGEND_BELOW, title_text=colour_title, itemclick=False, itemdoubleclick=False),
    )
    return fig


def add_flow_arrows(fig: go.Figure, arrows: pd.DataFrame, legend_title: str) -> go.Figure:
    """Arrows on a map, one per row, from (`_x0`, `_y0`) to (`_x1`, `_y1`) in the map's metres
    (label points the ETL computed), as wide as the row's value: the width's square grows with
    the value, the largest arrow is FLOW_WIDTH[1] px. They have their own colour and their own
    legend (`legend_title` says what they count; its key shows the widest and the narrowest arrow
    with their country and value), never a class of the shading's legend. The hover at the
    arrowhead is the row's `_hover`."""
    if arrows.empty:
        return fig
    low, high = FLOW_WIDTH
    largest = float(arrows["value"].max())
    ordered = arrows.sort_values("value", ascending=False).to_dict("records")

    def width(value: float) -> float:
        return low + (high - low) * (float(value) / largest) ** 0.5 if largest > 0 else low

    for row in ordered:
        w = width(row["value"])
        fig.add_trace(go.Scatter(
            x=[row["_x0"], row["_x1"]], y=[row["_y0"], row["_y1"]], mode="lines+markers", name=legend_title,
            line=dict(color=FLOW_COLOUR, width=w), opacity=0.85, showlegend=False,
            marker=dict(symbol=["circle", "arrow"], angleref="previous", size=[0, 2 * w + 8], color=FLOW_COLOUR,
                        line=dict(width=0)),
            hovertext=["", row["_hover"]], hoverinfo="text",
        ))
    keys = [ordered[0]] + ([ordered[-1]] if len(ordered) > 1 else [])  # the widest and the narrowest
    for row in keys:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", legend="legend2", hoverinfo="skip",
                                 name=f"{i18n.country(row['destination'])}: {formatting.number(row['value'])}",
                                 line=dict(color=FLOW_COLOUR, width=width(row["value"]))))
    fig.update_layout(legend2=dict(title=dict(text=legend_title, side="top"), orientation="h", x=0, y=0,
                                   xanchor="left", yanchor="bottom", bgcolor="rgba(255,255,255,0.85)",
                                   itemclick=False, itemdoubleclick=False))
    return fig


EVENTS_META = "events"


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
EVENT_ROW_GAP = 0.045     # of the axis width: closer events than this go on separate rows, so numbers never overlap
EVENT_ROW_STEP = 0.075    # of the plot height between rows of event markers


def _dates(x) -> pd.Series | None:
    """A trace's x values as dates, or None when they are not dates (countries, counts)."""
    values = pd.Series(list(x))
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dropna()
    if values.map(lambda v: isinstance(v, (pd.Timestamp, date))
                  or (isinstance(v, str) and bool(ISO_DATE.match(v)))).all():
        return pd.to_datetime(values, format="ISO8601").dropna()
    return None


def _x_span(xs: Iterable) -> float:
    """The width of the time axis in days, from every drawn date of the traces' x values."""
    days = []
    for x in xs:
        drawn = _dates(x) if x is not None and len(x) else None
        if drawn is not None and not drawn.empty:
            days += [drawn.min(), drawn.max()]
    return (max(days) - min(days)).days if days else 0


def _event_heights(x, span: float) -> list[float]:
    """Where each event marker stands: the top row, or a row lower when the last marker of every
    row above is closer than EVENT_ROW_GAP of the axis (its number would print over the other)."""
    dates = pd.to_datetime(pd.Series(list(x)))
    last_on_row: list[pd.Timestamp] = []
    rows = [0] * len(dates)
    for position, when in dates.sort_values().items():
        row = next((i for i, last in enumerate(last_on_row) if (when - last).days >= EVENT_ROW_GAP * span),
                   len(last_on_row))
        last_on_row[row:row + 1] = [when]
        rows[position] = row
    return [1.0 - EVENT_ROW_STEP * row for row in rows]


def label_events(fig: go.Figure) -> go.Figure:
    """For outputs without hover (images, PDF, the static edition): the event markers carry their
    numbers, which the caption's list of events explains (Caption.events). Events too close in
    time for their numbers to stand side by side (days apart, on an axis of years) are stepped
    down into rows."""
    span = _x_span(getattr(trace, "x", None) for trace in fig.data)
    for trace in fig.select_traces(selector=dict(meta=EVENTS_META)):
        trace.update(mode="markers+text", y=_event_heights(trace.x, span))
    return fig


def label_events_in(spec: dict) -> dict:
    """label_events on a figure's dict (an image's own copy of the card's figure)."""
    span = _x_span(trace.get("x") for trace in spec["data"])
    for trace in spec["data"]:
        if trace.get("meta") == EVENTS_META:
            trace.update(mode="markers+text", y=_event_heights(trace["x"], span))
    return spec


def add_events(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """Mark dated events on a time axis: a dotted line each and a hover marker on top with the
    date, the event and its source."""
    if events.empty:
        return fig
    for when in events["date"]:
        fig.add_shape(type="line", x0=when, x1=when, yref="paper", y0=0, y1=1,
                      line=dict(color=EVENT_COLOUR, width=1, dash="dot"), layer="below")
    fig.add_trace(go.Scatter(
        x=events["date"], y=[1.0] * len(events), yaxis="y2", mode="markers", name=t("common.events_legend"),
        marker=dict(symbol="triangle-down", size=11, color=EVENT_COLOUR),
        hovertext=events["_hover"], hoverinfo="text", showlegend=True, meta=EVENTS_META,
        # numbers, drawn only where there is no hover (label_events): the caption lists them (events.listed)
        text=[str(i) for i in range(1, len(events) + 1)], textposition="middle right",
        textfont=dict(size=11, color=EVENT_COLOUR), cliponaxis=False,
    ))
    fig.update_layout(yaxis2=dict(overlaying="y", range=[0, 1.04], visible=False, fixedrange=True))
    return fig
