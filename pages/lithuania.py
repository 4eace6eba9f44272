"""Lithuania: Belarusians judged a security threat, the permits refused or cancelled as a result,
and how many Belarusians hold a valid residence permit."""
import streamlit as st

from app import cards, chart_card, data, headlines, select, url_state
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
since = view.month_year(questionnaire_start, governed=True)

st.title(t("lithuania.title"))
st.markdown(view.intro(threats, outcomes, holders, threats_total))

# ------------------------------------------------------------------ headline figures
HEADLINES = [
    ("threats", select.rows(series, "lt_security_threat_flow", destination="LTU")),
    ("renewals", select.rows(series, "lt_renewals_refused_security_flow", destination="LTU")),
    ("since", select.rows(series, "lt_security_threat_cumulative", destination="LTU")),
    ("holders", select.rows(series, "lt_residence_permit_holders_stock", destination="LTU")),
]
for column, (name, frame) in zip(st.columns(len(HEADLINES)), HEADLINES):
    item = headlines.latest(frame, release)
    detail = t(f"lithuania.h_{name}_detail", since=since)
    with column:
        st.metric(t(f"lithuania.h_{name}"), item.value_text, border=True, help=detail)
        st.caption(t("lithuania.h_caption", detail=chart_card.md(detail), period=item.period_text,
                     source=headlines.citation(item.source)))
        for other in item.others:
            st.caption(t("common.another_source", text=headlines.other_text(other)))

# ------------------------------------------------------------------ screening per year
st.header(t("lithuania.header_per_year"))
left, right = st.columns(2)
with left:
    chart_card.render(cards.build("lithuania-threats-per-year", release), release)
with right:
    chart_card.render(cards.build("lithuania-decisions-by-outcome", release), release)

# ------------------------------------------------------------------ running totals since the questionnaire
st.header(t("lithuania.header_since", start=view.month_year(questionnaire_start)))
left, right = st.columns(2)
with left:
    chart_card.render(cards.build("lithuania-threats-since-questionnaire", release), release)
with right:
    chart_card.render(cards.build("lithuania-decisions-since-questionnaire", release), release)

# ------------------------------------------------------------------ how many live in Lithuania
st.header(t("lithuania.header_holders"))
shown_groups = st.pills(t("lithuania.events_label"), options=list(view.EVENT_GROUPS), selection_mode="multi",
                        format_func=lambda group: t(f"lithuania.events_{group}"),
                        key=url_state.current().bind("events", "lithuania_events", list(view.EVENT_GROUPS),
                                                     default=cards.lithuania.EVENT_GROUPS, multi=True))
chart_card.render(cards.build("lithuania-permit-holders", release, event_groups=shown_groups or []), release)
