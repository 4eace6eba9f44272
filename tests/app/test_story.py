"""The story "Five years in exile" (app/story.py) quotes the release: every number of every
sentence, in all four languages, is one of the paragraph's named inputs; every named input is
re-read here from the release's parquet files and recomputed; changing a published value changes
the sentence; every chart is a registry card that links to its interactive view."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from babel.numbers import NumberFormatError, parse_decimal

from app import cards, data, i18n, memo, story, url_state

LANGS = list(i18n.LANGUAGES)
NUMBER = re.compile(r"\d+(?:[\u00a0\u202f.,]\d+)*")
# How a published row is found again in its table.
KEYS = {
    "pub_series": ["indicator", "origin", "destination", "category", "period_start", "period_end", "unit", "fact_id"],
    "pub_estimates": ["estimate_id"],
    "pub_events": ["date", "country", "event"],
    "pub_population": ["iso3", "year"],
}
CHAPTERS = ["flight", "destinations", "pbh", "lithuania", "elsewhere", "limits"]


@pytest.fixture(scope="module")
def chapters(release) -> list[story.Chapter]:
    return story.chapters(release)


def paragraphs(chapters: list[story.Chapter]) -> list[story.Paragraph]:
    return [paragraph for chapter in chapters for paragraph in chapter.paragraphs()]


def numbers_in(text: str, lang: str) -> list[float]:
    """Every number written in `text`, read as `lang` writes numbers (babel/CLDR)."""
    found = []
    for token in NUMBER.findall(text):
        token = token.rstrip(".,")
        try:
            found.append(float(parse_decimal(token, locale=i18n.babel_locale(lang), strict=False)))
        except NumberFormatError:  # pragma: no cover - a token babel cannot read fails the test below
            found.append(float("nan"))
    return found


def test_the_story_tells_its_six_chapters_in_order_each_ending_on_a_chart(chapters):
    assert [chapter.key for chapter in chapters] == CHAPTERS
    charts = [chart for chapter in chapters for chart in chapter.charts()]
    assert 6 <= len(charts) <= 8
    assert len({chart.card for chart in charts}) == len(charts), "each chart once (card keys are widget keys)"
    for chapter in chapters:
        assert isinstance(chapter.blocks[0], story.Paragraph) and isinstance(chapter.blocks[-1], story.Chart)


@pytest.mark.parametrize("lang", LANGS)
def test_every_number_in_every_sentence_is_a_named_input_drawn_from_the_release(chapters, lang):
    i18n.set_language(lang)
    for paragraph in paragraphs(chapters):
        text = paragraph.text()
        for date in sorted((when.text() for when in paragraph.dates().values()), key=len, reverse=True):
            assert date in text, (paragraph.key, date)
            text = text.replace(date, " ")
        allowed = {value for figure in paragraph.figures().values() for value in figure.shown()}
        written = numbers_in(text, lang)
        assert set(written) <= allowed, (lang, paragraph.key, text, sorted(set(written) - allowed))
        for name, figure in paragraph.figures().items():  # and every input is in the sentence
            assert figure.shown() & set(written), (lang, paragraph.key, name)


def read_again(published, rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows as the release's file holds them, found by their key columns, in the same order."""
    table = published(key.split("#")[0])
    keys = KEYS[key.split("#")[0]]
    found = rows[keys].merge(table, on=keys, how="left", validate="one_to_one", indicator=True)
    assert (found["_merge"] == "both").all(), f"a row of {key} is not in the release"
    return found.drop(columns="_merge")


def test_every_named_input_is_published_rows_and_recomputes_from_them(chapters, published):
    inputs = [value for paragraph in paragraphs(chapters) for value in paragraph.inputs.values()]
    assert inputs
    for value in inputs:
        if isinstance(value, story.Words):
            assert not re.search(r"\d", value.text())
            continue
        again = {key: read_again(published, rows, key) for key, rows in value.rows.items()}
        for key, rows in value.rows.items():
            shared = [c for c in rows.columns if c in again[key].columns and not c.startswith("_")]
            pd.testing.assert_frame_equal(rows[shared].reset_index(drop=True), again[key][shared],
                                          check_dtype=False)
        if isinstance(value, story.Figure):
            assert value.compute(again) == pytest.approx(value.value)


