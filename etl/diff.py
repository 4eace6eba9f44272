"""Release diff: what a new build changes in the published numbers, and a gate that keeps a
suspicious update from replacing the published release.

The candidate's pub_series is compared with that of the release data/manifest.json names; the
other published tables by row count, and Eurostat's `updated` stamps through the clean tables.
Publishing is blocked, unless the maintainer accepts the changes explicitly, when
  - a published series loses its latest period,
  - a country (origin or destination) vanishes from an indicator, or
  - more than 1 % of the values both releases hold change by more than half.
New rows are coverage (a new year, a new country) and pass. The report goes next to the
manifest: release_diff.md for people, release_diff.json for the app's Sources page.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from etl.atomic import write_bytes_atomic, write_json_atomic
from etl.paths import DataPaths
from etl.pipeline import BuildError

DIFF_VERSION = 1
REPORT_MD = "release_diff.md"
REPORT_JSON = "release_diff.json"
SERIES_ID = ["indicator", "source_id", "origin", "destination", "category", "unit", "fact_id"]
ROW_KEY = [*SERIES_ID, "period_start", "period_end"]
BIG_CHANGE = 0.5            # a value "changes by more than half" of its published figure
MAX_BIG_CHANGE_SHARE = 0.01
TOP = 20                    # rows of each list kept in the report


class ReleaseBlocked(BuildError):
    """The diff gate refused the candidate release; the published one stays."""

    exit_code = 4


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


def only_in(left: pd.DataFrame, right: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    merged = left[columns].drop_duplicates().merge(right[columns].drop_duplicates(), how="left", indicator=True)
    return merged[merged["_merge"] == "left_only"].drop(columns="_merge").sort_values(columns)


def places(series: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([series[["indicator", role]].rename(columns={role: "code"}).assign(role=role)
                      for role in ("origin", "destination")], ignore_index=True)


def compare_series(old: pd.DataFrame, new: pd.DataFrame) -> dict:
    merged = old.merge(new, on=ROW_KEY, how="outer", suffixes=("_before", "_after"), indicator=True)
    both = merged[merged["_merge"] == "both"].copy()
    both["relative_change"] = relative_change(both["value_before"], both["value_after"])
    changed = both[both["value_before"] != both["value_after"]]
    big = (changed["value_after"] - changed["value_before"]).abs() > BIG_CHANGE * changed["value_before"].abs()
    share = big.sum() / len(both) if len(both) else 0.0
    latest = old.groupby(SERIES_ID, as_index=False)["period_end"].max()
    lost = only_in(latest, new, [*SERIES_ID, "period_end"])
    vanished = only_in(places(old), places(new), ["indicator", "role", "code"])
    new_periods = only_in(new, old, ["indicator", "period_end"])
    largest = changed.sort_values(["relative_change", "indicator"], ascending=[False, True]).head(TOP)
    blockers = []
    if len(lost):
        first = lost.iloc[0]
        blockers.append(f"{len(lost)} published series lost their latest period, e.g. {first['indicator']} "
                        f"{first['origin']}→{first['destination']} {first['category']} {first['period_end']}")
    if len(vanished):
        named = ", ".join(f"{r.code} ({r.role} of {r.indicator})" for r in vanished.head(5).itertuples())
        blockers.append(f"{len(vanished)} countries vanished: {named}" + (" …" if len(vanished) > 5 else ""))
    if share > MAX_BIG_CHANGE_SHARE:
        blockers.append(f"{big.sum()} of {len(both)} values ({share:.1%}) changed by more than half "
                        f"(at most {MAX_BIG_CHANGE_SHARE:.0%} may)")
    vanished_categories = only_in(old, new, ["indicator", "category"])
    warnings = [f"category {r.category!r} vanished from {r.indicator}" for r in vanished_categories.head(TOP).itertuples()]
    return {
        "summary": {
            "rows_before": len(old), "rows_after": len(new),
            "added": int((merged["_merge"] == "right_only").sum()),
            "removed": int((merged["_merge"] == "left_only").sum()),
            "changed": len(changed), "changed_by_more_than_half": int(big.sum()),
            "share_changed_by_more_than_half": round(float(share), 4),
        },
        "blockers": blockers,
        "warnings": warnings,
        "new_coverage": [{"indicator": indicator, "periods": sorted(group["period_end"])}
                         for indicator, group in new_periods.groupby("indicator")],
        "lost_latest_periods": records(lost.head(TOP)),
        "vanished_countries": records(vanished.head(TOP)),
        "vanished_categories": records(vanished_categories.head(TOP)),
        "largest_changes": records(largest[[*SERIES_ID, "period_end", "value_before", "value_after", "relative_change"]]
                                   .rename(columns={"value_before": "before", "value_after": "after"})
                                   .round({"relative_change": 4})),
    }


def records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records"))


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
    report = {"diff_version": DIFF_VERSION, "status": None,
              "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "published_release": current["release_id"] if current else None,
              "candidate_release": release_id}
    old_tables = (current or {}).get("tables", {})
    old_path = paths.root / old_tables["pub_series"]["path"] if "pub_series" in old_tables else None
    new = read_series(paths.root / tables["pub_series"]["path"])
    if old_path is None or not old_path.exists():
        # First build, or the published files are gone: there is nothing to compare with.
        return {**report, "status": "first_release", "summary": {"rows_before": 0, "rows_after": len(new)},
                "blockers": [], "warnings": []}
    report.update(compare_series(read_series(old_path), new))
    report["updated"] = updated_stamps(paths.root, old_tables, tables)
    report["warnings"] += [f"{s['table']}: Eurostat `updated` went backwards, {s['before']} → {s['after']}"
                           for s in report["updated"] if s["went_backwards"]]
    report["tables"] = [{"table": name, "rows_before": old_tables[name].get("rows"), "rows_after": entry.get("rows")}
                        for name, entry in sorted(tables.items())
                        if entry["layer"] == "pub" and name != "pub_series" and name in old_tables]
    return report


def gate(paths: DataPaths, current: dict | None, tables: dict, release_id: str, accept_changes: bool = False,
         log=print) -> dict:
    """Compare, write the report next to the manifest, and raise ReleaseBlocked on a blocker
    that was not accepted."""
    report = compare(paths, current, tables, release_id)
    if report["status"] is None:
        report["status"] = "blocked" if report["blockers"] and not accept_changes else (
            "accepted" if report["blockers"] else "published")
    write_json_atomic(paths.root / REPORT_JSON, report)
    write_bytes_atomic(paths.root / REPORT_MD, markdown(report).encode("utf-8"))
    log(f"{headline(report)} (details in {paths.root / REPORT_MD})")
    if report["status"] == "blocked":
        raise ReleaseBlocked(
            "release blocked by the diff gate: " + "; ".join(report["blockers"])
            + f". The published release {report['published_release']} is unchanged. Review "
            f"{paths.root / REPORT_MD}, then re-run with --accept-changes to publish anyway.")
    return report


def headline(report: dict) -> str:
    s = report["summary"]
    if report["status"] == "first_release":
        return f"Release diff: first release, {s['rows_after']:,} series rows, nothing to compare"
    text = (f"Release diff against {report['published_release']}: {s['added']:,} rows added, {s['removed']:,} "
            f"removed, {s['changed']:,} values changed ({s['changed_by_more_than_half']:,} by more than half)")
    return text + {"blocked": " — BLOCKED", "accepted": " — blockers accepted"}.get(report["status"], "")


def markdown(report: dict) -> str:
    s = report["summary"]
    lines = ["# Release diff", "",
             f"Status: **{report['status']}**. Candidate `{report['candidate_release']}` against the published "
             f"`{report['published_release']}`, checked {report['checked_at']}.", ""]
    if report["status"] == "first_release":
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
    return "\n".join(lines)
