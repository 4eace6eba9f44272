"""pub_estimates: both ends of every published estimate of how many left, each read from the raw
facts.csv (the row's value and the words of its note), never typed without a raw source."""
from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
import yaml

from etl import pipeline
from etl.atomic import sha256_file
from etl.raw import sidecar_path
from etl.steps import clean_curated, pub_estimates, pub_facts
from tests.snapshots import newest_snapshot


def raw_rows() -> dict[str, dict]:
    """facts.csv of the snapshot the build reads, by metric_id, read with the csv module only."""
    with open(newest_snapshot("curated") / "facts.csv", encoding="utf-8", newline="") as handle:
        return {row["metric_id"]: row for row in csv.DictReader(handle)}


def facts(raw_path=None) -> pd.DataFrame:
    raw = clean_curated.read(raw_path or newest_snapshot("curated") / "facts.csv")
    return pub_facts.build(clean_curated.clean_facts(raw))


def written_numbers(text: str) -> set[float]:
    """Numbers as written in a note, by an independent reading: '300,000-500,000', '500-600k'."""
    found = set()
    for low, high, k in re.findall(r"(\d[\d,]*)\s*-\s*(\d[\d,]*)(k?)", text):
        scale = 1000 if k else 1
        found |= {float(low.replace(",", "")) * scale, float(high.replace(",", "")) * scale}
    found |= {float(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+", text)}
    return found


@pytest.fixture(scope="module")
def estimates() -> pd.DataFrame:
    return pub_estimates.build(facts(), pub_estimates.load())


def test_both_ends_of_every_range_come_from_the_raw_row_and_its_note(estimates):
    raw = raw_rows()
    assert len(estimates) == 4
    for row in estimates.itertuples():
        source = raw[row.fact_id]
        stated = written_numbers(source["note"])
        assert float(source["value"]) in (row.low, row.high), row.estimate_id  # the row's own figure is one end
        for end in (row.low, row.high):
            assert pd.isna(end) or end in stated, f"{row.estimate_id}: {end} is not written in the raw note"
        # each end carries its source: the raw row's publisher, title, link and date
        assert (row.publisher, row.source_title, row.source_url) == (
            source["source_publisher"], source["source_title"], source["source_url"])
        assert row.published == (source["published"] or None)


def test_known_ranges_are_whole():
    by_fact = pub_estimates.build(facts(), pub_estimates.load()).set_index("fact_id")
    assert (by_fact.at["SURV_PACE_LOW", "low"], by_fact.at["SURV_PACE_LOW", "high"]) == (300_000, 500_000)
    assert (by_fact.at["SURV_CNI_LEFT_LOW", "low"], by_fact.at["SURV_CNI_LEFT_LOW", "high"]) == (500_000, 600_000)
    assert by_fact.at["SURV_CNI_LEFT_LOW", "destinations"] == "including_russia"
    assert by_fact.at["SURV_ECFR_FLED", "bound"] == "lower_bound" and pd.isna(by_fact.at["SURV_ECFR_FLED", "high"])
    assert by_fact.at["SURV_OSW_EMIGR", "bound"] == "upper_bound" and pd.isna(by_fact.at["SURV_OSW_EMIGR", "low"])
    assert by_fact.at["SURV_OSW_EMIGR", "high"] == 200_000


@pytest.mark.parametrize("text,numbers", [
    ("Range 300,000-500,000", [300_000, 500_000]),
    ("Range 500-600k including Russia", [500_000, 600_000]),
    ("'Over 200,000' (lower bound)", [200_000]),
    ("about 120,000 settled in Poland, 8,000 in Germany", [120_000, 8_000]),
    ("600 thousand", [600_000]),
])
def test_stated_numbers_reads_what_is_written(text, numbers):
    assert pub_estimates.stated_numbers(text) == numbers


def tampered(fact_id: str, old: str, new: str) -> pd.DataFrame:
    frame = facts()
    index = frame.index[frame["fact_id"] == fact_id][0]
    assert old in frame.at[index, "note"]
    frame.at[index, "note"] = frame.at[index, "note"].replace(old, new)
    return frame


def test_a_high_end_the_note_does_not_state_fails():
    with pytest.raises(pub_estimates.EstimateError, match=r"pace_2023: stated_as 'Range 300,000-500,000' is not in the note"):
        pub_estimates.build(tampered("SURV_PACE_LOW", "300,000-500,000", "300,000-450,000"), pub_estimates.load())


def test_a_declared_high_end_the_words_do_not_state_fails():
    declared = pub_estimates.load()
    declared["cni_2024"]["high"] = 650_000
    with pytest.raises(pub_estimates.EstimateError, match=r"cni_2024: the high end 650000 is not stated"):
        pub_estimates.build(facts(), declared)


def test_a_changed_row_value_fails_too():
    frame = facts()
    frame.loc[frame["fact_id"] == "SURV_ECFR_FLED", "value"] = 250_000.0
    with pytest.raises(pub_estimates.EstimateError, match=r"ecfr_2023: the low end 250000 is not stated"):
        pub_estimates.build(frame, pub_estimates.load())


def test_an_undeclared_estimate_row_fails():
    declared = pub_estimates.load()
    del declared["osw_2023"]
    with pytest.raises(pub_estimates.EstimateError, match=r"\['SURV_OSW_EMIGR'\] estimate how many left but are not declared"):
        pub_estimates.build(facts(), declared)


def test_who_is_counted_must_be_in_the_raw_row():
    declared = pub_estimates.load()
    declared["ecfr_2023"]["destinations_as"] = "fled to Russia"
    with pytest.raises(pub_estimates.EstimateError, match=r"ecfr_2023: destinations_as 'fled to Russia' is not in"):
        pub_estimates.build(facts(), declared)


def test_the_build_stops_on_a_tampered_note_in_a_new_raw_snapshot(raw_copy):
    """End to end: a delivery whose note no longer states PACE's upper end does not publish."""
    folder = newest_snapshot("curated", raw_copy.raw)
    path = folder / "facts.csv"
    text = path.read_text(encoding="utf-8")
    assert "Range 300,000-500,000" in text
    path.write_text(text.replace("Range 300,000-500,000", "Range 300,000-400,000"), encoding="utf-8")
    side = sidecar_path(path)
    meta = yaml.safe_load(side.read_text(encoding="utf-8"))
    meta.update(sha256=sha256_file(path), bytes=path.stat().st_size)  # a consistent, re-recorded snapshot
    side.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    with pytest.raises(pub_estimates.EstimateError, match="pace_2023"):
        pipeline.build(raw_copy, log=lambda *_: None)
    assert not raw_copy.manifest.exists()
