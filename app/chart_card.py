"""The chart card: the one way a chart reaches a page.

Title, subtitle, the chart, a note, the source line (publisher, title, link, licence), the data
date, alt text, the plotted data as a table and a CSV download of exactly those rows, and a share
menu: the link to the view, an embed snippet, PNG and SVG images with title, source and date drawn
in. Where curated sources disagree, both values are marked on the chart and listed under it.
Curated figures not re-checked against their source are marked on the chart (app.figures) and
named in the note and the alt text of every card that plots them (ChartCard adds the sentence).

Tables a reader sees have headers in the reader's language and values as a reader reads them
(numbers with separators and units, dates as precisely as they are known); the CSV keeps the
published column names and ISO dates, for reuse.
"""
from __future__ import annotations

import functools

import html
import math
import re
from typing import Any
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from app import download_grace  # noqa: F401  (installs: a file made on a click outlives the sweeps)
from app import chrome, data, figures, formatting, html_table, i18n, image_export, per_capita, run_gate, url_state
from app.caption import Caption, data_as_of, plain, unverified_note
from app.card import ChartCard
from app.i18n import t
from app.indicator_text import indicator_text
from app.markdown import md
from app.sent_figure import SentFigure
from app.sources import CURATED_LICENCE, HOST_DISPLAY, SourceRef, host, published_date, with_source_columns
from app.views_sources import group_labels, readable_note

EXPORT_FIRST = ["indicator", "origin", "destination", "category", "period_start", "period_end", "value", "unit",
                "kind", "flag", "fact_id", "conflict_group", "verification", "source", "source_url"]
# Re-exported for callers that know the card by this module (the model lives in app/card.py and
# app/caption.py, which the image export and the PDF import without importing the page's card).
__all__ = ["ChartCard", "Caption", "data_as_of", "plain", "unverified_note"]

def link_with_host(text: str, url: str) -> str:
    """A markdown link followed by the host it leads to: '[Pozirk](<…>) (pozirk.online)'."""
    return f"[{md(text)}](<{url}>) ({md(host(url))})"


def caption_lines(caption: Caption) -> list[str]:
    """The caption as the page prints it, in markdown: title, subtitle, note, source line, latest
    figure. (The view's link is in the share menu.)"""
    # the screen adds what hovering shows; outputs without hover never say "hover" (caption.hint)
    lines = [md(caption.title), md(" ".join(part for part in (caption.subtitle, caption.hint) if part))]
    if caption.full_note:
        lines.append(f"**{t('common.note_label')}** {md(caption.full_note)}")
    return lines + [source_line(list(caption.sources)), md(caption.data_as_of)]


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


def checked_label(source_id, verification) -> str:
    """Whether a row's figure was checked: official statistics, or a curated figure found (or not
    found) on a stored copy of the cited page."""
    if source_id != "curated":
        return t("common.checked_official")
    return t("common.checked_unverified" if verification == figures.UNVERIFIED else "common.checked_verified")


def _flag_label(flag) -> str:
    if not isinstance(flag, str):
        return ""
    return ", ".join(t(f"where.flag_{letter}") if letter in "bdepu" else letter for letter in flag)


