"""The chart card: the one way a chart reaches a page.

Title, subtitle, the chart, a note, the source line (publisher, title, link, licence), the data
date, alt text, the plotted data as a table and a CSV download of exactly those rows, and a share
menu: the link to the view, an embed snippet, PNG and SVG images with title, source and date drawn
in. Where curated sources disagree, both values are marked on the chart and listed under it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import data, formatting, image_export, url_state
from app.i18n import t
from app.sources import CURATED_LICENCE, HOST_DISPLAY, SourceRef, host, refs_for, with_source_columns

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


def link_with_host(text: str, url: str) -> str:
    """A markdown link followed by the host it leads to: '[Pozirk](<…>) (pozirk.online)'."""
    return f"[{md(text)}](<{url}>) ({md(host(url))})"


def source_line(refs: list[SourceRef]) -> str:
    """'Source: publisher, title (link) (host), release — licence'. Curated figures, often many per
    chart, are listed compactly as linked publishers with their hosts; each row's full citation
    (title, date, link) is in the chart's data table."""
    structured = [r for r in refs if r.licence != CURATED_LICENCE]
    curated = [r for r in refs if r.licence == CURATED_LICENCE]
    parts = []
    for ref in structured:
        released = f", {md(ref.released)}" if ref.released else ""
        parts.append(f"{md(ref.publisher)}, {link_with_host(ref.title, ref.url)}{released} — {md(ref.licence)}")
    if curated:
        links = ", ".join(link_with_host(r.publisher, r.url) for r in curated)
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


def focus_css(card_key: str) -> str:
    """Style that leaves one card alone on the page (embeds): everything in the main area that
    neither is nor contains the card is hidden; its column takes the full width. `card_key` is one
    of our own card keys, matched against the URL, never URL text."""
    card = f".st-key-card-{card_key}"
    main = '[data-testid="stMain"]'
    return (f"<style>{main} [data-testid='stVerticalBlock'] > :not(:has({card})):not({card}):not({card} *)"
            "{display:none !important}"
            f"{main} [data-testid='stHorizontalBlock']:not({card} *) > :not(:has({card}))"
            "{display:none !important}"
            f"{main} [data-testid='stColumn']:has({card}){{width:100% !important;flex:1 1 100% !important}}"
            # Streamlit's embed mode keeps the sidebar; an embedded chart has no use for it.
            "[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none !important}"
            f"{main} .block-container{{padding-top:1rem !important}}</style>")


def embed_snippet(link: str, title: str) -> str:
    """A responsive iframe: full width of the article column, a height that fits chart, note and
    source without inner scrolling on a laptop."""
    return (f'<iframe src="{html.escape(link)}" title="{html.escape(title)}" loading="lazy" '
            'style="width:100%;height:720px;border:0;"></iframe>')


def share_controls(card: ChartCard, release: data.Release, figure: go.Figure) -> None:
    """Link to the view, embed snippet and images with title, source and date drawn in.

    The menu is filled when the page has run (url_state.finish): only then are all of the page's
    filters known, including those drawn below this card."""
    view = url_state.current_or_none()
    menu = st.popover(t("common.share"), icon=":material/share:", key=f"share-{card.key}")

    def fill() -> None:
        link = url_state.link(view, card.key) if view is not None else None
        # Built now, in the reader's language; kaleido draws it only when a button is clicked.
        exported = image_export.export_figure(card, release, link=link, figure=figure)
        with menu:
            if link is not None:
                st.markdown(t("common.share_link_label"))
                st.code(link, language=None, wrap_lines=True)
                st.markdown(t("common.embed_label"))
                st.code(embed_snippet(url_state.link(view, card.key, alone=True),
                                      t("common.embed_title", title=card.title)), language="html", wrap_lines=True)
            st.caption(t("common.image_help"))
            for fmt in image_export.FORMATS:
                st.download_button(t(f"common.download_{fmt}"),
                                   lambda fmt=fmt: image_export.image_bytes(exported, fmt),
                                   file_name=image_export.file_name(card.key, fmt), mime=image_export.MIME[fmt],
                                   key=f"{fmt}-{card.key}", on_click="ignore", icon=":material/image:")

    if view is None:
        fill()
    else:
        view.when_finished(fill)


def render(card: ChartCard, release: data.Release) -> None:
    alone = url_state.note_card(card.key)
    if url_state.focused() not in (None, card.key):
        return  # the URL asks for another card alone: skip the work of drawing this one
    if alone:
        st.html(focus_css(card.key))
    figure = card.build(card.data)
    refs = refs_for(card.data, release)
    with st.container(border=True, key=f"card-{card.key}"):
        st.subheader(md(card.title), anchor=card.key)
        st.markdown(md(card.subtitle))
        # The toolbar's camera would save the plot without its title and source; images come
        # from the share menu instead, drawn with both.
        st.plotly_chart(figure, key=f"chart-{card.key}", alt=card.alt, config={
            "displaylogo": False, "modeBarButtonsToRemove": ["toImage"]})
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
                         column_config={"source_url": st.column_config.LinkColumn("source link",
                                                                                   display_text=HOST_DISPLAY),
                                        "value": st.column_config.NumberColumn(format="localized")})
            st.download_button(t("common.download_csv"), table.to_csv(index=False).encode("utf-8"),
                               file_name=f"belarus-exiles-{card.key}.csv", mime="text/csv",
                               key=f"csv-{card.key}", on_click="ignore", icon=":material/download:")
        if alone:  # an embed: the way back to the whole dashboard, at this view
            st.link_button(t("common.open_in_dashboard"), url_state.link(url_state.current(), card.key),
                           icon=":material/open_in_new:")
        else:
            share_controls(card, release, figure)
