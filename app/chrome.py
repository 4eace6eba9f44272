"""Shared chrome on every page: what the dashboard is, how fresh its data are, where sources
are, and the language switch."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from app import data, formatting, i18n, memo, url_state
from app.i18n import t

# Map shapes, not figures: their dates say nothing about how fresh the data are.
BOUNDARY_SOURCES = {"naturalearth", "gugik"}


def newest_figure(release: data.Release) -> str:
    """The date of the newest figure the dashboard shows (the latest period end of the published
    series), as precisely as it is known: what 'data as of' means, not the day of the build."""
    return formatting.latest_date(data.series(release))


def built_on(release: data.Release) -> str:
    return formatting.date(release.manifest["built_at"][:10])


def data_as_of_lines(release: data.Release) -> list[str]:
    dates = {}
    for source in release.manifest["sources"]:
        dates[source["source_id"]] = source.get("release_date") or source.get("accessed")
    return [f"{t(f'common.source_{s}')}: {formatting.date(d)}" for s, d in sorted(dates.items())
            if s not in BOUNDARY_SOURCES]


def _switch_language() -> None:
    # Only the language changes in the URL; every other parameter stays, so the view is kept.
    chosen = st.session_state["chrome_language"]
    if chosen:  # clicking the selected language again deselects it: keep the language then
        st.query_params["lang"] = chosen


def language_switch() -> None:
    st.session_state["chrome_language"] = i18n.language()
    st.segmented_control(t("common.language"), options=list(i18n.LANGUAGES), key="chrome_language",
                         format_func=lambda code: i18n.LANGUAGES[code], on_change=_switch_language,
                         selection_mode="single")


# What the theme (.streamlit/config.toml) cannot say, in one place, drawn once per run. Each rule
# answers an accessibility check (axe-core, tests/browser/test_accessibility.py; issue 16):
# - captions and quotes: Streamlit fades them (opacity 0.6), which leaves their text at 4.2:1 and
#   caption links at 3:1 on white (WCAG AA asks 4.5:1); the theme has no caption colour, and a
#   darker textColor cannot lift links. A solid grey of 6.4:1 (5.9:1 on the sidebar) instead.
# - Material icons are ligatures: their names are text ("keyboard_arrow_right"), left out of a copy.
# - the screen-reader class (SCREEN_READER_CLASS, the chart cards' HTML tables): out of sight but
#   read aloud, and shown where a keyboard reader's focus enters it (its links are reachable with Tab);
#   TABLE_CLASS, an HTML table shown as it is (a card's disagreements), scrolls in its own box on a
#   phone, its caption wrapped to the box's width and kept in view.
# - metric labels: Streamlit cuts them to one line with an ellipsis ("Under UNHCR's m…" in a row of
#   five headline figures); they wrap instead, whole at any width.
# - maps on a phone (wide_only): a Europe or voivodeship map at 390 px is too small to read; under
#   NARROW_PX the map is hidden and a note in its place points to the ranked bar of the same figures.
CAPTION_GREY = "#595F66"
SCREEN_READER_CLASS = "exile-sr-only"
TABLE_CLASS = "exile-table"  # an HTML table shown as it is (a card's disagreements)
NARROW_PX = 640  # Streamlit stacks columns at this width too
WIDE_ONLY, NARROW_ONLY = "wide-only-", "narrow-only-"  # container key prefixes (class st-key-<key>)
ACCESSIBILITY_CSS = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: 1; color: {CAPTION_GREY}; }}
[data-testid="stMarkdownContainer"] blockquote,
[data-testid="stMarkdownContainer"] blockquote * {{ opacity: 1; color: {CAPTION_GREY}; }}
[data-testid="stIconMaterial"] {{ user-select: none; -webkit-user-select: none; }}
.{SCREEN_READER_CLASS}:not(:focus-within) {{ position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap; }}
.{SCREEN_READER_CLASS}:focus-within, .{TABLE_CLASS} {{ overflow-x: auto; }}
.{SCREEN_READER_CLASS} table, .{TABLE_CLASS} table {{ border-collapse: collapse; font-size: .85rem; }}
.{SCREEN_READER_CLASS} caption, .{TABLE_CLASS} caption {{ text-align: left; font-weight: 600; }}
.{SCREEN_READER_CLASS} th, .{SCREEN_READER_CLASS} td, .{TABLE_CLASS} th, .{TABLE_CLASS} td {{
  border: 1px solid #D0D7DE; padding: .2rem .4rem; text-align: left; vertical-align: top; }}
.{TABLE_CLASS} td.figure {{ white-space: nowrap; }}
.{TABLE_CLASS} {{ container-type: inline-size; }}
.{TABLE_CLASS} caption {{ position: sticky; left: 0; max-width: 100cqw; }}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{ white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; max-width: none !important; }}
@media (max-width: {NARROW_PX}px) {{ [class*="st-key-{WIDE_ONLY}"] {{ display: none !important; }} }}
@media (min-width: {NARROW_PX + 1}px) {{ [class*="st-key-{NARROW_ONLY}"] {{ display: none !important; }} }}
</style>"""


def accessibility_css() -> None:
    st.html(ACCESSIBILITY_CSS)


@contextmanager
def wide_only(name: str) -> Iterator[None]:
    """What is drawn inside (a map) shows on screens wider than NARROW_PX; on a narrower one a note
    stands in its place saying that the ranking below holds the same figures (the page draws it).
    A card alone on the page (an embed, at any article width) is always drawn."""
    if url_state.focused() is not None:
        yield
        return
    with st.container(key=f"{NARROW_ONLY}{name}"):
        st.caption(t("common.map_narrow_note"))
    with st.container(key=f"{WIDE_ONLY}{name}"):
        yield


def sidebar_texts(release: data.Release) -> dict[str, str]:
    """The sidebar's words, made once per release and language (app/memo.py): the newest figure's
    date reads the whole series table, on every page's every run otherwise."""
    return memo.once(release, "chrome.sidebar", lambda: {
        "title": f"**{t('common.sidebar_title')}**",
        "data_as_of": t("common.data_as_of", date=newest_figure(release)),
        "built_on": t("common.built_on", date=built_on(release)),
        "source_releases": t("common.source_releases", releases="; ".join(data_as_of_lines(release))),
        "sources_link": t("common.sources_link")})


def render(release: data.Release, sources_page) -> None:
    accessibility_css()
    texts = sidebar_texts(release)
    with st.sidebar:
        language_switch()
        st.markdown(texts["title"])
        st.badge(texts["data_as_of"], icon=":material/event:", color="blue")
        st.caption(texts["built_on"])
        st.caption(texts["source_releases"])
        st.page_link(sources_page, label=texts["sources_link"], icon=":material/menu_book:")
