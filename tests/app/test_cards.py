"""One registry of chart cards (app/cards/): every card builds at its default view in every
language under a published key; pages take cards from it by name and do no shaping.

The cards the briefing offers are the cards their pages draw: each builds at its default view,
keeps stocks, flows and running totals apart, and appears on its page under its own anchor, so
the link printed under it in the pack lands on it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import cards, i18n, select
from tests.app.i18n_checks import english_and
from tests.deploy.stack import precompress_module
from tests.page_registry import DASHBOARD, registered_pages

FILES = {page.url_path: page.file for page in registered_pages()}
DRAWN_TRACES = precompress_module().DRAWN_PLOTLY_TRACES  # what the proxy's copy of plotly.js draws


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


# ------------------------------------------------------------------ the registry
PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
# Keys that links and embeds in the wild use (anchors, `chart=` values, file names): never renamed.
PUBLISHED_KEYS = {
    "overview-stocks", "where-map", "where-ranking", "where-protection-vs-residence", "where-over-time",
    "lithuania-threats-per-year", "lithuania-decisions-by-outcome", "lithuania-threats-since-questionnaire",
    "lithuania-decisions-since-questionnaire", "lithuania-permit-holders", "poland-pbh-running-total",
    "poland-pbh-per-quarter", "poland-visas-by-purpose", "poland-humanitarian-visas", "poland-permits-granted",
    "poland-applicants-map", "poland-applicants-by-voivode", "poland-applicants-per-year", "poland-residence-documents",
    "poland-documents-by-type", "asylum-applications", "asylum-decisions-pol", "asylum-recognition-rate",
    "asylum-poland-applicants", "asylum-poland-rate", "asylum-poland-decisions", "claim-c01", "sources-conflicts",
    "where-first-vs-valid", "context-origins",
}


# English and Lithuanian in the default run (~5 s of CPU a language), Polish and Belarusian in CI.
@pytest.mark.parametrize("lang", english_and("lt"))
def test_every_registered_card_builds_at_its_default_view_in_every_language(release, lang):
    i18n.set_language(lang)
    keys = []
    for name, registered in cards.REGISTRY.items():
        card = registered.build(release)
        assert card is not None, f"{name} draws nothing at its default view"
        assert card.key == name or card.key.startswith(f"{name}-"), (name, card.key)
        assert re.fullmatch(r"[a-z0-9-]{1,60}", card.key)
        assert card.title.strip() and card.alt.strip() and not card.data.empty, name
        # A card drawn in panels (the conflicts chart: one per disagreement; first permits beside
        # valid permits: one per count) keeps one kind per panel, each on its own axis.
        slices = [rows for _, rows in card.data.groupby("_panel")] if "_panel" in card.data else [card.data]
        for rows in slices:
            select.one_kind(rows)
        figure = card.build(card.data)
        assert figure.data, f"{name}: the figure draws something"
        # the proxy's copy of Streamlit's plotly.js draws these alone (deploy/precompress.py)
        assert {trace.type for trace in figure.data} <= DRAWN_TRACES, (name, {trace.type for trace in figure.data})
        keys.append(card.key)
    assert len(keys) == len(set(keys)), "card keys are unique"
    assert set(keys) == PUBLISHED_KEYS


def test_the_registry_names_each_cards_parameters_and_refuses_others(release):
    assert cards.REGISTRY["poland-residence-documents"].params == {"with_eurostat": True}
    assert set(cards.REGISTRY["asylum-decisions"].params) == {"destination", "unit", "first_year"}
    assert cards.build("asylum-decisions", release, destination="LTU").key == "asylum-decisions-ltu"
    with pytest.raises(TypeError, match="no parameter"):
        cards.build("overview-stocks", release, colour="red")


def test_the_briefing_offers_registered_cards_in_registry_order():
    names = list(cards.REGISTRY)
    assert cards.BRIEFING_KEYS == sorted(cards.BRIEFING_KEYS, key=names.index)
    assert set(cards.HEADLINE_KEYS) <= set(cards.BRIEFING_KEYS) <= set(names)


def page_trees() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PAGES_DIR.glob("*.py"))}


def test_pages_only_lay_out_widgets_and_take_cards_from_the_registry():
    """No page builds a ChartCard or groups rows (shaping is the cards' and views' work); every
    card a page renders is a registry name, and every registered card is on the page it names."""
    used: dict[str, set[str]] = {}
    for name, tree in page_trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "ChartCard" or isinstance(node, ast.Attribute) and (
                    node.attr in ("ChartCard", "groupby", "idxmax", "idxmin", "pivot_table")):
                pytest.fail(f"pages/{name}:{node.lineno} shapes or builds a card ({ast.unparse(node)})")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "build"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "cards"):
                assert isinstance(node.args[0], ast.Constant), f"pages/{name}: cards by literal name"
                used.setdefault(name, set()).add(node.args[0].value)
    files = {page.url_path: Path(page.file).name for page in registered_pages()}
    for card_name, registered in cards.REGISTRY.items():
        assert card_name in used.get(files[registered.page], set()), f"{card_name} is not on {registered.page}"
