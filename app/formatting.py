"""Numbers and dates as a reader expects them (babel/CLDR): thousands separators, dates
spelled out. Every figure on a page goes through here."""
from __future__ import annotations

import math

import pandas as pd
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


def date(value, locale: str | None = None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return _format_date(pd.Timestamp(value).date(), format="long", locale=_locale(locale))


def period(start, end, kind: str, locale: str | None = None) -> str:
    """How a figure's period reads: '31 December 2024' (a date), '2024', 'Q3 2023',
    '9 September 2020 – 30 September 2023'."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if kind == "stock" or start == end:
        return date(end, locale)
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return str(start.year)
    if start.year == end.year and start.day == 1 and (end + pd.Timedelta(days=1)).day == 1:
        months = end.month - start.month + 1
        if months == 3 and start.month in (1, 4, 7, 10):
            return i18n.t("common.quarter", quarter=(start.month - 1) // 3 + 1, year=start.year)
    return f"{date(start, locale)} – {date(end, locale)}"


def year_or_date(value, kind: str, locale: str | None = None) -> str:
    value = pd.Timestamp(value)
    if kind in ("flow", "ratio") and value.month == 12 and value.day == 31:
        return str(value.year)
    return date(value, locale)
