"""The HTML renderer of a chart card: the static edition's thin printer of the card's Caption,
beside the page (app/chart_card.py), the image (app/image_export.py) and the PDF (app/briefing_pdf.py).

Every word comes from the card's Caption and from t(); every figure from the card's rows, through
the same tables the app shows (chart_card.reader_table, conflicts_for). Text from the data is
escaped everywhere: `Html` marks a string that is already HTML, anything else is escaped when it
is put into a page. Links are relative (the site works from a folder on disk and under any
prefix), except links to sources and to the interactive dashboard.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from app import i18n
from app.caption import Caption, licence_text
from app.chart_card import EMBED_MESSAGE  # the message name the embed snippet listens for
from app.i18n import t
from app.html_table import Html, anchor, esc, safe_url, table
from app.sources import SourceRef, host

__all__ = ["Html", "anchor", "esc", "safe_url", "table"]  # the one table renderer, shared with the app

UP = "../../"  # from edition/<lang>/ and embed/<lang>/ to the site's root


def join(parts: Iterable[str], separator: str = "") -> Html:
    """HTML parts joined; plain strings among them are escaped."""
    return Html(esc(separator).join(part if isinstance(part, Html) else esc(part) for part in parts))


def t_html(key: str, **params) -> Html:
    """t() as HTML: the message is escaped, the Html parameters (links) are put in as they are."""
    markers: dict[str, Html] = {}
    plain = {}
    for name, value in params.items():
        if isinstance(value, Html):
            marker = f"\x00{name}\x00"
            markers[marker] = value
            plain[name] = marker
        else:
            plain[name] = value
    text = str(esc(t(key, **plain)))
    for marker, value in markers.items():
        text = text.replace(marker, value)
    return Html(text)


def local(text, href: str, **attributes: str) -> Html:
    """A link inside the site (a relative path built here from our own keys)."""
    extra = "".join(f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"' for name, value in attributes.items())
    return Html(f'<a href="{esc(href)}"{extra}>{esc(text)}</a>')


# ------------------------------------------------------------------ markdown the app's texts use
_INLINE = re.compile(r"\\(?P<escaped>.)|\[(?P<text>(?:\\.|[^\]\\])*)\]\((?:<(?P<angle>[^>]*)>|(?P<bare>[^)\s]*))\)"
                     r"|\*\*(?P<bold>(?:\\.|[^*\\])+)\*\*", re.S)


def inline_markdown(text: str) -> Html:
    """The markdown the app's texts use (backslash escapes, [links](<url>), **bold**) as HTML;
    everything else escaped."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[position:match.start()]))
        if match.group("escaped") is not None:
            out.append(esc(match.group("escaped")))
        elif match.group("bold") is not None:
            out.append(Html(f"<strong>{inline_markdown(match.group('bold'))}</strong>"))
        else:
            label = inline_markdown(match.group("text"))
            href = safe_url(match.group("angle") if match.group("angle") is not None else match.group("bare"))
            out.append(Html(f'<a href="{esc(href)}" rel="noopener">{label}</a>') if href else label)
        position = match.end()
    out.append(esc(text[position:]))
    return join(out)


# ------------------------------------------------------------------ the caption
def with_host(text: str, url: str) -> Html:
    """A source link followed by the host it leads to, as the app prints it: 'Pozirk (pozirk.online)'."""
    return Html(f"{anchor(text, url)} ({esc(host(url))})")


def source_line(caption: Caption) -> Html:
    """The app's source line (chart_card.source_line) as HTML: each structured source with its
    publisher, linked title, host, release and licence; curated figures as linked publishers."""
    parts = []
    for ref in caption.structured_sources:
        released = f", {esc(ref.released)}" if ref.released else ""
        parts.append(Html(f"{esc(ref.publisher)}, {with_host(ref.title, ref.url)}{released} — {esc(ref.licence)}"))
    if caption.curated_sources:
        links = join([with_host(ref.publisher, ref.url) for ref in caption.curated_sources], ", ")
        parts.append(t_html("common.curated_sources", links=links))
    if not parts:
        return Html("")
    return Html(f"<strong>{esc(t('common.source_label'))}</strong> {join(parts, '; ')}")


