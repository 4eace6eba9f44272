"""Charts as stand-alone images (PNG, SVG), drawn on the server.

An image travels without the page around it, so the card's title, subtitle, note, source,
licence, latest-figure date and link are drawn into it. Rendering goes through kaleido, which
drives one headless chromium: it is started once, kept warm on its own thread and shared by every
session; calls queue on a lock, and a browser that fails or hangs is replaced.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import hashlib
import html
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from PIL import ImageFont

from app import data, figures, run_gate
from app.caption import Caption
from app.card import ChartCard
from app.i18n import t

FORMATS = ("png", "svg")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
SCALE = {"png": 2, "svg": 1}  # PNGs at twice the layout size: sharp on high-density screens and in print
WIDTH, HEIGHT = 1200, 720
MIN_PLOT_HEIGHT = 320         # the image grows taller rather than squeeze the chart below this
PAD = 24
TITLE_PX, SUBTITLE_PX, FOOTER_PX, LEGEND_PX = 22, 15, 12, 13
GREY = "#57606A"
LINE_HEIGHT = 1.3             # plotly's own line spacing, in em
# Text is measured, not guessed: with the DejaVu Sans the app ships (app/fonts). Chromium draws the
# figure's font stack (Source Sans Pro, Helvetica Neue, Arial, sans-serif) with what it finds: Liberation
# Sans (Arial's metrics) or DejaVu Sans, the wider of the two, so a line measured in DejaVu fits either.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
MEASURE_SLACK = 1.03          # 3 % for kerning and hinting differences between Pillow and chromium
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
@lru_cache(maxsize=16)
def _font(font_px: float, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), font_px)


def text_px(text: str, font_px: float, bold: bool = False) -> float:
    """The width of `text` in px at `font_px`, measured in DejaVu Sans (with a little slack)."""
    return _font(font_px, bold).getlength(text) * MEASURE_SLACK


def _break_word(word: str, width_px: float, font_px: float, bold: bool) -> list[str]:
    """A word wider than the line (a long link) cut into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and text_px(piece + char, font_px, bold) > width_px:
            pieces.append(piece)
            piece = ""
        piece += char
    return pieces + [piece] if piece else pieces


def wrap_to(text: str, width_px: float, font_px: float, bold: bool = False, max_lines: int | None = None) -> list[str]:
    """Lines that each measure at most `width_px` (deterministic: greedy by words, words wider than
    a line broken); past `max_lines` the last line ends with ' …'."""
    lines: list[str] = []
    line = ""
    for word in " ".join(str(text).split()).split(" "):
        if not word:
            continue
        candidate = f"{line} {word}" if line else word
        if text_px(candidate, font_px, bold) <= width_px:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = _break_word(word, width_px, font_px, bold)
        lines += pieces[:-1]
        line = pieces[-1]
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_px(last + " …", font_px, bold) > width_px:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = lines[:max_lines - 1] + [f"{last} …"]
    return lines


def escaped(lines: list[str]) -> str:
    """Lines for plotly text. Plotly reads a subset of HTML, so text from the data is escaped."""
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def plain_source(caption: Caption) -> str:
    """The page's source line without markdown: 'publisher, title, release — licence; …'."""
    parts = [", ".join(p for p in (r.publisher, r.title, r.released) if p) + f" — {r.licence}"
             for r in caption.structured_sources]
    if caption.curated_sources:
        parts.append(t("briefing.image_curated",
                       publishers=", ".join(dict.fromkeys(r.publisher for r in caption.curated_sources))))
    return "; ".join(parts)


