"""Check the seed article's claims against the published data, by the rules in
etl/metadata/claims.yml: which figures and events bear on each part of each claim, how strong
that evidence is, and a verdict on a fixed scale.

Figures are selected from pub_series at build time, never typed in, so a data refresh
recomputes every verdict. Where sources disagree, every value is carried through (a derived
value is computed once per combination and names its inputs), and a part counts as supported
only if it holds for all of them.

The evidence rules (documented for readers in claims.yml and on the claims page):
- strength of each figure or event: official statistics (UNHCR, Eurostat, Office for
  Foreigners), an official figure reported by the press (a curated figure verified on a stored
  copy of the cited page), an event checked against its source (verified or corroborated), or
  unchecked. A part or claim is as strong as its weakest evidence.
- unchecked evidence never makes "supported": a part that would be supported but rests on an
  unchecked figure or event is capped at "partly supported", and the reason says so.
- a claim is supported only if every part is.
- the verdict is the one at the article's time: evidence dated after the article (its
  publication date in facts.csv; a year only, so the end of that year) is left out of it. The
  same rules run again on all the evidence, and where evidence dated after the article exists,
  that later verdict is published beside.
"""
from __future__ import annotations

from itertools import product
from typing import Any

import pandas as pd

from etl.metadata import load_indicators
from etl.paths import METADATA_DIR
from etl.yaml_io import read_yaml

INPUTS = {"tables": ["pub_series", "pub_events", "pub_facts", "clean_curated__claims"]}
OUTPUTS = ["pub_claim_verdicts", "pub_claim_parts", "pub_claim_figures"]
RULES_FILE = METADATA_DIR / "claims.yml"
VERDICTS = ("supported", "partly_supported", "not_supported", "not_checkable")
ARTICLE_FACT = "SURV_ECFR_FLED"  # the curated row that cites the seed article (its publication date)
VIEWS = ("article", "latest")    # evidence dated up to the article; all evidence
# Strongest first; "none" where a part rests on no evidence at all.
STRENGTHS = ("official_statistics", "official_reported", "checked_event", "unchecked", "none")
OFFICIAL_SOURCES = {"unhcr", "eurostat", "udsc"}
CHECKED_EVENTS = {"verified", "corroborated"}
CHECKED_FIGURES = {"verified"}
# Why a part got its verdict.
REASONS = (
    "narrow_met",          # the count of exactly what the part says reaches the claim's figure
    "narrow_split",        # disagreeing counts of what it says: some reach it, some do not
    "broad_only",          # only a broader count (or another definition) reaches it
    "below",               # no count reaches it
    "figures_unchecked",   # would be supported, but a figure it rests on is unchecked (capped)
    "events_checked",      # every event it rests on is recorded and checked against its source
    "events_unchecked",    # every event is recorded, but some are unchecked (capped)
    "events_missing",      # some or all of the events are not in the events data
    "no_data",             # none of the data measure it
    "different_measure",   # the data hold only a count of something else (shown beside)
    "figure_missing",      # a figure it needs is no longer in the data
    "only_later",          # all its evidence is dated after the article
)
FIGURE_COLUMNS = ["claim_id", "as_of", "figure", "value_id", "role", "value", "inputs", "unit", "kind", "indicator",
                  "source_id", "fact_id", "origin", "destination", "category", "period_start", "period_end",
                  "verification", "evidence_strength"]
PART_COLUMNS = ["claim_id", "as_of", "part", "verdict", "reason", "evidence_strength", "rule", "threshold"]
VERDICT_COLUMNS = ["claim_id", "verdict", "reason", "evidence_strength", "article_date", "verdict_later",
                   "reason_later", "evidence_strength_later"]


class ClaimRuleError(ValueError):
    pass


class MissingFigure(ClaimRuleError):
    """The data hold no row for a figure a rule needs (in this view, or at all)."""


def load_rules() -> dict:
    return read_yaml(RULES_FILE)


# ------------------------------------------------------------------ evidence status
def article_date(facts: pd.DataFrame) -> pd.Timestamp:
    """The last day the article's publication date can be: '2023' -> 31 Dec 2023, '2023-10' ->
    31 Oct 2023, '2023-10-17' -> that day. Only what is dated up to it counts at the article's time."""
    rows = facts.loc[facts["fact_id"] == ARTICLE_FACT, "published"]
    if rows.empty or pd.isna(rows.iloc[0]):
        raise ClaimRuleError(f"facts.csv row {ARTICLE_FACT} gives no publication date for the article")
    published = str(rows.iloc[0]).strip()
    parts = published.split("-")
    if len(parts) == 1:
        return pd.Timestamp(year=int(parts[0]), month=12, day=31)
    if len(parts) == 2:
        return pd.Timestamp(year=int(parts[0]), month=int(parts[1]), day=1) + pd.offsets.MonthEnd(0)
    return pd.Timestamp(published)


