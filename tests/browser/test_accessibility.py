"""Accessibility in a real browser (Debian chromium), issue 16.

axe-core (npm, pinned in tests/browser/package.json; .ci/run installs it with `npm ci --prefix
tests/browser`) is injected into every registered page in every language, one embed of a card
alone, and the static edition's pages of one card: none may report a critical or serious
violation. Charts are drawn before axe runs. And a keyboard alone reaches every control of every
page: the language switch, the filters, each card's data expander, its CSV download and its share
menu."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import i18n
from app.static_edition import site
from tests.app.static_edition.test_edition_bake import PlaceholderImages
from tests.browser.axe import AXE_JS, CHARTS_DRAWN, blocking, run_axe
from tests.page_registry import registered_pages

pytestmark = pytest.mark.browser

RENDER_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000"))
LANGUAGES = list(i18n.LANGUAGES)
PAGES = registered_pages()
EMBED = ("lithuania", "lithuania-threats-per-year")  # (page, card) of the embed checked
EDITION_CARD = "lithuania-threats-per-year"
DATA_EXPANDER = i18n.t("common.data_expander", "en")  # a chart card's data expander
KEYBOARD_PAGE = "where"  # the page with the most filters: its kinds of control are named
MAX_TABS = 1500


@pytest.fixture(scope="module")
def axe_ready():
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci --prefix tests/browser` (.ci/run does)")


@pytest.fixture(scope="module")
def tab(browser, dashboard_url, axe_ready):
    """One browser tab for the module's pages (a page load is what the tests wait for, not a tab)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="en-GB")
    yield context.new_page()
    context.close()


