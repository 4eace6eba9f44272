"""Shaping for the claims page: each claim of the seed article with its verdict at the article's
time, the reason and the strength of the evidence behind it, the figures and events it rests on,
and, apart, what later evidence shows (computed in the ETL: etl/metadata/claims.yml,
etl/steps/pub_claim_checks.py), formatted for the reader.

Every number in an explanation is a placeholder filled from a NAMED row of pub_claim_figures:
{name} is a figure or derived value with one value; {name}_all lists the values of a figure
on which sources disagree; {name}_each lists a derived value per combination of its inputs,
each item written by the message `claims.<claim>_<name>_each` with that combination's own
inputs (so a multiple always stands next to its own baseline). Who a figure counts comes from
its origin ({name}_who), never from the claim's subject.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pandas as pd
from babel.dates import format_date
from babel.lists import format_list

from app import data, formatting, i18n, memo, select
from app import events as app_events
from app.i18n import MissingMessage, t
from app.markdown import md
from app.sources import _source_table_refs

VERDICT_COLOURS = {"supported": "green", "partly_supported": "orange", "not_supported": "red",
                   "not_checkable": "gray"}
STRENGTH_COLOURS = {"official_statistics": "blue", "official_reported": "blue", "checked_event": "blue",
                    "unchecked": "orange", "none": "gray"}
ARTICLE_FACT = "SURV_ECFR_FLED"  # the curated row that cites the seed article (its title, URL and date)


@dataclass
class Evidence:
    """What one cut of the evidence shows: up to the article, or including what came later."""
    verdict: str
    strength: str
    reasons: list[str]         # translated: why this verdict (each part, where a claim has several)
    explanation: str
    figures: pd.DataFrame      # selected published rows, one per value (this cut; later: only those dated after)
    events: pd.DataFrame       # events of pub_events (this cut; later: only those dated after)


@dataclass
class ClaimCard:
    claim_id: str
    quote: str
    kind: str
    at_article: Evidence
    later: Evidence | None     # None where no evidence is dated after the article
    series_rows: pd.DataFrame  # pub_series rows of every figure shown (both cuts), for the chart card
    parts: list[str] = field(default_factory=list)


def article(release: data.Release) -> tuple[str, str, str]:
    """(publisher, title, url) of the seed article, from the curated figures that cite it."""
    row = data.facts(release).set_index("fact_id").loc[ARTICLE_FACT]
    return row["publisher"], row["source_title"], row["source_url"]


def article_published(release: data.Release) -> str:
    """The article's publication date as precisely as the data give it: a year, a month or a day."""
    published = str(data.facts(release).set_index("fact_id").at[ARTICLE_FACT, "published"]).strip()
    pieces = published.split("-")
    if len(pieces) == 1:
        return pieces[0]
    if len(pieces) == 2:
        return format_date(pd.Timestamp(f"{published}-01").date(), "LLLL y", locale=i18n.babel_locale())
    return formatting.date(published)


# ------------------------------------------------------------------ values as a reader reads them
def format_value(value: float, unit) -> str:
    if pd.isna(value):
        return "–"
    if unit in ("percent", "share"):
        return formatting.value_with_unit(value, unit)
    if isinstance(value, float) and not value.is_integer():
        return formatting.number(value, decimals=1)
    return formatting.number(value)


def who(origin) -> str:
    """Who a figure counts, from its origin code: 'Belarusians', 'Belarusians and Russians together'."""
    if not isinstance(origin, str):
        return ""
    try:
        return t(f"claims.who_{origin.replace('+', '_')}")
    except MissingMessage:
        return i18n.country(origin)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _row_params(name: str, row: pd.Series | dict) -> dict[str, str]:
    params = {name: format_value(row["value"], row.get("unit"))}
    if pd.notna(row.get("period_end")):
        params[f"{name}_date"] = formatting.date(row["period_end"])
        params[f"{name}_year"] = str(row["period_end"].year)
    if pd.notna(row.get("period_start")):
        params[f"{name}_start"] = formatting.date(row["period_start"])
    if isinstance(row.get("origin"), str):
        params[f"{name}_who"] = who(row["origin"])
    if isinstance(row.get("destination"), str):
        params[f"{name}_place"] = i18n.country(row["destination"])
    return params


def _join(items: list[str]) -> str:
    return format_list(items, locale=i18n.babel_locale()) if items else ""


