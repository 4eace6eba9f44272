"""Where they went: the Europe map, the ranking, protection next to residence documents, and the
count under UNHCR's mandate over time. Shaping is app/views_where.py."""
from __future__ import annotations

import pandas as pd

from app import data, events, figures, formatting, per_capita, select
from app import views_where as where
from app.card import ChartCard
from app.i18n import t
from app.indicator_text import indicator_text

TOP = 15                          # countries in the ranking
TREND_SINCE = "2015-01-01"
DEFAULT_COUNTRIES = ("POL", "LTU", "DEU")


def _year(release: data.Release, measure_key: str, year: int | None) -> int:
    """The chosen year, or the latest complete year of the count."""
    if year is not None:
        return year
    series, countries = data.series(release), data.table(release, "pub_countries")
    measure = where.MEASURES[measure_key]
    return where.default_year(series, measure, where.map_destinations(series, measure, countries))


def where_map(release: data.Release, measure_key: str = "mandate", year: int | None = None,
              scale: str = "total", arrows: bool = False) -> ChartCard:
    """The Europe map of one count in one year (default: the latest complete year); `scale`
    'per_1000': per 1,000 residents of each country; `arrows`: flow arrows from Belarus to the
    largest destinations of first permits issued in that year (a flow, with its own legend)."""
    series, countries, boundaries = data.series(release), data.table(release, "pub_countries"), data.boundaries(release)
    measure = where.MEASURES[measure_key]
    scaled = where.scaled(scale)
    if scaled:
        per_capita.require(measure.indicator)
    on_map = where.map_destinations(series, measure, countries)
    year = _year(release, measure_key, year)
    on_the_map = where.snapshot(series, measure, on_map, year)
    select.one_kind(on_the_map)
    scaled_note = ""
    if scaled:
        counted, on_the_map = on_the_map, where.per_capita_rows(on_the_map, data.population(release))
        scaled_note = where.per_capita_note(counted, on_the_map, data.population(release))
    shown = on_the_map["per_1000"].map(per_capita.text) if scaled else on_the_map["value"].map(formatting.number)
    leaders = ", ".join(f"{name} ({v})" for name, v in zip(on_the_map["_label"].head(3), shown.head(3)))
    outside_note = where.outside_map_note(series, measure, countries, boundaries, year)
    outside = where.outside_map(series, measure, countries, boundaries, year)
    year_end = formatting.date(f"{year}-12-31")
    plotted, flows, arrows_note = on_the_map, on_the_map.iloc[0:0], ""
    if arrows:
        # A second layer with its own legend: a flow beside the stock, never on its scale.
        flows = where.flow_arrows(series, boundaries, countries, year)
        plotted = pd.concat([on_the_map.assign(_layer="map"), flows.assign(_layer="arrow")], ignore_index=True)
        arrows_note = where.arrows_note(series, flows, boundaries, countries, year)
    per = formatting.number(per_capita.PER)
    title = measure.text("map_title", year=year)
    subtitle = t("where.map_subtitle", description=indicator_text(measure.indicator, "description"), date=year_end)
    alt = measure.text("map_alt", date=year_end, count=len(on_the_map), leaders=leaders)
    if scaled:
        alt = " ".join((alt, t("where.per_capita_alt", per=per)))
    if arrows:
        subtitle = " ".join((subtitle, t("where.arrows_subtitle", year=year, count=len(flows))))
        alt = " ".join((alt, arrows_note))
    legend = t("common.per_capita_legend", per=per) if scaled else t("where.map_legend")
    return ChartCard(
        key="where-map",
        title=where.per_capita_title(title) if scaled else title,
        subtitle=subtitle,
        data=plotted,
        build=lambda frame: where.map_figure(frame, boundaries, legend, outside, t("where.outside_legend"),
                                             t("where.arrows_legend", year=year)),
        alt=alt,
        note=" ".join(part for part in (
            indicator_text(measure.indicator, "note"), scaled_note,
            arrows_note,
            outside_note, t("where.borders_note")) if part),
        cites=("worldbank",) if scaled else (),
    )


