"""Asylum: applications, first-instance decisions and recognition rates for Belarusians by country
(UNHCR), and Poland's own figures from the Office for Foreigners."""
import streamlit as st

from app import chart_card, data, figures, formatting, select
from app import views_asylum as asylum

release = data.ensure_release()
series = data.series(release)
DEFAULT_COUNTRIES = ("POL", "LTU", "DEU")

st.title("Asylum: how many Belarusians applied, and what was decided")
st.markdown(
    "Asylum is the formal route to protection, and only a minority of those who left took it. Applications and "
    "first-instance decisions come from UNHCR, which compiles each country's reports; Poland's own Office for "
    "Foreigners publishes matching figures, shown at the bottom of the page."
)

# ------------------------------------------------------------------ controls shared by the UNHCR charts
countries_column, since_column, unit_column = st.columns([4, 1, 1])
with since_column:
    first_year = st.radio("Since", [2015, 2019], horizontal=True, key="asylum_since")
since = f"{first_year}-01-01"
options = asylum.destination_options(series, since)
with countries_column:
    chosen = st.multiselect("Countries of asylum", options, default=[c for c in DEFAULT_COUNTRIES if c in options],
                            format_func=asylum.country_name, key="asylum_destinations", max_selections=8,
                            placeholder="Choose one or more countries")
with unit_column:
    unit = st.radio("Counted in", asylum.UNITS, horizontal=True, key="asylum_unit",
                    help="Some countries count cases (a case can hold several people), others persons. "
                         "The two are never added.")

# Each UNHCR section is a function so that, with no country chosen, the page still shows Poland's
# own figures below instead of stopping.
def applications_section() -> None:
    st.subheader("Applications")
    applicant_type = st.radio("Type of application", list(asylum.APPLICANT_TYPES),
                              format_func=lambda t: asylum.APPLICANT_TYPES[t].capitalize(), horizontal=True,
                              key="asylum_type",
                              help="Repeat applications and appeals are not new applications: they are shown one "
                                   "type at a time, never added.")
    what = asylum.APPLICANT_TYPES[applicant_type]
    applied = asylum.applications(series, chosen, applicant_type, unit, since)
    elsewhere = asylum.years_in_other_unit(series, asylum.APPLICATIONS, chosen, unit, since,
                                           category=applicant_type)
    if elsewhere:
        st.caption(chart_card.md(asylum.other_unit_message(elsewhere, unit, what)))
    applications_meta = data.indicator_meta(release, asylum.APPLICATIONS)
    if applied.empty:
        st.info(f"None of the chosen countries reports {what} by Belarusians in {unit} since {first_year}.",
                icon=":material/info:")
    else:
        select.one_kind(applied)
        peaks = applied.loc[applied.groupby("_label")["value"].idxmax()]
        chart_card.render(chart_card.ChartCard(
            key="asylum-applications",
            title=f"Belarusians' {what} for asylum, {applied['period_end'].dt.year.min()} to "
                  f"{applied['period_end'].dt.year.max()}",
            subtitle=f"{what.capitalize()} lodged in each year (a flow), counted in {unit}, by country of asylum.",
            data=applied,
            build=lambda frame: asylum.yearly(
                figures.lines(frame, f"{what} in the year ({unit}, a flow)", x="_x")),
            alt=(f"Line chart of {what} by Belarusians per year, in {unit}. Peaks: " + "; ".join(
                f"{name} {formatting.number(v)} in {end.year}"
                for name, v, end in zip(peaks["_label"], peaks["value"], peaks["period_end"])) + "."),
            note=applications_meta["note"] + " Countries missing from a year reported nothing for it.",
        ), release)


