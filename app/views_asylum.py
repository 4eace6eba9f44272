"""Shaping for the Asylum page.

UNHCR's applications, first-instance decisions and recognition rates for Belarusians by
country of asylum, and Poland's own figures from the Office for Foreigners (UdSC). Pure
functions on slices of pub_series: the page only draws what they return.

Two rules shape everything here: cases and persons are never put in one chart (each slice
has one unit), and counts and rates never share an axis (rates get their own chart).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from app import formatting, select
from etl.codes import country_name

APPLICATIONS = "unhcr_asylum_applications_flow"
DECISIONS = "unhcr_asylum_decisions_first_instance_flow"
RATE = "unhcr_recognition_rate_ratio"
OFFICE_APPLICANTS = "udsc_protection_applicants_flow"
OFFICE_DECISIONS = "udsc_protection_decisions_flow"
OFFICE_RATE = "udsc_recognition_rate_ratio"

UNITS = ["persons", "cases"]
APPLICANT_TYPES = {"new": "new applications", "repeat": "repeat applications", "appeal": "appeals",
                   "other_stage": "applications at a stage not given"}
RATES = {"total_protection": "Any protection (refugee status or complementary protection)",
         "refugee_status": "Refugee status only"}
# Outcome: (label, colour). Green for protection, vermilion for refusal, grey for no decision
# on the merits; Okabe-Ito colours, told apart with the common colour-vision deficiencies.
OUTCOMES = {
    "recognized": ("Recognised as refugee", "#009E73"),
    "complementary_protection": ("Complementary protection", "#0072B2"),
    "rejected": ("Rejected", "#D55E00"),
    "otherwise_closed": ("Closed without a decision on the merits", "#A9B1BA"),
}
OFFICE_OUTCOMES = {
    "refugee_status": ("Refugee status", "#009E73"),
    "subsidiary_protection": ("Subsidiary protection", "#0072B2"),
    "tolerated_stay": ("Tolerated stay", "#E69F00"),
    "negative": ("Negative", "#D55E00"),
    "discontinued": ("Discontinued", "#A9B1BA"),
}
PROVISIONAL = "p"
PROVISIONAL_OPACITY = 0.45


def _year(frame: pd.DataFrame) -> pd.Series:
    return frame["period_end"].dt.year


def destination_options(series: pd.DataFrame, since: str) -> list[str]:
    """Countries with at least one application by a Belarusian since the start year, by name."""
    rows = select.rows(series, APPLICATIONS, category=None, since=since)
    return sorted(rows["destination"].unique(), key=country_name)


def applications(series: pd.DataFrame, destinations: list[str], applicant_type: str, unit: str,
                 since: str) -> pd.DataFrame:
    """Applications of one type in one unit, one line per country."""
    rows = select.rows(series, APPLICATIONS, destination=destinations, category=applicant_type, unit=unit, since=since)
    rows["_label"] = rows["destination"].map(country_name)
    rows["_x"] = _year(rows)
    rows["_hover"] = [f"<b>{name}, {year}</b><br>{formatting.number(v)} {APPLICANT_TYPES[applicant_type]} ({unit})"
                      for name, year, v in zip(rows["_label"], _year(rows), rows["value"])]
    return rows.sort_values(["_label", "period_end"]).reset_index(drop=True)


@dataclass(frozen=True)
class OtherUnit:
    """A country's figures in the unit not shown: years reported only in it, years reported in
    both units (part of that year is missing from the chart), and whether it is every year."""
    only: list[int]
    both: list[int]
    every_year: bool


def years_in_other_unit(series: pd.DataFrame, indicator: str, destinations: list[str], unit: str, since: str,
                        category: str | None = None) -> dict[str, OtherUnit]:
    """Per country, what it reported in the other unit: those figures are absent from a chart in
    `unit`, and the reader must be told (some countries count cases, not persons)."""
    rows = select.rows(series, indicator, destination=destinations, category=category, since=since)
    found = {}
    for destination, group in rows.groupby("destination"):
        in_unit = set(_year(group[group["unit"] == unit]))
        in_other = set(_year(group[group["unit"] != unit]))
        if in_other:
            found[destination] = OtherUnit(sorted(in_other - in_unit), sorted(in_other & in_unit), not in_unit)
    return found


def year_ranges(years: list[int]) -> str:
    """'2015–2018, 2020' from [2015, 2016, 2017, 2018, 2020]."""
    runs, start = [], None
    for i, year in enumerate(years):
        start = year if start is None else start
        if i + 1 == len(years) or years[i + 1] != year + 1:
            runs.append(str(year) if start == year else f"{start}–{year}")
            start = None
    return ", ".join(runs)


def other_unit_message(found: dict[str, OtherUnit], unit: str, what: str) -> str:
    other = next(u for u in UNITS if u != unit)
    only = [country_name(code) for code, gap in found.items() if gap.every_year]
    partly = [f"{country_name(code)} in {year_ranges(gap.only)}" for code, gap in found.items()
              if gap.only and not gap.every_year]
    both = [f"{country_name(code)} in {year_ranges(gap.both)}" for code, gap in found.items() if gap.both]
    parts = []
    if only:
        parts.append(f"{', '.join(only)} {'reports' if len(only) == 1 else 'report'} {what} only in {other}")
    if partly:
        parts.append(f"{what} were counted in {other} for {'; '.join(partly)}")
    if both:
        parts.append(f"part of the {what} were counted in {other} for {'; '.join(both)}")
    sentence = "; ".join(parts)
    return (f"{sentence[0].upper()}{sentence[1:]}: not drawn here. Choose '{other}' to see them; cases and persons "
            "are never added.")


def decisions(series: pd.DataFrame, destination: str, unit: str, since: str) -> tuple[pd.DataFrame, list[str]]:
    """First-instance decisions in one country by outcome (stacked: the outcomes do not overlap),
    and the outcomes left out because they are zero throughout."""
    rows = select.rows(series, DECISIONS, destination=destination, category=list(OUTCOMES), unit=unit, since=since)
    return _outcome_bars(rows, OUTCOMES, f"decisions ({unit})")


def _outcome_bars(rows: pd.DataFrame, outcomes: dict, what: str) -> tuple[pd.DataFrame, list[str]]:
    """Bars by year and outcome in a fixed order. Outcomes that are zero in every year are left
    out, so the legend lists only what is drawn; their labels are returned for the note."""
    totals = rows.groupby("category")["value"].sum()
    zero = [outcomes[c][0] for c in outcomes if c in totals.index and totals[c] == 0]
    rows = rows[rows["category"].map(totals) > 0].copy()
    rows["_label"] = rows["category"].map(lambda c: outcomes[c][0])
    rows["_x"] = year_labels(rows)
    rows["_hover"] = [f"<b>{year}: {label}</b><br>{formatting.number(v)} {what}"
                      for year, label, v in zip(year_labels(rows, axis=False), rows["_label"], rows["value"])]
    order = {category: i for i, category in enumerate(outcomes)}
    rows = (rows.assign(_order=rows["category"].map(order)).sort_values(["_order", "period_end"])
            .drop(columns="_order").reset_index(drop=True))
    return rows, zero


def colour_outcomes(fig: go.Figure, outcomes: dict) -> go.Figure:
    """One colour per outcome on every chart, whatever subset of outcomes a country has."""
    colours = {label: colour for label, colour in outcomes.values()}
    return fig.for_each_trace(lambda trace: trace.update(marker_color=colours[trace.name]))


def rates(series: pd.DataFrame, destinations: list[str], category: str, since: str) -> pd.DataFrame:
    """Recognition rates, one line per country; the hover gives the number of decisions on the
    merits each rate rests on, since a rate from five decisions swings wildly."""
    rows = select.rows(series, RATE, destination=destinations, category=category, since=since)
    on_the_merits = ["recognized", "complementary_protection", "rejected"]
    counts = select.rows(series, DECISIONS, destination=destinations, category=on_the_merits, unit="persons",
                         since=since)
    base = counts.groupby(["destination", "period_end"])["value"].sum()
    rows["_label"] = rows["destination"].map(country_name)
    rows["_x"] = _year(rows)
    rows["_hover"] = [f"<b>{name}, {year}</b><br>{formatting.value_with_unit(v, 'percent')} of "
                      f"{formatting.number(base.get((code, end)))} decisions on the merits (persons)"
                      for name, year, v, code, end in zip(rows["_label"], _year(rows), rows["value"],
                                                          rows["destination"], rows["period_end"])]
    return rows.sort_values(["_label", "period_end"]).reset_index(drop=True)


def yearly(fig: go.Figure) -> go.Figure:
    """A year axis for annual flows and rates: each point sits on its year, not on 31 December
    (which a date axis would draw next to the following year's tick)."""
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig


def small_counts_rounded(series: pd.DataFrame) -> bool:
    """True when the decision counts hold 5s but nothing from 1 to 4: UNHCR rounded small counts
    up, so a rate resting on a handful of decisions is rough."""
    counts = select.rows(series, DECISIONS, origin=None, category=None)["value"]
    return bool((counts == 5).any() and not counts.between(1, 4).any())


def provisional_years(*frames: pd.DataFrame) -> list[int]:
    return sorted({year for frame in frames for year in _year(frame[frame["flag"] == PROVISIONAL])})


def percent_axis(fig: go.Figure) -> go.Figure:
    fig.update_yaxes(range=[0, 105], ticksuffix="%", tickformat=",~r")
    return fig


# ---------------------------------------------------------------- Poland's Office for Foreigners
def year_labels(rows: pd.DataFrame, axis: bool = True) -> list[str]:
    """The year, marked where the figure is provisional: on two lines for a category axis, in
    brackets for text."""
    mark = "<br>provisional" if axis else " (provisional)"
    return [f"{year}{mark}" if flag == PROVISIONAL else str(year) for year, flag in zip(_year(rows), rows["flag"])]


def office_applicants(series: pd.DataFrame) -> pd.DataFrame:
    """Applicants for protection in Poland: Belarusians beside all nationalities (which include
    them), as two series of the same flow, never added."""
    rows = select.rows(series, OFFICE_APPLICANTS, origin=["BLR", "ALL"], destination="POL")
    labels = {"BLR": "Belarusians", "ALL": "All nationalities (Belarusians included)"}
    rows["_label"] = rows["origin"].map(labels)
    rows["_x"] = year_labels(rows)
    rows["_hover"] = [f"<b>{year}: {label}</b><br>{formatting.number(v)} applicants (persons)"
                      for year, label, v in zip(year_labels(rows, axis=False), rows["_label"], rows["value"])]
    return rows.sort_values(["origin", "period_end"], ascending=[False, True]).reset_index(drop=True)


def belarusian_share(applicants: pd.DataFrame) -> pd.DataFrame:
    """Belarusians as a share of all applicants, per year (a ratio of two flows of one year)."""
    wide = applicants.assign(year=year_labels(applicants, axis=False)).pivot_table(
        index="year", columns="origin", values="value", sort=False)
    return (wide["BLR"] / wide["ALL"]).rename("share").reset_index()


def office_decisions(series: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The Office's decisions by outcome; its totals (all decisions, decisions on the merits) are
    sums of these parts and are left out so nothing is counted twice."""
    rows = select.rows(series, OFFICE_DECISIONS, destination="POL", category=list(OFFICE_OUTCOMES))
    return _outcome_bars(rows, OFFICE_OUTCOMES, "decisions (persons)")


def office_rate(series: pd.DataFrame) -> pd.DataFrame:
    rows = select.rows(series, OFFICE_RATE, destination="POL")
    rows["_label"] = "Recognition rate (Office for Foreigners)"
    rows["_x"] = year_labels(rows)
    rows["_hover"] = [f"<b>{year}</b><br>{formatting.value_with_unit(v, 'percent')} of decisions on the merits"
                      for year, v in zip(year_labels(rows, axis=False), rows["value"])]
    return rows


def lighten_provisional(fig: go.Figure, frame: pd.DataFrame, label: str = "_label") -> go.Figure:
    """Draw provisional bars lighter. Traces follow figures.bars: one per label, rows in order."""
    for trace in fig.data:
        flags = frame.loc[frame[label] == trace.name, "flag"]
        trace.marker.opacity = [PROVISIONAL_OPACITY if f == PROVISIONAL else 1.0 for f in flags]
    return fig


def cross_check(series: pd.DataFrame, year: int = 2022) -> list[tuple[str, float, float]]:
    """The Office's protection decisions against UNHCR's for Poland in one year, outcome by
    outcome: (outcome, Office value, UNHCR value)."""
    pairs = [("refugee status", "refugee_status", "recognized"),
             ("subsidiary (complementary) protection", "subsidiary_protection", "complementary_protection")]
    office = select.rows(series, OFFICE_DECISIONS, destination="POL", category=None)
    unhcr = select.rows(series, DECISIONS, destination="POL", category=None, unit="persons")
    office, unhcr = office[_year(office) == year], unhcr[_year(unhcr) == year]
    result = []
    for label, office_category, unhcr_category in pairs:
        mine = office.loc[office["category"] == office_category, "value"]
        theirs = unhcr.loc[unhcr["category"] == unhcr_category, "value"]
        if len(mine) and len(theirs):
            result.append((label, mine.iloc[0], theirs.iloc[0]))
    return result


def cross_check_sentence(pairs: list[tuple[str, float, float]], year: int = 2022) -> str:
    if not pairs:
        return ""
    agree = all(mine == theirs for _, mine, theirs in pairs)
    detail = "; ".join(f"{label}: Office {formatting.number(mine)}, UNHCR {formatting.number(theirs)}"
                       for label, mine, theirs in pairs)
    verdict = "match exactly" if agree else "differ"
    return f"Cross-check: for {year}, the Office's figures and UNHCR's {verdict} ({detail})."
