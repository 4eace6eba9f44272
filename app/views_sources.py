"""Shaping for the Sources and methods page: the data dictionary, the provenance of every raw
snapshot, every disagreement between sources (table and dot plot), the definitional differences
that are not disagreements, and the release diff when the build recorded one.

Every number the page prints is computed here from the published tables; every sentence is a
catalogue message (namespace `sources`), and indicator texts come through app.indicator_text.
"""
from __future__ import annotations

import json
import re
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app import data, estimates, figures, formatting, i18n, select
from app.i18n import t
from app.indicator_text import indicator_text
from app.sources import published_date

RELEASE_DIFF_FILE = "release_diff.json"  # written next to the manifest by the build, when it compares releases
UNITS_OF_THIS_PAGE = {"percent", "share"}  # the other units are counted things, named in the common catalogue


def unit_word(unit: str) -> str:
    return t(f"sources.unit_{unit}") if unit in UNITS_OF_THIS_PAGE else t(f"common.unit_{unit}")


def plotly_separators() -> str:
    """Plotly's `separators` in the reader's language (shared with every chart)."""
    return figures.separators()


# ------------------------------------------------------------------ data dictionary
def indicator_dictionary(release: data.Release) -> pd.DataFrame:
    """One row per indicator, from the release's metadata, in the reader's language. Columns
    keep their codes as names; the page labels them."""
    rows = [{
        "indicator": meta["id"],
        "title": indicator_text(meta["id"], "title"),
        "kind": t(f"sources.kind_{meta['kind']}"),
        "unit": ", ".join(unit_word(unit) for unit in meta["unit"]),
        "sources": ", ".join(t(f"common.source_{s}") for s in meta["source_ids"]),
        "licence": "; ".join(dict.fromkeys(t(f"sources.licence_{s}") for s in meta["source_ids"])),
        "update_period": update_period(meta["update_period"]),
        "description": indicator_text(meta["id"], "description"),
        "note": indicator_text(meta["id"], "note"),
    } for meta in data.metadata(release)["indicators"].values()]
    return pd.DataFrame(rows).sort_values("indicator").reset_index(drop=True)


def update_period(text: str) -> str:
    """The metadata's update period ('annual', 'irregular (as …)'), named by its first word."""
    return t(f"sources.update_{text.split()[0]}")


def field_dictionary(release: data.Release) -> pd.DataFrame:
    fields = data.metadata(release)["fields"]
    return pd.DataFrame([{"field": name, "type": t(f"sources.type_{spec['dtype']}"),
                          "description": t(f"sources.field_{name}")}
                         for name, spec in fields.items()])


# ------------------------------------------------------------------ provenance
def provenance(release: data.Release) -> pd.DataFrame:
    """Every raw file the release was built from, sizes and dates as a reader reads them."""
    table = data.sources(release).copy()
    table["source_id"] = [t(f"common.source_{s}") for s in table["source_id"]]
    table["accessed"] = table["accessed"].map(formatting.date)
    table["bytes"] = table["bytes"].map(formatting.number)
    return table[["source_id", "release_dir", "file", "producer", "title", "url", "licence", "citation",
                  "accessed", "sha256", "bytes"]]


def published_tables(release: data.Release) -> pd.DataFrame:
    """The files of this release named by the manifest, with their checksums."""
    rows = [{"table": name, "layer": t(f"sources.layer_{entry['layer']}"), "rows": formatting.number(entry["rows"]),
             "description": t(f"sources.table_{name}") if entry.get("description") else "",
             "sha256": entry["sha256"]}
            for name, entry in release.manifest["tables"].items()]
    return pd.DataFrame(rows)


def built_at(release: data.Release) -> str:
    when = pd.Timestamp(release.manifest["built_at"]).tz_convert("UTC")
    return t("sources.built_at", date=formatting.date(when.tz_localize(None)), time=f"{when:%H:%M}")


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
        return t("sources.diff_first_release")
    if not {"added", "removed", "changed", "changed_by_more_than_half"} <= set(summary):
        return ""
    return t("sources.diff_summary", previous=diff.get("published_release"),
             added=formatting.number(summary["added"]), removed=formatting.number(summary["removed"]),
             changed=formatting.number(summary["changed"]),
             by_more_than_half=formatting.number(summary["changed_by_more_than_half"]))


def diff_warnings(diff: dict) -> list[str]:
    """The build's warnings (categories that vanished from an indicator), as sentences."""
    return [t("sources.diff_vanished_category", category=category_label(row["category"]),
              indicator=indicator_title(row["indicator"]))
            for row in _records(diff.get("vanished_categories"), "category", "indicator")]


# Where a category code of pub_series has its reader's name: a catalogue key per prefix.
_CATEGORY_MESSAGES = ("sources.category_{}", "asylum.outcome_{}", "asylum.type_{}", "asylum.rate_{}",
                      "poland.doc_{}")


