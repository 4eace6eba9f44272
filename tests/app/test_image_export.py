"""Stand-alone chart images: what the export figure draws around the chart (title, source, date,
link), how it wraps and escapes text, and the PNG and SVG that kaleido draws from it.

Drawing needs Debian's chromium; those tests are skipped where it is missing."""
from __future__ import annotations

import asyncio
import html
import os
import re
import threading
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from app import chart_card, data, figures, i18n, image_export, select
from app.chart_card import ChartCard
from app.sources import refs_for

needs_chromium = pytest.mark.skipif(
    not (Path("/usr/bin/chromium").exists() or Path(os.environ.get("BROWSER_PATH") or "/nonexistent").exists()),
    reason="drawing images needs chromium: /usr/bin/chromium is missing and BROWSER_PATH is unset "
           "(apt-get install -y chromium)")
LINK = "https://dashboard.example/overview?lang=en&chart=refugees"


def sample_cards(release: data.Release) -> list[ChartCard]:
    """Two cards as the pages build them: UNHCR refugees in Poland and Lithuania (lines, one
    structured source) and Lithuania's security decisions (bars, curated figures, several sources)."""
    series = data.series(release)
    refugees = select.rows(series, "unhcr_refugees_stock", destination=["POL", "LTU"], since="2019-01-01")
    refugees["_label"] = [i18n.country(code) for code in refugees["destination"]]
    threats = select.rows(series, "lt_security_threat_flow", destination="LTU")
    threats["_label"] = threats["fact_id"]
    threats["_x"] = threats["period_end"].dt.year.astype(str)
    return [
        ChartCard(key="test-refugees", title="Refugees from Belarus in Poland and Lithuania",
                  subtitle="People recognised as refugees, on 31 December of each year", data=refugees,
                  build=lambda frame: figures.lines(frame, "persons"), alt="Two lines.",
                  note="UNHCR counts refugees where they live, not where they first arrived."),
        ChartCard(key="test-threats", title="Belarusians judged a threat to Lithuania's security",
                  subtitle="Decisions of the Migration Department per year", data=threats,
                  build=lambda frame: figures.bars(frame, "decisions"), alt="Bars per year."),
    ]


def layout_texts(fig) -> str:
    """Every text the export figure draws outside the chart, as a reader reads it."""
    texts = [fig.layout.title.text, fig.layout.title.subtitle.text] + [a.text for a in fig.layout.annotations]
    return html.unescape(" ".join(text or "" for text in texts).replace("<br>", " "))



@pytest.fixture(scope="module")
def cards(release):
    return sample_cards(release)


def test_export_figure_draws_title_subtitle_source_date_and_link(cards, release):
    card = cards[0]
    fig = image_export.export_figure(card, release, link=LINK)
    text = layout_texts(fig)
    ref = refs_for(card.data, release)[0]
    assert card.title in text and card.subtitle in text and card.note in text
    assert f"Source: {ref.publisher}, {ref.title}" in text and ref.licence in text
    assert chart_card.data_as_of(card.data) in text
    assert f"Interactive version: {LINK}" in text
    assert (fig.layout.width, fig.layout.height) == (1200, 720)
    assert len(fig.data) == len(card.build(card.data).data)  # the chart itself is unchanged


def test_the_image_names_every_unverified_figure_in_full_however_long_the_note(release):
    """The footer cuts a long note at three lines, never the sentence naming the figures the chart
    marks as not re-checked against their source."""
    stocks = select.rows(data.series(release), "pl_residence_document_holders_stock", destination="POL")
    stocks["_label"] = "Reported in the press"
    card = ChartCard(key="test-unverified", title="Polish residence documents", subtitle="A stock", data=stocks,
                     build=lambda frame: figures.lines(frame, "persons"), alt="Lines.",
                     note=" ".join(["A very long caveat that goes on and on about definitions."] * 12))
    caveat = chart_card.unverified_note(stocks)
    assert caveat and caveat in card.note
    text = layout_texts(image_export.export_figure(card, release))
    assert " ".join(caveat.split()) in " ".join(text.split())


