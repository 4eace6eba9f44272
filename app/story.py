"""The story "Five years in exile": what the public reads first, in six chapters of short
paragraphs, each followed by a chart card of the registry.

Every sentence is a catalogue template (app/locales/<lang>/story.yml) filled with named inputs
drawn from the release: a `Figure` is a number computed from published rows (kept with it, so
a test can re-read them from the release and recompute the number), a `When` a date of a
published row or event. No number is typed in the text: a data refresh rewrites the story.
Where two sources disagree on a figure, the sentence gives both.

The chapters are plain data (texts, card names and parameters, links), built here without
Streamlit, so the page (pages/story.py) and any other edition draw the same story."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from app import cards, data, estimates, formatting, i18n, memo, select, url_state
from app import views_context as context
from app import views_where as where
from app.card import ChartCard
from app.cards.overview import national_stocks
from app.i18n import t

# Published rows by table: the key is the table's name, or '<table>#<role>' where a figure reads
# two sets of rows of one table (a ratio's numerator and denominator).
Rows = dict[str, pd.DataFrame]

# The events the story tells, by country and date as in pub_events (app/events.py keys them so).
# A missing one stops the story with an error naming it: it is never left out silently.
EVENTS = {
    "election": ("BLR", "2020-08-09"),
    "pbh_launch": ("POL", "2020-09-09"),
    "pbh_widened": ("POL", "2021-07-13"),
    "pbh_end": ("POL", "2024-01-26"),
    "questionnaire": ("LTU", "2022-12-05"),
    "rescreening": ("LTU", "2024-02-27"),
}
# How many other destinations the "where else" chapter names.
OTHER_DESTINATIONS = 3


class StoryDataError(LookupError):
    """The release lacks a row the story tells of."""


# ------------------------------------------------------------------ named inputs
@dataclass(frozen=True)
class Figure:
    """A number of the story, computed from published rows by `compute` and written as a reader
    reads it: a count ('number', with `decimals`), a share ('share', as a percentage) or a year.
    `others` are figures of other sources for the same thing on the same date: the text gives
    them beside the first. `unverified`: a curated figure not re-checked against its source (its
    paragraph says so in a sentence of its own)."""
    rows: Rows
    compute: Callable[[Rows], float]
    style: str = "number"
    decimals: int = 0
    others: tuple[float, ...] = ()
    unverified: bool = False

    @property
    def value(self) -> float:
        return float(self.compute(self.rows))

    def _write(self, value: float) -> str:
        if self.style == "share":
            return formatting.value_with_unit(value, "share")
        if self.style == "year":
            return str(int(value))
        return formatting.number(value, decimals=self.decimals)

    def text(self) -> str:
        text = self._write(self.value)
        if self.others:
            text = t("story.other_sources", value=text, others=where.listed([self._write(v) for v in self.others]))
        return text

    def shown(self) -> set[float]:
        """The values as the text writes them (rounded as printed)."""
        values = [self.value, *self.others]
        if self.style == "share":
            return {float(round(100 * v)) for v in values}
        return {float(round(v, self.decimals)) for v in values}


@dataclass(frozen=True)
class When:
    """A date of the story: a published row's `column` ('period_end', 'period_start' or an
    event's 'date'), printed as precisely as it is known."""
    rows: Rows
    column: str = "period_end"
    governed: bool = False

    @property
    def row(self) -> pd.Series:
        return next(iter(self.rows.values())).iloc[0]

    def text(self) -> str:
        return formatting.row_date(self.row, self.column, governed=self.governed)


@dataclass(frozen=True)
class Words:
    """Non-numeric words filled into a sentence: a country's name from CLDR, written in the
    reader's language when read (the chapters are shared by every language). No number in them."""
    country: str

    def text(self) -> str:
        return i18n.country(self.country)


Input = Figure | When | Words


