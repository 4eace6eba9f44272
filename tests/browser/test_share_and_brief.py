"""Sharing in a real browser: a link copied from a chart card's share menu reopens the same view;
the address bar drops what it does not know; an embed shows one chart alone; a chart's PNG
carries its title; the briefing page hands over a PDF; a dataset download does not rerun the page."""
from __future__ import annotations

import io
import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.test_browser import open_page

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")

# A PDF with charts drawn by kaleido on a busy CI machine; overridable from the environment.
DOWNLOAD_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_DOWNLOAD_TIMEOUT_MS", "120000"))
RENDER_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000"))


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def open_share_menu(page, nth: int = 0):
    button = page.locator('[data-testid="stPopoverButton"]').nth(nth)
    button.scroll_into_view_if_needed()
    button.click(force=True)
    menu = page.locator('[data-testid="stPopoverBody"]')
    menu.wait_for(state="visible")
    return menu


def checked_radio_label(page) -> str:
    return page.locator('[data-testid="stRadio"] label:has(input:checked)').first.inner_text()


def first_card_title(page) -> str:
    return page.locator('[class*="st-key-card-"] h3').first.inner_text()


def test_a_copied_link_reopens_the_same_view(page, browser, dashboard_url):
    open_page(page, f"{dashboard_url}/where?measure=permits&year=2022&countries=FRA,DEU&junk=%3Cb%3Ex%3C/b%3E")
    assert query(page.url) == {"measure": ["permits"], "year": ["2022"], "countries": ["FRA,DEU"]}, \
        "the address bar keeps only the view's own parameters"
    assert page.locator("text=<b>x</b>").count() == 0
    link = open_share_menu(page).locator('[data-testid="stCode"]').first.inner_text().strip()
    assert link.startswith(dashboard_url) and link.endswith("#where-map")
    assert query(link) == {"measure": ["permits"], "year": ["2022"], "countries": ["FRA,DEU"], "lang": ["en"]}

    other = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="pl-PL")  # another reader
    try:
        reader = other.new_page()
        open_page(reader, link)
        # The view the link names, once the reader's page has settled (on a loaded runner the radio
        # was once read while the page still drew; a link that is not honoured still fails here).
        expected = checked_radio_label(page)
        radio = reader.locator('[data-testid="stRadio"] label:has(input:checked)').first
        playwright_api.expect(radio).to_have_text(expected, timeout=RENDER_TIMEOUT_MS)
        assert first_card_title(reader) == first_card_title(page), "same view, same language as the link"
        assert reader.locator('[data-testid="stSliderThumbValue"]').first.inner_text() == "2022"
    finally:
        other.close()


def test_the_embed_snippet_shows_one_chart_alone(page, dashboard_url):
    open_page(page, f"{dashboard_url}/lithuania")
    snippet = open_share_menu(page).locator('[data-testid="stCode"]').nth(1).inner_text()
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert query(src)["embed"] == ["true"] and query(src)["chart"] == ["lithuania-threats-per-year"]
    open_page(page, src)
    visible = [plot for plot in page.locator(".js-plotly-plot").all() if plot.is_visible()]
    assert len(visible) == 1
    card = page.locator(".st-key-card-lithuania-threats-per-year")
    assert card.is_visible() and card.get_by_text("Source:").first.is_visible()
    assert not page.locator("h1").first.is_visible(), "the page around the card is hidden"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()


def test_a_chart_image_downloads_with_a_sensible_name(page, dashboard_url):
    open_page(page, f"{dashboard_url}/")
    menu = open_share_menu(page)
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
        menu.get_by_role("button", name="PNG image").click()
    assert download.value.suggested_filename == "belarus-exiles-overview-stocks.png"
    assert open(download.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
        menu.get_by_role("button", name="SVG image").click()
    svg = open(download.value.path(), encoding="utf-8").read()
    assert "<svg" in svg and "Source" in svg


def test_the_briefing_page_hands_over_a_pdf(page, dashboard_url):
    pypdf = pytest.importorskip("pypdf")
    open_page_without_chart(page, f"{dashboard_url}/briefing?charts=overview-stocks,lithuania-threats-per-year")
    page.get_by_role("button", name="Make the PDF").click()
    download_button = page.locator('[data-testid="stDownloadButton"] button').first
    download_button.wait_for(state="visible", timeout=DOWNLOAD_TIMEOUT_MS)
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
        download_button.click()
    assert re.fullmatch(r"belarus-exiles-briefing_\d{4}-\d{2}-\d{2}_en\.pdf", download.value.suggested_filename)
    reader = pypdf.PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    pages = [p.extract_text() for p in reader.pages]
    # cover, one page per chart, then the sources (which may run to a second page)
    assert len(pages) >= 4
    assert "Chart 1 of 2" in pages[1] and "Chart 2 of 2" in pages[2]
    assert "Sources" in pages[3] and "https://" in pages[3]


def test_downloading_the_dataset_does_not_rerun_the_page(page, dashboard_url):
    open_page(page, f"{dashboard_url}/sources")
    # Record every state the script goes through from here on: a rerun passes through "running".
    page.evaluate("""() => {
        window.__states = [];
        const app = document.querySelector('[data-testid="stApp"]');
        new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""")
    for name in ("Data dictionary", "Everything in one ZIP"):
        with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
            page.get_by_role("button", name=re.compile(name)).click()
        assert re.fullmatch(r"belarus-exiles_(data_dictionary|dataset)_[0-9TZ]+-[0-9a-f]{8}\.(csv|zip)",
                            download.value.suggested_filename)
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__states") == [], "a download reran the page"


def open_page_without_chart(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)
