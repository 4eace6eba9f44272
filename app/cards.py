"""Chart cards that are used outside their own page: the briefing pack builds them at their
default view, their pages build them with the reader's filters. One function per card, so both
draw exactly the same chart from the same rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from app import data, events, figures, formatting, select
from app import views_lithuania as lithuania
from app import views_poland as poland
from app import views_where as where
from app.chart_card import ChartCard
from app.i18n import t
from app.indicator_text import indicator_text

SINCE = "2019-01-01"


# ------------------------------------------------------------------ overview
def national_stocks(series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Belarusians holding a residence document in Poland and in Lithuania since 2019 (national counts)."""
    poland_rows = select.rows(series, ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"],
                              destination="POL", since=SINCE)
    lithuania_rows = select.rows(series, "lt_residence_permit_holders_stock", destination="LTU", since=SINCE)
    return poland_rows, lithuania_rows


def overview_stocks(release: data.Release, compare: bool = False) -> ChartCard:
    series = data.series(release)
    poland_rows, lithuania_rows = national_stocks(series)
    national = pd.concat([poland_rows, lithuania_rows], ignore_index=True)
    national["_label"] = [t(f"overview.label_national_{code.lower()}") for code in national["destination"]]
    plotted = [national]
    if compare:
        eurostat = select.rows(series, "eurostat_valid_permits_stock", destination=["POL", "LTU"], since=SINCE)
        eurostat["_label"] = [t(f"overview.label_eurostat_{code.lower()}") for code in eurostat["destination"]]
        plotted.append(eurostat)
    stocks = pd.concat(plotted, ignore_index=True).sort_values(["_label", "period_end"]).reset_index(drop=True)
    select.one_kind(stocks)  # all stocks: people holding a document on a date
    stocks["_hover"] = [
        t("overview.hover", label=row["_label"], value=formatting.number(row["value"]), date=formatting.row_date(row))
        + ("<br>" + t("overview.hover_conflict") if pd.notna(row["conflict_group"]) else "")
        for row in stocks.to_dict("records")
    ]
    key_events = events.key_events(release)

    def first_last(frame: pd.DataFrame, which: int) -> tuple[str, str]:
        return formatting.number(frame["value"].iloc[which]), formatting.row_date(frame.iloc[which])

    (pl_first, pl_first_date), (pl_last, pl_last_date) = first_last(poland_rows, 0), first_last(poland_rows, -1)
    (lt_first, lt_first_date), (lt_last, lt_last_date) = first_last(lithuania_rows, 0), first_last(lithuania_rows, -1)
    return ChartCard(
        key="overview-stocks",
        title=t("overview.chart_title"),
        subtitle=t("overview.chart_subtitle", first=stocks["period_end"].min().year,
                   last=stocks["period_end"].max().year),
        data=stocks,
        build=lambda frame: figures.add_events(figures.lines(frame, t("overview.y_axis")), key_events),
        alt=t("overview.alt", pl_first=pl_first, pl_first_date=pl_first_date, pl_last=pl_last,
              pl_last_date=pl_last_date, lt_first=lt_first, lt_first_date=lt_first_date,
              lt_peak=formatting.number(lithuania_rows["value"].max()), lt_last=lt_last, lt_last_date=lt_last_date),
        note=t("overview.note"),
    )


