"""Lithuania: Belarusians judged a security threat, the permits refused or cancelled as a result,
and how many Belarusians hold a valid residence permit."""
import streamlit as st

from app import cards, chart_card, data, headline_row, select, url_state
from app import views_country as country
from app import views_lithuania as view
from app.i18n import t

release = data.ensure_release()
series = data.series(release)
facts = data.facts(release)

threats = view.threat_flow(series, facts)
outcomes = view.screening_outcomes(series, facts)
threats_total = view.threats_since_questionnaire(series, facts)
holders = view.permit_holders(series, facts)
questionnaire_start = threats_total["period_start"].min()
since = country.month_year(questionnaire_start, governed=True)

st.title(t("lithuania.title"))
st.markdown(view.intro(threats, outcomes, holders, threats_total))

# ------------------------------------------------------------------ headline figures
headline_row.render([
    headline_row.Headline(t(f"lithuania.h_{name}"), select.rows(series, indicator, destination="LTU"),
                          t(f"lithuania.h_{name}_detail", since=since))
    for name, indicator in [("threats", "lt_security_threat_flow"), ("renewals", "lt_renewals_refused_security_flow"),
                            ("since", "lt_security_threat_cumulative"),
                            ("holders", "lt_residence_permit_holders_stock")]], release)

# ------------------------------------------------------------------ screening per year
st.header(t("lithuania.header_per_year"))
left, right = st.columns(2)
with left:
    chart_card.render(cards.build("lithuania-threats-per-year", release), release)
with right:
    chart_card.render(cards.build("lithuania-decisions-by-outcome", release), release)

# ------------------------------------------------------------------ running totals since the questionnaire
st.header(t("lithuania.header_since", start=country.month_year(questionnaire_start)))
left, right = st.columns(2)
with left:
    chart_card.render(cards.build("lithuania-threats-since-questionnaire", release), release)
with right:
    chart_card.render(cards.build("lithuania-decisions-since-questionnaire", release), release)

# ------------------------------------------------------------------ how many live in Lithuania
st.header(t("lithuania.header_holders"))


@url_state.section  # the events control reruns its card alone
def holders_section() -> None:
    shown_groups = st.pills(t("lithuania.events_label"), options=list(view.EVENT_GROUPS), selection_mode="multi",
                            format_func=lambda group: t(f"lithuania.events_{group}"),
                            key=url_state.current().bind("events", "lithuania_events", list(view.EVENT_GROUPS),
                                                         default=cards.lithuania.EVENT_GROUPS, multi=True))
    chart_card.render(cards.build("lithuania-permit-holders", release, event_groups=shown_groups or []), release)


holders_section()
