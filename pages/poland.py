"""Poland: the Poland. Business Harbour IT visas, humanitarian visas, residence permits and how many
Belarusians hold a Polish residence document."""
import streamlit as st

from app import cards, chart_card, chrome, data, headline_row, memo, select, url_state
from app import views_country as country
from app import views_poland as view
from app.i18n import t

release = data.ensure_release()
series = data.series(release)
facts = data.facts(release)


def shaped() -> tuple[str, list[headline_row.Headline], list, set]:
    """What the page says before its charts: made once per release and language (app/memo.py)."""
    programme = cards.poland.programme(release)
    since_launch = country.month_year(programme["date"].min(), governed=True)
    documents = view.documents_by_type(series, facts)
    intro = view.intro(view.residence_stock(series, facts, with_eurostat=True), documents, view.visa_totals(series),
                       programme)
    applicants_total = view.applicants_total(series)
    headline_figures = [
        headline_row.Headline(t(f"poland.h_{name}"), frame, t(f"poland.h_{name}_detail", since=since_launch),
                              provisional=view.provisional_note(select.latest(frame)))
        for name, frame in [
            ("documents", select.rows(series, ["pl_residence_document_holders_stock",
                                               "udsc_residence_documents_stock"], destination="POL")),
            ("pbh", select.rows(series, "pl_pbh_visas_cumulative", destination="POL")),
            ("humanitarian", select.rows(series, "udsc_humanitarian_visas_cumulative", destination="POL")),
            ("applicants", applicants_total)]]
    return intro, headline_figures, view.applicant_years(series), view.provisional_years(applicants_total)


intro, headline_figures, years, provisional = memo.once(release, "poland.page", shaped)
st.title(t("poland.title"))
st.markdown(intro)

# ------------------------------------------------------------------ headline figures
headline_row.render(headline_figures, release)

# ------------------------------------------------------------------ Poland. Business Harbour
st.header(t("poland.header_pbh"))
chart_card.render(cards.build("poland-pbh-running-total", release), release)
left, right = st.columns(2)
with left:
    chart_card.render(cards.build("poland-pbh-per-quarter", release), release)
with right:
    chart_card.render(cards.build("poland-visas-by-purpose", release), release)

# ------------------------------------------------------------------ humanitarian visas and permits granted
st.header(t("poland.header_humanitarian"))
left, right = st.columns(2)
with left:
    chart_card.render(cards.build("poland-humanitarian-visas", release), release)
with right:
    chart_card.render(cards.build("poland-permits-granted", release), release)

# ------------------------------------------------------------------ applications by voivode
st.header(t("poland.header_voivodes"))


@url_state.section  # the year reruns its two cards alone
def voivodes() -> None:
    year = st.segmented_control(
        t("poland.year_label"), options=years, key=url_state.current().bind("year", "poland_voivode_year", years,
                                                                            default=years[-1]),
        format_func=lambda y: t("poland.year_provisional", year=y) if y in provisional else str(y)) or years[-1]
    # One year control for the map and the ranked bars beside it: the same rows, drawn twice.
    left, right = st.columns(2)
    with left, chrome.wide_only("poland-applicants-map"):  # on a phone the ranked bars stand in for the map
        chart_card.render(cards.build("poland-applicants-map", release, year=year), release)
    with right:
        chart_card.render(cards.build("poland-applicants-by-voivode", release, year=year), release)


voivodes()
chart_card.render(cards.build("poland-applicants-per-year", release), release)

# ------------------------------------------------------------------ how many live in Poland
st.header(t("poland.header_stock"))


@url_state.section  # the toggle reruns its card alone
def residence() -> None:
    with_eurostat = st.toggle(t("poland.toggle_eurostat"), key=url_state.current().bind(
        "eurostat", "poland_eurostat", [False, True], default=True))
    chart_card.render(cards.build("poland-residence-documents", release, with_eurostat=with_eurostat), release)


residence()
chart_card.render(cards.build("poland-documents-by-type", release), release)
