"""Release diff: what a new build changes in the published numbers, and a gate that keeps a
suspicious update from replacing the published release.

The candidate's pub_series is compared with that of the release data/manifest.json names, series
by series (a series: indicator × origin × destination × category × unit, or one curated figure).
A global share would hide a collapse: 233 rows are under 1 % of the table, yet they can be every
UNHCR figure for Poland. So each of these findings blocks publishing on its own:
  - revision:    a value both releases hold changes by more than REVISION_SHARE of its published
                 figure (and by at least the unit's floor),
  - break:       from one period to the next the series jumps or falls by more than BREAK_FACTOR
                 where the published series did not,
  - implausible: a new or changed value below 0 or above the plausible ceiling of its unit
                 (a percentage above 100, more people of one origin than that country has),
  - latest_fell: the latest figure, the one a headline quotes, falls by more than half,
  - lost_latest_period: a series loses its latest period,
  - vanished_country: a country (origin or destination) vanishes from an indicator,
  - many_halved: more than 1 % of all values change by more than half.
Findings are grouped under a key INDICATOR/COUNTRY (the destination, or the vanished country);
the maintainer accepts them by key (`--accept-changes unhcr_under_mandate_stock/POL`), by
indicator (`INDICATOR` or `INDICATOR/*`), by country (`*/POL`), or all at once (`all`, or the
bare flag). New rows are coverage (a new year, a new country) and pass unless they break a
series, look implausible or drop the latest figure. The report goes next to the manifest:
release_diff.md for people, release_diff.json for the app's Sources page, each finding with its
indicator, country, period and the values before and after.
"""
from __future__ import annotations

import json
import re
from typing import Any
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

import numpy as np
import pandas as pd

from etl.atomic import write_bytes_atomic, write_json_atomic
from etl.paths import DataPaths
from etl.errors import BuildError

DIFF_VERSION = 2
REPORT_MD = "release_diff.md"
REPORT_JSON = "release_diff.json"
SERIES_ID = ["indicator", "source_id", "origin", "destination", "category", "unit", "fact_id"]
ROW_KEY = [*SERIES_ID, "period_start", "period_end"]
TOP = 20                    # rows of each list kept in the report
MAX_FINDINGS_MD = 300       # findings listed in release_diff.md (all of them are in the JSON)

# ---- Thresholds. Each is the point where a change stops looking like routine statistics and
# starts looking like an error upstream or in the ETL; a real change of that size is accepted by
# name after a look, which is the point of the gate.
# Eurostat and UNHCR revise past years every release, mostly by a few percent (late registrations,
# corrected returns). A fifth of the published figure is a changed definition or a broken answer.
REVISION_SHARE = 0.20
# Stocks and yearly flows move gradually: tripling or falling to a third from one period to the
# next is how a unit slip (thousands read as persons), a truncated answer or a changed coverage
# shows. The real jumps of 2020-2022 are in the published series already and do not re-trigger.
BREAK_FACTOR = 3.0
# The latest figure is what a headline quotes; losing more than half of it overnight is news
# only if it is true.
LATEST_DROP = 0.5
# Below this many people (permits, decisions, …) a change is within the noise of small counts
# (UNHCR rounds and suppresses small numbers) and makes no headline; it never blocks alone.
MIN_COUNT_CHANGE = 100
# Ratio units: (ceiling, smallest change in the unit that may block). Rates on a handful of
# decisions swing widely, so only a move of 20 percentage points (0.2 of a share) counts.
RATIO_UNITS = {"percent": (100.0, 20.0), "share": (1.0, 0.2)}
# Plausible ceiling of a count (people, permits, visas, decisions, applications, cases) in one
# country: no count of citizens of a country abroad can exceed that country's population. There
# is no population table in the ETL yet, so the populations of the origins the series cover are
# written here, rounded up. Even a cumulative count of documents stays far below them.
ORIGIN_POPULATION = {
    "BLR": 9_200_000,      # Belarus, ~9.2 million (Belstat, 2024); 10.2 million at its 1993 peak
    "RUS": 146_000_000,    # Russia, ~146 million (Rosstat, 2024, including annexed Crimea)
    "UKR": 44_000_000,     # Ukraine, ~43.5 million before 2022 (including Crimea and Donbas)
}
# Any other origin (ALL: every nationality) is bounded by the most populous country the series
# cover as a destination or origin, Russia: no count in one country can exceed its population.
COUNT_CEILING_OTHER = 150_000_000
# The old global test, kept as a net for a broad upheaval of small values under the floors.
BIG_CHANGE = 0.5            # a value "changes by more than half" of its published figure
MAX_BIG_CHANGE_SHARE = 0.01

