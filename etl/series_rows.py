"""Shared by the per-source publish steps (etl/steps/pub_series_<source>.py): rows in the shape
of pub_series, and the calendar periods official statistics use."""
from __future__ import annotations

import pandas as pd


def year_period(years: pd.Series) -> tuple[pd.Series, pd.Series]:
    return (pd.to_datetime(years.astype(str) + "-01-01"), pd.to_datetime(years.astype(str) + "-12-31"))


def end_of_year(years: pd.Series) -> pd.Series:
    return pd.to_datetime(years.astype(str) + "-12-31")


def frame(indicator: str, source_id: str, kind: str, unit, **columns) -> pd.DataFrame:
    out = pd.DataFrame(columns)
    out.insert(0, "indicator", indicator)
    out.insert(1, "source_id", source_id)
    out["kind"] = kind
    out["unit"] = unit
    out["category"] = out["category"] if "category" in out else "total"
    return out


def stack(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One source's rows; a source with no rows at all gives an empty table, not an error."""
    present = [part for part in parts if len(part)]
    return pd.concat(present, ignore_index=True) if present else pd.DataFrame()
