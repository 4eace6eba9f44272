"""Shaping for two views that put the Belarusian figures in context, on the "Where they went" page.

1. First permits beside valid permits (Eurostat): how many permits were issued to Belarusians in
   each year (a flow) and how many Belarusians held one on 31 December (a stock), for Poland,
   Lithuania and the rest of the EU, in two panels that never share an axis or a series.
   "Rest of the EU" is Eurostat's EU total (EU27_2020) minus Poland and Lithuania, computed only
   for the years in which Eurostat publishes all three figures.
2. Belarusians beside Russians and Ukrainians under UNHCR's mandate (refugees and asylum seekers)
   in the same countries, as counts or per 100,000 residents of the country of origin (World
   Bank population, pub_population).

Pure functions on published frames: what they return is exactly what the cards plot and offer
for download; every sentence is built here from the same rows, in the reader's language."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app import figures, formatting, i18n, select
from app.i18n import t
from app.views_where import EUROSTAT_FLAGS, MANDATE, PERMITS, flag_meaning, listed

FIRST = "eurostat_first_permits_flow"
EU = "EU27_2020"
REST_OF_EU = "EU27_2020_EXCL_POL_LTU"   # a derived place: EU27_2020 minus Poland and Lithuania
MAIN = ("POL", "LTU")
FLOWS_SINCE = "2015-01-01"
PLACES = (*MAIN, REST_OF_EU)              # drawn in this order, each in one colour in both panels
PANELS = {FIRST: "flow", PERMITS: "stock"}  # the panel of each count, top to bottom

ORIGINS = ("BLR", "RUS", "UKR")
CONTEXT_COUNTRIES = ("POL", "LTU", "LVA", "DEU")  # Belarus's EU neighbours with UNHCR figures, and Germany
CONTEXT_SINCE = 2015
PER = 100_000                                   # per-capita values are per 100,000 residents of the origin
PER_CAPITA_UNIT = "per_100k_origin"
SCALES = ("total", "per_capita")               # the context chart's two views (the page's radio)
WAR = "war"                                     # the event category of Russia's full invasion of Ukraine


def place_name(code: str) -> str:
    return t("context.rest_of_eu") if code == REST_OF_EU else i18n.country(code)


def _flags(rows: pd.DataFrame) -> str | None:
    """The Eurostat flags of the figures a derived value is computed from, each letter once."""
    letters = sorted({letter for flag in rows["flag"].dropna() for letter in str(flag)})
    return "".join(letters) or None


def _flag_note(flag) -> str:
    if not isinstance(flag, str):
        return ""
    return f" ({flag}: {', '.join(flag_meaning(letter) for letter in flag)})"


# ------------------------------------------------------------------ first permits beside valid permits
def rest_of_eu(rows: pd.DataFrame) -> pd.DataFrame:
    """EU27_2020 minus Poland and Lithuania, one row per period in which all three are published
    (the EU total's row, with the derived value, destination REST_OF_EU and the flags of all three)."""
    derived = []
    for _, at_date in rows.groupby("period_end", sort=True):
        by_place = at_date.set_index("destination")
        if not {EU, *MAIN} <= set(by_place.index):
            continue
        row = by_place.loc[EU].copy()
        row["value"] = by_place.at[EU, "value"] - sum(by_place.at[code, "value"] for code in MAIN)
        row["flag"] = _flags(at_date)
        row["destination"] = REST_OF_EU
        derived.append(row)
    if not derived:
        return rows.iloc[0:0]
    return pd.DataFrame(derived).reset_index(drop=True)


def left_out_years(rows: pd.DataFrame) -> list[int]:
    """Years with Eurostat figures for some country but without the EU total, Poland or
    Lithuania: no rest-of-the-EU figure is computed for them."""
    years = sorted(rows["period_end"].dt.year.unique())
    complete = {end.year for end, at_date in rows.groupby("period_end")
                if {EU, *MAIN} <= set(at_date["destination"])}
    return [year for year in years if year not in complete]


def _hover(row: dict, parts: dict[str, float] | None) -> str:
    place, value = place_name(row["destination"]), formatting.number(row["value"])
    if row["indicator"] == FIRST:
        text = t("context.flow_hover", place=place, value=value, year=row["period_end"].year)
    else:
        text = t("context.stock_hover", place=place, value=value, date=formatting.date(row["period_end"]))
    if parts is not None:
        text += "<br>" + t("context.rest_hover", eu=formatting.number(parts[EU]),
                           poland=formatting.number(parts["POL"]), lithuania=formatting.number(parts["LTU"]))
    return text + _flag_note(row["flag"])


def first_vs_valid(series: pd.DataFrame) -> pd.DataFrame:
    """Eurostat's first permits (flow) and valid permits (stock) of Belarusians for Poland,
    Lithuania and the rest of the EU, one row per place and year: the flow first, then the stock,
    places in PLACES' order. `_panel` names the count (one kind each), `_label` the place, `_x`
    the year."""
    parts = []
    for indicator, panel in PANELS.items():
        published = select.rows(series, indicator, destination=[EU, *MAIN], since=FLOWS_SINCE)
        by_date = published.set_index(["period_end", "destination"])["value"]
        frame = pd.concat([published[published["destination"].isin(MAIN)], rest_of_eu(published)],
                          ignore_index=True)
        frame["_hover"] = [
            _hover(row, {code: by_date[(row["period_end"], code)] for code in (EU, *MAIN)}
                   if row["destination"] == REST_OF_EU else None)
            for row in frame.to_dict("records")]
        frame["_panel"] = t(f"context.panel_{panel}")
        frame["_place"] = frame["destination"].map(PLACES.index)
        parts.append(frame.sort_values(["_place", "period_end"]).drop(columns="_place"))
    out = pd.concat(parts, ignore_index=True)
    out["_label"] = out["destination"].map(place_name)
    out["_x"] = out["period_end"].dt.year
    return out


def left_out_note(series: pd.DataFrame) -> str:
    """The years in which no rest-of-the-EU figure is computed, for either count."""
    years = sorted({year for indicator in PANELS
                    for year in left_out_years(select.rows(series, indicator, since=FLOWS_SINCE))})
    return t("context.flows_left_out", years=listed([str(year) for year in years])) if years else ""


def panel_lines(frame: pd.DataFrame) -> go.Figure:
    """Two panels, one above the other, sharing the years: the flow above, the stock below, each
    on its own axis; one colour per place in both, one legend entry each."""
    panels = list(dict.fromkeys(frame["_panel"]))
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=[f"<b>{panel}</b>" for panel in panels])
    colours = {code: figures.PALETTE[i] for i, code in enumerate(PLACES)}
    for row, panel in enumerate(panels, start=1):
        rows = frame[frame["_panel"] == panel]
        select.one_kind(rows)  # each panel is one kind, on its own axis
        for code, group in rows.groupby("destination", sort=False):
            name = str(group["_label"].iloc[0])
            fig.add_trace(go.Scatter(
                x=group["_x"], y=group["value"], name=name, legendgroup=code, showlegend=row == 1,
                mode="lines+markers", line=dict(color=colours[code], width=2.5),
                marker=dict(size=7, color=colours[code]), hovertext=figures.hover_texts(group), hoverinfo="text",
            ), row=row, col=1)
    figures.base_layout(fig, "", height=620)  # its y-axis title is set per panel below
    for row, panel in enumerate(panels, start=1):
        fig.update_yaxes(title_text=t(f"context.axis_{frame[frame['_panel'] == panel]['kind'].iloc[0]}"),
                         row=row, col=1)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_annotations(font=dict(size=13), xanchor="left", x=0, align="left")
    fig.update_layout(margin=dict(t=70))
    return fig