@dataclass(frozen=True)
class Paragraph:
    """One short paragraph: the message 'story.<key>' filled with its named inputs. `count`
    names the input whose value picks the message's plural form (its placeholder is {count})."""
    key: str
    inputs: dict[str, Input] = field(default_factory=dict)
    count: str | None = None

    def text(self) -> str:
        params: dict[str, Any] = {name: value.text() for name, value in self.inputs.items() if name != self.count}
        if self.count is not None:
            counted = self.inputs[self.count]
            assert isinstance(counted, Figure)
            params["count"] = counted.value
        text = t(f"story.{self.key}", **params)
        unverified = [value._write(value.value) for value in self.figures().values() if value.unverified]
        if unverified:  # said in the paragraph itself, as every chart says it in its note
            text += " " + t("story.unverified", count=len(unverified), values=where.listed(unverified))
        return text

    def figures(self) -> dict[str, Figure]:
        return {name: value for name, value in self.inputs.items() if isinstance(value, Figure)}

    def dates(self) -> dict[str, When]:
        return {name: value for name, value in self.inputs.items() if isinstance(value, When)}


@dataclass(frozen=True)
class Chart:
    """A chart card of the registry at one view, and where its interactive view is: the page
    (url_path) and that page's URL parameters for the view."""
    card: str
    page: str
    params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)

    def build(self, release: data.Release) -> ChartCard:
        """The card from the registry, at this view."""
        card = cards.build(self.card, release, **self.params)
        if card is None:
            raise StoryDataError(f"the card {self.card!r} draws nothing at the story's view")
        return card

    def link(self) -> str:
        """The card's interactive view, in the reader's language, at its anchor (as the share menu
        links it on its own page)."""
        return url_state.page_link(self.page, anchor=self.card, params=self.query)


@dataclass(frozen=True)
class Chapter:
    key: str                                  # heading: 'story.<key>_heading'
    blocks: tuple[Paragraph | Chart, ...]     # paragraphs, each group followed by its chart

    @property
    def heading(self) -> str:
        return t(f"story.{self.key}_heading")

    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]

    def charts(self) -> list[Chart]:
        return [block for block in self.blocks if isinstance(block, Chart)]


# ------------------------------------------------------------------ building inputs from rows
# A figure's `compute` is a function of this module (or a functools.partial of one), never a
# lambda: the chapters are pickled into the image's bake (app/cards/bake.py ROWS) and read back.
def _value(rows: Rows) -> float:
    return float(rows["pub_series"]["value"].iloc[0])


def _year(rows: Rows) -> float:
    return rows["pub_series"]["period_end"].iloc[0].year


def _sum(rows: Rows) -> float:
    return float(rows["pub_series"]["value"].sum())


def _share(rows: Rows, part: tuple[str, ...], whole: str) -> float:
    by_place = rows["pub_series"].set_index("destination")["value"]
    return float(sum(by_place[code] for code in part) / by_place[whole])


def _ratio(rows: Rows) -> float:
    return float(rows["pub_series"]["value"].iloc[0] / rows["pub_series#denominator"]["value"].iloc[0])


def _estimates_count(rows: Rows) -> float:
    return float(len(rows["pub_estimates"]))


def _estimates_bound(rows: Rows, end: int) -> float:
    return estimates.value_range(rows["pub_estimates"])[end]


def _rest_of_eu(rows: Rows) -> float:
    frame = rows["pub_series"].set_index("destination")["value"]
    return float(frame[context.EU] - sum(frame[code] for code in context.MAIN))


def _one_in(rows: Rows) -> float:
    return float(rows["pub_population"]["population"].iloc[0] / rows["pub_series"]["value"].iloc[0])


def figure(rows: pd.DataFrame) -> Figure:
    """The figure of published rows that share one date: the first (by fact id, official rows
    first, as the headlines order them), and every other value given by another source."""
    ordered = rows.sort_values(["period_end", "fact_id"], na_position="first")
    if ordered.empty:
        raise StoryDataError("no published row for a figure of the story")
    first = ordered.iloc[[0]]
    others = tuple(dict.fromkeys(float(v) for v in ordered["value"].iloc[1:] if v != first["value"].iloc[0]))
    unverified = bool((first.get("verification") == "unverified").any()) if "verification" in first else False
    return Figure({"pub_series": ordered}, _value, others=others, unverified=unverified)


def year(rows: pd.DataFrame) -> Figure:
    """The year a row's period ends in (a flow's year, a stock's 31 December)."""
    return Figure({"pub_series": rows.iloc[[0]]}, _year, style="year")


def when(rows: pd.DataFrame, column: str = "period_end", governed: bool = False) -> When:
    return When({"pub_series": rows.iloc[[0]]}, column, governed)


def total(rows: pd.DataFrame) -> Figure:
    select.one_kind(rows)
    return Figure({"pub_series": rows}, _sum)