def footer_lines(caption: Caption, width_px: float) -> list[str]:
    """Note (at most three lines, then in full which figures were not re-checked), source,
    latest-figure date with the dashboard's name, link."""
    lines = []
    # The note is cut at three lines, but never the sentence naming figures not re-checked against
    # their source (the chart marks them; the image must say what the mark means in full).
    if caption.note:
        lines += wrap_to(f"{t('common.note_label')} {caption.note}", width_px, FOOTER_PX, max_lines=3)
    if caption.caveat:
        lines += wrap_to(caption.caveat if caption.note else f"{t('common.note_label')} {caption.caveat}",
                         width_px, FOOTER_PX)
    if caption.events:  # the markers are numbered (figures.label_events): what each number is
        lines += wrap_to(caption.events_text, width_px, FOOTER_PX)
    source = plain_source(caption)
    if source:
        lines += wrap_to(f"{t('common.source_label')} {source}", width_px, FOOTER_PX)
    dated = " · ".join(p for p in (caption.data_as_of, t("briefing.image_credit")) if p)
    lines += wrap_to(dated, width_px, FOOTER_PX)
    if caption.link:
        lines += wrap_to(t("briefing.image_link", url=caption.link), width_px, FOOTER_PX)
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
    title = fig.layout.legend.title.text or ""
    rows, used = 1, text_px(title, LEGEND_PX) + (12 if title else 0)
    for name in items:
        item = 46 + text_px(name, LEGEND_PX)  # symbol, gap and text
        if used + item > width_px and used > 0:
            rows, used = rows + 1, 0
        used += item
    return 24 * rows + 8


def _left_reserve(fig: go.Figure) -> int:
    """px for the y tick labels and title, so axis automargin does not push the plot (and the
    footer placed from it) to the right."""
    if fig.layout.yaxis.visible is False:
        return 0
    longest = text_px("0000", LEGEND_PX)
    for trace in fig.data:
        if trace.y is None or not len(trace.y) or trace.yaxis not in (None, "y"):
            continue
        if getattr(trace, "orientation", None) == "h":  # category labels
            longest = max([longest] + [text_px(str(v), LEGEND_PX) for v in trace.y])
        else:
            top = pd.to_numeric(pd.Series(trace.y), errors="coerce").abs().max()
            if pd.notna(top):  # tick labels such as '140,000'
                longest = max(longest, text_px(f"{top:,.0f}0", LEGEND_PX))
    return int(longest) + (26 if fig.layout.yaxis.title.text else 0) + 8


def chart_figure(card: ChartCard, figure: go.Figure | None = None) -> go.Figure:
    """A copy of the card's figure (built from its data unless given): never the one on the page."""
    return figures.label_events(go.Figure(figure if figure is not None else card.build(card.data)))


def export_figure(card: ChartCard, release: data.Release, link: str | None = None, width: int = WIDTH,
                  height: int = HEIGHT, figure: go.Figure | None = None) -> go.Figure:
    """The card's chart laid out as a stand-alone image `width` px wide: title and subtitle on top;
    note, source, latest-figure date and link at the bottom. Margins grow to fit the text; the
    image grows taller rather than squeeze the chart. `figure`: the card's already built figure
    (a chart card calls this on every run, so the figure is not built twice)."""
    fig = figure if figure is not None else card.build(card.data)
    return caption_figure(fig, card.caption(release, link), width, height)


def caption_figure(fig: go.Figure, caption: Caption, width: int = WIDTH, height: int = HEIGHT) -> go.Figure:
    """The image renderer of a Caption: `fig` laid out with the caption drawn around it."""
    text_width = width - 2 * PAD
    title = wrap_to(caption.title, text_width, TITLE_PX, bold=True)
    subtitle = wrap_to(caption.subtitle, text_width, SUBTITLE_PX) if caption.subtitle else []
    footer = footer_lines(caption, text_width - FOOTER_SLACK)
    header_px = PAD + math.ceil(LINE_HEIGHT * (TITLE_PX * len(title) + SUBTITLE_PX * len(subtitle))) + 12
    footer_px = math.ceil(LINE_HEIGHT * FOOTER_PX * len(footer))
    below = (AXIS_BELOW + (24 if fig.layout.xaxis.title.text else 0)) if fig.layout.xaxis.visible is not False else 8
    top, bottom = header_px + _legend_height(fig, text_width) + 8, below + footer_px + PAD
    left = PAD + _left_reserve(fig)
    right = max(PAD, fig.layout.margin.r or 0)  # ranked bars keep room for their value labels
    height = max(height, top + bottom + MIN_PLOT_HEIGHT)
    # a deep copy (the figure on the page is never touched); no hover in an image: the event
    # markers carry their numbers
    spec = figures.label_events_in(fig.to_dict())
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
    # Waiting for chromium (and for other sessions' images), not for the interpreter: a page run
    # (the briefing's PDF) lets another run have its place meanwhile (app/run_gate.py).
    with run_gate.set_aside(), _RENDER_LOCK:
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


