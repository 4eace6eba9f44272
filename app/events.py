"""Events for the time axes: which ones each chart marks, with hover text (date, event, source).

Each event's text is our own English sentence in events.csv; the `events` catalogue holds it in
every language under '<date>_<ISO3 country>' (a second event of one day and country: '…_2').
Source titles stay as their publishers wrote them."""
from __future__ import annotations

import textwrap

import pandas as pd

from app import data, formatting
from app.i18n import MissingMessage, t

# The turning points the overview marks; the country pages mark their own country's events.
KEY_EVENTS = {
    ("BLR", "2020-08-09"), ("POL", "2020-09-09"), ("BLR", "2022-02-24"), ("LTU", "2022-03-11"),
    ("LTU", "2022-12-05"), ("BLR", "2023-09-04"), ("POL", "2024-01-26"), ("LTU", "2024-02-27"),
}


def event_keys(events: pd.DataFrame) -> pd.Series:
    """Each event's catalogue key, e.g. '2022-03-11_LTU'. Computed on the whole events table,
    before any filter, so that an event's key never depends on which others are shown."""
    base = events["date"].dt.strftime("%Y-%m-%d") + "_" + events["country"]
    occurrence = base.groupby(base).cumcount() + 1
    return base.where(occurrence == 1, base + "_" + occurrence.astype(str))


def event_text(key: str, original: str) -> str:
    """The event in the reader's language; the curated English sentence if it is not translated yet."""
    try:
        return t(f"events.{key}")
    except MissingMessage:
        return original


def all_events(release: data.Release) -> pd.DataFrame:
    events = data.events(release)
    return events.assign(_key=event_keys(events))


def with_hover(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` holds rows of all_events (with their `_key`)."""
    out = frame.copy()
    out["_hover"] = [
        f"<b>{formatting.row_date(row, 'date')}</b><br>"
        f"{'<br>'.join(textwrap.wrap(event_text(row['_key'], row['event']), 60))}<br><i>"
        + t("common.event_source", title="<br>".join(textwrap.wrap(row["source_title"], 60))) + "</i>"
        for row in out.to_dict("records")
    ]
    return out


def listed(frame: pd.DataFrame) -> tuple[str, ...]:
    """The events as outputs without hover list them, numbered in the order figures.add_events
    numbers their markers: '1 · 9 August 2020: … (source title)'."""
    return tuple(t("common.event_line", number=i, date=formatting.row_date(row, "date"),
                   event=event_text(row["_key"], row["event"]).rstrip(". "), source=row["source_title"])
                 for i, row in enumerate(frame.to_dict("records"), start=1))


def key_events(release: data.Release, since: str = "2019-01-01") -> pd.DataFrame:
    events = all_events(release)
    keys = {(c, pd.Timestamp(d)) for c, d in KEY_EVENTS}
    is_key = pd.Series([(c, d) in keys for c, d in zip(events["country"], events["date"])], index=events.index)
    return with_hover(events[is_key & (events["date"] >= pd.Timestamp(since))])


def country_events(release: data.Release, countries: list[str], categories: list[str] | None = None,
                   since: str = "2019-01-01") -> pd.DataFrame:
    events = all_events(release)
    mask = events["country"].isin(countries) & (events["date"] >= pd.Timestamp(since))
    if categories:
        mask &= events["event_category"].isin(categories)
    return with_hover(events[mask])
