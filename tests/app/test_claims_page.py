"""The claims page: a card per claim of claims.csv, each with the verdict computed in the ETL, the
strength of its evidence beside it, the later evidence apart, figures labelled with who they count,
explanations whose every number is a named value of the claim, and one bar per figure."""
import json
import re

import pandas as pd
import pytest

from app import chart_card, figures, formatting, i18n
from app import views_claims as claims
from tests.app.i18n_checks import MARKDOWN_ESCAPE, column_labels, english_and, page_in

LANGS = list(i18n.LANGUAGES)
_pages = {}


def claims_page(lang: str):
    """The page rendered once per language for this module (each render takes a while)."""
    if lang not in _pages:
        _pages[lang] = page_in("pages/claims.py", lang)
    i18n.set_language(lang)
    return _pages[lang]


def page_text(at) -> str:
    return MARKDOWN_ESCAPE.sub(r"\1", "\n".join(m.value for m in at.markdown))


def claim_tables(at) -> list[pd.DataFrame]:
    return [table for table in at.dataframe if i18n.t("claims.col_who") in table.value.columns]


# ------------------------------------------------------------------ cards, verdicts and evidence strength
@pytest.mark.parametrize("lang", english_and("lt"))  # the page rendered twice, not four times
def test_every_claim_has_a_card_with_its_verdict_and_evidence_strength(published, lang):
    claims_table, verdicts = published("pub_claims"), published("pub_claim_verdicts")
    at = claims_page(lang)
    markdown = [m.value for m in at.markdown]
    # level 2 under the page's title, the later evidence level 3: no heading level skipped
    headings = [m for m in markdown if m.startswith("## C") and len(m) <= 6]
    assert [h[3:] for h in headings] == claims_table["claim_id"].tolist()
    strengths = [i18n.t(f"claims.strength_{s}", lang) for s in
                 ("official_statistics", "official_reported", "checked_event", "unchecked", "none")]
    badges = [m.replace("\\", "") for m in markdown if "-badge[" in m and any(s in m.replace("\\", "") for s in strengths)]
    assert not any(":material/" in b for b in badges)  # words, not icon names a screen reader would read
    for row in verdicts.itertuples():
        verdict = i18n.t(f"claims.verdict_{row.verdict}", lang)
        strength = i18n.t(f"claims.strength_{row.evidence_strength}", lang)
        assert any(verdict in b and strength in b for b in badges), (row.claim_id, verdict, strength)
        if isinstance(row.verdict_later, str):
            later = i18n.t(f"claims.verdict_{row.verdict_later}", lang)
            later_strength = i18n.t(f"claims.strength_{row.evidence_strength_later}", lang)
            assert any(later in b and later_strength in b for b in badges), row.claim_id
    assert len(badges) == len(verdicts) + verdicts["verdict_later"].notna().sum()
    later_heading = i18n.t("claims.later_heading", lang, published="2023")
    assert sum(m == f"### {later_heading}" for m in markdown) == verdicts["verdict_later"].notna().sum()
    for quote in claims_table["quote"]:
        assert f"> “{chart_card.md(quote)}”" in markdown  # quotes stay in the original English
    text = page_text(at)
    assert i18n.t("claims.explanation_pending", lang) not in text
    assert i18n.t("claims.rules_help", lang, published="2023") in "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("lang", english_and("lt"))  # the page rendered twice, not four times
def test_each_reason_is_shown_next_to_its_verdict(published, lang):
    at = claims_page(lang)
    text = page_text(at)
    parts = published("pub_claim_parts")
    for row in parts[parts["as_of"] == "article"].itertuples():
        assert i18n.t(f"claims.reason_{row.reason}", lang) in text, (row.claim_id, row.part)
    # A claim of several parts names each part with its own verdict.
    c08 = i18n.t("claims.part_line", lang, part=i18n.t("claims.part_C08_revoked_visas", lang),
                 verdict=i18n.t("claims.verdict_not_checkable", lang),
                 reason=i18n.t("claims.reason_different_measure", lang))
    assert c08 in text


