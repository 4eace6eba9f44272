"""Shaping for the "Where they went" page.

Which countries hold Belarusian refugees and asylum seekers under UNHCR's mandate or Belarusians
with a valid residence permit (Eurostat), in one year and over time, and how small formal
protection (refugees, not asylum seekers: an application is not protection) is next to the
residence-document counts. Pure functions on slices of pub_series: the page only
draws what they return, so what is plotted is exactly what is downloaded.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from app import figures, formatting, i18n, per_capita, select
from app.i18n import t

MANDATE = "unhcr_under_mandate_stock"
REFUGEES = "unhcr_refugees_stock"
ASYLUM_SEEKERS = "unhcr_asylum_seekers_stock"
PERMITS = "eurostat_valid_permits_stock"
POLISH_DOCUMENTS = "udsc_residence_documents_stock"
LITHUANIAN_PERMITS = "lt_residence_permit_holders_stock"

# Eurostat's flag letters, shown beside the figure they qualify; what each means is in the catalogue.
EUROSTAT_FLAGS = ("b", "d", "e", "p", "u")
# UN M49 codes of the statistical subregions in pub_countries: CLDR names them in every language.
M49_SUBREGIONS = {
    "Northern Africa": "015", "Sub-Saharan Africa": "202", "Latin America and the Caribbean": "419",
    "Northern America": "021", "Central Asia": "143", "Eastern Asia": "030", "South-eastern Asia": "035",
    "Southern Asia": "034", "Western Asia": "145", "Eastern Europe": "151", "Northern Europe": "154",
    "Southern Europe": "039", "Western Europe": "155", "Australia and New Zealand": "053", "Melanesia": "054",
    "Micronesia": "057", "Polynesia": "061",
}


@dataclass(frozen=True)
class Measure:
    """What the map and ranking count. Its texts are the catalogue's 'where.<key>_<part>' messages
    (option, map_title, hover...), one set per count, so every language words each sentence whole."""
    indicator: str
    key: str

    def text(self, part: str, **params) -> str:
        return t(f"where.{self.key}_{part}", **params)


MEASURES = {"mandate": Measure(MANDATE, "mandate"), "permits": Measure(PERMITS, "permits")}
# The map and the ranking in people, or per 1,000 residents of the host country (app/per_capita.py).
SCALES = ("total", "per_1000")
# The flow arrows: Eurostat's first permits issued in the year (a flow), from Belarus to the
# largest destinations; the shading shows the chosen count (a stock), with its own legend.
FIRST_PERMITS = "eurostat_first_permits_flow"
ARROWS = 8
ARROW_ORIGIN = "BLR"


def flag_meaning(letter: str) -> str:
    return t(f"where.flag_{letter}") if letter in EUROSTAT_FLAGS else letter


def listed(items: list[str]) -> str:
    """'Lithuania and Poland', 'Litwa i Polska': a list joined as the reader's language does (CLDR)."""
    return format_list(items, locale=i18n.babel_locale()) if items else ""


def subregion_name(subregion: str) -> str:
    """A UN M49 subregion in the reader's language (CLDR), e.g. 'Western Asia', 'Azja Zachodnia'."""
    code = M49_SUBREGIONS.get(subregion)
    return Locale.parse(i18n.babel_locale()).territories.get(code, subregion) if code else subregion


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
    grey = outside_map(series, measure, countries, boundaries, year)
    if grey.empty:
        return ""
    subregion = grey["destination"].map(countries.set_index("iso3")["unsd_subregion"])
    groups = [t("where.outside_group", region=subregion_name(region), countries=", ".join(
                f"{name} ({formatting.number(v)})" for name, v in zip(rows["_label"], rows["value"])))
              for region, rows in grey.groupby(subregion, sort=False)]
    return t("where.outside_note", groups="; ".join(groups))


