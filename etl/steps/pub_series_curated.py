"""Curated national figures (pub_facts) → pub_series rows, with their fact id, conflict group,
verification status and the precision of their dates."""
from __future__ import annotations

import pandas as pd

INPUTS = {"tables": ["pub_facts"]}
OUTPUTS = ["series_curated"]


def frame_from_facts(facts: pd.DataFrame) -> pd.DataFrame:
    out = facts[["indicator", "origin", "destination", "period_start", "period_end", "period_start_precision",
                 "period_end_precision", "value", "unit", "kind", "fact_id", "conflict_group",
                 "verification"]].copy()
    out.insert(1, "source_id", "curated")
    out["category"] = "total"
    return out


def run(ctx) -> dict[str, pd.DataFrame]:
    return {"series_curated": frame_from_facts(ctx.table("pub_facts"))}
