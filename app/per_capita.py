"""Per 1,000 residents: a count divided by the host country's population.

per_1000 = value / population × 1,000, with the World Bank's mid-year population of the host
country (pub_population) in the year of the figure. Where that year has no population yet (the
World Bank's series ends a year or more before the migration figures), the latest population
year is used and named: in the `population_year` column of every row, and in the note.

Guards: a per-capita figure makes sense for people counted on a date (a stock) and for events in
a year (a flow). It is refused for running totals (cumulative: several years of arrivals over one
year's population), for ratios and for figures that are already rates (percent, share): asking for
one raises PerCapitaRefused, and a page offers the toggle only where `allowed` says so, with
`refusal` as the reason where it does not.

A stock on 31 December divided by a population at mid-year is an approximation (the two dates
differ by half a year); the note says so.
"""
from __future__ import annotations

import math

import pandas as pd

from app import formatting
from app.i18n import t

PER = 1_000
COLUMNS = ["population", "population_year", "per_1000"]
ALLOWED_KINDS = ("stock", "flow")
REFUSED_UNITS = ("percent", "share")
DECIMALS = 2
MAX_DECIMALS = 4


class PerCapitaRefused(ValueError):
    """A per-capita figure was asked of a running total, a ratio or a rate."""


def indicator_kind(indicator: str) -> str:
    """An indicator's kind: its id ends in it (the build refuses metadata where it does not)."""
    return indicator.rsplit("_", 1)[-1]


def allowed(indicator: str) -> bool:
    return indicator_kind(indicator) in ALLOWED_KINDS


def refusal(indicator: str) -> str:
    """Why a per-capita view is not offered for this indicator ('' where it is)."""
    return "" if allowed(indicator) else t("common.per_capita_refused", per=formatting.number(PER))


def require(indicator: str) -> None:
    """Raise PerCapitaRefused unless the indicator may be divided by a population (a card's guard,
    before any row is shaped)."""
    if not allowed(indicator):
        raise PerCapitaRefused(f"no per-capita figure for {indicator} ({indicator_kind(indicator)}): running "
                               "totals, ratios and rates are not divided by a population")


def check(frame: pd.DataFrame) -> None:
    """Raise PerCapitaRefused unless every row is a stock or a flow counted in people or documents."""
    kinds = set(frame["kind"]) - set(ALLOWED_KINDS)
    units = set(frame["unit"]) & set(REFUSED_UNITS)
    if kinds or units:
        raise PerCapitaRefused(f"no per-capita figure for {sorted(kinds | units)}: running totals, ratios and "
                               "rates are not divided by a population")


def attach(frame: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The rows with `population`, `population_year` and `per_1000`; rows whose place has no
    population at all (an aggregate, or a year before the World Bank's series) are dropped, so
    every row returned has its figure."""
    check(frame)
    out = frame.copy()
    years = out["period_end"].dt.year
    by_country = {iso3: rows.set_index("year")["population"] for iso3, rows in population.groupby("iso3")}
    found_year, found = [], []
    for destination, year in zip(out["destination"], years):
        known = by_country.get(destination)
        use = _population_year(known, int(year))
        found_year.append(use)
        found.append(None if use is None else int(known[use]))  # type: ignore[index]
    out["population"] = pd.array(found, dtype="Int64")
    out["population_year"] = pd.array(found_year, dtype="Int64")
    out = out[out["population"].notna()].copy()
    out["per_1000"] = out["value"] / out["population"].astype("float64") * PER
    out["population"] = out["population"].astype("int64")
    out["population_year"] = out["population_year"].astype("int64")
    return out.reset_index(drop=True)


def left_out(frame: pd.DataFrame, population: pd.DataFrame) -> list[str]:
    """The places of the rows that `attach` leaves out: no population for them in any year up to
    the figure's (an aggregate such as the EU, or a territory the World Bank does not list)."""
    kept = set(attach(frame, population)["destination"])
    return sorted(set(frame["destination"]) - kept)


def _population_year(known: pd.Series | None, year: int) -> int | None:
    """The figure's own year where it has a population; after the series ends, its latest year."""
    if known is None or known.empty:
        return None
    if year in known.index:
        return year
    latest = int(known.index.max())
    return latest if year > latest else None


def fallbacks(frame: pd.DataFrame) -> dict[int, int]:
    """{year of the figures: population year used} where the two differ."""
    years = frame["period_end"].dt.year
    differ = frame[years != frame["population_year"]]
    return {int(y): int(p) for y, p in zip(differ["period_end"].dt.year, differ["population_year"])}


def decimals(value: float) -> int:
    """Two decimals ('8.19', '0.39'); below 0.1 two significant digits ('0.042', '0.0043'), so a
    small figure never reads as 0.00; at most MAX_DECIMALS."""
    value = abs(float(value))
    if value == 0 or value >= 0.1:
        return DECIMALS
    return min(MAX_DECIMALS, 1 - math.floor(math.log10(value)))


def text(value: float) -> str:
    """A per-1,000 figure as a reader reads it (see `decimals`), rounded here so what is printed
    is the number formatted."""
    places = decimals(value)
    return formatting.number(round(float(value), places), decimals=places)


def note(frame: pd.DataFrame, places_left_out: list[str] | None = None) -> str:
    """The denominator, the date approximation (stocks), any population year used in place of the
    figures' own, and the places left out for want of a population (their names, as read)."""
    parts = [t("common.per_capita_note", per=formatting.number(PER))]
    if places_left_out:
        parts.append(t("common.per_capita_left_out", places=", ".join(places_left_out)))
    if (frame["kind"] == "stock").any():
        parts.append(t("common.per_capita_stock_note"))
    used = fallbacks(frame)
    if used:
        parts.append(t("common.per_capita_fallback", count=len(used), years=", ".join(map(str, sorted(used))),
                       population_year=", ".join(map(str, sorted(set(used.values()))))))
    return " ".join(parts)


def hover(row: dict) -> str:
    """The line a hover adds: '8.19 per 1,000 residents (population 36,821,749 in 2022)'."""
    return t("common.per_capita_hover", per_1000=text(row["per_1000"]), per=formatting.number(PER),
             population=formatting.number(row["population"]), year=row["population_year"])
