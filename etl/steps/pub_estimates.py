"""Published estimates of how many people left → pub_estimates: both ends of every range.

facts.csv holds one number per row: for a range, only its low end (SURV_PACE_LOW: 300,000 of
"300,000-500,000"). etl/metadata/estimates.yml names each estimate's row, its bound type and a
range's upper end, with the exact words of the row's note that state it. The build refuses an
estimate whose words are not in the note or do not state its ends, a declared row that is
missing, and an estimate row of facts.csv that is not declared, so every end published here
is read from the raw file and no estimate is left out of the range.
"""
from __future__ import annotations

import re

import pandas as pd

from etl.paths import METADATA_DIR
from etl.yaml_io import read_yaml

INPUTS = {"tables": ["pub_facts"]}
OUTPUTS = ["pub_estimates"]

ESTIMATES_FILE = METADATA_DIR / "estimates.yml"
ESTIMATE_INDICATOR = "exile_estimate_cumulative"  # the facts.csv rows that estimate how many left
BOUNDS = ("lower_bound", "upper_bound", "range")
COUNTED = ("fled_west", "may_have_emigrated", "forced_to_flee", "left")
DESTINATIONS = ("west", "including_russia", "not_stated")
COLUMNS = ["estimate_id", "fact_id", "publisher", "source_title", "source_url", "published", "period_start",
           "period_end", "low", "high", "unit", "bound", "counted", "destinations", "stated_as", "verification"]

# "200,000", "300000", "500-600k", "600 thousand": a suffix after a range applies to both ends.
_NUMBER = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)(?:\s*(k|thousand)\b)?")
_DASH = re.compile(r"^\s*[-–]\s*$")


class EstimateError(ValueError):
    """etl/metadata/estimates.yml does not agree with facts.csv."""


def stated_numbers(text: str) -> list[float]:
    """The numbers written in `text`, thousands suffixes applied ('500-600k' → 500000, 600000)."""
    tokens = [(m.start(), m.end(), float(m.group(1).replace(",", "")), m.group(2)) for m in _NUMBER.finditer(text)]
    numbers = []
    for i, (_, end, value, suffix) in enumerate(tokens):
        if suffix is None and i + 1 < len(tokens) and tokens[i + 1][3] and _DASH.match(text[end:tokens[i + 1][0]]):
            suffix = tokens[i + 1][3]  # '500-600k': the k of the upper end belongs to the lower too
        numbers.append(value * 1000 if suffix else value)
    return numbers


def load(path=ESTIMATES_FILE) -> dict[str, dict]:
    return read_yaml(path) or {}


def _words_in(row: pd.Series, words: str, where: tuple[str, ...]) -> bool:
    return any(isinstance(row[column], str) and words in row[column] for column in where)


def _estimate(estimate_id: str, spec: dict, row: pd.Series) -> dict:
    problems = []
    bound = spec.get("bound")
    if bound not in BOUNDS:
        raise EstimateError(f"{estimate_id}: bound {bound!r} is not one of {BOUNDS}")
    value = float(row["value"])
    low, high = {"lower_bound": (value, None), "upper_bound": (None, value),
                 "range": (value, spec.get("high"))}[bound]
    if bound == "range":
        if high is None:
            problems.append("a range needs `high`, its upper end")
        elif float(high) <= value:
            problems.append(f"high {high} is not above the row's value {value:g}")
        else:
            high = float(high)
    elif "high" in spec:
        problems.append(f"a {bound} has one end only; `high` is for ranges")
    stated = spec.get("stated_as") or ""
    note = row["note"] if isinstance(row["note"], str) else ""
    if not stated or stated not in note:
        problems.append(f"stated_as {stated!r} is not in the note of {row['fact_id']} in facts.csv ({note!r})")
    else:
        numbers = stated_numbers(stated)
        for name, end in (("low", low), ("high", high)):
            if isinstance(end, float) and end not in numbers:
                problems.append(f"the {name} end {end:g} is not stated in {stated!r} (it states {numbers})")
    if spec.get("counted") not in COUNTED:
        problems.append(f"counted {spec.get('counted')!r} is not one of {COUNTED}")
    if not spec.get("counted_as") or not _words_in(row, spec["counted_as"], ("metric", "note")):
        problems.append(f"counted_as {spec.get('counted_as')!r} is not in the metric or note of {row['fact_id']}")
    destinations = spec.get("destinations")
    if destinations not in DESTINATIONS:
        problems.append(f"destinations {destinations!r} is not one of {DESTINATIONS}")
    elif destinations != "not_stated" and not (
            spec.get("destinations_as") and _words_in(row, spec["destinations_as"], ("metric", "note"))):
        problems.append(f"destinations_as {spec.get('destinations_as')!r} is not in the metric or note of "
                        f"{row['fact_id']}")
    if problems:
        raise EstimateError(f"etl/metadata/estimates.yml, {estimate_id}: " + "; ".join(problems))
    return {
        "estimate_id": estimate_id, "fact_id": row["fact_id"], "publisher": row["publisher"],
        "source_title": row["source_title"], "source_url": row["source_url"], "published": row["published"],
        "period_start": row["period_start"], "period_end": row["period_end"], "low": low, "high": high,
        "unit": row["unit"], "bound": bound, "counted": spec["counted"], "destinations": destinations,
        "stated_as": stated, "verification": row["verification"],
    }


def build(facts: pd.DataFrame, declared: dict[str, dict]) -> pd.DataFrame:
    by_id = facts.set_index("fact_id", drop=False)
    named = [spec.get("fact") for spec in declared.values()]
    missing = [fact for fact in named if fact not in by_id.index]
    if missing:
        raise EstimateError(f"etl/metadata/estimates.yml names {missing}, not rows of facts.csv")
    if len(set(named)) != len(named):
        raise EstimateError("etl/metadata/estimates.yml declares one facts.csv row twice")
    undeclared = sorted(set(facts.loc[facts["indicator"] == ESTIMATE_INDICATOR, "fact_id"]) - set(named))
    if undeclared:
        raise EstimateError(f"facts.csv rows {undeclared} estimate how many left but are not declared in "
                            "etl/metadata/estimates.yml (say their bound, upper end and who they count)")
    rows = [_estimate(estimate_id, spec, by_id.loc[spec["fact"]]) for estimate_id, spec in declared.items()]
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("low", "high"):
        table[column] = table[column].astype("float64")
    return table.sort_values(["period_end", "estimate_id"]).reset_index(drop=True)


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"pub_estimates": build(ctx.table("pub_facts"), load())}
