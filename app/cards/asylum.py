"""Asylum cards: applications, first-instance decisions and recognition rates for Belarusians by
country (UNHCR), and Poland's own figures from the Office for Foreigners. Shaping is
app/views_asylum.py; the alt texts (peaks, latest outcomes) are worked out here, with the card."""
from __future__ import annotations

from app import data, figures, formatting, i18n, select
from app import views_asylum as asylum
from app.card import ChartCard
from app.i18n import t
from app.indicator_text import indicator_text

DEFAULT_COUNTRIES = ("POL", "LTU", "DEU")
FIRST_YEARS = [2015, 2019]     # the page offers the series since either year


def default_destinations(options: list[str]) -> list[str]:
    """The countries the page chooses before the reader does: the default ones that have figures."""
    return [code for code in DEFAULT_COUNTRIES if code in options]


def decision_views(release: data.Release) -> list[dict]:
    """The decisions cards the page draws at its default view: one per default country."""
    options = asylum.destination_options(data.series(release), f"{FIRST_YEARS[0]}-01-01")
    return [{"destination": code} for code in default_destinations(options)]


def applications(release: data.Release, countries: tuple[str, ...] | list[str] = DEFAULT_COUNTRIES,
                 applicant_type: str = asylum.APPLICANT_TYPES[0], unit: str = asylum.UNITS[0],
                 first_year: int = FIRST_YEARS[0]) -> ChartCard | None:
    """Asylum applications per year in the chosen countries (None: none in this unit and years)."""
    what = asylum.applicant_type_label(applicant_type)
    in_unit = asylum.in_unit(unit)
    applied = asylum.applications(data.series(release), list(countries), applicant_type, unit, f"{first_year}-01-01")
    if applied.empty:
        return None
    select.one_kind(applied)
    applied["_colour_key"] = applied["destination"]  # a country keeps its colour (figures.SERIES_COLOURS)
    peaks = applied.loc[applied.groupby("_label")["value"].idxmax()]
    return ChartCard(
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
    )


def decisions(release: data.Release, destination: str = DEFAULT_COUNTRIES[0], unit: str = asylum.UNITS[0],
              first_year: int = FIRST_YEARS[0]) -> ChartCard | None:
    """First-instance decisions by outcome in one country (None: none in this unit and years).
    Its key names the country: 'asylum-decisions-pol'."""
    decided, zero = asylum.decisions(data.series(release), destination, unit, f"{first_year}-01-01")
    if decided.empty:
        return None
    select.one_kind(decided)
    name, in_unit = i18n.country(destination), asylum.in_unit(unit)
    last_year = decided["period_end"].max()
    latest = decided[decided["period_end"] == last_year]
    zero_note = [t("asylum.zero_outcomes", outcomes=asylum.listed(zero))] if zero else []
    return ChartCard(
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
    )


def recognition_rate(release: data.Release, countries: tuple[str, ...] | list[str] = DEFAULT_COUNTRIES,
                     rate: str = asylum.RATES[0], first_year: int = FIRST_YEARS[0]) -> ChartCard | None:
    """The recognition rate per year in the chosen countries (None: no rate in these years)."""
    series = data.series(release)
    rated = asylum.rates(series, list(countries), rate, f"{first_year}-01-01")
    if rated.empty:
        return None
    select.one_kind(rated)
    rated["_colour_key"] = rated["destination"]  # a country keeps its colour (figures.SERIES_COLOURS)
    latest_rates = select.latest(rated, ["destination"])
    rounding = [t("asylum.rounding_note")] if asylum.small_counts_rounded(series) else []
    return ChartCard(
        key="asylum-recognition-rate",
        title=t("asylum.rate_title", rate=asylum.rate_label(rate).lower()),
        subtitle=t("asylum.rate_subtitle"),
        hint=t("asylum.rate_hint"),
        data=rated,
        build=lambda frame: asylum.yearly(asylum.percent_axis(
            figures.lines(frame, t("asylum.rate_axis"), x="_x"))),
        alt=t("asylum.rate_alt", rates="; ".join(
            t("asylum.rate_alt_country", country=name, rate=formatting.value_with_unit(v, "percent"),
              year=end.year)
            for name, v, end in zip(latest_rates["_label"], latest_rates["value"], latest_rates["period_end"]))),
        note=" ".join([indicator_text(asylum.RATE, "description"), indicator_text(asylum.RATE, "note")]
                      + rounding),
    )


def office_provisional(release: data.Release) -> str:
    """The years of the Office for Foreigners' figures still provisional, listed ('' when none)."""
    series = data.series(release)
    return asylum.listed([str(year) for year in asylum.provisional_years(
        asylum.office_applicants(series), asylum.office_decisions(series)[0], asylum.office_rate(series))])


def office_applicants(release: data.Release) -> ChartCard:
    applicants = asylum.office_applicants(data.series(release))
    select.one_kind(applicants)
    shares = asylum.belarusian_share(applicants)
    return ChartCard(
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
    )


def office_rate(release: data.Release) -> ChartCard:
    rated = asylum.office_rate(data.series(release))
    select.one_kind(rated)
    return ChartCard(
        key="asylum-poland-rate",
        title=t("asylum.office_rate_title"),
        subtitle=t("asylum.office_rate_subtitle"),
        data=rated,
        build=lambda frame: asylum.percent_axis(asylum.lighten_provisional(
            figures.bars(frame, t("asylum.rate_axis"), height=380), frame)),
        alt=t("asylum.office_rate_alt", rates="; ".join(
            f"{year} {formatting.value_with_unit(v, 'percent')}"
            for year, v in zip(asylum.year_labels(rated, axis=False), rated["value"]))),
        note=" ".join([indicator_text(asylum.OFFICE_RATE, "note"), t("asylum.office_rate_note"),
                       t("asylum.provisional_lighter")]),
    )


def office_decisions(release: data.Release) -> ChartCard:
    series = data.series(release)
    decided, zero = asylum.office_decisions(series)
    select.one_kind(decided)
    provisional = office_provisional(release)
    cross_check = asylum.cross_check_sentence(asylum.cross_check(series))
    latest = decided[decided["period_end"] == decided["period_end"].max()]
    return ChartCard(
        key="asylum-poland-decisions",
        title=t("asylum.office_decisions_title"),
        subtitle=t("asylum.office_decisions_subtitle"),
        data=decided,
        build=lambda frame: asylum.lighten_provisional(asylum.colour_outcomes(
            figures.bars(frame, t("asylum.decisions_axis", unit=asylum.unit_label("persons")), barmode="stack",
                         height=400),
            asylum.OFFICE_OUTCOMES), frame),
        alt=" ".join(part for part in (t(
            "asylum.office_decisions_alt", year=asylum.year_labels(latest, axis=False)[0],
            outcomes="; ".join(f"{label.lower()} {formatting.number(v)}"
                               for label, v in zip(latest["_label"], latest["value"]))), cross_check)
                     if part),
        note=" ".join([t("asylum.office_totals_note")]
                      + ([t("asylum.zero_outcomes", outcomes=asylum.listed(zero))] if zero else [])
                      + ([t("asylum.office_provisional_note", years=provisional)] if provisional else [])
                      + ([cross_check] if cross_check else [])),
    )