def share_of(rows: pd.DataFrame, part: tuple[str, ...], whole: str) -> Figure:
    """The part of a total (rows of one indicator on one date): the values of the destinations
    `part` together, over the value of `whole` (an aggregate such as EU27_2020)."""
    select.one_kind(rows)
    return Figure({"pub_series": rows}, partial(_share, part=part, whole=whole), style="share")


def ratio(numerator: pd.DataFrame, denominator: pd.DataFrame) -> Figure:
    """One published figure over another (two stocks, possibly of different dates: never added)."""
    select.one_kind(pd.concat([numerator, denominator]))
    return Figure({"pub_series": numerator.iloc[[0]], "pub_series#denominator": denominator.iloc[[0]]},
                  _ratio, style="share")


def event(release: data.Release, name: str) -> When:
    country, date = EVENTS[name]
    events = data.events(release)
    row = events[(events["country"] == country) & (events["date"] == pd.Timestamp(date))]
    if row.empty:
        raise StoryDataError(f"pub_events has no event {name!r} ({country}, {date})")
    return When({"pub_events": row.iloc[[0]]}, "date")


def latest_rows(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["period_end"] == rows["period_end"].max()]


def first_rows(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["period_end"] == rows["period_end"].min()]


def trend(rows: pd.DataFrame, prefix: str) -> tuple[str, dict[str, Input]]:
    """A stock's path from its first to its latest figure: '<prefix>_rose' when the latest is its
    highest, else '<prefix>_peaked' with the peak and its date. Returns the message key suffix and
    the inputs named <prefix>_first, _first_date, _last, _last_date (and _peak, _peak_date)."""
    first, last = first_rows(rows), latest_rows(rows)
    peak_at = rows.loc[rows["value"].idxmax(), "period_end"]
    inputs: dict[str, Input] = {f"{prefix}_first": figure(first), f"{prefix}_first_date": when(first),
                                f"{prefix}_last": figure(last), f"{prefix}_last_date": when(last)}
    if peak_at == last["period_end"].iloc[0]:
        return "rose", inputs
    peak = rows[rows["period_end"] == peak_at]
    inputs |= {f"{prefix}_peak": figure(peak), f"{prefix}_peak_date": when(peak)}
    return "peaked", inputs


# ------------------------------------------------------------------ the chapters
def flight(release: data.Release) -> Chapter:
    """The flight after August 2020: the election, the published estimates, the national counts."""
    estimate_rows = {"pub_estimates": estimates.table(release)}
    poland, lithuania = national_stocks(data.series(release))
    pl_shape, pl_inputs = trend(poland, "pl")
    lt_shape, lt_inputs = trend(lithuania, "lt")
    return Chapter("flight", (
        Paragraph("flight_election", {"election": event(release, "election")}),
        Paragraph("flight_estimates", {
            "count": Figure(estimate_rows, _estimates_count),
            "low": Figure(estimate_rows, partial(_estimates_bound, end=0)),
            "high": Figure(estimate_rows, partial(_estimates_bound, end=1)),
        }, count="count"),
        Paragraph(f"flight_poland_{pl_shape}", pl_inputs),
        Paragraph(f"flight_lithuania_{lt_shape}", lt_inputs),
        Chart("overview-stocks", "overview"),
    ))


def destinations(release: data.Release) -> Chapter:
    """Poland and Lithuania as the main destinations: Eurostat's valid permits in the latest
    complete year, and Poland's own narrower count beside it."""
    series, countries = data.series(release), data.table(release, "pub_countries")
    measure = where.MEASURES["permits"]
    permits_year = where.default_year(series, measure, where.map_destinations(series, measure, countries))
    permits = select.rows(series, where.PERMITS, destination=[context.EU, *context.MAIN])
    permits = permits[permits["period_end"].dt.year == permits_year]
    eu, pl, lt = (permits[permits["destination"] == code] for code in (context.EU, "POL", "LTU"))
    documents = latest_rows(select.rows(series, where.POLISH_DOCUMENTS, destination="POL"))
    return Chapter("destinations", (
        Paragraph("destinations_permits", {"date": when(eu), "eu": figure(eu), "poland": figure(pl),
                                           "lithuania": figure(lt),
                                           "share": share_of(permits, context.MAIN, context.EU)}),
        Paragraph("destinations_poland", {"documents": figure(documents), "date": when(documents)}),
        Chart("where-ranking", "where", {"measure_key": "permits"}, {"measure": "permits"}),
    ))


