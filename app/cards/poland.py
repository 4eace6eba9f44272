"""Poland cards: the Poland. Business Harbour IT visas, humanitarian visas, permits granted,
applications by voivode, and how many Belarusians hold a Polish residence document. Shaping is
app/views_poland.py (with the helpers both country pages share in app/views_country.py)."""
from __future__ import annotations

import pandas as pd

from app import data, events, figures, formatting
from app import views_country as country
from app import views_poland as poland
from app.card import ChartCard
from app.i18n import t


def programme(release: data.Release) -> pd.DataFrame:
    """The events of the Poland. Business Harbour programme (launch, extensions, closure)."""
    return poland.programme_events(events.country_events(release, ["POL"], since="2020-01-01"))


def pbh(release: data.Release) -> ChartCard:
    total = poland.pbh_cumulative(data.series(release), data.facts(release))
    programme_events = programme(release)
    launched = programme_events["date"].min()
    since_launch = country.month_year(launched, governed=True)
    return ChartCard(
        key="poland-pbh-running-total",
        title=t("poland.pbh_title"),
        subtitle=t("poland.pbh_subtitle", launched=formatting.date(launched)),
        hint=t("common.events_hint"),
        events=events.listed(programme_events),
        data=total,
        build=lambda frame: figures.add_events(country.colour_by_series(
            figures.lines(frame, t("poland.pbh_y", since=since_launch), height=460), frame), programme_events),
        alt=poland.series_alt(total, "pbh", how="by"),
        note=t("poland.pbh_note"),  # figures not re-checked are named by the card itself
    )


def pbh_quarterly(release: data.Release) -> ChartCard:
    quarterly = poland.pbh_quarterly(data.series(release), data.facts(release))
    return ChartCard(
        key="poland-pbh-per-quarter",
        title=t("poland.quarterly_title"),
        subtitle=t("poland.quarterly_subtitle"),
        data=quarterly,
        build=lambda frame: country.year_bars(frame, t("poland.quarterly_y")),
        alt=poland.series_alt(quarterly, "quarterly", how="in"),
        note=t("poland.quarterly_note"),
    )


def visas_by_purpose(release: data.Release) -> ChartCard:
    series = data.series(release)
    by_purpose = poland.visas_by_purpose(series, data.facts(release))
    visa_totals = poland.visa_totals(series)
    code21 = visa_totals.loc["udsc_humanitarian_visas_cumulative"]
    start, end = formatting.date(code21["period_start"]), formatting.date(code21["period_end"])
    return ChartCard(
        key="poland-visas-by-purpose",
        title=t("poland.purpose_title", first=code21["period_start"].year, last=code21["period_end"].year),
        subtitle=t("poland.purpose_subtitle", start=start, end=end),
        data=by_purpose,
        build=lambda frame: poland.purpose_bars(frame, t("poland.purpose_y")),
        alt=poland.purpose_alt(by_purpose, visa_totals),
        note=t("poland.purpose_note", start=start, end=end),
    )


def humanitarian(release: data.Release) -> ChartCard:
    visas = poland.humanitarian(data.series(release), data.facts(release))
    return ChartCard(
        key="poland-humanitarian-visas",
        title=t("poland.humanitarian_title"),
        subtitle=t("poland.humanitarian_subtitle"),
        hint=t("poland.humanitarian_hint"),
        data=visas,
        build=lambda frame: country.colour_by_series(
            figures.lines(frame, t("poland.humanitarian_y"), height=400), frame),
        alt=poland.series_alt(visas, "humanitarian", how="by"),
        note=t("poland.humanitarian_note"),
    )


def permits_granted(release: data.Release) -> ChartCard:
    permits = poland.permits_granted(data.series(release), data.facts(release))
    return ChartCard(
        key="poland-permits-granted",
        title=t("poland.permits_title"),
        subtitle=t("poland.permits_subtitle"),
        data=permits,
        build=lambda frame: country.year_bars(frame, t("poland.permits_y")),
        alt=poland.series_alt(permits, "permits", how="in"),
        note=poland.permits_note(permits),
    )


