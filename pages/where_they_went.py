"""Where they went: Belarusians by country of destination, on a Europe map, ranked and over time,
and how small formal protection is next to the residence-document counts."""
import streamlit as st

from app import cards, chart_card, data, events, figures, formatting, i18n, select, url_state
from app import views_where as where
from app.i18n import t
from app.indicator_text import indicator_text

release = data.ensure_release()
series = data.series(release)
countries = data.table(release, "pub_countries")
boundaries = data.boundaries(release)
TOP = 15
SINCE = "2015-01-01"

view = url_state.current()
st.title(t("where.title"))
st.markdown(t("where.intro"))

# ------------------------------------------------------------------ map and ranking for one year
measure_column, year_column = st.columns([2, 3])
with measure_column:
    measure_key = st.radio(t("where.measure_label"), list(where.MEASURES),
                           format_func=lambda key: where.MEASURES[key].text("option"), horizontal=True,
                           key=view.bind("measure", "where_measure", list(where.MEASURES), default="mandate"))
measure = where.MEASURES[measure_key]
on_map = where.map_destinations(series, measure, countries)
with year_column:
    # One key per count: their year ranges differ, so each keeps its own choice.
    year_options = where.years(series, measure, on_map)
    year = st.select_slider(t("where.year_label"), options=year_options, key=view.bind(
        "year", f"where_year_{measure_key}", year_options, default=where.default_year(series, measure, on_map)))

missing = where.missing_from(series, measure, on_map, year)
if missing:
    st.warning(t("where.incomplete_year", countries=where.listed([i18n.country(c) for c in missing]),
                 previous=year - 1, year=year), icon=":material/warning:")

indicator_note = indicator_text(measure.indicator, "note")
year_end = formatting.date(f"{year}-12-31")

map_column, ranking_column = st.columns([3, 2])
with map_column:
    chart_card.render(cards.where_map(release, measure_key, year), release)

with ranking_column:
    worldwide = measure.indicator == where.MANDATE and st.toggle(
        t("where.worldwide_label"), help=t("where.worldwide_help"),
        key=view.bind("worldwide", "where_worldwide", [False, True], default=True))
    ranked_from = where.worldwide_destinations(countries) if worldwide else on_map
    ranking = where.snapshot(series, measure, ranked_from, year).head(TOP)
    select.one_kind(ranking)
    scope = "worldwide" if worldwide else "region"
    chart_card.render(chart_card.ChartCard(
        key="where-ranking",
        title=measure.text(f"ranking_title_{scope}", count=len(ranking), year=year),
        subtitle=t("where.ranking_subtitle", date=year_end),
        data=ranking,
        build=lambda frame: figures.ranked_bars(frame, measure.text("ranking_axis")),
        alt=measure.text(f"ranking_alt_{scope}", date=year_end, ranking="; ".join(
            f"{name} {formatting.number(v)}" for name, v in zip(ranking["_label"], ranking["value"]))),
        note=" ".join([indicator_note] + ([where.flags_note()] if ranking["flag"].notna().any() else [])),
    ), release)

# ------------------------------------------------------------------ protection next to residence documents
st.divider()
st.subheader(t("where.comparison_heading"))
comparison = where.protection_vs_residence(series)
select.one_kind(comparison)  # all stocks of persons; on different dates, so shown side by side, never added
sentences = where.comparison_sentences(comparison)
st.markdown("\n".join(f"- {chart_card.md(sentence)}" for sentence in sentences.values()))

chart_card.render(cards.where_protection_vs_residence(release), release)

# ------------------------------------------------------------------ over time
st.divider()
st.subheader(t("where.trend_heading"))
options = where.mandate_options(series, countries, SINCE)
chosen = st.multiselect(t("where.countries_label"), options, format_func=i18n.country,
                        key=view.bind("countries", "where_destinations", options, multi=True,
                                      default=[c for c in ("POL", "LTU", "DEU") if c in options]),
                        placeholder=t("where.countries_placeholder"))
if not chosen:
    st.info(t("where.choose_country"), icon=":material/info:")
else:
    trend = where.over_time(series, chosen, SINCE)
    select.one_kind(trend)
    key_events = events.key_events(release, since=SINCE)
    chart_card.render(chart_card.ChartCard(
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
    ), release)