# ------------------------------------------------------------------ who is counted
@pytest.mark.parametrize("lang", english_and("lt"))  # the page rendered twice, not four times
def test_a_figure_of_belarusians_and_russians_is_labelled_so(published, lang):
    at = claims_page(lang)
    both, alone = i18n.t("claims.who_BLR_RUS", lang), i18n.t("claims.who_BLR", lang)
    figures_table = published("pub_claim_figures")
    c07 = figures_table[(figures_table["claim_id"] == "C07") & (figures_table["as_of"] == "article")
                        & (figures_table["role"] == "figure")]
    expected = {formatting.value_with_unit(v, u): claims.capitalised(both if o == "BLR+RUS" else alone)
                for v, u, o in zip(c07["value"], c07["unit"], c07["origin"])}
    assert set(expected.values()) == {claims.capitalised(both), claims.capitalised(alone)}
    tables = [t.value for t in claim_tables(at)]
    value, who = i18n.t("claims.col_value", lang), i18n.t("claims.col_who", lang)
    c07_table = [t for t in tables if set(t[value]) == set(expected)]
    assert len(c07_table) == 1
    assert dict(zip(c07_table[0][value], c07_table[0][who])) == expected
    # The chart labels each bar with who it counts.
    numbers = {formatting.number(v): o for v, o in zip(c07["value"], c07["origin"])}
    charts = [json.loads(chart.proto.spec)["data"][0] for chart in at.get("plotly_chart")]
    (bars,) = [bar for bar in charts if set(bar["text"]) == set(numbers)]
    for label, text in zip(bars["y"], bars["text"]):
        assert (both if numbers[text] == "BLR+RUS" else alone) in label, label
        if numbers[text] == "BLR":
            assert both not in label
    # And the explanation says so, from the figures' origin.
    assert both in page_text(at)


# ------------------------------------------------------------------ tables
@pytest.mark.parametrize("lang", english_and("lt"))  # the page rendered twice, not four times
def test_figure_tables_have_translated_headers_formatted_values_and_a_source_link_on_every_row(lang):
    at = claims_page(lang)
    tables = claim_tables(at)
    assert len(tables) >= 9  # one per claim with figures, and one per claim with later figures
    headers = {i18n.t(f"claims.col_{c}", lang) for c in
               ("figure", "who", "place", "value", "period", "evidence", "source", "link")}
    for table in tables:
        assert set(column_labels(table).values()) == headers
        frame = table.value
        values = frame[i18n.t("claims.col_value", lang)]
        assert all(isinstance(v, str) and not re.search(r"\d\.0\b|\d{5,}", v) for v in values), list(values)
        assert frame[i18n.t("claims.col_link", lang)].str.match(r"^https?://").all()
        assert frame[i18n.t("claims.col_source", lang)].str.len().gt(3).all()
        strengths = {i18n.t(f"claims.strength_short_{s}", lang) for s in
                     ("official_statistics", "official_reported", "unchecked")}
        assert set(frame[i18n.t("claims.col_evidence", lang)]) <= strengths


# ------------------------------------------------------------------ explanations: named values, numbers that check
def allowed_strings(rows: pd.DataFrame, thresholds) -> list[str]:
    """Every string a number in the explanation may come from: the claim's own values (figures and
    derived) and thresholds as the page formats them, and the dates of its figures."""
    found = {claims.format_value(v, u) for v, u in zip(rows["value"], rows["unit"])}
    found |= {claims.format_value(v, None) for v in thresholds}
    for column in ("period_start", "period_end"):
        for day in rows[column].dropna():
            found |= {formatting.date(day), str(day.year)}
    return sorted(found, key=len, reverse=True)


@pytest.mark.parametrize("lang", english_and("lt"))  # the page rendered twice, not four times
def test_every_number_in_every_explanation_is_a_value_of_its_claim(published, release, lang):
    i18n.set_language(lang)
    figures_table, parts = published("pub_claim_figures"), published("pub_claim_parts")
    checked = 0
    for card in claims.cards(release):
        for as_of, evidence in (("article", card.at_article), ("latest", card.later)):
            if evidence is None:
                continue
            assert evidence.explanation != i18n.t("claims.explanation_pending", lang), (card.claim_id, as_of)
            rows = figures_table[(figures_table["claim_id"] == card.claim_id) & (figures_table["as_of"] == as_of)
                                 & figures_table["role"].ne("event")]
            own_parts = parts[(parts["claim_id"] == card.claim_id) & (parts["as_of"] == as_of)]
            text = evidence.explanation
            for allowed in allowed_strings(rows, own_parts["threshold"].dropna()):
                text = text.replace(allowed, "")
            assert not re.search(r"\d", text), (card.claim_id, as_of, lang, evidence.explanation)
            checked += 1
    assert checked == 12 + 7


