"""Shaping for the Poland page (IT visas and permits).

Each function returns the exact rows a chart card plots (slices of pub_series plus `_` columns);
text for the intro and alt texts is built from the same rows. The helpers that put disagreeing
sources side by side live in app.views_lithuania and are shared with the Lithuania page.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app import figures, formatting, select
from app.views_lithuania import in_order, period_labels, side_by_side, values_text, with_hover

PBH_LABELS = {
    ("pl_pbh_visas_cumulative", "BLR"): "PBH visas to Belarusians",
    ("pl_pbh_visas_cumulative", "ALL"): "PBH visas to all nationalities",
    ("pl_visas_reported_by_udsc_cumulative", "BLR"): "Visas to Belarusians reported citing the Office for "
                                                     "Foreigners (visa type unclear)",
}
PURPOSE_LABELS = {
    "udsc_humanitarian_visas_cumulative": "Code 21 (humanitarian)",
    "udsc_pbh_visas_cumulative": "Code 23 (Poland. Business Harbour)",
}
VISA_TYPE_LABELS = {"national_d": "National long-stay visas (D)", "schengen_c": "Schengen short-stay visas (C)"}
HUMANITARIAN_LABELS = {
    "pl_humanitarian_visas_cumulative": "Reported in the press (Ministry or Office for Foreigners data)",
    "udsc_humanitarian_visas_cumulative": "Office for Foreigners report, code 21 (C and D visas)",
}
PERMIT_LABELS = {
    "pl_residence_permits_granted_flow": "Residence permits granted, all types",
    "pl_temporary_permits_issued_flow": "Temporary residence permits issued",
}
STOCK_LABELS = {
    "pl_residence_document_holders_stock": "Valid residence documents (Office for Foreigners data)",
    "udsc_residence_documents_stock": "Valid residence documents (Office for Foreigners data)",
    "eurostat_valid_permits_stock": "Valid permits incl. national work visas (Eurostat, 31 December)",
}
DOCUMENT_LABELS = {
    "temporary_residence": "Temporary residence permit",
    "permanent_residence": "Permanent residence permit",
    "subsidiary_protection": "Subsidiary protection",
    "eu_long_term_resident": "EU long-term resident permit",
    "refugee_status": "Refugee status",
    "temporary_protection": "Temporary protection",
    "other": "Other",
}
# The Office for Foreigners names each voivode's office; the seat tells a reader which city it is.
VOIVODE_SEATS = {
    "Dolnośląski": "Wrocław", "Kujawsko-Pomorski": "Bydgoszcz", "Lubelski": "Lublin", "Lubuski": "Gorzów Wielkopolski",
    "Mazowiecki": "Warsaw", "Małopolski": "Kraków", "Opolski": "Opole", "Podkarpacki": "Rzeszów",
    "Podlaski": "Białystok", "Pomorski": "Gdańsk", "Warmińsko-Mazurski": "Olsztyn", "Wielkopolski": "Poznań",
    "Zachodniopomorski": "Szczecin", "Łódzki": "Łódź", "Śląski": "Katowice", "Świętokrzyski": "Kielce",
}


def share_texts(values: pd.Series, total: float) -> list[str]:
    """'18,927 (36.0%)': a bar's value and its share of the published total."""
    return [f"{formatting.number(v)} ({formatting.value_with_unit(100 * v / total, 'percent')})" for v in values]


def ranked(frame: pd.DataFrame, x_title: str) -> go.Figure:
    """Ranked bars with room on the right for the longest value label."""
    fig = figures.ranked_bars(frame, x_title)
    fig.update_xaxes(range=[0, frame["value"].max() * 1.3])
    return fig


def purpose_bars(frame: pd.DataFrame, y_title: str) -> go.Figure:
    fig = figures.bars(frame, y_title, barmode="stack", height=400)
    fig.update_xaxes(tickangle=0)
    return fig


