"""Shaping both country pages (Lithuania, Poland) share: disagreeing sources set side by side,
hover texts, a colour per series, period labels with provisional marks, grouped bars in time order,
and the notes and phrases that name values, gaps and disagreements. Words come from the `country`
catalogue (app/locales/<lang>/country.yml)."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from app import figures, formatting
from app.i18n import t

FLAGS = {"p", "d", "b", "e", "u"}  # Eurostat's flags; each has a name in the catalogue (flag_<code>)


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
    out.loc[clash, "_label"] = [t("country.label_per_source", label=series, source=short_publisher(name))
                                for series, name in zip(out.loc[clash, "_label"], names)]
    return out


def with_hover(frame: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Hover text per row: series, value with its unit, period, publisher and any caveat."""
    out = frame.copy()
    texts = []
    for row, publisher in zip(out.to_dict("records"), publishers(out, facts)):
        lines = [f"<b>{row['_label']}</b>",
                 f"{formatting.value_with_unit(row['value'], row['unit'])}, {formatting.row_period(row)}",
                 t("country.hover_source", publisher=publisher)]
        if pd.notna(row["flag"]):
            flag = t(f"country.flag_{row['flag']}") if row["flag"] in FLAGS else row["flag"]
            lines.append(t("country.hover_flag", flag=flag))
        # A figure not re-checked against its source is marked by app.figures, on every chart.
        if pd.notna(row["conflict_group"]):
            lines.append(t("country.hover_conflict"))
        texts.append("<br>".join(lines))
    out["_hover"] = texts
    return out


def colour_by_series(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    """Give every variant of a series (one per disagreeing source) the colour of the series."""
    # keyed by the series' ids (figures.series_key), not by its translated name or its position
    keys = {series: figures.series_key(rows) for series, rows in frame.groupby("_series", sort=False)}
    by_key = figures.series_colours(keys.values())
    colour_of = {label: by_key[keys[series]] for label, series in zip(frame["_label"], frame["_series"])}
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
    return [formatting.row_period(row) + ("<br>" + t("country.provisional_mark") if row["flag"] == "p" else "")
            for row in frame.to_dict("records")]


def in_order(frame: pd.DataFrame, column: str, order: list) -> pd.DataFrame:
    """Rows sorted by a column in a given order, then by date and fact id."""
    rank = {value: i for i, value in enumerate(order)}
    return (frame.assign(_rank=frame[column].map(rank)).sort_values(["_rank", "period_end", "fact_id"])
            .drop(columns="_rank").reset_index(drop=True))


def labelled(frame: pd.DataFrame, facts: pd.DataFrame, column: str, labels: dict, name: Callable[[str], str],
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
        when = t("country.period_provisional", period=period) if row["flag"] == "p" else period
    else:  # 'by' takes the governed form of a month ('do listopada 2022'); 'on' is worded for either
        when = formatting.row_date(row, governed=how == "by")
    return t(f"country.point_{how}", value=formatting.number(row["value"]), when=when)


def gap_note(frame: pd.DataFrame, min_days: int = 400) -> str:
    """Name the long stretches without any figure, where a line only joins two distant points."""
    gaps = []
    for series, rows in frame.groupby("_series", sort=False):
        dated = rows.sort_values("period_end").drop_duplicates("period_end").to_dict("records")
        for before, after in zip(dated[:-1], dated[1:]):
            if (after["period_end"] - before["period_end"]).days > min_days:
                gaps.append(t("country.gap_item", series=series, start=formatting.row_date(before, governed=True),
                              end=formatting.row_date(after, governed=True)))
    return t("country.gap_note", items="; ".join(gaps)) if gaps else ""


def disagreement_note(frame: pd.DataFrame) -> str:
    """'Sources differ for 2025: every figure is shown.', naming each period where plotted figures clash."""
    clashing = frame[frame["conflict_group"].notna()].sort_values("period_end")
    if clashing.empty:
        return ""
    periods = dict.fromkeys(formatting.row_date(r) if r.kind == "cumulative" else formatting.row_period(r)
                            for r in clashing.itertuples())
    return t("country.disagreement_note", periods=", ".join(periods))


def month_year(value, governed: bool = False) -> str:
    """'November 2022' in the reader's language (see formatting.month_year)."""
    return formatting.month_year(value, governed)


def values_text(rows: pd.DataFrame) -> str:
    """'1,634' or, where sources disagree, '1,634 (another source: 1,630)'."""
    values = [formatting.number(v) for v in rows.sort_values("fact_id")["value"]]
    if len(values) == 1:
        return values[0]
    return t("country.value_and_others", value=values[0], others=", ".join(values[1:]))


def join_notes(*notes: str) -> str:
    """The caveats of a chart, in order, leaving out the empty ones."""
    return " ".join(note for note in notes if note)


# ------------------------------------------------------------------ Lithuania