def open_drawn(page, url: str, charts: bool = True) -> None:
    """Load a page, wait until Streamlit's script has finished and every chart is drawn."""
    page.goto(url)
    if charts:
        page.wait_for_selector('.js-plotly-plot, [data-testid="stException"]', timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)
    page.wait_for_function(CHARTS_DRAWN, timeout=RENDER_TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0, f"{url} shows an error box"


def assert_no_blocking(page, where: str) -> None:
    found = blocking(run_axe(page, where))
    assert not found, "critical or serious accessibility violations:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("entry", PAGES, ids=lambda p: p.url_path)
def test_no_serious_violation_on_any_page_in_any_language(tab, dashboard_url, entry, lang):
    path = "" if entry.default else entry.url_path
    open_drawn(tab, f"{dashboard_url}/{path}?lang={lang}", charts=entry.charts)
    assert_no_blocking(tab, f"page {entry.url_path!r} in {lang!r}")


@pytest.mark.parametrize("lang", ["en", "be"])
def test_no_serious_violation_in_an_embed(tab, dashboard_url, lang):
    page, card = EMBED
    open_drawn(tab, f"{dashboard_url}/{page}?lang={lang}&chart={card}&embed=true")
    assert_no_blocking(tab, f"embed of {card!r} in {lang!r}")


@pytest.fixture(scope="module")
def edition(built, tmp_path_factory) -> Path:
    """The static edition of one card in every language (images are placeholders: axe reads HTML)."""
    paths, _ = built
    out = tmp_path_factory.mktemp("a11y-edition") / "site"
    site.publish(paths, out, names=[EDITION_CARD], languages=LANGUAGES, images=PlaceholderImages, log=lambda *_: None)
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", ["edition/{lang}/index.html", "edition/{lang}/{card}.html", "embed/{lang}/{card}.html"])
def test_no_serious_violation_in_the_static_edition(tab, edition, kind, lang):
    file = edition / kind.format(lang=lang, card=EDITION_CARD)
    assert file.exists(), file
    tab.goto(file.as_uri())
    tab.wait_for_function("() => [...document.querySelectorAll('figure.chart')].every("
                          "f => f.querySelector('svg.main-svg') || f.querySelector('img'))", timeout=RENDER_TIMEOUT_MS)
    assert_no_blocking(tab, f"static edition {file.relative_to(edition)}")


# ------------------------------------------------------------------ keyboard
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (!e.dataset.a11yId) e.dataset.a11yId = String(Math.random()).slice(2);
  return e.dataset.a11yId;
}"""
# Every visible control a reader can operate, each marked with an id the walk can compare; `group`
# names controls of which one is a Tab stop and the arrow keys move between the others (a radio
# group, a segmented control), as ARIA's practices ask.
CONTROLS = """() => {
  const sel = 'button, summary, input:not([type=hidden]), select, textarea, a[href], [role=combobox], [role=switch]';
  const testids = (e) => { const ids = []; for (let n = e; n; n = n.parentElement) if (n.dataset?.testid) ids.push(n.dataset.testid); return ids.join(' < '); };
  const seen = [];
  for (const e of document.querySelectorAll(sel)) {
    if (!e.checkVisibility({visibilityProperty: true, opacityProperty: true}) || e.closest('[aria-hidden=true]') || e.disabled) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (e.getAttribute('tabindex') === '-1') continue;  // not a Tab stop by design (e.g. a tag's remove button)
    // Streamlit's hover toolbars (a table's search/fullscreen, the sidebar's collapse button) and
    // Plotly's: mouse tools; what they do is reachable otherwise (the card's CSV, the page).
    if (e.closest('.modebar, [data-testid=stElementToolbar], [data-testid=stSidebarCollapseButton]')) continue;
    if (!e.dataset.a11yId) e.dataset.a11yId = String(Math.random()).slice(2);
    const group = e.closest('[role=radiogroup], [data-testid=stButtonGroup]');
    if (group && !group.dataset.a11yId) group.dataset.a11yId = String(Math.random()).slice(2);
    seen.push({id: e.dataset.a11yId, group: group ? group.dataset.a11yId : null,
               text: (e.innerText || e.getAttribute('aria-label') || e.value || '').trim().slice(0, 60),
               tag: e.tagName.toLowerCase(), testids: testids(e)});
  }
  return seen;
}"""


def tab_through(page) -> set[str]:
    """Press Tab from the top of the page until the focus comes back round; the ids reached."""
    reached: list[str] = []
    # the sequential focus starts at the top of the document
    page.evaluate("() => { document.activeElement?.blur(); document.body.tabIndex = -1; document.body.focus(); "
                  "document.body.removeAttribute('tabindex'); }")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is not None:
            if reached and focused == reached[0]:
                break
            reached.append(focused)
    return set(reached)


@pytest.mark.parametrize("entry", PAGES, ids=lambda p: p.url_path)
def test_the_keyboard_reaches_every_control(tab, dashboard_url, entry):
    path = "" if entry.default else entry.url_path
    open_drawn(tab, f"{dashboard_url}/{path}?lang=en", charts=entry.charts)
    # Open the first card's data expander from the keyboard, as a reader would: its download
    # button is a control of the page only then.
    expanders = tab.locator('[data-testid="stExpander"] summary')
    if expanders.count():
        expanders.first.focus()
        tab.keyboard.press("Enter")
        first = tab.locator('[data-testid="stExpander"]').first
        if first.locator('[data-testid="stDownloadButton"]').count():
            first.locator('[data-testid="stDownloadButton"] button').first.wait_for(
                state="visible", timeout=RENDER_TIMEOUT_MS)
        if DATA_EXPANDER in first.locator("summary").inner_text():
            # a card's interactive table is sent once its expander is opened (app/chart_card.py):
            # it arrives, and the focus stays where the reader was
            first.locator('[data-testid="stDataFrame"]').wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
            expect(first.locator("summary")).to_be_focused(timeout=RENDER_TIMEOUT_MS)
    # The sidebar's language switch: on a loaded runner it was once not yet shown when the
    # controls were read (the page settled a moment later); wait for it, then read.
    tab.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"]').first.wait_for(
        state="visible", timeout=RENDER_TIMEOUT_MS)
    controls = tab.evaluate(CONTROLS)
    assert any("stButtonGroup" in c["testids"] for c in controls), "the language switch is a control of every page"
    if entry.url_path == KEYBOARD_PAGE:
        for expected in ("stRadio", "stCheckbox", "stMultiSelect", "stExpander", "stDownloadButton", "stPopover"):
            assert any(expected in c["testids"] for c in controls), f"no {expected} among the page's controls"
    reached = tab_through(tab)
    groups_reached = {c["group"] for c in controls if c["group"] and c["id"] in reached}
    missed = [c for c in controls if c["id"] not in reached and not (c["group"] and c["group"] in groups_reached)]
    assert not missed, "controls the Tab key never reaches:\n" + "\n".join(
        f"{c['tag']} [{c['testids']}] {c['text']!r}" for c in missed)
    # In a segmented control (the language switch among them) Tab stops once; the arrow keys
    # reach the other options.
    for group in tab.locator('[data-testid="stButtonGroup"]').all():
        buttons = group.locator('button[data-variant="segmented_control"]')  # not its help button
        if buttons.count() < 2 or not buttons.first.is_visible() or buttons.first.is_disabled():
            continue
        buttons.first.focus()
        texts = [buttons.nth(i).inner_text() for i in range(buttons.count())]
        for expected in texts[1:]:
            tab.keyboard.press("ArrowRight")
            assert tab.evaluate("() => document.activeElement.innerText") == expected, texts