def source_item(ref: SourceRef) -> Html:
    """One source in full: publisher, linked title, host, date and licence."""
    key = "edition.source_item" if ref.released else "edition.source_item_undated"
    return t_html(key, publisher=ref.publisher, title=anchor(ref.title or ref.publisher, ref.url),
                  host=ref.host, released=ref.released, licence=licence_text(ref))


def sources_list(caption: Caption) -> Html:
    items = "".join(f"<li>{source_item(ref)}</li>" for ref in caption.sources)
    return Html(f'<ul class="sources">{items}</ul>') if items else Html("")


def caption_paragraphs(caption: Caption) -> Html:
    """Under the chart: note, the figures not re-checked, source line, date of the latest figure."""
    parts = []
    if caption.note:
        parts.append(f'<p class="note"><strong>{esc(t("common.note_label"))}</strong> {esc(caption.note)}</p>')
    if caption.caveat:
        label = "" if caption.note else f'<strong>{esc(t("common.note_label"))}</strong> '
        parts.append(f'<p class="caveat">{label}{esc(caption.caveat)}</p>')
    if caption.events:  # the markers are numbered: what each one is, without hovering
        parts.append(f'<p class="events">{esc(caption.events_text)}</p>')
    line = source_line(caption)
    if line:
        parts.append(f'<p class="source">{line}</p>')
    if caption.data_as_of:
        parts.append(f'<p class="latest">{esc(caption.data_as_of)}</p>')
    return Html("\n".join(parts))