def decisions_section() -> None:
    st.subheader("First-instance decisions")
    decisions_meta = data.indicator_meta(release, asylum.DECISIONS)
    elsewhere = asylum.years_in_other_unit(series, asylum.DECISIONS, chosen, unit, since)
    if elsewhere:
        st.caption(chart_card.md(asylum.other_unit_message(elsewhere, unit, "decisions")))
    decided_by_country = {destination: asylum.decisions(series, destination, unit, since) for destination in chosen}
    decided_by_country = {d: parts for d, parts in decided_by_country.items() if not parts[0].empty}
    if not decided_by_country:
        st.info(f"None of the chosen countries reports first-instance decisions on Belarusians in {unit} since "
                f"{first_year}.", icon=":material/info:")
    columns = st.columns(2)
    for i, (destination, (decided, zero)) in enumerate(decided_by_country.items()):
        name = asylum.country_name(destination)
        with columns[i % 2]:
            select.one_kind(decided)
            last_year = decided["period_end"].max()
            latest = decided[decided["period_end"] == last_year]
            chart_card.render(chart_card.ChartCard(
                key=f"asylum-decisions-{destination.lower()}",
                title=f"{name}: first-instance decisions on Belarusians",
                subtitle=f"Decisions taken in each year (a flow), in {unit}, by outcome.",
                data=decided,
                build=lambda frame: asylum.colour_outcomes(
                    figures.bars(frame, f"decisions in the year ({unit}, a flow)", barmode="stack", height=380),
                    asylum.OUTCOMES),
                alt=(f"Stacked bar chart of first-instance decisions on Belarusian applicants in {name}, in "
                     f"{unit}. In {last_year.year}: "
                     + "; ".join(f"{label.lower()} {formatting.number(v)}"
                                 for label, v in zip(latest["_label"], latest["value"])) + "."),
                note=decisions_meta["note"] + (f" Zero in every year shown: {', '.join(zero)}." if zero else ""),
            ), release)


def recognition_rate_section() -> None:
    st.subheader("Recognition rate")
    rate_category = st.radio("Rate of", list(asylum.RATES), format_func=asylum.RATES.get, horizontal=True,
                             key="asylum_rate")
    rated = asylum.rates(series, chosen, rate_category, since)
    rate_meta = data.indicator_meta(release, asylum.RATE)
    if rated.empty:
        st.info("No recognition rate can be computed for the chosen countries: they report no decisions in "
                "persons.", icon=":material/info:")
    else:
        select.one_kind(rated)
        latest_rates = select.latest(rated, ["destination"])
        chart_card.render(chart_card.ChartCard(
            key="asylum-recognition-rate",
            title=f"Recognition rate at first instance: {asylum.RATES[rate_category].lower()}",
            subtitle="Per cent of decisions on the merits (recognised, complementary protection, rejected) in "
                     "each year; a ratio, drawn apart from the counts. Hover for the number of decisions behind "
                     "each rate.",
            data=rated,
            build=lambda frame: asylum.yearly(asylum.percent_axis(
                figures.lines(frame, "recognition rate (% of decisions on the merits)", x="_x"))),
            alt=("Line chart of recognition rates. Latest: " + "; ".join(
                f"{name} {formatting.value_with_unit(v, 'percent')} in {end.year}"
                for name, v, end in zip(latest_rates["_label"], latest_rates["value"], latest_rates["period_end"]))
                + "."),
            note=(f"{rate_meta['description']} {rate_meta['note']}"
                  + (" No published decision count lies between 1 and 4 while many are 5: UNHCR rounds small "
                     "counts, so a rate resting on a handful of decisions is rough."
                     if asylum.small_counts_rounded(series) else "")),
        ), release)


if chosen:
    applications_section()
    decisions_section()
    recognition_rate_section()
else:
    st.info("Choose at least one country to draw UNHCR's charts.", icon=":material/info:")

# ------------------------------------------------------------------ Poland's Office for Foreigners
st.divider()
st.subheader("Poland's own figures: the Office for Foreigners")
office_meta = {indicator: data.indicator_meta(release, indicator)
               for indicator in (asylum.OFFICE_APPLICANTS, asylum.OFFICE_RATE)}