CHECK_TITLES = {
    "revision": f"revised by more than {REVISION_SHARE:.0%}",
    "break": f"break in the series (more than ×{BREAK_FACTOR:g} from one period to the next)",
    "implausible": "value outside the plausible range",
    "latest_fell": f"latest figure fell by more than {1 - LATEST_DROP:.0%}",
    "lost_latest_period": "lost its latest period",
    "vanished_country": "country vanished",
    "many_halved": f"more than {MAX_BIG_CHANGE_SHARE:.0%} of all values changed by more than half",
}
ACCEPT_NAME = re.compile(r"^(\*|[a-z0-9_]+)(/(\*|[A-Za-z0-9_+]+))?$")


class ReleaseBlocked(BuildError):
    """The diff gate refused the candidate release; the published one stays."""

    exit_code = 4


# ------------------------------------------------------------------ acceptance by name
@dataclass(frozen=True)
class Acceptance:
    """What the maintainer accepted: everything, or findings by INDICATOR/COUNTRY key."""

    everything: bool = False
    names: frozenset = frozenset()

    @classmethod
    def of(cls, value) -> Acceptance:
        """From True/False (the old flag), a name, or names (each may hold several, comma-separated)."""
        if isinstance(value, Acceptance):
            return value
        if value is True:
            return cls(everything=True)
        if not value:
            return cls()
        names, everything = set(), False
        for item in [value] if isinstance(value, str) else value:
            for name in str(item).split(","):
                name = name.strip()
                if not name:
                    continue
                if name.lower() in ("all", "*", "*/*"):
                    everything = True
                    continue
                if not ACCEPT_NAME.match(name):
                    raise ValueError(f"--accept-changes takes INDICATOR/COUNTRY (e.g. unhcr_under_mandate_stock/POL), "
                                     f"INDICATOR, */COUNTRY or all; got {name!r}")
                indicator, _, country = name.partition("/")
                names.add(f"{indicator}/{country.upper()}" if country else indicator)
        return cls(everything, frozenset(names))

    def accepts(self, key: str) -> bool:
        if self.everything:
            return True
        indicator, _, country = key.partition("/")
        return bool({key, indicator, f"{indicator}/*", f"*/{country}"} & self.names)

    def covers(self, finding: dict) -> bool:
        # A finding over many series (many_halved) is accepted when each of them is.
        keys = finding.get("keys") or [finding["key"]]
        return self.everything or all(self.accepts(key) for key in keys)

    def describe(self) -> list[str]:
        return ["all"] if self.everything else sorted(self.names)


# ------------------------------------------------------------------ reading and helpers
def read_series(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path, columns=[*ROW_KEY, "value"])
    frame["fact_id"] = frame["fact_id"].fillna("")  # curated rows only; a key must not be null
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return frame


def relative_change(before: pd.Series, after: pd.Series) -> pd.Series:
    """|a−b| / (|a|+|b|): 0 for no change, 1 when one side is 0; symmetric and bounded."""
    scale = before.abs() + after.abs()
    return ((before - after).abs() / scale.where(scale > 0)).fillna(0.0)


def floor(units: pd.Series) -> pd.Series:
    """The smallest change, in the unit itself, that may block."""
    return units.map({unit: minimum for unit, (_, minimum) in RATIO_UNITS.items()}).fillna(MIN_COUNT_CHANGE)


def origin_ceiling(origin: str) -> float:
    parts = origin.split("+")  # BLR+RUS: a combined figure of both
    if all(part in ORIGIN_POPULATION for part in parts):
        return float(sum(ORIGIN_POPULATION[part] for part in parts))
    return float(COUNT_CEILING_OTHER)


def ceiling(frame: pd.DataFrame) -> pd.Series:
    by_origin = {origin: origin_ceiling(origin) for origin in frame["origin"].unique()}
    ratio = frame["unit"].map({unit: top for unit, (top, _) in RATIO_UNITS.items()})
    return ratio.fillna(frame["origin"].map(by_origin)).astype(float)


