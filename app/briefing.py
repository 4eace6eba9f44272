"""The briefing pack: which charts it offers, and the PDF of a choice of them, in the reader's
language. The page (pages/briefing.py) is UI only; drawing is app/image_export.py (kaleido and
Debian's chromium) and the PDF is app/briefing_pdf.py (fpdf2)."""
from __future__ import annotations

from collections.abc import Callable

from app import briefing_pdf, cards, data, image_export, url_state
from app.chart_card import ChartCard

BY_KEY = {item.key: item for item in cards.BRIEFING}


def build_cards(release: data.Release, keys: list[str]) -> list[ChartCard]:
    """The chosen cards at their pages' default views, in the order of the briefing: the cards the
    pages draw (cards.build: shared, read from the bake), not new ones."""
    built = (cards.build(key, release) for key in cards.BRIEFING_KEYS if key in keys)
    return [card for card in built if card is not None]  # a card with nothing to draw at its default view


def chart_titles(release: data.Release) -> dict[str, str]:
    return {card.key: card.title for card in build_cards(release, cards.BRIEFING_KEYS)}


def links(keys: list[str]) -> dict[str, str]:
    """Each chart's place in the dashboard, in the reader's language: printed under the chart."""
    return {key: url_state.page_link(BY_KEY[key].page, anchor=key) for key in keys}


def renderer_available() -> bool:
    return image_export.browser_available()


def pack(release: data.Release, keys: list[str], progress: Callable[[int, int, str], None] | None = None) -> bytes:
    chosen = build_cards(release, keys)
    return briefing_pdf.build(chosen, release, links=links([card.key for card in chosen]), progress=progress)