applicants = asylum.office_applicants(series)
select.one_kind(applicants)
shares = asylum.belarusian_share(applicants)
office_decided, office_zero = asylum.office_decisions(series)
select.one_kind(office_decided)
office_rated = asylum.office_rate(series)
select.one_kind(office_rated)
provisional = " and ".join(map(str, asylum.provisional_years(applicants, office_decided, office_rated)))
st.markdown(
    "The Office for Foreigners (Urząd do Spraw Cudzoziemców) publishes its own counts."
    + (f" Figures for {provisional} are provisional: they are drawn lighter and marked on the axis."
       if provisional else "")
)
cross_check = asylum.cross_check_sentence(asylum.cross_check(series))

applicants_column, rate_column = st.columns(2)
with applicants_column:
    chart_card.render(chart_card.ChartCard(
        key="asylum-poland-applicants",
        title="Applicants for international protection in Poland",
        subtitle="People applying in each year (a flow): Belarusians beside all nationalities, which include them.",
        data=applicants,
        build=lambda frame: asylum.lighten_provisional(
            figures.bars(frame, "applicants in the year (persons, a flow)", height=380), frame),
        alt=("Grouped bar chart. Belarusians' share of all applicants for protection in Poland: " + "; ".join(
            f"{year} {formatting.value_with_unit(share, 'share')}"
            for year, share in zip(shares["year"], shares["share"]))
             + f". Belarusian applicants in {shares['year'].iloc[-1]}: "
             + formatting.number(applicants.loc[applicants["origin"] == "BLR", "value"].iloc[-1]) + "."),
        note=office_meta[asylum.OFFICE_APPLICANTS]["note"] + " Provisional bars are lighter.",
    ), release)
with rate_column:
    chart_card.render(chart_card.ChartCard(
        key="asylum-poland-rate",
        title="Recognition rate for Belarusians in Poland, as the Office computes it",
        subtitle="Per cent of decisions on the merits granting refugee status or subsidiary protection, per year "
                 "(a ratio).",
        data=office_rated,
        build=lambda frame: asylum.percent_axis(asylum.lighten_provisional(
            figures.bars(frame, "recognition rate (% of decisions on the merits)", height=380), frame)),
        alt=("Bar chart of the Office's recognition rate for Belarusians: " + "; ".join(
            f"{year} {formatting.value_with_unit(v, 'percent')}"
            for year, v in zip(asylum.year_labels(office_rated, axis=False), office_rated["value"])) + "."),
        note=(office_meta[asylum.OFFICE_RATE]["note"] + " Its base is decisions on the merits; UNHCR's rate above "
              "leaves closed cases out of a base of its own, so the two can differ slightly. Provisional bars are "
              "lighter."),
    ), release)

latest_office = office_decided[office_decided["period_end"] == office_decided["period_end"].max()]
chart_card.render(chart_card.ChartCard(
    key="asylum-poland-decisions",
    title="Decisions on Belarusians' protection claims in Poland, by outcome",
    subtitle="Decisions taken in each year (a flow), in persons.",
    data=office_decided,
    build=lambda frame: asylum.lighten_provisional(asylum.colour_outcomes(
        figures.bars(frame, "decisions in the year (persons, a flow)", barmode="stack", height=400),
        asylum.OFFICE_OUTCOMES), frame),
    alt=(f"Stacked bar chart of the Office's decisions on Belarusians by outcome. In "
         f"{asylum.year_labels(latest_office, axis=False)[0]}: "
         + "; ".join(f"{label.lower()} {formatting.number(v)}"
                     for label, v in zip(latest_office["_label"], latest_office["value"])) + f". {cross_check}"),
    note=("The Office's totals (all decisions, decisions on the merits) are sums of these outcomes and are not "
          "drawn. " + (f"Zero in every year: {', '.join(office_zero)}. " if office_zero else "")
          + (f"{provisional} figures are provisional and drawn lighter. " if provisional else "") + cross_check),
), release)
