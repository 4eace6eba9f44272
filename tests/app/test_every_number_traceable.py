"""Every number a reader sees is traceable, on every page, in every language.

A number in the visible text (titles, text, captions, headline metrics, alert boxes, chart titles,
axis titles, legends, hover and labels, alt texts) must be one of:
  - a value of the published tables (pub_series, pub_facts, pub_claim_figures and every other
    published numeric column; also a number quoted in a published text column, such as an event's
    own text), as a reader sees it after formatting (rounded, or a share as a percentage);
  - a number the app computed and wrote through its formatting layer (app/formatting.py and the
    count of a plural message in app/i18n.py): recorded here with the function that formatted it,
    so a failure names the place;
  - a year, or the day of a date the formatting layer wrote;
  - a fixed number of a definition (STRUCTURAL below, each with its reason).
Anything else is a number typed somewhere: the test fails and prints it with its text.

Each chart card and each headline figure also carries a source link.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict

import pandas as pd
import pytest

from app import i18n
from tests.app import page_renders
from tests.app.i18n_checks import pages_by_language, strings_in
from tests.app.page_renders import Written, forms
from tests.page_registry import registered_pages

PAGES = registered_pages()
LANGS = list(i18n.LANGUAGES)
NUMBER = re.compile(r"\d+(?:[\u00a0\u202f.,]\d+)*")
LINK = re.compile(r"\]\(<?https?://")
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
# Plotly keys whose strings a reader sees; colours, fonts and ids are not text.
CHART_TEXT_KEYS = {"text", "hovertext", "hovertemplate", "name", "title", "customdata", "ticktext"}

# Numbers that are part of a definition, not a figure: what each one is.
STRUCTURAL = {
    1.0: "ISO 3166-1; 'Q1'; UNHCR rounds counts of 1-4",
    3.0: "ISO alpha-3 codes; permits valid at least 3 months",
    4.0: "CC BY 4.0; UNHCR rounds counts of 1-4",
    5.0: "UNHCR rounds counts of 1-4 to 5",
    6.0: "Eurostat's validity classes (6-11 months)",
    11.0: "Eurostat's validity classes (6-11 months)",
    12.0: "Eurostat's validity classes (12 months or more)",
    21.0: "Polish visa purpose code 21 (humanitarian); D21 visas",
    23.0: "Polish visa purpose code 23 (Poland. Business Harbour)",
    24.0: "24 February 2022, Russia's full invasion of Ukraine (start of a running total)",
    27.0: "EU27_2020, the European Union of 27 countries",
    31.0: "31 December, the date of end-year stocks",
    49.0: "UN M49 regions",
    256.0: "SHA-256",
    278.0: "Belarus's Decree No. 278",
    517.0: "Lithuania's Government Resolution No. 517",
    833.0: "Commission Decision 2011/833/EU",
    3035.0: "EPSG:3035, the maps' coordinate reference system",
    3166.0: "ISO 3166",
}


def parse(token: str, lang: str) -> float | None:
    """The value of a number as written in `lang` ('1,234.5' in English, '1 234,5' elsewhere)."""
    text = token.replace("\u00a0", "").replace("\u202f", "")
    if lang == "en":
        text = text.replace(",", "")
    else:
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def published_numbers(read, manifest) -> set[float]:
    allowed: set[float] = set()
    for name, entry in manifest["tables"].items():
        if not str(entry["path"]).endswith(".parquet"):
            continue
        table = read(name)
        for column in table.columns:
            series = table[column]
            if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                for value in series.dropna().unique():
                    allowed |= forms(float(value))
            elif series.dtype == object or pd.api.types.is_string_dtype(series):
                # Numbers quoted in published text (an event's own words, a figure's note).
                for text in series.dropna().astype(str).unique():
                    for token in NUMBER.findall(text):
                        for lang in ("en", "pl"):
                            value = parse(token, lang)
                            if value is not None:
                                allowed.add(value)
    return allowed


def visible_texts(at) -> list[str]:
    texts = [str(e.value) for kind in TEXT_ELEMENTS for e in at.get(kind)]
    for metric in at.get("metric"):
        texts += [metric.label, str(metric.value), str(getattr(metric.proto, "help", ""))]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        texts.append(chart.proto.alt)
        texts += chart_texts(spec.get("data", [])) + chart_texts(spec.get("layout", {}))
    return texts


def chart_texts(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CHART_TEXT_KEYS:
                found += strings_in(value)
            else:
                found += chart_texts(value)
    elif isinstance(node, list):
        for item in node:
            found += chart_texts(item)
    return found


def untraceable(texts: list[str], lang: str, allowed: set[float], recorder: Written) -> dict:
    problems: dict[str, list[str]] = defaultdict(list)
    dates = sorted(recorder.dates, key=len, reverse=True)
    for text in texts:
        # Markup, links, hover templates, identifiers in code spans (a release id), clock times.
        clean = re.sub(r"<[^>]+>|https?://\S+|%\{[^}]*\}|`[^`]*`|\b\d{1,2}:\d{2}\b", " ", text)
        for date in dates:
            if date and date in clean:
                clean = clean.replace(date, " ")
        for token in NUMBER.findall(clean):
            value = parse(token, lang)
            if value is None:
                continue
            if (value in allowed or value in recorder.numbers or value in STRUCTURAL
                    or (value.is_integer() and 1990 <= value <= 2030)):
                continue
            problems[token].append(text[:160])
    return dict(problems)


@pytest.fixture(scope="module")
def allowed(published, app_data):
    _, manifest = app_data
    return published_numbers(published, manifest)


@pytest.fixture(scope="module")
def recorded(app_data):
    """Each (page, language) rendered once, with what its formatting layer wrote (tests/app/page_renders.py:
    the renders are shared with the reader-output checks)."""
    return page_renders.SHARED.get


@pytest.mark.parametrize(("page", "lang"), pages_by_language(PAGES))
def test_every_number_on_the_page_is_published_or_computed(page, lang, allowed, recorded):
    at, recorder = recorded(page.file, lang)
    problems = untraceable(visible_texts(at), lang, allowed, recorder)
    assert problems == {}, f"numbers on {page.url_path} ({lang}) that no published table or computation gives"


def blocks_with(node, kind: str):
    """Every container block of the rendered tree whose own subtree holds an element of `kind`."""
    children = list(getattr(node, "children", {}).values())
    if any(getattr(child, "type", None) == kind for child in children):
        yield node
    for child in children:
        yield from blocks_with(child, kind)


def texts_under(node) -> list[str]:
    out = []
    value = getattr(node, "value", None)
    if getattr(node, "type", None) in ("markdown", "caption") and isinstance(value, str):
        out.append(value)
    for child in getattr(node, "children", {}).values():
        out += texts_under(child)
    return out


@pytest.mark.parametrize(("page", "lang"), [param for param in pages_by_language(PAGES) if param.values[0].charts])
def test_every_chart_card_and_headline_links_its_source(page, lang, recorded):
    at, _ = recorded(page.file, lang)
    for kind in ("plotly_chart", "metric"):
        for block in blocks_with(at._tree, kind):
            assert any(LINK.search(text) for text in texts_under(block)), (
                f"a {kind} on {page.url_path} ({lang}) without a source link beside it")
