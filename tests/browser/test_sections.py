"""A control shared by several sections reruns those sections, not the page (url_state.section,
url_state.rerun_sections; issue 16), seen in a real browser: on the Where page the scale redraws
the map, the ranking and the trend below them, puts itself in the address, and leaves the rest of
the page as it was. The same watch sees a whole-page rerun (the language switch) touch the rest,
so it can tell one from the other."""
from __future__ import annotations

import os
import re

import pytest

from tests.browser.test_browser import open_page

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")

RENDER_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000"))
OUTSIDE = ".st-key-card-where-first-vs-valid"  # a card below both sections, read by neither
TREND = '[class*="st-key-card-where-over-time"]'
RANKING = '[class*="st-key-card-where-ranking"]'

# Streamlit marks an element stale (data-stale="true") while a run that will redraw it is under
# way; an element outside the fragments being rerun is never marked.
WATCH_STALE = """(selector) => {
  window.__staleOutside = 0;
  new MutationObserver((records) => {
    for (const r of records) if (r.target.getAttribute('data-stale') === 'true') window.__staleOutside += 1;
  }).observe(document.querySelector(selector), {attributes: true, attributeFilter: ['data-stale'], subtree: true});
}"""


def settled(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)


def test_the_scale_reruns_the_map_and_trend_sections_and_leaves_the_rest(page, dashboard_url):
    expect = playwright_api.expect
    open_page(page, f"{dashboard_url}/where?lang=en")
    outside = page.locator(OUTSIDE)
    outside.locator(".js-plotly-plot").wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    trend_before = page.locator(TREND).inner_text()
    ranking_before = page.locator(RANKING).inner_text()
    page.evaluate(WATCH_STALE, OUTSIDE)

    per_1000 = page.locator('[data-testid="stButtonGroup"] button').filter(has_text=re.compile(r"^Per "))
    per_1000.click()
    expect(page).to_have_url(re.compile(r"[?&]scale=per_1000(&|$)"), timeout=RENDER_TIMEOUT_MS)
    # both sections redrawn at the new scale: the trend below the map too, not only the map's own
    expect(page.locator(TREND)).not_to_have_text(trend_before, timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(RANKING)).not_to_have_text(ranking_before, timeout=RENDER_TIMEOUT_MS)
    settled(page)
    assert "per 1,000 residents" in page.locator(f"{TREND} .js-plotly-plot").text_content(), "the trend's axis"
    assert page.evaluate("() => window.__staleOutside") == 0, "the scale reran the whole page"

    # The control: a whole-page rerun (the language) does touch that card, so the watch can see one.
    page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"] button').filter(has_text="Polski").click()
    expect(page).to_have_url(re.compile(r"[?&]lang=pl(&|$)"), timeout=RENDER_TIMEOUT_MS)
    settled(page)
    expect(page.locator("h1").first).not_to_have_text(re.compile("^Where Belarusians went"), timeout=RENDER_TIMEOUT_MS)
    assert page.evaluate("() => window.__staleOutside") > 0, "the watch did not see a whole-page rerun"
