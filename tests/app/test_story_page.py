"""The story page (pages/story.py) in Streamlit's AppTest: it tells every chapter, draws every
chart through the chart card with a link to its interactive view and one to the claims page,
in English in the default run and in Polish, Lithuanian and Belarusian in the slow run (no
English left on the page); and each link reopens the same view of the card on its own page."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from app import i18n, story
from app.markdown import md
from tests.app.i18n_checks import TRANSLATED, english_fragments, english_leftovers, page_in, rendered_texts
from tests.page_registry import DASHBOARD, registered_pages

PAGE = "pages/story.py"
FILES = {page.url_path: page.file for page in registered_pages()}


def check_story_page(at: AppTest, chapters: list[story.Chapter], lang: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == i18n.t("story.title", lang)
    headers = [header.value for header in at.header]
    assert headers == [chapter.heading for chapter in chapters]
    charts = [chart for chapter in chapters for chart in chapter.charts()]
    anchors = [subheader.proto.anchor for subheader in at.subheader]
    assert [chart.card for chart in charts] == [anchor for anchor in anchors if anchor in {c.card for c in charts}]
    assert len(at.get("plotly_chart")) == len(charts)
    markdown = [block.value for block in at.markdown]
    for chart in charts:
        links = [text for text in markdown if f"#{chart.card}>)" in text]
        assert len(links) == 1, chart.card
        assert i18n.t("story.explore", lang) in links[0] and i18n.t("story.claims", lang) in links[0]
        assert f"/claims?lang={lang}>)" in links[0]
    for chapter in chapters:
        for paragraph in chapter.paragraphs():
            assert md(paragraph.text()) in markdown, paragraph.key


def test_the_story_page_in_english(release):
    at = page_in(PAGE, "en")
    check_story_page(at, story.chapters(release), "en")


@pytest.mark.slow
@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_story_page_in_every_other_language(release, lang):
    at = page_in(PAGE, lang)
    i18n.set_language(lang)
    check_story_page(at, story.chapters(release), lang)
    english = english_fragments(["story", "context"], lang)
    assert english_leftovers(rendered_texts(at), english) == [], f"English left on the story page in {lang}"


@pytest.mark.slow
def test_each_charts_link_reopens_the_same_view_on_its_page(release):
    """The link under each chart, opened as a reader would (its page with its query), shows the
    same card with the same title and the same plotted figure."""
    i18n.set_language("en")
    for chart in (chart for chapter in story.chapters(release) for chart in chapter.charts()):
        parts = urlsplit(chart.link())
        at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
        for name, value in parse_qsl(parts.query):
            at.query_params[name] = value
        at.run()
        if chart.page != "overview":
            at.switch_page(FILES[chart.page])
            for name, value in parse_qsl(parts.query):
                at.query_params[name] = value
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        expected = chart.build(release)
        titles = {subheader.proto.anchor: subheader.value for subheader in at.subheader}
        assert titles.get(chart.card) == md(expected.title), chart.card
        # The alt text lists every plotted figure: the same alt, the same figures.
        assert expected.alt in [c.proto.alt for c in at.get("plotly_chart")], chart.card
