"""Published estimates of how many people left Belarus (pub_estimates): how each reads (its
bound, who it counts), the range they span, and the Overview's sentence that names who says what.

Every number comes from pub_estimates, whose ends the build reads from the raw facts.csv."""
from __future__ import annotations

import pandas as pd

from app import data, formatting
from app.markdown import md
from app.i18n import t
from app.sources import host, published_date


def figure(row) -> str:
    """'over 200,000', 'up to 200,000' or '300,000 to 500,000', as the estimate's bound says."""
    return t(f"common.estimate_{row['bound']}", low=formatting.number(row["low"]), high=formatting.number(row["high"]))


def who(row) -> str:
    """Who the estimate counts, and that Russia is included where the source says so (an estimate
    of people who 'fled west' says where in its own words)."""
    text = t(f"common.counted_{row['counted']}")
    if row["destinations"] == "including_russia":
        text = t("common.counted_with_russia", who=text)
    return text


def value_range(estimates: pd.DataFrame) -> tuple[float, float]:
    """From the lowest figure any estimate states to the highest (an 'up to' estimate states only
    its high end, an 'over' estimate only its low end)."""
    ends = pd.concat([estimates["low"], estimates["high"]]).dropna()
    return float(ends.min()), float(ends.max())


def smallest_first(estimates: pd.DataFrame) -> pd.DataFrame:
    """By the first figure each states (low end, else high end), then by the high end."""
    return (estimates.assign(_first=estimates["low"].fillna(estimates["high"]))
            .sort_values(["_first", "high", "estimate_id"], na_position="last").drop(columns="_first"))


def linked(text: str, url: str, date: str = "") -> str:
    """'[text](<url>) (host, date)': a markdown link that says where it leads and when the page
    was published."""
    details = ", ".join(md(part) for part in (host(url), date) if part)
    return f"[{md(text)}](<{url}>) ({details})"


def sentence(estimates: pd.DataFrame) -> str:
    """The range of the published estimates and who says what, smallest first, each source linked
    with its host and publication date (markdown)."""
    items = [t("overview.estimate_item", figure=md(figure(row)), who=md(who(row)),
               source=linked(row["publisher"], row["source_url"], published_date(row["published"])))
             for _, row in smallest_first(estimates).iterrows()]
    if len(items) == 1:
        return t("overview.intro_estimate", estimates=items[0])
    low, high = value_range(estimates)
    return t("overview.intro_estimates", count=len(items), low=md(formatting.number(low)),
             high=md(formatting.number(high)), estimates="; ".join(items))


def table(release: data.Release) -> pd.DataFrame:
    return data.table(release, "pub_estimates")
