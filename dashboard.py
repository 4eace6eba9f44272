"""Entry point: `streamlit run dashboard.py`.

Sets up the page, makes sure a current published release exists (building it from the
embedded raw snapshots on a fresh clone, with a visible message), draws the shared chrome
and runs the selected page. Pages live in pages/ and hold UI only.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app import chrome, data


@dataclass(frozen=True)
class PageEntry:
    file: str
    title: str
    url_path: str
    icon: str


PAGES = [
    PageEntry("pages/overview.py", "Overview", "overview", ":material/insights:"),
    PageEntry("pages/where_they_went.py", "Where they went", "where", ":material/public:"),
    PageEntry("pages/lithuania.py", "Lithuania: security screening", "lithuania", ":material/gpp_maybe:"),
    PageEntry("pages/poland.py", "Poland: IT visas and permits", "poland", ":material/badge:"),
    PageEntry("pages/asylum.py", "Asylum", "asylum", ":material/shield_person:"),
    PageEntry("pages/sources.py", "Sources and methods", "sources", ":material/menu_book:"),
]

st.set_page_config(page_title="Belarusians in exile: data", page_icon=":material/insights:", layout="wide")

pages = [st.Page(p.file, title=p.title, url_path=p.url_path, icon=p.icon, default=(i == 0))
         for i, p in enumerate(PAGES)]
release = data.ensure_release()
navigation = st.navigation(pages)
chrome.render(release, sources_page=pages[-1])
navigation.run()
