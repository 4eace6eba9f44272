"""Shaping for the "Where they went" page.

Which countries hold Belarusians under UNHCR's mandate (formal protection) or with a valid
residence permit (Eurostat), in one year and over time, and how small formal protection is
next to the residence-document counts. Pure functions on slices of pub_series: the page only
draws what they return, so what is plotted is exactly what is downloaded.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from app import formatting, select
from etl.codes import country_name

MANDATE = "unhcr_under_mandate_stock"
PERMITS = "eurostat_valid_permits_stock"
POLISH_DOCUMENTS = "udsc_residence_documents_stock"
LITHUANIAN_PERMITS = "lt_residence_permit_holders_stock"

# Eurostat's flag letters as its API labels them; shown beside the figure they qualify.
EUROSTAT_FLAGS = {"b": "break in series", "d": "definition differs", "e": "estimated", "p": "provisional",
                  "u": "low reliability"}


@dataclass(frozen=True)
class Measure:
    indicator: str
    option: str          # the radio label
    counted: str         # what one unit is, in a sentence: "people under UNHCR's mandate"
    who: str             # the subject of a title
    region: str          # where the map's countries are, for titles


MEASURES = {
    "mandate": Measure(MANDATE, "Under UNHCR's mandate (refugees and asylum seekers)", "people under UNHCR's mandate",
                       "Belarusians under UNHCR's mandate", "in Europe"),
    "permits": Measure(PERMITS, "Valid residence permits (Eurostat)", "people with a valid residence permit",
                       "Belarusians with a valid residence permit", "in the EU and EFTA"),
}


def map_destinations(series: pd.DataFrame, measure: Measure, countries: pd.DataFrame) -> list[str]:
    """Countries the Europe map may shade. UNHCR reports worldwide, so its figures are cut to
    Europe as the UN Statistics Division defines it (M49); Eurostat reports only for EU and EFTA
    countries, all of them European, so every reporting country is kept (aggregates dropped)."""
    if measure.indicator == MANDATE:
        return sorted(countries.loc[countries["unsd_region"] == "Europe", "iso3"])
    reporting = set(series.loc[series["indicator"] == measure.indicator, "destination"])
    return sorted(reporting & set(countries["iso3"]))


def outside_map_note(series: pd.DataFrame, measure: Measure, countries: pd.DataFrame, boundaries: dict,
                     year: int) -> str:
    """A sentence naming the countries drawn on the map with a figure but left grey because M49
    puts them outside Europe (Cyprus, Georgia, Armenia...), so nobody thinks they are missing."""
    drawn = {feature["id"] for feature in boundaries["features"]}
    shaded = set(map_destinations(series, measure, countries))
    grey = snapshot(series, measure, sorted(drawn - shaded), year)
    if grey.empty:
        return ""
    subregion = grey["destination"].map(countries.set_index("iso3")["unsd_subregion"])
    groups = [", ".join(f"{name} ({formatting.number(v)})" for name, v in zip(rows["_label"], rows["value"]))
              + f" in {region}" for region, rows in grey.groupby(subregion, sort=False)]
    return (f"Europe as the UN Statistics Division defines it (M49), which puts {'; '.join(groups)}: "
            "left grey here.")


def years(series: pd.DataFrame, measure: Measure, destinations: list[str], since: int = 2015) -> list[int]:
    rows = select.rows(series, measure.indicator, destination=destinations, since=f"{since}-01-01")
    return sorted(rows["period_end"].dt.year.unique().tolist())


def _reporting(series: pd.DataFrame, measure: Measure, destinations: list[str]) -> dict[int, set[str]]:
    rows = select.rows(series, measure.indicator, destination=destinations)
    return rows.groupby(rows["period_end"].dt.year)["destination"].agg(set).to_dict()


def missing_from(series: pd.DataFrame, measure: Measure, destinations: list[str], year: int) -> list[str]:
    """Countries that reported the year before but not this year: a ranking without them is not
    comparable (Eurostat's 2025 figures still lack Poland and Lithuania)."""
    reporting = _reporting(series, measure, destinations)
    return sorted(reporting.get(year - 1, set()) - reporting.get(year, set()), key=country_name)


def default_year(series: pd.DataFrame, measure: Measure, destinations: list[str]) -> int:
    """The latest year in which no country that reported the year before is missing."""
    available = years(series, measure, destinations)
    reporting = _reporting(series, measure, destinations)
    complete = [y for y in available if not reporting.get(y - 1, set()) - reporting[y]]
    return (complete or available)[-1]


def _flag_note(flag) -> str:
    if not isinstance(flag, str):
        return ""
    return f" ({flag}: {', '.join(EUROSTAT_FLAGS.get(letter, letter) for letter in flag)})"


def snapshot(series: pd.DataFrame, measure: Measure, destinations: list[str] | None, year: int) -> pd.DataFrame:
    """One row per country on 31 December of the year, with name, hover and bar label."""
    rows = select.rows(series, measure.indicator, destination=destinations)
    rows = rows[rows["period_end"].dt.year == year].sort_values("value", ascending=False).reset_index(drop=True)
    names = rows["destination"].map(country_name)
    rows["_label"] = names
    rows["_text"] = [formatting.number(v) + (f" ({f})" if isinstance(f, str) else "")
                     for v, f in zip(rows["value"], rows["flag"])]
    rows["_hover"] = [f"<b>{name}</b><br>{formatting.number(v)} {measure.counted}<br>on {formatting.date(end)}"
                      f"{_flag_note(flag)}"
                      for name, v, end, flag in zip(names, rows["value"], rows["period_end"], rows["flag"])]
    return rows


def worldwide_destinations(countries: pd.DataFrame) -> list[str]:
    """Every country code in the release's country list (aggregates and 'unknown' left out)."""
    return sorted(set(countries["iso3"]))


def over_time(series: pd.DataFrame, destinations: list[str], since: str) -> pd.DataFrame:
    """End-year stocks under UNHCR's mandate for the chosen countries, one line each."""
    rows = select.rows(series, MANDATE, destination=destinations, since=since)
    rows["_label"] = rows["destination"].map(country_name)
    rows["_hover"] = [f"<b>{name}</b><br>{formatting.number(v)} people under UNHCR's mandate<br>"
                      f"on {formatting.date(end)}"
                      for name, v, end in zip(rows["_label"], rows["value"], rows["period_end"])]
    return rows.sort_values(["_label", "period_end"]).reset_index(drop=True)


def mandate_options(series: pd.DataFrame, countries: pd.DataFrame, since: str) -> list[str]:
    """Countries with at least one figure since the start year, largest latest stock first."""
    rows = select.rows(series, MANDATE, destination=sorted(set(countries["iso3"])), since=since)
    latest = select.latest(rows, ["destination"]).sort_values("value", ascending=False)
    return latest["destination"].tolist()


# ---------------------------------------------------------------- protection vs residence
COMPARED = {"POL": "Poland", "LTU": "Lithuania"}
PROTECTION_LABEL = "Under UNHCR's mandate (refugees, asylum seekers, others in need of protection)"
NATIONAL_LABEL = "Valid residence documents, national data"
EUROSTAT_LABEL = "Valid residence permits, Eurostat"


def _at_latest_date(frame: pd.DataFrame) -> pd.DataFrame:
    """Every row on the latest date: where sources disagree on that date, both rows stay."""
    return frame[frame["period_end"] == frame["period_end"].max()]


def protection_vs_residence(series: pd.DataFrame) -> pd.DataFrame:
    """For Poland and Lithuania, the latest stock of each count side by side. All are stocks of
    persons, but on different dates and of different things: they are shown, never added.
    `_count` names the count; `_label` (the legend) adds its date where both countries share it."""
    parts = []
    for iso3 in COMPARED:
        national_indicator = POLISH_DOCUMENTS if iso3 == "POL" else LITHUANIAN_PERMITS
        for indicator, count in [(MANDATE, PROTECTION_LABEL), (national_indicator, NATIONAL_LABEL),
                                 (PERMITS, EUROSTAT_LABEL)]:
            rows = select.rows(series, indicator, destination=iso3)
            if not rows.empty:
                parts.append(_at_latest_date(rows).assign(_count=count))
    frame = pd.concat(parts, ignore_index=True)
    frame["_x"] = frame["destination"].map(COMPARED)
    one_date = frame.groupby("_count")["period_end"].transform("nunique") == 1
    frame["_label"] = [f"{count}, {formatting.date(end)}" if same else count
                       for count, end, same in zip(frame["_count"], frame["period_end"], one_date)]
    frame["_text"] = frame["value"].map(formatting.number)
    frame["_hover"] = [f"<b>{country}: {count}</b><br>{formatting.number(v)} people on {formatting.date(end)}"
                       for country, count, v, end in zip(frame["_x"], frame["_count"], frame["value"],
                                                         frame["period_end"])]
    return frame


def label_bars(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    """Print each bar's `_text` above it (traces follow figures.bars: one per `_label`, in row
    order), so a bar too short to see still has its number."""
    for trace in fig.data:
        trace.text = frame.loc[frame["_label"] == trace.name, "_text"].tolist()
        trace.textposition = "outside"
        trace.cliponaxis = False
    return fig


def year_end_ticks(fig: go.Figure) -> go.Figure:
    """Ticks on 31 December, where the end-year stocks sit, labelled 'Dec 2024': on a plain date
    axis the 2024 figure would sit beside the '2025' tick."""
    fig.update_xaxes(tick0="2015-12-31", dtick="M12", tickformat="%b %Y")
    return fig


def comparison_sentences(frame: pd.DataFrame) -> dict[str, str]:
    """One sentence per country: the protection count against the national document count, with
    both dates, as a ratio of two stocks (never a sum)."""
    sentences = {}
    for iso3, country in COMPARED.items():
        rows = frame[frame["destination"] == iso3]
        protection = rows[rows["_count"] == PROTECTION_LABEL]
        documents = rows[rows["_count"] == NATIONAL_LABEL]
        if protection.empty or documents.empty:
            continue
        protected, held = protection.iloc[0], documents.iloc[0]
        sentences[iso3] = (
            f"{country}: {formatting.number(protected['value'])} Belarusians under UNHCR's mandate on "
            f"{formatting.date(protected['period_end'])}, against {formatting.number(held['value'])} with a valid "
            f"residence document on {formatting.date(held['period_end'])}: formal protection is about "
            f"{formatting.value_with_unit(protected['value'] / held['value'], 'share')} of the document count."
        )
    return sentences
