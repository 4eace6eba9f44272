"""Claims and sources: the seed article's claims checked against the published data."""
import streamlit as st

from app import cards, chart_card, data, events, formatting
from app import views_claims as claims
from app.i18n import t
from app.sources import HOST_DISPLAY

release = data.ensure_release()
publisher, title, url = claims.article(release)
published = claims.article_published(release)

st.title(t("claims.title"))
st.markdown(t("claims.intro"))
st.markdown(t("claims.article_line", publisher=chart_card.md(publisher), title=chart_card.md(title), url=url))
st.caption(t("claims.scale_help"))
st.caption(t("claims.rules_help", published=published))
st.page_link("pages/sources.py", label=t("claims.conflicts_link"), icon=":material/compare_arrows:")


def badges(evidence: claims.Evidence) -> None:
    """The verdict and, next to it, the strength of the evidence it rests on."""
    st.markdown(f"{claims.verdict_badge(evidence.verdict)} {claims.strength_badge(evidence.strength)}")


def body(evidence: claims.Evidence, key: str, heading: str) -> None:
    st.markdown(f"**{t('claims.why_label')}**\n\n" + "\n".join(f"- {chart_card.md(r)}" for r in evidence.reasons))
    st.markdown(chart_card.md(evidence.explanation))
    if not evidence.figures.empty:
        st.markdown(f"**{heading}**")
        st.dataframe(claims.figure_table(evidence.figures, release), hide_index=True, key=key,
                     column_config={t("claims.col_link"): st.column_config.LinkColumn(display_text=HOST_DISPLAY)})
    if not evidence.events.empty:
        st.markdown(f"**{t('claims.events_heading')}**")
        for _, event in evidence.events.iterrows():
            text = events.event_text(event["_key"], event["event"])
            st.markdown(f"- **{formatting.date(event['date'])}**: {chart_card.md(text)} "
                        f"({claims.check_label(event['verification'])}; "
                        f"[{chart_card.md(event['source_title'])}](<{event['source_url']}>))")


for card in cards.claims.checked_claims(release):
    with st.container(border=True, key=f"claim-{card.claim_id}"):
        st.markdown(f"## {card.claim_id}")
        st.caption(t("claims.at_article_label", published=published))
        badges(card.at_article)
        st.markdown(f"> “{chart_card.md(card.quote)}”")
        st.caption(t("claims.quote_language"))
        body(card.at_article, f"claims_table_{card.claim_id}", t("claims.figures_heading", published=published))
        if card.later is not None:
            st.markdown(f"### {t('claims.later_heading', published=published)}")
            st.caption(t("claims.later_help"))
            badges(card.later)
            body(card.later, f"claims_later_table_{card.claim_id}", t("claims.later_figures_heading"))
        chart = cards.build("claim", release, claim_id=card.claim_id)
        if chart is not None:
            chart_card.render(chart, release)
