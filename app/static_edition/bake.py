"""Bake the static edition into a folder: every card of the registry, at the views its page draws
by default, in every language, as HTML pages, CSV, PNG and SVG.

Each card is built once per language by the card registry (app/cards), captioned once (its
Caption, with the link to its interactive view that the app's share menu gives), and printed by
the HTML renderer (app/static_edition/render.py), the app's CSV export (chart_card.export_table)
and the image export (app/image_export.py, which draws the caption into the image). The images,
the slow part, are drawn by one browser session on a thread of their own while the next cards
are built.

Layout (every link relative, so the folder works from disk and under any prefix):

    index.html                         the choice of language
    edition/<lang>/index.html          every card, page by page, after the Overview's opening
    edition/<lang>/<card>.html         the full card: chart, caption, sources, data table, downloads
    embed/<lang>/<card>.html           the card alone, for an <iframe>
    files/<lang>/<card>.csv|png|svg    exactly the plotted rows; the images with their caption
    assets/plotly-<sha8>.min.js        the installed plotly package's plotly.min.js (never a CDN)
    assets/edition-<sha8>.css|.js      the stylesheet and the script that draws the charts
    edition.json                       what was baked: release, languages, cards, files and sizes
"""
from __future__ import annotations

import dataclasses
import hashlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import plotly
import plotly.graph_objects as go

from app import cards, chart_card, data, figures, formatting, headlines, i18n, image_export, story, url_state
from app.i18n import t
from app.static_edition import render

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
LANGUAGES = list(i18n.LANGUAGES)
# The dashboard's pages in its order (url_state lists them as dashboard.PAGES does; a test checks).
PAGE_ORDER = list(url_state.PAGE_PARAMS)
CHART_HEIGHT = 450  # plotly.js's height for a figure that sets none


class BakeError(RuntimeError):
    """The edition cannot be baked (no images could be drawn, or the cards disagree between languages)."""


class ImageSink(Protocol):
    """Where the baked export figures go to be drawn: `add` queues one, `finish` waits for all."""

    def add(self, job: image_export.ImageJob) -> None: ...

    def finish(self) -> None: ...


class BrowserImages:
    """Images drawn by one kaleido browser (image_export.write_images) on a thread of its own,
    fed through a queue while the bake goes on building cards."""

    def __init__(self, workers: int = 1) -> None:
        self.jobs: queue.Queue[image_export.ImageJob | None] = queue.Queue()
        self.error: BaseException | None = None
        self.count = 0
        self.thread = threading.Thread(target=self._run, args=(workers,), name="edition-images", daemon=True)
        self.thread.start()

    def _run(self, workers: int) -> None:
        try:
            self.count = image_export.write_images(iter(self.jobs.get, None), workers=workers)
        except BaseException as error:  # reported by finish(), on the bake's thread
            self.error = error
            while self.jobs.get() is not None:  # let the producer finish; nothing more is drawn
                pass

    def add(self, job: image_export.ImageJob) -> None:
        if self.error is not None:
            raise BakeError(f"images could not be drawn: {self.error}") from self.error
        self.jobs.put(job)

    def finish(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise BakeError(f"images could not be drawn: {self.error}") from self.error


@dataclass
class Written:
    """The files of a bake, relative to its folder, with their sizes."""
    root: Path
    files: dict[str, int] = field(default_factory=dict)

    def write(self, relative: str, content: bytes | str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(payload)
        self.files[relative] = len(payload)
        return path

    def expect(self, relative: str) -> Path:
        """A file another writer (the image thread) puts here; its size is read at the end."""
        self.files[relative] = -1
        return self.root / relative

    def sizes(self) -> dict[str, int]:
        return {name: (size if size >= 0 else (self.root / name).stat().st_size)
                for name, size in sorted(self.files.items())}


def hashed(name: str, content: bytes) -> str:
    """'edition.css' → 'edition-<first 8 hex of sha256>.css' (cached forever by the proxy)."""
    stem, dot, suffix = name.partition(".")
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:8]}{dot}{suffix}"


def write_assets(out: Written) -> render.Assets:
    names = {}
    for source, name in ((ASSETS_DIR / "edition.css", "edition.css"), (ASSETS_DIR / "edition.js", "edition.js"),
                         (PLOTLY_JS, "plotly.min.js")):
        content = source.read_bytes()
        names[name] = hashed(name, content)
        out.write(f"assets/{names[name]}", content)
    return render.Assets(css=names["edition.css"], js=names["edition.js"], plotly=names["plotly.min.js"])


def public_path(page: str) -> str:
    """The page's path in the browser: the default page is served at '/'."""
    return "" if page == url_state.DEFAULT_PAGE else page


def interactive_link(page: str, card_key: str) -> str:
    """The link the app's share menu gives for this card at its page's default view (url_state.link),
    in the current language."""
    return url_state.link(url_state.PageView(page, public_path(page), "url", {}), card_key)


def page_cards(names: list[str] | None = None) -> list[tuple[str, list[cards.Registered]]]:
    """The registry's cards grouped by page, pages in the dashboard's order."""
    chosen = [item for item in cards.REGISTRY.values() if names is None or item.name in names]
    unknown = set(names or []) - set(cards.REGISTRY)
    if unknown:
        raise BakeError(f"no card called {sorted(unknown)} in the registry")
    return [(page, [item for item in chosen if item.page == page]) for page in PAGE_ORDER
            if any(item.page == page for item in chosen)]