# ------------------------------------------------------------------ chart and tables
def script_json(text: str) -> Html:
    """JSON to put inside <script type="application/json">: no '<', '>' or '&' can end the block."""
    return Html(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figure_block(element_id: str, figure_json: str, image_href: str, alt: str, image_size: tuple[int, int],
                 chart_height: int) -> Html:
    """The chart. edition.js draws it from the inline figure JSON with the site's own plotly.js;
    without JavaScript the PNG (with its caption drawn in) shows instead, and where the live chart
    cannot be drawn the script puts the PNG in its place. The PNG is fetched only then: a reader
    with JavaScript never downloads it. `chart_height`: the live chart's, reserved before it draws."""
    width, height = image_size
    image = (f'<img class="chart-image" src="{esc(image_href)}" alt="{esc(alt)}" width="{int(width)}" '
             f'height="{int(height)}" loading="lazy" decoding="async">')
    return Html(
        f'<figure class="chart" data-figure="{esc(element_id)}" data-alt="{esc(alt)}" data-image="{esc(image_href)}" '
        f'data-image-width="{int(width)}" data-image-height="{int(height)}" data-height="{int(chart_height)}">\n'
        f"<noscript>{image}</noscript>\n"
        f'<script type="application/json" id="{esc(element_id)}">{script_json(figure_json)}</script>\n'
        "</figure>")


# ------------------------------------------------------------------ pages
@dataclass(frozen=True)
class Assets:
    """The hashed file names under site/assets/."""
    css: str
    js: str
    plotly: str


@dataclass
class BakedCard:
    """What the pages of one card in one language print: all from the card and its Caption."""
    key: str
    lang: str
    page: str                   # url_path of the dashboard page the card is on
    caption: Caption            # with the link to the card's interactive view
    figure_json: str            # the card's figure, as the app draws it
    chart_height: int           # the figure's height in px (its width follows the page)
    image_size: tuple[int, int]  # the PNG's layout size (drawn at twice the pixels)
    reader_table: pd.DataFrame  # chart_card.reader_table: the plotted rows as a reader reads them
    conflicts: pd.DataFrame     # chart_card.conflicts_for: every figure of the disagreements it plots

    @property
    def interactive(self) -> str:
        assert self.caption.link is not None
        return self.caption.link

    def file(self, fmt: str) -> str:
        """Relative to the site's root."""
        return f"files/{self.lang}/{self.key}.{fmt}"


def document(lang: str, title: str, body: str, assets: Assets, depth: int, charts: bool = True,
             embed: bool = False, description: str = "", alternates: dict[str, str] | None = None) -> str:
    """A whole HTML page; `depth`: folders below the site's root (the assets are reached from it)."""
    up = "../" * depth
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
    ]
    if description:
        head.append(f'<meta name="description" content="{esc(description)}">')
    for other, href in (alternates or {}).items():
        head.append(f'<link rel="alternate" hreflang="{esc(other)}" href="{esc(href)}">')
    head.append(f'<link rel="stylesheet" href="{esc(up + "assets/" + assets.css)}">')
    if charts:
        head.append(f'<script src="{esc(up + "assets/" + assets.plotly)}" defer></script>')
        head.append(f'<script src="{esc(up + "assets/" + assets.js)}" defer></script>')
    # An embed reports its height to the page around its frame (edition.js), under the app's message name.
    body_class = f' class="embed" data-embed-message="{esc(EMBED_MESSAGE)}"' if embed else ""
    return ("<!doctype html>\n"
            f'<html lang="{esc(lang)}">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            f"<body{body_class}>\n{body}\n</body>\n</html>\n")


def language_links(lang: str, languages: list[str], href: dict[str, str]) -> Html:
    """The language switch: each language in its own name, the current one marked."""
    items = []
    for other in languages:
        current = ' aria-current="page"' if other == lang else ""
        items.append(f'<li><a href="{esc(href[other])}" hreflang="{esc(other)}" lang="{esc(other)}"{current}>'
                     f"{esc(i18n.LANGUAGES[other])}</a></li>")
    return Html(f'<nav aria-label="{esc(t("common.language"))}"><ul>{"".join(items)}</ul></nav>')


def topbar(lang: str, languages: list[str], href: dict[str, str], index_link: bool = True) -> Html:
    home = [local(t("edition.all_charts"), "index.html")] if index_link else []
    home.append(local(t("edition.all_languages"), UP + "index.html"))
    items = "".join(f"<li>{link}</li>" for link in home)
    return Html(f'<header class="topbar"><nav aria-label="{esc(t("edition.site_nav"))}"><ul>{items}</ul></nav>'
                f"{language_links(lang, languages, href)}</header>")


def downloads(card: BakedCard) -> list[Html]:
    from app.image_export import file_name  # the app's own names for the files a reader saves
    return [local(t("common.download_csv"), UP + card.file("csv"), download=f"belarus-exiles-{card.key}.csv"),
            local(t("common.download_png"), UP + card.file("png"), download=file_name(card.key, "png")),
            local(t("common.download_svg"), UP + card.file("svg"), download=file_name(card.key, "svg"))]


def _chart(card: BakedCard) -> Html:
    return figure_block(f"figure-{card.key}", card.figure_json, UP + card.file("png"), card.caption.alt,
                        card.image_size, card.chart_height)


def card_page(card: BakedCard, languages: list[str], assets: Assets, footer: Html) -> str:
    """The full card: title, subtitle, chart, note, source line, latest figure, what the chart
    shows, sources in full, the disagreements, the data table, downloads and the links out."""
    caption = card.caption
    href = {other: f"../{other}/{card.key}.html" for other in languages}
    parts = [topbar(card.lang, languages, href),
             '<main id="main">',
             f"<h1>{esc(caption.title)}</h1>",
             f'<p class="subtitle">{esc(caption.subtitle)}</p>' if caption.subtitle else "",
             _chart(card),
             caption_paragraphs(caption),
             f'<p class="what"><strong>{esc(t("common.what_chart_shows"))}</strong> {esc(caption.alt)}</p>',
             f'<ul class="links"><li>{anchor(t("edition.interactive"), card.interactive)}</li>'
             f'<li>{local(t("edition.embed_link"), f"{UP}embed/{card.lang}/{card.key}.html")}</li></ul>']
    if caption.sources:
        parts += [f"<h2>{esc(t('edition.sources_heading'))}</h2>", sources_list(caption)]
    if not card.conflicts.empty:
        parts += [f"<h2>{esc(t('edition.conflicts_heading'))}</h2>",
                  f'<p class="warning">{esc(t("common.conflict_warning"))}</p>',
                  table(card.conflicts, t("edition.conflicts_caption", title=caption.title), t("common.col_value"))]
    parts += [f"<h2>{esc(t('edition.data_heading'))}</h2>",
              table(card.reader_table, t("edition.table_caption", title=caption.title), t("common.col_value")),
              f'<ul class="links">{"".join(f"<li>{link}</li>" for link in downloads(card))}</ul>',
              "</main>", footer]
    body = "\n".join(part for part in parts if part)
    return document(card.lang, f"{caption.title} – {t('common.app_title')}", f'<div class="page">{body}</div>',
                    assets, depth=2, description=caption.subtitle, alternates=href)


def embed_page(card: BakedCard, assets: Assets) -> str:
    """The card alone for an <iframe>: title, subtitle, chart, note, source line and latest
    figure, and links out (opened outside the frame). No site navigation."""
    caption = card.caption
    links = [anchor(t("common.open_in_dashboard"), card.interactive, new_tab=True),
             Html(f'<a href="{esc(f"{UP}edition/{card.lang}/{card.key}.html")}" target="_blank">'
                  f'{esc(t("edition.data_and_sources"))}</a>')]
    parts = [f"<h1>{esc(caption.title)}</h1>",
             f'<p class="subtitle">{esc(caption.subtitle)}</p>' if caption.subtitle else "",
             _chart(card),
             caption_paragraphs(caption),
             f'<ul class="links">{"".join(f"<li>{link}</li>" for link in links)}</ul>']
    body = "\n".join(part for part in parts if part)
    return document(card.lang, caption.title, f'<main class="page" id="main">{body}</main>', assets, depth=2,
                    embed=True, description=caption.subtitle)


def article(card: BakedCard, links: list[Html], title: Html) -> Html:
    """A card as an article of a longer page: title, subtitle, chart, caption and `links`."""
    caption = card.caption
    parts = [f'<article class="card" id="{esc(card.key)}">',
             f"<h3>{title}</h3>",
             f'<p class="subtitle">{esc(caption.subtitle)}</p>' if caption.subtitle else "",
             _chart(card),
             caption_paragraphs(caption),
             f'<ul class="links">{"".join(f"<li>{link}</li>" for link in links)}</ul>',
             "</article>"]
    return Html("\n".join(part for part in parts if part))


def index_card(card: BakedCard) -> Html:
    """A card on the edition's index: the card as an embed shows it, and links to the rest."""
    links = [local(t("edition.full_card"), f"{card.key}.html"), *downloads(card),
             anchor(t("edition.interactive"), card.interactive)]
    return article(card, links, title=local(card.caption.title, f"{card.key}.html"))


def story_chart(card: BakedCard, explore: str, claims: str) -> Html:
    """A chart of the story: the card as the index shows it (its title unlinked: the story's view
    has no page of its own), then the story's two links out, its interactive view at the story's
    view and the claims page, as on the app's story page."""
    return article(card, [*downloads(card), anchor(t("story.explore"), explore), anchor(t("story.claims"), claims)],
                   title=esc(card.caption.title))


def story_page(lang: str, languages: list[str], intro: Html, chapters: list[tuple[str, str, list[Html]]],
               assets: Assets, footer: Html) -> str:
    """The story ('Five years in exile') as the app's story page tells it: its opening, then each
    chapter's heading, paragraphs and charts in order. `chapters`: (key, heading, blocks), each
    block a paragraph or a chart already printed."""
    href = {other: f"../{other}/story.html" for other in languages}
    parts = [topbar(lang, languages, href), '<main id="main">', f"<h1>{esc(t('story.title'))}</h1>",
             f'<p class="intro">{intro}</p>']
    for key, heading, blocks in chapters:
        parts.append(f'<section id="story-{esc(key)}" aria-labelledby="heading-story-{esc(key)}">')
        parts.append(f'<h2 id="heading-story-{esc(key)}">{esc(heading)}</h2>')
        parts += blocks
        parts.append("</section>")
    parts += ["</main>", footer]
    return document(lang, f"{t('story.title')} – {t('common.app_title')}", f'<div class="page">{"".join(parts)}</div>',
                    assets, depth=2, description=t("story.title"), alternates=href)


def index_page(lang: str, languages: list[str], sections: list[tuple[str, str, list[BakedCard]]], intro: Html,
               assets: Assets, footer: Html, story: bool = False) -> str:
    """Every card of every page, page by page in the dashboard's order, after the Overview's
    opening text. `sections`: (url_path, heading, cards)."""
    href = {other: f"../{other}/index.html" for other in languages}
    contents = "".join(f'<li>{local(heading, f"#page-{page}")}</li>' for page, heading, cards in sections if cards)
    parts = [topbar(lang, languages, href, index_link=False),
             '<main id="main">',
             f"<h1>{esc(t('common.app_title'))}</h1>",
             f'<p class="intro">{intro}</p>',
             f'<p>{local(t("story.title"), "story.html")}</p>' if story else "",
             f'<p>{esc(t("edition.about"))}</p>',
             f'<nav class="contents" aria-label="{esc(t("edition.contents"))}"><ul>{contents}</ul></nav>']
    for page, heading, cards in sections:
        if not cards:
            continue
        parts.append(f'<section id="page-{esc(page)}" aria-labelledby="heading-{esc(page)}">')
        parts.append(f'<h2 id="heading-{esc(page)}">{esc(heading)}</h2>')
        parts += [index_card(card) for card in cards]
        parts.append("</section>")
    parts += ["</main>", footer]
    body = "\n".join(part for part in parts if part)
    return document(lang, f"{t('common.app_title')} – {t('edition.name')}", f'<div class="page">{body}</div>',
                    assets, depth=2, description=t("edition.about"), alternates=href)


def home_page(languages: list[str], assets: Assets) -> str:
    """The site's root: the choice of language, each in its own words."""
    items = []
    for lang in languages:
        items.append(f'<li lang="{esc(lang)}"><a href="edition/{esc(lang)}/index.html" hreflang="{esc(lang)}">'
                     f"<strong>{esc(i18n.LANGUAGES[lang])}</strong> · {esc(t('common.app_title', lang))}</a></li>")
    first = languages[0]
    body = (f'<main class="page" id="main"><h1>{esc(t("common.app_title", first))}</h1>'
            f'<p>{esc(t("edition.about", first))}</p>'
            f'<nav class="languages" aria-label="{esc(t("edition.choose_language", first))}">'
            f'<h2>{esc(t("edition.choose_language", first))}</h2><ul>{"".join(items)}</ul></nav></main>')
    return document(first, t("common.app_title", first), body, assets, depth=0, charts=False,
                    alternates={lang: f"edition/{lang}/index.html" for lang in languages})


def footer(release_id: str, newest: str, built: str, home_link: str) -> Html:
    return Html(f'<footer class="footer"><p>{esc(t("common.data_as_of", date=newest))} · '
                f'{esc(t("common.built_on", date=built))} · {esc(t("edition.release", release=release_id))}</p>'
                f'<p>{esc(t("edition.footer_note"))} {anchor(t("edition.open_dashboard"), home_link)}</p></footer>')