def test_export_figure_copies_the_page_figure(cards, release):
    shown = cards[0].build(cards[0].data)
    before = shown.to_json()
    image_export.export_figure(cards[0], release, figure=shown)
    assert shown.to_json() == before


def test_source_line_is_plain_text_and_curated_figures_name_their_publishers(cards, release):
    refs = refs_for(cards[1].data, release)
    line = image_export.plain_source(cards[1].caption(release))
    assert not re.search(r"\*\*|\]\(|<http", line)
    for ref in refs:
        assert ref.publisher in line
    structured = image_export.plain_source(cards[0].caption(release))
    assert structured.endswith("— CC BY 4.0")


def test_long_texts_wrap_within_the_width_and_margins_grow_to_fit(cards, release):
    long = ChartCard(key="long", title="A very long title about residence permits " * 6,
                     subtitle="and an even longer subtitle with many words in it " * 8, data=cards[0].data,
                     build=cards[0].build, alt="", note="A note that goes on and on " * 40)
    link = "https://dashboard.example/asylum?countries=" + "POL,LTU," * 40
    fig = image_export.export_figure(long, release, link=link)
    text_width = 1200 - 2 * image_export.PAD
    budgets = [(fig.layout.title.text, image_export.TITLE_PX, True),
               (fig.layout.title.subtitle.text, image_export.SUBTITLE_PX, False),
               (fig.layout.annotations[-1].text, image_export.FOOTER_PX, False)]
    for text, size, bold in budgets:
        lines = text.split("<br>")
        assert len(lines) > 1
        # measured in the shipped DejaVu Sans, the widest font chromium may draw the text with
        assert max(image_export.text_px(html.unescape(line), size, bold) for line in lines) <= text_width
    footer = fig.layout.annotations[-1].text.split("<br>")
    assert sum(line.startswith("Note:") for line in footer) == 1 and len(footer) < 12  # the note is cut at 3 lines
    assert "…" in fig.layout.annotations[-1].text
    title_lines = len(fig.layout.title.text.split("<br>")) + len(fig.layout.title.subtitle.text.split("<br>"))
    assert fig.layout.margin.t >= title_lines * image_export.SUBTITLE_PX * image_export.LINE_HEIGHT
    assert fig.layout.margin.b >= len(footer) * image_export.FOOTER_PX * image_export.LINE_HEIGHT
    # the chart keeps its height: the image grows instead
    assert fig.layout.height - fig.layout.margin.t - fig.layout.margin.b >= image_export.MIN_PLOT_HEIGHT
    assert "".join(line for line in footer if "dashboard.example" in line or "POL," in line).count("POL") == 40


def test_capitals_get_shorter_lines(cards, release):
    shouting = ChartCard(key="caps", title="БЕЛАРУСЫ З ДАЗВОЛАМІ НА ЖЫХАРСТВА Ў ПОЛЬШЧЫ І ЛІТВЕ, 2019–2025, ПАВОДЛЕ КРЫНІЦ",
                         subtitle="", data=cards[0].data, build=cards[0].build, alt="")
    lines = image_export.export_figure(shouting, release).layout.title.text.split("<br>")
    assert len(lines) == 2
    # capitals measured in the bold DejaVu Sans, not guessed at a width per character
    assert max(image_export.text_px(line, image_export.TITLE_PX, bold=True) for line in lines) <= 1200 - 2 * image_export.PAD
    lower = image_export.wrap_to(shouting.title.lower(), 1200 - 2 * image_export.PAD, image_export.TITLE_PX, bold=True)
    assert max(map(len, lower)) > max(map(len, lines)), "measured: lowercase letters fit more to a line"


