"""The Overview's promises: its opening sentence is computed from the published estimates (range
and who says what, each linked), every headline figure is linked to its source with title, date
and host, and a headline trend never drops one side of a disagreement without saying so."""
from __future__ import annotations

import base64
import html
import re
from urllib.parse import urlsplit

import pandas as pd
import pytest
from babel.numbers import format_decimal

from app import i18n
from tests.app.i18n_checks import TRANSLATED, english_and, english_fragments, page_in
from tests.page_registry import DASHBOARD

LINK = re.compile(r"\[((?:[^\]\\]|\\.)+)\]\(<(https?://[^>]+)>\) \(((?:[^()\\]|\\.)+)\)")
UNESCAPE = re.compile(r"\\(.)")
SINCE = pd.Timestamp("2019-01-01")


def plain(text: str) -> str:
    return UNESCAPE.sub(r"\1", text)


def number(value: float, lang: str) -> str:
    return format_decimal(value, format="#,##0", locale=i18n.BABEL_LOCALE[lang])


def host_of(url: str) -> str:
    return urlsplit(url).hostname.removeprefix("www.")


def overview(lang: str):
    from streamlit.testing.v1 import AppTest
    i18n.set_language(lang)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# ------------------------------------------------------------------ the opening sentence
@pytest.mark.parametrize("lang", english_and("be"))
def test_opening_sentence_is_the_range_of_the_published_estimates_with_every_source_linked(published, lang):
    estimates = published("pub_estimates")
    at = overview(lang)
    text = at.markdown[0].value
    # Recomputed here from the published table: lowest stated figure to highest.
    ends = pd.concat([estimates["low"], estimates["high"]]).dropna()
    low, high = number(ends.min(), lang), number(ends.max(), lang)
    assert (low, high) == (number(200_000, lang), number(600_000, lang))
    sentence = plain(text)
    opening_words = i18n.t("overview.intro_estimates", lang, count=len(estimates), low=low, high=high,
                           estimates="\0").split("\0")[0]
    assert sentence.startswith(opening_words), sentence[:200]
    # Who says what: every estimate's figure, who it counts, its publisher linked, with host and date.
    links = {url: (plain(name), plain(details)) for name, url, details in LINK.findall(text)}
    assert set(links) == set(estimates["source_url"])
    for row in estimates.itertuples():
        name, details = links[row.source_url]
        assert name == row.publisher
        assert details.split(", ")[0] == host_of(row.source_url)
        stated = [number(v, lang) for v in (row.low, row.high) if pd.notna(v)]
        figure = i18n.t(f"common.estimate_{row.bound}", lang, low=stated[0], high=stated[-1])
        who = i18n.t(f"common.counted_{row.counted}", lang)
        if row.destinations == "including_russia":
            who = i18n.t("common.counted_with_russia", lang, who=who)
        item = i18n.t("overview.estimate_item", lang, figure=figure, who=who, source="\0").split("\0")[0]
        assert item in sentence, item
    assert sentence.endswith(i18n.t("overview.intro_rest", lang))
    assert "well over" not in sentence and "znacznie ponad" not in sentence  # the old, unsourced wording


def test_the_upper_ends_are_in_the_sentence_and_russia_is_named(published):
    text = plain(overview("en").markdown[0].value)
    assert "300,000 to 500,000 forced to flee" in text
    assert "500,000 to 600,000 who left, Russia included" in text
    assert "up to 200,000" in text and "over 200,000" in text


@pytest.mark.parametrize("lang", TRANSLATED)
def test_overview_shows_no_english_catalogue_text(lang):
    at = page_in("pages/overview.py", lang)
    texts = [plain(e.value) for e in at.markdown] + [plain(c.value) for c in at.caption]
    texts += [plain(m.proto.help) for m in at.metric] + [m.label for m in at.metric]
    page = "\n".join(texts)
    leftovers = sorted(f for f in english_fragments(("overview",), lang) if f in page)
    assert leftovers == []


