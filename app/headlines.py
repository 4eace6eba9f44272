"""Headline figures: the latest value of a series with its date, its source (title, publication
date, link and the link's host), a small trend that says which figure it draws where several
share a date, and any other source that disagrees (shown, never silently dropped). And the
Overview's opening sentence (app/estimates.py computes it from the published estimates)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from app import data, estimates, formatting
from app.markdown import md
from app.i18n import t
from app.sources import SourceRef, curated_ref, ref_for_row


@dataclass
class Other:
    """A figure that disagrees with the headline's: its value and period, and its source."""
    text: str
    source: SourceRef


@dataclass
class Headline:
    value_text: str
    period_text: str
    source: SourceRef
    trend: list[float]
    trend_text: str  # what the trend line draws: its span and, where figures share a date, which one
    others: list[Other] = field(default_factory=list)
    value: float | None = None


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """The one order used for the headline and its trend: by date, then by fact id (structured
    rows, which have none, first)."""
    return frame.sort_values(["period_end", "fact_id"], na_position="first")


def _publisher(row, release: data.Release) -> str:
    return ref_for_row(row, release).publisher


def trend_text(frame: pd.DataFrame, release: data.Release) -> str:
    """The trend's span and, for every date with more than one figure, which the line draws."""
    ordered = _order(frame)
    kind = ordered["kind"].iloc[0]
    first, last = ordered["period_end"].min(), ordered["period_end"].max()
    parts = [t("overview.h_trend", first=formatting.year_or_date(first, kind),
               last=formatting.year_or_date(last, kind))]
    for end, rows in ordered.groupby("period_end", sort=True):
        if rows["value"].nunique() < 2:
            continue
        drawn, others = rows.iloc[0], rows.iloc[1:]
        others = others[others["value"] != drawn["value"]]
        parts.append(t("overview.h_trend_conflict", period=formatting.year_or_date(end, kind),
                       drawn=formatting.number(drawn["value"]), drawn_source=_publisher(drawn, release),
                       others="; ".join(t("overview.h_trend_other", value=formatting.number(row["value"]),
                                          source=_publisher(row, release))
                                        for _, row in others.iterrows())))
    return " ".join(parts)


def latest(frame: pd.DataFrame, release: data.Release) -> Headline:
    """Headline of a one-kind slice: the latest row (the first by fact id where several share the
    latest date), with every disagreeing figure listed beside it."""
    ordered = _order(frame)
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
            others.append(Other(t("overview.h_other", value=formatting.value_with_unit(row.value, row.unit),
                                  period=formatting.period(row.period_start, row.period_end, row.kind)),
                                curated_ref(row)))
    # One point per date: where figures share a date, the first in the headline's order is drawn
    # and trend_text names it and the others.
    trend = ordered.drop_duplicates("period_end")["value"].tolist()
    return Headline(value_text, formatting.period(main["period_start"], last_date, kind), ref_for_row(main, release),
                    trend, trend_text(frame, release), others, float(main["value"]))


def citation(ref: SourceRef) -> str:
    """A headline's source: 'publisher, [title](<url>) (host, date)'."""
    return f"{md(ref.publisher)}, {estimates.linked(ref.title, ref.url, ref.released)}"


def other_text(other: Other) -> str:
    """'1,630 persons, 2025 — publisher, [title](<url>) (host, date)' (markdown)."""
    return f"{md(other.text)} — {citation(other.source)}"


def intro(release: data.Release) -> str:
    """The Overview's opening: the range of the published estimates of how many left and who says
    what, each linked, then what the dashboard promises."""
    return " ".join([estimates.sentence(estimates.table(release)), t("overview.intro_rest")])
