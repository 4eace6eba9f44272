"""Every registered page runs in Streamlit's AppTest; the overview's headline figures and its
chart follow the published tables (expected values are computed here from the parquet files)."""
from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest

from tests.app.i18n_checks import open_data_tables
from tests.page_registry import registered_pages

PAGES = registered_pages()
DEFAULT_PAGE = next(page for page in PAGES if page.default)
SINCE = pd.Timestamp("2019-01-01")


def thousands(value: float) -> str:
    return f"{value:,.0f}"


def belarusian_rows(series: pd.DataFrame, indicators: list[str], destinations: list[str],
                    since: pd.Timestamp | None = None) -> pd.DataFrame:
    mask = (series["indicator"].isin(indicators) & (series["origin"] == "BLR")
            & series["destination"].isin(destinations) & (series["category"] == "total"))
    if since is not None:
        mask &= series["period_end"] >= since
    return series[mask]


def at_latest_date(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["period_end"] == rows["period_end"].max()]


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_registered_page_runs(rendered, page):
    at = rendered(page.file)
    assert not at.exception, [e.message for e in at.exception]
    charts = at.get("plotly_chart")
    if not page.charts:
        assert not charts and at.title, f"{page.file} runs"
        return
    assert charts, f"{page.file} shows no chart"
    # a card's note, source line and latest figure are one caption, a paragraph each
    source_lines = [line for c in at.caption for line in c.value.split("\n\n") if line.startswith("**Source:**")]
    assert len(source_lines) >= len(charts), "every chart comes through the chart card, with its source line"
    assert all(chart.proto.alt for chart in charts), "every chart has an alt text"


def test_overview_headlines_equal_the_published_tables(rendered, published):
    dashboard = rendered(DEFAULT_PAGE.file)
    series, facts = published("pub_series"), published("pub_facts")
    countries = published("pub_countries")
    europe = countries.loc[countries["unsd_region"] == "Europe", "iso3"].tolist()
    mandate = at_latest_date(belarusian_rows(series, ["unhcr_under_mandate_stock"], europe, SINCE))
    expected = {
        "In Poland": at_latest_date(belarusian_rows(
            series, ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"], ["POL"], SINCE)),
        "In Lithuania": at_latest_date(belarusian_rows(series, ["lt_residence_permit_holders_stock"], ["LTU"], SINCE)),
        "Under UNHCR's mandate in Europe": pd.DataFrame({"value": [mandate["value"].sum()], "conflict_group": [None],
                                                         "fact_id": [None]}),
        "Judged a threat by Lithuania": at_latest_date(belarusian_rows(series, ["lt_security_threat_flow"], ["LTU"])),
        "Poland. Business Harbour visas": at_latest_date(belarusian_rows(series, ["pl_pbh_visas_cumulative"], ["POL"])),
    }
    shown = {metric.label: metric.value for metric in dashboard.metric}
    assert set(shown) == set(expected)
    captions = " ".join(c.value for c in dashboard.caption)
    for label, candidates in expected.items():
        matching = candidates[candidates["value"].map(thousands) == shown[label]]
        assert not matching.empty, f"{label}: {shown[label]} is not among {candidates['value'].tolist()}"
        group = matching["conflict_group"].iloc[0]
        if pd.notna(group):  # every other figure of a disagreement is listed beside the headline
            others = facts[(facts["conflict_group"] == group) & (facts["fact_id"] != matching["fact_id"].iloc[0])]
            assert not others.empty
            for value in others["value"]:
                assert f"Another source: {thousands(value)}" in captions, f"{label}: {thousands(value)} not shown"


def trace_values(y) -> np.ndarray:
    """A trace's y values: plotly sends numeric arrays base64-encoded ({'dtype', 'bdata'})."""
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    return np.asarray(y, dtype=float)


def plotted(at) -> tuple[list[str], list[float], pd.DataFrame]:
    """Trace names, the plotted values (events and the legend's key to marks excluded) and the
    card's data table (as the reader reads it: 'Country', 'Date or period', 'Figure')."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    data_traces = [t for t in figure["data"] if t.get("name") != "Events" and t.get("hoverinfo") != "skip"]
    values = sorted(float(v) for t in data_traces for v in trace_values(t["y"]))
    table = next(d.value for d in open_data_tables(at).dataframe if "Series" in d.value.columns)
    return [t["name"] for t in data_traces], values, table


def reader_keys(frame: pd.DataFrame) -> list[tuple]:
    """What a reader reads of each published row: country, date as precisely as known, figure."""
    from app import formatting, i18n
    return sorted((i18n.country(row["destination"]), formatting.row_period(row),
                   formatting.value_with_unit(row["value"], row["unit"])) for row in frame.to_dict("records"))


def table_keys(table: pd.DataFrame) -> list[tuple]:
    return sorted(zip(table["Country"], table["Date or period"], table["Figure"]))


def test_overview_toggle_adds_the_eurostat_lines(dashboard, published):
    series = published("pub_series")
    national = pd.concat([
        belarusian_rows(series, ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"], ["POL"], SINCE),
        belarusian_rows(series, ["lt_residence_permit_holders_stock"], ["LTU"], SINCE),
    ])
    eurostat = belarusian_rows(series, ["eurostat_valid_permits_stock"], ["POL", "LTU"], SINCE)

    names, values, table = plotted(dashboard)
    assert not any("Eurostat" in name for name in names)
    assert values == sorted(national["value"])
    assert table_keys(table) == reader_keys(national)

    dashboard.toggle(key="overview_eurostat").set_value(True).run()
    assert not dashboard.exception
    names, values, table = plotted(dashboard)
    assert sum("Eurostat" in name for name in names) == 2
    assert values == sorted(pd.concat([national, eurostat])["value"])
    assert table_keys(table) == reader_keys(pd.concat([national, eurostat]))
