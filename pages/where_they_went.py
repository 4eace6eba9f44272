"""Where they went: Belarusians by country of destination, on a Europe map, ranked and over time,
how small formal protection is next to the residence-document counts, permits issued each year
beside permits held, and Belarusians beside Russians and Ukrainians under UNHCR's mandate."""
import streamlit as st

from app import cards, chart_card, chrome, data, formatting, i18n, memo, per_capita, select, url_state
from app import views_context as context
from app import views_where as where
from app.i18n import t

release = data.ensure_release()
series = data.series(release)
countries = data.table(release, "pub_countries")

view = url_state.current()
st.title(t("where.title"))
st.markdown(t("where.intro"))

# The scale is chosen with the map and shared by the trend below it: a change of it (or of a
# measure that refuses a per-capita view) reruns the two sections by name, not the page.
MAP_SECTION, TREND_SECTION = "where-map-and-ranking", "where-trend"
TREND_SCALE = "_where_trend_scale"  # the scale the trend was last drawn at


def trend_scale() -> str:
    """The scale the trend is drawn at, from the map's controls as the reader set them: total where
    the map's count or the trend's own refuses a per-capita view (app/per_capita.py)."""
    measure = where.MEASURES.get(st.session_state.get("where_measure"), where.MEASURES["mandate"])
    scale = st.session_state.get("where_scale") or "total"
    refused = per_capita.refusal(measure.indicator) or per_capita.refusal(where.MANDATE)
    return "total" if refused or scale not in where.SCALES else scale


def redraw_the_trend_if_its_scale_changed() -> None:
    """on_change of the measure and the scale: the trend too when its scale changes; else the map's
    section alone (the widget's own fragment)."""
    if trend_scale() != st.session_state.get(TREND_SCALE):
        url_state.rerun_sections(MAP_SECTION, TREND_SECTION)


@url_state.section(key=MAP_SECTION)  # its filters rerun it alone; the scale reruns it with the trend
def map_and_ranking() -> None:
    # ------------------------------------------------------------------ map and ranking for one year
    # Section headings are level 2, the cards' titles level 3: no level skipped.
    st.header(t("where.map_heading"))
    measure_column, year_column = st.columns([2, 3])
    with measure_column:
        measure_key = st.radio(t("where.measure_label"), list(where.MEASURES),
                               format_func=lambda key: where.MEASURES[key].text("option"), horizontal=True,
                               key=view.bind("measure", "where_measure", list(where.MEASURES), default="mandate"),
                               on_change=redraw_the_trend_if_its_scale_changed)
    measure = where.MEASURES[measure_key]
    on_map = memo.once(release, ("where.on_map", measure_key),
                       lambda: where.map_destinations(series, measure, countries))
    with year_column:
        # One key per count: their year ranges differ, so each keeps its own choice.
        year_options = memo.once(release, ("where.years", measure_key), lambda: where.years(series, measure, on_map))
        default_year = memo.once(release, ("where.default_year", measure_key),
                                 lambda: where.default_year(series, measure, on_map))
        year = st.select_slider(t("where.year_label"), options=year_options, key=view.bind(
            "year", f"where_year_{measure_key}", year_options, default=default_year))

    # Total or per 1,000 residents: for the map, the ranking and the chart over time. Offered only
    # where the count may be divided by a population (never a running total, a ratio or a rate).
    per = formatting.number(per_capita.PER)
    scale_column, arrows_column = st.columns([2, 3])
    with scale_column:
        refused = per_capita.refusal(measure.indicator)
        scale = st.segmented_control(
            t("where.scale_label"), list(where.SCALES), selection_mode="single", disabled=bool(refused),
            help=refused or t("where.scale_help"),
            format_func=lambda key: t("where.scale_total") if key == "total" else t("where.scale_per_1000", per=per),
            key=view.bind("scale", "where_scale", list(where.SCALES), default="total"),
            on_change=redraw_the_trend_if_its_scale_changed) or "total"
        scale = "total" if refused else scale
    with arrows_column:
        arrows = st.toggle(t("where.arrows_label"), help=t("where.arrows_help", count=where.ARROWS),
                           key=view.bind("arrows", "where_arrows", [False, True], default=False))

    missing = memo.once(release, ("where.missing", measure_key, year),
                        lambda: where.missing_from(series, measure, on_map, year))
    if missing:
        st.warning(t("where.incomplete_year", countries=where.listed([i18n.country(c) for c in missing]),
                     previous=year - 1, year=year), icon=":material/warning:")
    arrows_missing = memo.once(release, ("where.arrows_missing", year), lambda: where.arrows_missing(
        series, data.boundaries(release), countries, year)) if arrows else ""
    if arrows_missing:
        st.warning(arrows_missing, icon=":material/warning:")

    map_column, ranking_column = st.columns([3, 2])
    with map_column, chrome.wide_only("where-map"):  # on a phone the ranking stands in for the map
        chart_card.render(cards.build("where-map", release, measure_key=measure_key, year=year, scale=scale,
                                      arrows=arrows), release)

    with ranking_column:
        worldwide = measure.indicator == where.MANDATE and st.toggle(
            t("where.worldwide_label"), help=t("where.worldwide_help"),
            key=view.bind("worldwide", "where_worldwide", [False, True], default=True))
        chart_card.render(cards.build("where-ranking", release, measure_key=measure_key, year=year,
                                      worldwide=worldwide, scale=scale), release)