def _applicants_note(release: data.Release) -> str:
    applicants_total = poland.applicants_total(data.series(release))
    return country.join_notes(t("poland.applicants_note"), poland.provisional_note(applicants_total))


def applicants_by_voivode(release: data.Release, year: int | None = None) -> ChartCard:
    """Applications for a residence permit by voivode, in one year (default: the latest)."""
    series = data.series(release)
    year = year if year is not None else poland.applicant_years(series)[-1]
    by_voivode = poland.applicants_by_voivode(series, data.facts(release), year)
    return ChartCard(
        key="poland-applicants-by-voivode",
        title=t("poland.voivode_title", year=year),
        subtitle=t("poland.voivode_subtitle", year=year),
        data=by_voivode,
        build=lambda frame: poland.ranked(frame, t("poland.voivode_x", year=year)),
        alt=poland.ranked_alt(by_voivode, "voivode", year=year),
        note=_applicants_note(release),
    )


def applicants_map(release: data.Release, year: int | None = None) -> ChartCard:
    """The 16 voivodeships shaded by the year's applications for a residence permit, by the
    voivode's office that received them (default: the latest year; 2025 is provisional)."""
    series, boundaries = data.series(release), data.boundaries(release, "pub_boundaries_poland")
    year = year if year is not None else poland.applicant_years(series)[-1]
    regions = poland.voivodeship_rows(series, data.facts(release), boundaries, year)
    # A provisional year says so in the title and the legend (and the note says which years are).
    provisional = "_provisional" if regions["flag"].eq("p").any() else ""
    largest = "; ".join(f"{r['_label']} {r['_text']}" for r in regions.head(3).to_dict("records"))
    smallest = regions.iloc[-1]
    return ChartCard(
        key="poland-applicants-map",
        title=t(f"poland.map_title{provisional}", year=year),
        subtitle=t("poland.map_subtitle", year=year),
        data=regions,
        build=lambda frame: figures.choropleth(frame, boundaries, t(f"poland.map_legend{provisional}", year=year),
                                               height=520, key="region", view=figures.bbox_view(boundaries)),
        alt=t("poland.map_alt", year=year, count=len(regions), largest=largest,
              smallest=f"{smallest['_label']} {smallest['_text']}"),
        note=country.join_notes(t("poland.applicants_note"), poland.provisional_note(regions), t("poland.map_note")),
        cites=("gugik",),
    )


def applicants_per_year(release: data.Release) -> ChartCard:
    per_year = poland.applicants_per_year(data.series(release), data.facts(release))
    return ChartCard(
        key="poland-applicants-per-year",
        title=t("poland.per_year_title"),
        subtitle=t("poland.per_year_subtitle"),
        data=per_year,
        build=lambda frame: country.year_bars(frame, t("poland.per_year_y"), height=420),
        alt=poland.series_alt(per_year, "per_year", how="in"),
        note=_applicants_note(release),
    )


def residence(release: data.Release, with_eurostat: bool = True) -> ChartCard:
    stock = poland.residence_stock(data.series(release), data.facts(release), with_eurostat)
    return ChartCard(
        key="poland-residence-documents",
        title=t("poland.stock_title"),
        subtitle=t("poland.stock_subtitle"),
        data=stock,
        build=lambda frame: country.colour_by_series(figures.lines(frame, t("poland.stock_y"), height=460), frame),
        alt=poland.series_alt(stock, "stock"),
        note=country.join_notes(t("poland.stock_note"), country.disagreement_note(stock),
                               t("poland.stock_note_eurostat") if with_eurostat else "",
                               country.gap_note(stock)),
    )


def documents(release: data.Release) -> ChartCard:
    by_type = poland.documents_by_type(data.series(release), data.facts(release))
    documents_date = formatting.date(by_type["period_end"].max())
    return ChartCard(
        key="poland-documents-by-type",
        title=t("poland.documents_title", date=documents_date),
        subtitle=t("poland.documents_subtitle"),
        data=by_type,
        build=lambda frame: poland.ranked(frame, t("poland.documents_x")),
        alt=poland.ranked_alt(by_type, "documents"),
        note=t("poland.documents_note", date=documents_date),
    )
