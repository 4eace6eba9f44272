"""Shaping for the Lithuania page (security screening and revoked permits), plus the small
helpers both country pages use to show disagreeing sources side by side.

Every function takes published frames (pub_series, pub_facts, pub_events) and returns the exact
rows a chart card plots, with presentation columns (`_label`, `_x`, `_hover`, `_series`) added.
Text for intros and alt texts is built here from the same rows, so no number is typed by hand.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_date

from app import figures, formatting, select
from app import i18n
from app.i18n import t

FLAG_NAMES = {"p": "provisional", "d": "definition differs", "b": "break in series", "e": "estimated",
              "u": "low reliability"}
ORIGIN_LABELS = {"BLR": "Belarusians", "BLR+RUS": "Belarusians and Russians together"}
SCREENING_OUTCOMES = {
    "lt_first_permits_refused_security_flow": "First permits refused",
    "lt_renewals_refused_security_flow": "Renewals refused",
    "lt_permits_cancelled_security_flow": "Valid permits cancelled",
}
# How the intro names the largest outcome of the latest year.
OUTCOME_PHRASES = {
    "lt_first_permits_refused_security_flow": "refusals of a first residence permit",
    "lt_renewals_refused_security_flow": "refusals to renew an expiring permit, that is, decisions on people "
                                         "already living in Lithuania",
    "lt_permits_cancelled_security_flow": "cancellations of valid permits, that is, decisions on people already "
                                          "living in Lithuania",
}
SINCE_QUESTIONNAIRE = {
    "lt_permits_cancelled_security_cumulative": "Valid permits cancelled",
    "lt_visas_refused_security_cumulative": "Visa applications refused",
}
STOCK_LABELS = {
    "lt_residence_permit_holders_stock": "Valid residence permits (Migration Department)",
    "eurostat_valid_permits_stock": "Valid permits of 3 months or more (Eurostat, 31 December)",
}
# The events the stock chart can mark, as a reader would name them.
EVENT_GROUPS = {
    "Restrictions": ["policy-restriction"],
    "Border and security": ["security"],
    "Support": ["policy-support"],
}


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
    out.loc[clash, "_label"] = [f"{label}, per {short_publisher(name)}"
                                for label, name in zip(out.loc[clash, "_label"], names)]
    return out


def with_hover(frame: pd.DataFrame, facts: pd.DataFrame, noun: str | None = None) -> pd.DataFrame:
    """Hover text per row: series, value with its unit, period, publisher and any caveat."""
    out = frame.copy()
    texts = []
    for row, publisher in zip(out.to_dict("records"), publishers(out, facts)):
        lines = [f"<b>{row['_label']}</b>",
                 f"{formatting.number(row['value'])} {noun or row['unit']}, "
                 f"{formatting.period(row['period_start'], row['period_end'], row['kind'])}",
                 f"Source: {publisher}"]
        if pd.notna(row["flag"]):
            lines.append(f"Flag: {FLAG_NAMES.get(row['flag'], row['flag'])}")
        if row["verification"] == "unverified":
            lines.append("Not re-checked against a stored copy of the source")
        if pd.notna(row["conflict_group"]):
            lines.append("Sources disagree: see the table below the chart")
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
    return [formatting.period(s, e, k) + ("<br>(provisional)" if f == "p" else "")
            for s, e, k, f in zip(frame["period_start"], frame["period_end"], frame["kind"], frame["flag"])]


def in_order(frame: pd.DataFrame, column: str, order: list) -> pd.DataFrame:
    """Rows sorted by a column in a given order, then by date and fact id."""
    rank = {value: i for i, value in enumerate(order)}
    return (frame.assign(_rank=frame[column].map(rank)).sort_values(["_rank", "period_end", "fact_id"])
            .drop(columns="_rank").reset_index(drop=True))


def year_bars(frame: pd.DataFrame, y_title: str, height: int = 400) -> go.Figure:
    """Grouped bars by period with disagreeing sources side by side, periods in time order."""
    fig = colour_by_series(figures.bars(frame, y_title, height=height), frame)
    in_time_order = list(dict.fromkeys(frame.sort_values("period_end")["_x"]))
    fig.update_xaxes(categoryorder="array", categoryarray=in_time_order, tickangle=0)
    return fig


def unverified_note(frame: pd.DataFrame) -> str:
    """A sentence naming the plotted figures whose cited page could not be re-checked."""
    rows = frame[frame["verification"] == "unverified"]
    if rows.empty:
        return ""
    items = [f"{formatting.number(r.value)} ({formatting.period(r.period_start, r.period_end, r.kind)})"
             for r in rows.itertuples()]
    return "Not re-checked against a stored copy of the cited page: " + "; ".join(items) + "."


def gap_note(frame: pd.DataFrame, min_days: int = 400) -> str:
    """Name the long stretches without any figure, where a line only joins two distant points."""
    gaps = []
    for label, rows in frame.groupby("_series", sort=False):
        dates = rows["period_end"].drop_duplicates().sort_values()
        for before, after in zip(dates.iloc[:-1], dates.iloc[1:]):
            if (after - before).days > min_days:
                gaps.append(f"{label}, {formatting.date(before)} to {formatting.date(after)}")
    return ("No figure was published for these stretches, where the line only joins the points on either side: "
            + "; ".join(gaps) + ".") if gaps else ""


def month_year(value) -> str:
    return format_date(pd.Timestamp(value).date(), format="LLLL y", locale=i18n.babel_locale())


def values_text(rows: pd.DataFrame, noun: str = "") -> str:
    """'1,634 Belarusians' or, where sources disagree, '1,634 Belarusians (another source: 1,630)'."""
    values = [formatting.number(v) for v in rows.sort_values("fact_id")["value"]]
    first = f"{values[0]} {noun}".strip()
    return first + (f" (another source: {', '.join(values[1:])})" if len(values) > 1 else "")


def join_notes(*notes: str) -> str:
    """Join caveats from several indicators, each sentence once."""
    sentences = []
    for note in notes:
        for sentence in note.replace(". ", ".\n").splitlines():
            if sentence.strip() and sentence.strip() not in sentences:
                sentences.append(sentence.strip())
    return " ".join(sentences)


# ------------------------------------------------------------------ Lithuania
def threat_flow(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """People judged a threat per year; Belarusians and the Belarusian+Russian total as separate series."""
    frame = select.rows(series, "lt_security_threat_flow", origin=list(ORIGIN_LABELS), destination="LTU")
    frame["_label"] = frame["origin"].map(ORIGIN_LABELS)
    frame["_x"] = period_labels(frame)
    frame = in_order(frame, "origin", list(ORIGIN_LABELS))
    return with_hover(side_by_side(frame, facts), facts, noun="people")


def screening_outcomes(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Decisions per year by outcome: first permits refused, renewals refused, valid permits cancelled."""
    frame = select.rows(series, list(SCREENING_OUTCOMES), destination="LTU")
    frame["_label"] = frame["indicator"].map(SCREENING_OUTCOMES)
    frame["_x"] = period_labels(frame)
    frame = in_order(frame, "indicator", list(SCREENING_OUTCOMES))
    return with_hover(side_by_side(frame, facts), facts)


