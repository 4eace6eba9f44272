"""Poland: the Poland. Business Harbour IT visas, humanitarian visas, residence permits and how many
Belarusians hold a Polish residence document."""
import streamlit as st

from app import cards, chart_card, data, figures, formatting, headlines, select, url_state
from app import views_lithuania as shared
from app import views_poland as view
from app.i18n import t

release = data.ensure_release()
series = data.series(release)
facts = data.facts(release)

programme = cards.programme(release)
launched = programme["date"].min()
since_launch = shared.month_year(launched, governed=True)
visa_totals = view.visa_totals(series)
documents = view.documents_by_type(series, facts)

st.title(t("poland.title"))
st.markdown(view.intro(view.residence_stock(series, facts, with_eurostat=True), documents, visa_totals, programme))

# ------------------------------------------------------------------ headline figures
applicants_total = select.rows(series, "udsc_permit_applicants_flow", destination="POL")
HEADLINES = [
    ("documents", select.rows(series, ["pl_residence_document_holders_stock", "udsc_residence_documents_stock"],
                              destination="POL")),
    ("pbh", select.rows(series, "pl_pbh_visas_cumulative", destination="POL")),
    ("humanitarian", select.rows(series, "udsc_humanitarian_visas_cumulative", destination="POL")),
    ("applicants", applicants_total),
]
for column, (name, frame) in zip(st.columns(len(HEADLINES)), HEADLINES):
    item = headlines.latest(frame, release)
    detail = t(f"poland.h_{name}_detail", since=since_launch)
    provisional = view.provisional_note(select.latest(frame))
    with column:
        st.metric(t(f"poland.h_{name}"), item.value_text, border=True, help=detail)
        st.caption(t("poland.h_caption_provisional" if provisional else "poland.h_caption",
                     detail=chart_card.md(detail), period=item.period_text, provisional=provisional,
                     source=headlines.citation(item.source)))
        for other in item.others:
            st.caption(t("common.another_source", text=headlines.other_text(other)))

# ------------------------------------------------------------------ Poland. Business Harbour
st.header(t("poland.header_pbh"))
chart_card.render(cards.poland_pbh(release), release)

left, right = st.columns(2)
with left:
    quarterly = view.pbh_quarterly(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-pbh-per-quarter",
        title=t("poland.quarterly_title"),
        subtitle=t("poland.quarterly_subtitle"),
        data=quarterly,
        build=lambda frame: shared.year_bars(frame, t("poland.quarterly_y")),
        alt=view.series_alt(quarterly, "quarterly", how="in"),
        note=t("poland.quarterly_note"),
    ), release)
with right:
    by_purpose = view.visas_by_purpose(series, facts)
    code21 = visa_totals.loc["udsc_humanitarian_visas_cumulative"]
    chart_card.render(chart_card.ChartCard(
        key="poland-visas-by-purpose",
        title=t("poland.purpose_title", first=code21["period_start"].year, last=code21["period_end"].year),
        subtitle=t("poland.purpose_subtitle", start=formatting.date(code21["period_start"]),
                   end=formatting.date(code21["period_end"])),
        data=by_purpose,
        build=lambda frame: view.purpose_bars(frame, t("poland.purpose_y")),
        alt=view.purpose_alt(by_purpose, visa_totals),
        note=t("poland.purpose_note", start=formatting.date(code21["period_start"]),
               end=formatting.date(code21["period_end"])),
    ), release)

# ------------------------------------------------------------------ humanitarian visas and permits granted
st.header(t("poland.header_humanitarian"))
left, right = st.columns(2)
with left:
    humanitarian = view.humanitarian(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-humanitarian-visas",
        title=t("poland.humanitarian_title"),
        subtitle=t("poland.humanitarian_subtitle"),
        data=humanitarian,
        build=lambda frame: shared.colour_by_series(
            figures.lines(frame, t("poland.humanitarian_y"), height=400), frame),
        alt=view.series_alt(humanitarian, "humanitarian", how="by"),
        note=t("poland.humanitarian_note"),
    ), release)
with right:
    permits = view.permits_granted(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-permits-granted",
        title=t("poland.permits_title"),
        subtitle=t("poland.permits_subtitle"),
        data=permits,
        build=lambda frame: shared.year_bars(frame, t("poland.permits_y")),
        alt=view.series_alt(permits, "permits", how="in"),
        note=view.permits_note(permits),
    ), release)

# ------------------------------------------------------------------ applications by voivode
st.header(t("poland.header_voivodes"))
years = view.applicant_years(series)
provisional = view.provisional_years(applicants_total)
year = st.segmented_control(
    t("poland.year_label"), options=years, key=url_state.current().bind("year", "poland_voivode_year", years,
                                                                        default=years[-1]),
    format_func=lambda y: t("poland.year_provisional", year=y) if y in provisional else str(y)) or years[-1]
applicants_note = shared.join_notes(t("poland.applicants_note"), view.provisional_note(applicants_total))
left, right = st.columns([3, 2])
with left:
    by_voivode = view.applicants_by_voivode(series, facts, year)
    chart_card.render(chart_card.ChartCard(
        key="poland-applicants-by-voivode",
        title=t("poland.voivode_title", year=year),
        subtitle=t("poland.voivode_subtitle", year=year),
        data=by_voivode,
        build=lambda frame: view.ranked(frame, t("poland.voivode_x", year=year)),
        alt=view.ranked_alt(by_voivode, "voivode", year=year),
        note=applicants_note,
    ), release)
with right:
    per_year = view.applicants_per_year(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-applicants-per-year",
        title=t("poland.per_year_title"),
        subtitle=t("poland.per_year_subtitle"),
        data=per_year,
        build=lambda frame: shared.year_bars(frame, t("poland.per_year_y"), height=420),
        alt=view.series_alt(per_year, "per_year", how="in"),
        note=applicants_note,
    ), release)

# ------------------------------------------------------------------ how many live in Poland
st.header(t("poland.header_stock"))
with_eurostat = st.toggle(t("poland.toggle_eurostat"),
                          key=url_state.current().bind("eurostat", "poland_eurostat", [False, True], default=True))
chart_card.render(cards.poland_residence(release, with_eurostat), release)
chart_card.render(cards.poland_documents(release), release)
