"""Numbers and dates as a reader reads them."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from app import formatting, i18n


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


# ------------------------------------------------------------------ dates as precisely as they are known
NOVEMBER_2022 = {"en": "November 2022", "pl": "listopad 2022", "lt": "2022 m. lapkričio mėn.", "be": "лістапад 2022"}
DAY = {"en": "1 November 2022", "pl": "1 listopada 2022", "lt": "2022 m. lapkričio 1 d.", "be": "1 лістапада 2022\u202fг."}


@pytest.mark.parametrize("lang", list(NOVEMBER_2022))
def test_a_month_precise_date_prints_as_its_month_never_as_a_day(lang):
    i18n.set_language(lang)
    assert formatting.date("2022-11-01", precision="month") == NOVEMBER_2022[lang]
    assert formatting.date("2022-11-01") == DAY[lang]
    row = {"period_start": pd.Timestamp("2022-11-01"), "period_end": pd.Timestamp("2022-11-01"), "kind": "stock",
           "period_start_precision": "month", "period_end_precision": "month"}
    assert formatting.row_period(row) == NOVEMBER_2022[lang]
    assert formatting.row_date(row) == NOVEMBER_2022[lang]
    assert DAY[lang] not in formatting.row_period(row)


def test_governed_month_takes_the_case_a_preposition_needs():
    i18n.set_language("pl")
    assert formatting.date("2022-11-30", precision="month", governed=True) == "listopada 2022"
    i18n.set_language("be")
    assert formatting.date("2022-11-30", precision="month", governed=True) == "лістапада 2022"
    i18n.set_language("en")
    assert formatting.date("2022-11-30", precision="month", governed=True) == "November 2022"


def test_a_year_precise_date_prints_as_its_year():
    assert formatting.date("2023-12-31", precision="year") == "2023"
    assert formatting.date("2023-12-31", "pl_PL", precision="year") == "2023 r."
    assert formatting.period("2020-08-09", "2023-12-31", "cumulative", end_precision="year") == "9 August 2020 – 2023"


def test_period_uses_each_dates_precision_and_no_false_quarter_or_year():
    assert formatting.period("2022-11-30", "2023-08-04", "cumulative", start_precision="month") == \
        "November 2022 – 4 August 2023"
    # Both ends known only to the month: never the calendar year or a quarter the filled-in days suggest.
    assert formatting.period("2023-01-01", "2023-12-31", "flow", "en_GB", "month", "month") == \
        "January 2023 – December 2023"
    assert formatting.period("2023-07-01", "2023-09-30", "flow", None, "year", "year") == "2023"
    assert formatting.known_precision(None) == formatting.known_precision(float("nan")) == "day"


def test_row_helpers_read_dicts_series_and_namedtuples():
    frame = pd.DataFrame({"period_start": pd.to_datetime(["2020-09-09"]), "period_end": pd.to_datetime(["2021-07-13"]),
                          "kind": ["cumulative"], "period_start_precision": ["day"], "period_end_precision": ["month"]})
    expected = "9 September 2020 – July 2021"
    assert formatting.row_period(frame.iloc[0]) == expected
    assert formatting.row_period(next(frame.itertuples())) == expected
    assert formatting.row_period(frame.to_dict("records")[0]) == expected
    official = frame.drop(columns=["period_start_precision", "period_end_precision"])
    assert formatting.row_date(official.iloc[0]) == "13 July 2021"
    events = pd.DataFrame({"date": pd.to_datetime(["2024-04-25"]), "date_precision": ["month"]})
    assert formatting.row_date(events.iloc[0], "date") == "April 2024"


def test_latest_date_is_the_newest_figure_as_precisely_as_it_is_known():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2025-06-30", "2019-01-01"]),
                          "period_end_precision": ["month", "day"]})
    assert formatting.latest_date(frame) == "June 2025"
    assert formatting.latest_date(frame.iloc[0:0]) == ""
