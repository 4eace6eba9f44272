"""Lithuania: Belarusians judged a security threat, the permits refused or cancelled as a result,
and how many Belarusians hold a valid residence permit."""
import streamlit as st

from app import chart_card, data, events, figures, headlines, select
from app import views_lithuania as view

release = data.ensure_release()
series = data.series(release)
facts = data.facts(release)


def meta_note(indicator: str) -> str:
    return data.indicator_meta(release, indicator)["note"]


threats = view.threat_flow(series, facts)
outcomes = view.screening_outcomes(series, facts)
threats_total = view.threats_since_questionnaire(series, facts)
decisions_total = view.decisions_since_questionnaire(series, facts)
holders = view.permit_holders(series, facts)
questionnaire_start = view.month_year(threats_total["period_start"].min())

st.title("Lithuania: security screening and revoked permits")
st.markdown(view.intro(threats, outcomes, holders, threats_total))

# ------------------------------------------------------------------ headline figures
HEADLINES = [
    ("Judged a threat", "Belarusians judged a threat to national security (a flow, one year)",
     select.rows(series, "lt_security_threat_flow", destination="LTU")),
    ("Renewals refused", "Belarusians refused renewal of an expiring permit on security grounds (a flow, one year)",
     select.rows(series, "lt_renewals_refused_security_flow", destination="LTU")),
    ("Since the questionnaire", f"Belarusians judged a threat since {questionnaire_start} "
     "(a running total)", select.rows(series, "lt_security_threat_cumulative", destination="LTU")),
    ("Holding a valid permit", "Belarusians with a valid residence permit (a stock)",
     select.rows(series, "lt_residence_permit_holders_stock", destination="LTU")),
]
for column, (label, detail, frame) in zip(st.columns(len(HEADLINES)), HEADLINES):
    item = headlines.latest(frame, release)
    with column:
        st.metric(label, item.value_text, border=True, help=detail)
        st.caption(f"{detail}. **{item.period_text}.** Source: {chart_card.md(item.source_text)}")
        for other in item.others:
            st.caption(f"Another source: {chart_card.md(other)}")

# ------------------------------------------------------------------ screening per year
st.header("Security decisions per year")
left, right = st.columns(2)
with left:
    chart_card.render(chart_card.ChartCard(
        key="lithuania-threats-per-year",
        title="Belarusians judged a threat to Lithuania's national security",
        subtitle="People per year (a flow) whom the Migration Department, on the State Security Department's "
                 "advice, found to threaten national security. The combined count of Belarusians and Russians "
                 "is its own bar: it includes the Belarusians and is never added to them.",
        data=threats,
        build=lambda frame: view.year_bars(frame, "people judged a threat per year (flow)"),
        alt=view.threat_flow_alt(threats),
        note=f"{meta_note('lt_security_threat_flow')} For the first year of screening see the running totals "
             "since the questionnaire below.",
    ), release)
with right:
    chart_card.render(chart_card.ChartCard(
        key="lithuania-decisions-by-outcome",
        title="Refused, not renewed, cancelled: what the threat decisions meant",
        subtitle="Security decisions on Belarusians per year (a flow), by outcome; a cancelled permit counts as "
                 "one decision. Visa refusals are published only as a running total (below).",
        data=outcomes,
        build=lambda frame: view.year_bars(frame, "decisions per year (flow)"),
        alt=view.outcomes_alt(outcomes),
        note=view.join_notes(meta_note("lt_first_permits_refused_security_flow"),
                             "The three outcomes cover most people judged a threat; the rest concern permanent "
                             "permits and visas."),
    ), release)

# ------------------------------------------------------------------ running totals since the questionnaire
st.header(f"Running totals since the questionnaire ({questionnaire_start})")
left, right = st.columns(2)
with left:
    chart_card.render(chart_card.ChartCard(
        key="lithuania-threats-since-questionnaire",
        title="People judged a threat since the questionnaire began",
        subtitle=f"People judged a threat from {questionnaire_start} to each date (a running total, not a yearly "
                 "count). Belarusians alone and Belarusians with Russians are separate lines.",
        data=threats_total,
        build=lambda frame: view.colour_by_series(
            figures.lines(frame, f"people since {questionnaire_start} (running total)", height=380), frame),
        alt=view.running_total_alt(threats_total, "people judged a threat to Lithuania's national security"),
        note=f"{meta_note('lt_security_threat_cumulative')} The start day is approximate and the end dates differ "
             "by source (see each row's source in the chart data).",
    ), release)
with right:
    chart_card.render(chart_card.ChartCard(
        key="lithuania-decisions-since-questionnaire",
        title="Permits cancelled and visas refused since the questionnaire began",
        subtitle=f"Security decisions on Belarusians from {questionnaire_start} to each date (a running total). "
                 "Visa refusals are published only in this form.",
        data=decisions_total,
        build=lambda frame: view.colour_by_series(
            figures.lines(frame, f"decisions since {questionnaire_start} (running total)", height=380), frame),
        alt=view.running_total_alt(decisions_total, "security decisions on Belarusians"),
        note=view.join_notes(meta_note("lt_permits_cancelled_security_cumulative"),
                             "Both are part of the threat decisions counted in the chart on the left."),
    ), release)

# ------------------------------------------------------------------ how many live in Lithuania
st.header("Belarusians holding a valid permit")
shown_groups = st.pills("Events on the time axis", options=list(view.EVENT_GROUPS), selection_mode="multi",
                        default=["Restrictions", "Border and security"], key="lithuania_events")
lithuanian_events = events.country_events(release, ["LTU"], since="2019-01-01")
lithuanian_events = lithuanian_events[
    lithuanian_events["event_category"].isin(view.event_categories(shown_groups or []))]
chart_card.render(chart_card.ChartCard(
    key="lithuania-permit-holders",
    title="How many Belarusians hold a valid residence permit in Lithuania",
    subtitle="People holding a valid permit on each date (a stock), by two definitions: the Migration "
             "Department's count and Eurostat's count of permits valid for 3 months or more on 31 December. "
             "Triangles mark Lithuanian events; hover for details.",
    data=holders,
    build=lambda frame: figures.add_events(
        view.colour_by_series(figures.lines(frame, "people holding a valid permit (stock)", height=460), frame),
        lithuanian_events),
    alt=view.holders_alt(holders),
    note=view.join_notes(meta_note("lt_residence_permit_holders_stock"),
                         "Eurostat counts permits valid for at least 3 months; temporary protection is excluded.",
                         view.gap_note(holders)),
), release)