def reader_table(frame: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    """The plotted rows as a reader reads them: one row per figure, headers in the reader's
    language, values with their unit, periods as precisely as they are known, who published each
    figure and its link (the column named by t('common.col_link')). Columns that would be empty
    for every row are left out."""
    cited = with_source_columns(frame, release)
    rows = cited.to_dict("records")
    columns: dict[str, list] = {}
    if "_label" in cited:
        columns[t("common.col_series")] = [plain(row["_label"]) for row in rows]
    else:
        columns[t("common.col_series")] = [indicator_text(row["indicator"], "title") for row in rows]
    periods = [formatting.row_period(row) for row in rows]
    places = [i18n.country(row["destination"]) for row in rows]
    if "_x" in cited:  # what the axis shows, where it is more than the period or the place
        labels = [plain(row["_x"]) for row in rows]
        if any(label not in (period, str(row["period_end"].year), place)
               for label, period, place, row in zip(labels, periods, places, rows)):
            columns[t("common.col_category")] = labels
    if cited["origin"].nunique() > 1:
        columns[t("common.col_citizenship")] = [i18n.country(row["origin"]) for row in rows]
    columns[t("common.col_place")] = places
    columns[t("common.col_period")] = periods
    columns[t("common.col_value")] = [formatting.value_with_unit(row["value"], row["unit"]) for row in rows]
    if "per_1000" in cited:  # a per-capita view: the denominator and the figure drawn (arrows have neither)
        columns[t("common.col_population")] = [
            t("common.population_in_year", population=formatting.number(row["population"]),
              year=int(row["population_year"])) if pd.notna(row["population"]) else "" for row in rows]
        columns[t("common.col_per_1000", per=formatting.number(per_capita.PER))] = [
            per_capita.text(row["per_1000"]) if pd.notna(row["per_1000"]) else "" for row in rows]
    if cited["flag"].notna().any() if "flag" in cited else False:
        columns[t("common.col_flag")] = [_flag_label(row["flag"]) for row in rows]
    if (cited["source_id"] == "curated").any():
        columns[t("common.col_checked")] = [checked_label(row["source_id"], row.get("verification")) for row in rows]
    if "conflict_group" in cited and cited["conflict_group"].notna().any():
        columns[t("common.col_conflict")] = [t("common.conflict_yes") if pd.notna(row["conflict_group"]) else ""
                                             for row in rows]
    columns[t("common.col_source")] = [row["source"] for row in rows]
    # Each figure's own citation: the title and date of what it was quoted from (curated figures
    # cite one article each), not only the publisher.
    columns[t("common.col_source_title")] = [row["source_title"] for row in rows]
    columns[t("common.col_published")] = [published_date(row["published"]) for row in rows]
    columns[t("common.col_link")] = [row["source_url"] or None for row in rows]
    return pd.DataFrame(columns)


# Out of sight, read by screen readers, shown when a keyboard reader's focus enters it (styled by
# the page CSS, chrome.ACCESSIBILITY_CSS).
SCREEN_READER_CLASS = chrome.SCREEN_READER_CLASS


def accessible_table(table: pd.DataFrame, title: str) -> str:
    """The card's reader table as a real HTML table (caption, <th scope>, every cell escaped, in the
    reader's language), for screen readers: st.dataframe draws its cells on a canvas. The same
    renderer as the static edition's card pages (app/html_table.py)."""
    return html_table.table(table, t("edition.table_caption", title=title), t("common.col_value"),
                            lang=i18n.language(), wrap_class=SCREEN_READER_CLASS)


# A table shown as it is (the disagreements under a card), styled by the page CSS
# (chrome.ACCESSIBILITY_CSS): scrolls sideways inside its own box on a narrow screen.
TABLE_CLASS = chrome.TABLE_CLASS


def conflicts_table(conflicts: pd.DataFrame, title: str) -> str:
    """Every figure of the disagreements a card plots, as a real HTML table in the reader's language
    (the renderer of the static edition's conflicts table, app/html_table.py): shown under the
    chart, read cell by cell by a screen reader (an st.dataframe is a canvas), and no dataframe
    chunk for a first visit to download and run before the page's first chart (issue 16, target 4)."""
    return html_table.table(conflicts, t("edition.conflicts_caption", title=title), t("common.col_value"),
                            lang=i18n.language(), wrap_class=TABLE_CLASS)


def conflicts_for(frame: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    """Every figure of each conflict group the plotted rows belong to, as a reader reads them: what
    disagrees, each figure with its unit and period, who published it, its link, whether it was
    re-checked, and the curator's note (quoted as written)."""
    groups = frame["conflict_group"].dropna().unique() if "conflict_group" in frame else []
    if not len(groups):
        return pd.DataFrame()
    facts = data.facts(release)
    rows = facts[facts["conflict_group"].isin(groups)].sort_values(["conflict_group", "period_end", "fact_id"])
    labels = group_labels(facts[facts["conflict_group"].notna()])
    records = rows.to_dict("records")
    return pd.DataFrame({
        t("common.col_disagreement"): [labels[row["conflict_group"]] for row in records],
        t("common.col_value"): [formatting.value_with_unit(row["value"], row["unit"]) for row in records],
        t("common.col_period"): [formatting.row_period(row) for row in records],
        t("common.col_source"): [row["publisher"] for row in records],
        t("common.col_link"): [row["source_url"] for row in records],
        t("common.col_checked"): [checked_label("curated", row["verification"]) for row in records],
        t("common.col_curator_note"): [readable_note(row["note"], facts) for row in records],
    })


# The toolbar's tooltips, by Plotly's own English strings (its locale dictionary keys).
TOOLBAR_KEYS = {"Zoom": "zoom", "Pan": "pan", "Box Select": "box_select", "Lasso Select": "lasso_select",
                "Zoom in": "zoom_in", "Zoom out": "zoom_out", "Autoscale": "autoscale", "Reset axes": "reset_axes",
                "Reset view": "reset_view", "Double-click to zoom back out": "double_click",
                "Toggle Spike Lines": "spike_lines"}


def plotly_config() -> dict:
    """The chart's Plotly config in the reader's language. Plotly ships locale bundles, but the page
    loads none, so the locale is handed over in the config itself (Plotly's `locales`): the
    toolbar's tooltips from our catalogues, month and day names from CLDR (babel) for anything
    Plotly formats itself. Tick labels of date axes are explicit texts (app.figures.date_ticks), so
    images and PDFs, drawn without this config, are in the reader's language too. The toolbar
    shows on hover only, and the camera is removed: images come from the share menu, with
    title and source drawn in."""
    return _plotly_config(i18n.language())


@functools.lru_cache(maxsize=8)  # one per language: the same for every chart and every run
def _plotly_config(language: str) -> dict:
    from babel.dates import get_day_names, get_month_names
    with i18n.speaking(language):
        locale = i18n.babel_locale()
        toolbar = {english: t(f"common.plotly_{key}") for english, key in TOOLBAR_KEYS.items()}
    months = get_month_names("wide", "stand-alone", locale)
    short_months = get_month_names("abbreviated", "stand-alone", locale)
    days = get_day_names("wide", "stand-alone", locale)
    short_days = get_day_names("abbreviated", "stand-alone", locale)
    week = [6, 0, 1, 2, 3, 4, 5]  # Plotly's weeks start on Sunday, babel's day 0 is Monday
    return {
        "displaylogo": False, "modeBarButtonsToRemove": ["toImage"], "displayModeBar": "hover",
        "locale": language,
        "locales": {language: {
            "dictionary": toolbar,
            "format": {"months": [months[m] for m in range(1, 13)],
                       "shortMonths": [short_months[m] for m in range(1, 13)],
                       "days": [days[d] for d in week], "shortDays": [short_days[d] for d in week]},
        }},
    }


def focus_css(card_key: str) -> str:
    """Style that leaves one card alone on the page (embeds): everything in the main area that
    neither is nor contains the card is hidden; its column takes the full width. Streamlit's
    header, its "»" button (which would open the whole app's navigation inside an article) and the
    sidebar are hidden too, and the card starts at the top of the frame: nothing covers its title.
    A small script tells the page around the frame how tall the card is (EMBED_MESSAGE), so the
    snippet's frame can fit it exactly. `card_key` is one of our own card keys, matched against
    the URL, never URL text."""
    card = f".st-key-card-{card_key}"
    main = '[data-testid="stMain"]'
    return (f"<style>{main} [data-testid='stVerticalBlock'] > :not(:has({card})):not({card}):not({card} *)"
            "{display:none !important}"
            f"{main} [data-testid='stHorizontalBlock']:not({card} *) > :not(:has({card}))"
            "{display:none !important}"
            f"{main} [data-testid='stColumn']:has({card}){{width:100% !important;flex:1 1 100% !important}}"
            # Streamlit's embed mode keeps the sidebar, its "»" button and the header strip.
            "[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],[data-testid='stExpandSidebarButton'],"
            "[data-testid='stHeader'],[data-testid='stToolbar'],[data-testid='stDecoration']{display:none !important}"
            f"{main} .block-container{{padding:{EMBED_PAD}px {EMBED_PAD}px !important;max-width:none !important}}"
            f"{main}{{overflow-x:hidden !important}}</style>"
            # Height of the card for the snippet's listener (same-origin parent check is the reader's
            # page's job: the message carries a number only).
            "<script>(function(){var card=document.querySelector(" + repr(card) + ");"
            "if(!card||window.parent===window)return;var last=0;function send(){"
            "var h=Math.ceil(card.getBoundingClientRect().height)+" + str(2 * EMBED_PAD) + ";"
            "if(Math.abs(h-last)>2){last=h;window.parent.postMessage({" + repr(EMBED_MESSAGE) + ":h},'*');}}"
            "new ResizeObserver(send).observe(card);send();})();</script>")


# The snippet's frame: what it fits, and how. An <iframe> cannot size itself to its content across
# origins, and the card's height grows as the article column narrows (title, note and source wrap
# into more lines). So the snippet (1) gives a height per column width, estimated from the card's
# own text measured in DejaVu Sans (wider than the page's font, so the estimate errs on the tall
# side), through media queries on the reader's screen width (on a phone the column is the screen),
# and (2) where the host page allows scripts, a listener takes the exact height the card reports
# (focus_css) and fits the frame to it. An aspect ratio would not do: the chart keeps its height
# while the text around it grows.
EMBED_MESSAGE = "exileEmbedHeight"
EMBED_PAD = 8            # px around the card inside the frame
EMBED_WIDTHS = (320, 390, 480, 600, 700)  # column widths the snippet gives a height for
_MD_LINK = re.compile(r"\[([^\]]*)\]\(<?[^)>]*>?\)")


def _plain_md(text: str) -> str:
    return " ".join(_MD_LINK.sub(r"\1", text).replace("**", "").replace("\\", "").split())


def wrapped_lines(text: str, width_px: float, font_px: float, bold: bool = False) -> int:
    """How many lines image_export.wrap_to makes of `text` (the same greedy wrap by words, a word
    wider than the line broken), measuring a few candidate lines each instead of one per word:
    each line's word count is first guessed from the text's average width per character, then moved one word at a
    time to the last that fits (a line measures more with each word it takes)."""
    words = [word for word in " ".join(str(text).split()).split(" ") if word]
    if not words:
        return 0

    def fits(head: str, start: int, count: int) -> bool:
        taken = " ".join(words[start:start + count])
        return image_export.text_px(f"{head} {taken}" if head else taken, font_px, bold) <= width_px

    per_char = image_export.text_px(" ".join(words), font_px, bold) / len(" ".join(words))
    lines, head, i, full = 0, "", 0, False
    while i < len(words):
        room, chars, guess = len(words) - i, len(head), 0
        while guess < room and (chars + 1 + len(words[i + guess])) * per_char <= width_px:
            chars, guess = chars + 1 + len(words[i + guess]), guess + 1
        guess = 0 if full else max(1, guess)  # full: words[i] was measured not to fit after head
        if guess and fits(head, i, guess):
            while guess < room and fits(head, i, guess + 1):
                guess += 1
        elif guess:
            guess -= 1
            while guess > 0 and not fits(head, i, guess):
                guess -= 1
        if guess:
            taken = " ".join(words[i:i + guess])
            head, i, full = (f"{head} {taken}" if head else taken), i + guess, True
            continue
        # words[i] does not fit after the line so far: the line ends, and the word starts the next,
        # broken into pieces that fit if it is wider than a line
        lines += bool(head)
        fits_alone = image_export.text_px(words[i], font_px, bold) <= width_px
        pieces = [words[i]] if fits_alone else image_export._break_word(words[i], width_px, font_px, bold)
        lines += len(pieces) - 1
        head, i, full = pieces[-1], i + 1, False
    return lines + bool(head)


def embed_height(caption: Caption, plot_height: int, width: int) -> int:
    """The card's height in px in a frame `width` px wide, text measured (image_export.wrap_to):
    title, subtitle, the plot, note, source line, latest-figure date, the data expander and the
    link back to the dashboard, with Streamlit's spacing between them."""
    text = width - 2 * EMBED_PAD - 2 * 17   # the card's border and padding
    lines = [(caption.title, 24, 1.25, True), (_plain_md(caption.subtitle), 16, 1.6, False)]
    if caption.full_note:
        lines.append((f"{t('common.note_label')} {caption.full_note}", 14, 1.5, False))
    source = _plain_md(source_line(list(caption.sources)))
    lines += [(source, 14, 1.5, False), (caption.data_as_of, 14, 1.5, False)]
    # + 12 %: measured against the page (the overview's card at 320 px came out 4 % short unpadded)
    px = 1.12 * sum(math.ceil(wrapped_lines(line, text, size, bold) * size * height)
                    for line, size, height, bold in lines if line)
    elements = len(lines) + 3  # + the plot, the expander, the button
    return int(px + plot_height + 16 * elements + 50 + 42 + 2 * 17 + 2 * EMBED_PAD + 24)


def embed_snippet(link: str, title: str, heights: dict[int, int] | None = None, frame_id: str = "chart") -> str:
    """A responsive iframe: full width of the article column, its height per column width
    (`heights`, from embed_height; see the comment above EMBED_MESSAGE for why not one fixed
    height or an aspect ratio), and a listener that fits the frame to the card's reported height."""
    heights = heights or {700: 720}
    widest = max(heights)
    name = "exile-" + re.sub(r"[^a-z0-9-]", "", frame_id.lower())
    # The heights are in the stylesheet, not in the inline style (which would win over every media
    # query); the height attribute serves a host that strips <style>; the listener's inline style
    # wins over both.
    rule = f'iframe[data-exile-embed="{name}"]'
    queries = f"{rule}{{height:{heights[widest]}px}}" + "".join(
        f"@media (max-width:{w + 40}px){{{rule}{{height:{h}px}}}}"
        for w, h in sorted(heights.items(), reverse=True) if w != widest)
    comment = ("<!-- The frame's height follows the column's width (text wraps into more lines on a "
               "narrow column); where scripts run, it is fitted to the chart's own height. -->")
    listener = ("<script>window.addEventListener('message',function(e){var h=e.data&&e.data." + EMBED_MESSAGE
                + ";if(typeof h!=='number')return;document.querySelectorAll('iframe[data-exile-embed]')"
                ".forEach(function(f){if(f.contentWindow===e.source)f.style.height=Math.min(h,6000)+'px';});});"
                "</script>")
    return (f'{comment}\n<iframe src="{html.escape(link)}" title="{html.escape(title)}" loading="lazy" '
            f'data-exile-embed="{name}" height="{heights[widest]}" style="width:100%;border:0;"></iframe>\n'
            f"<style>{queries}</style>\n{listener}")


def card_image(card: ChartCard, release: data.Release, link: str | None, fmt: str, lang: str) -> bytes:
    """The card's image with title, source, date and link drawn in, in `lang` (the reader's: the
    button's callable runs outside the page's run): laid out once per card and link
    (ChartCard.once; a card is built per language), drawn by kaleido on each click. The card's
    figure is asked for here, not on the page's run: a baked card (app/cards/bake.py) makes it
    only when an image needs it."""
    with i18n.speaking(lang):
        exported = card.once(f"export:{link}", lambda: image_export.export_figure(
            card, release, link=link, figure=drawn_figure(card)))
        return image_export.image_bytes(exported, fmt)


def card_csv(card: ChartCard, release: data.Release, lang: str) -> bytes:
    """The plotted rows with their citation as CSV, published column names (made once per card)."""
    with i18n.speaking(lang):
        return card.once("csv", lambda: export_table(card.data, release).to_csv(index=False).encode("utf-8"))


def share_key(card_key: str) -> str:
    """The widget key of a card's share menu (its open state: st.session_state[share_key(...)])."""
    return f"share-{card_key}"


def share_controls(card: ChartCard, release: data.Release) -> None:
    """Link to the view, embed snippet and images with title, source and date drawn in.

    The menu's content is drawn only while the reader has it open (`on_change="rerun"`: opening
    it reruns the card's own small fragment, see `card_tools`, not the section or the page). A
    closed menu is one element; filled, it is seven and registers the PNG and SVG downloads, on
    every run of every card for menus few open (docs/performance.md, issue 16 target 3). The
    links are made when every filter of the page is known (url_state.PageView.when_known): at the
    end of the page's or the section's run, or at once when the menu's own opening reran it."""
    view = url_state.current_or_none()
    menu = st.popover(t("common.share"), icon=":material/share:", key=share_key(card.key), on_change="rerun")
    if not menu.open:
        return

    def fill() -> None:
        link = url_state.link(view, card.key) if view is not None else None
        texts = drawn_share_texts(card)
        with menu:
            if link is not None:
                st.markdown(texts["link_label"])
                st.code(link, language=None, wrap_lines=True)
                st.markdown(texts["embed_label"])
                assert view is not None  # a link exists only for a view
                heights = drawn_embed_heights(card, release)
                st.code(embed_snippet(url_state.embed_link(view, card.key), texts["embed_title"], heights, card.key),
                        language="html", wrap_lines=True)
            st.caption(texts["image_help"])
            for fmt in image_export.FORMATS:
                # Laid out and drawn only when the button is clicked (a callable is run then, in
                # this session, in the reader's language): a run prepares no image.
                st.download_button(texts[f"download_{fmt}"],
                                   partial(card_image, card, release, link, fmt, texts["lang"]),
                                   file_name=image_export.file_name(card.key, fmt), mime=image_export.MIME[fmt],
                                   key=f"{fmt}-{card.key}", on_click="ignore", icon=":material/image:")

    if view is None:
        fill()
    else:
        view.when_known(fill)


# What a card draws, each made once per card (ChartCard.once) under one name: render(), the share
# menu and a warm-up outside any session (prepare) all reach them here, so they share what is made.
def drawn_figure(card: ChartCard) -> go.Figure:
    return card.once("figure", lambda: card.build(card.data))


def drawn_caption(card: ChartCard, release: data.Release) -> Caption:
    return card.once("caption", lambda: card.caption(release))


def sent_figure(card: ChartCard) -> SentFigure:
    return card.once("sent_figure", lambda: SentFigure(drawn_figure(card)))


def drawn_conflicts(card: ChartCard, release: data.Release) -> pd.DataFrame:
    return card.once("conflicts", lambda: conflicts_for(card.data, release))


def drawn_conflicts_table(card: ChartCard, release: data.Release) -> str:
    return card.once("conflicts_table", lambda: conflicts_table(drawn_conflicts(card, release),
                                                                drawn_caption(card, release).title))


def drawn_table(card: ChartCard, release: data.Release) -> pd.DataFrame:
    return card.once("reader_table", lambda: reader_table(card.data, release))


def drawn_accessible_table(card: ChartCard, release: data.Release) -> str:
    return card.once("accessible_table",
                     lambda: accessible_table(drawn_table(card, release), drawn_caption(card, release).title))


def drawn_embed_heights(card: ChartCard, release: data.Release) -> dict[int, int]:
    return card.once("embed_heights", lambda: embed_heights(drawn_caption(card, release), drawn_figure(card)))


def drawn_arrow(card: ChartCard, name: str, frame: pd.DataFrame) -> pa.Table:
    """A table st.dataframe draws (`name`: "reader_table"), as Arrow: converted
    once per card by Streamlit's own conversion, so the bytes sent are those st.dataframe makes
    of the pandas frame, which it would convert again on every run."""
    return card.once(f"{name}:arrow", lambda: dataframe_util.convert_pandas_df_to_arrow_table(frame))


def drawn_texts(card: ChartCard, release: data.Release) -> dict[str, Any]:
    """The card's words as render() prints them, in the card's language (a card is built per
    language): made once, not put together again on every run."""
    def make() -> dict[str, Any]:
        title, subtitle, *below = caption_lines(drawn_caption(card, release))
        # note, source line and latest figure: one caption element, a paragraph each (every element
        # is a message on every run; issue 16 target 3)
        return {"title": title, "subtitle": subtitle, "below": "\n\n".join(line for line in below if line),
                "lang": i18n.language(),
                "conflict_warning": t("common.conflict_warning"), "conflicts_link": t("claims.conflicts_link"),
                "col_link": t("common.col_link"),
                "data_expander": t("common.data_expander"),
                "what_chart_shows": f"**{t('common.what_chart_shows')}** {md(card.alt)}",
                "download_csv": t("common.download_csv")}
    return card.once("texts", make)


def drawn_share_texts(card: ChartCard) -> dict[str, str]:
    """The share menu's words, in the card's language, made once."""
    return card.once("share_texts", lambda: {
        "link_label": t("common.share_link_label"), "embed_label": t("common.embed_label"),
        "embed_title": t("common.embed_title", title=card.title), "image_help": t("common.image_help"),
        **{f"download_{fmt}": t(f"common.download_{fmt}") for fmt in image_export.FORMATS},
        "lang": i18n.language()})


# What prepare() makes, by the names ChartCard.once keeps each under: everything render() and the
# share menu draw from a card (the card's own figure, "figure", is made on the way and drawn by
# none of them: only an image or the PDF asks for it). The bake keeps exactly these.
PREPARED = ("sent_figure", "caption", "reader_table", "accessible_table", "conflicts", "conflicts_table",
            "embed_heights")


def prepare(card: ChartCard, release: data.Release) -> None:
    """Make, in the current language, everything render() and the share menu draw from the card
    (PREPARED): for a warm-up outside any session (app/cards/warm.py) and the bake."""
    sent_figure(card).json()  # and its dict
    drawn_conflicts_table(card, release)  # and the conflicts it is made of
    drawn_accessible_table(card, release)  # and the reader's table and the caption it is made of
    drawn_embed_heights(card, release)


def prepared(card: ChartCard, release: data.Release) -> dict[str, Any]:
    """The card prepared (`prepare`), and what was made for it, by name (PREPARED)."""
    prepare(card, release)
    made = card.made()
    return {name: made[name] for name in PREPARED}


def embed_heights(caption: Caption, figure: go.Figure) -> dict[int, int]:
    return {width: embed_height(caption, figure.layout.height or 420, width) for width in EMBED_WIDTHS}


def data_key(card_key: str) -> str:
    """The widget key of a card's data expander (its open state: st.session_state[data_key(...)])."""
    return f"data-{card_key}"


def card_tools(card: ChartCard, release: data.Release, texts: dict[str, Any], share: bool) -> None:
    """The card's "Chart data" expander and (`share`) its share menu: opening or closing either
    reruns the card's section (url_state.section: the one to three cards of its filters) or, for
    a card outside any section, a small fragment of the card's own (no other card, section or page
    reruns); what each holds only while open is drawn then (share_controls). A section's card gets
    no fragment of its own: a nested fragment costs each of the section's reruns Streamlit's
    bookkeeping (deep copies of its cursors, ~1 ms a card, a tenth of a filter change's CPU).

    The "Chart data" expander: what the chart shows, the plotted rows as an interactive
    st.dataframe (sorting, search) and as an HTML table for screen readers, and the CSV of exactly
    those rows.

    Its content is sent only while it is open. Streamlit sends a collapsed expander's content
    too, and nobody reads it there: a closed <details> is out of sight and out of the accessibility
    tree, so a screen reader reaches the HTML table only by opening the expander, as a sighted
    reader does. Drawn while closed it cost every run of every card three messages and a CSV
    download's registration (issue 16 target 3: a run's server time follows its element count;
    docs/performance.md), and every first visit the HTML tables' bytes; an st.dataframe on the
    page makes a first visit download Streamlit's dataframe chunk too (133 KB brotli, target 4).
    Opening or closing the expander reruns this card's tools (or its section) alone."""
    def body() -> None:
        with st.expander(texts["data_expander"], key=data_key(card.key), on_change="rerun") as box:
            if box.open:
                st.markdown(texts["what_chart_shows"])
                # Arrow made once per card (drawn_arrow): st.dataframe would convert the frame every run.
                st.dataframe(drawn_arrow(card, "reader_table", drawn_table(card, release)), hide_index=True,
                             key=f"table-{card.key}", alt=card.alt,
                             column_config={texts["col_link"]: st.column_config.LinkColumn(display_text=HOST_DISPLAY)})
                st.html(drawn_accessible_table(card, release))
                # The download keeps the published names; made when the button is clicked.
                st.download_button(texts["download_csv"], partial(card_csv, card, release, texts["lang"]),
                                   file_name=f"belarus-exiles-{card.key}.csv", mime="text/csv",
                                   key=f"csv-{card.key}", on_click="ignore", icon=":material/download:")
        if share:
            share_controls(card, release)

    if url_state.in_section():
        body()
    else:
        st.fragment(run_gate.gated(body))()


def render(card: ChartCard, release: data.Release) -> None:
    alone = url_state.note_card(card.key)
    if url_state.focused() not in (None, card.key):
        return  # the URL asks for another card alone: skip the work of drawing this one
    if alone:
        st.html(focus_css(card.key), unsafe_allow_javascript=True)
    # Everything drawn from the card is made once per card (ChartCard.once): a rerun at the same
    # view and language reuses it.
    caption = drawn_caption(card, release)
    texts = drawn_texts(card, release)
    with st.container(border=True, key=f"card-{card.key}"):
        st.subheader(texts["title"], anchor=card.key)
        st.markdown(texts["subtitle"])
        # The toolbar's camera would save the plot without its title and source; images come
        # from the share menu instead, drawn with both.
        st.plotly_chart(sent_figure(card), key=f"chart-{card.key}", alt=caption.alt, config=plotly_config())
        st.caption(texts["below"])
        conflicts = drawn_conflicts(card, release)
        if not conflicts.empty:
            st.warning(texts["conflict_warning"], icon=":material/compare_arrows:")
            st.page_link("pages/sources.py", label=texts["conflicts_link"], icon=":material/compare_arrows:")
            st.html(drawn_conflicts_table(card, release))
        card_tools(card, release, texts, share=not alone)
        if alone:  # an embed: the way back to the whole dashboard, at this view
            st.link_button(t("common.open_in_dashboard"), url_state.link(url_state.current(), card.key),
                           icon=":material/open_in_new:")