def outside_map(series: pd.DataFrame, measure: Measure, countries: pd.DataFrame, boundaries: dict,
                year: int) -> pd.DataFrame:
    """The countries drawn on the map with a figure for the year but outside Europe as M49 defines
    it: left unshaded, their figure is in the note, and their hover says so (never 'no data')."""
    drawn = {feature["id"] for feature in boundaries["features"]}
    shaded = set(map_destinations(series, measure, countries))
    grey = snapshot(series, measure, sorted(drawn - shaded), year)
    grey["_hover"] = [t("where.outside_hover", figure=hover) for hover in grey["_hover"]]
    return grey


def years(series: pd.DataFrame, measure: Measure, destinations: list[str], since: int = 2015) -> list[int]:
    rows = select.rows(series, measure.indicator, destination=destinations, since=f"{since}-01-01")
    return sorted(rows["period_end"].dt.year.unique().tolist())


def _reporting(series: pd.DataFrame, measure: Measure, destinations: list[str]) -> dict[int, set[str]]:
    rows = select.rows(series, measure.indicator, destination=destinations)
    return rows.groupby(rows["period_end"].dt.year)["destination"].agg(set).to_dict()


def missing_from(series: pd.DataFrame, measure: Measure, destinations: list[str], year: int) -> list[str]:
    """Countries that reported the year before but not this year: a ranking without them is not
    comparable (Eurostat's 2025 figures still lack Poland and Lithuania). Largest gap first: the
    order of the year before's figures."""
    reporting = _reporting(series, measure, destinations)
    missing = reporting.get(year - 1, set()) - reporting.get(year, set())
    if not missing:
        return []
    return snapshot(series, measure, sorted(missing), year - 1)["destination"].tolist()


def default_year(series: pd.DataFrame, measure: Measure, destinations: list[str]) -> int:
    """The latest year in which no country that reported the year before is missing."""
    available = years(series, measure, destinations)
    reporting = _reporting(series, measure, destinations)
    complete = [y for y in available if not reporting.get(y - 1, set()) - reporting[y]]
    return (complete or available)[-1]


def _flag_note(flag) -> str:
    if not isinstance(flag, str):
        return ""
    return f" ({flag}: {', '.join(flag_meaning(letter) for letter in flag)})"


def flags_note() -> str:
    """What Eurostat's flag letters mean, for a chart that shows them."""
    return t("where.flags_note", flags="; ".join(f"{letter} {flag_meaning(letter)}" for letter in EUROSTAT_FLAGS))


def snapshot(series: pd.DataFrame, measure: Measure, destinations: list[str] | None, year: int) -> pd.DataFrame:
    """One row per country on 31 December of the year, with name, hover and bar label."""
    rows = select.rows(series, measure.indicator, destination=destinations)
    rows = rows[rows["period_end"].dt.year == year].sort_values("value", ascending=False).reset_index(drop=True)
    names = rows["destination"].map(i18n.country)
    rows["_label"] = names
    rows["_text"] = [formatting.number(v) + (f" ({f})" if isinstance(f, str) else "")
                     for v, f in zip(rows["value"], rows["flag"])]
    rows["_hover"] = [measure.text("hover", country=name, value=formatting.number(v), date=formatting.date(end),
                                   flags=_flag_note(flag))
                      for name, v, end, flag in zip(names, rows["value"], rows["period_end"], rows["flag"])]
    return rows


def worldwide_destinations(countries: pd.DataFrame) -> list[str]:
    """Every country code in the release's country list (aggregates and 'unknown' left out)."""
    return sorted(set(countries["iso3"]))


def over_time(series: pd.DataFrame, destinations: list[str], since: str) -> pd.DataFrame:
    """End-year stocks under UNHCR's mandate for the chosen countries, one line each."""
    rows = select.rows(series, MANDATE, destination=destinations, since=since)
    rows["_label"] = rows["destination"].map(i18n.country)
    rows["_hover"] = [MEASURES["mandate"].text("hover", country=name, value=formatting.number(v),
                                               date=formatting.date(end), flags="")
                      for name, v, end in zip(rows["_label"], rows["value"], rows["period_end"])]
    return rows.sort_values(["_label", "period_end"]).reset_index(drop=True)