map_and_ranking()

# ------------------------------------------------------------------ protection next to residence documents
st.divider()
st.header(t("where.comparison_heading"))


def comparison_text() -> str:
    comparison = where.protection_vs_residence(series)
    select.one_kind(comparison)  # all stocks of persons; on different dates: side by side, never added
    sentences = where.comparison_sentences(comparison)
    return "\n".join(f"- {chart_card.md(sentence)}" for sentence in sentences.values())


st.markdown(memo.once(release, "where.comparison", comparison_text))

chart_card.render(cards.build("where-protection-vs-residence", release), release)


@url_state.section(key=TREND_SECTION)  # the countries rerun it alone; the map's scale reruns it too
def trend_section() -> None:
    # ------------------------------------------------------------------ over time
    scale = st.session_state[TREND_SCALE] = trend_scale()
    st.divider()
    st.header(t("where.trend_heading"))
    options = memo.once(release, "where.mandate_options",
                        lambda: where.mandate_options(series, countries, cards.where.TREND_SINCE))
    chosen = st.multiselect(t("where.countries_label"), options, format_func=i18n.country,
                            key=view.bind("countries", "where_destinations", options, multi=True,
                                          default=[c for c in cards.where.DEFAULT_COUNTRIES if c in options]),
                            placeholder=t("where.countries_placeholder"))
    trend = cards.build("where-over-time", release, countries=chosen, scale=scale)
    if trend is None:
        st.info(t("where.choose_country"), icon=":material/info:")
    else:
        chart_card.render(trend, release)


trend_section()

# ------------------------------------------------------------------ first permits (flow) beside valid permits (stock)
st.divider()
st.header(t("context.flows_heading"))
st.markdown(t("context.flows_intro"))
chart_card.render(cards.build("where-first-vs-valid", release), release)

@url_state.section  # its filters rerun it alone
def origins_section() -> None:
    # ------------------------------------------------------------------ Belarusians beside Russians and Ukrainians
    st.divider()
    st.header(t("context.origins_heading"))
    per = chart_card.md(formatting.number(context.PER))
    st.markdown(t("context.origins_intro", per=per))
    scale_column, origins_year_column = st.columns([3, 2])
    with scale_column:
        scale = st.radio(t("context.scale_label"), list(context.SCALES), horizontal=True,
                         format_func=lambda option: t(f"context.scale_{option}", per=formatting.number(context.PER)),
                         key=view.bind("origins", "where_origins", list(context.SCALES), default="total"))
    with origins_year_column:
        origins_years = memo.once(release, "where.origins_years", lambda: context.origins_years(series))
        origins_year = st.select_slider(t("context.origins_year_label"), options=origins_years, key=view.bind(
            "origins_year", "where_origins_year", origins_years, default=origins_years[-1]))
    chart_card.render(cards.build("context-origins", release, per_capita=scale == "per_capita", year=origins_year),
                      release)


origins_section()
