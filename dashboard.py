"""Entry point: `streamlit run dashboard.py`.

Picks the reader's language (URL ?lang=, else the session's, else the browser's), reads the
published release (built once from the embedded raw snapshots on a fresh clone, with a visible
message; never with EXILE_READ_ONLY=1), draws the shared chrome and runs the selected page between
url_state.begin() and url_state.finish(), which read its filters from the URL and write them
back in canonical form. Pages live in pages/, UI only.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app import chrome, data, entry, i18n, url_state
from app.cards import warm
from app.i18n import t


FAVICON = Path(__file__).resolve().parent / "app" / "assets" / "favicon.png"


@dataclass(frozen=True)
class PageEntry:
    file: str
    title_key: str
    url_path: str
    icon: str


PAGES = [
    PageEntry("pages/overview.py", "common.nav_overview", "overview", ":material/insights:"),
    PageEntry("pages/story.py", "common.nav_story", "story", ":material/auto_stories:"),
    PageEntry("pages/claims.py", "common.nav_claims", "claims", ":material/fact_check:"),
    PageEntry("pages/where_they_went.py", "common.nav_where", "where", ":material/public:"),
    PageEntry("pages/lithuania.py", "common.nav_lithuania", "lithuania", ":material/gpp_maybe:"),
    PageEntry("pages/poland.py", "common.nav_poland", "poland", ":material/badge:"),
    PageEntry("pages/asylum.py", "common.nav_asylum", "asylum", ":material/shield_person:"),
    PageEntry("pages/briefing.py", "common.nav_briefing", "briefing", ":material/picture_as_pdf:"),
    PageEntry("pages/sources.py", "common.nav_sources", "sources", ":material/menu_book:"),
]

with entry.entrypoint():
    i18n.set_language(url_state.pick_language(st.context.locale))
    # A file of our own, served by the app itself: a `:material/...:` icon would make the browser
    # fetch the favicon from Google's font server (blocked by the proxy's CSP; no reader's address
    # should go to a third party).
    st.set_page_config(page_title=t("common.app_title"), page_icon=str(FAVICON), layout="wide")
    pages = [st.Page(p.file, title=t(p.title_key), url_path=p.url_path, icon=p.icon, default=(i == 0))
             for i, p in enumerate(PAGES)]
    release = data.ensure_release()
    navigation = st.navigation(pages)
    chrome.render(release, sources_page=pages[-1])
    current = next(entry for entry, page in zip(PAGES, pages) if page.url_path == navigation.url_path)
    url_state.begin(current.url_path, public_path=navigation.url_path)
    navigation.run()
    url_state.finish()  # canonical URL; not reached when the page stopped or reran
    # With EXILE_WARM_UP=1, once per process after a first page run: every page's default view in
    # every language, built in the background for the first readers of each (app/cards/warm.py).
    warm.start(release)