def number(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def where(row) -> str:
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    parts = [f"{get('origin')}→{get('destination')}", get("category")]
    if get("fact_id"):
        parts.append(get("fact_id"))
    return " ".join(str(p) for p in parts)


def key_of(indicator: str, country: str) -> str:
    return f"{indicator}/{country}"


def records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records"))


# ------------------------------------------------------------------ per-series checks
FINDING_COLUMNS = [*SERIES_ID, "previous_period_end", "period_end", "before", "after", "values"]


def keyed(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both releases with integer codes they share: _sid (series), _pe and _ps (period end and
    start, in date order) and _rid (row). Every join and sort below runs on these: the string
    columns are factorised once, which keeps the whole comparison near a tenth of a second."""
    rows = pd.concat([old[ROW_KEY], new[ROW_KEY]], ignore_index=True)
    sid = rows.groupby(SERIES_ID, sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)
    pe, ends = pd.factorize(rows["period_end"], sort=True)
    ps, starts = pd.factorize(rows["period_start"], sort=True)
    rid = (sid * (len(ends) + 1) + pe) * (len(starts) + 1) + ps
    split = len(old)
    codes = [{"_sid": sid[a:b], "_pe": pe[a:b], "_ps": ps[a:b], "_rid": rid[a:b]}
             for a, b in ((0, split), (split, len(rows)))]
    return old.assign(**codes[0]), new.assign(**codes[1])


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by series, then period end, then period start."""
    return frame.iloc[np.lexsort((frame["_ps"].to_numpy(), frame["_pe"].to_numpy(), frame["_sid"].to_numpy()))]


def code(*columns: pd.Series) -> np.ndarray:
    """One int64 per row for a tuple of small non-negative codes (each below 2**20)."""
    result = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        result = (result << 20) + column.to_numpy(dtype=np.int64)
    return result


def worst_per_series(flagged: pd.DataFrame, score: pd.Series) -> pd.DataFrame:
    """One row per series: its most extreme flagged row, with the number of flagged rows."""
    counts = flagged["_sid"].value_counts()
    ranked = flagged.assign(_score=score.loc[flagged.index]).sort_values(["_score", "_sid"], ascending=[False, True],
                                                                       kind="stable")
    worst = ranked.drop_duplicates("_sid").drop(columns="_score")
    return worst.assign(values=worst["_sid"].map(counts).fillna(1).astype(int))


def as_findings(check: str, frame: pd.DataFrame, message, **extra) -> list[dict]:
    found = []
    for row in frame.to_dict("records"):
        finding = {"check": check, "key": key_of(row["indicator"], row["destination"]),
                   **{column: row.get(column) for column in FINDING_COLUMNS}, **extra}
        for column in ("before", "after"):
            value = finding[column]
            finding[column] = None if value is None or pd.isna(value) else float(value)
        finding["values"] = int(finding["values"] or 1)
        finding["change"] = (round(finding["after"] / finding["before"] - 1, 4)
                             if finding["before"] and finding["after"] is not None else None)
        finding["message"] = message(finding)
        found.append(finding)
    return found


def revisions(both: pd.DataFrame) -> list[dict]:
    delta = (both["value_after"] - both["value_before"]).abs()
    flagged = both[(delta > REVISION_SHARE * both["value_before"].abs()) & (delta >= floor(both["unit"]))]
    score = delta / both["value_before"].abs().where(both["value_before"] != 0, np.nan)
    worst = worst_per_series(flagged, score.fillna(np.inf))
    worst = worst.rename(columns={"value_before": "before", "value_after": "after"}).assign(previous_period_end=None)

    def message(f):
        more = f", {f['values'] - 1} more value(s) of the series too" if f["values"] > 1 else ""
        return (f"{f['key']}: {where(f)} {f['period_end']} revised {number(f['before'])} → {number(f['after'])} "
                f"{f['unit']} (more than {REVISION_SHARE:.0%}{more})")
    return as_findings("revision", worst, message)


def steps(frame: pd.DataFrame) -> pd.DataFrame:
    """Consecutive periods of each series with a break between them (count units only: rates on
    small denominators jump by nature, and their counts are judged themselves)."""
    counts = ordered(frame[~frame["unit"].isin(list(RATIO_UNITS))])
    sid = counts["_sid"].to_numpy()
    same = np.r_[False, sid[1:] == sid[:-1]]  # the row before is of the same series
    before = np.r_[np.nan, counts["value"].to_numpy(dtype=float)[:-1]]
    counts = counts.assign(before=before, previous_period_end=np.r_[[None], counts["period_end"].to_numpy()[:-1]],
                           _prev_pe=np.r_[-1, counts["_pe"].to_numpy()[:-1]])[same].rename(columns={"value": "after"})
    low = np.minimum(counts["before"], counts["after"])
    high = np.maximum(counts["before"], counts["after"])
    counts = counts.assign(_ratio=(high / low.where(low > 0, np.nan)).fillna(np.inf))
    return counts[(high - low >= MIN_COUNT_CHANGE) & (high > BREAK_FACTOR * low)]


def breaks(old: pd.DataFrame, new: pd.DataFrame) -> list[dict]:
    """Breaks the candidate has and the published series did not have between the same periods."""
    candidate = steps(new)
    if candidate.empty:
        return []
    published = steps(old)
    def step(frame: pd.DataFrame) -> np.ndarray:
        return code(frame["_sid"], frame["_prev_pe"], frame["_pe"])

    fresh = candidate[~np.isin(step(candidate), step(published))]
    worst = worst_per_series(fresh, fresh["_ratio"]).drop(columns="_ratio")

    def message(f):
        low, high = sorted((f["before"], f["after"]))
        factor = "∞" if not low else f"{high / low:.1f}"
        return (f"{f['key']}: {where(f)} breaks from {number(f['before'])} ({f['previous_period_end']}) to "
                f"{number(f['after'])} ({f['period_end']}) {f['unit']}, ×{factor} in one step")
    return as_findings("break", worst, message)


def implausible(rows: pd.DataFrame) -> list[dict]:
    top = ceiling(rows)
    flagged = rows[(rows["value_after"] < 0) | (rows["value_after"] > top)]
    if flagged.empty:
        return []
    excess = (flagged["value_after"] / top.loc[flagged.index]).abs()
    worst = worst_per_series(flagged, excess)
    worst = worst.rename(columns={"value_before": "before", "value_after": "after"}).assign(previous_period_end=None)
    found = as_findings("implausible", worst, lambda f: "")
    for finding, limit in zip(found, ceiling(worst)):
        finding["ceiling"] = float(limit)
        finding["message"] = (f"{finding['key']}: {where(finding)} {finding['period_end']} is "
                              f"{number(finding['after'])} {finding['unit']}, outside the plausible range 0 to "
                              f"{number(limit)}"
                              + (f" (was {number(finding['before'])})" if finding["before"] is not None else ""))
    return found


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    rows = ordered(frame)
    sid = rows["_sid"].to_numpy()
    return rows[np.r_[sid[1:] != sid[:-1], True]]  # the last row of each series


def latest_falls(old_latest: pd.DataFrame, new_latest: pd.DataFrame) -> list[dict]:
    pair = old_latest.merge(new_latest[["_sid", "_pe", "period_end", "value"]], on="_sid",
                            suffixes=("_before", "_after"))
    pair = pair[pair["_pe_after"] >= pair["_pe_before"]]  # a lost latest period is its own finding
    drop = pair["value_before"] - pair["value_after"]
    flagged = pair[(pair["value_after"] < LATEST_DROP * pair["value_before"]) & (drop >= floor(pair["unit"]))]
    flagged = flagged.rename(columns={"value_before": "before", "value_after": "after",
                                      "period_end_before": "previous_period_end", "period_end_after": "period_end"})
    flagged = flagged.assign(values=1)

    def message(f):
        return (f"{f['key']}: latest figure of {where(f)} fell from {number(f['before'])} ({f['previous_period_end']}) "
                f"to {number(f['after'])} ({f['period_end']}) {f['unit']}, by more than {1 - LATEST_DROP:.0%}")
    return as_findings("latest_fell", flagged, message)


def lost_latest(lost: pd.DataFrame) -> list[dict]:
    rows = lost.rename(columns={"value": "before"}).assign(after=None, previous_period_end=None, values=1)
    return as_findings("lost_latest_period", rows,
                       lambda f: f"{f['key']}: {where(f)} lost its latest period {f['period_end']} "
                                 f"(was {number(f['before'])} {f['unit']})")


def place_counts(frame: pd.DataFrame) -> Counter:
    """(indicator, role, country) → number of values."""
    counts: Counter = Counter()
    for role in ("origin", "destination"):  # grouped, not row by row: pub_series has ~100,000 rows
        sizes = frame.groupby(["indicator", role], dropna=False, observed=True, sort=False).size()
        counts.update({(indicator, role, place): int(n) for (indicator, place), n in sizes.items()})
    return counts


def vanished_countries(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    before, after = place_counts(old), place_counts(new)
    gone = sorted(set(before) - set(after))
    frame = pd.DataFrame(gone, columns=["indicator", "role", "code"]).sort_values(["indicator", "role", "code"])
    found = [{"check": "vanished_country", "key": key_of(indicator, code), "indicator": indicator, "role": role,
              "country": code, "values": before[(indicator, role, code)], "before": None, "after": None,
              "message": f"{key_of(indicator, code)}: {code} ({role} of {indicator}) vanished, "
                         f"{before[(indicator, role, code)]} value(s) before"}
             for indicator, role, code in frame.itertuples(index=False)]
    return frame, found


def pairs(frame: pd.DataFrame, columns: list[str]) -> set[tuple]:
    unique = frame[columns].drop_duplicates()
    return set(zip(*(unique[column] for column in columns)))


def compare_series(old: pd.DataFrame, new: pd.DataFrame) -> dict:
    old, new = keyed(old, new)
    merged = pd.concat([old, new], ignore_index=True).drop_duplicates("_rid").drop(columns="value")
    in_old, in_new = merged["_rid"].isin(old["_rid"]), merged["_rid"].isin(new["_rid"])
    merged["value_before"] = merged["_rid"].map(pd.Series(old["value"].to_numpy(), index=old["_rid"].to_numpy()))
    merged["value_after"] = merged["_rid"].map(pd.Series(new["value"].to_numpy(), index=new["_rid"].to_numpy()))
    both = merged[in_old & in_new].copy()
    both["relative_change"] = relative_change(both["value_before"], both["value_after"])
    changed = both[both["value_before"] != both["value_after"]]
    big = (changed["value_after"] - changed["value_before"]).abs() > BIG_CHANGE * changed["value_before"].abs()
    share = big.sum() / len(both) if len(both) else 0.0
    old_latest, new_latest = latest(old), latest(new)
    held = np.isin(code(old_latest["_sid"], old_latest["_pe"]), code(new["_sid"], new["_pe"]))
    lost = old_latest[~held]
    vanished, vanished_findings = vanished_countries(old, new)
    new_periods: dict[str, list[str]] = {}
    for indicator, period in sorted(pairs(new, ["indicator", "period_end"]) - pairs(old, ["indicator", "period_end"])):
        new_periods.setdefault(indicator, []).append(period)
    largest = changed.sort_values(["relative_change", "indicator"], ascending=[False, True]).head(TOP)
    fresh = merged[(in_new & ~in_old) | merged.index.isin(changed.index)]

    findings = [*revisions(both), *breaks(old, new), *implausible(fresh), *latest_falls(old_latest, new_latest),
                *lost_latest(lost), *vanished_findings]
    findings = [{k: v for k, v in f.items() if not k.startswith("_")} for f in findings]
    if share > MAX_BIG_CHANGE_SHARE:
        halved = changed[big]
        keys = sorted({key_of(i, d) for i, d in zip(halved["indicator"], halved["destination"])})
        findings.append({"check": "many_halved", "key": "*", "keys": keys, "values": int(big.sum()),
                         "before": None, "after": None,
                         "message": f"{big.sum()} of {len(both)} values ({share:.1%}) changed by more than half "
                                    f"(at most {MAX_BIG_CHANGE_SHARE:.0%} may), in {len(keys)} indicator/country "
                                    "series"})
    categories = sorted(pairs(old, ["indicator", "category"]) - pairs(new, ["indicator", "category"]))
    vanished_categories = pd.DataFrame(categories, columns=["indicator", "category"])
    warnings = [f"category {r.category!r} vanished from {r.indicator}"
                for r in vanished_categories.head(TOP).itertuples()]
    still = implausible(both[both["value_before"] == both["value_after"]])
    warnings += [f"already published and unchanged: {f['message']}" for f in still[:TOP]]
    lost_records = lost.sort_values([*SERIES_ID, "period_end"])[[*SERIES_ID, "period_end"]]
    return {
        "summary": {
            "rows_before": len(old), "rows_after": len(new),
            "added": int((in_new & ~in_old).sum()),
            "removed": int((in_old & ~in_new).sum()),
            "changed": len(changed), "changed_by_more_than_half": int(big.sum()),
            "share_changed_by_more_than_half": round(float(share), 4),
            "findings": len(findings), "keys_with_findings": len({f["key"] for f in findings}),
        },
        "findings": findings,
        "blockers": blocker_sentences(findings),
        "warnings": warnings,
        "new_coverage": [{"indicator": indicator, "periods": periods} for indicator, periods in new_periods.items()],
        "lost_latest_periods": records(lost_records.head(TOP)),
        "vanished_countries": records(vanished.head(TOP)),
        "vanished_categories": records(vanished_categories.head(TOP)),
        "largest_changes": records(largest[[*SERIES_ID, "period_end", "value_before", "value_after", "relative_change"]]
                                   .rename(columns={"value_before": "before", "value_after": "after"})
                                   .round({"relative_change": 4})),
    }


def check_first_release(new: pd.DataFrame) -> list[dict]:
    """A first release has nothing to compare with, but its values must still be plausible."""
    rows = new.rename(columns={"value": "value_after"}).assign(value_before=np.nan)
    return [{k: v for k, v in f.items() if not k.startswith("_")} for f in implausible(keyed(rows, rows.iloc[:0])[0])]


def blocker_sentences(findings: list[dict]) -> list[str]:
    """One sentence per check and key: the worst series, and how many more of the key share it."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for finding in findings:
        groups.setdefault((finding["check"], finding["key"]), []).append(finding)
    sentences = []
    for items in groups.values():
        more = f" (and {len(items) - 1} more series)" if len(items) > 1 else ""
        sentences.append(items[0]["message"] + more)
    return sentences


def claim_verdicts(root: Path, old_tables: dict, new_tables: dict) -> list[dict]:
    """Verdicts on the seed article's claims that changed: a headline of the dashboard."""
    name = "pub_claim_verdicts"
    if name not in old_tables or name not in new_tables or not (root / old_tables[name]["path"]).exists():
        return []
    before, after = (pd.read_parquet(root / tables[name]["path"], columns=["claim_id", "verdict"])
                     .set_index("claim_id")["verdict"] for tables in (old_tables, new_tables))
    return [{"claim_id": claim, "before": before.get(claim), "after": after.get(claim)}
            for claim in sorted(set(before.index) | set(after.index)) if before.get(claim) != after.get(claim)]


def updated_stamps(root: Path, old_tables: dict, new_tables: dict) -> list[dict]:
    """Eurostat's `updated` per clean table: going backwards means an older dataset was served."""
    stamps = []
    for name in sorted(set(old_tables) & set(new_tables)):
        if not name.startswith("clean_eurostat__") or not (root / old_tables[name]["path"]).exists():
            continue
        before, after = (pd.to_datetime(pd.read_parquet(root / tables[name]["path"], columns=["updated"])["updated"],
                                         utc=True).max() for tables in (old_tables, new_tables))
        stamps.append({"table": name, "before": before.isoformat(), "after": after.isoformat(),
                       "went_backwards": bool(after < before)})
    return stamps


def compare(paths: DataPaths, current: dict | None, tables: dict, release_id: str) -> dict:
    report: dict[str, Any] = {"diff_version": DIFF_VERSION, "status": None,
              "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "published_release": current["release_id"] if current else None,
              "candidate_release": release_id,
              "thresholds": {"revision_share": REVISION_SHARE, "break_factor": BREAK_FACTOR,
                             "latest_drop": LATEST_DROP, "min_count_change": MIN_COUNT_CHANGE,
                             "ratio_units": {u: {"ceiling": c, "min_change": m} for u, (c, m) in RATIO_UNITS.items()},
                             "origin_population": ORIGIN_POPULATION, "count_ceiling_other": COUNT_CEILING_OTHER,
                             "max_share_changed_by_more_than_half": MAX_BIG_CHANGE_SHARE}}
    old_tables = (current or {}).get("tables", {})
    old_path = paths.root / old_tables["pub_series"]["path"] if "pub_series" in old_tables else None
    new = read_series(paths.root / tables["pub_series"]["path"])
    if old_path is None or not old_path.exists():
        # First build, or the published files are gone: there is nothing to compare with.
        findings = check_first_release(new)
        return {**report, "status": "first_release", "summary": {"rows_before": 0, "rows_after": len(new)},
                "findings": findings, "blockers": blocker_sentences(findings), "warnings": []}
    report.update(compare_series(read_series(old_path), new))
    report["updated"] = updated_stamps(paths.root, old_tables, tables)
    report["warnings"] += [f"{s['table']}: Eurostat `updated` went backwards, {s['before']} → {s['after']}"
                           for s in report["updated"] if s["went_backwards"]]
    report["claim_verdicts"] = claim_verdicts(paths.root, old_tables, tables)
    report["warnings"] += [f"the verdict on claim {v['claim_id']} changed: {v['before']} → {v['after']}"
                           for v in report["claim_verdicts"]]
    report["tables"] = [{"table": name, "rows_before": old_tables[name].get("rows"), "rows_after": entry.get("rows")}
                        for name, entry in sorted(tables.items())
                        if entry["layer"] == "pub" and name != "pub_series" and name in old_tables]
    return report


def decide(report: dict, acceptance: Acceptance) -> dict:
    """Mark each finding accepted or not and set the status; return the report."""
    for finding in report["findings"]:
        finding["accepted"] = acceptance.covers(finding)
    open_keys = sorted({k for f in report["findings"] if not f["accepted"] for k in (f.get("keys") or [f["key"]])})
    report["accepted"] = acceptance.describe()
    report["unaccepted_keys"] = open_keys
    report["accept_to_publish"] = ("--accept-changes " + ",".join(open_keys)) if open_keys else None
    if any(not f["accepted"] for f in report["findings"]):
        report["status"] = "blocked"
    elif report["status"] is None:
        report["status"] = "accepted" if report["findings"] else "published"
    return report


def unused_names(report: dict, acceptance: Acceptance) -> list[str]:
    keys = {k for f in report["findings"] for k in (f.get("keys") or [f["key"]])}
    return [name for name in sorted(acceptance.names)
            if not any(Acceptance(names=frozenset([name])).accepts(key) for key in keys)]


def gate(paths: DataPaths, current: dict | None, tables: dict, release_id: str, accept_changes=False,
         log=print) -> dict:
    """Compare, write the report next to the manifest, and raise ReleaseBlocked on a finding that
    was not accepted. `accept_changes`: True (everything), or names (see Acceptance)."""
    acceptance = Acceptance.of(accept_changes)
    report = decide(compare(paths, current, tables, release_id), acceptance)
    write_json_atomic(paths.root / REPORT_JSON, report)
    write_bytes_atomic(paths.root / REPORT_MD, markdown(report).encode("utf-8"))
    log(f"{headline(report)} (details in {paths.root / REPORT_MD})")
    for name in unused_names(report, acceptance):
        log(f"  note: --accept-changes {name} matches no finding of this build")
    if report["status"] == "blocked":
        open_findings = [f for f in report["findings"] if not f["accepted"]]
        sentences = blocker_sentences(open_findings)
        shown = "; ".join(sentences[:5]) + (f"; and {len(sentences) - 5} more" if len(sentences) > 5 else "")
        keys = report["unaccepted_keys"]
        accept = ",".join(keys[:12]) + (",…" if len(keys) > 12 else "")
        raise ReleaseBlocked(
            f"release blocked by the diff gate: {len(open_findings)} finding(s) under {len(keys)} "
            f"indicator/country key(s): {shown}. The published release {report['published_release']} is "
            f"unchanged. Review {paths.root / REPORT_MD}, then publish what is right by name with "
            f"--accept-changes {accept} (or --accept-changes all).")
    return report


def headline(report: dict) -> str:
    s = report["summary"]
    findings = report.get("findings", [])
    if report["status"] == "first_release" or (report["published_release"] is None and "added" not in s):
        text = f"Release diff: first release, {s['rows_after']:,} series rows, nothing to compare"
    else:
        text = (f"Release diff against {report['published_release']}: {s['added']:,} rows added, {s['removed']:,} "
                f"removed, {s['changed']:,} values changed ({s['changed_by_more_than_half']:,} by more than half)")
    if findings:
        keys = {k for f in findings for k in (f.get("keys") or [f["key"]])}
        text += f", {len(findings)} finding(s) under {len(keys)} key(s)"
    return text + {"blocked": " — BLOCKED", "accepted": " — findings accepted"}.get(report["status"], "")


def findings_table(findings: list[dict]) -> list[str]:
    lines = ["| accepted | key | check | series | period | before | after | change | values |",
             "|---|---|---|---|---|---:|---:|---:|---:|"]
    for f in findings[:MAX_FINDINGS_MD]:
        if f["check"] in ("vanished_country", "many_halved"):
            series, period = f.get("role") or "—", "—"
        else:
            series = f"{where(f)} ({f['unit']})"
            period = (f"{f['previous_period_end']} → " if f.get("previous_period_end") else "") + str(f["period_end"])
        change = f"{f['change']:+.0%}" if f.get("change") is not None else "—"
        lines.append(f"| {'yes' if f.get('accepted') else '**no**'} | `{f['key']}` | {CHECK_TITLES[f['check']]} | "
                     f"{series} | {period} | {number(f.get('before'))} | {number(f.get('after'))} | {change} | "
                     f"{f['values']} |")
    if len(findings) > MAX_FINDINGS_MD:
        lines.append(f"\n… and {len(findings) - MAX_FINDINGS_MD} more in {REPORT_JSON}.")
    return lines


def markdown(report: dict) -> str:
    s = report["summary"]
    lines = ["# Release diff", "",
             f"Status: **{report['status']}**. Candidate `{report['candidate_release']}` against the published "
             f"`{report['published_release']}`, checked {report['checked_at']}.", ""]
    findings = report.get("findings", [])
    if findings:
        lines += ["## Findings per series", "",
                  "Each blocks the release unless accepted by its key: "
                  + (f"`{report['accept_to_publish']}` publishes the rest as well."
                     if report.get("accept_to_publish") else "all are accepted."), "",
                  *findings_table(findings), ""]
    if report["status"] == "first_release" or "added" not in s:
        return "\n".join(lines + [f"First release ({s['rows_after']:,} series rows): nothing to compare.", ""])
    lines += ["| pub_series | rows |", "|---|---:|"]
    lines += [f"| {label} | {s[key]:,} |" for label, key in [
        ("before", "rows_before"), ("after", "rows_after"), ("added (coverage)", "added"), ("removed", "removed"),
        ("values changed", "changed"), ("changed by more than half", "changed_by_more_than_half")]]
    lines.append("")
    for title, items in [("Blocking problems", report["blockers"]), ("Warnings", report["warnings"])]:
        if items:
            lines += [f"## {title}", "", *[f"- {item}" for item in items], ""]
    if report["new_coverage"]:
        lines += ["## New coverage", "", "| indicator | new periods |", "|---|---|"]
        lines += [f"| {c['indicator']} | {', '.join(c['periods'])} |" for c in report["new_coverage"]]
        lines.append("")
    if report["largest_changes"]:
        lines += ["## Largest changes", "", "ranked by |a−b| / (|a|+|b|)", "",
                  "| indicator | origin | destination | category | unit | period end | before | after | change |",
                  "|---|---|---|---|---|---|---:|---:|---:|"]
        lines += [f"| {c['indicator']} | {c['origin']} | {c['destination']} | {c['category']} | {c['unit']} | "
                  f"{c['period_end']} | {c['before']:,.6g} | {c['after']:,.6g} | {c['relative_change']:.3f} |"
                  for c in report["largest_changes"]]
        lines.append("")
    if report["updated"]:
        lines += ["## Eurostat `updated`", "", "| table | before | after |", "|---|---|---|"]
        lines += [f"| {u['table']} | {u['before']} | {u['after']}{' (backwards)' if u['went_backwards'] else ''} |"
                  for u in report["updated"]]
        lines.append("")
    if report["tables"]:
        lines += ["## Other published tables", "", "| table | rows before | rows after |", "|---|---:|---:|"]
        lines += [f"| {t['table']} | {t['rows_before']} | {t['rows_after']} |" for t in report["tables"]]
        lines.append("")
    lines += ["## Thresholds", "",
              f"- revision: a value both releases hold moves by more than {REVISION_SHARE:.0%} of its published figure",
              f"- break: more than ×{BREAK_FACTOR:g} from one period to the next, where the published series was not",
              f"- latest figure: falls below {LATEST_DROP:.0%} of the published latest figure",
              f"- floors: a change of fewer than {MIN_COUNT_CHANGE} (people, permits, …), "
              + ", ".join(f"{m:g} {u}" for u, (_, m) in RATIO_UNITS.items()) + " never blocks alone",
              "- plausible range: 0 to the population of the origin country ("
              + ", ".join(f"{o} {p:,}" for o, p in ORIGIN_POPULATION.items())
              + f", other {COUNT_CEILING_OTHER:,}); percent 0–100, share 0–1", ""]
    return "\n".join(lines)
