"""The claims page's badges (app/views_claims.py): words only, in the reader's language."""
from __future__ import annotations

import pytest

from app import i18n
from app import views_claims as claims
from app.i18n import t


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_badges_say_verdict_and_evidence_in_words_with_no_icon_name(lang):
    i18n.set_language(lang)
    for verdict, colour in claims.VERDICT_COLOURS.items():
        badge = claims.verdict_badge(verdict)
        assert badge.startswith(f":{colour}-badge[") and badge.endswith("]")
        words = t("claims.verdict_badge", verdict=t(f"claims.verdict_{verdict}"))
        assert t("claims.verdict_label") in words and t(f"claims.verdict_{verdict}") in words
        assert ":material/" not in badge
    for strength, colour in claims.STRENGTH_COLOURS.items():
        badge = claims.strength_badge(strength)
        assert badge.startswith(f":{colour}-badge[") and ":material/" not in badge
        assert badge.replace("\\", "")[len(f":{colour}-badge["):-1] == claims.strength_label(strength)
    i18n.set_language("en")
