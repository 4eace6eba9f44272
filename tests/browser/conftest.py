"""A real dashboard server on a free port, reading the session's temporary build, and one
headless Debian chromium driven by Playwright. The server is killed in teardown."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.streamlit_server import running_dashboard

CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT = 60


@pytest.fixture(scope="session")
def chromium():
    """Playwright's API, or a skip with the reason: checked before a server is started."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); .ci/run installs it")
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")


@pytest.fixture(scope="session")
def dashboard_url(browser, built, tmp_path_factory):
    """A server whose first visit was the home page.

    Streamlit 1.67 serves a checkout with a pages/ folder in its old file-based mode until the
    entry script has called st.navigation once, i.e. until someone opens "/"
    (test_deep_link_on_a_fresh_server records that): open it first, as a reader would.
    """
    paths, _ = built
    with running_dashboard(paths.root, tmp_path_factory.mktemp("streamlit") / "server.log", START_TIMEOUT) as base_url:
        context = browser.new_context(locale="en-GB")
        context.new_page().goto(base_url)
        context.pages[0].wait_for_selector(".js-plotly-plot", timeout=int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000")))
        context.close()
        yield base_url


@pytest.fixture
def fresh_dashboard_url(chromium, built, tmp_path):
    paths, _ = built
    with running_dashboard(paths.root, tmp_path / "server.log", START_TIMEOUT) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser(chromium, chromium_browser):
    return chromium_browser


@pytest.fixture
def page(browser):
    # the dashboard picks its language from the browser's: pin English, the language the tests read
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True, locale="en-GB")
    yield context.new_page()
    context.close()