def poland_it_visas(release: data.Release) -> Chapter:
    """Poland's IT-visa programme and its end: launch, widening, the running total (both counts),
    the suspension."""
    series = data.series(release)
    pbh = latest_rows(select.rows(series, "pl_pbh_visas_cumulative", destination="POL"))
    visa_code = latest_rows(select.rows(series, "udsc_pbh_visas_cumulative", destination="POL"))
    return Chapter("pbh", (
        Paragraph("pbh_launch", {"launch": event(release, "pbh_launch"), "widened": event(release, "pbh_widened")}),
        Paragraph("pbh_total", {"total": figure(pbh), "date": when(pbh), "code": figure(visa_code),
                                "code_start": when(visa_code, "period_start"), "code_date": when(visa_code)}),
        Paragraph("pbh_end", {"end": event(release, "pbh_end")}),
        Chart("poland-pbh-running-total", "poland"),
    ))


def lithuania_screening(release: data.Release) -> Chapter:
    """Lithuania's security screening: the questionnaire, people judged a threat (since it began
    and per year), and the decisions it led to."""
    series = data.series(release)
    since = latest_rows(select.rows(series, "lt_security_threat_cumulative", destination="LTU"))
    per_year = select.rows(series, "lt_security_threat_flow", destination="LTU")
    last = latest_rows(per_year)
    before = per_year[per_year["period_end"] < last["period_end"].iloc[0]]
    threats: dict[str, Input] = {"since_total": figure(since), "since_date": when(since),
                                 "latest": figure(last), "year": year(last)}
    key = "lithuania_threats"
    if not before.empty:
        previous = latest_rows(before)
        threats |= {"previous": figure(previous), "previous_year": year(previous)}
        key = "lithuania_threats_compared"
    return Chapter("lithuania", (
        Paragraph("lithuania_questionnaire", {"questionnaire": event(release, "questionnaire"),
                                              "rescreening": event(release, "rescreening")}),
        Paragraph(key, threats),
        Chart("lithuania-threats-per-year", "lithuania"),
        outcomes_paragraph(series),
        Chart("lithuania-decisions-by-outcome", "lithuania"),
    ))


OUTCOMES = {"renewals": "lt_renewals_refused_security_flow", "first": "lt_first_permits_refused_security_flow",
            "cancelled": "lt_permits_cancelled_security_flow"}


def outcomes_paragraph(series: pd.DataFrame) -> Paragraph:
    """The decisions on security grounds in the latest year with a figure for each outcome."""
    rows = {name: select.rows(series, indicator, destination="LTU") for name, indicator in OUTCOMES.items()}
    years = set.intersection(*(set(frame["period_end"].dt.year) for frame in rows.values()))
    if not years:
        raise StoryDataError("no year with every outcome of Lithuania's security decisions")
    in_year = {name: frame[frame["period_end"].dt.year == max(years)] for name, frame in rows.items()}
    return Paragraph("lithuania_outcomes", {"year": year(in_year["renewals"]),
                                            **{name: figure(frame) for name, frame in in_year.items()}})