# ------------------------------------------------------------------ headlines
def test_every_headline_names_its_source_title_date_and_a_link_with_its_host(published):
    at = overview("en")
    assert len(at.metric) == 5
    captions = [c.value for c in at.caption if ".** Source: " in c.value]
    assert len(captions) == len(at.metric)
    facts = published("pub_facts")
    sources = published("pub_sources")
    titles = set(facts["source_title"]) | set(sources["title"])
    for caption in captions:
        found = LINK.findall(caption)
        assert len(found) == 1, caption
        title, url, details = found[0]
        assert plain(title) in titles, caption
        host, *date = plain(details).split(", ")
        assert host == host_of(url)
        assert date and date[0], f"no publication date: {caption}"
    # The Lithuania headline rests on the publisher's own page, not a mirror.
    lithuania = next(c for c in captions if "Belarusians with a valid residence permit" in c)
    assert "(pozirk\\.online, " in lithuania


def test_every_other_source_beside_a_headline_is_linked_too(published):
    at = overview("en")
    others = [c.value for c in at.caption if c.value.startswith("Another source:")]
    assert others
    urls = set(published("pub_facts")["source_url"])
    for caption in others:
        (_, url, details), = LINK.findall(caption)
        assert url in urls and plain(details).split(", ")[0] == host_of(url)


def sparklines(at) -> dict[str, tuple[int, str]]:
    """Each headline's trend image (headline_row.sparkline): its label, the points drawn, its alt text."""
    found = {}
    for element in at.html:
        match = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"', element.value)
        if match:
            svg = base64.b64decode(match.group(1)).decode()
            alt = html.unescape(match.group(2))
            label = re.match(r"Small line chart of “(.+?)”\.", alt).group(1)
            found[label] = (len(re.search(r'points="([^"]*)"', svg).group(1).split()), alt)
    return found


def test_a_headline_trend_says_which_of_two_disagreeing_figures_it_draws(published):
    series, facts = published("pub_series"), published("pub_facts")
    at = overview("en")
    helps = {m.label: plain(m.proto.help) for m in at.metric}
    trends = sparklines(at)
    cases = {
        "In Poland": series[series["indicator"].isin(["udsc_residence_documents_stock",
                                                      "pl_residence_document_holders_stock"])
                            & (series["destination"] == "POL") & (series["origin"] == "BLR")
                            & (series["category"] == "total") & (series["period_end"] >= SINCE)],
        "Judged a threat by Lithuania": series[(series["indicator"] == "lt_security_threat_flow")
                                               & (series["destination"] == "LTU") & (series["origin"] == "BLR")],
    }
    publishers = facts.set_index("fact_id")["publisher"]
    for label, rows in cases.items():
        shared = rows.groupby("period_end").filter(lambda g: g["value"].nunique() > 1)
        assert not shared.empty, f"{label}: the data no longer hold a disagreement on one date"
        ordered = shared.sort_values(["period_end", "fact_id"])
        drawn, other = ordered.iloc[0], ordered.iloc[1]
        assert f"draws {drawn['value']:,.0f} ({publishers[drawn['fact_id']]}), not {other['value']:,.0f} " \
               f"({publishers[other['fact_id']]})" in helps[label], helps[label]
        assert str(rows["period_end"].min().year) in helps[label]  # the span is the data's, not a typed year
        # one point per date, as the help says; its text alternative carries the help's trend text
        points, alt = trends[label]
        assert points == rows["period_end"].nunique(), label
        assert f"draws {drawn['value']:,.0f}" in alt, alt
    assert "since 2019" not in " ".join(helps.values())


@pytest.mark.parametrize(("lang", "rows", "start"), [
    ("en", 4, "How many people have left Belarus since 2020? The 4 published estimates gathered here range"), ("en", 1, "The one published estimate"),
    ("pl", 4, "Według 4 opublikowanych szacunków"), ("pl", 1, "Jedyny opublikowany szacunek"),
    ("lt", 2, "Pagal 2 paskelbtus vertinimus"), ("be", 2, "Паводле 2 апублікаваных ацэнак"),
])
def test_the_sentence_counts_the_estimates_in_the_languages_plural_form(published, lang, rows, start):
    from app import estimates
    i18n.set_language(lang)
    text = plain(estimates.sentence(published("pub_estimates").head(rows)))
    assert text.startswith(start), text[:80]  # one estimate is quoted, not called a range