def category_label(category) -> str:
    """A category of pub_series in the reader's language; names the data give as proper names
    (the Polish voivodes' offices) stay as they are."""
    for pattern in _CATEGORY_MESSAGES:
        try:
            return t(pattern.format(category))
        except i18n.MissingMessage:
            continue
    return str(category)


def indicator_title(indicator) -> str:
    """An indicator's title in the reader's language; an id the catalogue does not know (from an
    older release's diff) as it is."""
    try:
        return indicator_text(str(indicator), "title")
    except i18n.MissingMessage:
        return str(indicator)


def _records(value, *required: str) -> list[dict]:
    """The entries of a list in the diff that have the keys a table needs (the diff's format may
    grow: unknown keys are ignored, entries without the needed ones are skipped)."""
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict) and all(key in entry for key in required)]


def _diff_date(value) -> str:
    try:
        return formatting.date(pd.Timestamp(value))
    except (ValueError, TypeError):
        return str(value)


def diff_tables(diff: dict) -> list[tuple[str, pd.DataFrame]]:
    """What the release diff records beyond its summary, as tables a reader reads: new periods per
    indicator, the largest changes of published figures, and the other tables' row counts. Headers
    in the reader's language, numbers and dates formatted; tables with no rows are left out."""
    tables = []
    coverage = _records(diff.get("new_coverage"), "indicator", "periods")
    if coverage:
        tables.append((t("sources.diff_new_coverage"), pd.DataFrame({
            t("sources.col_indicator_title"): [indicator_title(row["indicator"]) for row in coverage],
            t("sources.col_new_periods"): [", ".join(_diff_date(p) for p in row["periods"] or [])
                                           for row in coverage],
        })))
    changes = _records(diff.get("largest_changes"), "indicator", "destination", "period_end", "before", "after")
    if changes:
        tables.append((t("sources.diff_largest_changes"), pd.DataFrame({
            t("sources.col_indicator_title"): [indicator_title(row["indicator"]) for row in changes],
            t("common.col_category"): ["" if row.get("category") in (None, "total") else category_label(row["category"])
                                       for row in changes],
            t("common.col_place"): [i18n.country(str(row["destination"])) for row in changes],
            t("sources.col_period_end"): [_diff_date(row["period_end"]) for row in changes],
            t("sources.col_before"): [formatting.number(row["before"], decimals=_decimals(row["before"]))
                                      for row in changes],
            t("sources.col_after"): [formatting.number(row["after"], decimals=_decimals(row["after"]))
                                     for row in changes],
        })))
    counts = _records(diff.get("tables"), "table", "rows_before", "rows_after")
    if counts:
        tables.append((t("sources.diff_other_tables"), pd.DataFrame({
            t("sources.col_table"): [row["table"] for row in counts],
            t("sources.col_description"): [_table_description(row["table"]) for row in counts],
            t("sources.col_rows_before"): [formatting.number(row["rows_before"]) for row in counts],
            t("sources.col_rows_after"): [formatting.number(row["rows_after"]) for row in counts],
        })))
    return tables


def _decimals(value) -> int:
    return 0 if value is None or float(value).is_integer() else 1


def _table_description(name: str) -> str:
    try:
        return t(f"sources.table_{name}")
    except i18n.MissingMessage:
        return ""


# ------------------------------------------------------------------ conflicts
def group_labels(facts: pd.DataFrame) -> dict[str, str]:
    """'metric · place · period' for each conflict group, from the row the group is named after.
    The period is left out where the disagreeing figures cover different periods."""
    labels = {}
    for group, rows in facts.groupby("conflict_group"):
        anchor = rows[rows["fact_id"] == group].iloc[0] if (rows["fact_id"] == group).any() else rows.iloc[0]
        # The metric is the curator's English description: the place is added unless it already names it.
        named_in_metric = i18n.country(anchor["destination"], "en") in anchor["metric"]
        parts = [anchor["metric"]] + ([] if named_in_metric else [i18n.country(anchor["destination"])])
        if rows[["period_start", "period_end"]].drop_duplicates().shape[0] == 1:
            parts.append(formatting.row_period(anchor))
        labels[group] = " · ".join(parts)
    return labels


_FACT_ID = re.compile(r"\b[A-Z]{2,4}_[A-Z0-9_]+[a-z]?\b")


def readable_note(note, facts: pd.DataFrame) -> str:
    """A curator's note (English, as written) with each figure id it mentions replaced by the
    figure's publisher: 'CONFLICT with PL_STOCK_BY_20200101b (28,745)' → 'CONFLICT with the figure
    from Charter97 (28,745)'. For tables and hovers that show no id column."""
    if not isinstance(note, str):
        return ""
    publishers = facts.set_index("fact_id")["publisher"]

    def name(match: re.Match) -> str:
        fact_id = match.group(0)
        if fact_id not in publishers.index:
            return fact_id
        return f"the figure from {publishers[fact_id].split(' (')[0].strip()}"
    return _FACT_ID.sub(name, note)


