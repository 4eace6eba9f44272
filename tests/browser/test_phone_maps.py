"""Maps on a phone (issue 16): at 390 × 844 the Where page's Europe map and the Poland page's
voivodeship map are too small to read, so they are hidden and a note in their place says the
ranking below holds the same figures; the ranking is drawn. On a desktop the map is drawn (with its
share menu) and the note is not."""
from __future__ import annotations

import pytest

from tests.browser.test_browser import RENDER_TIMEOUT_MS, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1300, "height": 1800}
NOTE = "The map is drawn on wider screens"
# page path: (the map's card, the ranked bar of the same figures)
MAPS = {"where": ("where-map", "where-ranking"),
        "poland": ("poland-applicants-map", "poland-applicants-by-voivode")}


def shown(page, card: str) -> dict:
    """Whether the card and its plot take space on the page, and whether its share button does."""
    return page.evaluate("""(card) => {
        const el = document.querySelector(`.st-key-card-${card}`);
        const size = e => { if (!e) return 0; const r = e.getBoundingClientRect(); return r.width * r.height; };
        return {card: !!el, box: size(el), plot: size(el && el.querySelector('.js-plotly-plot')),
                share: size(el && el.querySelector('[data-testid="stPopoverButton"]'))};
    }""", card)


def wait_for_plot(page, card: str) -> None:
    """The card's chart drawn (a loaded machine draws a page's charts one after another)."""
    page.locator(f".st-key-card-{card} .js-plotly-plot .main-svg").first.wait_for(state="visible",
                                                                                 timeout=RENDER_TIMEOUT_MS)


def note_boxes(page) -> list[float]:
    return page.evaluate("""(text) => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
        .filter(e => e.innerText.includes(text))
        .map(e => { const r = e.getBoundingClientRect(); return r.width * r.height; })""", NOTE)


@pytest.mark.parametrize("path", sorted(MAPS))
def test_a_phone_gets_the_ranking_and_a_note_instead_of_the_map(browser, dashboard_url, path):
    map_card, ranking_card = MAPS[path]
    context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        open_page(page, f"{dashboard_url}/{path}")
        wait_for_plot(page, ranking_card)
        drawn_map, ranking = shown(page, map_card), shown(page, ranking_card)
        assert drawn_map["card"], "the map is still on the page (for wider screens and its share menu)"
        assert drawn_map["box"] == 0 and drawn_map["plot"] == 0, f"the map is hidden on a phone: {drawn_map}"
        assert ranking["plot"] > 0 and ranking["share"] > 0, f"the ranking is drawn, share menu too: {ranking}"
        notes = note_boxes(page)
        assert len(notes) == 1 and notes[0] > 0, f"one visible note in the map's place: {notes}"
        # the note stands above the ranking it points to
        above = page.evaluate("""([text, card]) => {
            const note = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
                .find(e => e.innerText.includes(text));
            return note.getBoundingClientRect().bottom <= document.querySelector(`.st-key-card-${card}`)
                .getBoundingClientRect().top;
        }""", [NOTE, ranking_card])
        assert above, "the note is above the ranking"
    finally:
        context.close()


@pytest.mark.parametrize("path", sorted(MAPS))
def test_a_desktop_gets_the_map_with_its_share_menu_and_no_note(browser, dashboard_url, path):
    map_card, ranking_card = MAPS[path]
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    try:
        page = context.new_page()
        open_page(page, f"{dashboard_url}/{path}")
        wait_for_plot(page, map_card)
        wait_for_plot(page, ranking_card)
        drawn_map = shown(page, map_card)
        assert drawn_map["plot"] > 200 * 200 and drawn_map["share"] > 0, f"the map is drawn: {drawn_map}"
        assert shown(page, ranking_card)["plot"] > 0
        assert note_boxes(page) == [0], "the note is on the page but hidden"
    finally:
        context.close()
