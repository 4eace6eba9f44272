"""Shaping for the Asylum page.

UNHCR's applications, first-instance decisions and recognition rates for Belarusians by
country of asylum, and Poland's own figures from the Office for Foreigners (UdSC). Pure
functions on slices of pub_series: the page only draws what they return.

Two rules shape everything here: cases and persons are never put in one chart (each slice
has one unit), and counts and rates never share an axis (rates get their own chart).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from babel.lists import format_list

from app import formatting, i18n, select
from app.i18n import t

APPLICATIONS = "unhcr_asylum_applications_flow"
DECISIONS = "unhcr_asylum_decisions_first_instance_flow"
RATE = "unhcr_recognition_rate_ratio"
OFFICE_APPLICANTS = "udsc_protection_applicants_flow"
OFFICE_DECISIONS = "udsc_protection_decisions_flow"
OFFICE_RATE = "udsc_recognition_rate_ratio"

# Codes only: what a reader sees is in the catalogue ('common.unit_<unit>', 'asylum.type_<type>',
# 'asylum.rate_<rate>', 'asylum.outcome_<outcome>').
UNITS = ["persons", "cases"]
APPLICANT_TYPES = ["new", "repeat", "appeal", "other_stage"]
RATES = ["total_protection", "refugee_status"]
# Outcome -> colour. Green for protection, vermilion for refusal, grey for no decision on the
# merits; Okabe-Ito colours, told apart with the common colour-vision deficiencies.
OUTCOMES = {
    "recognized": "#009E73",
    "complementary_protection": "#0072B2",
    "rejected": "#D55E00",
    "otherwise_closed": "#A9B1BA",
}
OFFICE_OUTCOMES = {
    "refugee_status": "#009E73",
    "subsidiary_protection": "#0072B2",
    "tolerated_stay": "#E69F00",
    "negative": "#D55E00",
    "discontinued": "#A9B1BA",
}
PROVISIONAL = "p"
PROVISIONAL_OPACITY = 0.45


def unit_label(unit: str) -> str:
    """'persons', 'osoby': the unit as an option and in brackets."""
    return t(f"common.unit_{unit}")


def in_unit(unit: str) -> str:
    """'in persons', 'w osobach': the unit inside a sentence."""
    return t(f"asylum.in_{unit}")


def applicant_type_label(applicant_type: str) -> str:
    return t(f"asylum.type_{applicant_type}")


def rate_label(rate: str) -> str:
    return t(f"asylum.rate_{rate}")


def outcome_label(outcome: str) -> str:
    return t(f"asylum.outcome_{outcome}")


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def listed(items: list[str]) -> str:
    """'2024 and 2025', '2024 i 2025': a list joined as the reader's language does (CLDR)."""
    return format_list(items, locale=i18n.babel_locale()) if items else ""


def _year(frame: pd.DataFrame) -> pd.Series:
    return frame["period_end"].dt.year


# Letters that Unicode orders apart from where the reader's alphabet has them (Belarusian і, й, ў;
# Polish ł), mapped onto their neighbours; other accents are dropped, so they only break ties.
_ALPHABET_ORDER = str.maketrans({"і": "и", "й": "и\uffff", "ў": "у\uffff", "ł": "l\uffff"})


def alphabetical_key(name: str) -> str:
    """A sort key that puts names in the reader's alphabetical order ('Ірландыя' among the І's,
    'Łotwa' after the L's), without a collation library."""
    mapped = name.casefold().translate(_ALPHABET_ORDER)
    return "".join(c for c in unicodedata.normalize("NFD", mapped) if not unicodedata.combining(c))


def destination_options(series: pd.DataFrame, since: str) -> list[str]:
    """Countries with at least one application by a Belarusian since the start year, by name in
    the reader's language."""
    rows = select.rows(series, APPLICATIONS, category=None, since=since)
    return sorted(rows["destination"].unique(), key=lambda code: alphabetical_key(i18n.country(code)))