def first_vs_valid_alt(frame: pd.DataFrame) -> str:
    def place(group: pd.DataFrame) -> str:
        first, last, peak = group.iloc[0], group.iloc[-1], group.loc[group["value"].idxmax()]
        shape = "alt_place_last_highest" if peak["_x"] == last["_x"] else "alt_place"
        return t(f"context.{shape}", place=first["_label"], first=formatting.number(first["value"]),
                 first_year=first["_x"], peak=formatting.number(peak["value"]), peak_year=peak["_x"],
                 last=formatting.number(last["value"]), last_year=last["_x"])

    def span(rows: pd.DataFrame) -> str:
        return "; ".join(place(group) for _, group in rows.groupby("destination", sort=False))
    return t("context.flows_alt", flow=span(frame[frame["kind"] == "flow"]),
             stock=span(frame[frame["kind"] == "stock"]))


def flags_used(frame: pd.DataFrame) -> str:
    """What the Eurostat flag letters of the plotted rows mean ('' when none is plotted)."""
    letters = sorted({letter for flag in frame["flag"].dropna() for letter in str(flag)} & set(EUROSTAT_FLAGS))
    if not letters:
        return ""
    return t("where.flags_note", flags="; ".join(f"{letter} {flag_meaning(letter)}" for letter in letters))


