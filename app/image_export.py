"""Charts as stand-alone images (PNG, SVG), drawn on the server.

An image travels without the page around it, so the card's title, subtitle, note, source,
licence, latest-figure date and link are drawn into it. Rendering goes through kaleido, which
drives one headless chromium: it is started once, kept warm on its own thread and shared by every
session; calls queue on a lock, and a browser that fails or hangs is replaced.
"""
from __future__ import annotations

import asyncio
import atexit
import hashlib
import html
import math
import os
import re
import textwrap
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from app import chart_card  # module, not names: chart_card imports this module too
from app.i18n import t
from app.sources import CURATED_LICENCE, SourceRef, refs_for

if TYPE_CHECKING:
    from app import data
    from app.chart_card import ChartCard

FORMATS = ("png", "svg")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
SCALE = {"png": 2, "svg": 1}  # PNGs at twice the layout size: sharp on high-density screens and in print
WIDTH, HEIGHT = 1200, 720
MIN_PLOT_HEIGHT = 320         # the image grows taller rather than squeeze the chart below this
PAD = 24
TITLE_PX, SUBTITLE_PX, FOOTER_PX, LEGEND_PX = 22, 15, 12, 13
GREY = "#57606A"
LINE_HEIGHT = 1.3             # plotly's own line spacing, in em
# Wrapping is by characters. Running text in the sans fonts chromium falls back to (Liberation Sans,
# DejaVu Sans) averages 0.45-0.5 em a character, Cyrillic a little more; counting 0.55 em (0.6 bold)
# keeps wrapped lines inside the image with room to spare. Capitals are wider: a text's budget is
# set by its share of them (an all-caps title gets shorter lines).
EM_PER_CHAR, EM_PER_CHAR_BOLD, EM_PER_CAPITAL = 0.55, 0.6, 0.8
FOOTER_SLACK = 40             # px kept free on the right of the footer, in case the y labels push the plot
AXIS_BELOW = 48               # px under the plot for x tick labels (more with an x-axis title)
RENDER_TIMEOUT = 30           # s for one image (they take under 1 s); a slower browser is stuck: replaced
START_TIMEOUT = 60
CACHE_SIZE = 32             # images (a PNG is 0.1-0.7 MB)
CHROMIUM = Path("/usr/bin/chromium")
_CARD_KEY = re.compile(r"^[a-z0-9-]{1,60}$")


class RenderError(RuntimeError):
    """kaleido could not draw the image (no browser, or it failed twice)."""


# ------------------------------------------------------------------ text
def wrap(text: str, chars: int, max_lines: int | None = None) -> list[str]:
    """Lines of at most `chars` characters (deterministic: textwrap, long words broken)."""
    return textwrap.wrap(" ".join(str(text).split()), chars, break_on_hyphens=False, max_lines=max_lines,
                         placeholder=" …")


def chars_per_line(width_px: float, font_px: float, bold: bool = False, text: str = "") -> int:
    """How many characters of `text` fit on a line (of lowercase text when none is given)."""
    em = EM_PER_CHAR_BOLD if bold else EM_PER_CHAR
    if text:
        em = max(em, sum(EM_PER_CAPITAL if c.isupper() else em for c in text) / len(text))
    return max(10, int(width_px / (font_px * em)))


def wrap_to(text: str, width_px: float, font_px: float, bold: bool = False, max_lines: int | None = None) -> list[str]:
    return wrap(text, chars_per_line(width_px, font_px, bold, text), max_lines)


def escaped(lines: list[str]) -> str:
    """Lines for plotly text. Plotly reads a subset of HTML, so text from the data is escaped."""
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def plain_source(refs: list[SourceRef]) -> str:
    """chart_card.source_line without markdown: 'publisher, title, release — licence; …'."""
    structured = [r for r in refs if r.licence != CURATED_LICENCE]
    curated = [r for r in refs if r.licence == CURATED_LICENCE]
    parts = [", ".join(p for p in (r.publisher, r.title, r.released) if p) + f" — {r.licence}" for r in structured]
    if curated:
        parts.append(t("briefing.image_curated", publishers=", ".join(dict.fromkeys(r.publisher for r in curated))))
    return "; ".join(parts)


def footer_lines(card: ChartCard, release: data.Release, link: str | None, width_px: float) -> list[str]:
    """Note (at most three lines, then in full which figures were not re-checked), source,
    latest-figure date with the dashboard's name, link."""
    lines = []
    # The note is cut at three lines, but never the sentence naming figures not re-checked against
    # their source (the chart marks them; the image must say what the mark means in full).
    caveat = chart_card.unverified_note(card.data)
    note = card.note.replace(caveat, "").strip() if caveat else card.note
    if note:
        lines += wrap_to(f"{t('common.note_label')} {note}", width_px, FOOTER_PX, max_lines=3)
    if caveat:
        lines += wrap_to(caveat if note else f"{t('common.note_label')} {caveat}", width_px, FOOTER_PX)
    source = plain_source(refs_for(card.data, release))
    if source:
        lines += wrap_to(f"{t('common.source_label')} {source}", width_px, FOOTER_PX)
    dated = " · ".join(p for p in (chart_card.data_as_of(card.data), t("briefing.image_credit")) if p)
    lines += wrap_to(dated, width_px, FOOTER_PX)
    if link:
        lines += wrap_to(t("briefing.image_link", url=link), width_px, FOOTER_PX)
    return lines


