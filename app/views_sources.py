"""Shaping for the Sources and methods page: the data dictionary, the provenance of every raw
snapshot, every disagreement between sources (table and dot plot), the definitional differences
that are not disagreements, and the release diff when the build recorded one.

Every number the page prints is computed here from the published tables.
"""
from __future__ import annotations

import json
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app import data, figures, formatting, select
from etl.codes import country_name

KIND_WORDS = {"stock": "a stock: people or documents on a date",
              "flow": "a flow: events in the period",
              "cumulative": "a running total since a start date",
              "ratio": "a ratio"}
RELEASE_DIFF_FILE = "release_diff.json"  # written next to the manifest by the build, when it compares releases


# ------------------------------------------------------------------ data dictionary
def indicator_dictionary(release: data.Release) -> pd.DataFrame:
    """One row per indicator, straight from the release's metadata."""
    rows = [{
        "indicator": meta["id"], "title": meta["title"], "kind": meta["kind"], "unit": ", ".join(meta["unit"]),
        "sources": ", ".join(meta["source_ids"]), "licence": meta["licence"],
        "update period": meta["update_period"], "description": meta["description"], "note": meta.get("note", ""),
    } for meta in data.metadata(release)["indicators"].values()]
    return pd.DataFrame(rows).sort_values("indicator").reset_index(drop=True)


def field_dictionary(release: data.Release) -> pd.DataFrame:
    fields = data.metadata(release)["fields"]
    return pd.DataFrame([{"field": name, "type": spec["dtype"], "description": spec["description"]}
                         for name, spec in fields.items()])


# ------------------------------------------------------------------ provenance
def provenance(release: data.Release) -> pd.DataFrame:
    """Every raw file the release was built from, sizes and dates as a reader reads them."""
    table = data.sources(release).copy()
    table["accessed"] = table["accessed"].map(formatting.date)
    table["bytes"] = table["bytes"].map(formatting.number)
    return table[["source_id", "release_dir", "file", "producer", "title", "url", "licence", "citation",
                  "accessed", "sha256", "bytes"]]


def published_tables(release: data.Release) -> pd.DataFrame:
    """The files of this release named by the manifest, with their checksums."""
    rows = [{"table": name, "layer": entry["layer"], "rows": formatting.number(entry["rows"]),
             "description": entry.get("description", ""), "sha256": entry["sha256"]}
            for name, entry in release.manifest["tables"].items()]
    return pd.DataFrame(rows)


def built_at(release: data.Release) -> str:
    when = pd.Timestamp(release.manifest["built_at"]).tz_convert("UTC")
    return f"{formatting.date(when.tz_localize(None))}, {when:%H:%M} UTC"