def conflict_table(release: data.Release) -> pd.DataFrame:
    """Every curated figure that disagrees with another, grouped so the values sit side by side."""
    facts = data.facts(release)
    rows = facts[facts["conflict_group"].notna()].sort_values(["conflict_group", "fact_id"])
    labels = group_labels(rows)
    return pd.DataFrame({
        "disagreement": rows["conflict_group"].map(labels),
        "figure": [formatting.value_with_unit(v, u) for v, u in zip(rows["value"], rows["unit"])],
        "period": [formatting.row_period(row) for row in rows.to_dict("records")],
        "publisher": rows["publisher"],
        "source_url": rows["source_url"],
        "checked": [t(f"sources.verification_{v}") for v in rows["verification"]],
        "note": rows["note"],
        "fact_id": rows["fact_id"],
    }).reset_index(drop=True)


def conflict_rows(release: data.Release) -> pd.DataFrame:
    """The published rows of every conflict group, with the dot plot's presentation columns."""
    series = data.series(release)
    rows = series[series["conflict_group"].notna()].sort_values(["conflict_group", "fact_id"]).reset_index(drop=True)
    all_facts = data.facts(release)
    labels = group_labels(all_facts[all_facts["conflict_group"].notna()])
    facts = all_facts.set_index("fact_id")
    publisher = rows["fact_id"].map(facts["publisher"])
    periods = [formatting.row_period(row) for row in rows.to_dict("records")]
    varied_period = rows.groupby("conflict_group")["period_end"].transform("nunique") > 1
    rows["_panel"] = rows["conflict_group"].map(labels)
    rows["_label"] = ["<br>".join(textwrap.wrap(pub, 40) + ([f"<i>{p}</i>"] if varied else []))
                      for pub, p, varied in zip(publisher, periods, varied_period)]
    rows["_text"] = rows["value"].map(formatting.number)
    rows["_hover"] = [f"<b>{formatting.value_with_unit(v, u)}</b>, {p}<br>{pub}<br><i>"
                      + "<br>".join(textwrap.wrap(readable_note(note, all_facts), 70)) + "</i>"
                      for v, u, p, pub, note in zip(rows["value"], rows["unit"], periods, publisher,
                                                    rows["fact_id"].map(facts["note"]))]
    return rows


def conflict_dots(frame: pd.DataFrame) -> go.Figure:
    """One panel per conflict group, stacked (each of one kind and unit, with its own axis), the
    disagreeing figures as dots on a zero-based scale so the size of a gap reads true. Who
    published each figure is written above its dot, not beside it: the dots keep the card's whole
    width on a phone (beside them, the names left the plot some 60 px at 390 px)."""
    groups = list(dict.fromkeys(frame["conflict_group"]))
    sizes = [int((frame["conflict_group"] == g).sum()) for g in groups]
    label_lines = int(frame["_label"].str.count("<br>").max()) + 1
    row_px, gap_px = 30 + 15 * label_lines, 120  # a dot with its label above; a panel's title and its axis
    height = sum(sizes) * row_px + len(groups) * gap_px
    panel_titles = frame.drop_duplicates("conflict_group").set_index("conflict_group")["_panel"]
    # titles wrapped to fit a phone (about 340 px of bold 13 px text)
    titles = ["<br>".join(f"<b>{line}</b>" for line in textwrap.wrap(panel_titles[g], 48)) for g in groups]
    fig = make_subplots(rows=len(groups), cols=1, subplot_titles=titles, row_heights=sizes,
                        vertical_spacing=gap_px / height)
    fig.update_annotations(font=dict(size=13), xanchor="left", x=0, align="left")  # the panels' titles
    for row, group in enumerate(groups, start=1):
        dots = frame[frame["conflict_group"] == group]
        kind = select.one_kind(dots)  # each panel is one kind and one unit, on its own axis
        if dots["unit"].nunique() != 1:
            raise select.MixedKindsError(f"{group} mixes {sorted(set(dots['unit']))}")
        places = list(range(len(dots)))
        fig.add_trace(go.Scatter(
            x=dots["value"], y=places, mode="markers+text", text=dots["_text"], textposition="middle right",
            marker=dict(symbol=figures.CONFLICT_SYMBOL, size=12, color=figures.PALETTE[0], line=dict(width=2)),
            hovertext=dots["_hover"], hoverinfo="text", showlegend=False, cliponaxis=False,
        ), row=row, col=1)
        axis = "" if row == 1 else str(row)
        for place, label in zip(places, dots["_label"]):
            fig.add_annotation(text=label, x=0, xref=f"x{axis} domain", y=place, yref=f"y{axis}", yshift=9,
                               xanchor="left", yanchor="bottom", align="left", showarrow=False,
                               font=dict(size=12))
        fig.update_xaxes(title_text=t("sources.dots_axis", unit=unit_word(dots["unit"].iloc[0]),
                                      kind=t(f"sources.dots_kind_{kind}")),
                         range=[0, dots["value"].max() * 1.15],  # from zero, room for the value labels
                         tickformat=",~r", gridcolor="#E6E8EB", title_standoff=4, row=row, col=1)
        # top to bottom in the table's order, room above the first dot for its label
        fig.update_yaxes(range=[len(dots) - 0.6, -0.25 - 15 * label_lines / row_px], showticklabels=False,
                         showgrid=False, zeroline=False, row=row, col=1)
    figures.white_template(fig).update_layout(height=height, font=dict(family=figures.FONT, size=12),
                      margin=dict(l=10, r=50, t=40, b=10), separators=plotly_separators(), hovermode="closest")
    return fig


