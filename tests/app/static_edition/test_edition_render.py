"""The HTML renderer of a card's Caption (app/static_edition/render.py): the same words as the
app's caption, text from the data escaped everywhere, only http(s) links, and figure JSON that
cannot end its <script> block."""
from __future__ import annotations

import html
import json
from html.parser import HTMLParser

import pandas as pd
import pytest

from app import chart_card, data, figures, select
from app.caption import Caption
from app.card import ChartCard
from app.sources import CURATED_LICENCE, SourceRef
from app.static_edition import render

EUROSTAT = SourceRef("Eurostat", "Residence permits [migr_resvalid]", "https://ec.europa.eu/eurostat/x", "CC BY 4.0",
                     "9 July 2026")
CURATED = SourceRef("Nasha Niva (citing Rzeczpospolita)", "[report]", "https://nashaniva.com/1", CURATED_LICENCE, "")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


class Parsed(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.script_bodies: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.script_bodies if self._in_script else self.text).append(data)

    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def plain(fragment: str) -> str:
    return Parsed(fragment).plain()


def caption(**changes) -> Caption:
    base = dict(title="Title", subtitle="Subtitle", note="A note.", caveat="", sources=(EUROSTAT, CURATED),
                data_as_of="Latest figure: 31 December 2025", link="https://dash.example/where?lang=en#x", alt="Alt.")
    return Caption(**{**base, **changes})


def test_the_source_line_says_what_the_apps_source_line_says():
    """The same words, publishers, titles, hosts, releases and licences as chart_card.source_line,
    with real links instead of markdown."""
    line = render.source_line(caption())
    app_line = render.inline_markdown(chart_card.source_line([EUROSTAT, CURATED]))
    assert plain(line) == plain(app_line)
    hrefs = [attrs["href"] for tag, attrs in Parsed(line).tags if tag == "a"]
    assert hrefs == [EUROSTAT.url, CURATED.url]
    assert render.source_line(caption(sources=())) == ""


def test_inline_markdown_reads_the_apps_escapes_links_and_bold():
    text = r"Up to 200\,000 \(OSW\), [Centre \[OSW\]](<https://osw.waw.pl/a?b=1&c=2>) (osw\.waw\.pl); **bold** end"
    out = render.inline_markdown(text)
    assert plain(out) == "Up to 200,000 (OSW), Centre [OSW] (osw.waw.pl); bold end"
    assert '<a href="https://osw.waw.pl/a?b=1&amp;c=2" rel="noopener">Centre [OSW]</a>' in out
    assert "<strong>bold</strong>" in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example/", "/local", ""])
def test_only_http_links_become_links(url):
    out = render.inline_markdown(f"[click]({url})" if " " not in url else f"[click](<{url}>)")
    assert "<a" not in out and "click" in out
    assert render.anchor("click", url) == "click"


def test_text_from_the_data_is_escaped_in_every_part_of_a_page(release):
    """A title, note, source, label or table cell holding HTML prints as text: no element, no
    attribute and no script comes from the data."""
    stocks = select.rows(data.series(release), "pl_residence_document_holders_stock", destination="POL").head(3)
    stocks["_label"] = HOSTILE
    card = ChartCard(key="hostile", title=HOSTILE, subtitle=HOSTILE, data=stocks,
                     build=lambda frame: figures.lines(frame, HOSTILE), alt=HOSTILE, note=HOSTILE)
    cap = card.caption(release, link="https://dash.example/poland?lang=en#hostile")
    cap = Caption(**{**cap.__dict__, "sources": cap.sources + (SourceRef(HOSTILE, HOSTILE, "javascript:alert(1)",
                                                                         HOSTILE, HOSTILE),)})
    figure = card.build(card.data)
    baked = render.BakedCard(key="hostile", lang="en", page="poland", caption=cap, figure_json=figure.to_json(),
                             chart_height=400, image_size=(1200, 720), reader_table=chart_card.reader_table(card.data, release),
                             conflicts=chart_card.conflicts_for(card.data, release))
    assets = render.Assets(css="edition-00000000.css", js="edition-00000000.js", plotly="plotly-00000000.min.js")
    footer = render.footer("r1", "1 January 2026", "2 January 2026", "https://dash.example/?lang=en")
    for page in (render.card_page(baked, ["en", "pl"], assets, footer), render.embed_page(baked, assets),
                 render.index_page("en", ["en"], [("poland", "Poland", [baked])], render.inline_markdown(HOSTILE),
                                   assets, footer)):
        parsed = Parsed(page)
        scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
        # the two script files and one figure block; nothing else is a script
        assert [s.get("src") or s.get("type") for s in scripts] == [
            "../../assets/plotly-00000000.min.js", "../../assets/edition-00000000.js", "application/json"]
        assert HOSTILE in parsed.plain()  # printed as text, as written
        assert "javascript:" not in page
        figure_json = json.loads(parsed.script_bodies[-1])
        assert figure_json["data"][0]["name"] == HOSTILE  # the figure keeps the text; plotly draws it as text
        assert not [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]  # no handler


def test_figure_json_cannot_close_its_script_block():
    text = json.dumps({"x": "</script><script>alert(1)</script>", "y": "<!-- & \u2028"})
    block = render.figure_block("figure-k", text, "../../files/en/k.png", "alt", (1200, 720), 450)
    body = block.split('id="figure-k">', 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == json.loads(text)


def test_the_data_table_has_a_caption_headers_and_row_headers_and_shows_link_hosts():
    frame = pd.DataFrame({"Series": ["A <b>", "B"], "Figure": ["1,634 persons", "598 persons"],
                          "Link": ["https://www.pozirk.online/x", None]})
    out = render.table(frame, "The plotted figures", figure_column="Figure")
    parsed = Parsed(out)
    assert [tag for tag, _ in parsed.tags].count("th") == 3 + 2
    assert ("caption", {}) in parsed.tags
    assert '<th scope="row">A &lt;b&gt;</th>' in out
    assert '<td class="figure">1,634 persons</td>' in out
    assert '<a href="https://www.pozirk.online/x" rel="noopener">pozirk.online</a>' in out


def test_t_html_escapes_the_message_and_keeps_html_parameters():
    links = render.Html('<a href="https://x.example/">X &amp; Y</a>')
    out = render.t_html("common.curated_sources", links=links)
    assert out.startswith("national figures as published by <a href=")
    assert html.unescape(plain(out)).startswith("national figures as published by X & Y")
