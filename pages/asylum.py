"""Asylum: applications, first-instance decisions and recognition rates for Belarusians by country
(UNHCR), and Poland's own figures from the Office for Foreigners."""
import streamlit as st

from app import chart_card, data, figures, formatting, i18n, select, url_state
from app import views_asylum as asylum
from app.i18n import t
from app.indicator_text import indicator_text

release = data.ensure_release()
series = data.series(release)
DEFAULT_COUNTRIES = ("POL", "LTU", "DEU")
MOST_COUNTRIES = 8
view = url_state.current()

st.title(t("asylum.title"))
st.markdown(t("asylum.intro"))

# ------------------------------------------------------------------ controls shared by the UNHCR charts
countries_column, since_column, unit_column = st.columns([4, 1, 1])
with since_column:
    first_year = st.radio(t("asylum.since_label"), [2015, 2019], horizontal=True,
                          key=view.bind("since", "asylum_since", [2015, 2019], default=2015))
since = f"{first_year}-01-01"
options = asylum.destination_options(series, since)
with countries_column:
    chosen = st.multiselect(t("asylum.countries_label"), options, format_func=i18n.country,
                            max_selections=MOST_COUNTRIES, placeholder=t("asylum.countries_placeholder"),
                            key=view.bind("countries", "asylum_destinations", options, multi=True,
                                          limit=MOST_COUNTRIES,
                                          default=[c for c in DEFAULT_COUNTRIES if c in options]))
with unit_column:
    unit = st.radio(t("asylum.unit_label"), asylum.UNITS, format_func=asylum.unit_label, horizontal=True,
                    key=view.bind("unit", "asylum_unit", asylum.UNITS, default=asylum.UNITS[0]),
                    help=t("asylum.unit_help"))
in_unit = asylum.in_unit(unit)


# Each UNHCR section is a function so that, with no country chosen, the page still shows Poland's
# own figures below instead of stopping.
def applications_section() -> None:
    st.subheader(t("asylum.applications_heading"))
    applicant_type = st.radio(t("asylum.type_label"), asylum.APPLICANT_TYPES,
                              format_func=lambda code: asylum.sentence_case(asylum.applicant_type_label(code)),
                              horizontal=True, help=t("asylum.type_help"),
                              key=view.bind("type", "asylum_type", asylum.APPLICANT_TYPES,
                                            default=asylum.APPLICANT_TYPES[0]))
    what = asylum.applicant_type_label(applicant_type)
    applied = asylum.applications(series, chosen, applicant_type, unit, since)
    elsewhere = asylum.years_in_other_unit(series, asylum.APPLICATIONS, chosen, unit, since,
                                           category=applicant_type)
    if elsewhere:
        st.caption(chart_card.md(asylum.other_unit_message(elsewhere, unit, what)))
    if applied.empty:
        st.info(t("asylum.no_applications", what=what, in_unit=in_unit, year=first_year), icon=":material/info:")
    else:
        select.one_kind(applied)
        peaks = applied.loc[applied.groupby("_label")["value"].idxmax()]
        chart_card.render(chart_card.ChartCard(
            key="asylum-applications",
            title=t("asylum.applications_title", what=what, first=applied["period_end"].dt.year.min(),
                    last=applied["period_end"].dt.year.max()),
            subtitle=asylum.sentence_case(t("asylum.applications_subtitle", what=what, in_unit=in_unit)),
            data=applied,
            build=lambda frame: asylum.yearly(figures.lines(
                frame, t("asylum.applications_axis", what=what, unit=asylum.unit_label(unit)), x="_x")),
            alt=t("asylum.applications_alt", what=what, in_unit=in_unit, peaks="; ".join(
                t("asylum.peak", country=name, value=formatting.number(v), year=end.year)
                for name, v, end in zip(peaks["_label"], peaks["value"], peaks["period_end"]))),
            note=f"{indicator_text(asylum.APPLICATIONS, 'note')} {t('asylum.applications_note')}",
        ), release)


def decisions_section() -> None:
    st.subheader(t("asylum.decisions_heading"))
    elsewhere = asylum.years_in_other_unit(series, asylum.DECISIONS, chosen, unit, since)
    if elsewhere:
        st.caption(chart_card.md(asylum.other_unit_message(elsewhere, unit, t("asylum.what_decisions"))))
    decided_by_country = {destination: asylum.decisions(series, destination, unit, since) for destination in chosen}
    decided_by_country = {d: parts for d, parts in decided_by_country.items() if not parts[0].empty}
    if not decided_by_country:
        st.info(t("asylum.no_decisions", in_unit=in_unit, year=first_year), icon=":material/info:")
    columns = st.columns(2)
    for i, (destination, (decided, zero)) in enumerate(decided_by_country.items()):
        name = i18n.country(destination)
        with columns[i % 2]:
            select.one_kind(decided)
            last_year = decided["period_end"].max()
            latest = decided[decided["period_end"] == last_year]
            zero_note = [t("asylum.zero_outcomes", outcomes=asylum.listed(zero))] if zero else []
            chart_card.render(chart_card.ChartCard(
                key=f"asylum-decisions-{destination.lower()}",
                title=t("asylum.decisions_title", country=name),
                subtitle=t("asylum.decisions_subtitle", in_unit=in_unit),
                data=decided,
                build=lambda frame: asylum.colour_outcomes(figures.bars(
                    frame, t("asylum.decisions_axis", unit=asylum.unit_label(unit)), barmode="stack", height=380),
                    asylum.OUTCOMES),
                alt=t("asylum.decisions_alt", country=name, in_unit=in_unit, year=last_year.year,
                      outcomes="; ".join(f"{label.lower()} {formatting.number(v)}"
                                         for label, v in zip(latest["_label"], latest["value"]))),
                note=" ".join([indicator_text(asylum.DECISIONS, "note")] + zero_note),
            ), release)


