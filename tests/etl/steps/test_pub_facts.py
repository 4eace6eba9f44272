import pandas as pd
import pytest

from etl.steps import clean_curated, pub_facts
from tests.snapshots import newest_snapshot

T = pd.Timestamp


@pytest.mark.parametrize("start,end,unit,kind", [
    ("2023-08-04", "2023-08-04", "persons", "stock"),
    ("2024-01-01", "2024-12-31", "persons", "flow"),
    ("2023-07-01", "2023-09-30", "visas", "flow"),
    ("2025-01-01", "2025-09-30", "applications", "flow"),
    ("2022-11-30", "2023-08-04", "persons", "cumulative"),
    ("2020-06-01", "2021-07-31", "visas", "cumulative"),
    ("2020-08-09", "2023-12-31", "share", "ratio"),
])
def test_kind_follows_the_period(start, end, unit, kind):
    assert pub_facts.kind_for(T(start), T(end), unit) == kind


def facts():
    raw = clean_curated.read(newest_snapshot("curated") / "facts.csv")
    return pub_facts.build(clean_curated.clean_facts(raw))


def test_every_conflict_row_is_grouped_with_a_row_that_disagrees():
    built = facts()
    marked = built[built["note"].fillna("").str.contains("CONFLICT")]
    assert len(marked) >= 10
    for row in marked.itertuples():
        group = built[built["conflict_group"] == row.conflict_group]
        assert len(group) >= 2, row.fact_id
        assert group["value"].nunique() >= 2, row.fact_id


def test_known_pairs_share_a_group_and_unrelated_rows_do_not():
    group = facts().set_index("fact_id")["conflict_group"]
    assert group["PL_STOCK_BY_20200101a"] == group["PL_STOCK_BY_20200101b"]
    assert group["LT_THREAT_BY_2025a"] == group["LT_THREAT_BY_2025b"]  # same slot, different value
    assert group["PL_PBH_UDSC_3Y"] == group["PL_PBH_CUM_20230930_BY"] == group["PL_PBH_SEJM_BY_2020_2023"]
    assert group["LT_TRP_REFUSED_BY_2024a"] != group["LT_TRP_NOTRENEWED_BY_2024a"]
    assert pd.isna(group["LT_STOCK_BY_20260101"])
    assert pd.isna(group["SURV_ECFR_PROTECTION"])  # two different motives are not a conflict


def test_an_unknown_metric_prefix_is_refused():
    with pytest.raises(ValueError, match="metric_id 'XX_NEW_1'; add its prefix to etl/metadata/metric_prefixes.yml"):
        pub_facts.stem_for("XX_NEW_1")
