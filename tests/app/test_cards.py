"""The cards the briefing offers are the cards their pages draw: each builds at its default view,
keeps stocks, flows and running totals apart, and appears on its page under its own anchor, so
the link printed under it in the pack lands on it."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import cards, select
from tests.page_registry import DASHBOARD, registered_pages

FILES = {page.url_path: page.file for page in registered_pages()}


@pytest.mark.parametrize("item", cards.BRIEFING, ids=[item.key for item in cards.BRIEFING])
def test_each_briefing_card_builds_one_kind_of_figure(release, item):
    card = item.build(release)
    assert card.key == item.key and card.title and card.alt and not card.data.empty
    select.one_kind(card.data)
    assert card.build(card.data).data, "the figure draws something"


@pytest.mark.parametrize("page", sorted({item.page for item in cards.BRIEFING}))
def test_each_briefing_card_is_on_its_page_under_its_anchor(page):
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    if page != url_default():
        at.switch_page(FILES[page]).run()
    assert not at.exception, [e.message for e in at.exception]
    anchors = {header.proto.anchor for header in at.subheader}
    assert {item.key for item in cards.BRIEFING if item.page == page} <= anchors


def url_default() -> str:
    return next(page.url_path for page in registered_pages() if page.default)
