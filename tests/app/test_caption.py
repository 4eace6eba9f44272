"""One caption, three renderers: the page (app/chart_card.py), the image (app/image_export.py) and
the briefing PDF (app/briefing_pdf.py) print the same title, sources, licences, date and link from
one Caption, and the Caption of a card keeps its unverified-figures sentence apart from its note."""
from __future__ import annotations

import html

import plotly.graph_objects as go
import pytest

from app import briefing_pdf, cards, chart_card, image_export
from app.caption import Caption
from app.sources import CURATED_LICENCE, SourceRef

EUROSTAT = SourceRef("Eurostat", "Residence permits [migr_resvalid]", "https://ec.europa.eu/eurostat/x", "CC BY 4.0",
                     "9 July 2026")
CURATED = SourceRef("Nasha Niva", "Article about permits", "https://nashaniva.com/1", CURATED_LICENCE, "2024-05")
CAPTION = Caption(title="Permits held by Belarusians", subtitle="On 31 December of each year",
                  note="Counts of valid permits.", caveat="", sources=(EUROSTAT, CURATED),
                  data_as_of="Latest figure: 31 December 2025", link="https://dashboard.example/where?chart=x",
                  alt="One line rising.")


def screen_text(caption: Caption) -> str:
    return " ".join(chart_card.caption_lines(caption)).replace("\\", "")


def image_text(caption: Caption) -> str:
    fig = image_export.caption_figure(go.Figure(go.Bar(x=["a"], y=[1])), caption)
    texts = [fig.layout.title.text, fig.layout.title.subtitle.text] + [a.text for a in fig.layout.annotations]
    return html.unescape(" ".join(text or "" for text in texts).replace("<br>", " "))


def pdf_text(caption: Caption) -> str:
    blocks = briefing_pdf.caption_blocks(caption, shown=len(caption.sources))
    return " ".join([caption.title, caption.subtitle] + [block.text for block in blocks])


@pytest.mark.parametrize("render", [screen_text, image_text, pdf_text], ids=["screen", "image", "pdf"])
def test_every_renderer_prints_title_source_licence_date_from_one_caption(render):
    text = " ".join(render(CAPTION).split())
    for expected in (CAPTION.title, CAPTION.subtitle, CAPTION.note, CAPTION.data_as_of, EUROSTAT.publisher,
                     EUROSTAT.licence, EUROSTAT.released, CURATED.publisher):
        assert expected in text, f"{render.__name__} lost {expected!r}"


@pytest.mark.parametrize("render", [image_text, pdf_text], ids=["image", "pdf"])
def test_the_image_and_the_pdf_print_the_views_link(render):
    """On the page the link to the view is in the share menu (tests/app/test_shareable_links.py)."""
    assert CAPTION.link in "".join(render(CAPTION).split())
    assert "dashboard.example" not in render(Caption(**{**CAPTION.__dict__, "link": None}))


def test_the_screen_and_the_pdf_link_each_source():
    assert f"(<{EUROSTAT.url}>)" in " ".join(chart_card.caption_lines(CAPTION))
    assert EUROSTAT.url in pdf_text(CAPTION) and CURATED.url in pdf_text(CAPTION)


def test_a_cards_caption_keeps_the_unverified_sentence_apart_and_every_renderer_prints_it(release):
    card = cards.build("poland-pbh-running-total", release)
    caption = card.caption(release, link="https://dashboard.example/poland")
    assert caption.caveat, "the PBH running total plots press figures not re-checked"
    assert caption.caveat not in caption.note and caption.full_note.endswith(caption.caveat)
    assert caption.sources and caption.data_as_of and caption.title == card.title
    for render in (screen_text, image_text, pdf_text):
        assert " ".join(caption.caveat.split()) in " ".join(render(caption).split())

