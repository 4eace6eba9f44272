"""Headline figures: the latest value of a series with its date, source, a small trend, and
any other source that disagrees (shown, never silently dropped)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from app import data, formatting
from app.i18n import t


@dataclass
class Headline:
    value_text: str
    period_text: str
    source_text: str
    trend: list[float]
    others: list[str] = field(default_factory=list)
    value: float | None = None


def _publisher(row, release: data.Release) -> str:
    if row["source_id"] == "curated":
        return data.facts(release).set_index("fact_id").at[row["fact_id"], "publisher"]
    return t(f"common.publisher_{row['source_id']}")


def latest(frame: pd.DataFrame, release: data.Release) -> Headline:
    """Headline of a one-kind slice: the latest row (the first by fact id where several share the
    latest date), with every disagreeing figure listed beside it."""
    ordered = frame.sort_values(["period_end", "fact_id"], na_position="first")
    last_date = ordered["period_end"].max()
    at_last = ordered[ordered["period_end"] == last_date]
    main = at_last.iloc[0]
    unit, kind = main["unit"], main["kind"]
    value_text = formatting.number(main["value"])
    if unit in ("percent", "share"):
        value_text = formatting.value_with_unit(main["value"], unit)
    others = []
    groups = {main["conflict_group"]} - {None} if pd.notna(main["conflict_group"]) else set()
    if groups:
        facts = data.facts(release)
        conflicting = facts[facts["conflict_group"].isin(groups) & (facts["fact_id"] != main["fact_id"])]
        for row in conflicting.itertuples():
            others.append(f"{formatting.value_with_unit(row.value, row.unit)} — {row.publisher}, "
                          f"{formatting.period(row.period_start, row.period_end, row.kind)}")
    trend = ordered.drop_duplicates("period_end")["value"].tolist()
    return Headline(value_text, formatting.period(main["period_start"], last_date, kind),
                    _publisher(main, release), trend, others, float(main["value"]))
