"""The whole static edition, baked once (`python -m etl site`'s publish, real images drawn by
kaleido and Debian's chromium) and read in headless Chromium with every http(s) request refused:
every card × language exists; each card page draws its chart with the site's own plotly.js, shows
its source line, and its figures (table and traces) are those of the app's card; embeds fit 320
and 700 px; without JavaScript the PNG and the table show; the images are the app's export.

Marked `browser` (a few minutes: the bake draws 270-odd images); .ci/run runs it."""
from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from PIL import Image

from app import cards, chart_card, formatting, i18n, image_export, url_state
from app.static_edition import bake, site

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
RENDER_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000"))

# The figures of the data table and the drawn traces, as the page has them.
READ_PAGE = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  const tables = document.querySelectorAll('table');
  const data = tables[tables.length - 1];
  const headers = [...data.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const rows = [...data.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(c => c.textContent.trim()));
  return {traces: plot ? plot.data.map(t => t.name === undefined ? null : String(t.name)) : null,
          svg: plot ? plot.querySelectorAll('svg.main-svg').length : 0,
          source: (document.querySelector('.source') || {}).textContent || '',
          headers, rows,
          images: document.querySelectorAll('img').length};
}"""


@pytest.fixture(scope="module")
def whole_edition(built, tmp_path_factory) -> tuple[Path, dict]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); .ci/run installs it")
    paths, _ = built
    out = tmp_path_factory.mktemp("whole-edition") / "site"
    started = time.perf_counter()
    summary = site.publish(paths, out, log=print)
    print(f"whole edition baked in {time.perf_counter() - started:.1f} s")
    return out, summary


@pytest.fixture(scope="module")
def offline_browser(whole_edition, chromium_browser):
    return chromium_browser


class Offline:
    """A browser context that may read files only: every http(s) request is refused and noted."""

    def __init__(self, browser, **options) -> None:
        self.context = browser.new_context(**options)
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.context.route(re.compile(r"^(https?|wss?)://"), self._refuse)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)

    def _refuse(self, route) -> None:
        self.refused.append(route.request.url)
        route.abort()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())

    def close(self) -> None:
        self.context.close()


_BUILT: dict[tuple[str, str], list] = {}


def app_cards(release, lang: str) -> list[tuple[cards.Registered, chart_card.ChartCard]]:
    """Every card the app draws at its pages' default views, in `lang`, built here by the registry
    (once per language; the language is set for the caller)."""
    i18n.set_language(lang)
    if (release.release_id, lang) not in _BUILT:
        found = []
        for item in cards.REGISTRY.values():
            for params in item.default_views(release):
                card = cards.build(item.name, release, **params)
                if card is not None:
                    found.append((item, card))
        _BUILT[(release.release_id, lang)] = found
    return _BUILT[(release.release_id, lang)]


def test_every_card_in_every_language_is_baked(whole_edition, release):
    out, summary = whole_edition
    print(f"bake: {summary['seconds']} s, {len(summary['files'])} files, "
          f"{sum(summary['files'].values()) / 1e6:.1f} MB")
    for lang in i18n.LANGUAGES:
        keys = [card.key for _, card in app_cards(release, lang)]
        assert sorted(summary["cards"]) == sorted(keys)
        for key in keys:
            for relative in (f"edition/{lang}/{key}.html", f"embed/{lang}/{key}.html", f"files/{lang}/{key}.csv",
                             f"files/{lang}/{key}.png", f"files/{lang}/{key}.svg"):
                assert (out / relative).stat().st_size > 0, relative


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_card_page_draws_offline_with_the_apps_figures(whole_edition, offline_browser, release, lang):
    out, _ = whole_edition
    reader = Offline(offline_browser, viewport={"width": 1200, "height": 900})
    try:
        for item, card in app_cards(release, lang):
            reader.open(out / "edition" / lang / f"{card.key}.html")
            reader.page.wait_for_selector(".js-plotly-plot svg.main-svg", timeout=RENDER_TIMEOUT_MS)
            shown = reader.page.evaluate(READ_PAGE)
            figure = card.build(card.data)
            assert shown["traces"] == [None if trace.name is None else str(trace.name) for trace in figure.data], \
                card.key
            assert shown["images"] == 0, "a reader with JavaScript never loads the PNG"
            assert shown["source"].startswith(i18n.t("common.source_label")), card.key
            expected = chart_card.reader_table(card.data, release)
            assert shown["headers"] == list(expected.columns), card.key
            column = list(expected.columns).index(i18n.t("common.col_value"))
            assert [row[column] for row in shown["rows"]] == [
                formatting.value_with_unit(v, u) for v, u in zip(card.data["value"], card.data["unit"])], card.key
            link = url_state.link(url_state.PageView(item.page, bake.public_path(item.page), "url", {}), card.key)
            assert reader.page.locator(f'a[href="{link}"]').count() == 1, card.key
        assert reader.refused == [] and reader.errors == []
    finally:
        reader.close()


@pytest.mark.parametrize("width", [320, 700])
def test_embeds_fit_their_frame_and_show_their_source(whole_edition, offline_browser, release, width):
    out, summary = whole_edition
    lang = "be" if width == 320 else "lt"  # the longest words
    reader = Offline(offline_browser, viewport={"width": width, "height": 800})
    try:
        for key in summary["cards"]:
            reader.open(out / "embed" / lang / f"{key}.html")
            reader.page.wait_for_selector(".js-plotly-plot svg.main-svg", timeout=RENDER_TIMEOUT_MS)
            overflow = reader.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (key, overflow)
            assert reader.page.locator(".source").inner_text().strip(), key
            assert reader.page.locator("nav, header.topbar").count() == 0, "no site navigation in an embed"
        assert reader.refused == [] and reader.errors == []
    finally:
        reader.close()


def test_without_javascript_the_image_and_the_table_show(whole_edition, offline_browser, release):
    out, _ = whole_edition
    reader = Offline(offline_browser, viewport={"width": 390, "height": 800}, java_script_enabled=False)
    try:
        seen_pages = set()
        for item, card in app_cards(release, "pl"):
            if item.page in seen_pages:
                continue
            seen_pages.add(item.page)
            reader.open(out / "edition" / "pl" / f"{card.key}.html")
            image = reader.page.locator("img.chart-image")
            image.scroll_into_view_if_needed()
            reader.page.wait_for_function("() => document.querySelector('img.chart-image').complete")
            assert image.is_visible() and image.evaluate("img => img.naturalWidth") > 0, card.key
            assert image.get_attribute("alt") == card.caption(release).alt
            assert reader.page.locator(".js-plotly-plot").count() == 0
            assert reader.page.locator("table").last.is_visible()
        assert reader.refused == []
    finally:
        reader.close()


def test_where_plotly_cannot_load_the_png_takes_the_charts_place(whole_edition, offline_browser, tmp_path):
    out, summary = whole_edition
    key = summary["cards"][0]
    page = (out / "edition" / "en" / f"{key}.html").read_text(encoding="utf-8")
    broken = out / "edition" / "en" / "broken-plotly.html"  # beside the others, so its relative links work
    broken.write_text(page.replace(summary["assets"]["plotly"], "missing.js"), encoding="utf-8")
    reader = Offline(offline_browser, viewport={"width": 800, "height": 900})
    try:
        reader.open(broken)
        reader.page.wait_for_function("() => { const img = document.querySelector('img.chart-image');"
                                      " return img && img.complete && img.naturalWidth > 0; }",
                                      timeout=RENDER_TIMEOUT_MS)
        assert reader.page.locator(".js-plotly-plot").count() == 0
        assert reader.refused == []
    finally:
        reader.close()
        broken.unlink()


def test_the_index_draws_every_card_as_the_reader_scrolls(whole_edition, offline_browser):
    out, summary = whole_edition
    reader = Offline(offline_browser, viewport={"width": 390, "height": 844})
    try:
        reader.open(out / "edition" / "en" / "index.html")
        for key in summary["cards"]:
            reader.page.locator(f"#{key}").scroll_into_view_if_needed()
        reader.page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length == "
                                      f"{len(summary['cards'])}", timeout=RENDER_TIMEOUT_MS)
        assert reader.refused == [] and reader.errors == []
    finally:
        reader.close()


def test_the_images_are_the_apps_export_drawn_with_its_caption(whole_edition, release):
    """PNG at twice the layout size, SVG with the title in it; and, for a card drawn late in the
    batch (the batch reloads its browser tab only now and then), the same PNG bytes the app's own
    image export gives."""
    out, summary = whole_edition
    i18n.set_language("be")
    item, card = app_cards(release, "be")[-1]
    link = url_state.link(url_state.PageView(item.page, bake.public_path(item.page), "url", {}), card.key)
    exported = image_export.export_figure(card, release, link=link)
    png = (out / "files" / "be" / f"{card.key}.png").read_bytes()
    assert Image.open(io.BytesIO(png)).size == (2 * exported.layout.width, 2 * exported.layout.height)
    assert png == image_export.image_bytes(exported, "png")
    svg = (out / "files" / "be" / f"{card.key}.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and card.title.split()[0] in svg


def test_an_embed_fits_the_snippets_frame_to_its_height(built, chromium_browser, tmp_path):
    """The embed snippet of the share menu around an edition embed: the frame starts at a wrong
    height and is fitted to the card's reported height (a phone-wide column and a wide one).
    One card's edition, images as placeholders (the frame fits the HTML card)."""
    from tests.app.static_edition.test_edition_bake import PlaceholderImages
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); .ci/run installs it")
    paths, _ = built
    key = "lithuania-threats-per-year"
    out = tmp_path / "site"
    site.publish(paths, out, names=[key], languages=["be"], images=PlaceholderImages, log=lambda *_: None)
    host = tmp_path / "article.html"
    host.write_text("<!doctype html><html><body><p>An article.</p>"
                    + chart_card.embed_snippet((out / "embed" / "be" / f"{key}.html").as_uri(), "chart",
                                               heights={700: 200}, frame_id=key)
                    + "<p>More text.</p></body></html>", encoding="utf-8")
    for width in (390, 700):
        reader = Offline(chromium_browser, viewport={"width": width + 16, "height": 900})
        try:
            reader.open(host)
            frame = reader.page.frame_locator("iframe[data-exile-embed]")
            frame.locator(".js-plotly-plot svg.main-svg").first.wait_for(timeout=RENDER_TIMEOUT_MS)
            reader.page.wait_for_function(
                "() => parseFloat(document.querySelector('iframe[data-exile-embed]').style.height) > 200",
                timeout=RENDER_TIMEOUT_MS)
            framed = reader.page.evaluate("() => document.querySelector('iframe[data-exile-embed]')"
                                          ".getBoundingClientRect().height")
            content = reader.page.frames[1].evaluate(
                "() => Math.ceil(document.querySelector('main').getBoundingClientRect().bottom)")
            assert content <= framed <= content + 40, (width, content, framed)
            assert reader.errors == []
        finally:
            reader.close()