@dataclass(frozen=True)
class ImageJob:
    """One image of a batch: an export figure (caption_figure), its format and where it goes."""
    figure: go.Figure
    fmt: str
    path: Path


BATCH_TIMEOUT = 120           # s for one image of a batch (a busy machine is slow, a stuck browser slower)
RELOAD_EVERY = 25             # images a batch tab draws between reloads of its page


def _batch_kaleido_class():
    """kaleido.Kaleido, reloading a tab's page (and its 4 MB plotly.js) only every RELOAD_EVERY
    images instead of after each: half the time of a batch, the same PNG bytes (measured on the
    whole edition; SVGs differ only in plotly's random clip-path ids, as between any two drawings).
    `_return_kaleido_tab` is kaleido 1.5's (pinned) hook for it; without it, kaleido's own is kept."""
    import kaleido

    class BatchKaleido(kaleido.Kaleido):
        _drawn = 0

        async def _return_kaleido_tab(self, tab) -> None:
            self._drawn += 1
            if self._drawn % RELOAD_EVERY == 0:
                await super()._return_kaleido_tab(tab)
            else:
                await self.tabs_ready.put(tab)

    return BatchKaleido if hasattr(kaleido.Kaleido, "_return_kaleido_tab") else kaleido.Kaleido


def run_to_end(coroutine):
    """asyncio.run, on a thread of its own when this thread already runs an event loop (a notebook,
    or Playwright's sync API in the browser tests), where asyncio.run refuses to start."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def write_images(jobs: Iterable[ImageJob], workers: int = 1) -> int:
    """Draw many images into files in one browser session (the static edition's bake), each at
    its own size as image_bytes draws it (PNG at twice the pixels). kaleido opens `workers` tabs
    and draws from a queue; `jobs` may block between items (a queue fed by another thread): it is
    read off the event loop, so drawing goes on while the next figure is made. Returns how many
    images were written; the first failure stops the batch with RenderError."""
    _browser_path()
    if not browser_available():
        raise RenderError("no chromium to draw images: install Debian's chromium or set BROWSER_PATH")
    written = 0

    async def specs():
        nonlocal written
        iterator = iter(jobs)
        while (job := await asyncio.to_thread(next, iterator, None)) is not None:
            if job.fmt not in FORMATS:
                raise ValueError(f"format must be one of {FORMATS}, not {job.fmt!r}")
            job.path.parent.mkdir(parents=True, exist_ok=True)
            written += 1
            yield {"fig": job.figure, "path": job.path,
                   "opts": dict(format=job.fmt, width=job.figure.layout.width or WIDTH,
                                height=job.figure.layout.height or HEIGHT, scale=SCALE[job.fmt])}

    async def draw() -> None:
        # mathjax=False as for the warm browser: the default page would fetch MathJax from a CDN.
        async with _batch_kaleido_class()(n=max(1, workers), timeout=BATCH_TIMEOUT, mathjax=False) as browser:
            await browser.write_fig_from_object(specs(), cancel_on_error=True)

    try:
        run_to_end(draw())
    except (RenderError, ValueError):
        raise
    except Exception as error:
        raise RenderError(f"kaleido could not draw the images: {error!r}") from error
    return written


def file_name(card_key: str, fmt: str) -> str:
    """'belarus-exiles-<card key>.<fmt>'; card keys are our own ids, checked all the same."""
    if not _CARD_KEY.match(card_key) or fmt not in FORMATS:
        raise ValueError(f"not a card key and image format: {card_key!r}, {fmt!r}")
    return f"belarus-exiles-{card_key}.{fmt}"
