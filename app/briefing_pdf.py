"""The briefing pack: chosen chart cards as one PDF to print or send.

Page 1 is a cover (title, generation date, data release, list of charts); then one chart per A4
landscape page with its title, subtitle, note, sources with links and licences, latest-figure date
and the link to the view; the last page lists every source used. Charts are PNGs drawn by
kaleido at twice their layout size (fpdf2 drops the clip paths and non-Latin text of plotly's
SVGs); all text is real text in DejaVu Sans (embedded, so Polish, Lithuanian and Belarusian print
without system fonts), every URL is a clickable link.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from app import formatting, i18n, image_export
from app.caption import Caption, licence_text
from app.i18n import t
from app.sources import SourceRef, refs_for

if TYPE_CHECKING:
    from app import data
    from app.card import ChartCard

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
AUTHOR = "Belarusian exile-flows dashboard"
MARGIN = 14                    # mm
FOOTER_SPACE = 10              # mm kept at the bottom for the page footer
IMAGE_WIDTH_PX = 1200          # the chart's layout width; at this size its 13 px text prints at about 8 pt
IMAGE_SCALE = 2                # 2400 px across 269 mm: about 225 dpi
MIN_IMAGE_MM = 80              # below this, a chart page lists fewer sources (all are on the last page)
Colour = tuple[int, int, int]
INK: Colour = (31, 35, 40)
GREY: Colour = (87, 96, 106)
LINK: Colour = (9, 88, 190)


class Block(NamedTuple):
    """A paragraph of the pack: its text, font size (pt), weight, colour, link and the gap after it (mm)."""
    text: str
    size: float
    bold: bool = False
    colour: Colour = INK
    link: str | None = None
    gap: float = 0.0


class _Pack(FPDF):
    def __init__(self, release_id: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.release_id = release_id
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + FOOTER_SPACE)
        self.alias_nb_pages()  # '{nb}' becomes the page count when the file is written

    def footer(self) -> None:
        self.set_y(-MARGIN - 4)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*GREY)
        self.cell(0, 4, t("briefing.pdf_footer", release=self.release_id, page=self.page_no(), pages="{nb}"),
                  align="C")

    def para(self, text: str, size: float, bold: bool = False, colour: Colour = INK, link: str | int | None = None,
             gap: float = 0.0, dry_run: bool = False) -> float:
        """A wrapped paragraph at the left margin; returns its height in mm (drawn unless dry_run)."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        # multi_cell's return type depends on `output`: with HEIGHT alone it is the height in mm.
        height = self.multi_cell(0, size * 0.45, text, link=link or "", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                                 dry_run=dry_run, output=MethodReturnValue.HEIGHT, align="L")
        assert isinstance(height, (int, float))
        if gap and not dry_run:
            self.ln(gap)
        return height + gap


def citation(ref: SourceRef) -> str:
    return ", ".join(p for p in (ref.publisher, ref.title, ref.released) if p) + f" — {licence_text(ref)}"


def _cover(pdf: _Pack, cards: list[ChartCard], release: data.Release, anchors: list[int]) -> None:
    pdf.add_page()
    pdf.para(t("briefing.pdf_title"), 24, bold=True, gap=4)
    pdf.para(t("briefing.pdf_generated", date=formatting.date(datetime.now(UTC))), 11, colour=GREY)
    pdf.para(t("briefing.pdf_release", release=release.release_id,
               date=formatting.date(release.manifest.get("built_at"))), 11, colour=GREY, gap=6)
    pdf.para(t("briefing.pdf_intro"), 10.5, gap=6)
    pdf.para(t("briefing.pdf_contents"), 13, bold=True, gap=2)
    if not cards:
        pdf.para(t("briefing.pdf_no_charts"), 10.5)
    for number, (card, anchor) in enumerate(zip(cards, anchors), start=1):
        pdf.para(f"{number}. {card.title}", 10.5, colour=LINK, link=anchor, gap=1)  # jumps to the chart's page


def caption_blocks(caption: Caption, shown: int) -> list[Block]:
    """The PDF renderer of a Caption, under the chart: the note, the first `shown` sources with
    their links, the latest-figure date and the view's link."""
    out = []
    if caption.full_note:
        out.append(Block(f"{t('common.note_label')} {caption.full_note}", 9))
    if caption.events:  # the chart's markers are numbered (image_export.chart_figure): what each one is
        out.append(Block(caption.events_text, 8.5))
    out.append(Block(t("common.source_label"), 8.5, bold=True))
    for ref in caption.sources[:shown]:
        out.append(Block(citation(ref), 8.5))
        if ref.url:
            out.append(Block(ref.url, 8, colour=LINK, link=ref.url))
    if len(caption.sources) > shown:
        out.append(Block(t("briefing.pdf_more_sources", count=len(caption.sources) - shown), 8.5, colour=GREY))
    out.append(Block(caption.data_as_of, 8.5, colour=GREY))
    if caption.link:
        out.append(Block(t("briefing.image_link", url=caption.link), 8.5, colour=LINK, link=caption.link))
    return out


