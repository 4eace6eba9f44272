"""Where they went: the Europe map, the ranking, protection next to residence documents, and the
count under UNHCR's mandate over time. Shaping is app/views_where.py."""
from __future__ import annotations

from app import data, events, figures, formatting, select
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


def where_map(release: data.Release, measure_key: str = "mandate", year: int | None = None) -> ChartCard:
    """The Europe map of one count in one year (default: the latest complete year)."""
    series, countries, boundaries = data.series(release), data.table(release, "pub_countries"), data.boundaries(release)
    measure = where.MEASURES[measure_key]
    on_map = where.map_destinations(series, measure, countries)
    year = _year(release, measure_key, year)
    on_the_map = where.snapshot(series, measure, on_map, year)
    select.one_kind(on_the_map)
    leaders = ", ".join(f"{name} ({formatting.number(v)})"
                        for name, v in zip(on_the_map["_label"].head(3), on_the_map["value"].head(3)))
    outside_note = where.outside_map_note(series, measure, countries, boundaries, year)
    outside = where.outside_map(series, measure, countries, boundaries, year)
    year_end = formatting.date(f"{year}-12-31")
    return ChartCard(
        key="where-map",
        title=measure.text("map_title", year=year),
        subtitle=t("where.map_subtitle", description=indicator_text(measure.indicator, "description"),
                   date=year_end),
        data=on_the_map,
        build=lambda frame: figures.choropleth(frame, boundaries, t("where.map_legend"), outside=outside,
                                               outside_name=t("where.outside_legend")),
        alt=measure.text("map_alt", date=year_end, count=len(on_the_map), leaders=leaders),
        note=" ".join(part for part in (indicator_text(measure.indicator, "note"), outside_note,
                                        t("where.borders_note")) if part),
    )


def ranking(release: data.Release, measure_key: str = "mandate", year: int | None = None,
            worldwide: bool = True) -> ChartCard:
    """The countries with the most Belarusians in one year: in the map's region, or worldwide
    (UNHCR's mandate count only: the other counts are European)."""
    series, countries = data.series(release), data.table(release, "pub_countries")
    measure = where.MEASURES[measure_key]
    year = _year(release, measure_key, year)
    worldwide = worldwide and measure.indicator == where.MANDATE
    ranked_from = where.worldwide_destinations(countries) if worldwide else where.map_destinations(
        series, measure, countries)
    ranked = where.snapshot(series, measure, ranked_from, year).head(TOP)
    select.one_kind(ranked)
    scope = "worldwide" if worldwide else "region"
    year_end = formatting.date(f"{year}-12-31")
    return ChartCard(
        key="where-ranking",
        title=measure.text(f"ranking_title_{scope}", count=len(ranked), year=year),
        subtitle=t("where.ranking_subtitle", date=year_end),
        data=ranked,
        build=lambda frame: figures.ranked_bars(frame, measure.text("ranking_axis")),
        alt=measure.text(f"ranking_alt_{scope}", date=year_end, ranking="; ".join(
            f"{name} {formatting.number(v)}" for name, v in zip(ranked["_label"], ranked["value"]))),
        note=" ".join([indicator_text(measure.indicator, "note")]
                      + ([where.flags_note()] if ranked["flag"].notna().any() else [])),
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


def over_time(release: data.Release, countries: tuple[str, ...] | list[str] = DEFAULT_COUNTRIES) -> ChartCard | None:
    """Belarusians under UNHCR's mandate in the chosen countries, year by year (None: no country)."""
    if not countries:
        return None
    trend = where.over_time(data.series(release), list(countries), TREND_SINCE)
    select.one_kind(trend)
    key_events = events.key_events(release, since=TREND_SINCE)
    return ChartCard(
        key="where-over-time",
        title=t("where.trend_title", first=trend["period_end"].dt.year.min(), last=trend["period_end"].dt.year.max()),
        subtitle=t("where.trend_subtitle"),
        data=trend,
        build=lambda frame: where.year_end_ticks(figures.add_events(
            figures.lines(frame, t("where.trend_axis")), key_events), frame["period_end"]),
        alt=t("where.trend_alt", countries=" ".join(
            t("where.trend_alt_country", country=name,
              first=formatting.number(group["value"].iloc[0]), first_year=group["period_end"].dt.year.iloc[0],
              last=formatting.number(group["value"].iloc[-1]), last_year=group["period_end"].dt.year.iloc[-1])
            for name, group in trend.groupby("_label", sort=False))),
        note=indicator_text(where.MANDATE, "note"),
    )
