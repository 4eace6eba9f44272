"""Where they went: Belarusians by country of destination, on a Europe map, ranked and over time,
and how small formal protection is next to the residence-document counts."""
import streamlit as st

from app import chart_card, data, events, figures, formatting, select
from app import views_where as where

release = data.ensure_release()
series = data.series(release)
countries = data.table(release, "pub_countries")
boundaries = data.boundaries(release)
TOP = 15
SINCE = "2015-01-01"

st.title("Where Belarusians went")
st.markdown(
    "Poland and Lithuania took in most of those who left after 2020, but only a small share of them hold "
    "refugee status or another form of international protection: most live on ordinary work, study or family "
    "permits. The map counts the protected; switch to Eurostat's residence permits for the wider picture."
)

# ------------------------------------------------------------------ map and ranking for one year
measure_column, year_column = st.columns([2, 3])
with measure_column:
    measure_key = st.radio("What to count", list(where.MEASURES), format_func=lambda k: where.MEASURES[k].option,
                           horizontal=True, key="where_measure")
measure = where.MEASURES[measure_key]
meta = data.indicator_meta(release, measure.indicator)
on_map = where.map_destinations(series, measure, countries)
with year_column:
    # One key per count: their year ranges differ, so each keeps its own choice.
    year = st.select_slider("Year (figures on 31 December)", options=where.years(series, measure, on_map),
                            value=where.default_year(series, measure, on_map), key=f"where_year_{measure_key}")

missing = where.missing_from(series, measure, on_map, year)
if missing:
    st.warning(f"{', '.join(where.country_name(c) for c in missing)} reported for {year - 1} but not yet for "
               f"{year}: the {year} map and ranking are incomplete.", icon=":material/warning:")

on_the_map = where.snapshot(series, measure, on_map, year)
select.one_kind(on_the_map)
leaders = ", ".join(f"{name} ({formatting.number(v)})"
                    for name, v in zip(on_the_map["_label"].head(3), on_the_map["value"].head(3)))
outside_note = where.outside_map_note(series, measure, countries, boundaries, year)

map_column, ranking_column = st.columns([3, 2])
with map_column:
    chart_card.render(chart_card.ChartCard(
        key="where-map",
        title=f"{measure.who} {measure.region}, end of {year}",
        subtitle=f"{meta['description']} A stock: people counted on {formatting.date(f'{year}-12-31')}. "
                 "Grey: no figure.",
        data=on_the_map,
        build=lambda frame: figures.choropleth(frame, boundaries, "people"),
        alt=(f"Map of Europe shaded by the number of {measure.counted} on 31 December {year}. "
             f"{len(on_the_map)} countries report a figure; the largest are {leaders}."),
        note=(f"{meta['note']} {outside_note} Borders as recognised by the UN General Assembly "
              "(Crimea is part of Ukraine)."),
    ), release)

with ranking_column:
    worldwide = measure.indicator == where.MANDATE and st.toggle(
        "Include countries outside Europe", value=True, key="where_worldwide",
        help="UNHCR counts Belarusians under its mandate worldwide; the map shows Europe only.")
    ranked_from = where.worldwide_destinations(countries) if worldwide else on_map
    ranking = where.snapshot(series, measure, ranked_from, year).head(TOP)
    select.one_kind(ranking)
    scope = "worldwide" if worldwide else measure.region
    chart_card.render(chart_card.ChartCard(
        key="where-ranking",
        title=f"{measure.who}: the top {len(ranking)} countries {scope}, end of {year}",
        subtitle=f"Belarusians counted on {formatting.date(f'{year}-12-31')} (a stock), by country.",
        data=ranking,
        build=lambda frame: figures.ranked_bars(frame, f"{measure.counted} (a stock)"),
        alt=(f"Bar chart ranking countries {scope} by the number of Belarusian {measure.counted} on 31 December "
             f"{year}: " + "; ".join(f"{name} {formatting.number(v)}"
                                     for name, v in zip(ranking["_label"], ranking["value"])) + "."),
        note=(f"{meta['note']} "
              + ("Letters beside a figure are Eurostat's flags: "
                 + "; ".join(f"{k} {v}" for k, v in where.EUROSTAT_FLAGS.items()) + "."
                 if ranking["flag"].notna().any() else "")).strip(),
    ), release)

