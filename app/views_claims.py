"""Shaping for the claims page: each claim of the seed article with the figures its verdict
rests on (computed in the ETL, etl/metadata/claims.yml), formatted for the reader.

Every number in a verdict's explanation is a placeholder filled from pub_claim_figures, so the
page recomputes itself when the data are refreshed.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from app import data, formatting, select
from app import events as app_events
from app.i18n import MissingMessage, t

VERDICT_ICONS = {"supported": ":material/check_circle:", "partly_supported": ":material/contrast:",
                 "not_supported": ":material/cancel:", "not_checkable": ":material/help:"}
VERDICT_COLOURS = {"supported": "green", "partly_supported": "orange", "not_supported": "red",
                   "not_checkable": "gray"}
ARTICLE_FACT = "SURV_ECFR_FLED"  # the curated row that cites the seed article (its title and URL)


@dataclass
class ClaimCard:
    claim_id: str
    quote: str
    kind: str
    verdict: str
    explanation: str
    figures: pd.DataFrame      # the selected published rows, one per figure value
    series_rows: pd.DataFrame  # the same rows as in pub_series, for a chart card
    events: pd.DataFrame       # events a claim about a policy rests on


def article(release: data.Release) -> tuple[str, str, str]:
    """(publisher, title, url) of the seed article, from the curated figures that cite it."""
    row = data.facts(release).set_index("fact_id").loc[ARTICLE_FACT]
    return row["publisher"], row["source_title"], row["source_url"]


def _format(value: float, unit) -> str:
    if pd.isna(value):
        return "–"
    if unit in ("percent", "share"):
        return formatting.value_with_unit(value, unit)
    if isinstance(value, float) and not value.is_integer():
        return formatting.number(value, decimals=1)
    return formatting.number(value)


def placeholders(figures: pd.DataFrame) -> dict[str, str]:
    """{name} → the figure's value(s), {name}_date → its date(s), {name}_year → its year(s).
    Figures with several values (sources that disagree) list them all: '25,600 / 28,745'."""
    params: dict[str, str] = {}
    for name, rows in figures.groupby("figure", sort=False):
        rows = rows.sort_values("value")
        params[name] = " / ".join(_format(v, u) for v, u in zip(rows["value"], rows["unit"]))
        dates = rows["period_end"].dropna().drop_duplicates()
        if len(dates):
            params[f"{name}_date"] = " / ".join(formatting.date(d) for d in dates)
            params[f"{name}_year"] = " / ".join(str(d.year) for d in dates)
    return params


def series_rows_for(figures: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The pub_series rows behind a claim's selected figures (for a chart card and its CSV)."""
    chosen = figures[figures["role"] == "figure"][["indicator", "destination", "period_end", "value", "fact_id"]]
    merged = series.merge(chosen.drop(columns="fact_id"), on=["indicator", "destination", "period_end", "value"])
    return merged.drop_duplicates().reset_index(drop=True)


def claim_events(rule_events: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    keys = set(zip(rule_events["destination"], rule_events["period_end"]))
    mask = pd.Series([(c, d) in keys for c, d in zip(events["country"], events["date"])], index=events.index)
    return events[mask].sort_values("date")


def cards(release: data.Release) -> list[ClaimCard]:
    claims = data.table(release, "pub_claims")
    verdicts = data.table(release, "pub_claim_verdicts").set_index("claim_id")
    figures = data.table(release, "pub_claim_figures")
    series, events = data.series(release), app_events.all_events(release)
    out = []
    for claim in claims.itertuples():
        own = figures[figures["claim_id"] == claim.claim_id]
        verdict = verdicts.at[claim.claim_id, "verdict"]
        params = placeholders(own[own["role"] != "event"])
        try:
            explanation = t(f"claims.{claim.claim_id}_{verdict}", **params)
        except MissingMessage:
            # The data moved a verdict that no explanation was written for: say so, never guess.
            explanation = t("claims.explanation_pending")
        out.append(ClaimCard(claim.claim_id, claim.quote, claim.claim_kind, verdict, explanation,
                             own[own["role"] == "figure"], series_rows_for(own, series),
                             claim_events(own[own["role"] == "event"], events)))
    return out


def chartable(rows: pd.DataFrame) -> bool:
    """A claim's figures get a chart only when they are of one kind and one unit."""
    if rows.empty:
        return False
    try:
        select.one_kind(rows)
    except select.MixedKindsError:
        return False
    return rows["unit"].nunique() == 1 and len(rows) > 1