def figure_strength(source_id, verification) -> str:
    if source_id in OFFICIAL_SOURCES:
        return "official_statistics"
    return "official_reported" if verification in CHECKED_FIGURES else "unchecked"


def event_strength(verification) -> str:
    return "checked_event" if verification in CHECKED_EVENTS else "unchecked"


def weakest(strengths) -> str:
    known = [s for s in strengths if s != "none"]
    return max(known, key=STRENGTHS.index) if known else "none"


def combine_verdicts(verdicts: list[str]) -> str:
    """A claim from its parts: supported only if every part is."""
    if all(v == "supported" for v in verdicts):
        return "supported"
    if all(v == "not_checkable" for v in verdicts):
        return "not_checkable"
    if not any(v in ("supported", "partly_supported") for v in verdicts):
        return "not_supported"
    return "partly_supported"


# ------------------------------------------------------------------ figures
FIGURE_KEY = ["indicator", "origin", "destination", "category"]


class SeriesRows:
    """pub_series as plain rows, grouped by what a figure names (indicator, origin, destination,
    category). Why: the checks pick a few rows ~100 times per build; as pandas filters on a 31,000-row
    frame of text columns that was ~1.2 s per build, almost all of it pandas' per-call cost."""

    def __init__(self, series: pd.DataFrame):
        self._series = series
        self._positions = series.groupby(FIGURE_KEY, sort=False, dropna=False).indices
        self._rows: dict[tuple, list[tuple[int, Any]]] = {}  # rows are itertuples' namedtuples

    def rows(self, key: tuple) -> list[tuple[int, Any]]:
        """(position in pub_series, row) for one key, in the table's order."""
        if key not in self._rows:
            positions = self._positions.get(key, ())
            picked = self._series.iloc[positions].itertuples(index=False) if len(positions) else ()
            self._rows[key] = list(zip((int(p) for p in positions), picked))
        return self._rows[key]


def _na_first(value) -> tuple:
    return (0, "") if pd.isna(value) else (1, value)


def select(series: SeriesRows, spec: dict, claim: str, name: str, cutoff: pd.Timestamp | None) -> list[Any]:
    """The rows one figure rests on (dated up to the cutoff, if any), in a fixed order."""
    indicators = spec["indicator"] if isinstance(spec["indicator"], list) else [spec["indicator"]]
    keyed = [row for indicator in indicators
             for row in series.rows((indicator, spec.get("origin", "BLR"), spec["destination"],
                                     spec.get("category", "total")))]
    rows: list[Any] = [row for _, row in sorted(keyed, key=lambda item: item[0])]
    if cutoff is not None:
        rows = [row for row in rows if row.period_end <= cutoff]
    if not rows:
        raise MissingFigure(f"{claim}.{name}: no rows for {spec}")
    dated = [row.period_end for row in rows if pd.notna(row.period_end)]
    pick = spec["pick"]
    if pick == "latest":
        when = max(dated, default=pd.NaT)
    elif pick == "earliest":
        when = min(dated, default=pd.NaT)
    elif pick == "at":
        when = pd.Timestamp(spec["at"])
    elif pick == "year":
        when = max((day for day in dated if day.year == int(spec["year"])), default=pd.NaT)
    elif pick == "max":
        valued = [row for row in rows if pd.notna(row.value)]
        if not valued:
            raise MissingFigure(f"{claim}.{name}: no value for {spec}")
        when = max(valued, key=lambda row: row.value).period_end  # the first of equal maxima, as idxmax
    else:
        raise ClaimRuleError(f"{claim}.{name}: unknown pick {pick!r}")
    chosen = [row for row in rows if pd.notna(when) and row.period_end == when]
    if not chosen:
        raise MissingFigure(f"{claim}.{name}: no row at {when} for {spec}")
    return sorted(chosen, key=lambda row: (_na_first(row.fact_id), _na_first(row.indicator), _na_first(row.value)))


