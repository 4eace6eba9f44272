"""Plotly figure builders. Each takes the exact frame the chart card will show and download,
so what is plotted and what is offered as data cannot drift apart.

Columns starting with '_' are presentation helpers (labels, hover text): drawn, never exported.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
EVENT_COLOUR = "#6E7781"
FONT = "Source Sans Pro, Helvetica Neue, Arial, sans-serif"
CONFLICT_SYMBOL = "diamond-open"


def base_layout(fig: go.Figure, y_title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, colorway=PALETTE, font=dict(family=FONT, size=13),
        margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title_text=""),
        separators=".,",
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",~r", gridcolor="#E6E8EB")
    fig.update_xaxes(gridcolor="#F0F1F3")
    return fig


def lines(frame: pd.DataFrame, y_title: str, label: str = "_label", x: str = "period_end",
          mode: str = "lines+markers", height: int = 420) -> go.Figure:
    """One line per label. Points whose sources disagree are drawn as open diamonds."""
    fig = go.Figure()
    for i, (name, group) in enumerate(frame.groupby(label, sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        conflict = group["conflict_group"].notna() if "conflict_group" in group else pd.Series(False, index=group.index)
        fig.add_trace(go.Scatter(
            x=group[x], y=group["value"], name=str(name), mode=mode, line=dict(color=colour, width=2.5),
            marker=dict(size=[11 if c else 7 for c in conflict], color=colour,
                        symbol=[CONFLICT_SYMBOL if c else "circle" for c in conflict], line=dict(width=2, color=colour)),
            hovertext=group.get("_hover"), hoverinfo="text" if "_hover" in group else "x+y+name",
        ))
    return base_layout(fig, y_title, height)


def bars(frame: pd.DataFrame, y_title: str, label: str = "_label", x: str = "_x", barmode: str = "group",
         height: int = 420) -> go.Figure:
    fig = go.Figure()
    for i, (name, group) in enumerate(frame.groupby(label, sort=False)):
        conflict = group["conflict_group"].notna() if "conflict_group" in group else pd.Series(False, index=group.index)
        fig.add_trace(go.Bar(
            x=group[x], y=group["value"], name=str(name), marker_color=PALETTE[i % len(PALETTE)],
            marker_pattern_shape=["/" if c else "" for c in conflict],
            hovertext=group.get("_hover"), hoverinfo="text" if "_hover" in group else "x+y+name",
        ))
    fig.update_layout(barmode=barmode, bargap=0.25)
    fig.update_xaxes(type="category")
    return base_layout(fig, y_title, height)


def ranked_bars(frame: pd.DataFrame, x_title: str, label: str = "_label", height: int | None = None) -> go.Figure:
    ordered = frame.sort_values("value")
    fig = go.Figure(go.Bar(x=ordered["value"], y=ordered[label], orientation="h", marker_color=PALETTE[0],
                           hovertext=ordered.get("_hover"), hoverinfo="text" if "_hover" in ordered else "x+y",
                           text=ordered.get("_text"), textposition="outside", cliponaxis=False))
    base_layout(fig, "", height or max(260, 26 * len(ordered) + 60))
    fig.update_xaxes(title_text=x_title, tickformat=",~r", rangemode="tozero")
    fig.update_yaxes(title_text="", rangemode=None)
    fig.update_layout(showlegend=False, margin=dict(l=10, r=60, t=20, b=10))
    return fig


def choropleth(frame: pd.DataFrame, geojson: dict, colour_title: str, height: int = 560) -> go.Figure:
    """Europe map from the release's own boundaries (no tiles, no CDN shapes): countries with
    data are shaded; the others are drawn light grey so the map never has holes."""
    with_data = set(frame["destination"])
    blank = {"type": "FeatureCollection",
             "features": [f for f in geojson["features"] if f["id"] not in with_data]}
    shaded = {"type": "FeatureCollection",
              "features": [f for f in geojson["features"] if f["id"] in with_data]}
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        geojson=blank, locations=[f["id"] for f in blank["features"]], z=[0] * len(blank["features"]),
        featureidkey="id", colorscale=[[0, "#EEF0F2"], [1, "#EEF0F2"]], showscale=False,
        marker_line_color="#FFFFFF", marker_line_width=0.6, hoverinfo="text",
        hovertext=[f"{f['properties']['name']}: no data" for f in blank["features"]], name="no data",
    ))
    fig.add_trace(go.Choropleth(
        geojson=shaded, locations=frame["destination"], z=frame["value"], featureidkey="id",
        colorscale="Blues", marker_line_color="#FFFFFF", marker_line_width=0.6,
        colorbar=dict(title=dict(text=colour_title), tickformat=",~r", thickness=12),
        hovertext=frame.get("_hover"), hoverinfo="text" if "_hover" in frame else "location+z",
    ))
    fig.update_geos(visible=False, projection_type="conic equal area", projection_rotation_lon=15,
                    lonaxis_range=[-24, 50], lataxis_range=[34, 71], showframe=False,
                    center=dict(lon=15, lat=53))
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), font=dict(family=FONT, size=13))
    return fig


def add_events(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """Mark dated events on a time axis: a dotted line each and a hover marker on top with the
    date, the event and its source."""
    if events.empty:
        return fig
    for when in events["date"]:
        fig.add_shape(type="line", x0=when, x1=when, yref="paper", y0=0, y1=1,
                      line=dict(color=EVENT_COLOUR, width=1, dash="dot"), layer="below")
    fig.add_trace(go.Scatter(
        x=events["date"], y=[1.0] * len(events), yaxis="y2", mode="markers", name="Events",
        marker=dict(symbol="triangle-down", size=11, color=EVENT_COLOUR),
        hovertext=events["_hover"], hoverinfo="text", showlegend=True,
    ))
    fig.update_layout(yaxis2=dict(overlaying="y", range=[0, 1.04], visible=False, fixedrange=True))
    return fig
