"""Date precision of curated figures and events (etl/metadata/date_precision.yml).

A curated date whose day or month the source does not give was filled in by the curator, who
said so in the raw note. The metadata file names those rows, the precision of each filled-in date
('month' or 'year') and the note's own words; this module checks the words against the raw note
and returns precision columns for the published tables ('day' wherever nothing is declared).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.paths import METADATA_DIR
from etl.yaml_io import read_yaml

PRECISION_FILE = METADATA_DIR / "date_precision.yml"
PRECISIONS = ("day", "month", "year")
FACT_FIELDS = ("period_start", "period_end")


class PrecisionError(ValueError):
    """The precision metadata does not match the raw notes it quotes."""


def load(path: Path = PRECISION_FILE) -> dict:
    spec = read_yaml(path) or {}
    return {"facts": spec.get("facts") or {}, "events": spec.get("events") or {}}


def _check_entry(where: str, entry: dict, fields: tuple[str, ...]) -> None:
    declared = [f for f in fields if f in entry]
    if not declared:
        raise PrecisionError(f"{where}: declares no precision (one of {', '.join(fields)})")
    unknown = set(entry) - set(fields) - {"reason", "reason_in"}
    if unknown:
        raise PrecisionError(f"{where}: unknown key(s) {sorted(unknown)}")
    for field in declared:
        if entry[field] not in PRECISIONS:
            raise PrecisionError(f"{where}: {field} precision {entry[field]!r} is not one of {PRECISIONS}")
    if not str(entry.get("reason") or "").strip():
        raise PrecisionError(f"{where}: a precision needs its reason, quoted from the raw note")


def fact_precision(facts: pd.DataFrame, spec: dict | None = None) -> pd.DataFrame:
    """period_start_precision and period_end_precision for every row of `facts` (fact_id, note).
    Raises PrecisionError when a declared row is missing or its quoted reason is not in the note."""
    spec = load() if spec is None else spec
    notes = facts.set_index("fact_id")["note"].fillna("")
    out = pd.DataFrame({f"{field}_precision": "day" for field in FACT_FIELDS}, index=facts.index)
    for fact_id, entry in spec["facts"].items():
        where = f"{PRECISION_FILE.name}: facts.{fact_id}"
        _check_entry(where, entry, FACT_FIELDS)
        if fact_id not in notes.index:
            raise PrecisionError(f"{where}: no such metric_id in facts.csv")
        quoted_in = entry.get("reason_in", fact_id)
        if quoted_in not in notes.index:
            raise PrecisionError(f"{where}: reason_in names {quoted_in!r}, which is not in facts.csv")
        if entry["reason"] not in notes[quoted_in]:
            raise PrecisionError(f"{where}: the reason {entry['reason']!r} is not in the note of {quoted_in} "
                                 f"({notes[quoted_in]!r})")
        rows = facts["fact_id"] == fact_id
        for field in FACT_FIELDS:
            if field in entry:
                out.loc[rows, f"{field}_precision"] = entry[field]
    return out


def event_keys(events: pd.DataFrame) -> pd.Series:
    """'<date>_<ISO3>' ('…_2' for a second event of one day and country), in table order: the same
    key as the app's events catalogue (app/events.py)."""
    base = events["date"].dt.strftime("%Y-%m-%d") + "_" + events["country"]
    occurrence = base.groupby(base).cumcount() + 1
    return base.where(occurrence == 1, base + "_" + occurrence.astype(str))


def event_precision(events: pd.DataFrame, spec: dict | None = None) -> pd.Series:
    """date_precision for every row of `events` (date, country, event), in its order."""
    spec = load() if spec is None else spec
    keys = event_keys(events)
    out = pd.Series("day", index=events.index, name="date_precision")
    for key, entry in spec["events"].items():
        where = f"{PRECISION_FILE.name}: events.{key}"
        _check_entry(where, entry, ("date",))
        if "reason_in" in entry:
            raise PrecisionError(f"{where}: an event's reason is quoted from its own text (no reason_in)")
        rows = keys == str(key)
        if not rows.any():
            raise PrecisionError(f"{where}: no event with that date and country in events.csv")
        text = events.loc[rows, "event"].iloc[0]
        if entry["reason"] not in text:
            raise PrecisionError(f"{where}: the reason {entry['reason']!r} is not in the event's text ({text!r})")
        out[rows] = entry["date"]
    return out