# ------------------------------------------------------------------ Belarusians beside Russians and Ukrainians
def origins_years(series: pd.DataFrame, countries: tuple[str, ...] = CONTEXT_COUNTRIES) -> list[int]:
    """Years in which UNHCR gives a figure for every origin in every country compared."""
    rows = select.rows(series, MANDATE, origin=list(ORIGINS), destination=list(countries),
                       since=f"{CONTEXT_SINCE}-01-01")
    counts = rows.groupby(rows["period_end"].dt.year).apply(lambda g: len(set(zip(g["origin"], g["destination"]))))
    return sorted(int(year) for year, n in counts.items() if n == len(ORIGINS) * len(countries))


def population_for(population: pd.DataFrame, iso3: str, year: int) -> pd.Series:
    """The origin's population row (iso3, year, population, source_id) for `year`, or for the
    latest year published before it (which the card then names). Raises when there is none."""
    rows = population[(population["iso3"] == iso3) & (population["year"] <= year)].sort_values("year")
    if rows.empty:
        raise LookupError(f"no population of {iso3} up to {year}")
    return rows.iloc[-1]


def origins(series: pd.DataFrame, population: pd.DataFrame, year: int, per_capita: bool,
            countries: tuple[str, ...] = CONTEXT_COUNTRIES) -> pd.DataFrame:
    """Refugees and asylum seekers under UNHCR's mandate from Belarus, Russia and Ukraine in the
    compared countries on 31 December of `year`: the published counts, or (per_capita) each count
    per 100,000 residents of its country of origin, with the count, the population and its year
    as columns of their own."""
    rows = select.rows(series, MANDATE, origin=list(ORIGINS), destination=list(countries))
    rows = rows[rows["period_end"].dt.year == year].copy()
    country_order = {code: i for i, code in enumerate(countries)}
    origin_order = {code: i for i, code in enumerate(ORIGINS)}
    rows = rows.sort_values(["origin", "destination"], key=lambda c: c.map(
        origin_order if c.name == "origin" else country_order)).reset_index(drop=True)
    counts = rows["value"].copy()
    pops = pd.DataFrame([population_for(population, origin, year) for origin in rows["origin"]]).reset_index(drop=True)
    if per_capita:
        # The count, the population and its source stay beside the value (and in the CSV).
        rows["under_mandate"] = counts
        rows["origin_population"] = pops["population"].astype(float)
        rows["origin_population_year"] = pops["year"].astype(int)
        rows["origin_population_source_id"] = pops["source_id"]
        rows["value"] = counts / rows["origin_population"] * PER
        rows["unit"] = PER_CAPITA_UNIT
    rows["_panel"] = [t(f"context.from_{origin}") for origin in rows["origin"]]
    rows["_label"] = rows["destination"].map(i18n.country)
    rows["_x"] = rows["_label"]
    rows["_text"] = [value_text(v, per_capita) for v in rows["value"]]
    rows["_hover"] = [origin_hover(row, count, pop, int(pop_year), per_capita)
                      for row, count, pop, pop_year in zip(rows.to_dict("records"), counts, pops["population"],
                                                           pops["year"])]
    return rows


def value_text(value: float, per_capita: bool) -> str:
    return formatting.number(value, decimals=1) if per_capita else formatting.number(value)


def origin_hover(row: dict, count: float, population: float, population_year: int, per_capita: bool) -> str:
    head = f"<b>{row['_label']}</b> · {row['_panel']}<br>"
    counted = t("context.origins_hover_count", value=formatting.number(count),
                date=formatting.date(row["period_end"]))
    if not per_capita:
        return head + counted
    return head + "<br>".join([
        t("context.origins_hover_rate", value=formatting.number(row["value"], decimals=1),
          per=formatting.number(PER), residents=t(f"context.residents_{row['origin']}")),
        counted,
        t("context.origins_hover_population", population=formatting.number(population), year=population_year),
    ])


