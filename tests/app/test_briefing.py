"""The briefing's charts (app/briefing.py) are the cards the pages draw: shared through cards.build
(and so read from the image's bake), not built again for the briefing."""
from __future__ import annotations

from app import briefing, cards, i18n


def test_the_briefing_offers_the_cards_the_pages_draw_not_new_ones(release):
    cards.clear_built()
    keys = cards.HEADLINE_KEYS[:2]
    with i18n.speaking("pl"):
        chosen = briefing.build_cards(release, keys)
        assert [card.key for card in chosen] == keys
        assert all(card is cards.build(key, release) for card, key in zip(chosen, keys))
        assert briefing.build_cards(release, keys)[0] is chosen[0]
    cards.clear_built()
