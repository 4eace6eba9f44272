"""Shaping for the Poland page (IT visas and permits).

Each function returns the exact rows a chart card plots (slices of pub_series plus `_` columns);
text for the intro and alt texts is built from the same rows, every word from the catalogues
(app/locales/<lang>/poland.yml). The helpers that put disagreeing sources side by side live in
app.views_country and are shared with the Lithuania page.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app import figures, formatting, select
from app.i18n import t
from app.views_country import in_order, labelled, period_labels, point, side_by_side, values_text, with_hover

# Label keys (poland.label_<key>) per series.
PBH_LABELS = {
    ("pl_pbh_visas_cumulative", "BLR"): "pbh_blr",
    ("pl_pbh_visas_cumulative", "ALL"): "pbh_all",
    ("pl_visas_reported_by_udsc_cumulative", "BLR"): "reported_citing_udsc",
}
PURPOSE_LABELS = {
    "udsc_humanitarian_visas_cumulative": "code_21",
    "udsc_pbh_visas_cumulative": "code_23",
}
VISA_TYPE_LABELS = {"national_d": "visa_d", "schengen_c": "visa_c"}
HUMANITARIAN_LABELS = {
    "pl_humanitarian_visas_cumulative": "humanitarian_press",
    "udsc_humanitarian_visas_cumulative": "humanitarian_udsc",
}
PERMIT_LABELS = {
    "pl_residence_permits_granted_flow": "permits_all",
    "pl_temporary_permits_issued_flow": "permits_temporary",
}
STOCK_LABELS = {
    "pl_residence_document_holders_stock": "stock_national",
    "udsc_residence_documents_stock": "stock_national",
    "eurostat_valid_permits_stock": "stock_eurostat",
}
# The Office for Foreigners' document types; each has a label (poland.doc_<type>) and the phrase
# the intro uses for holding one (poland.held_<type>).
DOCUMENT_TYPES = ["temporary_residence", "permanent_residence", "subsidiary_protection", "eu_long_term_resident",
                  "refugee_status", "temporary_protection", "other"]
# The Office for Foreigners names each voivode's office ('Wojewoda Mazowiecki'), a Polish proper name
# kept as such; the seat, in Polish, tells a reader which city it is.
VOIVODE_SEATS = {
    "Dolnośląski": "Wrocław", "Kujawsko-Pomorski": "Bydgoszcz", "Lubelski": "Lublin", "Lubuski": "Gorzów Wielkopolski",
    "Mazowiecki": "Warszawa", "Małopolski": "Kraków", "Opolski": "Opole", "Podkarpacki": "Rzeszów",
    "Podlaski": "Białystok", "Pomorski": "Gdańsk", "Warmińsko-Mazurski": "Olsztyn", "Wielkopolski": "Poznań",
    "Zachodniopomorski": "Szczecin", "Łódzki": "Łódź", "Śląski": "Katowice", "Świętokrzyski": "Kielce",
}
# Seats with a name of their own in the reader's language (poland.<key>): the capital, 'Warsaw' in English.
SEAT_NAMES = {"Warszawa": "seat_warsaw"}


def label(key: str) -> str:
    return t(f"poland.label_{key}")


def share_texts(values: pd.Series, total: float) -> list[str]:
    """'18,927 (36.0%)': a bar's value and its share of the published total."""
    return [f"{formatting.number(v)} ({formatting.value_with_unit(100 * v / total, 'percent')})" for v in values]


def ranked(frame: pd.DataFrame, x_title: str) -> go.Figure:
    """Ranked bars with room on the right for the longest value label ('88,839 (61.6%)'); each
    label above its bar, so that on a phone the bars keep the chart's width."""
    fig = figures.ranked_bars(frame, x_title, labels_above=True,
                              height=figures.labelled_bars_height(frame["_label"], len(frame)))
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
    frame["_label"] = [label(PBH_LABELS[key]) for key in zip(frame["indicator"], frame["origin"])]
    frame = in_order(frame, "_label", [label(key) for key in PBH_LABELS.values()])
    return with_hover(side_by_side(frame, facts), facts)


def programme_events(events: pd.DataFrame) -> pd.DataFrame:
    """The PBH programme's own milestones among Poland's events."""
    return events[events["event"].str.contains("PBH", regex=False)]


def pbh_quarterly(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, "pl_pbh_visas_flow", origin="ALL", destination="POL")
    frame["_label"] = label("pbh_quarterly")
    frame["_x"] = period_labels(frame)
    return with_hover(side_by_side(frame, facts), facts)