def mandate_options(series: pd.DataFrame, countries: pd.DataFrame, since: str) -> list[str]:
    """Countries with at least one figure since the start year, largest latest stock first."""
    rows = select.rows(series, MANDATE, destination=sorted(set(countries["iso3"])), since=since)
    latest = select.latest(rows, ["destination"]).sort_values("value", ascending=False)
    return latest["destination"].tolist()


# ---------------------------------------------------------------- protection vs residence
COMPARED = ("POL", "LTU")
# The counts compared, as codes in `_count`; their legend labels are 'where.count_<code>'. Refugees
# as UNHCR counts them have been granted protection; asylum seekers have applied and wait for a
# decision, which is not protection: the two are shown apart, and only refugees are 'protection'.
PROTECTION = "protection"
PENDING = "pending"
NATIONAL = "national"
EUROSTAT = "eurostat"


def count_label(count: str) -> str:
    return t(f"where.count_{count}")


def _at_latest_date(frame: pd.DataFrame) -> pd.DataFrame:
    """Every row on the latest date: where sources disagree on that date, both rows stay."""
    return frame[frame["period_end"] == frame["period_end"].max()]


def protection_vs_residence(series: pd.DataFrame) -> pd.DataFrame:
    """For Poland and Lithuania, the latest stock of each count side by side. All are stocks of
    persons, but on different dates and of different things: they are shown, never added.
    `_count` names the count (PROTECTION, PENDING, NATIONAL, EUROSTAT); `_label` (the legend) is
    its label, with its date where both countries share it."""
    parts = []
    for iso3 in COMPARED:
        national_indicator = POLISH_DOCUMENTS if iso3 == "POL" else LITHUANIAN_PERMITS
        for indicator, count in [(REFUGEES, PROTECTION), (ASYLUM_SEEKERS, PENDING), (national_indicator, NATIONAL),
                                 (PERMITS, EUROSTAT)]:
            rows = select.rows(series, indicator, destination=iso3)
            if not rows.empty:
                parts.append(_at_latest_date(rows).assign(_count=count))
    frame = pd.concat(parts, ignore_index=True)
    frame["_x"] = frame["destination"].map(i18n.country)
    dates = [formatting.row_date(row) for row in frame.to_dict("records")]
    one_date = pd.Series(dates, index=frame.index).groupby(frame["_count"]).transform("nunique") == 1
    frame["_label"] = [t("where.count_on_date", count=count_label(count), date=date) if same
                       else count_label(count)
                       for count, date, same in zip(frame["_count"], dates, one_date)]
    frame["_text"] = frame["value"].map(formatting.number)
    frame["_hover"] = [t("where.comparison_hover", country=country, count=count_label(count),
                         value=formatting.number(v), date=date)
                       for country, count, v, date in zip(frame["_x"], frame["_count"], frame["value"], dates)]
    return frame


def mixed_dates_note(frame: pd.DataFrame) -> str:
    """The dates of each count whose two figures are on different dates (the legend dates the others)."""
    return " ".join(
        t("where.count_dates", count=count_label(count), dates=", ".join(
            t("where.country_date", country=row["_x"], date=formatting.row_date(row))
            for row in group.to_dict("records")))
        for count, group in frame.groupby("_count", sort=False) if group["period_end"].nunique() > 1)