def apply_op(op: str, values: tuple[float, ...], claim: str, name: str) -> float:
    if op == "sum":
        return sum(values)
    if op == "difference":
        return values[0] - sum(values[1:])
    if op == "ratio":
        return values[0] / values[1]
    if op == "min":
        return min(values)
    if op == "max":
        return max(values)
    raise ClaimRuleError(f"{claim}.{name}: unknown op {op!r}")


def parse_inputs(inputs: str) -> list[tuple[str, str]]:
    """'latest=latest;baseline=baseline[PL_STOCK_BY_20200101a]' -> [(figure, value_id), ...]."""
    if not inputs:
        return []
    return [(name, value_id) for name, _, value_id in (pair.partition("=") for pair in inputs.split(";"))]


def _value_ids(name: str, rows: list[Any]) -> list[str]:
    if len(rows) == 1:
        return [name]
    keys = [row.fact_id if isinstance(row.fact_id, str) else row.indicator for row in rows]
    if len(set(keys)) < len(keys):
        keys = [str(n) for n in range(1, len(rows) + 1)]
    return [f"{name}[{key}]" for key in keys]


def _names(value) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


class View:
    """One claim's figures and derived values on one cut of the data (article or latest)."""

    def __init__(self, claim: str, doc: dict, series: SeriesRows, as_of: str, cutoff: pd.Timestamp | None = None):
        self.claim, self.as_of = claim, as_of
        self.rows: list[dict] = []
        self.values: dict[str, list[dict]] = {}   # name -> its rows (one per value)
        self.measures: dict[str, set] = {}        # name -> {(unit, kind)}, to refuse adding unlike things
        self.absent: set[str] = set()             # names with no row in this view
        self.inputs_of: dict[str, list[str]] = {}
        for name, spec in (doc.get("figures") or {}).items():
            try:
                chosen = select(series, spec, claim, name, cutoff)
            except MissingFigure:
                self.absent.add(name)
                continue
            self.measures[name] = {(row.unit, row.kind) for row in chosen}
            self.values[name] = []
            for value_id, row in zip(_value_ids(name, chosen), chosen):
                record = {"claim_id": claim, "as_of": as_of, "figure": name, "value_id": value_id, "role": "figure",
                          "value": float(row.value), "inputs": None, "unit": row.unit, "kind": row.kind,
                          "indicator": row.indicator, "source_id": row.source_id, "fact_id": row.fact_id,
                          "origin": row.origin, "destination": row.destination, "category": row.category,
                          "period_start": row.period_start, "period_end": row.period_end,
                          "verification": row.verification,
                          "evidence_strength": figure_strength(row.source_id, row.verification)}
                self.values[name].append(record)
                self.rows.append(record)
        for name, spec in (doc.get("derived") or {}).items():
            self.inputs_of[name] = list(spec["of"])
            if any(side in self.absent or side not in self.values for side in spec["of"]):
                self.absent.add(name)
                continue
            sides = set().union(*(self.measures[side] for side in spec["of"]))
            if spec["op"] in ("sum", "difference") and len(sides) > 1:
                raise ClaimRuleError(f"{claim}.{name}: refusing to {spec['op']} {sorted(sides)}")
            self.measures[name] = sides if spec["op"] != "ratio" else set()
            units = {unit for unit, _ in sides}
            unit = next(iter(units)) if spec["op"] != "ratio" and len(units) == 1 else None
            combos = list(product(*(self.values[side] for side in spec["of"])))
            ids = [name] if len(combos) == 1 else [f"{name}[{n}]" for n in range(1, len(combos) + 1)]
            self.values[name] = []
            for value_id, combo in zip(ids, combos):
                record = {"claim_id": claim, "as_of": as_of, "figure": name, "value_id": value_id,
                          "role": f"derived:{spec['op']}",
                          "value": apply_op(spec["op"], tuple(r["value"] for r in combo), claim, name),
                          "inputs": ";".join(f"{side}={r['value_id']}" for side, r in zip(spec["of"], combo)),
                          "unit": unit,
                          "evidence_strength": weakest(r["evidence_strength"] for r in combo)}
                self.values[name].append(record)
                self.rows.append(record)

    def figure_rows(self, name: str) -> list[dict]:
        """The selected rows a figure or derived value rests on."""
        if name in self.inputs_of:
            return [r for side in self.inputs_of[name] for r in self.figure_rows(side)]
        return self.values.get(name, [])

    def available(self, names: list[str]) -> list[str]:
        return [n for n in names if n in self.values]


