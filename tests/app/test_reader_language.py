"""A reader in their own language and without a mouse: date axes name months in the reader's
language in every output (explicit tick texts, app.figures.date_ticks), the toolbar's tooltips are
translated on screen (chart_card.plotly_config), and outputs without hover (PNG/SVG, briefing PDF,
static edition) never say "hover": they number the event markers and list the events instead."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from app import briefing_pdf, cards, chart_card, figures, i18n, image_export
from app.static_edition import render
from tests.app.i18n_checks import english_and, translated_pages

LANGUAGES = ("en", "pl", "lt", "be")
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
# The hover wording of each language's catalogue ("hover", "najedź kursorem", ...).
HOVER_WORDS = {"en": re.compile(r"\bhover", re.I), "pl": re.compile(r"najedź", re.I),
               "lt": re.compile(r"užveskite", re.I), "be": re.compile(r"навядзіце", re.I)}
DATE_CARDS = {"overview-stocks": {}, "where-over-time": {}, "lithuania-permit-holders": {},
              "poland-pbh-running-total": {}, "lithuania-threats-since-questionnaire": {}}
EVENT_CARDS = ["overview-stocks", "where-over-time", "lithuania-permit-holders", "poland-pbh-running-total"]
HINT_CARDS = EVENT_CARDS + ["asylum-recognition-rate", "poland-humanitarian-visas"]


def test_short_spans_get_month_ticks_in_the_readers_language():
    i18n.set_language("pl")
    ticks, texts = figures.date_ticks(pd.Timestamp("2023-09-01"), pd.Timestamp("2023-12-31"))
    assert texts == ["wrz 2023", "paź 2023", "lis 2023", "gru 2023"]
    ticks, texts = figures.date_ticks(pd.Timestamp("2019-01-01"), pd.Timestamp("2026-01-01"))
    assert texts == ["2019", "2021", "2023", "2025"] and len(ticks) <= figures.MAX_DATE_TICKS


@pytest.mark.parametrize("language", translated_pages("lt"))  # Polish and Belarusian in CI
def test_date_axes_carry_no_english_month_names(release, language):
    i18n.set_language(language)
    months = 0
    for name, params in DATE_CARDS.items():
        card = cards.build(name, release, **params)
        figure = card.build(card.data)
        texts = list(figure.layout.xaxis.ticktext or ())
        assert texts, f"{name}: its date axis has explicit tick texts"
        assert len(texts) <= figures.MAX_DATE_TICKS
        english = [text for text in texts if ENGLISH_MONTHS.search(text)]
        assert english == [], f"{name} in {language}: {english}"
        months += sum(not text.isdigit() for text in texts)
    assert months, "some axis names months (else the test proves nothing)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_toolbar_speaks_the_readers_language(language):
    i18n.set_language(language)
    config = chart_card.plotly_config()
    assert config["locale"] == language and "toImage" in config["modeBarButtonsToRemove"]
    locale = config["locales"][language]
    assert set(locale["dictionary"]) == set(chart_card.TOOLBAR_KEYS)
    assert len(locale["format"]["months"]) == 12 and len(locale["format"]["shortDays"]) == 7
    if language != "en":
        assert locale["dictionary"]["Zoom in"] != "Zoom in"
        assert not ENGLISH_MONTHS.search(" ".join(locale["format"]["months"]))


@pytest.mark.parametrize("language", english_and("be"))  # Polish and Lithuanian in CI
def test_outputs_without_hover_never_say_hover_and_list_the_events(release, language):
    i18n.set_language(language)
    hover = HOVER_WORDS[language]
    for name in HINT_CARDS:
        card = cards.build(name, release)
        caption = card.caption(release, link="https://example.org/view")
        assert caption.hint and hover.search(caption.hint), f"{name}: the screen says what hovering shows"
        screen = " ".join(chart_card.caption_lines(caption))
        assert chart_card.md(caption.hint) in screen
        exported = image_export.export_figure(card, release, link=caption.link)
        drawn = " ".join([exported.layout.title.text or "", exported.layout.title.subtitle.text or ""]
                         + [a.text or "" for a in exported.layout.annotations])
        pdf_text = " ".join([caption.title, caption.subtitle]
                            + [block.text for block in briefing_pdf.caption_blocks(caption, len(caption.sources))])
        edition = str(render.caption_paragraphs(caption)) + caption.subtitle
        for where, text in (("image", drawn), ("pdf", pdf_text), ("static edition", edition)):
            assert not hover.search(text), f"{name} {where} in {language} says hover: {text[:200]}"
        if name in EVENT_CARDS:
            assert card.events, f"{name}: its events are listed"
            first = card.events[0]
            for where, text in (("image", drawn.replace("<br>", " ")), ("pdf", pdf_text), ("static edition", edition)):
                # (the image wraps at any space, narrow no-break spaces of dates included)
                assert " ".join(first.split(":")[0].split()) in " ".join(text.split()), \
                    f"{name}: {where} lists the events"
            events_trace = [tr for tr in exported.data if tr.meta == figures.EVENTS_META]
            assert len(events_trace) == 1 and "text" in events_trace[0].mode, "the image numbers the markers"
            assert list(events_trace[0].text) == [str(i) for i in range(1, len(card.events) + 1)]
            on_screen = [tr for tr in card.build(card.data).data if tr.meta == figures.EVENTS_META]
            assert on_screen[0].mode == "markers", "the screen keeps its hover markers, unnumbered"
