"""What a reader sees is written for a reader, on every page and in every language: no table header
is a raw field name, no JSON tree is shown, every curated figure not re-checked against its source
is marked on its chart (marker or pattern, legend key, hover line) and named in the alt text, dates
known only to the month print as a month, and 'Data as of' is the newest figure, the build date
shown apart.

Each page is rendered once per language, for this module and the every-number sweep (tests/app/page_renders.py)."""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest

from app import figures, formatting, i18n
from etl.fields import FIELDS
from tests.app.i18n_checks import column_labels, english_and, pages_by_language
from tests.page_registry import registered_pages

PAGES = registered_pages()
LANGUAGES = list(i18n.LANGUAGES)
IDENTIFIER = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")  # snake_case: a column or field name, not a header
UNVERIFIED_SYMBOLS = {figures.UNVERIFIED_SYMBOL, figures.UNVERIFIED_CONFLICT_SYMBOL}
UNVERIFIED_PATTERNS = {figures.UNVERIFIED_PATTERN, figures.BOTH_PATTERN}


def published_columns(published) -> set[str]:
    names = ["pub_series", "pub_facts", "pub_events", "pub_claims", "pub_sources", "pub_countries",
             "pub_claim_verdicts", "pub_claim_figures"]
    return {column for name in names for column in published(name).columns}


def as_list(value, length: int) -> list:
    return list(value) if isinstance(value, list) else [value] * length