def test_a_changed_published_value_rewrites_the_sentence(release, chapters, monkeypatch):
    """A copy of pub_series with the EU's count of valid permits in the story's year altered: the
    sentence quotes the new value and the share it makes, never the old ones."""
    before = next(p for p in chapters[1].paragraphs() if p.key == "destinations_permits")
    eu = before.inputs["eu"]
    assert isinstance(eu, story.Figure)
    row = eu.rows["pub_series"].iloc[0]
    original = data.series(release)
    changed = original.copy()
    mask = ((changed["indicator"] == row["indicator"]) & (changed["destination"] == row["destination"])
            & (changed["origin"] == row["origin"]) & (changed["period_end"] == row["period_end"]))
    assert mask.sum() == 1
    changed.loc[mask, "value"] = row["value"] * 2 + 1
    monkeypatch.setattr(data, "series", lambda _release: changed)
    after = next(p for p in story.destinations(release).paragraphs() if p.key == "destinations_permits")
    old_text, new_text = before.text(), after.text()
    assert f"{row['value'] * 2 + 1:,.0f}" in new_text and f"{row['value']:,.0f}" not in new_text
    assert after.inputs["share"].text() != before.inputs["share"].text()
    assert after.inputs["share"].text() in new_text and old_text != new_text


def test_a_changed_population_rewrites_the_one_in_n_sentence(release, chapters, monkeypatch):
    before = next(p for p in chapters[-1].paragraphs() if p.key == "limits_context")
    population = before.inputs["blr_one_in"]
    assert isinstance(population, story.Figure)
    row = population.rows["pub_population"].iloc[0]
    table = data.table(release, "pub_population").copy()
    table.loc[(table["iso3"] == row["iso3"]) & (table["year"] == row["year"]), "population"] = row["population"] * 3
    real_table = data.table
    monkeypatch.setattr(data, "table", lambda rel, name: table if name == "pub_population" else real_table(rel, name))
    after = story.context_paragraph(data.series(release), data.table(release, "pub_population"))
    assert after.inputs["blr_one_in"].value == pytest.approx(3 * population.value)
    assert after.inputs["blr_one_in"].text() in after.text() and after.text() != before.text()


def test_each_chart_is_a_registry_card_linking_its_interactive_view_and_the_claims_page(release, chapters):
    for chart in (chart for chapter in chapters for chart in chapter.charts()):
        registered = cards.REGISTRY[chart.card]
        assert chart.page == registered.page, f"{chart.card} lives on {registered.page}"
        assert set(chart.params) <= set(registered.params)
        assert set(chart.query) <= set(url_state.PAGE_PARAMS[chart.page])
        card = chart.build(release)
        assert card.key == chart.card and not card.data.empty
        link = chart.link()
        path = "/" if chart.page == url_state.DEFAULT_PAGE else f"/{chart.page}"
        assert f"{path}?" in link and link.endswith(f"#{chart.card}") and "lang=en" in link
        assert all(f"{name}={value}" in link for name, value in chart.query.items())


def test_a_missing_event_stops_the_story_with_its_name(release, monkeypatch):
    events = data.events(release)
    monkeypatch.setattr(data, "events", lambda _release: events[events["country"] != "LTU"])
    with pytest.raises(story.StoryDataError, match="questionnaire"):
        story.lithuania_screening(release)


def story_texts(chapters: list[story.Chapter]) -> list[str]:
    return [chapter.heading for chapter in chapters] + [paragraph.text() for paragraph in paragraphs(chapters)]


@pytest.mark.parametrize("first, lang", [("en", "pl"), ("pl", "be")])
def test_the_story_written_from_rows_kept_in_another_language_is_the_story_built_in_its_own(release, first, lang):
    memo.clear()
    with i18n.speaking(first):
        kept = story.chapters(release)
        first_texts = story_texts(kept)
    with i18n.speaking(lang):
        assert story.chapters(release) is kept  # the rows are drawn once per release
        written = story_texts(kept)
    memo.clear()
    with i18n.speaking(lang):
        fresh = story.chapters(release)
        assert fresh is not kept and written == story_texts(fresh)
    assert written != first_texts
    # the countries named in words are written in the reader's language when read
    places = [value for paragraph in paragraphs(kept) for value in paragraph.inputs.values()
              if isinstance(value, story.Words)]
    assert places
    for value in places:
        with i18n.speaking(lang):
            assert value.text() == i18n.country(value.country)
    memo.clear()
