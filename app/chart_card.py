"""The chart card: the one way a chart reaches a page.

Title, subtitle, the chart, a note, the source line (publisher, title, link, licence), the data
date, alt text, the plotted data as a table and a CSV download of exactly those rows. Where
curated sources disagree, both values are marked on the chart and listed under it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import data, formatting
from app.i18n import t
from app.sources import CURATED_LICENCE, SourceRef, refs_for, with_source_columns

EXPORT_FIRST = ["indicator", "origin", "destination", "category", "period_start", "period_end", "value", "unit",
                "kind", "flag", "fact_id", "conflict_group", "verification", "source", "source_url"]
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


@dataclass
class ChartCard:
    key: str                      # stable id: anchor, widget keys, file names
    title: str
    subtitle: str
    data: pd.DataFrame            # exactly the rows plotted (tidy, from pub_series)
    build: Callable[[pd.DataFrame], go.Figure]
    alt: str                      # what the chart shows, in words
    note: str = ""


def md(text: str) -> str:
    """Escape text for Streamlit markdown so titles with brackets or asterisks print as written."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def source_line(refs: list[SourceRef]) -> str:
    """'Source: publisher, title (link), release — licence'. Curated figures, often many per
    chart, are listed compactly as linked publishers; each row's full citation is in the data."""
    structured = [r for r in refs if r.licence != CURATED_LICENCE]
    curated = [r for r in refs if r.licence == CURATED_LICENCE]
    parts = []
    for ref in structured:
        released = f", {md(ref.released)}" if ref.released else ""
        parts.append(f"{md(ref.publisher)}, [{md(ref.title)}](<{ref.url}>){released} — {md(ref.licence)}")
    if curated:
        links = ", ".join(f"[{md(r.publisher)}](<{r.url}>)" for r in curated)
        parts.append(t("common.curated_sources", links=links))
    return f"**{t('common.source_label')}** " + "; ".join(parts) if parts else ""


def export_table(frame: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    """The plotted rows with their citation, presentation helpers dropped, dates as ISO."""
    table = with_source_columns(frame, release)
    table = table[[c for c in table.columns if not c.startswith("_")]]
    ordered = [c for c in EXPORT_FIRST if c in table.columns]
    table = table[ordered + [c for c in table.columns if c not in ordered]]
    for column in ("period_start", "period_end", "date"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m-%d")
    return table


def data_as_of(frame: pd.DataFrame) -> str:
    latest = frame["period_end"].max()
    return t("common.latest_figure", date=formatting.date(latest)) if pd.notna(latest) else ""


def conflicts_for(frame: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    groups = frame["conflict_group"].dropna().unique() if "conflict_group" in frame else []
    if not len(groups):
        return pd.DataFrame()
    facts = data.facts(release)
    rows = facts[facts["conflict_group"].isin(groups)]
    table = rows[["conflict_group", "fact_id", "metric", "value", "unit", "period_start", "period_end",
                  "publisher", "source_url", "note"]].sort_values(["conflict_group", "fact_id"])
    return table.assign(period_start=table["period_start"].dt.strftime("%Y-%m-%d"),
                        period_end=table["period_end"].dt.strftime("%Y-%m-%d"))


def render(card: ChartCard, release: data.Release) -> None:
    figure = card.build(card.data)
    refs = refs_for(card.data, release)
    with st.container(border=True, key=f"card-{card.key}"):
        st.markdown(f"### {md(card.title)}")
        st.markdown(md(card.subtitle))
        st.plotly_chart(figure, key=f"chart-{card.key}", alt=card.alt, config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": f"belarus-exiles-{card.key}", "scale": 2},
        })
        if card.note:
            st.caption(f"**{t('common.note_label')}** {md(card.note)}")
        st.caption(source_line(refs))
        st.caption(md(data_as_of(card.data)))
        conflicts = conflicts_for(card.data, release)
        if not conflicts.empty:
            st.warning(t("common.conflict_warning"), icon=":material/compare_arrows:")
            st.page_link("pages/sources.py", label=t("claims.conflicts_link"), icon=":material/compare_arrows:")
            st.dataframe(conflicts, hide_index=True, key=f"conflicts-{card.key}",
                         column_config={"source_url": st.column_config.LinkColumn("source")})
        table = export_table(card.data, release)
        with st.expander(t("common.data_expander")):
            st.markdown(f"**{t('common.what_chart_shows')}** {md(card.alt)}")
            st.dataframe(table, hide_index=True, key=f"table-{card.key}", alt=card.alt,
                         column_config={"source_url": st.column_config.LinkColumn("source link"),
                                        "value": st.column_config.NumberColumn(format="localized")})
            st.download_button(t("common.download_csv"), table.to_csv(index=False).encode("utf-8"),
                               file_name=f"belarus-exiles-{card.key}.csv", mime="text/csv",
                               key=f"csv-{card.key}", on_click="ignore", icon=":material/download:")
