"""The briefing pack: a cover, one page per chart with its sources, a list of every source; text
in each language (embedded DejaVu Sans), clickable URLs, metadata, progress reports.

The charts are drawn by chromium; these tests are skipped where it is missing."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app import briefing_pdf, data, figures, i18n, select
from app.chart_card import ChartCard
from app.sources import refs_for
from tests.app.test_image_export import needs_chromium, sample_cards

pytestmark = needs_chromium
LINKS = {"test-refugees": "https://dashboard.example/overview?lang=en&chart=test-refugees"}


def text_of(page) -> str:
    return " ".join(page.extract_text().split())


def uris(reader: PdfReader) -> set[str]:
    found = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.add(str(action["/URI"]))
    return found



@pytest.fixture(scope="module")
def cards(release):
    return sample_cards(release)


@pytest.fixture(scope="module")
def pack(cards, release):
    calls = []
    pdf = briefing_pdf.build(cards, release, links=LINKS, progress=lambda *args: calls.append(args))
    return PdfReader(io.BytesIO(pdf)), calls, pdf


def test_a_cover_one_page_per_chart_and_the_sources(pack, cards, release):
    reader, _, _ = pack
    assert len(reader.pages) == 4
    cover, first, second, sources = (text_of(page) for page in reader.pages)
    assert cover.startswith("Belarusians in exile: briefing pack")
    assert release.release_id in cover
    assert cards[0].title in cover and cards[1].title in cover
    assert cards[0].title in first and cards[1].title in second
    assert cards[0].note in first and "Latest figure:" in first and "Latest figure:" in second
    assert f"Interactive version: {LINKS['test-refugees']}" in first
    assert sources.startswith("Sources")
    assert "page 4 of 4" in sources


def test_every_source_is_cited_with_its_url_as_a_link(pack, cards, release):
    reader, _, _ = pack
    squeezed = re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))
    refs = [ref for card in cards for ref in refs_for(card.data, release)]
    assert len(refs) >= 3
    for ref in refs:
        assert re.sub(r"\s+", "", ref.url) in squeezed, ref.url
    assert {ref.url for ref in refs} | set(LINKS.values()) <= uris(reader)
    sources = text_of(reader.pages[3])
    for ref in refs:
        assert ref.publisher in sources
    assert "CC BY 4.0" in sources and "Licence: figure quoted from the cited publication" in sources


def test_progress_is_reported_once_per_chart(pack, cards):
    _, calls, _ = pack
    assert calls == [(1, 2, cards[0].title), (2, 2, cards[1].title)]


def test_metadata_and_embedded_fonts(pack):
    reader, _, pdf = pack
    meta = reader.metadata
    assert meta.title == "Belarusians in exile: briefing pack"
    assert meta.author == "Belarusian exile-flows dashboard"
    assert meta.creation_date is not None
    assert b"+DejaVuSansBook" in pdf and b"+DejaVuSansBold" in pdf and b"/FontFile2" in pdf  # embedded subsets
    assert len(reader.pages[1].images) == 1  # the chart, as an image


def test_polish_and_belarusian_packs(cards, release):
    for lang, letters in [("pl", "ąęłńóśźż"), ("be", "абвгдеёжзійклмнопрстуўфхцчшыьэюя")]:
        i18n.set_language(lang)
        reader = PdfReader(io.BytesIO(briefing_pdf.build(sample_cards(release)[:1], release)))
        text = " ".join(text_of(page) for page in reader.pages)
        assert i18n.t("briefing.pdf_title") in text
        assert i18n.t("briefing.pdf_sources_title") in text
        assert i18n.t("common.source_label") in text
        assert len(set(text.lower()) & set(letters)) >= 3, lang
        assert reader.metadata.title == i18n.t("briefing.pdf_title")


def test_a_chart_with_many_sources_still_takes_one_page(release):
    series = data.series(release)
    stocks = select.rows(series, ["pl_residence_document_holders_stock", "lt_residence_permit_holders_stock"],
        destination=["POL", "LTU"], since="2019-01-01")
    stocks["_label"] = stocks["destination"]
    refs = refs_for(stocks, release)
    assert len(refs) > 8
    card = ChartCard(key="many", title="Residence documents", subtitle="", data=stocks,
                     build=lambda frame: figures.lines(frame, "persons"), alt="")
    reader = PdfReader(io.BytesIO(briefing_pdf.build([card], release)))
    chart = text_of(reader.pages[1])
    assert "Residence documents" in chart and "more: see the list of sources at the end" in chart
    assert text_of(reader.pages[2]).startswith("Sources")
    listed = re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages[2:]))
    assert all(re.sub(r"\s+", "", ref.url) in listed for ref in refs)


def test_no_charts_still_gives_a_cover_and_an_empty_source_list(release):
    reader = PdfReader(io.BytesIO(briefing_pdf.build([], release)))
    assert len(reader.pages) == 2
    assert "No charts were selected." in text_of(reader.pages[0])
