"""Date precision: declared in etl/metadata/date_precision.yml, checked against the raw notes it
quotes, joined into pub_facts, pub_series and pub_events."""
import pandas as pd
import pytest

from etl import precision
from etl.paths import REPO_ROOT
from etl.steps import clean_curated, pub_facts

T = pd.Timestamp
CURATED = sorted((REPO_ROOT / "data/raw/curated").iterdir())[-1]


def facts_frame() -> pd.DataFrame:
    return clean_curated.clean_facts(clean_curated.read(CURATED / "facts.csv"))


def events_frame() -> pd.DataFrame:
    events = clean_curated.clean_events(clean_curated.read(CURATED / "events.csv"))
    return events.sort_values(["date", "country"]).reset_index(drop=True)


def test_every_declared_reason_is_quoted_from_its_raw_note():
    spec = precision.load()
    notes = facts_frame().set_index("fact_id")["note"]
    for fact_id, entry in spec["facts"].items():
        assert entry["reason"] in notes[entry.get("reason_in", fact_id)], fact_id
    events = events_frame()
    texts = dict(zip(precision.event_keys(events), events["event"]))
    for key, entry in spec["events"].items():
        assert entry["reason"] in texts[key], key


def test_a_note_that_says_the_day_was_filled_in_has_a_coarser_precision():
    """Every raw note that says a day was not given or was approximated is declared."""
    built = pub_facts.build(facts_frame()).set_index("fact_id")
    said = built["note"].fillna("").str.contains(r"day not given|day approximated|month only|1st used|30 Jun used"
                                                 r"|exact date not seen|start approximate", regex=True)
    coarse = (built["period_start_precision"] != "day") | (built["period_end_precision"] != "day")
    assert said.sum() >= 7
    assert not (said & ~coarse).any(), list(built.index[said & ~coarse])


def test_precision_columns_in_pub_facts():
    built = pub_facts.build(facts_frame()).set_index("fact_id")
    assert built.at["LT_STOCK_BY_202211", "period_end_precision"] == "month"
    assert built.at["LT_THREAT_BY_Q1", "period_start_precision"] == "month"
    assert built.at["LT_THREAT_BY_Q1", "period_end_precision"] == "day"
    assert built.at["SURV_ECFR_FLED", "period_end_precision"] == "year"
    assert built.at["LT_STOCK_BY_20260101", "period_end_precision"] == "day"
    assert set(built["period_start_precision"]) | set(built["period_end_precision"]) <= set(precision.PRECISIONS)


def test_a_reason_not_in_the_note_stops_the_build():
    spec = {"facts": {"LT_STOCK_BY_202211": {"period_end": "month", "reason": "words nobody wrote"}}, "events": {}}
    with pytest.raises(precision.PrecisionError, match="is not in the note of LT_STOCK_BY_202211"):
        precision.fact_precision(facts_frame(), spec)


def test_a_reason_quoted_from_another_row_must_be_in_that_row():
    spec = {"facts": {"LT_THREAT_BYRU_Q1": {"period_start": "month", "reason": "start day approximated",
                                            "reason_in": "LT_THREAT_BYRU_Q1"}}, "events": {}}
    with pytest.raises(precision.PrecisionError, match="not in the note"):
        precision.fact_precision(facts_frame(), spec)


@pytest.mark.parametrize("entry,message", [
    ({"period_end": "week", "reason": "day not given"}, "is not one of"),
    ({"reason": "day not given"}, "declares no precision"),
    ({"period_end": "month"}, "needs its reason"),
])
def test_a_malformed_entry_stops_the_build(entry, message):
    with pytest.raises(precision.PrecisionError, match=message):
        precision.fact_precision(facts_frame(), {"facts": {"LT_STOCK_BY_202211": entry}, "events": {}})


def test_an_unknown_row_stops_the_build():
    with pytest.raises(precision.PrecisionError, match="no such metric_id"):
        precision.fact_precision(facts_frame(), {"facts": {"XX_GONE": {"period_end": "month", "reason": "x"}},
                                                 "events": {}})
    with pytest.raises(precision.PrecisionError, match="no event with that date"):
        precision.event_precision(events_frame(), {"facts": {}, "events": {"1999-01-01_POL": {
            "date": "month", "reason": "x"}}})


def test_event_precision_follows_the_declared_keys():
    events = events_frame()
    found = precision.event_precision(events)
    keyed = dict(zip(precision.event_keys(events), found))
    assert keyed["2023-09-07_BLR"] == "month"
    assert keyed["2024-04-25_LTU"] == "month"
    assert keyed["2023-09-04_BLR"] == "day"
    assert (found == "day").sum() == len(events) - 2


def test_the_release_carries_precision(built):
    paths, manifest = built

    def read(name):
        return pd.read_parquet(paths.root / manifest["tables"][name]["path"])
    series, events = read("pub_series"), read("pub_events")
    official = series[series["source_id"] != "curated"]
    assert set(official["period_start_precision"]) == set(official["period_end_precision"]) == {"day"}
    row = series[series["fact_id"] == "LT_STOCK_BY_202211"].iloc[0]
    assert (row["period_start_precision"], row["period_end_precision"]) == ("month", "month")
    assert events.loc[events["date"] == T("2024-04-25"), "date_precision"].tolist() == ["month"]
