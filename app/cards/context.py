"""Cards that put the Belarusian figures in context, on the "Where they went" page: first permits
(a flow) beside valid permits (a stock), and Belarusians beside Russians and Ukrainians under
UNHCR's mandate. Shaping is app/views_context.py."""
from __future__ import annotations

from app import data, formatting, i18n
from app import views_context as context
from app.card import ChartCard
from app.i18n import t
from app.indicator_text import indicator_text
from app.views_where import MANDATE, listed


def first_vs_valid(release: data.Release) -> ChartCard:
    """Permits issued in each year (above) and permits valid on 31 December (below), for Poland,
    Lithuania and the rest of the EU: two panels, each one kind, never one axis."""
    series = data.series(release)
    frame = context.first_vs_valid(series)
    years = frame["_x"]
    return ChartCard(
        key="where-first-vs-valid",
        title=t("context.flows_title", first=years.min(), last=years.max()),
        subtitle=t("context.flows_subtitle"),
        data=frame,
        build=context.panel_lines,
        alt=context.first_vs_valid_alt(frame),
        note=" ".join(part for part in (t("context.flows_note"), context.left_out_note(series),
                                        t("context.flows_poland_note"), context.flags_used(frame)) if part),
    )


def origins(release: data.Release, per_capita: bool = False, year: int | None = None) -> ChartCard:
    """Refugees and asylum seekers from Belarus, Russia and Ukraine under UNHCR's mandate in
    Poland, Lithuania, Latvia and Germany on 31 December of a year (default: the latest with a
    figure for every origin in every country), as counts or per 100,000 residents of the origin."""
    series = data.series(release)
    available = context.origins_years(series)
    year = year if year in available else available[-1]
    frame = context.origins(series, data.table(release, "pub_population"), year, per_capita)
    scale = "per_capita" if per_capita else "total"
    countries = listed([i18n.country(code) for code in context.CONTEXT_COUNTRIES])
    notes = [t("context.origins_note"), context.scales_note(series, data.events(release)),
             context.permits_beside(series, year)]
    if per_capita:
        notes.append(context.per_capita_note(frame, year))
    notes.append(indicator_text(MANDATE, "note"))
    return ChartCard(
        key="context-origins",
        title=t(f"context.origins_title_{scale}", year=year, per=formatting.number(context.PER)),
        subtitle=t("context.origins_subtitle", countries=countries, date=formatting.date(f"{year}-12-31")),
        data=frame,
        build=lambda rows: context.origin_bars(rows, t(f"context.origins_axis_{scale}",
                                                       per=formatting.number(context.PER))),
        alt=context.origins_alt(frame, per_capita),
        note=" ".join(part for part in notes if part),
    )
