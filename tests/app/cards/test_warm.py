"""The start-up warm-up: default views built in each language, what render draws made, off unless asked."""
from __future__ import annotations

from app import cards, i18n
from app.cards import warm

DRAWN = {"figure", "caption", "sent_figure", "conflicts", "conflicts_table", "reader_table", "accessible_table",
         "embed_heights"}


def test_warm_builds_each_default_view_in_each_language_with_what_its_page_draws(release, monkeypatch):
    chosen = {name: cards.REGISTRY[name] for name in ("overview-stocks", "poland-applicants-map")}
    monkeypatch.setattr(cards, "REGISTRY", chosen)
    cards.clear_built()
    assert warm.warm(release, ("pl", "be")) == 4
    for lang in ("pl", "be"):
        with i18n.speaking(lang):
            for name in chosen:
                card = cards.build(name, release)
                assert card is not None and DRAWN <= set(card._made), (lang, name, sorted(card._made))
    with i18n.speaking("pl"):
        polish = cards.build("overview-stocks", release)
    with i18n.speaking("be"):
        assert cards.build("overview-stocks", release) is not polish  # one card per language
    # English was not asked for: a reader in English builds it
    with i18n.speaking("en"):
        assert not cards.build("overview-stocks", release)._made


def test_warm_up_starts_only_when_asked(release, monkeypatch):
    monkeypatch.delenv(warm.WARM_UP_ENV, raising=False)
    assert not warm.enabled()
    assert warm.start(release) is False
    assert warm.state()["state"] == "off"
    monkeypatch.setenv(warm.WARM_UP_ENV, "1")
    assert warm.enabled()


def test_warm_builds_the_views_readers_asked_for_and_a_default_given_names_the_default_view(release, monkeypatch):
    chosen = {name: cards.REGISTRY[name] for name in ("poland-applicants-map",)}
    monkeypatch.setattr(cards, "REGISTRY", chosen)
    cards.clear_built()
    with i18n.speaking("en"):
        cards.build("poland-applicants-map", release, year=2023)
    assert warm.warm(release, ("lt",)) == 2  # the default view and the year asked for
    with i18n.speaking("lt"):
        assert "embed_heights" in cards.build("poland-applicants-map", release, year=2023)._made
        assert cards.build("poland-applicants-map", release, year=None) is cards.build("poland-applicants-map", release)