# ------------------------------------------------------------------ layout
def _legend_items(fig: go.Figure) -> list[str]:
    """Names the legend will show (none when plotly would hide it: a single trace by default)."""
    shown = [tr for tr in fig.data if tr.showlegend is not False and tr.visible is not False]
    if fig.layout.showlegend is False or (fig.layout.showlegend is None and len(shown) < 2):
        return []
    names, groups = [], set()
    for trace in shown:
        if trace.legendgroup and trace.legendgroup in groups:
            continue
        groups.add(trace.legendgroup)
        names.append(str(trace.name or ""))
    return names


def _legend_height(fig: go.Figure, width_px: float) -> int:
    """Rows a horizontal legend wraps into at this width, packed item by item as plotly does."""
    items = _legend_items(fig)
    if not items:
        return 0
    if fig.layout.legend.orientation != "h":
        return 24 * len(items) + 8
    char = LEGEND_PX * EM_PER_CHAR
    title = fig.layout.legend.title.text or ""
    rows, used = 1, len(title) * char + (12 if title else 0)
    for name in items:
        item = 46 + len(name) * char  # symbol, gap and text
        if used + item > width_px and used > 0:
            rows, used = rows + 1, 0
        used += item
    return 24 * rows + 8


def _left_reserve(fig: go.Figure) -> int:
    """px for the y tick labels and title, so axis automargin does not push the plot (and the
    footer placed from it) to the right."""
    if fig.layout.yaxis.visible is False:
        return 0
    longest = 4
    for trace in fig.data:
        if trace.y is None or not len(trace.y) or trace.yaxis not in (None, "y"):
            continue
        if getattr(trace, "orientation", None) == "h":  # category labels
            longest = max([longest] + [len(str(v)) for v in trace.y])
        else:
            top = pd.to_numeric(pd.Series(trace.y), errors="coerce").abs().max()
            if pd.notna(top):  # tick labels such as '140,000'
                longest = max(longest, len(f"{top:,.0f}") + 1)
    return int(longest * LEGEND_PX * EM_PER_CHAR) + (26 if fig.layout.yaxis.title.text else 0) + 8


def chart_figure(card: ChartCard, figure: go.Figure | None = None) -> go.Figure:
    """A copy of the card's figure (built from its data unless given): never the one on the page."""
    return go.Figure(figure if figure is not None else card.build(card.data))


def export_figure(card: ChartCard, release: data.Release, link: str | None = None, width: int = WIDTH,
                  height: int = HEIGHT, figure: go.Figure | None = None) -> go.Figure:
    """The card's chart laid out as a stand-alone image `width` px wide: title and subtitle on top;
    note, source, latest-figure date and link at the bottom. Margins grow to fit the text; the
    image grows taller rather than squeeze the chart. `figure`: the card's already built figure
    (a chart card calls this on every run, so the figure is not built twice)."""
    fig = figure if figure is not None else card.build(card.data)
    text_width = width - 2 * PAD
    title = wrap_to(card.title, text_width, TITLE_PX, bold=True)
    subtitle = wrap_to(card.subtitle, text_width, SUBTITLE_PX) if card.subtitle else []
    footer = footer_lines(card, release, link, text_width - FOOTER_SLACK)
    header_px = PAD + math.ceil(LINE_HEIGHT * (TITLE_PX * len(title) + SUBTITLE_PX * len(subtitle))) + 12
    footer_px = math.ceil(LINE_HEIGHT * FOOTER_PX * len(footer))
    below = (AXIS_BELOW + (24 if fig.layout.xaxis.title.text else 0)) if fig.layout.xaxis.visible is not False else 8
    top, bottom = header_px + _legend_height(fig, text_width) + 8, below + footer_px + PAD
    left = PAD + _left_reserve(fig)
    right = max(PAD, fig.layout.margin.r or 0)  # ranked bars keep room for their value labels
    height = max(height, top + bottom + MIN_PLOT_HEIGHT)
    spec = fig.to_dict()  # a deep copy: the figure on the page is never touched
    layout = spec["layout"]
    layout.update(
        width=width, height=height, margin=dict(l=left, r=right, t=top, b=bottom, autoexpand=True),
        paper_bgcolor="#FFFFFF",
        title=dict(text=escaped(title), font=dict(size=TITLE_PX, weight="bold", color="#1F2328"),
                   xref="container", x=PAD / width, xanchor="left", yref="container", y=1 - PAD / height,
                   yanchor="top", automargin=False, pad=dict(t=0, b=0, l=0, r=0),
                   subtitle=dict(text=escaped(subtitle), font=dict(size=SUBTITLE_PX, color=GREY))),
        legend={**layout.get("legend", {}), **dict(xref="container", x=PAD / width, xanchor="left",
                                                   yref="container", y=1 - (header_px + 4) / height,
                                                   yanchor="top")},
    )
    # Annotations are placed relative to the plot area: the footer starts `below` px under it and
    # is shifted left to the image's padding.
    layout["annotations"] = [*layout.get("annotations", []), dict(
        text=escaped(footer), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
        xshift=PAD - left, yshift=-below, showarrow=False, align="left", font=dict(size=FOOTER_PX, color=GREY))]
    # The card's figure is already validated and these settings are fixed (the tests validate
    # them): skipping plotly's validation makes this ~1 ms instead of ~30 ms per card and page run.
    return go.Figure(spec, _validate=False)