# ------------------------------------------------------------------ where they went
def where_map(release: data.Release, measure_key: str = "mandate", year: int | None = None) -> ChartCard:
    """The Europe map of one count in one year (default: the latest complete year)."""
    series, countries, boundaries = data.series(release), data.table(release, "pub_countries"), data.boundaries(release)
    measure = where.MEASURES[measure_key]
    on_map = where.map_destinations(series, measure, countries)
    year = year if year is not None else where.default_year(series, measure, on_map)
    on_the_map = where.snapshot(series, measure, on_map, year)
    select.one_kind(on_the_map)
    leaders = ", ".join(f"{name} ({formatting.number(v)})"
                        for name, v in zip(on_the_map["_label"].head(3), on_the_map["value"].head(3)))
    outside_note = where.outside_map_note(series, measure, countries, boundaries, year)
    outside = where.outside_map(series, measure, countries, boundaries, year)
    year_end = formatting.date(f"{year}-12-31")
    return ChartCard(
        key="where-map",
        title=measure.text("map_title", year=year),
        subtitle=t("where.map_subtitle", description=indicator_text(measure.indicator, "description"),
                   date=year_end),
        data=on_the_map,
        build=lambda frame: figures.choropleth(frame, boundaries, t("where.map_legend"), outside=outside,
                                               outside_name=t("where.outside_legend")),
        alt=measure.text("map_alt", date=year_end, count=len(on_the_map), leaders=leaders),
        note=" ".join(part for part in (indicator_text(measure.indicator, "note"), outside_note,
                                        t("where.borders_note")) if part),
    )


def where_protection_vs_residence(release: data.Release) -> ChartCard:
    """Formal protection next to residence documents: stocks of persons on different dates, side by side."""
    comparison = where.protection_vs_residence(data.series(release))
    select.one_kind(comparison)  # all stocks of persons; on different dates, so shown side by side, never added
    sentences = where.comparison_sentences(comparison)
    eurostat_permits = comparison[comparison["_count"] == where.EUROSTAT]
    return ChartCard(
        key="where-protection-vs-residence",
        title=t("where.comparison_title"),
        subtitle=t("where.comparison_subtitle"),
        data=comparison,
        build=lambda frame: where.label_bars(figures.bars(frame, t("where.comparison_axis")), frame),
        alt=t("where.comparison_alt", sentences=" ".join(sentences.values()), permits="; ".join(
            t("where.value_on_date", country=country, value=formatting.number(v), date=formatting.date(end))
            for country, v, end in zip(eurostat_permits["_x"], eurostat_permits["value"],
                                       eurostat_permits["period_end"]))),
        # The legend dates a count whose two figures share a date; the note dates the others.
        note=" ".join(part for part in (where.mixed_dates_note(comparison), t("where.comparison_note")) if part),
    )


# ------------------------------------------------------------------ Lithuania
def lithuania_threats(release: data.Release) -> ChartCard:
    threats = lithuania.threat_flow(data.series(release), data.facts(release))
    return ChartCard(
        key="lithuania-threats-per-year",
        title=t("lithuania.threats_title"),
        subtitle=t("lithuania.threats_subtitle"),
        data=threats,
        build=lambda frame: lithuania.year_bars(frame, t("lithuania.threats_y")),
        alt=lithuania.threat_flow_alt(threats),
        note=lithuania.join_notes(t("lithuania.threats_note"), lithuania.disagreement_note(threats),
                                  t("lithuania.threats_note_first_year")),
    )


def lithuania_outcomes(release: data.Release) -> ChartCard:
    outcomes = lithuania.screening_outcomes(data.series(release), data.facts(release))
    return ChartCard(
        key="lithuania-decisions-by-outcome",
        title=t("lithuania.outcomes_title"),
        subtitle=t("lithuania.outcomes_subtitle"),
        data=outcomes,
        build=lambda frame: lithuania.year_bars(frame, t("lithuania.outcomes_y")),
        alt=lithuania.outcomes_alt(outcomes),
        note=lithuania.outcomes_note(outcomes),
    )


LITHUANIA_EVENT_GROUPS = ["restrictions", "security"]  # the events drawn on the holders chart by default


def lithuania_holders(release: data.Release, event_groups: list[str] | None = None) -> ChartCard:
    """Belarusians holding a Lithuanian residence permit, with the chosen groups of events."""
    holders = lithuania.permit_holders(data.series(release), data.facts(release))
    groups = LITHUANIA_EVENT_GROUPS if event_groups is None else event_groups
    shown = events.country_events(release, ["LTU"], since=SINCE)
    shown = shown[shown["event_category"].isin(lithuania.event_categories(groups))]
    return ChartCard(
        key="lithuania-permit-holders",
        title=t("lithuania.holders_title"),
        subtitle=t("lithuania.holders_subtitle"),
        data=holders,
        build=lambda frame: figures.add_events(
            lithuania.colour_by_series(figures.lines(frame, t("lithuania.holders_y"), height=460), frame), shown),
        alt=lithuania.holders_alt(holders),
        note=lithuania.join_notes(t("lithuania.holders_note"), lithuania.gap_note(holders)),
    )


