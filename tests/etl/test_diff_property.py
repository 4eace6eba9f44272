"""Property: a shock to any single series beyond the gate's thresholds always blocks the release,
under that series' INDICATOR/COUNTRY key alone, and accepting that key publishes it; a shock
within the thresholds never blocks."""
import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import diff

SETTINGS = settings(deadline=None, database=None,  # no .hypothesis/ folder in the checkout
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class Published:
    """The built pub_series and the series the shocks may hit; a short repr keeps Hypothesis'
    reports readable."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        rows = frame[~frame["unit"].isin(list(diff.RATIO_UNITS))]
        latest = rows.sort_values("period_end").groupby(diff.SERIES_ID).tail(1)
        # Counts whose latest figure is at least 1,000: a shock beyond REVISION_SHARE, LATEST_DROP
        # or BREAK_FACTOR of it is also beyond MIN_COUNT_CHANGE.
        self.counts = sorted(latest.loc[latest["value"] >= 1_000, diff.SERIES_ID].itertuples(index=False, name=None))
        self.rates = sorted(frame.loc[frame["unit"] == "percent", diff.SERIES_ID].drop_duplicates()
                            .itertuples(index=False, name=None))

    def __repr__(self) -> str:
        return f"<pub_series: {len(self.frame)} rows, {len(self.counts)} count series, {len(self.rates)} rate series>"


@pytest.fixture(scope="module")
def published(built) -> Published:
    paths, manifest = built
    return Published(diff.read_series(paths.root / manifest["tables"]["pub_series"]["path"]))


def neighbourhood(table: pd.DataFrame, series: tuple) -> pd.DataFrame:
    """Every series under the shocked one's key (indicator × country, all origins and categories):
    per-series checks look no further, and a small table keeps each example fast."""
    return table[(table["indicator"] == series[0]) & (table["destination"] == series[3])].reset_index(drop=True)


def rows_of(frame: pd.DataFrame, series: tuple) -> pd.Series:
    return (frame[diff.SERIES_ID] == pd.Series(series, index=diff.SERIES_ID)).all(axis=1)


def verdict(result: dict, accepted=False) -> dict:
    return diff.decide(copy.deepcopy({**result, "status": None}), diff.Acceptance.of(accepted))


def assert_blocks_only(old, new, series, check: str) -> None:
    """The shock is found by `check`, blocks under the series' key alone, and accepting that key
    (and nothing else) publishes."""
    key = f"{series[0]}/{series[3]}"
    result = diff.compare_series(old, new)
    assert check in {f["check"] for f in result["findings"]}
    report = verdict(result)
    assert report["status"] == "blocked", report["summary"]
    assert report["unaccepted_keys"] == [key]
    per_series = [f for f in report["findings"] if f["check"] not in ("vanished_country", "many_halved")]
    assert per_series and all(f["key"] == key and f["period_end"] for f in per_series)
    assert all(f["after"] is not None for f in per_series if f["check"] != "lost_latest_period")
    assert all(f["before"] is not None for f in per_series if f["check"] in ("revision", "break", "latest_fell"))
    assert verdict(result, [key])["status"] == "accepted"
    assert verdict(result, [f"{series[0]}/XXX"])["status"] == "blocked"


beyond_revision = st.one_of(st.floats(0.0, 1 - diff.REVISION_SHARE - 0.005),
                            st.floats(1 + diff.REVISION_SHARE + 0.005, 50.0))


@SETTINGS
@given(data=st.data(), factor=beyond_revision)
def test_revising_a_past_count_beyond_the_share_blocks(published, data, factor):
    series = data.draw(st.sampled_from(published.counts))
    old = neighbourhood(published.frame, series)
    mine = old.index[rows_of(old, series) & (old["value"] >= 1_000)]
    row = data.draw(st.sampled_from(list(mine)))
    new = old.copy()
    new.loc[row, "value"] = round(old.loc[row, "value"] * factor)  # counts are whole numbers
    assert_blocks_only(old, new, series, "revision")


@SETTINGS
@given(data=st.data(), scale=st.floats(1.0001, 1_000.0), negative=st.booleans())
def test_a_value_outside_the_plausible_range_blocks(published, data, scale, negative):
    series = data.draw(st.sampled_from(published.counts))
    old = neighbourhood(published.frame, series)
    row = data.draw(st.sampled_from(list(old.index[rows_of(old, series)])))
    new = old.copy()
    new.loc[row, "value"] = -old.loc[row, "value"] - 1 if negative else diff.ceiling(old.loc[[row]]).item() * scale
    assert_blocks_only(old, new, series, "implausible")


def append_period(old: pd.DataFrame, series: tuple, factor: float) -> pd.DataFrame:
    mine = old[rows_of(old, series)].sort_values("period_end")
    last = mine.iloc[[-1]]
    year = int(last["period_end"].item()[:4]) + 1
    added = last.assign(period_start=f"{year}-12-31", period_end=f"{year}-12-31",
                        value=np.floor(last["value"] * factor))
    return pd.concat([old, added], ignore_index=True)


@SETTINGS
@given(data=st.data(), factor=st.floats(0.0, diff.LATEST_DROP - 0.005))
def test_a_new_latest_figure_below_half_blocks(published, data, factor):
    series = data.draw(st.sampled_from(published.counts))
    old = neighbourhood(published.frame, series)
    new = append_period(old, series, factor)
    assert_blocks_only(old, new, series, "latest_fell")


@SETTINGS
@given(data=st.data(), factor=st.floats(diff.BREAK_FACTOR + 0.01, 100.0))
def test_a_new_period_that_breaks_the_series_blocks(published, data, factor):
    series = data.draw(st.sampled_from(published.counts))
    old = neighbourhood(published.frame, series)
    new = append_period(old, series, factor)
    assert_blocks_only(old, new, series, "break")


@SETTINGS
@given(data=st.data())
def test_revising_a_rate_by_more_than_the_floor_blocks(published, data):
    series = data.draw(st.sampled_from(published.rates))
    old = neighbourhood(published.frame, series)
    row = data.draw(st.sampled_from(list(old.index[rows_of(old, series)])))
    value, gap = old.loc[row, "value"], diff.RATIO_UNITS["percent"][1] + 0.5  # percentage points
    ranges = [st.floats(0.0, value - gap)] if value - gap >= 0 else []
    ranges += [st.floats(value + gap, 100.0)] if value + gap <= 100 else []
    new = old.copy()
    new.loc[row, "value"] = data.draw(st.one_of(ranges))
    assert_blocks_only(old, new, series, "revision")


@SETTINGS
@given(data=st.data(), factor=st.floats(1 - diff.REVISION_SHARE + 0.005, 1.0))
def test_a_revision_of_a_whole_series_within_the_share_passes(published, data, factor):
    # Downwards only: scaling a series up may lift an old step over the floor of MIN_COUNT_CHANGE,
    # which is a new break by definition.
    series = data.draw(st.sampled_from(published.counts))
    old = neighbourhood(published.frame, series)
    new = old.copy()
    new.loc[rows_of(new, series), "value"] *= factor
    assert verdict(diff.compare_series(old, new))["status"] == "published"