# ------------------------------------------------------------------ parts
def check_counts(claim: str, part: str, counts: dict | None, view: View, narrow: list[str],
                 known_indicators: set[str]) -> None:
    """The figures a narrow comparison rests on must count exactly what the part speaks of."""
    if counts is None:
        raise ClaimRuleError(f"{claim}.{part}: an at_least part must say what it counts (counts: who, indicators)")
    unknown = set(counts["indicators"]) - known_indicators
    if unknown:
        raise ClaimRuleError(f"{claim}.{part}: counts names indicators without metadata: {sorted(unknown)}")
    for name in narrow:
        for row in view.figure_rows(name):
            if row["indicator"] not in counts["indicators"] or row["origin"] != counts["who"]:
                raise ClaimRuleError(
                    f"{claim}.{part}: narrow figure {name} counts {row['indicator']} of {row['origin']}, "
                    f"not what the part says ({counts['who']}: {counts['indicators']})")


def at_least(claim: str, part: str, spec: dict, rule: dict, view: View, vanished: set[str],
             known_indicators: set[str]) -> tuple[str, str, str]:
    narrow_names, broad_names = _names(rule["narrow"]), _names(rule["broad"])
    needed = set(narrow_names + broad_names)
    if needed & vanished:
        return "not_checkable", "figure_missing", "none"
    narrow, broad = view.available(narrow_names), view.available(broad_names)
    if not narrow and not broad:
        return "not_checkable", "only_later", "none"
    check_counts(claim, part, spec.get("counts"), view, narrow, known_indicators)
    threshold = float(rule["threshold"])
    narrow_rows = [r for n in narrow for r in view.values[n]]
    broad_rows = [r for n in broad for r in view.values[n]]
    strength = weakest(r["evidence_strength"] for n in narrow + broad for r in view.figure_rows(n))
    if narrow_rows and all(r["value"] >= threshold for r in narrow_rows):
        if any(r["evidence_strength"] == "unchecked" for n in narrow for r in view.figure_rows(n)):
            return "partly_supported", "figures_unchecked", strength
        return "supported", "narrow_met", strength
    if any(r["value"] >= threshold for r in narrow_rows):
        return "partly_supported", "narrow_split", strength
    if any(r["value"] >= threshold for r in broad_rows):
        return "partly_supported", "broad_only", strength
    if not narrow:
        return "not_checkable", "only_later", strength
    return "not_supported", "below", strength


def events_exist(claim: str, rule: dict, events: pd.DataFrame, cutoff: pd.Timestamp | None,
                 as_of: str) -> tuple[str, str, str, list[dict]]:
    by_key = {(c, d): v for c, d, v in zip(events["country"], events["date"], events["verification"])}
    rows, required = [], []
    for country, day in rule["events"]:
        when = pd.Timestamp(day)
        if cutoff is not None and when > cutoff:
            continue
        present = (country, when) in by_key
        verification = by_key.get((country, when))
        required.append((present, verification))
        rows.append({"claim_id": claim, "as_of": as_of, "figure": f"event_{country}_{day}",
                     "value_id": f"event_{country}_{day}", "role": "event", "value": 1.0 if present else 0.0,
                     "destination": country, "period_start": when, "period_end": when,
                     "verification": verification,
                     "evidence_strength": event_strength(verification) if present else "none"})
    if not required:
        return "not_checkable", "only_later", "none", rows
    found = [v for present, v in required if present]
    strength = weakest(event_strength(v) for v in found)
    if not found:
        return "not_checkable", "events_missing", "none", rows
    if len(found) < len(required):
        return "partly_supported", "events_missing", strength, rows
    if all(v in CHECKED_EVENTS for v in found):
        return "supported", "events_checked", strength, rows
    return "partly_supported", "events_unchecked", strength, rows


def check_view(claim: str, doc: dict, series: SeriesRows, events: pd.DataFrame, cutoff: pd.Timestamp | None,
               as_of: str, vanished: set[str], known_indicators: set[str]) -> tuple[list[dict], list[dict]]:
    view = View(claim, doc, series, as_of, cutoff)
    parts, rows = [], list(view.rows)
    for name in sorted(vanished) if as_of == "latest" else []:
        rows.append({"claim_id": claim, "as_of": as_of, "figure": name, "value_id": name, "role": "missing",
                     "value": float("nan"), "evidence_strength": "none"})
    for part, spec in doc["parts"].items():
        rule = spec["rule"]
        kind = rule["type"]
        if kind == "at_least":
            verdict, reason, strength = at_least(claim, part, spec, rule, view, vanished, known_indicators)
        elif kind == "events_exist":
            verdict, reason, strength, event_rows = events_exist(claim, rule, events, cutoff, as_of)
            rows += event_rows
        elif kind == "not_checkable":
            verdict, strength = "not_checkable", "none"
            reason = "different_measure" if rule.get("nearest") else "no_data"
            missing = set(rule.get("nearest") or []) - set(doc.get("figures") or {})
            if missing:
                raise ClaimRuleError(f"{claim}.{part}: nearest names unknown figures {sorted(missing)}")
        else:
            raise ClaimRuleError(f"{claim}.{part}: unknown rule type {kind!r}")
        parts.append({"claim_id": claim, "as_of": as_of, "part": part, "verdict": verdict, "reason": reason,
                      "evidence_strength": strength, "rule": kind, "threshold": rule.get("threshold")})
    return parts, rows