# ------------------------------------------------------------------ protection next to residence documents
st.divider()
st.subheader("Formal protection covers only a small share of those who left")
comparison = where.protection_vs_residence(series)
select.one_kind(comparison)  # all stocks of persons; on different dates, so shown side by side, never added
sentences = where.comparison_sentences(comparison)
st.markdown("\n".join(f"- {chart_card.md(sentence)}" for sentence in sentences.values()))

# The legend dates a count whose two figures share a date; the note dates the others.
mixed_dates = {count: ", ".join(f"{country} {formatting.date(end)}" for country, end in
                                zip(group["_x"], group["period_end"]))
               for count, group in comparison.groupby("_count", sort=False) if group["period_end"].nunique() > 1}
chart_card.render(chart_card.ChartCard(
    key="where-protection-vs-residence",
    title="Under UNHCR's mandate against holding a residence document: Poland and Lithuania",
    subtitle="Belarusians in Poland and Lithuania: three stocks, each the latest published, on different dates. "
             "They overlap and count different things: compare them, never add them.",
    data=comparison,
    build=lambda frame: where.label_bars(figures.bars(frame, "people on the date given (a stock)"), frame),
    alt=("Grouped bar chart. " + " ".join(sentences.values()) + " Eurostat's valid permits: "
         + "; ".join(f"{country} {formatting.number(v)} on {formatting.date(end)}"
                     for country, v, end, count in zip(comparison["_x"], comparison["value"],
                                                       comparison["period_end"], comparison["_count"])
                     if count == where.EUROSTAT_LABEL) + "."),
    note=("".join(f"{count}: {dates}. " for count, dates in mixed_dates.items()) +
          "National data: Poland's Office for Foreigners (residence cards, incl. protection) and Lithuania's "
          "Migration Department as reported. Eurostat's permits include Poland's national work visas."),
), release)

# ------------------------------------------------------------------ over time
st.divider()
st.subheader("Over time: Belarusians under UNHCR's mandate by country")
options = where.mandate_options(series, countries, SINCE)
chosen = st.multiselect("Countries", options, default=[c for c in ("POL", "LTU", "DEU") if c in options],
                        format_func=where.country_name, key="where_destinations",
                        placeholder="Choose one or more countries")
if not chosen:
    st.info("Choose at least one country to draw the chart.", icon=":material/info:")
else:
    trend = where.over_time(series, chosen, SINCE)
    select.one_kind(trend)
    mandate_meta = data.indicator_meta(release, where.MANDATE)
    key_events = events.key_events(release, since=SINCE)
    first_year, last_year = trend["period_end"].dt.year.min(), trend["period_end"].dt.year.max()
    chart_card.render(chart_card.ChartCard(
        key="where-over-time",
        title=f"Belarusians under UNHCR's mandate, {first_year} to {last_year}",
        subtitle="Refugees, asylum seekers and other people in need of protection on 31 December of each year "
                 "(a stock), by country of asylum. Triangles mark key events; hover for details.",
        data=trend,
        build=lambda frame: where.year_end_ticks(figures.add_events(
            figures.lines(frame, "people under UNHCR's mandate (a stock)"), key_events)),
        alt=("Line chart of end-year stocks. " + " ".join(
            f"{name}: {formatting.number(group['value'].iloc[0])} in {group['period_end'].dt.year.iloc[0]}, "
            f"{formatting.number(group['value'].iloc[-1])} in {group['period_end'].dt.year.iloc[-1]}."
            for name, group in trend.groupby("_label", sort=False))),
        note=mandate_meta["note"],
    ), release)
