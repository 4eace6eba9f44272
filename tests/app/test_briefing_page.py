"""The briefing page (pages/briefing.py, app/briefing.py): the chart choice (the six headline charts
by default, labelled with their titles, or the ones a link names), the PDF it makes (cover, one
page per chart, the sources; the charts' titles and source URLs; a file name of our own words),
the empty choice, the page in Belarusian, and the links printed under each chart.

The page is run through dashboard.py (AppTest); the PDF is made by the function the page's button
calls (app/briefing.pack); the click itself on a real server is a browser test
(tests/browser/test_share_and_brief.py). Drawing the PDF needs Debian's chromium; those tests are
skipped where it is missing."""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from app import briefing, cards, i18n
from app.sources import refs_for
from tests.page_registry import DASHBOARD, registered_pages

BRIEFING = "pages/briefing.py"
LOCALES = Path(__file__).resolve().parents[2] / "app" / "locales"
TWO = ["overview-stocks", "poland-pbh-running-total"]
needs_chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                    reason="the PDF's charts are drawn by chromium: /usr/bin/chromium is missing "
                                           "(apt-get install -y chromium)")



def briefing_page(params: dict[str, str] | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=180)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.switch_page(BRIEFING).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def squeezed(reader: PdfReader) -> str:
    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))


def catalogue(lang: str, part: str) -> dict[str, str]:
    return yaml.safe_load((LOCALES / lang / f"{part}.yml").read_text(encoding="utf-8"))


def test_the_six_headline_charts_are_chosen_by_default_and_all_are_labelled_with_their_titles(release):
    at = briefing_page()
    pills = at.button_group(key="briefing_charts")
    assert len(cards.HEADLINE_KEYS) == 6 and len(cards.BRIEFING_KEYS) > 6
    assert pills.value == cards.HEADLINE_KEYS
    assert {"overview-stocks", "where-map", "lithuania-decisions-by-outcome",
            "poland-pbh-running-total"} <= set(cards.HEADLINE_KEYS), "flows, the map, revoked permits, IT visas"
    assert [option.content for option in pills.proto.options] == [
        item.build(release).title for item in cards.BRIEFING]
    assert at.button(key="briefing_make")


def test_a_link_chooses_its_charts():
    at = briefing_page({"charts": ",".join(TWO)})
    assert at.button_group(key="briefing_charts").value == TWO


def test_a_link_with_unknown_parameters_still_offers_the_pdf_of_its_charts():
    at = briefing_page({"charts": ",".join(TWO), "utm_source": "evil.example/x.exe"})
    assert at.button_group(key="briefing_charts").value == TWO
    assert at.button(key="briefing_make").label == catalogue("en", "briefing")["page_generate"]
    assert "evil.example" not in str(at.get("markdown")) + str(at.get("caption"))


@needs_chromium
def test_two_charts_make_a_pdf_with_their_titles_and_sources(release):
    # The button's click on a real server (and the download's file name) is the browser test
    # tests/browser/test_share_and_brief.py::test_the_briefing_page_hands_over_a_pdf; here the
    # PDF the button makes, from the same function.
    reader = PdfReader(io.BytesIO(briefing.pack(release, TWO)))
    chosen = [cards.build("overview-stocks", release), cards.build("poland-pbh-running-total", release)]
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]

    # A cover, one page per chart, then the sources (as many pages as the list of sources needs).
    assert len(reader.pages) >= 4
    assert texts[1].startswith("Chart 1 of 2") and chosen[0].title in texts[1]
    assert texts[2].startswith("Chart 2 of 2") and chosen[1].title in texts[2]
    assert texts[3].startswith("Sources")
    assert not any(re.match(r"Chart \d+ of \d+", text) for text in texts[3:])
    assert all(f"of {len(reader.pages)}" in text for text in texts)
    assert all(card.title in texts[0] for card in chosen), "the cover lists the charts"

    everything = squeezed(reader)
    urls = {ref.url for card in chosen for ref in refs_for(card.data, release)}
    assert len(urls) >= 2
    assert sorted(url for url in urls if re.sub(r"\s+", "", url) not in everything) == []


def test_no_chart_chosen_says_so_and_offers_no_pdf():
    at = briefing_page()
    at.button_group(key="briefing_charts").set_value([]).run()
    assert not at.exception
    assert [info.value for info in at.info] == [catalogue("en", "briefing")["page_none"]]
    assert [button.key for button in at.button] == []
    assert [button.key for button in at.get("download_button")] == []


def test_the_page_in_belarusian():
    belarusian = catalogue("be", "briefing")
    at = briefing_page({"charts": "lithuania-threats-per-year"}, lang="be")
    assert at.title[0].value == belarusian["page_title"]
    assert at.button(key="briefing_make").label == belarusian["page_generate"]


@needs_chromium
def test_the_pdf_in_belarusian(release):
    belarusian = catalogue("be", "lithuania")
    i18n.set_language("be")
    try:
        reader = PdfReader(io.BytesIO(briefing.pack(release, ["lithuania-threats-per-year"])))
    finally:
        i18n.set_language("en")
    assert len(reader.pages) >= 3
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(re.findall(r"[\u0400-\u04FF]", text)) > 200, "the pack is written in Cyrillic"
    assert " ".join(belarusian["threats_title"].split()) in " ".join(text.split())


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_links_point_to_each_charts_page_in_the_readers_language(monkeypatch, lang):
    monkeypatch.setenv("EXILE_PUBLIC_URL", "https://exiles.example")
    i18n.set_language(lang)
    paths = {page.url_path: "" if page.default else page.url_path for page in registered_pages()}
    assert paths["overview"] == "", "the overview is served at /"
    keys = ["overview-stocks", "where-map", "poland-pbh-running-total"]
    links = briefing.links(keys)
    assert links == {
        "overview-stocks": f"https://exiles.example/?lang={lang}#overview-stocks",
        "where-map": f"https://exiles.example/where?lang={lang}#where-map",
        "poland-pbh-running-total": f"https://exiles.example/poland?lang={lang}#poland-pbh-running-total",
    }
    for key, link in links.items():
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.fragment) == ("https", "exiles.example", key)
        assert parse_qs(parts.query) == {"lang": [lang]}
        page = next(item.page for item in cards.BRIEFING if item.key == key)
        assert parts.path == f"/{paths[page]}"