@dataclass(frozen=True)
class Named:
    """The named values of one cut of a claim's figures, as rows (no text: the same in every
    language): each figure's or derived value's rows as records, and every row by its value_id."""
    groups: tuple[tuple[str, bool, tuple[dict, ...]], ...]   # (name, derived, rows)
    by_id: dict[str, dict]


def named(rows: pd.DataFrame) -> Named:
    rows = rows[rows["role"].isin(["figure"]) | rows["role"].str.startswith("derived:")]
    records = rows.to_dict("records")
    groups: dict[str, list[dict]] = {}
    for record in records:
        if pd.notna(record["figure"]):  # as groupby: a row without a name names no value
            groups.setdefault(record["figure"], []).append(record)
    return Named(tuple((name, group[0]["role"].startswith("derived:"), tuple(group)) for name, group in groups.items()),
                 {record["value_id"]: record for record in records})


def _common_date(group: tuple[dict, ...], column: str):
    """The one date every row of `group` has in `column`, or None."""
    dates = [row[column] for row in group if pd.notna(row[column])]
    return dates[0] if dates and len(dates) == len(group) and len(set(dates)) == 1 else None


def placeholders(claim_id: str, rows: pd.DataFrame | Named) -> dict[str, str]:
    """Named values of one cut of a claim's figures (see the module docstring), in the reader's
    language."""
    values = rows if isinstance(rows, Named) else named(rows)
    params: dict[str, str] = {}
    for name, derived, group in values.groups:
        if len(group) == 1:
            params.update(_row_params(name, group[0]))
        else:
            params[f"{name}_all"] = _join([format_value(row["value"], row["unit"]) for row in group])
            for column, suffix in (("period_end", "date"), ("period_start", "start")):
                date = _common_date(group, column)
                if date is not None:
                    params[f"{name}_{suffix}"] = formatting.date(date)
        if derived:
            key = f"claims.{claim_id}_{name}_each"
            if key in i18n.catalogue(i18n.language()):
                items = []
                for row in group:
                    item = _row_params(name, row)
                    for side, value_id in (pair.split("=", 1) for pair in row["inputs"].split(";")):
                        item.update(_row_params(side, values.by_id[value_id]))
                    items.append(t(key, **item))
                params[f"{name}_each"] = _join(items)
    return params


def explanation(claim_id: str, key: str, rows: pd.DataFrame | Named, parts: pd.DataFrame) -> str:
    """The message `key` filled from the named values; the pending note where the data moved a
    verdict that no explanation was written for (never a guess)."""
    params = placeholders(claim_id, rows)
    thresholds = [(part, threshold) for part, threshold in zip(parts["part"], parts["threshold"])
                  if pd.notna(threshold)]
    for part, threshold in thresholds:
        params[f"threshold_{part}"] = format_value(threshold, None)
    if len(thresholds) == 1:
        params["threshold"] = params[f"threshold_{thresholds[0][0]}"]
    try:
        return t(key, **params)
    except KeyError:  # no message (MissingMessage), or a named value the data no longer hold
        return t("claims.explanation_pending")


def reasons(claim_id: str, parts: pd.DataFrame) -> list[str]:
    """Why the verdict: the reason of a one-part claim; each part with its verdict and reason otherwise."""
    if len(parts) == 1:
        return [t(f"claims.reason_{parts['reason'].iloc[0]}")]
    return [t("claims.part_line", part=t(f"claims.part_{claim_id}_{row.part}"),
              verdict=t(f"claims.verdict_{row.verdict}"), reason=t(f"claims.reason_{row.reason}"))
            for row in parts.itertuples()]


def strength_label(strength: str) -> str:
    return t(f"claims.strength_{strength}")


# Badges carry words only: a Material icon inside markdown is its name in the page's text, which a
# screen reader reads ("check_circle") and a copy carries along. The colour repeats the words.
def verdict_badge(verdict: str) -> str:
    """'Verdict: Supported by these data' as a coloured markdown badge."""
    text = t("claims.verdict_badge", verdict=t(f"claims.verdict_{verdict}"))
    return f":{VERDICT_COLOURS[verdict]}-badge[{md(text)}]"


def strength_badge(strength: str) -> str:
    """'Evidence: official statistics' as a coloured markdown badge."""
    return f":{STRENGTH_COLOURS[strength]}-badge[{md(strength_label(strength))}]"