def threats_since_questionnaire(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Running totals of people judged a threat since the questionnaire: Belarusians only and
    Belarusians with Russians as two labelled lines, never one."""
    frame = select.rows(series, "lt_security_threat_cumulative", origin=list(ORIGIN_LABELS), destination="LTU")
    frame["_label"] = frame["origin"].map(ORIGIN_LABELS)
    frame = in_order(frame, "origin", list(ORIGIN_LABELS))
    return with_hover(side_by_side(frame, facts), facts, noun="people")


def decisions_since_questionnaire(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Running totals of permits cancelled and visas refused since the questionnaire."""
    frame = select.rows(series, list(SINCE_QUESTIONNAIRE), destination="LTU")
    frame["_label"] = frame["indicator"].map(SINCE_QUESTIONNAIRE)
    frame = in_order(frame, "indicator", list(SINCE_QUESTIONNAIRE))
    return with_hover(side_by_side(frame, facts), facts)


def permit_holders(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Belarusians with a valid permit: the Migration Department's count and Eurostat's, from the
    end of 2018 so both start near the same level."""
    frame = select.rows(series, list(STOCK_LABELS), destination="LTU", since="2018-12-31")
    frame["_label"] = frame["indicator"].map(STOCK_LABELS)
    frame = in_order(frame, "indicator", list(STOCK_LABELS))
    return with_hover(side_by_side(frame, facts), facts, noun="people")


def event_categories(groups: list[str]) -> list[str]:
    return [category for group in groups for category in EVENT_GROUPS[group]]


def in_year(frame: pd.DataFrame, label: str, year: int) -> pd.DataFrame:
    return frame[(frame["_series"] == label) & (frame["period_end"].dt.year == year)]


def intro(threats: pd.DataFrame, outcomes: pd.DataFrame, holders: pd.DataFrame, since: pd.DataFrame) -> str:
    """The page's opening paragraph, every number taken from the plotted rows."""
    belarusians = ORIGIN_LABELS["BLR"]
    last_year = threats.loc[threats["origin"] == "BLR", "period_end"].dt.year.max()
    previous = in_year(threats, belarusians, last_year - 1)
    compared = f", against {values_text(previous)} in {last_year - 1}" if not previous.empty else ""
    outcomes_last = outcomes[outcomes["period_end"].dt.year == last_year]
    largest = outcomes_last.loc[outcomes_last["value"].idxmax()]
    national = holders[holders["indicator"] == "lt_residence_permit_holders_stock"]
    peak = national.loc[national["value"].idxmax()]
    latest = national.iloc[-1]
    return (
        f"Since {month_year(since['period_start'].min())} Lithuania has screened Belarusians who apply for visas "
        f"and residence permits with a questionnaire and State Security Department checks. In {last_year} the "
        f"Migration Department judged {values_text(in_year(threats, belarusians, last_year), 'Belarusians')} a "
        f"threat to national security{compared}. The largest group of decisions that year, "
        f"{formatting.number(largest['value'])}, were {OUTCOME_PHRASES[largest['indicator']]}. The number of "
        f"Belarusians with a valid residence permit peaked at {formatting.number(peak['value'])} on "
        f"{formatting.date(peak['period_end'])} and stood at {formatting.number(latest['value'])} on "
        f"{formatting.date(latest['period_end'])}."
    )


def threat_flow_alt(frame: pd.DataFrame) -> str:
    parts = [f"{row['_label']}: {formatting.number(row['value'])} in {row['_x']}" for row in frame.to_dict("records")]
    return "Bar chart of people judged a threat to Lithuania's national security per year. " + "; ".join(parts) + "."


def outcomes_alt(frame: pd.DataFrame) -> str:
    parts = []
    for period, rows in frame.groupby("_x", sort=True):
        parts.append(f"{period}: " + ", ".join(f"{row['_label']} {formatting.number(row['value'])}"
                                              for row in rows.to_dict("records")))
    return "Grouped bar chart of security decisions on Belarusians per year by outcome. " + "; ".join(parts) + "."


def running_total_alt(frame: pd.DataFrame, what: str) -> str:
    parts = [f"{label}: " + ", ".join(f"{formatting.number(row['value'])} by {formatting.date(row['period_end'])}"
                                      for row in rows.to_dict("records"))
             for label, rows in frame.groupby("_label", sort=False)]
    return (f"Line chart of {what}, running totals since {formatting.date(frame['period_start'].min())}. "
            + "; ".join(parts) + ".")


def holders_alt(frame: pd.DataFrame) -> str:
    def on(row) -> str:
        return f"{formatting.number(row['value'])} on {formatting.date(row['period_end'])}"

    parts = []
    for label, rows in frame.groupby("_series", sort=False):
        peak = rows.loc[rows["value"].idxmax()]
        parts.append(f"{label}: {on(rows.iloc[0])}, peak {on(peak)}, latest {on(rows.iloc[-1])}")
    return "Line chart of Belarusians holding a valid residence permit in Lithuania. " + "; ".join(parts) + "."
