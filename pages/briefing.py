"""Briefing pack: the reader ticks charts (the six headline charts by default) and downloads one
PDF: a cover, one chart per page with its note, source, licence and link, and every source."""
from datetime import date

import streamlit as st

from app import briefing, cards, chart_card, data, i18n, url_state
from app.i18n import t

release = data.ensure_release()
view = url_state.current()

st.title(t("briefing.page_title"))
st.markdown(t("briefing.page_intro"))

titles = briefing.chart_titles(release)
chosen = st.pills(t("briefing.page_choose"), options=cards.BRIEFING_KEYS, selection_mode="multi",
                  format_func=lambda key: titles[key],
                  key=view.bind("charts", "briefing_charts", cards.BRIEFING_KEYS, default=cards.HEADLINE_KEYS,
                                multi=True, limit=len(cards.BRIEFING_KEYS)))
chosen = [key for key in cards.BRIEFING_KEYS if key in (chosen or [])]  # the pack follows the page order
st.caption(t("briefing.page_pages", count=len(chosen), pages=len(chosen) + 2))

if not chosen:
    st.info(t("briefing.page_none"), icon=":material/info:")
elif not briefing.renderer_available():
    st.error(t("briefing.page_no_renderer"), icon=":material/error:")
elif st.button(t("briefing.page_generate"), icon=":material/picture_as_pdf:", type="primary", key="briefing_make"):
    bar = st.progress(0.0, text=t("briefing.page_progress_start"))

    def progress(done: int, total: int, title: str) -> None:
        bar.progress(done / total, text=t("briefing.page_progress", done=done, total=total, title=title))

    st.session_state["briefing_pdf"] = (tuple(chosen), i18n.language(), release.release_id,
                                        briefing.pack(release, chosen, progress))
    bar.empty()

made = st.session_state.get("briefing_pdf")
if made and made[:3] == (tuple(chosen), i18n.language(), release.release_id):
    st.success(t("briefing.page_ready", count=len(chosen)), icon=":material/check_circle:")
    st.download_button(t("briefing.page_download"), made[3], mime="application/pdf", on_click="ignore",
                       file_name=f"belarus-exiles-briefing_{date.today():%Y-%m-%d}_{i18n.language()}.pdf",
                       icon=":material/download:", key="briefing_download")

st.divider()
st.caption(chart_card.md(t("briefing.page_method")))