# ------------------------------------------------------------------ rows behind a card
def series_rows_for(figures: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The pub_series rows behind a claim's selected figures (for a chart card and its CSV)."""
    keys = ["indicator", "origin", "destination", "category", "period_end", "value"]
    chosen = figures[figures["role"] == "figure"][keys].drop_duplicates()
    merged = series.merge(chosen, on=keys)
    return merged.drop_duplicates().reset_index(drop=True)


def claim_events(rule_events: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    keys = set(zip(rule_events["destination"], rule_events["period_end"]))
    mask = pd.Series([(c, d) in keys for c, d in zip(events["country"], events["date"])], index=events.index)
    return events[mask].sort_values("date")


@dataclass(frozen=True)
class Cut:
    """One cut of a claim's evidence as the release gives it, before any text is written."""
    verdict: str
    strength: str
    key: str                   # the explanation's message
    named: Named               # the named values its explanation is filled from
    parts: pd.DataFrame        # pub_claim_parts rows of this cut (its reasons)
    figures: pd.DataFrame
    events: pd.DataFrame

    def evidence(self, claim_id: str) -> Evidence:
        """This cut in the reader's language."""
        return Evidence(self.verdict, self.strength, reasons(claim_id, self.parts),
                        explanation(claim_id, self.key, self.named, self.parts), self.figures, self.events)


@dataclass(frozen=True)
class ClaimRows:
    """A claim's evidence as the release gives it: what ClaimCard shows, before any text."""
    claim_id: str
    quote: str
    kind: str
    at_article: Cut
    later: Cut | None
    series_rows: pd.DataFrame
    parts: tuple[str, ...]

    def card(self) -> ClaimCard:
        return ClaimCard(self.claim_id, self.quote, self.kind, self.at_article.evidence(self.claim_id),
                         None if self.later is None else self.later.evidence(self.claim_id), self.series_rows,
                         list(self.parts))


def claim_rows(release: data.Release) -> list[ClaimRows]:
    """Every claim's figures, events and chart rows, selected from the release once per release
    (most of a claims page's first run: ~1 s of CPU) and shared by every language. A server reads
    them from the image's bake when it holds them (app/cards/bake.py ROWS: made there by
    `made_claim_rows`)."""
    return memo.per_release(release, "claims.rows", lambda: made_claim_rows(release), baked=True)


def made_claim_rows(release: data.Release) -> list[ClaimRows]:
    """Every claim's rows selected from the release now (no bake, no memo)."""
    claims = data.table(release, "pub_claims")
    verdicts = data.table(release, "pub_claim_verdicts").set_index("claim_id")
    parts = data.table(release, "pub_claim_parts")
    figures = data.table(release, "pub_claim_figures")
    events = app_events.all_events(release)
    series = data.series(release)
    # Split once, not filtered again for every claim: the same rows, in the same order. The series
    # rows of the claims' indicators only (a merge on the indicator finds no other).
    series = series[series["indicator"].isin(set(figures["indicator"].dropna()))]
    by_claim = dict(tuple(figures.groupby("claim_id", sort=False)))
    parts_by_claim = dict(tuple(parts.groupby("claim_id", sort=False)))
    out = []
    for claim in claims.itertuples():
        summary = verdicts.loc[claim.claim_id]
        cutoff = summary["article_date"]
        own = by_claim.get(claim.claim_id, figures.iloc[0:0])
        own_parts = parts_by_claim.get(claim.claim_id, parts.iloc[0:0])

        def cut(as_of: str, verdict: str, strength: str, key: str, after: bool, own=own, own_parts=own_parts,
                cutoff=cutoff) -> Cut:
            rows = own[own["as_of"] == as_of]
            view_parts = own_parts[own_parts["as_of"] == as_of]
            shown = rows[rows["role"] == "figure"]
            event_rows = rows[rows["role"] == "event"]
            if after:
                shown = shown[shown["period_end"] > cutoff]
                event_rows = event_rows[event_rows["period_end"] > cutoff]
            return Cut(verdict, strength, key, named(rows), view_parts, shown.reset_index(drop=True),
                       claim_events(event_rows, events))

        then = cut("article", summary["verdict"], summary["evidence_strength"],
                   f"claims.{claim.claim_id}_{summary['verdict']}", after=False)
        later = None
        if isinstance(summary["verdict_later"], str):
            later = cut("latest", summary["verdict_later"], summary["evidence_strength_later"],
                        f"claims.{claim.claim_id}_later_{summary['verdict_later']}", after=True)
        shown = own[own["role"] == "figure"]
        shown = shown[(shown["as_of"] == "article") | (shown["period_end"] > cutoff)]
        rows = series_rows_for(shown, series)
        rows["_later"] = rows["period_end"] > cutoff
        out.append(ClaimRows(claim.claim_id, claim.quote, claim.claim_kind, then, later, rows,
                             tuple(own_parts.loc[own_parts["as_of"] == "article", "part"].tolist())))
    return out


def cards(release: data.Release) -> list[ClaimCard]:
    """Every claim with its evidence, in the reader's language: the rows kept per release
    (claim_rows), the reasons and explanations written now."""
    return [claim.card() for claim in claim_rows(release)]


def chartable(rows: pd.DataFrame) -> bool:
    """A claim's figures get a chart only when they are of one kind and one unit."""
    if rows.empty:
        return False
    try:
        select.one_kind(rows)
    except select.MixedKindsError:
        return False
    return rows["unit"].nunique() == 1 and len(rows) > 1


# ------------------------------------------------------------------ tables and labels
def figure_label(indicator: str, category) -> str:
    """What a figure counts: its indicator's title, and its category where it is one part of a total."""
    title = indicator_title(indicator)
    if isinstance(category, str) and category != "total":
        return t("claims.figure_with_category", indicator=title, category=t(f"claims.category_{category}"))
    return title


def indicator_title(indicator: str) -> str:
    return t(f"indicators.{indicator}.title")


def sources_of(rows: pd.DataFrame, release: data.Release) -> tuple[list[str], list[str], list[str]]:
    """(publisher, title, link) of each row: the cited page for curated figures, the dataset otherwise."""
    structured = _source_table_refs(release)
    facts = memo.per_release(release, "claims.facts_by_id", lambda: data.facts(release).set_index("fact_id"))
    publishers, titles, links = [], [], []
    for source_id, fact_id in zip(rows["source_id"], rows["fact_id"]):
        if source_id == "curated" and isinstance(fact_id, str) and fact_id in facts.index:
            publishers.append(facts.at[fact_id, "publisher"])
            titles.append(facts.at[fact_id, "source_title"])
            links.append(facts.at[fact_id, "source_url"])
        else:
            ref = structured[source_id]
            publishers.append(ref.publisher)
            titles.append(ref.title)
            links.append(ref.url)
    return publishers, titles, links


def short_publisher(publisher: str) -> str:
    """'Nasha Niva (citing Rzeczpospolita)' -> 'Nasha Niva': enough to tell two bars apart."""
    return publisher.split(" (")[0].strip()


def figure_table(rows: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    """The figures as a reader reads them: what, who, where, value, period, evidence, source and link."""
    publishers, titles, links = sources_of(rows, release)
    return pd.DataFrame({
        t("claims.col_figure"): [figure_label(i, c) for i, c in zip(rows["indicator"], rows["category"])],
        t("claims.col_who"): [capitalised(who(o)) for o in rows["origin"]],
        t("claims.col_value"): [formatting.value_with_unit(v, u) for v, u in zip(rows["value"], rows["unit"])],
        t("claims.col_period"): [formatting.period(s, e, k) for s, e, k in
                                 zip(rows["period_start"], rows["period_end"], rows["kind"])],
        t("claims.col_place"): [i18n.country(d) for d in rows["destination"]],
        t("claims.col_evidence"): [t(f"claims.strength_short_{s}") for s in rows["evidence_strength"]],
        t("claims.col_source"): [f"{p}: {title}" for p, title in zip(publishers, titles)],
        t("claims.col_link"): links,
    })


def chart_labels(rows: pd.DataFrame, release: data.Release, lines: bool = False) -> list[str]:
    """One label per bar: what, who, where, when and who published it (so two disagreeing figures
    never share a label), marked where the figure is dated after the article. With `lines`, what
    the figure counts and the rest go on separate lines (<br>), as a chart's axis shows them."""
    publishers, _, _ = sources_of(rows, release)
    labels = []
    columns = ["indicator", "category", "origin", "destination", "period_end", "_later"]
    for (indicator, category, origin, destination, end, later), publisher in zip(
            rows[columns].itertuples(index=False, name=None), publishers):
        what = figure_label(indicator, category)
        if lines:
            what = "<br>".join(textwrap.wrap(what, 60))
        label = t("claims.figure_label_lines" if lines else "claims.figure_label", indicator=what, who=who(origin),
                  place=i18n.country(destination), date=formatting.date(end), source=short_publisher(publisher))
        labels.append(t("claims.figure_label_later", label=label) if later else label)
    return labels


def check_label(verification) -> str:
    return t(f"claims.check_{verification}") if isinstance(verification, str) else ""