# ------------------------------------------------------------------ Poland
def programme(release: data.Release) -> pd.DataFrame:
    """The events of the Poland. Business Harbour programme (launch, extensions, closure)."""
    return poland.programme_events(events.country_events(release, ["POL"], since="2020-01-01"))


def poland_pbh(release: data.Release) -> ChartCard:
    pbh = poland.pbh_cumulative(data.series(release), data.facts(release))
    programme_events = programme(release)
    launched = programme_events["date"].min()
    since_launch = lithuania.month_year(launched, governed=True)
    return ChartCard(
        key="poland-pbh-running-total",
        title=t("poland.pbh_title"),
        subtitle=t("poland.pbh_subtitle", launched=formatting.date(launched)),
        data=pbh,
        build=lambda frame: figures.add_events(lithuania.colour_by_series(
            figures.lines(frame, t("poland.pbh_y", since=since_launch), height=460), frame), programme_events),
        alt=poland.series_alt(pbh, "pbh", how="by"),
        note=t("poland.pbh_note"),  # figures not re-checked are named by the card itself
    )


def poland_residence(release: data.Release, with_eurostat: bool = True) -> ChartCard:
    stock = poland.residence_stock(data.series(release), data.facts(release), with_eurostat)
    return ChartCard(
        key="poland-residence-documents",
        title=t("poland.stock_title"),
        subtitle=t("poland.stock_subtitle"),
        data=stock,
        build=lambda frame: lithuania.colour_by_series(figures.lines(frame, t("poland.stock_y"), height=460), frame),
        alt=poland.series_alt(stock, "stock"),
        note=lithuania.join_notes(t("poland.stock_note"), lithuania.disagreement_note(stock),
                                  t("poland.stock_note_eurostat") if with_eurostat else "",
                                  lithuania.gap_note(stock)),
    )


def poland_documents(release: data.Release) -> ChartCard:
    documents = poland.documents_by_type(data.series(release), data.facts(release))
    documents_date = formatting.date(documents["period_end"].max())
    return ChartCard(
        key="poland-documents-by-type",
        title=t("poland.documents_title", date=documents_date),
        subtitle=t("poland.documents_subtitle"),
        data=documents,
        build=lambda frame: poland.ranked(frame, t("poland.documents_x")),
        alt=poland.ranked_alt(documents, "documents"),
        note=t("poland.documents_note", date=documents_date),
    )


# ------------------------------------------------------------------ the briefing's choice
@dataclass(frozen=True)
class Briefable:
    key: str                                   # the chart card's key
    page: str                                  # url_path of the page it lives on
    build: Callable[[data.Release], ChartCard]  # at the page's default view
    headline: bool = False                     # one of the six ticked by default


# In the order of a briefing: who left and where, then each country. The six headline charts
# (the mission's flows, revoked permits, IT visas and the map) are ticked by default.
BRIEFING = [
    Briefable("overview-stocks", "overview", overview_stocks, headline=True),
    Briefable("where-map", "where", where_map, headline=True),
    Briefable("where-protection-vs-residence", "where", where_protection_vs_residence),
    Briefable("lithuania-threats-per-year", "lithuania", lithuania_threats, headline=True),
    Briefable("lithuania-decisions-by-outcome", "lithuania", lithuania_outcomes, headline=True),
    Briefable("lithuania-permit-holders", "lithuania", lithuania_holders),
    Briefable("poland-pbh-running-total", "poland", poland_pbh, headline=True),
    Briefable("poland-residence-documents", "poland", poland_residence, headline=True),
    Briefable("poland-documents-by-type", "poland", poland_documents),
]
BRIEFING_KEYS = [item.key for item in BRIEFING]
HEADLINE_KEYS = [item.key for item in BRIEFING if item.headline]
