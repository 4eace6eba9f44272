"""Shaping for the Lithuania page (security screening and revoked permits), plus the small
helpers both country pages use to show disagreeing sources side by side.

Every function takes published frames (pub_series, pub_facts, pub_events) and returns the exact
rows a chart card plots, with presentation columns (`_label`, `_x`, `_hover`, `_series`) added.
Text for intros and alt texts is built here from the same rows, so no number is typed by hand;
every word comes from the catalogues (app/locales/<lang>/lithuania.yml), in the reader's language.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app import figures, formatting, select
from app.i18n import t

FLAGS = {"p", "d", "b", "e", "u"}  # Eurostat's flags; each has a name in the catalogue (flag_<code>)
# Label keys (lithuania.label_<key>) per origin, outcome and definition.
ORIGIN_LABELS = {"BLR": "blr", "BLR+RUS": "blr_rus"}
SCREENING_OUTCOMES = {
    "lt_first_permits_refused_security_flow": "first_refused",
    "lt_renewals_refused_security_flow": "renewals_refused",
    "lt_permits_cancelled_security_flow": "cancelled",
}
SINCE_QUESTIONNAIRE = {
    "lt_permits_cancelled_security_cumulative": "cancelled_total",
    "lt_visas_refused_security_cumulative": "visas_refused_total",
}
STOCK_LABELS = {
    "lt_residence_permit_holders_stock": "stock_migration_department",
    "eurostat_valid_permits_stock": "stock_eurostat",
}
# The events the stock chart can mark: a group (the widget's value, named by lithuania.events_<group>)
# and the event categories it covers.
EVENT_GROUPS = {
    "restrictions": ["policy-restriction"],
    "security": ["security"],
    "support": ["policy-support"],
}


def label(key: str) -> str:
    return t(f"lithuania.label_{key}")


# ------------------------------------------------------------------ helpers shared by both country pages
def short_publisher(publisher: str) -> str:
    """'Trakų žemė (citing LT Migration Department)' -> 'Trakų žemė'."""
    return publisher.split(" (")[0].strip()


def publishers(frame: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """Who published each row: the cited outlet for curated figures, the office for the others."""
    by_fact = facts.set_index("fact_id")["publisher"]
    return [by_fact.get(fact_id, source_id) if source_id == "curated" else t(f"common.source_{source_id}")
            for source_id, fact_id in zip(frame["source_id"], frame["fact_id"])]


def side_by_side(frame: pd.DataFrame, facts: pd.DataFrame, x: str = "period_end") -> pd.DataFrame:
    """Disagreeing figures for the same series and period each become a series of their own,
    named after their publisher, so both stand side by side (bars) or as separate markers (lines)
    instead of overlapping. `_series` keeps the plain name, for a shared colour."""
    out = frame.copy()
    out["_series"] = out["_label"]
    clash = out["conflict_group"].notna() & out.duplicated(["_label", x], keep=False)
    names = publishers(out[clash], facts)
    out.loc[clash, "_label"] = [t("lithuania.label_per_source", label=series, source=short_publisher(name))
                                for series, name in zip(out.loc[clash, "_label"], names)]
    return out


def with_hover(frame: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Hover text per row: series, value with its unit, period, publisher and any caveat."""
    out = frame.copy()
    texts = []
    for row, publisher in zip(out.to_dict("records"), publishers(out, facts)):
        lines = [f"<b>{row['_label']}</b>",
                 f"{formatting.value_with_unit(row['value'], row['unit'])}, {formatting.row_period(row)}",
                 t("lithuania.hover_source", publisher=publisher)]
        if pd.notna(row["flag"]):
            flag = t(f"lithuania.flag_{row['flag']}") if row["flag"] in FLAGS else row["flag"]
            lines.append(t("lithuania.hover_flag", flag=flag))
        # A figure not re-checked against its source is marked by app.figures, on every chart.
        if pd.notna(row["conflict_group"]):
            lines.append(t("lithuania.hover_conflict"))
        texts.append("<br>".join(lines))
    out["_hover"] = texts
    return out