def label_bars(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    """Print each bar's `_text` above it (traces follow figures.bars: one per `_label`, in row
    order), so a bar too short to see still has its number."""
    for trace in fig.data:
        trace.text = frame.loc[frame["_label"] == trace.name, "_text"].tolist()
        trace.textposition = "outside"
        trace.cliponaxis = False
    return fig


def year_end_ticks(fig: go.Figure, dates: pd.Series) -> go.Figure:
    """Ticks on the dates of the end-year stocks, labelled 'Dec 2024' ('gru 2024') in the reader's
    language: on a plain date axis the 2024 figure would sit beside the '2025' tick, and Plotly
    would name the months in English."""
    ticks = sorted(pd.to_datetime(dates).unique())
    # at most figures.MAX_DATE_TICKS labels, the latest year always among them (a phone has no room for more)
    step = -(-len(ticks) // figures.MAX_DATE_TICKS)
    ticks = ticks[::-1][::step][::-1]
    fig.update_xaxes(tickvals=ticks, ticktext=[format_date(pd.Timestamp(d).date(), "LLL y",
                                                           locale=i18n.babel_locale()) for d in ticks])
    return fig


def comparison_sentences(frame: pd.DataFrame) -> dict[str, str]:
    """One sentence per country: refugees (granted protection) against the national document
    count, with both dates, as a ratio of two stocks (never a sum); then the asylum seekers, who
    are not protected and are not in that share."""
    sentences = {}
    for iso3 in COMPARED:
        rows = frame[frame["destination"] == iso3]
        protection = rows[rows["_count"] == PROTECTION]
        documents = rows[rows["_count"] == NATIONAL]
        pending = rows[rows["_count"] == PENDING]
        if protection.empty or documents.empty:
            continue
        protected, held = protection.iloc[0], documents.iloc[0]
        parts = [t("where.comparison_sentence", country=i18n.country(iso3),
                   protected=formatting.number(protected["value"]), protected_date=formatting.row_date(protected),
                   held=formatting.number(held["value"]), held_date=formatting.row_date(held),
                   share=formatting.value_with_unit(protected["value"] / held["value"], "share"))]
        if not pending.empty:
            parts.append(t("where.comparison_pending", seekers=formatting.number(pending.iloc[0]["value"]),
                           seekers_date=formatting.row_date(pending.iloc[0])))
        sentences[iso3] = " ".join(parts)
    return sentences


# ---------------------------------------------------------------- per 1,000 residents
def scaled(scale: str) -> bool:
    """True for the per-1,000-residents view; a scale that is not one of SCALES is an error."""
    if scale not in SCALES:
        raise ValueError(f"scale is one of {SCALES}, not {scale!r}")
    return scale == "per_1000"


def per_capita_rows(frame: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The rows with the host country's population and the figure per 1,000 residents, largest
    first; the hover adds the per-capita line and the bar label is the per-capita figure. A place
    without a population is left out (per_capita_note names it)."""
    rows = per_capita.attach(frame, population).sort_values("per_1000", ascending=False, kind="stable")
    rows = rows.reset_index(drop=True)
    records = rows.to_dict("records")
    if "_hover" in rows:
        rows["_hover"] = [f"{text}<br>{per_capita.hover(row)}" for text, row in zip(rows["_hover"], records)]
    rows["_text"] = rows["per_1000"].map(per_capita.text)
    return rows


def per_capita_note(frame: pd.DataFrame, shown: pd.DataFrame, population: pd.DataFrame) -> str:
    """per_capita.note for the rows `shown`, naming the places of `frame` left out (no population)."""
    return per_capita.note(shown, [i18n.country(code) for code in per_capita.left_out(frame, population)])


def plotted(frame: pd.DataFrame) -> pd.DataFrame:
    """What a chart draws: the per-1,000 figure where the rows carry one, else the figure itself."""
    return frame.assign(value=frame["per_1000"]) if "per_1000" in frame else frame


def per_capita_title(title: str) -> str:
    return t("common.per_capita_title", title=title, per=formatting.number(per_capita.PER))


# ---------------------------------------------------------------- flow arrows
def label_points(boundaries: dict) -> dict[str, tuple[float, float]]:
    """Each country's label point on the map (computed in the ETL, EPSG:3035 metres)."""
    return {f["id"]: tuple(f["properties"]["point"]) for f in boundaries["features"] if "point" in f["properties"]}


def flow_arrows(series: pd.DataFrame, boundaries: dict, countries: pd.DataFrame, year: int,
                top: int = ARROWS) -> pd.DataFrame:
    """Eurostat's first permits issued to Belarusians in the year (a flow), for the `top` largest
    destinations drawn on the map: the published rows, plus where each arrow starts and ends
    (`_x0`, `_y0` at Belarus, `_x1`, `_y1` at the destination) and its hover."""
    points = label_points(boundaries)
    destinations = sorted((set(countries["iso3"]) & set(points)) - {ARROW_ORIGIN})
    rows = select.rows(series, FIRST_PERMITS, origin=ARROW_ORIGIN, destination=destinations)
    rows = rows[rows["period_end"].dt.year == year].sort_values("value", ascending=False, kind="stable")
    rows = rows[rows["value"] > 0].head(top).reset_index(drop=True)
    start = points[ARROW_ORIGIN]
    rows["_x0"], rows["_y0"] = start[0], start[1]
    rows["_x1"] = [points[code][0] for code in rows["destination"]]
    rows["_y1"] = [points[code][1] for code in rows["destination"]]
    names = rows["destination"].map(i18n.country)
    rows["_label"] = t("where.arrow_series", year=year)
    rows["_hover"] = [t("where.arrow_hover", country=name, value=formatting.number(v), year=year,
                        flags=_flag_note(flag))
                      for name, v, flag in zip(names, rows["value"], rows["flag"])]
    return rows


def arrows_note(series: pd.DataFrame, arrows: pd.DataFrame, boundaries: dict, countries: pd.DataFrame,
                year: int) -> str:
    """What the arrows count, to where, and which countries Eurostat does not have yet for the year."""
    if arrows.empty:
        return t("where.arrows_none", year=year)
    listed_arrows = ", ".join(f"{i18n.country(code)} ({formatting.number(v)})"
                              for code, v in zip(arrows["destination"], arrows["value"]))
    parts = [t("where.arrows_note", count=len(arrows), year=year, arrows=listed_arrows),
             arrows_missing(series, boundaries, countries, year)]
    return " ".join(part for part in parts if part)


def arrows_missing(series: pd.DataFrame, boundaries: dict, countries: pd.DataFrame, year: int) -> str:
    """A sentence naming the countries with first permits for the year before but not yet for this
    one (no arrow can be drawn to them), or ''."""
    drawn = sorted((set(countries["iso3"]) & set(label_points(boundaries))) - {ARROW_ORIGIN})
    reporting = _reporting(series, Measure(FIRST_PERMITS, "first_permits"), drawn)
    missing = sorted(reporting.get(year - 1, set()) - reporting.get(year, set()), key=i18n.country)
    if not missing:
        return ""
    return t("where.arrows_missing", countries=listed([i18n.country(c) for c in missing]), previous=year - 1,
             year=year)


def map_figure(frame: pd.DataFrame, boundaries: dict, legend: str, outside: pd.DataFrame, outside_name: str,
               arrows_legend: str) -> go.Figure:
    """The Europe map of a card's rows: the chosen count shaded (`_layer` 'map'; per 1,000
    residents where the rows carry it) and, where the card has them, the flow arrows (`_layer`
    'arrow'), each with its own legend."""
    layer = frame["_layer"] if "_layer" in frame else pd.Series("map", index=frame.index)
    shaded = frame[layer == "map"]
    per_resident = "per_1000" in shaded and shaded["per_1000"].notna().all()
    fig = figures.choropleth(plotted(shaded) if per_resident else shaded, boundaries, legend, outside=outside,
                             outside_name=outside_name, breaks=figures.PER_CAPITA_BREAKS if per_resident else None)
    return figures.add_flow_arrows(fig, frame[layer == "arrow"], arrows_legend)