# ------------------------------------------------------------------ rendering
class _Browser:
    """One kaleido (one chromium) kept open on an event loop of its own thread, so any thread can
    use it and every call can be given up after a timeout."""

    def __init__(self) -> None:
        import kaleido
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido", daemon=True)
        self.thread.start()

        async def start():
            # mathjax=False: the default page would fetch MathJax from a CDN; plotly.js is local.
            browser = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False)
            await browser.open()
            return browser
        try:
            self.kaleido = self._call(start(), START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def _call(self, coroutine, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def image(self, figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
        opts = dict(format=fmt, width=width, height=height, scale=scale)
        return self._call(self.kaleido.calc_fig(figure, opts=opts), RENDER_TIMEOUT + 5)

    def close(self) -> None:
        try:
            if hasattr(self, "kaleido"):
                self._call(self.kaleido.close(), 15)
        except BaseException:  # a dead browser may not close cleanly; choreographer kills its process
            pass
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            if not self.thread.is_alive():
                self.loop.close()


_RENDER_LOCK = threading.Lock()  # one image at a time: sessions queue instead of starting browsers
_CACHE_LOCK = threading.Lock()
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_browser: _Browser | None = None


def _browser_path() -> None:
    """kaleido finds chromium through BROWSER_PATH; Debian's is the default."""
    current = os.environ.get("BROWSER_PATH")
    if (not current or not Path(current).exists()) and CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(CHROMIUM)


def browser_available() -> bool:
    _browser_path()
    return bool(os.environ.get("BROWSER_PATH")) and Path(os.environ["BROWSER_PATH"]).exists()


def _draw(figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """With the render lock held: the warm browser draws; a failed or stuck one is replaced once."""
    global _browser
    _browser_path()
    for attempt in (1, 2):
        try:
            if _browser is None:
                _browser = _Browser()
            return _browser.image(figure, fmt, width, height, scale)
        except Exception as error:  # including the TimeoutError of a stuck browser
            if _browser is not None:
                _browser.close()
                _browser = None
            if attempt == 2:
                raise RenderError(f"kaleido could not draw the {fmt} image: {error!r}") from error
    raise AssertionError("unreachable")


def shutdown() -> None:
    """Close the warm browser (at exit; tests and benchmarks may call it to measure a cold start)."""
    global _browser
    with _RENDER_LOCK:
        if _browser is not None:
            _browser.close()
            _browser = None


atexit.register(shutdown)


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def render(figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """The figure as PNG or SVG bytes; identical requests are served from a small LRU cache."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    key = hashlib.sha256(f"{fmt}|{width}|{height}|{scale}|{figure.to_json()}".encode()).hexdigest()
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    with _RENDER_LOCK:
        with _CACHE_LOCK:  # drawn by another session while this one waited
            if key in _CACHE:
                return _CACHE[key]
        image = _draw(figure, fmt, width, height, scale)
    with _CACHE_LOCK:
        _CACHE[key] = image
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return image


def image_bytes(figure: go.Figure, fmt: str) -> bytes:
    """An export_figure drawn at its own size (PNG at twice the pixels)."""
    return render(figure, fmt, figure.layout.width or WIDTH, figure.layout.height or HEIGHT, SCALE[fmt])


def card_image(card: ChartCard, release: data.Release, fmt: str, link: str | None = None) -> bytes:
    return image_bytes(export_figure(card, release, link=link), fmt)


def file_name(card_key: str, fmt: str) -> str:
    """'belarus-exiles-<card key>.<fmt>'; card keys are our own ids, checked all the same."""
    if not _CARD_KEY.match(card_key) or fmt not in FORMATS:
        raise ValueError(f"not a card key and image format: {card_key!r}, {fmt!r}")
    return f"belarus-exiles-{card_key}.{fmt}"
