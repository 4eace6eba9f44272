"""Claims and sources: the seed article's claims checked against the published data."""
import pandas as pd
import streamlit as st

from app import chart_card, data, events, figures, formatting, i18n
from app import views_claims as claims
from app.i18n import t

release = data.ensure_release()
publisher, title, url = claims.article(release)

st.title(t("claims.title"))
st.markdown(t("claims.intro"))
st.markdown(t("claims.article_line", publisher=chart_card.md(publisher), title=chart_card.md(title), url=url))
st.caption(t("claims.scale_help"))
st.page_link("pages/sources.py", label=t("claims.conflicts_link"), icon=":material/compare_arrows:")

facts = data.facts(release).set_index("fact_id")
metadata = data.metadata(release)["indicators"]


def indicator_title(indicator: str) -> str:
    try:
        return t(f"indicators.{indicator}.title")
    except i18n.MissingMessage:
        return metadata[indicator]["title"]


def figure_table(rows: pd.DataFrame) -> pd.DataFrame:
    sources = {"unhcr", "eurostat", "udsc"}
    return pd.DataFrame({
        t("claims.col_figure"): [f"{indicator_title(i)} ({i18n.country(d)})"
                                 for i, d in zip(rows["indicator"], rows["destination"])],
        t("claims.col_value"): [formatting.value_with_unit(v, u) for v, u in zip(rows["value"], rows["unit"])],
        t("claims.col_date"): [formatting.date(d) for d in rows["period_end"]],
        t("claims.col_source"): [t(f"common.publisher_{s}") if s in sources else facts.at[f, "publisher"]
                                 for s, f in zip(rows["source_id"], rows["fact_id"])],
        t("claims.col_link"): [facts.at[f, "source_url"] if isinstance(f, str) else None for f in rows["fact_id"]],
    })


for card in claims.cards(release):
    with st.container(border=True, key=f"claim-{card.claim_id}"):
        st.markdown(f"### {card.claim_id}")
        st.badge(t(f"claims.verdict_{card.verdict}"), icon=claims.VERDICT_ICONS[card.verdict],
                 color=claims.VERDICT_COLOURS[card.verdict])
        st.markdown(f"> “{chart_card.md(card.quote)}”")
        st.caption(t("claims.quote_language"))
        st.markdown(chart_card.md(card.explanation))
        if not card.figures.empty:
            st.markdown(f"**{t('claims.figures_heading')}**")
            st.dataframe(figure_table(card.figures), hide_index=True, key=f"claims_table_{card.claim_id}",
                         column_config={t("claims.col_link"): st.column_config.LinkColumn()})
        if claims.chartable(card.series_rows):
            rows = card.series_rows.copy()
            rows["_x"] = [t("claims.figure_label", indicator=indicator_title(i), place=i18n.country(d),
                            date=formatting.date(e))
                          for i, d, e in zip(rows["indicator"], rows["destination"], rows["period_end"])]
            rows["_text"] = [formatting.number(v) for v in rows["value"]]
            kind = rows["kind"].iloc[0]
            unit = t(f"common.unit_{rows['unit'].iloc[0]}")
            chart_card.render(chart_card.ChartCard(
                key=f"claim-{card.claim_id.lower()}",
                title=t("claims.chart_title", claim_id=card.claim_id),
                subtitle=t("claims.chart_subtitle", kind=t(f"claims.kind_{kind}")),
                data=rows,
                # Horizontal bars: the labels name indicator, place and date and are too long for an x axis.
                build=lambda frame, unit=unit: figures.ranked_bars(frame, t("claims.chart_axis", unit=unit), label="_x"),
                alt=t("claims.chart_alt", count=len(rows), claim_id=card.claim_id,
                      values="; ".join(f"{x}: {formatting.number(v)}" for x, v in zip(rows["_x"], rows["value"]))),
            ), release)
        if not card.events.empty:
            st.markdown(f"**{t('claims.events_heading')}**")
            for _, event in card.events.iterrows():
                text = events.event_text(event["_key"], event["event"])
                st.markdown(f"- **{formatting.date(event['date'])}**: {chart_card.md(text)} "
                            f"([{chart_card.md(event['source_title'])}](<{event['source_url']}>))")
