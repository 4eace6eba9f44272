"""Numbers and dates as a reader expects them (babel/CLDR): thousands separators, dates
spelled out. Every figure on a page goes through here.

Dates are printed as precisely as they are known: a curated figure whose source gives only a
month or a year carries that precision (period_start_precision, period_end_precision, events'
date_precision; see etl/metadata/date_precision.yml), and prints as 'November 2022' or '2023',
never as the day the curator filled in."""
from __future__ import annotations

import math

import pandas as pd
from babel import Locale
from babel.dates import format_date as _format_date
from babel.numbers import format_decimal, format_percent

from app import i18n


def _locale(locale: str | None) -> str:
    # The reader's language unless a caller asks for a specific one ("9 July 2026", "9 lipca 2026").
    return locale or i18n.babel_locale()


def number(value, locale: str | None = None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(locale))


def value_with_unit(value, unit: str, locale: str | None = None) -> str:
    if unit == "percent":
        return format_percent(value / 100, format="#,##0.0%", locale=_locale(locale))
    if unit == "share":
        return format_percent(value, format="#,##0%", locale=_locale(locale))
    lang = next((code for code, name in i18n.BABEL_LOCALE.items() if name == locale), None) if locale else None
    # The unit noun agrees with the number by the language's CLDR plural rule ("5 osób", "2 osoby").
    return i18n.t(f"common.count_{unit}", lang, count=round(value) if float(value).is_integer() else value)


PRECISIONS = ("day", "month", "year")
# A date known to the month or the year, in words that read right both alone and inside a sentence
# ('as of November 2022', 'stan na listopad 2022', '2022 m. lapkričio mėn.', 'на лістапад 2022').
# The governed form is the one a preposition such as 'since', 'to' or 'by' takes where the
# language declines month names ('od listopada 2022', 'да лістапада 2022').
MONTH_PATTERNS = {"en": "MMMM y", "pl": "LLLL y", "lt": "y 'm'. MMMM 'mėn'.", "be": "LLLL y"}
GOVERNED_MONTH_PATTERNS = {"en": "MMMM y", "pl": "MMMM y", "lt": "y 'm'. MMMM 'mėn'.", "be": "MMMM y"}
YEAR_PATTERNS = {"en": "y", "pl": "y 'r'.", "lt": "y 'm'.", "be": "y\u202f'г'."}  # CLDR's spacing


def _pattern(patterns: dict[str, str], locale: str, skeleton: str) -> str:
    language = locale.split("_")[0]
    return patterns.get(language) or Locale.parse(locale).datetime_skeletons[skeleton].pattern


def known_precision(value) -> str:
    """A precision column's value, 'day' where there is none (official statistics)."""
    return value if isinstance(value, str) and value in PRECISIONS else "day"


def date(value, locale: str | None = None, precision: str = "day", governed: bool = False) -> str:
    """'1 November 2022'; with precision 'month' 'November 2022', with 'year' '2022'. `governed`:
    the month in the form a preposition takes ('do listopada 2022' rather than 'listopad 2022')."""
    if value is None or pd.isna(value):
        return "–"
    locale = _locale(locale)
    day = pd.Timestamp(value).date()
    precision = known_precision(precision)
    if precision == "month":
        patterns = GOVERNED_MONTH_PATTERNS if governed else MONTH_PATTERNS
        return _format_date(day, format=_pattern(patterns, locale, "yMMMM"), locale=locale)
    if precision == "year":
        return _format_date(day, format=_pattern(YEAR_PATTERNS, locale, "y"), locale=locale)
    return _format_date(day, format="long", locale=locale)


def month_year(value, governed: bool = False, locale: str | None = None) -> str:
    """'November 2022' in the reader's language (CLDR's year-and-month pattern), for headings and
    'since' phrases. `governed` gives the form a preposition such as 'since' takes: 'od listopada
    2022', 'nuo 2022 m. lapkričio'."""
    locale = _locale(locale)
    pattern = Locale.parse(locale).datetime_skeletons["yMMMM"].pattern
    if governed:
        pattern = pattern.replace("LLLL", "MMMM")
    return _format_date(pd.Timestamp(value).date(), format=pattern, locale=locale)


def period(start, end, kind: str, locale: str | None = None, start_precision: str = "day",
           end_precision: str = "day") -> str:
    """How a figure's period reads: '31 December 2024' (a date), '2024', 'Q3 2023',
    '9 September 2020 – 30 September 2023'; dates known only to the month or year as such
    ('November 2022 – 4 August 2023')."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    start_precision, end_precision = known_precision(start_precision), known_precision(end_precision)
    if kind == "stock" or start == end:
        return date(end, locale, end_precision)
    exact = start_precision == end_precision == "day"
    if exact and start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return str(start.year)
    if exact and start.year == end.year and start.day == 1 and (end + pd.Timedelta(days=1)).day == 1:
        months = end.month - start.month + 1
        if months == 3 and start.month in (1, 4, 7, 10):
            return i18n.t("common.quarter", quarter=(start.month - 1) // 3 + 1, year=start.year)
    first, last = date(start, locale, start_precision), date(end, locale, end_precision)
    return last if first == last else f"{first} – {last}"


def latest_date(frame: pd.DataFrame, locale: str | None = None) -> str:
    """The newest period_end of the rows, as precisely as it is known (the most precise of the
    rows that end on it); '' for no rows."""
    if frame.empty or frame["period_end"].isna().all():
        return ""
    latest = frame["period_end"].max()
    at_latest = frame[frame["period_end"] == latest]
    known = (at_latest["period_end_precision"].map(known_precision) if "period_end_precision" in at_latest
             else pd.Series(["day"]))
    return date(latest, locale, min(known, key=PRECISIONS.index))


def _field(row, name: str):
    if isinstance(row, dict):
        return row.get(name)
    if isinstance(row, pd.Series):
        return row.get(name)
    return getattr(row, name, None)


def row_date(row, which: str = "period_end", locale: str | None = None, governed: bool = False) -> str:
    """A row's period_end (or period_start, or an event's date) as precisely as it is known; `row`
    is a dict, a Series or a namedtuple of a published table."""
    return date(_field(row, which), locale, known_precision(_field(row, f"{which}_precision")), governed)


def row_period(row, locale: str | None = None) -> str:
    """A row's period (see period()) with the precision of each of its dates."""
    return period(_field(row, "period_start"), _field(row, "period_end"), _field(row, "kind"), locale,
                  known_precision(_field(row, "period_start_precision")),
                  known_precision(_field(row, "period_end_precision")))


def year_or_date(value, kind: str, locale: str | None = None) -> str:
    value = pd.Timestamp(value)
    if kind in ("flow", "ratio") and value.month == 12 and value.day == 31:
        return str(value.year)
    return date(value, locale)
