"""Check the seed article's claims against the published data, by the rules in
etl/metadata/claims.yml: which figures bear on each claim, and a verdict on a fixed scale.

Figures are selected from pub_series at build time, never typed in, so a data refresh
recomputes every verdict. Where sources disagree, every value is carried through, and a
claim counts as supported only if it holds for all of them.
"""
from __future__ import annotations

from itertools import product

import pandas as pd
import yaml

from etl.paths import METADATA_DIR

INPUTS = {"tables": ["pub_series", "pub_events", "clean_curated__claims"]}
OUTPUTS = ["pub_claim_verdicts", "pub_claim_figures"]
RULES_FILE = METADATA_DIR / "claims.yml"
VERDICTS = ("supported", "partly_supported", "not_supported", "not_checkable")


class ClaimRuleError(ValueError):
    pass


class MissingFigure(ClaimRuleError):
    """The data no longer hold a figure a rule needs (e.g. a country vanished in a refresh)."""


def load_rules() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def select(series: pd.DataFrame, spec: dict, claim: str, name: str) -> pd.DataFrame:
    rows = series[(series["indicator"] == spec["indicator"])
                  & (series["origin"] == spec.get("origin", "BLR"))
                  & (series["destination"] == spec["destination"])
                  & (series["category"] == spec.get("category", "total"))]
    if rows.empty:
        raise MissingFigure(f"{claim}.{name}: no rows for {spec}")
    pick = spec["pick"]
    if pick == "latest":
        when = rows["period_end"].max()
    elif pick == "earliest":
        when = rows["period_end"].min()
    elif pick == "at":
        when = pd.Timestamp(spec["at"])
    elif pick == "year":
        when = rows.loc[rows["period_end"].dt.year == int(spec["year"]), "period_end"].max()
    elif pick == "max":
        when = rows.loc[rows["value"].idxmax(), "period_end"]
    else:
        raise ClaimRuleError(f"{claim}.{name}: unknown pick {pick!r}")
    chosen = rows[rows["period_end"] == when]
    if chosen.empty:
        raise MissingFigure(f"{claim}.{name}: no row at {when} for {spec}")
    return chosen


def combine(op: str, sides: list[list[float]], claim: str, name: str) -> list[float]:
    """Apply `op` to every combination of the sides' values (several values = a conflict)."""
    results = []
    for values in product(*sides):
        if op == "sum":
            results.append(sum(values))
        elif op == "difference":
            results.append(values[0] - sum(values[1:]))
        elif op == "ratio":
            results.append(values[0] / values[1])
        elif op == "min":
            results.append(min(values))
        elif op == "max":
            results.append(max(values))
        else:
            raise ClaimRuleError(f"{claim}.{name}: unknown op {op!r}")
    return sorted(set(round(r, 6) for r in results))


def check_claim(claim: str, rule_doc: dict, series: pd.DataFrame, events: pd.DataFrame) -> tuple[dict, list[dict]]:
    rule = rule_doc["rule"]
    figures: list[dict] = []
    values: dict[str, list[float]] = {}
    measures: dict[str, set] = {}  # name -> {(unit, kind)}, to refuse adding unlike things
    missing = []
    for name, spec in (rule_doc.get("figures") or {}).items():
        try:
            rows = select(series, spec, claim, name)
        except MissingFigure:
            # Without one of its figures a claim cannot be checked; say so rather than stop the build
            # (the release diff reports the vanished data, and the pinned verdicts test catches the change).
            missing.append(name)
            figures.append({"claim_id": claim, "figure": name, "role": "missing", "value": float("nan")})
            continue
        values[name] = rows["value"].tolist()
        measures[name] = set(zip(rows["unit"], rows["kind"]))
        for row in rows.itertuples():
            figures.append({"claim_id": claim, "figure": name, "role": "figure", "value": row.value,
                            "unit": row.unit, "kind": row.kind, "indicator": row.indicator,
                            "source_id": row.source_id, "fact_id": row.fact_id, "destination": row.destination,
                            "period_start": row.period_start, "period_end": row.period_end})
    if missing:
        return ({"claim_id": claim, "verdict": "not_checkable", "rule": rule["type"],
                 "threshold": rule.get("threshold")}, figures)
    for name, spec in (rule_doc.get("derived") or {}).items():
        sides = set().union(*(measures[side] for side in spec["of"]))
        if spec["op"] in ("sum", "difference") and len(sides) > 1:
            raise ClaimRuleError(f"{claim}.{name}: refusing to {spec['op']} {sorted(sides)}")
        measures[name] = sides if spec["op"] != "ratio" else set()
        values[name] = combine(spec["op"], [values[side] for side in spec["of"]], claim, name)
        for value in values[name]:
            figures.append({"claim_id": claim, "figure": name, "role": f"derived:{spec['op']}", "value": value})
    kind = rule["type"]
    if kind == "not_checkable":
        verdict = "not_checkable"
    elif kind == "events_exist":
        dated = {(c, d) for c, d in zip(events["country"], events["date"])}
        found = [(c, pd.Timestamp(d)) in dated for c, d in rule["events"]]
        verdict = "supported" if all(found) else ("partly_supported" if any(found) else "not_checkable")
        for (country, day), present in zip(rule["events"], found):
            figures.append({"claim_id": claim, "figure": f"event_{country}_{day}", "role": "event",
                            "value": 1.0 if present else 0.0, "destination": country,
                            "period_start": pd.Timestamp(day), "period_end": pd.Timestamp(day)})
    elif kind == "at_least":
        threshold = float(rule["threshold"])
        if all(v >= threshold for v in values[rule["narrow"]]):
            verdict = "supported"
        elif any(v >= threshold for v in values[rule["broad"]] + values[rule["narrow"]]):
            verdict = "partly_supported"
        else:
            verdict = "not_supported"
    else:
        raise ClaimRuleError(f"{claim}: unknown rule type {kind!r}")
    return ({"claim_id": claim, "verdict": verdict, "rule": kind, "threshold": rule.get("threshold")}, figures)


def build(series: pd.DataFrame, events: pd.DataFrame, claims: pd.DataFrame, rules: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    missing = sorted(set(claims["claim_id"]) - set(rules))
    if missing:
        raise ClaimRuleError(f"claims without a rule in {RULES_FILE.name}: {missing}")
    verdicts, figures = [], []
    for claim in claims["claim_id"]:
        verdict, rows = check_claim(claim, rules[claim], series, events)
        verdicts.append(verdict)
        figures += rows
    figure_columns = ["claim_id", "figure", "role", "value", "unit", "kind", "indicator", "source_id", "fact_id",
                      "destination", "period_start", "period_end"]
    figure_frame = pd.DataFrame(figures, columns=figure_columns)
    for column in ("period_start", "period_end"):
        figure_frame[column] = pd.to_datetime(figure_frame[column])
    verdict_frame = pd.DataFrame(verdicts, columns=["claim_id", "verdict", "rule", "threshold"])
    verdict_frame["threshold"] = verdict_frame["threshold"].astype("float64")
    return verdict_frame, figure_frame


def run(ctx) -> dict[str, pd.DataFrame]:
    verdicts, figures = build(ctx.table("pub_series"), ctx.table("pub_events"), ctx.table("clean_curated__claims"),
                              load_rules())
    return {"pub_claim_verdicts": verdicts, "pub_claim_figures": figures}