def bake_card(card: chart_card.ChartCard, page: str, release: data.Release, out: Written, images: ImageSink,
              lang: str) -> render.BakedCard:
    """One card in the current language: its CSV, its images queued, and what its pages print."""
    figure = card.build(card.data)
    caption = card.caption(release, link=interactive_link(page, card.key))
    exported = image_export.caption_figure(figure, caption)
    baked = render.BakedCard(
        key=card.key, lang=lang, page=page, caption=caption,
        # the event markers numbered, as the caption lists them (the page works without hover too)
        figure_json=figures.label_events(go.Figure(figure)).to_json(),
        chart_height=int(figure.layout.height or CHART_HEIGHT),
        image_size=(int(exported.layout.width or image_export.WIDTH),
                    int(exported.layout.height or image_export.HEIGHT)),
        reader_table=chart_card.reader_table(card.data, release),
        conflicts=chart_card.conflicts_for(card.data, release))
    # Exactly what the app's CSV download gives: the plotted rows with their citation.
    out.write(baked.file("csv"), chart_card.export_table(card.data, release).to_csv(index=False).encode("utf-8"))
    for fmt in image_export.FORMATS:
        images.add(image_export.ImageJob(exported, fmt, out.expect(baked.file(fmt))))
    return baked


def bake_story(release: data.Release, lang: str, languages: list[str], out: Written, images: ImageSink,
               assets: render.Assets, footer: render.Html) -> int:
    """The story page of `lang`: app/story.py's chapters, each paragraph filled from the release
    as on the app's page, each chart the registry's card at the story's view, baked under its own
    key (`story-<card>`: the edition's `<card>` files are the page's default view). Returns the
    number of charts."""
    claims = url_state.page_link("claims")
    chapters, charts = [], 0
    for chapter in story.chapters(release):
        blocks: list[render.Html] = []
        for block in chapter.blocks:
            if isinstance(block, story.Paragraph):
                blocks.append(render.Html(f"<p>{render.inline_markdown(block.text())}</p>"))
                continue
            card = dataclasses.replace(block.build(release), key=f"story-{block.card}")
            baked = bake_card(card, block.page, release, out, images, lang)
            blocks.append(render.story_chart(baked, block.link(), claims))
            charts += 1
        chapters.append((chapter.key, chapter.heading, blocks))
    out.write(f"edition/{lang}/story.html", render.story_page(lang, languages, render.inline_markdown(
        story.intro(release)), chapters, assets, footer))
    return charts


def bake(release: data.Release, folder: Path, images: ImageSink, languages: list[str] | None = None,
         names: list[str] | None = None, log: Callable[[str], None] = print, with_story: bool | None = None) -> dict:
    """Bake the edition into `folder` (which must be empty or missing); returns the summary that
    edition.json records. `names`: registry names to bake (all by default), for tests;
    `with_story`: bake the story page too (by default when every card is baked)."""
    started = time.perf_counter()
    languages = list(languages or LANGUAGES)
    out = Written(folder)
    assets = write_assets(out)
    keys: dict[str, list[str]] = {}
    previous = i18n.language()
    try:
        for lang in languages:
            i18n.set_language(lang)
            lang_started = time.perf_counter()
            sections = []
            for page, registered in page_cards(names):
                baked = []
                for item in registered:
                    for params in item.default_views(release):
                        built = item.build(release, **params)
                        if built is not None:  # a view with nothing to draw, as on the page
                            baked.append(bake_card(built, page, release, out, images, lang))
                sections.append((page, t(f"common.nav_{page}"), baked))
            everything = [card for _, _, of_page in sections for card in of_page]
            keys[lang] = [card.key for card in everything]
            footer = render.footer(release.release_id, formatting.latest_date(data.series(release)),
                                   formatting.date(release.manifest["built_at"][:10]),
                                   url_state.page_link(url_state.DEFAULT_PAGE))
            for card in everything:
                out.write(f"edition/{lang}/{card.key}.html", render.card_page(card, languages, assets, footer))
                out.write(f"embed/{lang}/{card.key}.html", render.embed_page(card, assets))
            story_baked = with_story if with_story is not None else names is None
            if story_baked:
                bake_story(release, lang, languages, out, images, assets, footer)
            intro = render.inline_markdown(headlines.intro(release))
            out.write(f"edition/{lang}/index.html", render.index_page(lang, languages, sections, intro, assets, footer,
                                                                      story=story_baked))
            log(f"  {lang}: {len(everything)} cards ({time.perf_counter() - lang_started:.1f} s)")
        i18n.set_language(languages[0])
        out.write("index.html", render.home_page(languages, assets))
    finally:
        i18n.set_language(previous)
    first = keys[languages[0]]
    if any(keys[lang] != first for lang in languages):
        raise BakeError(f"the cards differ between languages: { {lang: keys[lang] for lang in languages} }")
    waiting = time.perf_counter()
    images.finish()
    log(f"  images: {2 * len(first) * len(languages)} drawn ({time.perf_counter() - waiting:.1f} s after the pages)")
    files = out.sizes()
    return {"release_id": release.release_id, "languages": languages, "cards": first,
            "assets": {"css": assets.css, "js": assets.js, "plotly": assets.plotly},
            "plotly_version": plotly.__version__, "seconds": round(time.perf_counter() - started, 1),
            "files": files}
