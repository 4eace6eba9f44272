"""The claims page's shaping (app/views_claims.py): badges in words only, in the reader's language;
each claim's rows selected once per release and its texts written per language, the same as a
claim built from scratch in that language."""
from __future__ import annotations

import pandas as pd
import pytest

from app import i18n, memo
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


# ------------------------------------------------------------------ rows per release, texts per language
def assert_same_claims(kept: list[claims.ClaimCard], fresh: list[claims.ClaimCard]) -> None:
    assert [card.claim_id for card in kept] == [card.claim_id for card in fresh]
    for one, other in zip(kept, fresh):
        assert (one.quote, one.kind, one.parts) == (other.quote, other.kind, other.parts), one.claim_id
        pd.testing.assert_frame_equal(one.series_rows, other.series_rows)
        assert (one.later is None) == (other.later is None), one.claim_id
        for cut, again in ((one.at_article, other.at_article), (one.later, other.later)):
            if cut is None or again is None:
                continue
            assert (cut.verdict, cut.strength, cut.reasons, cut.explanation) == (
                again.verdict, again.strength, again.reasons, again.explanation), one.claim_id
            pd.testing.assert_frame_equal(cut.figures, again.figures)
            pd.testing.assert_frame_equal(cut.events, again.events)


def claims_after(release, first: str, lang: str) -> list[claims.ClaimCard]:
    """The claims in `lang` from rows a process selected in `first` (views_claims.claim_rows)."""
    memo.clear()
    with i18n.speaking(first):
        claims.cards(release)
        rows = claims.claim_rows(release)
    with i18n.speaking(lang):
        assert claims.claim_rows(release) is rows  # selected once per release, not per language
        return claims.cards(release)


def built_in(release, lang: str) -> list[claims.ClaimCard]:
    memo.clear()
    with i18n.speaking(lang):
        return claims.cards(release)


def test_claims_written_from_rows_kept_in_another_language_are_those_built_in_theirs(release):
    fresh = built_in(release, "pl")
    assert_same_claims(claims_after(release, "en", "pl"), fresh)
    assert claims_after(release, "en", "pl")[0].at_article.explanation != built_in(release, "en")[0].at_article.explanation
    memo.clear()


@pytest.mark.slow
@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_claims_in_every_language_from_rows_kept_in_another_are_those_built_in_theirs(release, lang):
    first = "be" if lang != "be" else "en"
    assert_same_claims(claims_after(release, first, lang), built_in(release, lang))
    memo.clear()
