"""Shaping for the Lithuania page (security screening and revoked permits); the helpers both
country pages share are in app/views_country.py.

Every function takes published frames (pub_series, pub_facts, pub_events) and returns the exact
rows a chart card plots, with presentation columns (`_label`, `_x`, `_hover`, `_series`) added.
Text for intros and alt texts is built here from the same rows, so no number is typed by hand;
every word comes from the catalogues (app/locales/<lang>/lithuania.yml), in the reader's language.
"""
from __future__ import annotations

import pandas as pd

from app import formatting, select
from app.views_country import (in_order, join_notes, labelled,
                               month_year, point, side_by_side, values_text, with_hover)
from app.i18n import t

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


def threat_flow(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """People judged a threat per year; Belarusians and the Belarusian+Russian total as separate series."""
    frame = select.rows(series, "lt_security_threat_flow", origin=list(ORIGIN_LABELS), destination="LTU")
    return labelled(frame, facts, "origin", ORIGIN_LABELS, name=label)


def screening_outcomes(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Decisions per year by outcome: first permits refused, renewals refused, valid permits cancelled."""
    frame = select.rows(series, list(SCREENING_OUTCOMES), destination="LTU")
    return labelled(frame, facts, "indicator", SCREENING_OUTCOMES, name=label)


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