def colour_by_series(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    """Give every variant of a series (one per disagreeing source) the colour of the series."""
    order = list(dict.fromkeys(frame["_series"]))
    colour_of = {label: figures.PALETTE[order.index(series) % len(figures.PALETTE)]
                 for label, series in zip(frame["_label"], frame["_series"])}
    for trace in fig.data:
        colour = colour_of.get(trace.name)
        if colour is None:
            continue
        trace.marker.color = colour
        if isinstance(trace, go.Scatter):
            trace.line.color = colour
            trace.marker.line.color = colour
    return fig


def period_labels(frame: pd.DataFrame) -> list[str]:
    """'2023', 'Q1 2023', with '(provisional)' on a second line where the source flags the figure."""
    return [formatting.row_period(row) + ("<br>" + t("lithuania.provisional_mark") if row["flag"] == "p" else "")
            for row in frame.to_dict("records")]


def in_order(frame: pd.DataFrame, column: str, order: list) -> pd.DataFrame:
    """Rows sorted by a column in a given order, then by date and fact id."""
    rank = {value: i for i, value in enumerate(order)}
    return (frame.assign(_rank=frame[column].map(rank)).sort_values(["_rank", "period_end", "fact_id"])
            .drop(columns="_rank").reset_index(drop=True))


def labelled(frame: pd.DataFrame, facts: pd.DataFrame, column: str, labels: dict, name=label,
             periods_on_x: bool = True) -> pd.DataFrame:
    """Name each series from `labels` (keyed by `column`, message keys translated by `name`, the
    calling page's own catalogue), order the series as `labels` lists them, set disagreeing sources
    side by side and add hover text: the shape every chart of
    curated series on the Lithuania and Poland pages shares."""
    frame["_label"] = frame[column].map(labels).map(name)
    if periods_on_x:
        frame["_x"] = period_labels(frame)
    frame = in_order(frame, column, list(labels))
    return with_hover(side_by_side(frame, facts), facts)


def year_bars(frame: pd.DataFrame, y_title: str, height: int = 400) -> go.Figure:
    """Grouped bars by period with disagreeing sources side by side, periods in time order."""
    fig = colour_by_series(figures.bars(frame, y_title, height=height), frame)
    in_time_order = list(dict.fromkeys(frame.sort_values("period_end")["_x"]))
    fig.update_xaxes(categoryorder="array", categoryarray=in_time_order, tickangle=0)
    return fig


def point(row, how: str) -> str:
    """A value with its date ('58,000 on 4 August 2023'), its cut-off ('by') or its period ('in 2024',
    marked where the source calls the figure provisional)."""
    if how == "in":
        period = formatting.row_period(row)
        when = t("lithuania.period_provisional", period=period) if row["flag"] == "p" else period
    else:  # 'by' takes the governed form of a month ('do listopada 2022'); 'on' is worded for either
        when = formatting.row_date(row, governed=how == "by")
    return t(f"lithuania.point_{how}", value=formatting.number(row["value"]), when=when)


def gap_note(frame: pd.DataFrame, min_days: int = 400) -> str:
    """Name the long stretches without any figure, where a line only joins two distant points."""
    gaps = []
    for series, rows in frame.groupby("_series", sort=False):
        dated = rows.sort_values("period_end").drop_duplicates("period_end").to_dict("records")
        for before, after in zip(dated[:-1], dated[1:]):
            if (after["period_end"] - before["period_end"]).days > min_days:
                gaps.append(t("lithuania.gap_item", series=series, start=formatting.row_date(before, governed=True),
                              end=formatting.row_date(after, governed=True)))
    return t("lithuania.gap_note", items="; ".join(gaps)) if gaps else ""


def disagreement_note(frame: pd.DataFrame) -> str:
    """'Sources differ for 2025: every figure is shown.', naming each period where plotted figures clash."""
    clashing = frame[frame["conflict_group"].notna()].sort_values("period_end")
    if clashing.empty:
        return ""
    periods = dict.fromkeys(formatting.row_date(r) if r.kind == "cumulative" else formatting.row_period(r)
                            for r in clashing.itertuples())
    return t("lithuania.disagreement_note", periods=", ".join(periods))


def month_year(value, governed: bool = False) -> str:
    """'November 2022' in the reader's language (see formatting.month_year)."""
    return formatting.month_year(value, governed)


def values_text(rows: pd.DataFrame) -> str:
    """'1,634' or, where sources disagree, '1,634 (another source: 1,630)'."""
    values = [formatting.number(v) for v in rows.sort_values("fact_id")["value"]]
    if len(values) == 1:
        return values[0]
    return t("lithuania.value_and_others", value=values[0], others=", ".join(values[1:]))


def join_notes(*notes: str) -> str:
    """The caveats of a chart, in order, leaving out the empty ones."""
    return " ".join(note for note in notes if note)


# ------------------------------------------------------------------ Lithuania
def threat_flow(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """People judged a threat per year; Belarusians and the Belarusian+Russian total as separate series."""
    frame = select.rows(series, "lt_security_threat_flow", origin=list(ORIGIN_LABELS), destination="LTU")
    return labelled(frame, facts, "origin", ORIGIN_LABELS)


def screening_outcomes(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Decisions per year by outcome: first permits refused, renewals refused, valid permits cancelled."""
    frame = select.rows(series, list(SCREENING_OUTCOMES), destination="LTU")
    return labelled(frame, facts, "indicator", SCREENING_OUTCOMES)


def threats_since_questionnaire(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Running totals of people judged a threat since the questionnaire: Belarusians only and
    Belarusians with Russians as two labelled lines, never one."""
    frame = select.rows(series, "lt_security_threat_cumulative", origin=list(ORIGIN_LABELS), destination="LTU")
    frame["_label"] = frame["origin"].map(ORIGIN_LABELS).map(label)
    frame = in_order(frame, "origin", list(ORIGIN_LABELS))
    return with_hover(side_by_side(frame, facts), facts)


def decisions_since_questionnaire(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Running totals of permits cancelled and visas refused since the questionnaire."""
    frame = select.rows(series, list(SINCE_QUESTIONNAIRE), destination="LTU")
    frame["_label"] = frame["indicator"].map(SINCE_QUESTIONNAIRE).map(label)
    frame = in_order(frame, "indicator", list(SINCE_QUESTIONNAIRE))
    return with_hover(side_by_side(frame, facts), facts)


def permit_holders(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Belarusians with a valid permit: the Migration Department's count and Eurostat's, from the
    end of 2018 so both start near the same level."""
    frame = select.rows(series, list(STOCK_LABELS), destination="LTU", since="2018-12-31")
    frame["_label"] = frame["indicator"].map(STOCK_LABELS).map(label)
    frame = in_order(frame, "indicator", list(STOCK_LABELS))
    return with_hover(side_by_side(frame, facts), facts)


def event_categories(groups: list[str]) -> list[str]:
    return [category for group in groups for category in EVENT_GROUPS[group]]


def in_year(frame: pd.DataFrame, origin: str, year: int) -> pd.DataFrame:
    return frame[(frame["origin"] == origin) & (frame["period_end"].dt.year == year)]


def intro(threats: pd.DataFrame, outcomes: pd.DataFrame, holders: pd.DataFrame, since: pd.DataFrame) -> str:
    """The page's opening paragraph, every number taken from the plotted rows."""
    last_year = threats.loc[threats["origin"] == "BLR", "period_end"].dt.year.max()
    previous = in_year(threats, "BLR", last_year - 1)
    compared = (t("lithuania.intro_compared", values=values_text(previous), year=last_year - 1)
                if not previous.empty else "")
    outcomes_last = outcomes[outcomes["period_end"].dt.year == last_year]
    largest = outcomes_last.loc[outcomes_last["value"].idxmax()]
    national = holders[holders["indicator"] == "lt_residence_permit_holders_stock"]
    peak = national.loc[national["value"].idxmax()]
    latest = national.iloc[-1]
    return " ".join([
        t("lithuania.intro_screening", since=month_year(since["period_start"].min(), governed=True)),
        t("lithuania.intro_threats", year=last_year, values=values_text(in_year(threats, "BLR", last_year)),
          compared=compared),
        t("lithuania.intro_largest", value=formatting.number(largest["value"]),
          outcome=t(f"lithuania.outcome_phrase_{SCREENING_OUTCOMES[largest['indicator']]}")),
        t("lithuania.intro_holders", peak=formatting.number(peak["value"]), peak_date=formatting.row_date(peak),
          latest=formatting.number(latest["value"]), latest_date=formatting.row_date(latest)),
    ])


def swapped_years(outcomes: pd.DataFrame) -> list[int]:
    """Years in which reports give the same two numbers for refused first permits and refused
    renewals, the other way round (both versions plotted as a conflict)."""
    clashing = outcomes[outcomes["conflict_group"].notna()]
    years = []
    for year, rows in clashing.groupby(clashing["period_end"].dt.year):
        first = rows.loc[rows["indicator"] == "lt_first_permits_refused_security_flow", "value"]
        renewals = rows.loc[rows["indicator"] == "lt_renewals_refused_security_flow", "value"]
        if len(first) > 1 and sorted(first) == sorted(renewals):
            years.append(int(year))
    return years


def outcomes_note(outcomes: pd.DataFrame) -> str:
    years = swapped_years(outcomes)
    swapped = t("lithuania.outcomes_note_swapped", years=", ".join(map(str, years))) if years else ""
    return join_notes(t("lithuania.outcomes_note"), swapped)


def threat_flow_alt(frame: pd.DataFrame) -> str:
    parts = [f"{row['_label']}: {point(row, 'in')}" for row in frame.to_dict("records")]
    return t("lithuania.threats_alt", items="; ".join(parts))


def outcomes_alt(frame: pd.DataFrame) -> str:
    parts = []
    for _, rows in frame.groupby("period_end", sort=True):
        period = formatting.row_period(rows.iloc[0])
        parts.append(f"{period} — " + ", ".join(f"{row['_label']}: {formatting.number(row['value'])}"
                                                  for row in rows.to_dict("records")))
    return t("lithuania.outcomes_alt", items="; ".join(parts))


def running_total_alt(frame: pd.DataFrame, chart: str) -> str:
    """Alt text of a running-total chart; `chart` names its opening sentence (lithuania.<chart>_alt)."""
    parts = [f"{series}: " + ", ".join(point(row, "by") for row in rows.to_dict("records"))
             for series, rows in frame.groupby("_label", sort=False)]
    first = frame.loc[frame["period_start"].idxmin()]
    return t(f"lithuania.{chart}_alt", start=formatting.row_date(first, "period_start", governed=True),
             items="; ".join(parts))


def holders_alt(frame: pd.DataFrame) -> str:
    parts = []
    for series, rows in frame.groupby("_series", sort=False):
        peak = rows.loc[rows["value"].idxmax()]
        parts.append(t("lithuania.holders_alt_item", series=series, first=point(rows.iloc[0], "on"),
                       peak=point(peak, "on"), latest=point(rows.iloc[-1], "on")))
    return t("lithuania.holders_alt", items="; ".join(parts))