def draw(pdf: _Pack, block: Block, dry_run: bool = False) -> float:
    return pdf.para(block.text, block.size, block.bold, block.colour, link=block.link, gap=block.gap, dry_run=dry_run)


def _chart_page(pdf: _Pack, card: ChartCard, release: data.Release, number: int, total: int,
                link: str | None, anchor: int) -> None:
    caption = card.caption(release, link)
    pdf.add_page()
    pdf.set_link(anchor, page=pdf.page_no())
    pdf.set_auto_page_break(False)  # one page per chart, whatever the text: sizes are worked out below
    pdf.para(t("briefing.pdf_chart_of", number=number, total=total), 8, colour=GREY, gap=1)
    pdf.para(caption.title, 15, bold=True, gap=1)
    if caption.subtitle:
        pdf.para(caption.subtitle, 10, colour=GREY)
    top = pdf.get_y() + 2
    bottom = pdf.h - MARGIN - FOOTER_SPACE
    shown = len(caption.sources)
    while True:  # fewer sources on the page until the chart keeps a readable height
        below = caption_blocks(caption, shown)
        text_height = sum(draw(pdf, block, dry_run=True) for block in below)
        box_height = bottom - top - text_height - 3
        if box_height >= MIN_IMAGE_MM or shown == 0:
            break
        shown -= 1
    box_width = pdf.w - 2 * MARGIN
    # Drawn at the box's proportions, so the chart fills it rather than floating in white space.
    height_px = max(300, round(IMAGE_WIDTH_PX * box_height / box_width))
    figure = image_export.chart_figure(card)
    figure.update_layout(width=IMAGE_WIDTH_PX, height=height_px, paper_bgcolor="#FFFFFF")
    png = image_export.render(figure, "png", IMAGE_WIDTH_PX, height_px, IMAGE_SCALE)
    pdf.image(io.BytesIO(png), x=MARGIN, y=top, w=box_width, h=box_height, keep_aspect_ratio=True,
              alt_text=caption.alt)
    pdf.set_y(top + box_height + 3)
    for block in below:
        draw(pdf, block)
    pdf.set_auto_page_break(True, margin=MARGIN + FOOTER_SPACE)


def _sources_page(pdf: _Pack, cards: list[ChartCard], release: data.Release) -> None:
    used: dict[tuple[str, str, str], tuple[SourceRef, list[int]]] = {}
    for number, card in enumerate(cards, start=1):
        for ref in refs_for(card.data, release, card.cites):
            _, numbers = used.setdefault((ref.publisher, ref.title, ref.url), (ref, []))
            if number not in numbers:
                numbers.append(number)
    pdf.add_page()
    pdf.para(t("briefing.pdf_sources_title"), 16, bold=True, gap=2)
    pdf.para(t("briefing.pdf_sources_intro"), 10, colour=GREY, gap=4)
    for ref, numbers in used.values():  # three lines each: who and what, where, on what terms
        details = [t("briefing.pdf_licence", licence=licence_text(ref))]
        if ref.released:
            details.append(t("briefing.pdf_released", date=ref.released))
        details.append(t("briefing.pdf_used_in", count=len(numbers), charts=", ".join(map(str, numbers))))
        blocks = [Block(" — ".join(p for p in (ref.publisher, ref.title) if p), 9, bold=True),
                 Block(ref.url, 8.5, colour=LINK, link=ref.url),
                 Block(" · ".join(details), 8.5, colour=GREY, gap=2.5)]
        blocks = [block for block in blocks if block.text]
        if pdf.will_page_break(sum(draw(pdf, block, dry_run=True) for block in blocks)):
            pdf.add_page()  # an entry is never split across pages
        for block in blocks:
            draw(pdf, block)


def build(cards: list[ChartCard], release: data.Release, links: dict[str, str] | None = None,
          progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """The briefing pack as PDF bytes, in the current language. `links`: card key -> URL of its
    view; `progress(done, total, title)` is called after each chart (drawing one takes a moment)."""
    links = links or {}
    pdf = _Pack(release.release_id)
    pdf.set_title(t("briefing.pdf_title"))
    pdf.set_author(AUTHOR)
    pdf.set_subject(t("briefing.pdf_subject"))
    pdf.set_creator(AUTHOR)
    pdf.set_lang(i18n.language())
    pdf.set_creation_date(datetime.now(UTC))
    anchors = [pdf.add_link(page=1) for _ in cards]  # pointed at each chart's page once it exists
    _cover(pdf, cards, release, anchors)
    for number, (card, anchor) in enumerate(zip(cards, anchors), start=1):
        _chart_page(pdf, card, release, number, len(cards), links.get(card.key), anchor)
        if progress is not None:
            progress(number, len(cards), card.title)
    _sources_page(pdf, cards, release)
    return bytes(pdf.output())
