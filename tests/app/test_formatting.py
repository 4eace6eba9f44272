"""Numbers and dates as a reader reads them."""
from __future__ import annotations

import math

import pandas as pd

from app import formatting


def test_number_has_thousands_separators_and_a_dash_for_missing():
    assert formatting.number(301611) == "301,611"
    assert formatting.number(301611.4) == "301,611"
    assert formatting.number(1234.5678, decimals=2) == "1,234.57"
    assert formatting.number(0) == "0"
    assert formatting.number(None) == "–"
    assert formatting.number(math.nan) == "–"
    assert formatting.number(1234567, locale="de_DE") == "1.234.567"


def test_value_with_unit():
    assert formatting.value_with_unit(144219, "persons") == "144,219 persons"
    assert formatting.value_with_unit(12.5, "percent") == "12.5%"
    assert formatting.value_with_unit(0.87, "share") == "87%"


def test_date_is_spelled_out():
    assert formatting.date("2026-07-09") == "9 July 2026"
    assert formatting.date(pd.Timestamp("2020-08-09")) == "9 August 2020"
    assert formatting.date(None) == "–"
    assert formatting.date(pd.NaT) == "–"


def test_period_reads_as_date_year_quarter_or_range():
    assert formatting.period("2024-12-31", "2024-12-31", "stock") == "31 December 2024"
    assert formatting.period("2024-01-01", "2024-12-31", "flow") == "2024"
    assert formatting.period("2023-07-01", "2023-09-30", "flow") == "Q3 2023"
    assert formatting.period("2020-09-09", "2023-09-30", "cumulative") == "9 September 2020 – 30 September 2023"
    assert formatting.period("2023-01-01", "2023-06-30", "flow") == "1 January 2023 – 30 June 2023"


def test_year_or_date():
    assert formatting.year_or_date("2024-12-31", "flow") == "2024"
    assert formatting.year_or_date("2024-12-31", "stock") == "31 December 2024"
    assert formatting.year_or_date("2024-06-30", "flow") == "30 June 2024"
