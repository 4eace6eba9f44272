import json

import pytest

from etl import jsonstat
from etl.paths import REPO_ROOT


def cube(values, status=None, times=("2019", "2020")):
    """A 2 (geo) x 2 (time) JSON-stat dataset with geo as the slower dimension."""
    return {
        "version": "2.0", "class": "dataset", "id": ["geo", "time"], "size": [2, len(times)],
        "dimension": {"geo": {"category": {"index": {"PL": 0, "LT": 1}}},
                      "time": {"category": {"index": {t: i for i, t in enumerate(times)}}}},
        "value": values, "status": status or {},
    }


def test_sparse_cells_are_absent_not_zero_and_order_is_row_major():
    frame = jsonstat.parse(cube({"0": 10, "3": 40}, {"3": "p"}))
    assert frame[["geo", "time", "value"]].values.tolist() == [["PL", "2019", 10], ["LT", "2020", 40]]
    assert frame["flag"].isna().tolist() == [True, False] and frame["flag"].iloc[1] == "p"


def test_unknown_flag_fails_loudly():
    with pytest.raises(jsonstat.JsonStatError, match=r"unknown observation flag\(s\) \['q'\]"):
        jsonstat.parse(cube({"0": 1}, {"0": "q"}))


def test_old_quarter_code_is_refused():
    with pytest.raises(jsonstat.JsonStatError, match="2015Q4"):
        jsonstat.parse(cube({"0": 1}, times=("2015Q4", "2016")))


def test_size_must_match_categories():
    doc = cube({"0": 1})
    doc["size"] = [3, 2]
    with pytest.raises(jsonstat.JsonStatError, match="size"):
        jsonstat.parse(doc)


def test_real_eurostat_response_matches_published_sanity_values():
    path = REPO_ROOT / "data/raw/eurostat/2026-07-09/migr_resvalid_BY.json"
    frame = jsonstat.parse(json.loads(path.read_text()))
    value = frame.set_index(["geo", "time"])["value"]
    assert value[("PL", "2022")] == 301_611
    assert value[("LT", "2024")] == 58_632
    assert value[("EU27_2020", "2023")] == 446_480
