"""What the per-page language tests share: the English text of a page's catalogues that its
translation does not repeat, everything a reader reads on a rendered page, and the page rendered
in a language. Each tests/app/test_i18n_<page>.py drives its own page through its states."""
from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import i18n
from app.chart_card import share_key
from tests.page_registry import DASHBOARD, registered_pages

URL_PATHS = {page.url_path for page in registered_pages()}
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]


def translated_pages(fast: str) -> list:
    """The translated languages as test parameters: `fast` in the default run, the others marked
    slow (CI runs them all). Each page test names a different language, so the default run still
    renders every language on some page."""
    return [lang if lang == fast else pytest.param(lang, marks=pytest.mark.slow) for lang in TRANSLATED]


def english_and(fast: str) -> list:
    """Every language as test parameters: English and `fast` in the default run, the other two
    marked slow (CI runs them all). Tests of one module name different languages, so the default
    run still renders each language somewhere."""
    return ["en", *translated_pages(fast)]


def pages_by_language(pages: list) -> list:
    """(page, language) parameters for a sweep of every page in every language: English and one
    translated language per page (in turn: each language is rendered on some page) in the default
    run, the other two marked slow (CI runs them all)."""
    params = []
    for index, page in enumerate(pages):
        fast = {"en", TRANSLATED[index % len(TRANSLATED)]}
        for lang in i18n.LANGUAGES:
            marks = () if lang in fast else (pytest.mark.slow,)
            params.append(pytest.param(page, lang, marks=marks, id=f"{page.url_path}-{lang}"))
    return params


SHORTEST_CHECKED = 12  # shorter English fragments ("Q3", "EU", "SHA-256") may read the same in any language
MARKDOWN_ESCAPE = re.compile(r"\\(.)")
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning")
WIDGETS = ("radio", "multiselect", "toggle", "select_slider", "selectbox", "metric")
LABELLED = ("expander", "download_button")
HTML_TABLE_TEXT = re.compile(r'<(?:caption|th scope="col")>(.*?)</(?:caption|th)>')  # caption and headers
HTML_CELL = re.compile(r'<(?:td|th scope="row")[^>]*>(.*?)</(?:td|th)>', re.S)


def flat(message: i18n.Message) -> str:
    """A message's text; a plural message's forms one per line."""
    return "\n".join(message.values()) if isinstance(message, dict) else message


def messages(namespace: str, lang: str) -> dict[str, str]:
    prefix = f"{namespace}."
    return {key.removeprefix(prefix): flat(text) for key, text in i18n.catalogue(lang).items() if key.startswith(prefix)}


def literal_fragments(text: str) -> set[str]:
    """The fixed text of a message, between its placeholders."""
    return {literal.strip() for literal, *_ in string.Formatter().parse(text) if literal.strip()}


def english_fragments(namespaces: list[str] | tuple[str, ...], lang: str, trimmed: bool = True) -> set[str]:
    """English text of the namespaces that the translation into `lang` does not share: each
    literal part of an English message that is not a literal part of its translation and, with
    `trimmed`, the same part without its end punctuation unless the translation contains it.
    (A page whose tables quote curated English sources checks whole literal parts only: a short
    trimmed phrase such as "as reported by" also occurs in those quotations.)"""
    found = set()
    for namespace in namespaces:
        translated = messages(namespace, lang)
        for key, english in messages(namespace, "en").items():
            other = translated[key]
            for fragment in literal_fragments(english):
                if len(fragment) > SHORTEST_CHECKED and fragment not in literal_fragments(other):
                    found.add(fragment)
                bare = fragment.strip(" .,;:")
                if trimmed and english != other and len(bare) > SHORTEST_CHECKED and bare not in other:
                    found.add(bare)
    return found


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def column_labels(table) -> dict[str, str]:
    """The headers a reader sees: the configured label, else the column's name."""
    config = json.loads(table.proto.columns or "{}")
    return {str(column): config.get(str(column), {}).get("label", str(column)) for column in table.value.columns}


def rendered_texts(at: AppTest, cells: bool = False) -> list[str]:
    """Everything a reader reads on the page, markdown escapes removed: text elements; widget
    labels, help, placeholders and options; expander and button labels; table headers (and, with
    `cells`, their text cells: data tables quote curated sources in English as published); every
    string of every chart (titles, legends, hover, ticks) and its alt text."""
    texts = [e.value for kind in TEXT_ELEMENTS for e in at.get(kind)]
    for kind in WIDGETS:
        for widget in at.get(kind):
            texts.append(widget.label)
            texts += [str(getattr(widget.proto, field, "")) for field in ("help", "placeholder")]
            texts += [str(option) for option in getattr(widget.proto, "options", [])]
    texts += [element.label for kind in LABELLED for element in at.get(kind)]
    for group in at.get("button_group"):
        texts += [group.label] + [option.content for option in group.proto.options]
    for table in at.dataframe:
        frame = table.value
        texts += list(column_labels(table).values())
        if cells:
            texts += [cell for column in frame.columns for cell in frame[column] if isinstance(cell, str)]
    for block in at.get("html"):  # HTML tables (a card's disagreements, its table for screen readers)
        body = block.proto.body
        texts += [html.unescape(text) for text in HTML_TABLE_TEXT.findall(body)]
        if cells:
            texts += [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in HTML_CELL.findall(body)]
    for chart in at.get("plotly_chart"):
        texts += strings_in(json.loads(chart.proto.spec))
        texts.append(chart.proto.alt)
    return [MARKDOWN_ESCAPE.sub(r"\1", str(text)) for text in texts]


def english_leftovers(texts: list[str], fragments: set[str]) -> list[tuple[str, str]]:
    return sorted({(fragment, text[:120]) for text in texts for fragment in fragments if fragment in text})


def page_in(page: str, lang: str) -> AppTest:
    """`page` rendered with ?lang=`lang`, opened straight from a link as most readers arrive
    (tests/app/test_shareable_links.py also goes there from the default page). AppTest finds a
    page whose URL path is not its file's name (pages/where_they_went.py is /where) only among the
    pages a first run registered: those are reached from the default page."""
    i18n.set_language(lang)  # AppTest formats option labels outside the session, in the process's language
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["lang"] = lang
    if Path(page).stem not in URL_PATHS:
        at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return open_data_tables(at)


DATA_EXPANDER_ID = re.compile(r"-(data-.+)$")


def share_menus(at: AppTest) -> list[str]:
    """The widget keys of the share menus the page drew (their open state: chart_card.share_key)."""
    return [key for key in at.session_state if str(key).startswith(share_key(""))]


def open_share_menus(at: AppTest) -> AppTest:
    """`at` with every chart card's share menu opened, as a reader opens it (its content is drawn
    only while open: app/chart_card.share_controls)."""
    for key in share_menus(at):
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_data_tables(at: AppTest) -> AppTest:
    """`at` with every chart card's data expander and share menu opened, as a reader opens them:
    the interactive table of a card's plotted rows, and the share menu's links, labels and image
    buttons, are drawn only then (app/chart_card.card_tools), and the checks that read tables
    (headers, cells, figures) and labels read those too."""
    keys = [match.group(1) for expander in at.expander if (match := DATA_EXPANDER_ID.search(expander.proto.id))]
    keys += share_menus(at)
    closed = [key for key in keys if not at.session_state[key]]
    for key in closed:
        at.session_state[key] = True
    if closed:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at
