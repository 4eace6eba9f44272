"""Curated figures → pub_facts: each figure gets an indicator, a kind and a conflict group.

Kind comes from the period, not from the wording: a point in time is a stock, a calendar year,
quarter or part-year is a flow, anything longer is a running total (cumulative). Figures of
different kinds go to different indicators, so they can never be added together.

Conflict groups: rows marked CONFLICT are grouped with the rows their note names, and any two
rows of the same indicator, geography and period with different values are grouped too. Both
sides are published; nothing is picked silently.
"""
from __future__ import annotations

import re

import pandas as pd

from etl import mappings, precision

INPUTS = {"tables": ["clean_curated__facts"]}
OUTPUTS = ["pub_facts"]

# metric_id prefix → indicator stem, as data: etl/metadata/metric_prefixes.yml.
PREFIXES = "metric_prefixes"
FACT_ID = re.compile(r"\b([A-Z]{2,4}_[A-Z0-9_]+[a-z]?)\b")


def stem_for(fact_id: str) -> str:
    stems = mappings.load_mapping(PREFIXES)
    for prefix in sorted(stems, key=len, reverse=True):  # LT_THREAT_BYRU_ before LT_THREAT_BY_
        if fact_id.startswith(prefix):
            return stems[prefix]
    raise mappings.MappingError(f"facts.csv: no indicator is defined for metric_id {fact_id!r}; add its prefix to "
                                f"{mappings.describe(PREFIXES)} and a metadata file for the indicator")


def kind_for(start: pd.Timestamp, end: pd.Timestamp, unit: str) -> str:
    if unit in ("share", "percent"):
        return "ratio"
    if start == end:
        return "stock"
    # A calendar year, a quarter or a part-year from a quarter start to a month end is a flow.
    starts_quarter = start.day == 1 and (start.month - 1) % 3 == 0
    ends_month = (end + pd.Timedelta(days=1)).day == 1
    if starts_quarter and ends_month and start.year == end.year:
        return "flow"
    return "cumulative"


def conflict_groups(facts: pd.DataFrame) -> pd.Series:
    """Union-find over 'CONFLICT rows and the rows they name' and 'same slot, different value'."""
    parent = {fid: fid for fid in facts["fact_id"]}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    in_conflict = set()
    marked = facts["note"].fillna("").str.contains("CONFLICT")
    for row in facts.itertuples(index=False):
        named = [f for f in FACT_ID.findall(row.note or "") if f in parent and f != row.fact_id]
        for other in named:
            # A mention is a conflict edge when either side is marked CONFLICT.
            if "CONFLICT" in (row.note or "") or marked[facts["fact_id"] == other].any():
                union(row.fact_id, other)
                in_conflict.update({row.fact_id, other})
    slot = ["indicator", "origin", "destination", "period_start", "period_end", "unit"]
    for _, group in facts.groupby(slot):
        if group["value"].nunique() > 1:
            ids = group["fact_id"].tolist()
            for other in ids[1:]:
                union(ids[0], other)
            in_conflict.update(ids)
    in_conflict.update(facts.loc[marked, "fact_id"])
    return facts["fact_id"].map(lambda fid: find(fid) if fid in in_conflict else None)


def build(clean: pd.DataFrame) -> pd.DataFrame:
    facts = clean.copy()
    facts["kind"] = [kind_for(s, e, u) for s, e, u in zip(facts["period_start"], facts["period_end"], facts["unit"])]
    facts["indicator"] = [f"{stem_for(fid)}_{kind}" for fid, kind in zip(facts["fact_id"], facts["kind"])]
    facts["conflict_group"] = conflict_groups(facts)
    # How precisely each date is known (etl/metadata/date_precision.yml, checked against the notes).
    facts = facts.join(precision.fact_precision(facts))
    return facts[["fact_id", "indicator", "metric", "origin", "destination", "period_start", "period_end",
                  "period_start_precision", "period_end_precision", "value", "unit", "kind", "publisher",
                  "source_title", "source_url", "published", "note", "verification", "conflict_group"]]


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"pub_facts": build(ctx.table("clean_curated__facts"))}
