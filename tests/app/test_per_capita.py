"""Per 1,000 residents (app/per_capita.py): value / population × 1,000 with the host country's
World Bank population of the same year, the latest year where that one has none (and said so),
and never for running totals, ratios or rates.

The expected numbers are written by hand from the raw files (data/raw/unhcr/2026-06-25/population.csv,
data/raw/eurostat/2026-07-09/*.json, data/raw/worldbank/2026-11-29/world_bank_population.csv), with
the arithmetic beside them, so the test does not reuse the code it checks."""
from __future__ import annotations

import pandas as pd
import pytest

from app import cards, i18n, per_capita, select
from app import views_where as where


def rows(series, indicator, destination, year):
    frame = select.rows(series, indicator, destination=destination)
    return frame[frame["period_end"].dt.year == year]


@pytest.mark.parametrize("indicator, destination, year, value, population, population_year", [
    # UNHCR population.csv "2024,Belarus,BLR,BLR,Poland,POL,POL,10035,2085,...": refugees + asylum seekers
    # = 10,035 + 2,085 = 12,120; World Bank "Poland,POL,2024,36559233".
    ("unhcr_under_mandate_stock", "POL", 2024, 12_120, 36_559_233, 2024),
    # Eurostat migr_resvalid, BY in PL on 31 Dec 2022: 301,611; World Bank "Poland,POL,2022,36821749".
    ("eurostat_valid_permits_stock", "POL", 2022, 301_611, 36_821_749, 2022),
    # Eurostat migr_resfirst, BY in LT in 2019: 7,121 (a flow); World Bank "Lithuania,LTU,2019,2811089".
    ("eurostat_first_permits_flow", "LTU", 2019, 7_121, 2_811_089, 2019),
    # UNHCR "2025,Belarus,BLR,BLR,Poland,POL,POL,11425,2883,...": 11,425 + 2,883 = 14,308. The World Bank
    # has no 2025 yet: its latest year, "Poland,POL,2024,36559233", is the denominator.
    ("unhcr_under_mandate_stock", "POL", 2025, 14_308, 36_559_233, 2024),
])
def test_per_1000_is_value_over_population_times_1000(series, published, indicator, destination, year, value,
                                                      population, population_year):
    frame = per_capita.attach(rows(series, indicator, destination, year), published("pub_population"))
    row = frame.iloc[0]
    assert len(frame) == 1 and row["value"] == value
    assert row["population"] == population and row["population_year"] == population_year
    assert row["per_1000"] == pytest.approx(value / population * 1_000)


def test_hand_computed_values_print_as_readers_see_them():
    # 12,120 / 36,559,233 × 1,000 = 0.33152…; 301,611 / 36,821,749 × 1,000 = 8.19113…;
    # 7,121 / 2,811,089 × 1,000 = 2.53318…; below 0.1 two significant digits: 868 / 36,559,233 × 1,000 = 0.023742…
    assert [per_capita.text(v) for v in (0.33152, 8.19113, 2.53318, 0.023742)] == ["0.33", "8.19", "2.53", "0.024"]
    i18n.set_language("pl")
    assert per_capita.text(8.19113) == "8,19"


def test_a_year_without_population_uses_the_latest_and_the_note_names_it(series, published):
    frame = per_capita.attach(rows(series, "unhcr_under_mandate_stock", "POL", 2025), published("pub_population"))
    assert per_capita.fallbacks(frame) == {2025: 2024}
    note = per_capita.note(frame)
    assert "2025" in note and "(2024)" in note
    assert "approximation" in note, "a 31 December stock over a mid-year population is an approximation"
    same_year = per_capita.attach(rows(series, "unhcr_under_mandate_stock", "POL", 2024), published("pub_population"))
    assert per_capita.fallbacks(same_year) == {} and "2025" not in per_capita.note(same_year)


def test_a_place_without_population_is_left_out_not_divided_by_zero(series, published):
    eu = select.rows(series, "eurostat_valid_permits_stock", destination="EU27_2020")
    assert not eu.empty
    assert per_capita.attach(eu, published("pub_population")).empty
    mixed = pd.concat([eu, rows(series, "eurostat_valid_permits_stock", "POL", 2022)])
    assert per_capita.left_out(mixed, published("pub_population")) == ["EU27_2020"]
    kept = per_capita.attach(mixed, published("pub_population"))
    assert kept["destination"].tolist() == ["POL"]
    assert "European Union" in per_capita.note(kept, [i18n.country("EU27_2020")]), "the note names what is left out"


@pytest.mark.parametrize("indicator", ["udsc_pbh_visas_cumulative", "lt_security_threat_cumulative",
                                       "unhcr_recognition_rate_ratio", "udsc_recognition_rate_ratio"])
def test_running_totals_ratios_and_rates_are_refused(series, published, indicator):
    frame = series[series["indicator"] == indicator]
    assert not frame.empty
    assert not per_capita.allowed(indicator) and per_capita.refusal(indicator)
    with pytest.raises(per_capita.PerCapitaRefused):
        per_capita.attach(frame, published("pub_population"))


def test_a_rate_in_percent_is_refused_even_if_mislabelled_a_flow(series, published):
    frame = series[series["indicator"] == "unhcr_recognition_rate_ratio"].assign(kind="flow")
    with pytest.raises(per_capita.PerCapitaRefused):
        per_capita.attach(frame, published("pub_population"))


def test_stocks_and_flows_are_offered(series):
    for indicator in ("unhcr_under_mandate_stock", "eurostat_valid_permits_stock", "eurostat_first_permits_flow"):
        assert per_capita.allowed(indicator) and per_capita.refusal(indicator) == ""


@pytest.mark.parametrize("name", ["where-map", "where-ranking"])
def test_a_card_refuses_per_capita_for_a_running_total(release, monkeypatch, name):
    """Were a running total ever offered as the map's count, the per-capita view would refuse it."""
    monkeypatch.setitem(where.MEASURES, "mandate", where.Measure("udsc_pbh_visas_cumulative", "mandate"))
    with pytest.raises(per_capita.PerCapitaRefused):
        cards.build(name, release, measure_key="mandate", year=2024, scale="per_1000")


def test_an_unknown_scale_is_an_error(release):
    with pytest.raises(ValueError, match="scale"):
        cards.build("where-ranking", release, scale="per_capita")


def test_the_per_capita_columns_are_the_denominator_and_the_figure(series, published):
    frame = per_capita.attach(rows(series, "eurostat_valid_permits_stock", "POL", 2022), published("pub_population"))
    assert set(per_capita.COLUMNS) <= set(frame.columns)
    assert pd.api.types.is_integer_dtype(frame["population"]) and pd.api.types.is_integer_dtype(frame["population_year"])
