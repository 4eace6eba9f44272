"""Shared chrome on every page: what the dashboard is, how fresh its data are, where sources are."""
from __future__ import annotations

import streamlit as st

from app import data, formatting

SOURCE_NAMES = {"unhcr": "UNHCR", "eurostat": "Eurostat", "udsc": "Office for Foreigners (PL)",
                "curated": "national figures (curated)", "naturalearth": "Natural Earth"}


def data_as_of_lines(release: data.Release) -> list[str]:
    dates = {}
    for source in release.manifest["sources"]:
        dates[source["source_id"]] = source.get("release_date") or source.get("accessed")
    return [f"{SOURCE_NAMES.get(s, s)}: {formatting.date(d)}" for s, d in sorted(dates.items()) if s != "naturalearth"]


def render(release: data.Release, sources_page) -> None:
    with st.sidebar:
        st.markdown("**Belarusians in exile: flows, permits and decisions**")
        built = formatting.date(release.manifest["built_at"][:10])
        st.badge(f"Data as of {built}", icon=":material/event:", color="blue")
        st.caption("Source releases: " + "; ".join(data_as_of_lines(release)))
        st.page_link(sources_page, label="Sources and methods", icon=":material/menu_book:")