def test_wrap_is_deterministic_and_breaks_long_words():
    x_px = image_export.text_px("x", 10)
    words = "x" * 250
    lines = image_export.wrap_to(words, 100.5 * x_px, 10)
    assert "".join(lines) == words and len(lines) == 3 and all(image_export.text_px(line, 10) <= 100.5 * x_px
                                                                for line in lines)
    assert lines == image_export.wrap_to(words, 100.5 * x_px, 10)
    assert image_export.wrap_to("one  two\nthree", image_export.text_px("one two", 10), 10) == ["one two", "three"]
    cut = image_export.wrap_to("a b c d e f g h i", image_export.text_px("a b c", 10), 10, max_lines=2)
    assert cut[0] == "a b c" and cut[1].startswith("d") and cut[1].endswith(" …") and len(cut) == 2
    assert image_export.text_px(cut[1], 10) <= image_export.text_px("a b c", 10)


def test_text_is_measured_with_the_shipped_font_not_counted():
    """Same number of characters, different widths: 'W' is wider than 'i' in DejaVu Sans, bold is
    wider than regular, and the width grows with the font size."""
    assert image_export.text_px("W" * 20, 12) > 2 * image_export.text_px("i" * 20, 12)
    assert image_export.text_px("Belarusians", 12, bold=True) > image_export.text_px("Belarusians", 12)
    assert image_export.text_px("Belarusians", 24) == pytest.approx(2 * image_export.text_px("Belarusians", 12),
                                                                     rel=0.05)
    narrow = image_export.wrap_to("ill " * 60, 300, 12)
    wide = image_export.wrap_to("WWW " * 60, 300, 12)
    assert len(narrow) < len(wide)


def test_markup_in_texts_from_the_data_is_escaped(cards, release):
    card = ChartCard(key="markup", title="<b>Bold</b> & <script>x</script>", subtitle="<i>sub</i>",
                     data=cards[0].data, build=cards[0].build, alt="", note='<a href="https://evil.example">x</a>')
    fig = image_export.export_figure(card, release)
    assert fig.layout.title.text == "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"
    assert fig.layout.title.subtitle.text == "&lt;i&gt;sub&lt;/i&gt;"
    footer = fig.layout.annotations[-1].text
    assert "<a" not in footer and "&lt;a href" in footer
    assert set(re.findall(r"<[^>]*>", footer)) <= {"<br>"}


def test_footer_speaks_the_readers_language(cards, release):
    i18n.set_language("be")
    fig = image_export.export_figure(cards[0], release, link=LINK)
    text = layout_texts(fig)
    assert i18n.t("common.source_label") in text and i18n.t("briefing.image_credit") in text
    assert re.search(r"[\u0400-\u04FF]", text)


def test_file_names_are_built_from_card_keys_only():
    assert image_export.file_name("overview-stocks", "png") == "belarus-exiles-overview-stocks.png"
    assert image_export.file_name("overview-stocks", "svg") == "belarus-exiles-overview-stocks.svg"
    for key, fmt in [("../etc/passwd", "png"), ("a b", "png"), ("ok", "pdf"), ("", "png")]:
        with pytest.raises(ValueError):
            image_export.file_name(key, fmt)


def test_render_refuses_unknown_formats(cards, release):
    with pytest.raises(ValueError):
        image_export.render(image_export.export_figure(cards[0], release), "gif", 1200, 720, 1)


@needs_chromium
def test_png_is_a_png_at_twice_the_layout_size(cards, release):
    png = image_export.card_image(cards[0], release, "png", link=LINK)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2400, 1440)