def recognition_rate_section() -> None:
    st.subheader(t("asylum.rate_heading"))
    rate_category = st.radio(t("asylum.rate_label"), asylum.RATES, format_func=asylum.rate_label, horizontal=True,
                             key=view.bind("rate", "asylum_rate", asylum.RATES, default=asylum.RATES[0]))
    rated = asylum.rates(series, chosen, rate_category, since)
    if rated.empty:
        st.info(t("asylum.no_rate"), icon=":material/info:")
    else:
        select.one_kind(rated)
        latest_rates = select.latest(rated, ["destination"])
        rounding = [t("asylum.rounding_note")] if asylum.small_counts_rounded(series) else []
        chart_card.render(chart_card.ChartCard(
            key="asylum-recognition-rate",
            title=t("asylum.rate_title", rate=asylum.rate_label(rate_category).lower()),
            subtitle=t("asylum.rate_subtitle"),
            data=rated,
            build=lambda frame: asylum.yearly(asylum.percent_axis(
                figures.lines(frame, t("asylum.rate_axis"), x="_x"))),
            alt=t("asylum.rate_alt", rates="; ".join(
                t("asylum.rate_alt_country", country=name, rate=formatting.value_with_unit(v, "percent"),
                  year=end.year)
                for name, v, end in zip(latest_rates["_label"], latest_rates["value"], latest_rates["period_end"]))),
            note=" ".join([indicator_text(asylum.RATE, "description"), indicator_text(asylum.RATE, "note")]
                          + rounding),
        ), release)


if chosen:
    applications_section()
    decisions_section()
    recognition_rate_section()
else:
    st.info(t("asylum.choose_country"), icon=":material/info:")

# ------------------------------------------------------------------ Poland's Office for Foreigners
st.divider()
st.subheader(t("asylum.office_heading"))
applicants = asylum.office_applicants(series)
select.one_kind(applicants)
shares = asylum.belarusian_share(applicants)
office_decided, office_zero = asylum.office_decisions(series)
select.one_kind(office_decided)
office_rated = asylum.office_rate(series)
select.one_kind(office_rated)
provisional = asylum.listed([str(year) for year in asylum.provisional_years(applicants, office_decided, office_rated)])
st.markdown(" ".join([t("asylum.office_intro")]
                     + ([t("asylum.office_provisional", years=provisional)] if provisional else [])))
cross_check = asylum.cross_check_sentence(asylum.cross_check(series))

applicants_column, rate_column = st.columns(2)
with applicants_column:
    chart_card.render(chart_card.ChartCard(
        key="asylum-poland-applicants",
        title=t("asylum.office_applicants_title"),
        subtitle=t("asylum.office_applicants_subtitle"),
        data=applicants,
        build=lambda frame: asylum.lighten_provisional(
            figures.bars(frame, t("asylum.office_applicants_axis"), height=380), frame),
        alt=t("asylum.office_applicants_alt",
              shares="; ".join(f"{year} {formatting.value_with_unit(share, 'share')}"
                               for year, share in zip(shares["year"], shares["share"])),
              year=shares["year"].iloc[-1],
              value=formatting.number(applicants.loc[applicants["origin"] == "BLR", "value"].iloc[-1])),
        note=f"{indicator_text(asylum.OFFICE_APPLICANTS, 'note')} {t('asylum.provisional_lighter')}",
    ), release)
with rate_column:
    chart_card.render(chart_card.ChartCard(
        key="asylum-poland-rate",
        title=t("asylum.office_rate_title"),
        subtitle=t("asylum.office_rate_subtitle"),
        data=office_rated,
        build=lambda frame: asylum.percent_axis(asylum.lighten_provisional(
            figures.bars(frame, t("asylum.rate_axis"), height=380), frame)),
        alt=t("asylum.office_rate_alt", rates="; ".join(
            f"{year} {formatting.value_with_unit(v, 'percent')}"
            for year, v in zip(asylum.year_labels(office_rated, axis=False), office_rated["value"]))),
        note=" ".join([indicator_text(asylum.OFFICE_RATE, "note"), t("asylum.office_rate_note"),
                       t("asylum.provisional_lighter")]),
    ), release)

latest_office = office_decided[office_decided["period_end"] == office_decided["period_end"].max()]
chart_card.render(chart_card.ChartCard(
    key="asylum-poland-decisions",
    title=t("asylum.office_decisions_title"),
    subtitle=t("asylum.office_decisions_subtitle"),
    data=office_decided,
    build=lambda frame: asylum.lighten_provisional(asylum.colour_outcomes(
        figures.bars(frame, t("asylum.decisions_axis", unit=asylum.unit_label("persons")), barmode="stack",
                     height=400),
        asylum.OFFICE_OUTCOMES), frame),
    alt=" ".join(part for part in (t(
        "asylum.office_decisions_alt", year=asylum.year_labels(latest_office, axis=False)[0],
        outcomes="; ".join(f"{label.lower()} {formatting.number(v)}"
                           for label, v in zip(latest_office["_label"], latest_office["value"]))), cross_check)
                 if part),
    note=" ".join([t("asylum.office_totals_note")]
                  + ([t("asylum.zero_outcomes", outcomes=asylum.listed(office_zero))] if office_zero else [])
                  + ([t("asylum.office_provisional_note", years=provisional)] if provisional else [])
                  + ([cross_check] if cross_check else [])),
), release)