def ranking(release: data.Release, measure_key: str = "mandate", year: int | None = None,
            worldwide: bool = True, scale: str = "total") -> ChartCard:
    """The countries with the most Belarusians in one year: in the map's region, or worldwide
    (UNHCR's mandate count only: the other counts are European); `scale` 'per_1000': ranked by
    the number per 1,000 residents of each country."""
    series, countries = data.series(release), data.table(release, "pub_countries")
    measure = where.MEASURES[measure_key]
    scaled = where.scaled(scale)
    if scaled:
        per_capita.require(measure.indicator)
    year = _year(release, measure_key, year)
    worldwide = worldwide and measure.indicator == where.MANDATE
    ranked_from = where.worldwide_destinations(countries) if worldwide else where.map_destinations(
        series, measure, countries)
    ranked = where.snapshot(series, measure, ranked_from, year)
    select.one_kind(ranked)
    scaled_note = ""
    if scaled:
        counted, ranked = ranked, where.per_capita_rows(ranked, data.population(release))
        scaled_note = where.per_capita_note(counted, ranked, data.population(release))
    ranked = ranked.head(TOP)
    scope = "worldwide" if worldwide else "region"
    year_end = formatting.date(f"{year}-12-31")
    per = formatting.number(per_capita.PER)
    title = measure.text(f"ranking_title_{scope}", count=len(ranked), year=year)
    shown = ranked["_text"] if scaled else ranked["value"].map(formatting.number)
    return ChartCard(
        key="where-ranking",
        title=where.per_capita_title(title) if scaled else title,
        subtitle=t("where.ranking_subtitle", date=year_end),
        data=ranked,
        build=lambda frame: figures.ranked_bars(
            where.plotted(frame), measure.text("ranking_axis_per_capita", per=per) if scaled
            else measure.text("ranking_axis")),
        alt=" ".join(part for part in (measure.text(f"ranking_alt_{scope}", date=year_end, ranking="; ".join(
            f"{name} {v}" for name, v in zip(ranked["_label"], shown))),
            t("where.per_capita_alt_ranking", per=per) if scaled else "") if part),
        note=" ".join([indicator_text(measure.indicator, "note")]
                      + ([scaled_note] if scaled else [])
                      + ([where.flags_note()] if ranked["flag"].notna().any() else [])),
        cites=("worldbank",) if scaled else (),
    )


def protection_vs_residence(release: data.Release) -> ChartCard:
    """Formal protection next to residence documents: stocks of persons on different dates, side by side."""
    comparison = where.protection_vs_residence(data.series(release))
    select.one_kind(comparison)  # all stocks of persons; on different dates, so shown side by side, never added
    sentences = where.comparison_sentences(comparison)
    eurostat_permits = comparison[comparison["_count"] == where.EUROSTAT]
    return ChartCard(
        key="where-protection-vs-residence",
        title=t("where.comparison_title"),
        subtitle=t("where.comparison_subtitle"),
        data=comparison,
        build=lambda frame: where.label_bars(figures.bars(frame, t("where.comparison_axis")), frame),
        alt=t("where.comparison_alt", sentences=" ".join(sentences.values()), permits="; ".join(
            t("where.value_on_date", country=country, value=formatting.number(v), date=formatting.date(end))
            for country, v, end in zip(eurostat_permits["_x"], eurostat_permits["value"],
                                       eurostat_permits["period_end"]))),
        # The legend dates a count whose two figures share a date; the note dates the others.
        note=" ".join(part for part in (where.mixed_dates_note(comparison), t("where.comparison_note")) if part),
    )


def over_time(release: data.Release, countries: tuple[str, ...] | list[str] = DEFAULT_COUNTRIES,
              scale: str = "total") -> ChartCard | None:
    """Belarusians under UNHCR's mandate in the chosen countries, year by year (None: no country);
    `scale` 'per_1000': per 1,000 residents of each country, year by year."""
    scaled = where.scaled(scale)
    if scaled:
        per_capita.require(where.MANDATE)
    if not countries:
        return None
    trend = where.over_time(data.series(release), list(countries), TREND_SINCE)
    select.one_kind(trend)
    trend["_colour_key"] = trend["destination"]  # a country keeps its colour (figures.SERIES_COLOURS)
    scaled_note = ""
    if scaled:
        counted, trend = trend, where.per_capita_rows(trend, data.population(release)).sort_values(
            ["_label", "period_end"]).reset_index(drop=True)
        scaled_note = where.per_capita_note(counted, trend, data.population(release))
    key_events = events.key_events(release, since=TREND_SINCE)
    per = formatting.number(per_capita.PER)
    shown = (lambda v: per_capita.text(v)) if scaled else formatting.number
    column = "per_1000" if scaled else "value"
    title = t("where.trend_title", first=trend["period_end"].dt.year.min(), last=trend["period_end"].dt.year.max())
    return ChartCard(
        key="where-over-time",
        title=where.per_capita_title(title) if scaled else title,
        subtitle=t("where.trend_subtitle"),
        hint=t("common.events_hint"),
        events=events.listed(key_events),
        data=trend,
        build=lambda frame: where.year_end_ticks(figures.add_events(
            figures.lines(where.plotted(frame), t("where.trend_axis_per_capita", per=per) if scaled
                          else t("where.trend_axis")), key_events), frame["period_end"]),
        alt=" ".join(part for part in (t("where.trend_alt", countries=" ".join(
            t("where.trend_alt_country", country=name,
              first=shown(group[column].iloc[0]), first_year=group["period_end"].dt.year.iloc[0],
              last=shown(group[column].iloc[-1]), last_year=group["period_end"].dt.year.iloc[-1])
            for name, group in trend.groupby("_label", sort=False))),
            t("where.per_capita_alt_trend", per=per) if scaled else "") if part),
        note=" ".join(part for part in (indicator_text(where.MANDATE, "note"),
                                        scaled_note) if part),
        cites=("worldbank",) if scaled else (),
    )