def conflict_alt(frame: pd.DataFrame, release: data.Release) -> str:
    publishers = data.facts(release).set_index("fact_id")["publisher"]
    parts = []
    for _, rows in frame.groupby("conflict_group", sort=False):
        figures_text = f" {t('sources.alt_against')} ".join(
            t("sources.alt_figure", value=formatting.number(v), publisher=publisher)
            for v, publisher in zip(rows["value"], rows["fact_id"].map(publishers)))
        parts.append(t("sources.alt_panel", panel=rows["_panel"].iloc[0], figures=figures_text))
    return t("sources.alt", count=frame["conflict_group"].nunique(), panels="; ".join(parts))


# ------------------------------------------------------------------ estimates of how many left
def estimates_table(release: data.Release) -> pd.DataFrame:
    """Every published estimate of how many left, smallest first: both ends as the source states
    them, who it counts, and its source (publisher, title, publication date as given, link)."""
    rows = estimates.smallest_first(estimates.table(release))
    return pd.DataFrame({
        "publisher": rows["publisher"],
        "source_url": rows["source_url"],
        "published": rows["published"].map(published_date),
        "figure": [estimates.figure(row) for _, row in rows.iterrows()],
        "low": rows["low"].map(formatting.number),
        "high": rows["high"].map(formatting.number),
        "counted": [estimates.who(row) for _, row in rows.iterrows()],
        "source_title": rows["source_title"],
        "checked": [t(f"sources.verification_{v}") for v in rows["verification"]],
    }).reset_index(drop=True)


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
    estimate_min, estimate_max = estimates.value_range(estimates.table(release))

    code23 = _latest(select.rows(series, "udsc_pbh_visas_cumulative", destination="POL"))
    pbh = _latest(select.rows(series, "pl_pbh_visas_cumulative", destination="POL"))
    pbh_publisher = data.facts(release).set_index("fact_id").at[pbh["fact_id"], "publisher"]

    return [
        (t("sources.contrast_permits_heading"),
         t("sources.contrast_permits",
           short_share=formatting.value_with_unit(short_share, "share"), year=duration_year.year,
           eurostat_value=formatting.number(eurostat_pl["value"]),
           eurostat_date=formatting.date(eurostat_pl["period_end"]),
           udsc_value=formatting.number(udsc_pl["value"]), udsc_date=formatting.date(udsc_pl["period_end"]))),
        (t("sources.contrast_unhcr_heading"),
         t("sources.contrast_unhcr",
           mandate_value=formatting.number(mandate_total["value"]),
           mandate_date=formatting.date(mandate_total["period_end"]),
           estimate_min=formatting.number(estimate_min), estimate_max=formatting.number(estimate_max))),
        (t("sources.contrast_code23_heading"),
         t("sources.contrast_code23",
           code23_value=formatting.number(code23["value"]), code23_start=formatting.date(code23["period_start"]),
           code23_end=formatting.date(code23["period_end"]), pbh_value=formatting.number(pbh["value"]),
           pbh_date=formatting.date(pbh["period_end"]), pbh_publisher=pbh_publisher)),
    ]


# ------------------------------------------------------------------ downloads
def dataset_readme(release: data.Release) -> str:
    """README of the dataset ZIP in the reader's language: what the files are, how to read them,
    and every source with its citation, link and licence."""
    sources = data.sources(release).drop_duplicates(["source_id", "title"])
    lines = [f"# {t('sources.readme_title')}", "",
             t("sources.readme_release", release=release.release_id, built=built_at(release)), "",
             t("sources.readme_files"), "", t("sources.readme_kinds"), "", t("sources.readme_conflicts"), "",
             f"## {t('sources.readme_sources')}", ""]
    lines += [f"- {row.citation or row.title} <{row.url}> ({row.licence})" for row in sources.itertuples()]
    return "\n".join(lines) + "\n"