def release_diff(release: data.Release) -> dict | None:
    """What this release changed against the one before, as the build recorded it (etl/diff.py
    writes release_diff.json next to the manifest). None when absent, unreadable, or about
    another build (a candidate the diff gate blocked)."""
    try:
        diff = json.loads((release.paths.root / RELEASE_DIFF_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(diff, dict) or diff.get("candidate_release") != release.release_id:
        return None
    return diff


def diff_summary(diff: dict) -> str:
    summary = diff.get("summary") or {}
    if diff.get("status") == "first_release":
        return "This is the first release: there is no earlier one to compare it with."
    if not {"added", "removed", "changed", "changed_by_more_than_half"} <= set(summary):
        return ""
    return (f"Compared with the previous release, {diff.get('published_release')}: "
            f"{formatting.number(summary['added'])} rows added, {formatting.number(summary['removed'])} removed, "
            f"{formatting.number(summary['changed'])} values changed "
            f"({formatting.number(summary['changed_by_more_than_half'])} by more than half).")


# ------------------------------------------------------------------ conflicts
def _group_labels(facts: pd.DataFrame) -> dict[str, str]:
    """'metric · place · period' for each conflict group, from the row the group is named after.
    The period is left out where the disagreeing figures cover different periods."""
    labels = {}
    for group, rows in facts.groupby("conflict_group"):
        anchor = rows[rows["fact_id"] == group].iloc[0] if (rows["fact_id"] == group).any() else rows.iloc[0]
        place = country_name(anchor["destination"])
        parts = [anchor["metric"]] + ([] if place in anchor["metric"] else [place])
        if rows[["period_start", "period_end"]].drop_duplicates().shape[0] == 1:
            parts.append(formatting.period(anchor["period_start"], anchor["period_end"], anchor["kind"]))
        labels[group] = " · ".join(parts)
    return labels


def conflict_table(release: data.Release) -> pd.DataFrame:
    """Every curated figure that disagrees with another, grouped so the values sit side by side."""
    facts = data.facts(release)
    rows = facts[facts["conflict_group"].notna()].sort_values(["conflict_group", "fact_id"])
    labels = _group_labels(rows)
    return pd.DataFrame({
        "disagreement": rows["conflict_group"].map(labels),
        "figure": [formatting.value_with_unit(v, u) for v, u in zip(rows["value"], rows["unit"])],
        "period": [formatting.period(s, e, k) for s, e, k in zip(rows["period_start"], rows["period_end"], rows["kind"])],
        "publisher": rows["publisher"],
        "source_url": rows["source_url"],
        "checked": rows["verification"],
        "note": rows["note"],
        "fact_id": rows["fact_id"],
    }).reset_index(drop=True)


def conflict_rows(release: data.Release) -> pd.DataFrame:
    """The published rows of every conflict group, with the dot plot's presentation columns."""
    series = data.series(release)
    rows = series[series["conflict_group"].notna()].sort_values(["conflict_group", "fact_id"]).reset_index(drop=True)
    all_facts = data.facts(release)
    labels = _group_labels(all_facts[all_facts["conflict_group"].notna()])
    facts = all_facts.set_index("fact_id")
    publisher = rows["fact_id"].map(facts["publisher"])
    periods = [formatting.period(s, e, k) for s, e, k in zip(rows["period_start"], rows["period_end"], rows["kind"])]
    varied_period = rows.groupby("conflict_group")["period_end"].transform("nunique") > 1
    rows["_panel"] = rows["conflict_group"].map(labels)
    rows["_label"] = ["<br>".join(textwrap.wrap(pub, 40) + ([f"<i>{p}</i>"] if varied else []))
                      for pub, p, varied in zip(publisher, periods, varied_period)]
    rows["_text"] = rows["value"].map(formatting.number)
    rows["_hover"] = [f"<b>{formatting.value_with_unit(v, u)}</b>, {p}<br>{pub}<br><i>"
                      + "<br>".join(textwrap.wrap(note if isinstance(note, str) else "", 70)) + "</i>"
                      for v, u, p, pub, note in zip(rows["value"], rows["unit"], periods, publisher,
                                                    rows["fact_id"].map(facts["note"]))]
    return rows


def conflict_dots(frame: pd.DataFrame) -> go.Figure:
    """One panel per conflict group, stacked (each of one kind and unit, with its own axis), the
    disagreeing figures as dots on a zero-based scale so the size of a gap reads true."""
    groups = list(dict.fromkeys(frame["conflict_group"]))
    sizes = [int((frame["conflict_group"] == g).sum()) for g in groups]
    row_px, gap_px = 44, 120  # a dot row; a panel's title above and its axis below
    height = sum(sizes) * row_px + len(groups) * gap_px
    panel_titles = frame.drop_duplicates("conflict_group").set_index("conflict_group")["_panel"]
    titles = ["<br>".join(f"<b>{line}</b>" for line in textwrap.wrap(panel_titles[g], 90)) for g in groups]
    fig = make_subplots(rows=len(groups), cols=1, subplot_titles=titles, row_heights=sizes,
                        vertical_spacing=gap_px / height)
    for row, group in enumerate(groups, start=1):
        dots = frame[frame["conflict_group"] == group]
        kind = select.one_kind(dots)  # each panel is one kind and one unit, on its own axis
        if dots["unit"].nunique() != 1:
            raise select.MixedKindsError(f"{group} mixes {sorted(set(dots['unit']))}")
        fig.add_trace(go.Scatter(
            x=dots["value"], y=dots["_label"], mode="markers+text", text=dots["_text"], textposition="middle right",
            marker=dict(symbol=figures.CONFLICT_SYMBOL, size=12, color=figures.PALETTE[0], line=dict(width=2)),
            hovertext=dots["_hover"], hoverinfo="text", showlegend=False, cliponaxis=False,
        ), row=row, col=1)
        fig.update_xaxes(title_text=f"{dots['unit'].iloc[0]} ({KIND_WORDS[kind]})",
                         range=[0, dots["value"].max() * 1.15],  # from zero, room for the value labels
                         tickformat=",~r", gridcolor="#E6E8EB", title_standoff=4, row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_annotations(font=dict(size=13), xanchor="left", x=0, align="left")
    fig.update_layout(template="plotly_white", height=height, font=dict(family=figures.FONT, size=12),
                      margin=dict(l=10, r=50, t=40, b=10), separators=".,", hovermode="closest")
    return fig


def conflict_alt(frame: pd.DataFrame, release: data.Release) -> str:
    publishers = data.facts(release).set_index("fact_id")["publisher"]
    parts = []
    for _, rows in frame.groupby("conflict_group", sort=False):
        figures_text = " against ".join(f"{formatting.number(v)} ({publisher})"
                                        for v, publisher in zip(rows["value"], rows["fact_id"].map(publishers)))
        parts.append(f"{rows['_panel'].iloc[0]}: {figures_text}")
    return (f"Dot plot of the {frame['conflict_group'].nunique()} disagreements between sources, one panel each. "
            + "; ".join(parts) + ".")


# ------------------------------------------------------------------ definitions that differ
def _latest(frame: pd.DataFrame) -> pd.Series:
    return select.latest(frame).iloc[0]


def definition_contrasts(release: data.Release) -> list[tuple[str, str]]:
    """(heading, text) pairs: figures that look like they disagree but count different things."""
    series = data.series(release)

    eurostat_pl = _latest(select.rows(series, "eurostat_valid_permits_stock", destination="POL"))
    udsc_pl = _latest(select.rows(series, "udsc_residence_documents_stock", destination="POL"))
    durations = select.rows(series, "eurostat_first_permits_by_duration_flow", destination="POL", category=None)
    duration_year = durations["period_end"].max()
    durations = durations[durations["period_end"] == duration_year].set_index("category")["value"]
    short_share = (durations["M3-5"] + durations["M6-11"]) / durations["total"]

    mandate = select.rows(series, "unhcr_under_mandate_stock")
    mandate = mandate[mandate["period_end"] == mandate["period_end"].max()]
    mandate_total = select.total_by(mandate, ["period_end"]).iloc[0]
    estimates = select.rows(series, "exile_estimate_cumulative", destination=None)

    code23 = _latest(select.rows(series, "udsc_pbh_visas_cumulative", destination="POL"))
    pbh = _latest(select.rows(series, "pl_pbh_visas_cumulative", destination="POL"))
    pbh_publisher = data.facts(release).set_index("fact_id").at[pbh["fact_id"], "publisher"]

    return [
        ("Eurostat's residence permits are not the Office for Foreigners' residence documents",
         "Eurostat counts every permit valid for at least three months, and Poland reports its national long-stay "
         f"work visas as permits: {formatting.value_with_unit(short_share, 'share')} of the first permits Poland issued "
         f"to Belarusians in {duration_year.year} ran for less than 12 months. So Eurostat has "
         f"{formatting.number(eurostat_pl['value'])} valid permits held by Belarusians in Poland on "
         f"{formatting.date(eurostat_pl['period_end'])}, while Poland's Office for Foreigners counts "
         f"{formatting.number(udsc_pl['value'])} Belarusians with a valid residence document on "
         f"{formatting.date(udsc_pl['period_end'])}. Both are right; they count different things."),
        ("UNHCR's formal protection is not everyone who left",
         "UNHCR counts refugees, asylum seekers and other people in need of international protection: "
         f"{formatting.number(mandate_total['value'])} Belarusians worldwide on "
         f"{formatting.date(mandate_total['period_end'])}. Most of those who left since 2020 live on work or "
         "residence permits instead; published estimates of everyone who left, which are not counts, range from "
         f"{formatting.number(estimates['value'].min())} to {formatting.number(estimates['value'].max())} people "
         f"(running totals reported between {formatting.date(estimates['period_end'].min())} and "
         f"{formatting.date(estimates['period_end'].max())})."),
        ("Visa code 23 is not the count of the IT-visa programme",
         f"The Office for Foreigners reports {formatting.number(code23['value'])} visas issued to Belarusians under "
         f"purpose code 23 (Poland. Business Harbour) between {formatting.date(code23['period_start'])} and "
         f"{formatting.date(code23['period_end'])}, short-stay Schengen and national visas alike. The programme's "
         f"own latest reported count is {formatting.number(pbh['value'])} visas to Belarusians by "
         f"{formatting.date(pbh['period_end'])}, as reported by {pbh_publisher}; other reports differ (see the table "
         "above). "
         "The first is a broader count over a longer period, not a revision of the second."),
    ]
