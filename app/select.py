"""Slicing the published series for a chart. All shaping the pages need lives here, so page
files stay UI only and the same slice is what is plotted and what is downloaded."""
from __future__ import annotations

import pandas as pd

from etl.codes import country_name


class MixedKindsError(ValueError):
    """An attempt to add or plot stocks and flows as one thing."""


def rows(series: pd.DataFrame, indicator: str | list[str], origin: str | list[str] | None = "BLR",
         destination: str | list[str] | None = None, category: str | list[str] | None = "total",
         unit: str | None = None, since: str | None = None) -> pd.DataFrame:
    """Rows of one or more indicators, as a new frame (the shared table is never modified)."""
    def as_list(value):
        return [value] if isinstance(value, str) else value

    mask = series["indicator"].isin(as_list(indicator))
    if origin is not None:
        mask &= series["origin"].isin(as_list(origin))
    if destination is not None:
        mask &= series["destination"].isin(as_list(destination))
    if category is not None:
        mask &= series["category"].isin(as_list(category))
    if unit is not None:
        mask &= series["unit"] == unit
    if since is not None:
        mask &= series["period_end"] >= pd.Timestamp(since)
    return series.loc[mask].sort_values(["period_end", "destination"]).reset_index(drop=True)


def one_kind(frame: pd.DataFrame) -> str:
    """The single kind of a slice; refuses a slice that mixes stocks, flows or running totals."""
    kinds = set(frame["kind"])
    if len(kinds) != 1:
        raise MixedKindsError(f"refusing to combine {sorted(kinds)}: stocks, flows and running totals "
                              "are different things")
    return kinds.pop()


def total_by(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum values within groups; only for rows of one kind and one unit."""
    one_kind(frame)
    if frame["unit"].nunique() != 1:
        raise MixedKindsError(f"refusing to add {sorted(set(frame['unit']))}")
    return frame.groupby(by, as_index=False)["value"].sum()


def latest(frame: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """The latest row (by period_end) per group."""
    ordered = frame.sort_values("period_end")
    if not by:
        return ordered.tail(1)
    return ordered.groupby(by, as_index=False).tail(1)


def with_place_names(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["destination_name"] = out["destination"].map(country_name)
    out["origin_name"] = out["origin"].map(country_name)
    return out
