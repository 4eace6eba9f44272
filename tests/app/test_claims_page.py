"""The claims page: a card per claim of claims.csv, each with the verdict computed in the ETL."""
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import chart_card, i18n
from etl.paths import REPO_ROOT


def run_claims(lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/claims.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_claim_has_a_card_with_its_computed_verdict(published, lang):
    claims, verdicts = published("pub_claims"), published("pub_claim_verdicts")
    at = run_claims(lang)
    markdown = [m.value for m in at.markdown]
    headings = [m for m in markdown if m.startswith("### C") and len(m) <= 7]
    assert [h[4:] for h in headings] == claims["claim_id"].tolist()
    for claim_id, verdict in zip(verdicts["claim_id"], verdicts["verdict"]):
        label = i18n.t(f"claims.verdict_{verdict}", lang=lang)
        assert sum(label in m for m in markdown) >= 1, (claim_id, label)
    for quote in claims["quote"]:
        assert f"> “{chart_card.md(quote)}”" in markdown  # quotes stay in the original English


def test_explanations_carry_the_published_figures(published):
    figures = published("pub_claim_figures")
    at = run_claims("en")
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    growth = figures[(figures["claim_id"] == "C01") & (figures["figure"] == "documents_growth")]["value"].item()
    assert f"{growth:,.0f}" in text
    latest = figures[(figures["claim_id"] == "C05") & (figures["figure"] == "documents")]["value"].item()
    assert f"{latest:,.0f}" in text


def test_a_claim_chart_downloads_exactly_its_figures(published):
    at = run_claims("en")
    figures = published("pub_claim_figures")
    c04 = figures[(figures["claim_id"] == "C04") & (figures["role"] == "figure")]
    # The card's data table as the reader reads it: each figure with its unit, each date spelled out.
    from app import formatting
    tables = [df.value for df in at.dataframe]
    expected = sorted(formatting.value_with_unit(v, u) for v, u in zip(c04["value"], c04["unit"]))
    plotted = [t for t in tables if "Figure" in t.columns and "Series" in t.columns
               and sorted(t["Figure"]) == expected]
    assert plotted, "no chart data table holds exactly C04's figures"
    assert sorted(plotted[0]["Date or period"]) == sorted(formatting.date(d) for d in c04["period_end"])