def _summary(parts: list[dict]) -> tuple[str, str, str]:
    verdict = combine_verdicts([p["verdict"] for p in parts])
    if len(parts) == 1:
        reason = parts[0]["reason"]
    else:
        reason = "; ".join(f"{p['part']}: {p['reason']}" for p in parts)
    return verdict, reason, weakest(p["evidence_strength"] for p in parts)


def has_later_evidence(rows: list[dict], cutoff: pd.Timestamp) -> bool:
    return any(r["role"] in ("figure", "event") and pd.notna(r.get("period_end")) and r["period_end"] > cutoff
               for r in rows if r["as_of"] == "latest")


def check_claim(claim: str, doc: dict, series: SeriesRows, events: pd.DataFrame, cutoff: pd.Timestamp,
                known_indicators: set[str]) -> tuple[dict, list[dict], list[dict]]:
    if not doc.get("parts"):
        raise ClaimRuleError(f"{claim}: a rule needs at least one part")
    vanished = View(claim, doc, series, "latest").absent  # not in the data at all, at any date
    parts, rows = [], []
    for as_of in VIEWS:
        view_parts, view_rows = check_view(claim, doc, series, events, cutoff if as_of == "article" else None,
                                           as_of, vanished, known_indicators)
        parts += view_parts
        rows += view_rows
    verdict, reason, strength = _summary([p for p in parts if p["as_of"] == "article"])
    summary = {"claim_id": claim, "verdict": verdict, "reason": reason, "evidence_strength": strength,
               "article_date": cutoff, "verdict_later": None, "reason_later": None, "evidence_strength_later": None}
    if has_later_evidence(rows, cutoff):
        later = _summary([p for p in parts if p["as_of"] == "latest"])
        summary.update(verdict_later=later[0], reason_later=later[1], evidence_strength_later=later[2])
    return summary, parts, rows


def build(series: pd.DataFrame, events: pd.DataFrame, claims: pd.DataFrame, rules: dict,
          facts: pd.DataFrame, known_indicators: set[str] | None = None
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    missing = sorted(set(claims["claim_id"]) - set(rules))
    if missing:
        raise ClaimRuleError(f"claims without a rule in {RULES_FILE.name}: {missing}")
    known = set(load_indicators()) if known_indicators is None else known_indicators
    cutoff = article_date(facts)
    verdicts, parts, figures = [], [], []
    rows_by_figure = SeriesRows(series)
    for claim in claims["claim_id"]:
        summary, claim_parts, rows = check_claim(claim, rules[claim], rows_by_figure, events, cutoff, known)
        verdicts.append(summary)
        parts += claim_parts
        figures += rows
    figure_frame = pd.DataFrame(figures, columns=FIGURE_COLUMNS)
    for column in ("period_start", "period_end"):
        figure_frame[column] = pd.to_datetime(figure_frame[column])
    figure_frame["value"] = figure_frame["value"].astype("float64")
    part_frame = pd.DataFrame(parts, columns=PART_COLUMNS)
    part_frame["threshold"] = part_frame["threshold"].astype("float64")
    verdict_frame = pd.DataFrame(verdicts, columns=VERDICT_COLUMNS)
    verdict_frame["article_date"] = pd.to_datetime(verdict_frame["article_date"])
    return verdict_frame, part_frame, figure_frame


def run(ctx) -> dict[str, pd.DataFrame]:
    verdicts, parts, figures = build(ctx.table("pub_series"), ctx.table("pub_events"),
                                     ctx.table("clean_curated__claims"), load_rules(), ctx.table("pub_facts"))
    return {"pub_claim_verdicts": verdicts, "pub_claim_parts": parts, "pub_claim_figures": figures}