def origin_bars(frame: pd.DataFrame, unit: str) -> go.Figure:
    """One panel per country of origin, one above the other, each on its own scale: a bar per
    compared country, its value printed beside it. The panel titles name the origin and `unit`
    (no axis title: in an image, the footer sits where a lower panel's axis title would be)."""
    panels = list(dict.fromkeys(frame["_panel"]))
    fig = make_subplots(rows=len(panels), cols=1, vertical_spacing=0.12,
                        subplot_titles=[f"<b>{panel}</b> · {unit}" for panel in panels])
    for row, panel in enumerate(panels, start=1):
        rows = frame[frame["_panel"] == panel]
        select.one_kind(rows)
        fig.add_trace(go.Bar(
            x=rows["value"], y=rows["_label"], orientation="h", marker_color=figures.PALETTE[row - 1],
            text=rows["_text"], textposition="outside", cliponaxis=False, showlegend=False,
            hovertext=figures.hover_texts(rows), hoverinfo="text", name=panel,
        ), row=row, col=1)
        fig.update_xaxes(range=[0, rows["value"].max() * 1.25], row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    figures.base_layout(fig, "", height=150 * len(panels) + 120)
    fig.update_xaxes(tickformat=",~r", rangemode="tozero")
    fig.update_yaxes(title_text="", rangemode=None)
    fig.update_annotations(font=dict(size=13), xanchor="left", x=0, align="left")
    fig.update_layout(margin=dict(l=10, r=50, t=40, b=10), bargap=0.3)
    return fig


def origins_alt(frame: pd.DataFrame, per_capita: bool) -> str:
    panels = "; ".join(
        t("context.origins_alt_panel", origin=group["_panel"].iloc[0], values=", ".join(
            f"{name} {text}" for name, text in zip(group["_label"], group["_text"])))
        for _, group in frame.groupby("origin", sort=False))
    if per_capita:
        return t("context.origins_alt_per_capita", date=formatting.date(frame["period_end"].max()), panels=panels,
                 per=formatting.number(PER))
    return t("context.origins_alt_total", date=formatting.date(frame["period_end"].max()), panels=panels)


def invasion(events: pd.DataFrame) -> pd.Timestamp | None:
    """The date of Russia's full invasion of Ukraine: the first event of the category 'war'."""
    war = events[events["event_category"] == WAR].sort_values("date")
    return None if war.empty else pd.Timestamp(war["date"].iloc[0])


def scales_note(series: pd.DataFrame, events: pd.DataFrame, country: str = "POL") -> str:
    """Why the Ukrainian counts are of another order: what the data holds (UNHCR's refugees from
    Ukraine in `country` at the end of the year before the invasion and of the invasion's year),
    and what it cannot say (under which status the host country protects them)."""
    began = invasion(events)
    if began is None:
        return ""
    refugees = select.rows(series, "unhcr_refugees_stock", origin="UKR", destination=country)
    by_year = refugees.set_index(refugees["period_end"].dt.year)["value"]
    before, after = began.year - 1, began.year
    if before not in by_year or after not in by_year:
        return ""
    return t("context.scales_note", invasion=formatting.date(began), country=i18n.country(country),
             before=formatting.number(by_year[before]), before_year=before,
             after=formatting.number(by_year[after]), after_year=after)


def permits_beside(series: pd.DataFrame, year: int, countries: tuple[str, ...] = CONTEXT_COUNTRIES) -> str:
    """The other source on Belarusians in the same countries: Eurostat's valid permits on 31
    December of the latest year up to `year` with a figure for every country compared (Eurostat
    publishes some countries later than others), beside UNHCR's count."""
    permits = select.rows(series, PERMITS, destination=list(countries))
    permits = permits[permits["period_end"].dt.year <= year]
    if permits.empty:
        return ""
    complete = [end for end, rows in permits.groupby("period_end") if set(rows["destination"]) == set(countries)]
    latest = permits[permits["period_end"] == (max(complete) if complete else permits["period_end"].max())]
    order = {code: i for i, code in enumerate(countries)}
    latest = latest.sort_values("destination", key=lambda c: c.map(order))
    return t("context.permits_beside", date=formatting.date(latest["period_end"].iloc[0]), figures=listed([
        t("context.permits_in", value=formatting.number(v), country=i18n.country(code))
        for code, v in zip(latest["destination"], latest["value"])]))


def per_capita_note(frame: pd.DataFrame, year: int) -> str:
    """How the per-capita values are computed, and the population year where it is not the year shown."""
    years = sorted(set(frame["origin_population_year"]))
    text = t("context.per_capita_note", per=formatting.number(PER), years=listed([str(y) for y in years]))
    if years != [year]:
        text += " " + t("context.population_year_note", year=year, years=listed([str(y) for y in years]))
    return text