# ------------------------------------------------------------------ Poland. Business Harbour
def pbh_cumulative(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """PBH running totals to Belarusians and to all nationalities, and the disputed 'almost 114,000'
    figure as its own labelled series. The Office for Foreigners' code-23 total is not here: it
    counts something broader and has its own chart."""
    frame = select.rows(series, ["pl_pbh_visas_cumulative", "pl_visas_reported_by_udsc_cumulative"],
                        origin=["BLR", "ALL"], destination="POL")
    frame["_label"] = [PBH_LABELS[key] for key in zip(frame["indicator"], frame["origin"])]
    frame = in_order(frame, "_label", list(PBH_LABELS.values()))
    return with_hover(side_by_side(frame, facts), facts)


def programme_events(events: pd.DataFrame) -> pd.DataFrame:
    """The PBH programme's own milestones among Poland's events."""
    return events[events["event"].str.contains("PBH", regex=False)]


def pbh_quarterly(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, "pl_pbh_visas_flow", origin="ALL", destination="POL")
    frame["_label"] = "PBH visas, all nationalities"
    frame["_x"] = period_labels(frame)
    return with_hover(side_by_side(frame, facts), facts)


def visas_by_purpose(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Ministry visas to Belarusians since 10 August 2020 by purpose code, split into C and D visas."""
    frame = select.rows(series, list(PURPOSE_LABELS), destination="POL", category=list(VISA_TYPE_LABELS))
    frame["_label"] = frame["category"].map(VISA_TYPE_LABELS)
    frame["_x"] = frame["indicator"].map(PURPOSE_LABELS).str.replace(" (", "<br>(", regex=False)
    frame = in_order(frame, "_label", list(VISA_TYPE_LABELS.values()))
    frame = with_hover(side_by_side(frame, facts), facts)
    # The bar's purpose code heads its hover text, above the visa type.
    frame["_hover"] = "<b>" + frame["indicator"].map(PURPOSE_LABELS) + "</b><br>" + frame["_hover"]
    return frame


def purpose_alt(by_purpose: pd.DataFrame, totals: pd.DataFrame) -> str:
    parts = []
    for indicator, label in PURPOSE_LABELS.items():
        rows = by_purpose[by_purpose["indicator"] == indicator]
        split = " and ".join(f"{formatting.number(r['value'])} {r['_label'][0].lower()}{r['_label'][1:]}"
                             for r in rows.to_dict("records"))
        parts.append(f"{label}, {formatting.number(totals.loc[indicator, 'value'])} in all: {split}")
    return "Stacked bar chart of visas issued to Belarusians by purpose code. " + "; ".join(parts) + "."


def visa_totals(series: pd.DataFrame) -> pd.DataFrame:
    """The published C+D totals per purpose code (for text; the chart plots the parts)."""
    return select.rows(series, list(PURPOSE_LABELS), destination="POL").set_index("indicator")


# ------------------------------------------------------------------ humanitarian visas and permits
def humanitarian(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, list(HUMANITARIAN_LABELS), destination="POL")
    frame["_label"] = frame["indicator"].map(HUMANITARIAN_LABELS)
    frame = in_order(frame, "indicator", list(HUMANITARIAN_LABELS))
    return with_hover(side_by_side(frame, facts), facts)


def permits_granted(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, list(PERMIT_LABELS), destination="POL")
    frame["_label"] = frame["indicator"].map(PERMIT_LABELS)
    frame["_x"] = period_labels(frame)
    frame = in_order(frame, "indicator", list(PERMIT_LABELS))
    return with_hover(side_by_side(frame, facts), facts)


# ------------------------------------------------------------------ applications by voivode
def voivode_name(category: str) -> str:
    name = category.removeprefix("Wojewoda ")
    return f"{name} ({VOIVODE_SEATS[name]})" if name in VOIVODE_SEATS else name


def applicant_years(series: pd.DataFrame) -> list[int]:
    frame = select.rows(series, "udsc_permit_applicants_flow", destination="POL", category=None)
    return sorted(frame["period_end"].dt.year.unique().tolist())


def applicants_by_voivode(series: pd.DataFrame, facts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Applicants in one year by receiving voivode, each with its share of that year's total."""
    frame = select.rows(series, "udsc_permit_applicants_flow", destination="POL", category=None)
    frame = frame[frame["period_end"].dt.year == year]
    total = frame.loc[frame["category"] == "total", "value"].item()
    frame = frame[frame["category"] != "total"].reset_index(drop=True)
    frame["_label"] = frame["category"].map(voivode_name)
    frame["_text"] = share_texts(frame["value"], total)
    return with_hover(side_by_side(frame, facts), facts, noun="applicants")


def applicants_per_year(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, "udsc_permit_applicants_flow", destination="POL")
    frame["_label"] = "All voivodes"
    frame["_x"] = period_labels(frame)
    return with_hover(side_by_side(frame, facts), facts, noun="applicants")


# ------------------------------------------------------------------ how many live in Poland
def residence_stock(series: pd.DataFrame, facts: pd.DataFrame, with_eurostat: bool) -> pd.DataFrame:
    """National counts of residence-document holders (press reports and the Office's own report
    as one line), and optionally Eurostat's broader count of valid permits."""
    indicators = [i for i in STOCK_LABELS if with_eurostat or i != "eurostat_valid_permits_stock"]
    frame = select.rows(series, indicators, destination="POL", since="2018-12-31")
    frame["_label"] = frame["indicator"].map(STOCK_LABELS)
    frame = in_order(frame, "_label", list(dict.fromkeys(STOCK_LABELS.values())))
    return with_hover(side_by_side(frame, facts), facts, noun="people")


def documents_by_type(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Holders on the latest date by type of document, each with its share of the total."""
    frame = select.rows(series, "udsc_residence_documents_stock", destination="POL", category=None)
    frame = frame[frame["period_end"] == frame["period_end"].max()]
    total = frame.loc[frame["category"] == "total", "value"].item()
    frame = frame[frame["category"] != "total"].reset_index(drop=True)
    frame["_label"] = frame["category"].map(DOCUMENT_LABELS)
    frame["_text"] = share_texts(frame["value"], total)
    return with_hover(side_by_side(frame, facts), facts, noun="people")


# ------------------------------------------------------------------ text
def intro(stock: pd.DataFrame, documents: pd.DataFrame, totals: pd.DataFrame, programme: pd.DataFrame) -> str:
    """The opening paragraph, every number taken from published rows (`stock` with Eurostat's rows)."""
    national = stock[stock["indicator"] != "eurostat_valid_permits_stock"]
    eurostat = stock[stock["indicator"] == "eurostat_valid_permits_stock"].iloc[-1]
    latest = national[national["period_end"] == national["period_end"].max()]
    verified = national[national["verification"] != "unverified"]
    first = verified[verified["period_end"] == verified["period_end"].min()]
    largest = documents.loc[documents["value"].idxmax()]
    largest_share = "Most" if largest["value"] > documents["value"].sum() / 2 else "The largest group"
    code21, code23 = totals.loc["udsc_humanitarian_visas_cumulative"], totals.loc["udsc_pbh_visas_cumulative"]
    closed = programme["date"].max()
    return (
        f"Poland's Office for Foreigners counted {values_text(latest, 'Belarusians')} with a valid Polish residence "
        f"document on {formatting.date(latest['period_end'].iloc[0])}; figures reported from its data gave "
        f"{values_text(first)} on {formatting.date(first['period_end'].iloc[0])}. {largest_share}, "
        f"{formatting.number(largest['value'])}, held a "
        f"{str(largest['_label']).lower()}. Many came on visas: from {formatting.date(code21['period_start'])} to "
        f"{formatting.date(code21['period_end'])} the Ministry of Foreign Affairs issued Belarusians "
        f"{formatting.number(code21['value'])} humanitarian visas and {formatting.number(code23['value'])} visas "
        f"under the purpose code of Poland. Business Harbour, the relocation programme for IT specialists that "
        f"stopped taking applications on {formatting.date(closed)}. Eurostat, which counts Poland's national work "
        f"visas as residence permits, gives a far higher number: {formatting.number(eurostat['value'])} valid "
        f"permits on {formatting.date(eurostat['period_end'])}."
    )


def series_alt(frame: pd.DataFrame, chart: str, how: str = "on") -> str:
    """'<chart>. <series>: <value> <how> <date>, ...; <series>: ...'."""
    parts = []
    for label, rows in frame.groupby("_label", sort=False):
        points = [f"{formatting.number(r['value'])} {how} "
                  f"{formatting.date(r['period_end']) if how != 'in' else r['_x'].replace('<br>', ' ')}"
                  for r in rows.to_dict("records")]
        parts.append(f"{label}: " + ", ".join(points))
    return f"{chart}. " + "; ".join(parts) + "."


def ranked_alt(frame: pd.DataFrame, chart: str, top: int = 3) -> str:
    ordered = frame.sort_values("value", ascending=False)
    parts = [f"{r['_label']} {r['_text']}" for r in ordered.head(top).to_dict("records")]
    smallest = ordered.iloc[-1]
    return f"{chart}. Largest: " + "; ".join(parts) + f". Smallest: {smallest['_label']} {smallest['_text']}."


def provisional_years(frame: pd.DataFrame) -> list[int]:
    return sorted(frame.loc[frame["flag"] == "p", "period_end"].dt.year.unique().tolist())


def provisional_note(frame: pd.DataFrame) -> str:
    years = provisional_years(frame)
    return f"Figures for {', '.join(map(str, years))} are provisional." if years else ""

