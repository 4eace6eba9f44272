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
from typing import TYPE_CHECKING

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
INK, GREY, LINK = (31, 35, 40), (87, 96, 106), (9, 88, 190)


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

    def para(self, text: str, size: float, bold: bool = False, colour=INK, link: str | int | None = None,
             gap: float = 0.0, dry_run: bool = False) -> float:
        """A wrapped paragraph at the left margin; returns its height in mm (drawn unless dry_run)."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        height = self.multi_cell(0, size * 0.45, text, link=link or "", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                                 dry_run=dry_run, output=MethodReturnValue.HEIGHT, align="L")
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


def caption_blocks(caption: Caption, shown: int) -> list[tuple]:
    """The PDF renderer of a Caption, under the chart: (text, size, bold, colour, link) of the
    note, the first `shown` sources with their links, the latest-figure date and the view's link."""
    out = []
    if caption.full_note:
        out.append((f"{t('common.note_label')} {caption.full_note}", 9, False, INK, None))
    out.append((t("common.source_label"), 8.5, True, INK, None))
    for ref in caption.sources[:shown]:
        out.append((citation(ref), 8.5, False, INK, None))
        if ref.url:
            out.append((ref.url, 8, False, LINK, ref.url))
    if len(caption.sources) > shown:
        out.append((t("briefing.pdf_more_sources", count=len(caption.sources) - shown), 8.5, False, GREY, None))
    out.append((caption.data_as_of, 8.5, False, GREY, None))
    if caption.link:
        out.append((t("briefing.image_link", url=caption.link), 8.5, False, LINK, caption.link))
    return out


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
        text_height = sum(pdf.para(text, size, bold, colour, dry_run=True) for text, size, bold, colour, _ in below)
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
    for text, size, bold, colour, url in below:
        pdf.para(text, size, bold, colour, link=url)
    pdf.set_auto_page_break(True, margin=MARGIN + FOOTER_SPACE)


def _sources_page(pdf: _Pack, cards: list[ChartCard], release: data.Release) -> None:
    used: dict[tuple[str, str, str], tuple[SourceRef, list[int]]] = {}
    for number, card in enumerate(cards, start=1):
        for ref in refs_for(card.data, release, card.cites):
            entry = used.setdefault((ref.publisher, ref.title, ref.url), (ref, []))
            if number not in entry[1]:
                entry[1].append(number)
    pdf.add_page()
    pdf.para(t("briefing.pdf_sources_title"), 16, bold=True, gap=2)
    pdf.para(t("briefing.pdf_sources_intro"), 10, colour=GREY, gap=4)
    for ref, numbers in used.values():  # three lines each: who and what, where, on what terms
        details = [t("briefing.pdf_licence", licence=licence_text(ref))]
        if ref.released:
            details.append(t("briefing.pdf_released", date=ref.released))
        details.append(t("briefing.pdf_used_in", count=len(numbers), charts=", ".join(map(str, numbers))))
        entry = [(" — ".join(p for p in (ref.publisher, ref.title) if p), 9, True, INK, None, 0),
                 (ref.url, 8.5, False, LINK, ref.url, 0), (" · ".join(details), 8.5, False, GREY, None, 2.5)]
        entry = [block for block in entry if block[0]]
        if pdf.will_page_break(sum(pdf.para(*block[:4], gap=block[5], dry_run=True) for block in entry)):
            pdf.add_page()  # an entry is never split across pages
        for text, size, bold, colour, link, gap in entry:
            pdf.para(text, size, bold, colour, link=link, gap=gap)


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
