"""Claim verdicts are computed from the published data: pinned here so none changes silently."""
import pandas as pd
import pytest

from etl.steps import pub_claim_checks

# Reviewed by hand against the figures; a data refresh that moves a verdict fails this test,
# and the reviewer updates it (and the explanation in the app's catalogues) deliberately.
EXPECTED = {
    "C01": "partly_supported", "C02": "not_checkable", "C03": "partly_supported", "C04": "supported",
    "C05": "partly_supported", "C06": "partly_supported", "C07": "supported", "C08": "supported",
    "C09": "supported", "C10": "supported", "C11": "supported", "C12": "supported",
}


@pytest.fixture(scope="module")
def published(built):
    paths, manifest = built
    read = lambda name: pd.read_parquet(paths.root / manifest["tables"][name]["path"])  # noqa: E731
    return read("pub_series"), read("pub_events"), read("pub_claims"), read("pub_claim_verdicts"), read("pub_claim_figures")


def test_every_claim_has_a_verdict_and_they_are_as_reviewed(published):
    _, _, claims, verdicts, _ = published
    assert set(verdicts["claim_id"]) == set(claims["claim_id"])
    assert dict(zip(verdicts["claim_id"], verdicts["verdict"])) == EXPECTED


def test_figures_come_from_the_published_series(published):
    series, _, _, _, figures = published
    selected = figures[figures["role"] == "figure"]
    merged = selected.merge(series, on=["indicator", "destination", "period_end", "value"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    c04 = figures[(figures["claim_id"] == "C04") & (figures["figure"] == "baseline")]
    assert sorted(c04["fact_id"]) == ["PL_STOCK_BY_20200101a", "PL_STOCK_BY_20200101b"]  # both sides of the conflict


def test_changing_a_value_changes_the_verdict(published):
    series, events, claims, _, _ = published
    rules = pub_claim_checks.load_rules()
    # Poland's latest residence-document count falls below three times the 2020 baselines.
    changed = series.copy()
    latest = (changed["indicator"] == "udsc_residence_documents_stock") & (changed["category"] == "total")
    changed.loc[latest, "value"] = 80_000
    verdicts, figures = pub_claim_checks.build(changed, events, claims, rules)
    verdict = dict(zip(verdicts["claim_id"], verdicts["verdict"]))
    assert verdict["C04"] == "partly_supported"  # Eurostat's broader count still quadrupled
    growth = figures[(figures["claim_id"] == "C04") & (figures["figure"] == "growth")]["value"]
    assert sorted(round(v, 3) for v in growth) == [round(80_000 / 28_745, 3), round(80_000 / 25_600, 3)]


def test_a_missing_event_makes_an_event_claim_partly_supported(published):
    series, events, claims, _, _ = published
    fewer = events[events["date"] != pd.Timestamp("2024-02-27")]
    verdicts, _ = pub_claim_checks.build(series, fewer, claims, pub_claim_checks.load_rules())
    assert dict(zip(verdicts["claim_id"], verdicts["verdict"]))["C10"] == "partly_supported"


def test_adding_unlike_figures_is_refused(published):
    series, events, claims, _, _ = published
    rules = pub_claim_checks.load_rules()
    rules["C08"]["derived"] = {"total": {"op": "sum", "of": ["permits_cancelled", "visas_refused"]}}
    rules["C08"]["rule"] = {"type": "at_least", "narrow": "total", "broad": "total", "threshold": 200}
    with pytest.raises(pub_claim_checks.ClaimRuleError, match="refusing to sum"):
        pub_claim_checks.build(series, events, claims, rules)


def test_a_claim_without_a_rule_stops_the_build(published):
    series, events, claims, _, _ = published
    rules = pub_claim_checks.load_rules()
    del rules["C05"]
    with pytest.raises(pub_claim_checks.ClaimRuleError, match="C05"):
        pub_claim_checks.build(series, events, claims, rules)


def test_a_vanished_figure_makes_the_claim_not_checkable_instead_of_failing(published):
    series, events, claims, _, _ = published
    without_poland = series[~((series["indicator"] == "eurostat_valid_permits_stock") & (series["destination"] == "POL"))]
    verdicts, figures = pub_claim_checks.build(without_poland, events, claims, pub_claim_checks.load_rules())
    verdict = dict(zip(verdicts["claim_id"], verdicts["verdict"]))
    assert verdict["C04"] == verdict["C05"] == "not_checkable"
    assert verdict["C07"] == "supported"
    assert set(figures.loc[figures["role"] == "missing", "figure"]) >= {"eurostat_2020", "eurostat_peak"}
