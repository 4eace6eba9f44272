"""Poland: the Poland. Business Harbour IT visas, humanitarian visas, residence permits and how many
Belarusians hold a Polish residence document."""
import streamlit as st

from app import chart_card, data, events, figures, formatting, headlines, select
from app import views_lithuania as shared
from app import views_poland as view

release = data.ensure_release()
series = data.series(release)
facts = data.facts(release)


def meta_note(indicator: str) -> str:
    return data.indicator_meta(release, indicator)["note"]


programme = view.programme_events(events.country_events(release, ["POL"], since="2020-01-01"))
launched = programme["date"].min()
visa_totals = view.visa_totals(series)
documents = view.documents_by_type(series, facts)

st.title("Poland: IT visas and permits")
st.markdown(view.intro(view.residence_stock(series, facts, with_eurostat=True), documents, visa_totals, programme))

# ------------------------------------------------------------------ headline figures
applicants_total = select.rows(series, "udsc_permit_applicants_flow", destination="POL")
HEADLINES = [
    ("Residence documents", "Belarusians with a valid Polish residence document (a stock)",
     select.rows(series, ["pl_residence_document_holders_stock", "udsc_residence_documents_stock"], destination="POL")),
    ("PBH visas to Belarusians", "Poland. Business Harbour visas issued to Belarusians since "
     f"{shared.month_year(launched)} (a running total)",
     select.rows(series, "pl_pbh_visas_cumulative", destination="POL")),
    ("Humanitarian visas", "Code-21 humanitarian visas issued to Belarusians (a running total)",
     select.rows(series, "udsc_humanitarian_visas_cumulative", destination="POL")),
    ("Permit applicants", "Belarusians applying for a temporary, permanent or EU long-term permit "
     "(a flow, one year)", applicants_total),
]
for column, (label, detail, frame) in zip(st.columns(len(HEADLINES)), HEADLINES):
    item = headlines.latest(frame, release)
    with column:
        st.metric(label, item.value_text, border=True, help=detail)
        caption = [f"{detail}.", f"**{item.period_text}.**", view.provisional_note(select.latest(frame)),
                   f"Source: {chart_card.md(item.source_text)}"]
        st.caption(" ".join(part for part in caption if part))
        for other in item.others:
            st.caption(f"Another source: {chart_card.md(other)}")

# ------------------------------------------------------------------ Poland. Business Harbour
st.header("Poland. Business Harbour: the IT visa programme")
pbh = view.pbh_cumulative(series, facts)
chart_card.render(chart_card.ChartCard(
    key="poland-pbh-running-total",
    title="How many Poland. Business Harbour visas were issued",
    subtitle=f"Visas issued since the programme began on {formatting.date(launched)}, to each date (a running "
             "total), to Belarusians and to all nationalities. Sources disagree: every figure is shown. Triangles mark "
             "the programme's milestones; hover for details.",
    data=pbh,
    build=lambda frame: figures.add_events(shared.colour_by_series(
        figures.lines(frame, f"visas issued since {shared.month_year(launched)} (running total)", height=460), frame),
        programme),
    alt=view.series_alt(pbh, "Line chart of Poland. Business Harbour visas, running totals", how="by"),
    note=shared.join_notes(meta_note("pl_pbh_visas_cumulative"), meta_note("pl_visas_reported_by_udsc_cumulative"),
                           "All nationalities includes the Belarusians.", shared.unverified_note(pbh)),
), release)

left, right = st.columns(2)
with left:
    quarterly = view.pbh_quarterly(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-pbh-per-quarter",
        title="The last year of PBH: visas per quarter",
        subtitle="Poland. Business Harbour visas issued in each quarter (a flow), all nationalities; "
                 "the Ministry did not give a split by nationality.",
        data=quarterly,
        build=lambda frame: shared.year_bars(frame, "visas per quarter (flow)"),
        alt=view.series_alt(quarterly, "Bar chart of Poland. Business Harbour visas per quarter", how="in"),
        note=meta_note("pl_pbh_visas_flow"),
    ), release)
with right:
    by_purpose = view.visas_by_purpose(series, facts)
    code21 = visa_totals.loc["udsc_humanitarian_visas_cumulative"]
    chart_card.render(chart_card.ChartCard(
        key="poland-visas-by-purpose",
        title="A broader count: visas by purpose code, to 2026",
        subtitle=f"Visas issued to Belarusians from {formatting.date(code21['period_start'])} to "
                 f"{formatting.date(code21['period_end'])} (a running total), by purpose code and type, as "
                 "given in the Office for Foreigners' report. Not comparable with the PBH programme counts above.",
        data=by_purpose,
        build=lambda frame: view.purpose_bars(frame, "visas issued (running total)"),
        alt=view.purpose_alt(by_purpose, visa_totals),
        note=shared.join_notes(meta_note("udsc_pbh_visas_cumulative"), meta_note("udsc_humanitarian_visas_cumulative")),
    ), release)

