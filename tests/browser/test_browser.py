"""The dashboard in a real browser (Debian chromium): every registered page renders without an
error box, with at least one Plotly chart and its source line, and the first chart card's CSV
download holds published rows; on the overview, exactly the rows the chart plots."""
from __future__ import annotations

import os
from urllib.parse import urlparse

import pandas as pd
import pytest

from tests.page_registry import registered_pages

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")

PAGES = registered_pages()
CHART_PAGES = [p for p in PAGES if p.charts]
REGISTRY_PATHS = ["" if p.default else p.url_path for p in PAGES]
CARD_DATA_EXPANDER = "Chart data, description and download"
ROW_KEY = ["indicator", "origin", "destination", "category", "period_start", "period_end", "value"]
# A loaded CI runner can take far longer than a laptop to draw a page: generous defaults, both
# overridable from the environment.
RENDER_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000"))
DOWNLOAD_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_DOWNLOAD_TIMEOUT_MS", "30000"))


@pytest.fixture(scope="module")
def series(built) -> pd.DataFrame:
    paths, manifest = built
    return pd.read_parquet(paths.root / manifest["tables"]["pub_series"]["path"])


def open_page(page, url: str) -> None:
    """Load a page and wait until its script has finished and a chart (or an error box) is drawn.
    A visible chart: on a phone a page's first chart may be a map hidden by design (chrome.wide_only)."""
    page.goto(url)
    page.wait_for_selector('.js-plotly-plot:visible, [data-testid="stException"]', timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)


def navigation_paths(page) -> list[str]:
    """URL paths of the sidebar's page links: the registry's when dashboard.py's st.navigation is
    in charge, file names when Streamlit fell back to its pages/ folder mode."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [urlparse(link.get_attribute("href")).path.strip("/") for link in links.all()]


def download_first_card_csv(page, attempts: int = 3) -> pd.DataFrame:
    card_data = page.locator('[data-testid="stExpander"]').filter(has_text=CARD_DATA_EXPANDER).first
    card_data.locator("summary").click()
    button = card_data.locator('[data-testid="stDownloadButton"] button')
    button.wait_for(state="visible")
    for attempt in range(1, attempts + 1):
        # On a loaded machine the opening expander can still move the button when the click
        # lands, and nothing is requested: click again rather than wait out a long timeout.
        try:
            with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
                button.click()
            break
        except playwright_api.TimeoutError:
            if attempt == attempts:
                raise
    rows = pd.read_csv(download.value.path(), dtype=str, keep_default_na=False)
    return rows.assign(value=rows["value"].astype(float))


def keys(frame: pd.DataFrame) -> list[tuple]:
    """Row identity with dates as ISO strings, as the CSV writes them."""
    out = frame[ROW_KEY].copy()
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    return sorted(out.itertuples(index=False, name=None))


def overview_chart_rows(series: pd.DataFrame) -> pd.DataFrame:
    """What the overview chart plots by default: the national residence-document stocks since 2019."""
    national = {"POL": ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"],
                "LTU": ["lt_residence_permit_holders_stock"]}
    mask = pd.Series(False, index=series.index)
    for destination, indicators in national.items():
        mask |= series["indicator"].isin(indicators) & (series["destination"] == destination)
    mask &= (series["origin"] == "BLR") & (series["category"] == "total") & (series["period_end"] >= "2019-01-01")
    return series[mask]


@pytest.mark.parametrize("entry", CHART_PAGES, ids=[p.url_path for p in CHART_PAGES])
def test_page_renders_a_sourced_chart_and_its_csv(page, dashboard_url, series, entry):
    open_page(page, f"{dashboard_url}/{'' if entry.default else entry.url_path}")
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()
    assert page.locator(".js-plotly-plot").count() >= 1
    assert page.get_by_text("Source:").count() >= 1
    assert navigation_paths(page) == REGISTRY_PATHS

    downloaded = download_first_card_csv(page)
    assert len(downloaded) > 0
    published = set(keys(series))
    assert [row for row in keys(downloaded) if row not in published] == [], "the CSV holds rows not in pub_series"
    if entry.default:
        assert keys(downloaded) == keys(overview_chart_rows(series))


def test_deep_link_on_a_fresh_server(page, fresh_dashboard_url):
    # Streamlit's legacy pages/ mode would take a URL path equal to a file name in pages/ on a
    # fresh server; app/entry.py sends such a run back through dashboard.py.
    entry = next(p for p in PAGES if not p.default and p.file == f"pages/{p.url_path}.py")
    open_page(page, f"{fresh_dashboard_url}/{entry.url_path}")
    assert navigation_paths(page) == REGISTRY_PATHS