@pytest.mark.parametrize("lang", english_and("lt"))  # the page rendered twice, not four times
def test_each_multiple_stands_next_to_its_own_baseline(published, release, lang):
    i18n.set_language(lang)
    figures_table = published("pub_claim_figures")
    cards = {card.claim_id: card for card in claims.cards(release)}
    for as_of, evidence in (("article", cards["C04"].at_article), ("latest", cards["C04"].later)):
        rows = figures_table[(figures_table["claim_id"] == "C04") & (figures_table["as_of"] == as_of)]
        by_id = rows.set_index("value_id")
        growth = rows[rows["figure"] == "growth"]
        assert len(growth) == 2
        for row in growth.itertuples():
            baseline = dict(p.split("=") for p in row.inputs.split(";"))["baseline"]
            item = i18n.t("claims.C04_growth_each", lang, growth=claims.format_value(row.value, None),
                          baseline=claims.format_value(by_id.at[baseline, "value"], "persons"))
            assert item in evidence.explanation, (lang, as_of, item)


# ------------------------------------------------------------------ charts: one bar per figure, never stacked
def test_disagreeing_figures_stand_side_by_side_never_stacked(published):
    at = claims_page("en")
    figures_table = published("pub_claim_figures")
    baselines = figures_table[(figures_table["claim_id"] == "C04") & (figures_table["figure"] == "baseline")]
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    for spec in specs:
        assert spec["layout"].get("barmode", "group") == "group"
        for trace in spec["data"]:
            assert len(set(trace["y"])) == len(trace["y"]), trace["y"]  # one bar per row, each its own label
    shown = {formatting.number(v) for v in baselines["value"]}  # each bar's value label
    (c04,) = [s for s in specs if shown <= set(s["data"][0]["text"])]
    assert len(c04["data"]) == 1
    labels = [y for y, text in zip(c04["data"][0]["y"], c04["data"][0]["text"]) if text in shown]
    assert len(labels) == 2 and labels[0] != labels[1]  # two bars, each labelled with its own source


def test_ranked_bars_refuse_two_figures_on_one_label():
    frame = pd.DataFrame({"_label": ["Poland, 1 Jan 2020", "Poland, 1 Jan 2020"], "value": [25_600.0, 28_745.0]})
    with pytest.raises(figures.StackedConflictError):
        figures.ranked_bars(frame, "persons")
    fine = frame.assign(_label=["Poland, 1 Jan 2020 (A)", "Poland, 1 Jan 2020 (B)"])
    fig = figures.ranked_bars(fine, "persons")
    assert list(fig.data[0].x) == [25_600.0, 28_745.0] and fig.layout.barmode == "group"


def test_stacked_bars_refuse_disagreeing_figures():
    frame = pd.DataFrame({"_label": ["a", "b"], "_x": ["2020", "2020"], "value": [25_600.0, 28_745.0],
                          "conflict_group": ["G", "G"]})
    with pytest.raises(figures.StackedConflictError):
        figures.bars(frame, "persons", barmode="stack")
    assert len(figures.bars(frame, "persons").data) == 2  # side by side is fine
    parts = frame.assign(conflict_group=[None, None])
    assert len(figures.bars(parts, "persons", barmode="stack").data) == 2  # parts of one whole may stack


def test_a_claim_chart_downloads_exactly_its_figures(published):
    at = claims_page("en")
    figures_table = published("pub_claim_figures")
    c04 = figures_table[(figures_table["claim_id"] == "C04") & (figures_table["role"] == "figure")]
    shown = c04[(c04["as_of"] == "article") | (c04["period_end"] > pd.Timestamp("2023-12-31"))]
    shown = shown.drop_duplicates(["indicator", "fact_id", "period_end", "value"])
    # The card's data table as the reader reads it: each figure with its unit, each date spelled out.
    from app import formatting
    tables = [df.value for df in at.dataframe]
    expected = sorted(formatting.value_with_unit(v, u) for v, u in zip(shown["value"], shown["unit"]))
    plotted = [t for t in tables if "Figure" in t.columns and "Series" in t.columns
               and sorted(t["Figure"]) == expected]
    assert plotted, "no chart data table holds exactly C04's figures"
    assert sorted(plotted[0]["Date or period"]) == sorted(formatting.date(d) for d in shown["period_end"])