def elsewhere(release: data.Release) -> Chapter:
    """Where else in Europe: the rest of the EU's first permits and valid permits in the latest
    year it can be computed, and the largest other destinations."""
    series, countries = data.series(release), data.table(release, "pub_countries")
    flows = context.first_vs_valid(series)
    rest = flows[flows["destination"] == context.REST_OF_EU]
    last_year = rest.loc[rest["kind"] == "flow", "_x"].max()
    in_year = flows[flows["_x"] == last_year]

    def at(indicator: str, code: str) -> pd.DataFrame:
        rows = in_year[(in_year["indicator"] == indicator) & (in_year["destination"] == code)]
        if code != context.REST_OF_EU:
            return rows
        # The derived row's inputs are the published rows it is computed from.
        return select.rows(series, indicator, destination=[context.EU, *context.MAIN]).pipe(
            lambda r: r[r["period_end"].dt.year == last_year])

    measure = where.MEASURES["permits"]
    on_map = [code for code in where.map_destinations(series, measure, countries) if code not in context.MAIN]
    others = where.snapshot(series, measure, on_map, int(last_year)).head(OTHER_DESTINATIONS)
    named: dict[str, Input] = {}
    for i, row in enumerate(others.itertuples(), start=1):
        rows = others.iloc[[i - 1]][[c for c in others.columns if not c.startswith("_")]]
        named |= {f"country{i}": Words(row.destination), f"value{i}": figure(rows)}
    key = f"elsewhere_largest_{len(others)}" if len(others) else None
    blocks: list[Paragraph | Chart] = [Paragraph("elsewhere_first", {
        "year": year(at(context.FIRST, "POL")),
        "rest": difference(at(context.FIRST, context.REST_OF_EU)),
        "poland": figure(at(context.FIRST, "POL")), "lithuania": figure(at(context.FIRST, "LTU")),
        "rest_valid": difference(at(where.PERMITS, context.REST_OF_EU)),
        "date": when(at(where.PERMITS, "POL")),
    })]
    if key:
        blocks.append(Paragraph(key, {"date": when(others), **named}))
    blocks.append(Chart("where-first-vs-valid", "where"))
    return Chapter("elsewhere", tuple(blocks))


def difference(rows: pd.DataFrame) -> Figure:
    """The EU total minus Poland and Lithuania (the rows of one date)."""
    select.one_kind(rows)
    return Figure({"pub_series": rows}, _rest_of_eu)


def limits(release: data.Release) -> Chapter:
    """What the numbers cannot tell: permits are not people, protection is a small part of the
    picture, and Belarusians beside Russians and Ukrainians for scale."""
    series = data.series(release)
    refugees = latest_rows(select.rows(series, where.REFUGEES, destination="POL"))
    documents = latest_rows(select.rows(series, where.POLISH_DOCUMENTS, destination="POL"))
    return Chapter("limits", (
        Paragraph("limits_permits"),
        Paragraph("limits_protection", {"refugees": figure(refugees), "refugees_date": when(refugees),
                                        "documents": figure(documents), "documents_date": when(documents),
                                        "share": ratio(refugees, documents)}),
        Chart("where-protection-vs-residence", "where"),
        context_paragraph(series, data.table(release, "pub_population")),
        Paragraph("limits_sources"),
        Chart("context-origins", "where", {"per_capita": True}, {"origins": "per_capita"}),
    ))


def context_paragraph(series: pd.DataFrame, population: pd.DataFrame, country: str = "POL") -> Paragraph:
    """Refugees and asylum seekers from Belarus, Russia and Ukraine in `country` (the message
    names Poland) at the end of the latest year with every figure, each also as 'one in N
    residents' of its country of origin."""
    mandate_year = context.origins_years(series)[-1]
    inputs: dict[str, Input] = {}
    for origin in context.ORIGINS:
        rows = select.rows(series, where.MANDATE, origin=origin, destination=country)
        rows = rows[rows["period_end"].dt.year == mandate_year]
        inputs[origin.lower()] = figure(rows)
        inputs[f"{origin.lower()}_one_in"] = Figure(
            {"pub_series": rows, "pub_population": population_rows(population, origin, mandate_year)}, _one_in)
        inputs["date"] = when(rows)
    return Paragraph("limits_context", inputs)


def population_rows(population: pd.DataFrame, iso3: str, year: int) -> pd.DataFrame:
    """The population row the per-capita value uses (the year's, or the latest before it)."""
    row = context.population_for(population, iso3, year)
    return population[(population["iso3"] == iso3) & (population["year"] == row["year"])]


CHAPTERS = (flight, destinations, poland_it_visas, lithuania_screening, elsewhere, limits)


def intro(release: data.Release) -> str:
    """The opening lines, dated by the election's event."""
    return t("story.intro", election=event(release, "election").text())


def chapters(release: data.Release) -> list[Chapter]:
    """The story, in order: its rows are drawn from the release once per release (about a second
    of CPU) and shared by every language (no text is made here), its sentences written in the
    reader's language when read. A server reads them from the image's bake when it holds them
    (app/cards/bake.py ROWS: made there by `made_chapters`)."""
    return memo.per_release(release, "story.chapters", lambda: made_chapters(release), baked=True)


def made_chapters(release: data.Release) -> list[Chapter]:
    """The chapters drawn from the release now (no bake, no memo)."""
    return [chapter(release) for chapter in CHAPTERS]