@needs_chromium
def test_svg_carries_the_title_source_and_date_as_text(cards, release):
    card = cards[1]
    svg = image_export.card_image(card, release, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert html.escape(card.title, quote=False) in svg or card.title.replace("'", "&#39;") in svg
    assert "Source:" in svg and "Ukrainska Pravda" in svg
    assert html.escape(chart_card.data_as_of(card.data)) in svg


@needs_chromium
def test_identical_requests_are_served_from_the_cache(cards, release):
    fig = image_export.export_figure(cards[0], release)
    first = image_export.image_bytes(fig, "svg")
    assert image_export.image_bytes(image_export.export_figure(cards[0], release), "svg") is first


@needs_chromium
def test_concurrent_sessions_queue_on_one_browser(cards, release):
    image_export.card_image(cards[0], release, "svg")  # a warm browser
    browser = image_export._browser.kaleido.subprocess.pid
    figs = [image_export.export_figure(card, release, link=f"{LINK}&n={n}") for n, card in enumerate(cards * 2)]
    results, errors = {}, []

    def draw(n, fig):
        try:
            results[n] = image_export.image_bytes(fig, "png")
        except Exception as error:  # surfaced below
            errors.append(error)
    threads = [threading.Thread(target=draw, args=(n, fig)) for n, fig in enumerate(figs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sorted(results) == [0, 1, 2, 3] and all(png[:4] == b"\x89PNG" for png in results.values())
    assert image_export._browser.kaleido.subprocess.pid == browser  # all four drawn by the same chromium


@pytest.mark.slow  # kills and restarts Chromium (~8 s)
@needs_chromium
def test_a_dead_browser_is_replaced(cards, release):
    image_export.card_image(cards[0], release, "svg")
    process = image_export._browser.kaleido.subprocess  # the chromium this module started
    process.kill()  # as if it had crashed between two requests
    process.wait(30)
    image_export.clear_cache()
    assert image_export.card_image(cards[0], release, "svg").lstrip().startswith(b"<svg")
    assert image_export._browser.kaleido.subprocess.pid != process.pid


def test_data_frame_is_not_modified(cards, release):
    before = cards[0].data.copy()
    image_export.export_figure(cards[0], release)
    pd.testing.assert_frame_equal(cards[0].data, before)


def test_export_layout_is_valid_plotly(cards, release):
    """export_figure skips plotly's validation for speed; this is where it is checked."""
    for card in cards:
        exported = image_export.export_figure(card, release, link=LINK)
        go.Figure(exported.to_dict())  # raises on any invalid property


# ------------------------------------------------------------------ batches (the static edition)
def test_a_batch_without_a_browser_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(image_export, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser"))
    with pytest.raises(image_export.RenderError, match="no chromium"):
        image_export.write_images([])


@pytest.mark.slow  # a second Chromium for the batch (~16 s); the static edition's bake in CI runs it on every card
@needs_chromium
def test_a_batch_draws_each_image_as_the_app_draws_it(cards, release, tmp_path, monkeypatch):
    """One browser session, its tab reloaded only every RELOAD_EVERY images (here every second),
    draws the same PNG bytes as the app's image export, and SVGs with the caption as text."""
    monkeypatch.setattr(image_export, "RELOAD_EVERY", 2)
    figures_ = [image_export.export_figure(card, release, link=LINK) for card in cards]
    jobs = [image_export.ImageJob(figure, fmt, tmp_path / "nested" / f"{i}.{fmt}")
            for i, figure in enumerate(figures_) for fmt in image_export.FORMATS]
    assert image_export.write_images(iter(jobs)) == len(jobs) == 4
    for i, (card, figure) in enumerate(zip(cards, figures_)):
        assert (tmp_path / "nested" / f"{i}.png").read_bytes() == image_export.image_bytes(figure, "png")
        svg = (tmp_path / "nested" / f"{i}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and html.escape(card.title, quote=False) in svg
    with pytest.raises(ValueError, match="format"):
        image_export.write_images([image_export.ImageJob(figures_[0], "gif", tmp_path / "x.gif")])


def test_a_batch_can_start_where_an_event_loop_already_runs():
    """write_images runs its coroutine with run_to_end: on a thread that already runs an event loop
    (Playwright's sync API in the browser tests, a notebook) asyncio.run would refuse."""
    async def inner():
        await asyncio.sleep(0)
        return threading.get_ident()

    async def outer():
        return threading.get_ident(), image_export.run_to_end(inner())

    outer_thread, inner_thread = asyncio.run(outer())
    assert inner_thread != outer_thread
    assert image_export.run_to_end(inner()) == threading.get_ident()  # no loop here: this thread