def decoded(values) -> list | None:
    """A trace's values: plotly sends numeric arrays base64-encoded ({'dtype', 'bdata'})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values if isinstance(values, list) else None


def points(chart) -> list[dict]:
    """Every drawn point of a chart: its trace, values, hover text and mark (symbol or pattern)."""
    spec = json.loads(chart.proto.spec)
    found = []
    for trace in spec["data"]:
        values = decoded(trace.get("y") if trace.get("orientation") != "h" else trace.get("x"))
        if values is None or trace.get("hoverinfo") == "skip" or trace.get("hoveron") == "fills":
            continue
        marker = trace.get("marker") or {}
        symbols = as_list(marker.get("symbol"), len(values))
        patterns = as_list((marker.get("pattern") or {}).get("shape"), len(values))
        hovers = as_list(trace.get("hovertext"), len(values))
        for value, symbol, pattern, hover in zip(values, symbols, patterns, hovers):
            found.append({"trace": trace.get("name"), "value": value, "hover": str(hover or ""),
                          "marked": symbol in UNVERIFIED_SYMBOLS or pattern in UNVERIFIED_PATTERNS})
    return found


def legend_names(chart) -> list[str]:
    return [trace.get("name") for trace in json.loads(chart.proto.spec)["data"] if trace.get("showlegend")]


# ------------------------------------------------------------------ tables and JSON
@pytest.mark.parametrize(("page", "lang"), pages_by_language(PAGES))
def test_no_table_header_is_a_raw_field_name_and_no_json_is_shown(rendered, published, page, lang):
    at = rendered(page.file, lang)
    assert not at.get("json"), f"{page.url_path} shows a JSON tree to readers"
    raw = set(FIELDS) | published_columns(published)
    claims_table = i18n.t("claims.col_figure", lang)
    for table in at.dataframe:
        headers = list(column_labels(table).values())
        if page.url_path == "claims" and claims_table in headers:
            continue  # the claims page's figure table belongs to the claims rules' own change
        bad = [h for h in headers if h in raw or IDENTIFIER.match(h) or h.startswith("_")]
        assert not bad, f"{page.url_path} ({lang}): raw headers {bad} in {headers}"


@pytest.mark.parametrize("lang", english_and("pl"))
def test_chart_card_tables_show_no_internal_ids_and_format_their_figures(rendered, published, lang):
    """The chart data and the disagreements under a card: no fact ids, no conflict-group ids, figures
    with their thousands separators (never a bare float), dates spelled out."""
    at = rendered("pages/poland.py", lang)
    facts = published("pub_facts")
    ids = set(facts["fact_id"]) | set(facts["conflict_group"].dropna())
    # The chart cards' tables: the plotted rows and the disagreements, each naming who published a figure.
    tables = [t for t in at.dataframe if i18n.t("common.col_source", lang) in column_labels(t).values()]
    assert len(tables) >= 9
    for table in tables:
        frame = table.value
        cells = [str(v) for column in frame.columns for v in frame[column] if isinstance(v, str)]
        leaked = [c for c in cells if any(i in c for i in ids)]
        assert not leaked, f"ids shown: {leaked[:3]}"
        assert not [c for c in cells if re.fullmatch(r"\d+\.\d+", c)], "unformatted numbers"
        assert not [c for c in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c)], "ISO dates"
        numeric = [column for column in frame.columns if pd.api.types.is_float_dtype(frame[column])]
        assert not numeric, f"numbers shown unformatted in {numeric}"


# ------------------------------------------------------------------ unverified figures
@pytest.mark.parametrize("page", [p for p in PAGES if p.charts], ids=[p.url_path for p in PAGES if p.charts])
def test_every_unverified_point_is_marked_in_chart_hover_legend_and_alt(rendered, page):
    at = rendered(page.file, "en")
    hover_line = i18n.t("common.hover_unverified", "en")
    note = i18n.t("common.unverified_note", "en", items="").rstrip(".")
    for chart in at.get("plotly_chart"):
        drawn = points(chart)
        for point in drawn:
            assert point["marked"] == (hover_line in point["hover"]), (page.url_path, point)
        marked = [p for p in drawn if p["marked"]]
        if marked:
            assert i18n.t("common.unverified_legend", "en") in legend_names(chart), page.url_path
            assert note in chart.proto.alt, f"{page.url_path}: alt text does not name the unverified figures"
            for point in marked:
                assert formatting.number(point["value"], "en_GB") in chart.proto.alt, (page.url_path, point)


def test_every_unverified_figure_is_marked_wherever_it_is_charted(rendered, published):
    """Over all pages: each curated figure marked unverified in facts.csv and charted on some page is
    drawn with the mark there, and nowhere without it."""
    facts = published("pub_facts")
    unverified = facts[facts["verification"] == "unverified"]
    assert len(unverified) >= 5
    seen = {}
    for page in (p for p in PAGES if p.charts):
        for chart in rendered(page.file, "en").get("plotly_chart"):
            for point in points(chart):
                seen.setdefault(point["value"], []).append(point)
    charted = [v for v in unverified["value"] if v in seen]
    # The Poland page and the Overview chart the press-reported stocks, PBH and humanitarian visas.
    assert len(charted) >= 4, f"expected the unverified stocks and visa totals on a chart; found {charted}"
    for value in charted:
        assert any(p["marked"] for p in seen[value]), f"{value} is charted but never marked"


@pytest.mark.parametrize("lang", english_and("lt"))
def test_the_mark_is_explained_in_the_readers_language(rendered, lang):
    at = rendered("pages/overview.py", lang)
    charts = [c for c in at.get("plotly_chart") if any(p["marked"] for p in points(c))]
    assert charts, "the overview's stock chart includes an unverified Polish stock"
    for chart in charts:
        assert i18n.t("common.unverified_legend", lang) in legend_names(chart)
        assert i18n.t("common.unverified_note", lang, items="").rstrip(".") in chart.proto.alt


# ------------------------------------------------------------------ dates
MONTH = {"en": "November 2022", "pl": "listopad 2022", "lt": "2022 m. lapkričio mėn.", "be": "лістапад 2022"}
DAY = {"en": "1 November 2022", "pl": "1 listopada 2022", "lt": "2022 m. lapkričio 1 d.", "be": "1 лістапада 2022"}


@pytest.mark.parametrize("lang", english_and("be"))
def test_a_month_precise_figure_prints_as_its_month_on_the_page(rendered, published, lang):
    """Lithuania's 'as of November 2022' stock (day not given, the 1st filled in) reads as the month
    in its hover, the alt text and the chart data; never as 1 November 2022."""
    facts = published("pub_facts").set_index("fact_id")
    assert facts.at["LT_STOCK_BY_202211", "period_end_precision"] == "month"
    value = formatting.number(facts.at["LT_STOCK_BY_202211", "value"], i18n.babel_locale(lang))
    at = rendered("pages/lithuania.py", lang)
    texts = []
    for chart in at.get("plotly_chart"):
        texts += [p["hover"] for p in points(chart) if value in p["hover"]]
    for table in at.dataframe:
        texts += [" ".join(map(str, row)) for row in table.value.itertuples(index=False)
                  if any(value == str(v).split(" ")[0] or value in str(v) for v in row)]
    assert texts, "the November 2022 stock is on the Lithuania page"
    assert any(MONTH[lang] in text for text in texts)
    assert not [text for text in texts if DAY[lang] in text]


def test_an_event_dated_to_the_month_prints_as_its_month(rendered):
    at = rendered("pages/lithuania.py", "en")
    hovers = [h for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]
              for h in (trace.get("hovertext") or []) if isinstance(h, str) and "Seimas approves amendments" in h]
    assert hovers, "the April 2024 amendment is marked on the holders chart"
    assert all(h.startswith("<b>April 2024</b>") for h in hovers)


@pytest.mark.parametrize("lang", english_and("pl"))
def test_data_as_of_is_the_newest_figure_and_the_build_date_is_shown_apart(rendered, published, app_data, lang):
    at = rendered("pages/overview.py", lang)
    series = published("pub_series")
    newest = series["period_end"].max()
    precision = min(series.loc[series["period_end"] == newest, "period_end_precision"],
                    key=formatting.PRECISIONS.index)
    locale = i18n.babel_locale(lang)
    expected = i18n.t("common.data_as_of", lang, date=formatting.date(newest, locale, precision))
    sidebar = [m.value for m in at.sidebar.get("markdown")] + [c.value for c in at.sidebar.get("caption")]
    assert any(expected in text for text in sidebar), sidebar
    _, manifest = app_data
    built = formatting.date(manifest["built_at"][:10], locale)
    assert i18n.t("common.built_on", lang, date=built) in sidebar
    if pd.Timestamp(manifest["built_at"][:10]) != newest:
        assert not [text for text in sidebar if "badge" in text and built in text], "the badge dates the data"
