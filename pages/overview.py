"""Overview: headline figures and where Belarusians live in Poland and Lithuania since 2019."""
import pandas as pd
import streamlit as st

from app import chart_card, data, events, figures, formatting, headlines, select

release = data.ensure_release()
series = data.series(release)

st.title("Belarusians in exile: who left, where to, and how states responded")
st.markdown(
    "Since the fraudulent election of August 2020, well over 200,000 Belarusians have left, mostly for "
    "Poland and Lithuania. Every figure here links to its source; where sources disagree, both are shown."
)

# ------------------------------------------------------------------ headline figures
poland = select.rows(series, ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"],
                     destination="POL", since="2019-01-01")
lithuania = select.rows(series, "lt_residence_permit_holders_stock", destination="LTU", since="2019-01-01")
europe = data.table(release, "pub_countries").query("unsd_region == 'Europe'")["iso3"]
mandate = select.rows(series, "unhcr_under_mandate_stock", destination=list(europe), since="2019-01-01")
mandate_by_year = select.total_by(mandate, ["period_start", "period_end", "kind", "unit"]).assign(
    source_id="unhcr", fact_id=None, conflict_group=None)
threats = select.rows(series, "lt_security_threat_flow", destination="LTU")
pbh = select.rows(series, "pl_pbh_visas_cumulative", destination="POL")

HEADLINES = [
    ("In Poland", "with a valid residence document (a stock)", poland),
    ("In Lithuania", "with a valid residence permit (a stock)", lithuania),
    ("Under UNHCR's mandate in Europe", "refugees and asylum seekers (a stock)", mandate_by_year),
    ("Judged a threat by Lithuania", "security decisions in the latest year (a flow)", threats),
    ("Poland. Business Harbour visas", "IT visas issued to Belarusians (running total)", pbh),
]
columns = st.columns(len(HEADLINES))
for column, (label, detail, frame) in zip(columns, HEADLINES):
    item = headlines.latest(frame, release)
    with column:
        st.metric(label, item.value_text, border=True, chart_data=item.trend, chart_type="line",
                  help=f"Belarusians {detail}. The line shows every published figure of this series since 2019.")
        st.caption(f"Belarusians {detail}. **{item.period_text}.** Source: {chart_card.md(item.source_text)}")
        for other in item.others:
            st.caption(f"Another source: {chart_card.md(other)}")

# ------------------------------------------------------------------ headline chart
st.divider()
compare = st.toggle("Add Eurostat's count of valid permits (a broader definition)", value=False, key="overview_eurostat")

NATIONAL = {"POL": "Poland: valid residence documents (national data)",
            "LTU": "Lithuania: valid residence permits (national data)"}
EUROSTAT = {"POL": "Poland: valid permits incl. work visas (Eurostat)",
            "LTU": "Lithuania: valid permits (Eurostat)"}
national = pd.concat([poland, lithuania], ignore_index=True)
national["_label"] = national["destination"].map(NATIONAL)
plotted = [national]
if compare:
    eurostat = select.rows(series, "eurostat_valid_permits_stock", destination=["POL", "LTU"], since="2019-01-01")
    eurostat["_label"] = eurostat["destination"].map(EUROSTAT)
    plotted.append(eurostat)
stocks = pd.concat(plotted, ignore_index=True).sort_values(["_label", "period_end"]).reset_index(drop=True)
select.one_kind(stocks)  # all stocks: people holding a document on a date
stocks["_hover"] = [
    f"<b>{label}</b><br>{formatting.number(v)} people on {formatting.period(s, e, 'stock')}"
    + ("<br>⚠ sources disagree: see the table below" if pd.notna(g) else "")
    for label, v, s, e, g in zip(stocks["_label"], stocks["value"], stocks["period_start"], stocks["period_end"],
                                 stocks["conflict_group"])
]
key_events = events.key_events(release)

chart_card.render(chart_card.ChartCard(
    key="overview-stocks",
    title="Belarusians living legally in Poland and Lithuania",
    subtitle="People holding a valid residence document on each date (a stock), 2019 to 2026. "
             "Triangles mark key events; hover for details.",
    data=stocks,
    build=lambda frame: figures.add_events(figures.lines(frame, "people holding a valid document"), key_events),
    alt=(f"Line chart. Belarusians with valid residence documents in Poland rose from about 20,000 at the start "
         f"of 2019 to {formatting.number(poland['value'].iloc[-1])} on {formatting.date(poland['period_end'].iloc[-1])}; "
         f"in Lithuania from {formatting.number(lithuania['value'].iloc[0])} to a peak of "
         f"{formatting.number(lithuania['value'].max())} and {formatting.number(lithuania['value'].iloc[-1])} on "
         f"{formatting.date(lithuania['period_end'].iloc[-1])}."),
    note=("National counts of residence documents (residence cards, protection). Eurostat's permit counts are "
          "higher, most of all for Poland, which reports national work visas as permits: both are true, they "
          "count different things. Formal refugee status covers only a small share of those who left."),
), release)