# ------------------------------------------------------------------ humanitarian visas and permits granted
st.header("Humanitarian visas and residence permits")
left, right = st.columns(2)
with left:
    humanitarian = view.humanitarian(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-humanitarian-visas",
        title="Humanitarian visas issued to Belarusians",
        subtitle="Visas issued on humanitarian grounds from mid-2020 to each date (a running total). The start "
                 "dates differ slightly between sources; hover for each period.",
        data=humanitarian,
        build=lambda frame: shared.colour_by_series(
            figures.lines(frame, "visas since mid-2020 (running total)", height=400), frame),
        alt=view.series_alt(humanitarian, "Line chart of humanitarian visas to Belarusians, running totals", how="by"),
        note=shared.join_notes(meta_note("pl_humanitarian_visas_cumulative"), shared.unverified_note(humanitarian)),
    ), release)
with right:
    permits = view.permits_granted(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-permits-granted",
        title="Residence permits granted to Belarusians",
        subtitle="Permits granted or positive permit decisions per year (a flow), as reported from Office for "
                 "Foreigners data; only some years were published.",
        data=permits,
        build=lambda frame: shared.year_bars(frame, "permits or positive decisions per year (flow)"),
        alt=view.series_alt(permits, "Bar chart of residence permits granted to Belarusians", how="in"),
        note=shared.join_notes(meta_note("pl_residence_permits_granted_flow"),
                               meta_note("pl_temporary_permits_issued_flow"),
                               "The 2021 figure counts positive decisions; the others count permits."),
    ), release)

# ------------------------------------------------------------------ applications by voivode
st.header("Where Belarusians apply for residence permits")
years = view.applicant_years(series)
provisional = view.provisional_years(applicants_total)
year = st.segmented_control("Year", options=years, default=years[-1], key="poland_voivode_year",
                            format_func=lambda y: f"{y} (provisional)" if y in provisional else str(y)) or years[-1]
left, right = st.columns([3, 2])
with left:
    by_voivode = view.applicants_by_voivode(series, facts, year)
    chart_card.render(chart_card.ChartCard(
        key="poland-applicants-by-voivode",
        title=f"Permit applications by Belarusians per voivode's office, {year}",
        subtitle=f"Persons applying in {year} (a flow) for a temporary, permanent or EU long-term resident permit, "
                 "by the voivode's office that received the application (seat in brackets), with each office's "
                 "share of the year's total.",
        data=by_voivode,
        build=lambda frame: view.ranked(frame, f"applicants in {year} (flow)"),
        alt=view.ranked_alt(by_voivode, f"Ranked bar chart of Belarusians applying for Polish residence permits in "
                                        f"{year}, by voivode's office"),
        note=meta_note("udsc_permit_applicants_flow"),
    ), release)
with right:
    per_year = view.applicants_per_year(series, facts)
    chart_card.render(chart_card.ChartCard(
        key="poland-applicants-per-year",
        title="Permit applications by Belarusians per year",
        subtitle="Persons applying for a temporary, permanent or EU long-term resident permit in each year "
                 "(a flow), all voivodes' offices.",
        data=per_year,
        build=lambda frame: shared.year_bars(frame, "applicants per year (flow)", height=420),
        alt=view.series_alt(per_year, "Bar chart of Belarusians applying for Polish residence permits", how="in"),
        note=meta_note("udsc_permit_applicants_flow"),
    ), release)

# ------------------------------------------------------------------ how many live in Poland
st.header("Belarusians holding a Polish residence document")
with_eurostat = st.toggle("Show Eurostat's count of valid permits (a broader definition that includes national "
                          "work visas)", value=True, key="poland_eurostat")
stock = view.residence_stock(series, facts, with_eurostat)
chart_card.render(chart_card.ChartCard(
    key="poland-residence-documents",
    title="How many Belarusians hold a valid Polish residence document",
    subtitle="People holding a valid document on each date (a stock). National counts cover residence cards and "
             "protection; Eurostat's count, if shown, also includes national long-stay work visas.",
    data=stock,
    build=lambda frame: shared.colour_by_series(
        figures.lines(frame, "people holding a valid document (stock)", height=460), frame),
    alt=view.series_alt(stock, "Line chart of Belarusians holding a valid residence document in Poland"),
    note=shared.join_notes(meta_note("pl_residence_document_holders_stock"),
                           meta_note("eurostat_valid_permits_stock") if with_eurostat else "",
                           shared.unverified_note(stock), shared.gap_note(stock)),
), release)
chart_card.render(chart_card.ChartCard(
    key="poland-documents-by-type",
    title=f"What documents Belarusians held on {formatting.date(documents['period_end'].max())}",
    subtitle="People holding each type of valid residence document on that date (a stock), with its share of all "
             "holders.",
    data=documents,
    build=lambda frame: view.ranked(frame, "people holding the document (stock)"),
    alt=view.ranked_alt(documents, "Ranked bar chart of Belarusians in Poland by type of residence document"),
    note=meta_note("udsc_residence_documents_stock"),
), release)
