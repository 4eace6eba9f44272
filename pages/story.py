"""Five years in exile: the story the public reads first, in six chapters of short paragraphs,
each followed by its chart, a link to the chart's interactive view and one to the claims page.
The text and the charts' views are app/story.py's; this page only lays them out, in one column
(readable on a phone)."""
import streamlit as st

from app import chart_card, data, story, url_state
from app.i18n import t

release = data.ensure_release()

st.title(t("story.title"))
st.markdown(chart_card.md(story.intro(release)))
claims = url_state.page_link("claims")
for chapter in story.chapters(release):
    st.header(chapter.heading, anchor=f"story-{chapter.key}", divider="gray")
    for block in chapter.blocks:
        if isinstance(block, story.Paragraph):
            st.markdown(chart_card.md(block.text()))
            continue
        chart_card.render(block.build(release), release)
        st.markdown(f"[{chart_card.md(t('story.explore'))}](<{block.link()}>) · "
                    f"[{chart_card.md(t('story.claims'))}](<{claims}>)")
