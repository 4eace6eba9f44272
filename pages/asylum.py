"""Asylum: applications, first-instance decisions and recognition rates for Belarusians by country
(UNHCR), and Poland's own figures from the Office for Foreigners."""
import streamlit as st

from app import cards, chart_card, data, i18n, memo, url_state
from app import views_asylum as asylum
from app.i18n import t

release = data.ensure_release()
series = data.series(release)
MOST_COUNTRIES = 8
view = url_state.current()

st.title(t("asylum.title"))
st.markdown(t("asylum.intro"))

# ------------------------------------------------------------------ controls shared by the UNHCR charts
# The first year, the countries and the unit are shared by the UNHCR sections below: a change of one
# reruns, by name, the sections that use it (url_state.rerun_sections), not the page. Each section
# reads the shared controls itself (shared()), so the order the sections rerun in does not matter.
CONTROLS, APPLICATIONS, DECISIONS, RATE = "asylum-controls", "asylum-applications", "asylum-decisions", "asylum-rate"


def destination_options(first_year: int) -> list[str]:
    since = f"{first_year}-01-01"
    return memo.once(release, ("asylum.options", since), lambda: asylum.destination_options(series, since))


def shared() -> tuple[int, list[str], str]:
    """The first year, the countries (those with figures since that year) and the unit, as set."""
    first_year = view.value("since")
    options = destination_options(first_year)
    return first_year, [c for c in view.value("countries") if c in options], view.value("unit")


@url_state.section(key=CONTROLS)
def controls() -> None:
    countries_column, since_column, unit_column = st.columns([4, 1, 1])
    with since_column:  # the countries offered depend on it: the controls rerun with the sections
        first_year = st.radio(t("asylum.since_label"), cards.asylum.FIRST_YEARS, horizontal=True,
                              key=view.bind("since", "asylum_since", cards.asylum.FIRST_YEARS,
                                            default=cards.asylum.FIRST_YEARS[0]),
                              on_change=url_state.rerun_sections, args=(CONTROLS, APPLICATIONS, DECISIONS, RATE))
    options = destination_options(first_year)
    with countries_column:
        st.multiselect(t("asylum.countries_label"), options, format_func=i18n.country,
                       max_selections=MOST_COUNTRIES, placeholder=t("asylum.countries_placeholder"),
                       key=view.bind("countries", "asylum_destinations", options, multi=True, limit=MOST_COUNTRIES,
                                     default=cards.asylum.default_destinations(options)),
                       on_change=url_state.rerun_sections, args=(APPLICATIONS, DECISIONS, RATE))
    with unit_column:  # the recognition rate has no unit
        st.radio(t("asylum.unit_label"), asylum.UNITS, format_func=asylum.unit_label, horizontal=True,
                 key=view.bind("unit", "asylum_unit", asylum.UNITS, default=asylum.UNITS[0]),
                 help=t("asylum.unit_help"), on_change=url_state.rerun_sections, args=(APPLICATIONS, DECISIONS))


# With no country chosen the UNHCR sections say so (the first) or draw nothing, and the page still
# shows Poland's own figures below.
@url_state.section(key=APPLICATIONS)  # its applicant type reruns it alone
def applications_section() -> None:
    first_year, chosen, unit = shared()
    if not chosen:
        st.info(t("asylum.choose_country"), icon=":material/info:")
        return
    since = f"{first_year}-01-01"
    st.header(t("asylum.applications_heading"))
    applicant_type = st.radio(t("asylum.type_label"), asylum.APPLICANT_TYPES,
                              format_func=lambda code: asylum.sentence_case(asylum.applicant_type_label(code)),
                              horizontal=True, help=t("asylum.type_help"),
                              key=view.bind("type", "asylum_type", asylum.APPLICANT_TYPES,
                                            default=asylum.APPLICANT_TYPES[0]))
    what = asylum.applicant_type_label(applicant_type)
    elsewhere = memo.once(release, ("asylum.elsewhere", tuple(chosen), unit, since, applicant_type),
                          lambda: asylum.years_in_other_unit(series, asylum.APPLICATIONS, chosen, unit, since,
                                                             category=applicant_type))
    if elsewhere:
        st.caption(chart_card.md(asylum.other_unit_message(elsewhere, unit, what)))
    chart = cards.build("asylum-applications", release, countries=chosen, applicant_type=applicant_type, unit=unit,
                        first_year=first_year)
    if chart is None:
        st.info(t("asylum.no_applications", what=what, in_unit=asylum.in_unit(unit), year=first_year),
                icon=":material/info:")
    else:
        chart_card.render(chart, release)


@url_state.section(key=DECISIONS)  # no filter of its own: the shared controls rerun it
def decisions_section() -> None:
    first_year, chosen, unit = shared()
    if not chosen:
        return
    since = f"{first_year}-01-01"
    st.header(t("asylum.decisions_heading"))
    elsewhere = memo.once(release, ("asylum.decisions_elsewhere", tuple(chosen), unit, since),
                          lambda: asylum.years_in_other_unit(series, asylum.DECISIONS, chosen, unit, since))
    if elsewhere:
        st.caption(chart_card.md(asylum.other_unit_message(elsewhere, unit, t("asylum.what_decisions"))))
    charts = [cards.build("asylum-decisions", release, destination=destination, unit=unit, first_year=first_year)
              for destination in chosen]
    charts = [chart for chart in charts if chart is not None]
    if not charts:
        st.info(t("asylum.no_decisions", in_unit=asylum.in_unit(unit), year=first_year), icon=":material/info:")
    columns = st.columns(2)
    for i, chart in enumerate(charts):
        with columns[i % 2]:
            chart_card.render(chart, release)


@url_state.section(key=RATE)  # its rate reruns it alone
def recognition_rate_section() -> None:
    first_year, chosen, _ = shared()
    if not chosen:
        return
    st.header(t("asylum.rate_heading"))
    rate_category = st.radio(t("asylum.rate_label"), asylum.RATES, format_func=asylum.rate_label, horizontal=True,
                             key=view.bind("rate", "asylum_rate", asylum.RATES, default=asylum.RATES[0]))
    chart = cards.build("asylum-recognition-rate", release, countries=chosen, rate=rate_category,
                        first_year=first_year)
    if chart is None:
        st.info(t("asylum.no_rate"), icon=":material/info:")
    else:
        chart_card.render(chart, release)


controls()
applications_section()
decisions_section()
recognition_rate_section()

# ------------------------------------------------------------------ Poland's Office for Foreigners
st.divider()
st.header(t("asylum.office_heading"))
provisional = memo.once(release, "asylum.office_provisional", lambda: cards.asylum.office_provisional(release))
st.markdown(" ".join([t("asylum.office_intro")]
                     + ([t("asylum.office_provisional", years=provisional)] if provisional else [])))
applicants_column, rate_column = st.columns(2)
with applicants_column:
    chart_card.render(cards.build("asylum-poland-applicants", release), release)
with rate_column:
    chart_card.render(cards.build("asylum-poland-rate", release), release)
chart_card.render(cards.build("asylum-poland-decisions", release), release)
