"""Overview: headline figures and where Belarusians live in Poland and Lithuania since 2019."""
import streamlit as st

from app import cards, chart_card, data, headline_row, headlines, memo, select, url_state
from app.i18n import t

release = data.ensure_release()
series = data.series(release)

st.title(t("overview.title"))
# the range of the published estimates, each linked to its source
st.markdown(memo.once(release, "overview.intro", lambda: headlines.intro(release)))
st.page_link("pages/story.py", label=t("overview.story_link"), icon=":material/auto_stories:")
st.page_link("pages/claims.py", label=t("overview.claims_link"), icon=":material/fact_check:")

# ------------------------------------------------------------------ headline figures
st.header(t("overview.figures_heading"))  # the cards' titles below are level 3: no level skipped


def headline_figures() -> list[headline_row.Headline]:
    """Made once per release and language (app/memo.py)."""
    poland, lithuania = cards.overview.national_stocks(series)
    europe = data.table(release, "pub_countries").query("unsd_region == 'Europe'")["iso3"]
    mandate = select.rows(series, "unhcr_under_mandate_stock", destination=list(europe), since=cards.overview.SINCE)
    mandate_by_year = select.total_by(mandate, ["period_start", "period_end", "kind", "unit"]).assign(
        source_id="unhcr", fact_id=None, conflict_group=None)
    threats = select.rows(series, "lt_security_threat_flow", destination="LTU")
    pbh = select.rows(series, "pl_pbh_visas_cumulative", destination="POL")
    return [headline_row.Headline(t(f"overview.h_{name}"), frame, t(f"overview.h_{name}_detail"), trend=True)
            for name, frame in [("poland", poland), ("lithuania", lithuania), ("mandate", mandate_by_year),
                                ("threats", threats), ("pbh", pbh)]]


headline_row.render(memo.once(release, "overview.headlines", headline_figures), release)

# ------------------------------------------------------------------ headline chart
st.divider()


@url_state.section  # the toggle reruns its card alone
def stocks() -> None:
    compare = st.toggle(t("overview.toggle_eurostat"),
                        key=url_state.current().bind("eurostat", "overview_eurostat", [False, True], default=False))
    chart_card.render(cards.build("overview-stocks", release, compare=compare), release)


stocks()