def applications(series: pd.DataFrame, destinations: list[str], applicant_type: str, unit: str,
                 since: str) -> pd.DataFrame:
    """Applications of one type in one unit, one line per country."""
    rows = select.rows(series, APPLICATIONS, destination=destinations, category=applicant_type, unit=unit, since=since)
    rows["_label"] = rows["destination"].map(i18n.country)
    rows["_x"] = _year(rows)
    rows["_hover"] = [t("asylum.applications_hover", country=name, year=year, value=formatting.number(v),
                        what=applicant_type_label(applicant_type), unit=unit_label(unit))
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
    """What the chart in `unit` leaves out because it was counted in the other unit; `what` is
    the reader's name for the figures ('new applications', 'decisions')."""
    other = next(u for u in UNITS if u != unit)
    only = [i18n.country(code) for code, gap in found.items() if gap.every_year]
    partly = [t("asylum.country_years", country=i18n.country(code), years=year_ranges(gap.only))
              for code, gap in found.items() if gap.only and not gap.every_year]
    both = [t("asylum.country_years", country=i18n.country(code), years=year_ranges(gap.both))
            for code, gap in found.items() if gap.both]
    params = dict(what=what, in_other=in_unit(other))
    parts = []
    if only:
        parts.append(t(f"asylum.other_unit_only_{'one' if len(only) == 1 else 'many'}", countries=listed(only),
                       **params))
    if partly:
        parts.append(t("asylum.other_unit_partly", countries="; ".join(partly), **params))
    if both:
        parts.append(t("asylum.other_unit_part_of", countries="; ".join(both), **params))
    return t("asylum.other_unit_message", parts=sentence_case("; ".join(parts)), other=unit_label(other))


def decisions(series: pd.DataFrame, destination: str, unit: str, since: str) -> tuple[pd.DataFrame, list[str]]:
    """First-instance decisions in one country by outcome (stacked: the outcomes do not overlap),
    and the outcomes left out because they are zero throughout."""
    rows = select.rows(series, DECISIONS, destination=destination, category=list(OUTCOMES), unit=unit, since=since)
    return _outcome_bars(rows, OUTCOMES, unit)


def _outcome_bars(rows: pd.DataFrame, outcomes: dict, unit: str) -> tuple[pd.DataFrame, list[str]]:
    """Bars by year and outcome in a fixed order. Outcomes that are zero in every year are left
    out, so the legend lists only what is drawn; their labels are returned for the note."""
    totals = rows.groupby("category")["value"].sum()
    zero = [outcome_label(c) for c in outcomes if c in totals.index and totals[c] == 0]
    rows = rows[rows["category"].map(totals) > 0].copy()
    rows["_label"] = rows["category"].map(outcome_label)
    rows["_x"] = year_labels(rows)
    rows["_hover"] = [t("asylum.decisions_hover", year=year, outcome=label, value=formatting.number(v),
                        unit=unit_label(unit))
                      for year, label, v in zip(year_labels(rows, axis=False), rows["_label"], rows["value"])]
    order = {category: i for i, category in enumerate(outcomes)}
    rows = (rows.assign(_order=rows["category"].map(order)).sort_values(["_order", "period_end"])
            .drop(columns="_order").reset_index(drop=True))
    return rows, zero


def colour_outcomes(fig: go.Figure, outcomes: dict) -> go.Figure:
    """One colour per outcome on every chart, whatever subset of outcomes a country has."""
    colours = {outcome_label(outcome): colour for outcome, colour in outcomes.items()}
    return fig.for_each_trace(lambda trace: trace.update(marker_color=colours[trace.name]))


def rates(series: pd.DataFrame, destinations: list[str], category: str, since: str) -> pd.DataFrame:
    """Recognition rates, one line per country; the hover gives the number of decisions on the
    merits each rate rests on, since a rate from five decisions swings wildly."""
    rows = select.rows(series, RATE, destination=destinations, category=category, since=since)
    on_the_merits = ["recognized", "complementary_protection", "rejected"]
    counts = select.rows(series, DECISIONS, destination=destinations, category=on_the_merits, unit="persons",
                         since=since)
    base = counts.groupby(["destination", "period_end"])["value"].sum()
    rows["_label"] = rows["destination"].map(i18n.country)
    rows["_x"] = _year(rows)
    rows["_hover"] = [t("asylum.rate_hover", country=name, year=year, rate=formatting.value_with_unit(v, "percent"),
                        count=base.get((code, end), "–"))
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
    marked = "asylum.provisional_on_axis" if axis else "asylum.provisional_in_text"
    return [t(marked, year=year) if flag == PROVISIONAL else str(year) for year, flag in zip(_year(rows), rows["flag"])]


def office_applicants(series: pd.DataFrame) -> pd.DataFrame:
    """Applicants for protection in Poland: Belarusians beside all nationalities (which include
    them), as two series of the same flow, never added."""
    rows = select.rows(series, OFFICE_APPLICANTS, origin=["BLR", "ALL"], destination="POL")
    rows["_label"] = [t(f"asylum.applicants_{origin.lower()}") for origin in rows["origin"]]
    rows["_x"] = year_labels(rows)
    rows["_hover"] = [t("asylum.applicants_hover", year=year, label=label, value=formatting.number(v))
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
    return _outcome_bars(rows, OFFICE_OUTCOMES, "persons")


def office_rate(series: pd.DataFrame) -> pd.DataFrame:
    rows = select.rows(series, OFFICE_RATE, destination="POL")
    rows["_label"] = t("asylum.office_rate_label")
    rows["_x"] = year_labels(rows)
    rows["_hover"] = [t("asylum.office_rate_hover", year=year, rate=formatting.value_with_unit(v, "percent"))
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
    outcome: (the Office's outcome, Office value, UNHCR value)."""
    pairs = [("refugee_status", "recognized"), ("subsidiary_protection", "complementary_protection")]
    office = select.rows(series, OFFICE_DECISIONS, destination="POL", category=None)
    unhcr = select.rows(series, DECISIONS, destination="POL", category=None, unit="persons")
    office, unhcr = office[_year(office) == year], unhcr[_year(unhcr) == year]
    result = []
    for office_category, unhcr_category in pairs:
        mine = office.loc[office["category"] == office_category, "value"]
        theirs = unhcr.loc[unhcr["category"] == unhcr_category, "value"]
        if len(mine) and len(theirs):
            result.append((office_category, mine.iloc[0], theirs.iloc[0]))
    return result


def cross_check_sentence(pairs: list[tuple[str, float, float]], year: int = 2022) -> str:
    if not pairs:
        return ""
    agree = all(mine == theirs for _, mine, theirs in pairs)
    detail = "; ".join(t("asylum.cross_check_pair", outcome=t(f"asylum.cross_check_{outcome}"),
                         office=formatting.number(mine), unhcr=formatting.number(theirs))
                       for outcome, mine, theirs in pairs)
    return t(f"asylum.cross_check_{'match' if agree else 'differ'}", year=year, detail=detail)