def visas_by_purpose(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Ministry visas to Belarusians since 10 August 2020 by purpose code, split into C and D visas."""
    frame = select.rows(series, list(PURPOSE_LABELS), destination="POL", category=list(VISA_TYPE_LABELS))
    purpose = frame["indicator"].map(PURPOSE_LABELS).map(label)
    frame["_label"] = frame["category"].map(VISA_TYPE_LABELS).map(label)
    frame["_x"] = purpose.str.replace(" (", "<br>(", n=1, regex=False)
    frame = in_order(frame, "category", list(VISA_TYPE_LABELS))
    frame = with_hover(side_by_side(frame, facts), facts)
    # The bar's purpose code heads its hover text, above the visa type.
    frame["_hover"] = "<b>" + frame["indicator"].map(PURPOSE_LABELS).map(label) + "</b><br>" + frame["_hover"]
    return frame


def purpose_alt(by_purpose: pd.DataFrame, totals: pd.DataFrame) -> str:
    parts = []
    for indicator, key in PURPOSE_LABELS.items():
        rows = by_purpose[by_purpose["indicator"] == indicator]
        split = ", ".join(f"{r['_label']}: {formatting.number(r['value'])}" for r in rows.to_dict("records"))
        parts.append(t("poland.purpose_alt_item", code=label(key),
                       total=formatting.number(totals.loc[indicator, "value"]), split=split))
    return t("poland.purpose_alt", items="; ".join(parts))


def visa_totals(series: pd.DataFrame) -> pd.DataFrame:
    """The published C+D totals per purpose code (for text; the chart plots the parts)."""
    return select.rows(series, list(PURPOSE_LABELS), destination="POL").set_index("indicator")


# ------------------------------------------------------------------ humanitarian visas and permits
def humanitarian(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, list(HUMANITARIAN_LABELS), destination="POL")
    return labelled(frame, facts, "indicator", HUMANITARIAN_LABELS, name=label, periods_on_x=False)


def permits_granted(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, list(PERMIT_LABELS), destination="POL")
    return labelled(frame, facts, "indicator", PERMIT_LABELS, name=label)


def permits_note(permits: pd.DataFrame) -> str:
    """The caveats of the permits chart: which years count positive decisions rather than permits,
    and where two sources disagree."""
    decision_years = sorted(permits.loc[permits["unit"] == "decisions", "period_end"].dt.year.unique())
    clashing = permits[permits["conflict_group"].notna()]
    notes = [t("poland.permits_note")]
    if decision_years:
        notes.append(t("poland.permits_note_decisions", years=", ".join(map(str, decision_years))))
    if not clashing.empty:
        periods = dict.fromkeys(formatting.row_period(r) for r in clashing.sort_values("period_end").itertuples())
        notes.append(t("poland.permits_note_conflict", periods=", ".join(periods)))
    return " ".join(notes)


# ------------------------------------------------------------------ applications by voivode
def voivode_name(category: str) -> str:
    name = category.removeprefix("Wojewoda ")
    if name not in VOIVODE_SEATS:
        return name
    seat = VOIVODE_SEATS[name]
    return f"{name} ({t(f'poland.{SEAT_NAMES[seat]}') if seat in SEAT_NAMES else seat})"


def applicants_total(series: pd.DataFrame) -> pd.DataFrame:
    """Applications for a residence permit in Poland, all voivodes together."""
    return select.rows(series, "udsc_permit_applicants_flow", destination="POL")


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
    return with_hover(side_by_side(frame, facts), facts)


class VoivodeshipJoinError(ValueError):
    """The Office for Foreigners' voivodes and the map's voivodeships do not join one to one."""


def voivodeship_name(code: str) -> str:
    """A voivodeship (ISO 3166-2 code, e.g. PL-14) in the reader's language: the official Polish
    name in Polish, the place catalogue's translation otherwise."""
    return t(f"place.{code}")


def voivodeship_rows(series: pd.DataFrame, facts: pd.DataFrame, boundaries: dict, year: int) -> pd.DataFrame:
    """The year's applicants by receiving voivode (the ranked bars' rows), each joined to its
    voivodeship on the map: `region` is the ISO 3166-2 code of the shape the ETL joined to that
    voivode (pub_boundaries_poland's `voivode` property). Every row joins to exactly one shape and
    every shape to exactly one row, or VoivodeshipJoinError (the build checks the same)."""
    frame = applicants_by_voivode(series, facts, year)
    region_of = {feature["properties"]["voivode"]: feature["id"] for feature in boundaries["features"]}
    frame["region"] = frame["category"].map(region_of)
    unjoined = frame.loc[frame["region"].isna(), "category"].tolist()
    if unjoined or frame["region"].duplicated().any() or set(frame["region"]) != set(region_of.values()):
        raise VoivodeshipJoinError(f"{year}: voivodes {unjoined} join no voivodeship, or the join is not one to one "
                                   f"({len(frame)} rows, {len(region_of)} voivodeships)")
    provisional = frame["flag"].eq("p")
    frame["_office"] = frame["_label"]
    frame["_label"] = frame["region"].map(voivodeship_name)
    # `_text` is the bar's label: the figure and its share of the year's published total.
    frame["_hover"] = [
        t("poland.map_hover", region=region, office=office, figure=figure, year=year)
        + (f"<br><i>{t('poland.map_hover_provisional')}</i>" if is_provisional else "")
        for region, office, figure, is_provisional in zip(frame["_label"], frame["_office"], frame["_text"],
                                                         provisional)]
    return frame.sort_values("value", ascending=False).reset_index(drop=True)


def applicants_per_year(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    frame = select.rows(series, "udsc_permit_applicants_flow", destination="POL")
    frame["_label"] = label("all_voivodes")
    frame["_x"] = period_labels(frame)
    return with_hover(side_by_side(frame, facts), facts)


# ------------------------------------------------------------------ how many live in Poland
def residence_stock(series: pd.DataFrame, facts: pd.DataFrame, with_eurostat: bool) -> pd.DataFrame:
    """National counts of residence-document holders (press reports and the Office's own report
    as one line), and optionally Eurostat's broader count of valid permits."""
    indicators = [i for i in STOCK_LABELS if with_eurostat or i != "eurostat_valid_permits_stock"]
    frame = select.rows(series, indicators, destination="POL", since="2018-12-31")
    frame["_label"] = frame["indicator"].map(STOCK_LABELS).map(label)
    frame = in_order(frame, "_label", [label(key) for key in dict.fromkeys(STOCK_LABELS.values())])
    return with_hover(side_by_side(frame, facts), facts)


def documents_by_type(series: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Holders on the latest date by type of document, each with its share of the total."""
    frame = select.rows(series, "udsc_residence_documents_stock", destination="POL", category=None)
    frame = frame[frame["period_end"] == frame["period_end"].max()]
    total = frame.loc[frame["category"] == "total", "value"].item()
    frame = frame[frame["category"] != "total"].reset_index(drop=True)
    frame["_label"] = [t(f"poland.doc_{category}") for category in frame["category"]]
    frame["_text"] = share_texts(frame["value"], total)
    return with_hover(side_by_side(frame, facts), facts)


# ------------------------------------------------------------------ text
def intro(stock: pd.DataFrame, documents: pd.DataFrame, totals: pd.DataFrame, programme: pd.DataFrame) -> str:
    """The opening paragraph, every number taken from published rows (`stock` with Eurostat's rows)."""
    national = stock[stock["indicator"] != "eurostat_valid_permits_stock"]
    eurostat = stock[stock["indicator"] == "eurostat_valid_permits_stock"].iloc[-1]
    latest = national[national["period_end"] == national["period_end"].max()]
    verified = national[national["verification"] != "unverified"]
    first = verified[verified["period_end"] == verified["period_end"].min()]
    largest = documents.loc[documents["value"].idxmax()]
    group = "intro_most" if largest["value"] > documents["value"].sum() / 2 else "intro_largest_group"
    code21, code23 = totals.loc["udsc_humanitarian_visas_cumulative"], totals.loc["udsc_pbh_visas_cumulative"]
    return " ".join([
        t("poland.intro_stock", latest=values_text(latest), latest_date=formatting.row_date(latest.iloc[0]),
          first=values_text(first), first_date=formatting.row_date(first.iloc[0])),
        t("poland.intro_documents", group=t(f"poland.{group}"), value=formatting.number(largest["value"]),
          held=t(f"poland.held_{largest['category']}")),
        t("poland.intro_visas", start=formatting.date(code21["period_start"]),
          end=formatting.date(code21["period_end"]),
          humanitarian=formatting.number(code21["value"]), pbh=formatting.number(code23["value"]),
          closed=formatting.date(programme["date"].max())),
        t("poland.intro_eurostat", value=formatting.number(eurostat["value"]),
          date=formatting.date(eurostat["period_end"])),
    ])


def series_alt(frame: pd.DataFrame, chart: str, how: str = "on") -> str:
    """'<chart's opening sentence> <series>: <value> <how> <date>, ...; <series>: ...', the opening
    sentence being poland.<chart>_alt."""
    parts = [f"{series}: " + ", ".join(point(row, how) for row in rows.to_dict("records"))
             for series, rows in frame.groupby("_label", sort=False)]
    return t(f"poland.{chart}_alt", items="; ".join(parts))


def ranked_alt(frame: pd.DataFrame, chart: str, **params) -> str:
    """Alt text of a ranked bar chart: the three largest bars and the smallest."""
    ordered = frame.sort_values("value", ascending=False)
    largest = "; ".join(f"{r['_label']} {r['_text']}" for r in ordered.head(3).to_dict("records"))
    smallest = ordered.iloc[-1]
    return t(f"poland.{chart}_alt", largest=largest, smallest=f"{smallest['_label']} {smallest['_text']}", **params)


def provisional_years(frame: pd.DataFrame) -> list[int]:
    return sorted(frame.loc[frame["flag"] == "p", "period_end"].dt.year.unique().tolist())


def provisional_note(frame: pd.DataFrame) -> str:
    years = provisional_years(frame)
    return t("poland.provisional_note", years=", ".join(map(str, years))) if years else ""
