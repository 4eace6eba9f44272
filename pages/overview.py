"""Overview: headline figures and where Belarusians live in Poland and Lithuania since 2019."""
import pandas as pd
import streamlit as st

from app import chart_card, data, events, figures, formatting, headlines, select
from app.i18n import t

release = data.ensure_release()
series = data.series(release)

st.title(t("overview.title"))
st.markdown(t("overview.intro"))
st.page_link("pages/claims.py", label=t("overview.claims_link"), icon=":material/fact_check:")

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

HEADLINES = [("poland", poland), ("lithuania", lithuania), ("mandate", mandate_by_year), ("threats", threats),
             ("pbh", pbh)]
columns = st.columns(len(HEADLINES))
for column, (name, frame) in zip(columns, HEADLINES):
    item = headlines.latest(frame, release)
    detail = t(f"overview.h_{name}_detail")
    with column:
        st.metric(t(f"overview.h_{name}"), item.value_text, border=True, chart_data=item.trend, chart_type="line",
                  help=t("overview.h_help", detail=detail))
        st.caption(t("overview.h_caption", detail=chart_card.md(detail), period=item.period_text,
                     source=chart_card.md(item.source_text)))
        for other in item.others:
            st.caption(t("common.another_source", text=chart_card.md(other)))

# ------------------------------------------------------------------ headline chart
st.divider()
compare = st.toggle(t("overview.toggle_eurostat"), value=False, key="overview_eurostat")

national = pd.concat([poland, lithuania], ignore_index=True)
national["_label"] = [t(f"overview.label_national_{code.lower()}") for code in national["destination"]]
plotted = [national]
if compare:
    eurostat = select.rows(series, "eurostat_valid_permits_stock", destination=["POL", "LTU"], since="2019-01-01")
    eurostat["_label"] = [t(f"overview.label_eurostat_{code.lower()}") for code in eurostat["destination"]]
    plotted.append(eurostat)
stocks = pd.concat(plotted, ignore_index=True).sort_values(["_label", "period_end"]).reset_index(drop=True)
select.one_kind(stocks)  # all stocks: people holding a document on a date
stocks["_hover"] = [
    t("overview.hover", label=label, value=formatting.number(v), date=formatting.period(s, e, "stock"))
    + ("<br>" + t("overview.hover_conflict") if pd.notna(g) else "")
    for label, v, s, e, g in zip(stocks["_label"], stocks["value"], stocks["period_start"], stocks["period_end"],
                                 stocks["conflict_group"])
]
key_events = events.key_events(release)

chart_card.render(chart_card.ChartCard(
    key="overview-stocks",
    title=t("overview.chart_title"),
    subtitle=t("overview.chart_subtitle", first=stocks["period_end"].min().year, last=stocks["period_end"].max().year),
    data=stocks,
    build=lambda frame: figures.add_events(figures.lines(frame, t("overview.y_axis")), key_events),
    alt=t("overview.alt",
          pl_first=formatting.number(poland["value"].iloc[0]), pl_first_date=formatting.date(poland["period_end"].iloc[0]),
          pl_last=formatting.number(poland["value"].iloc[-1]), pl_last_date=formatting.date(poland["period_end"].iloc[-1]),
          lt_first=formatting.number(lithuania["value"].iloc[0]),
          lt_first_date=formatting.date(lithuania["period_end"].iloc[0]),
          lt_peak=formatting.number(lithuania["value"].max()), lt_last=formatting.number(lithuania["value"].iloc[-1]),
          lt_last_date=formatting.date(lithuania["period_end"].iloc[-1])),
    note=t("overview.note"),
), release)
