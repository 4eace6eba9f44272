import pandas as pd
import pytest

from etl import schemas


def series(**overrides) -> pd.DataFrame:
    row = {"indicator": "unhcr_refugees_stock", "source_id": "unhcr", "origin": "BLR", "destination": "POL",
           "category": "total", "period_start": pd.Timestamp("2024-12-31"), "period_end": pd.Timestamp("2024-12-31"),
           "period_start_precision": "day", "period_end_precision": "day", "value": 10035.0, "unit": "persons", "kind": "stock", "flag": None, "fact_id": None,
           "conflict_group": None, "verification": None}
    row.update(overrides)
    return pd.DataFrame([row])


DECLARED = {"unhcr_refugees_stock": "stock", "eurostat_first_permits_flow": "flow"}


def check(frame):
    return schemas.validate(frame, schemas.series_schema(DECLARED), schemas.SERIES_KEY)


def test_a_good_frame_passes_and_is_typed():
    out = check(series())
    assert out["period_end"].dtype == "datetime64[ns]"
    assert out["value"].dtype == "float64"


def test_negative_value_is_rejected_and_the_row_named():
    with pytest.raises(schemas.SchemaViolation, match=r"value: check 'greater_than_or_equal_to\(0\)' failed on -5.0 at row 0 \(indicator=unhcr_refugees_stock"):
        check(series(value=-5.0))


def test_duplicate_key_is_rejected():
    frame = pd.concat([series(), series(value=1.0)], ignore_index=True)
    with pytest.raises(schemas.SchemaViolation, match="uniqueness.* at row 1"):
        check(frame)


def test_unknown_country_code_is_rejected():
    with pytest.raises(schemas.SchemaViolation, match="destination: check 'unknown country code' failed on 'XYZ'"):
        check(series(destination="XYZ"))


def test_a_stock_summed_with_a_flow_is_rejected():
    # What adding a flow to a stock produces: one indicator whose rows are of both kinds.
    stock = series()
    flow = series(kind="flow", period_start=pd.Timestamp("2024-01-01"), value=500.0)
    with pytest.raises(schemas.SchemaViolation, match="mixes kinds"):
        check(pd.concat([stock, flow], ignore_index=True))


def test_kind_must_match_the_metadata():
    with pytest.raises(schemas.SchemaViolation, match="disagrees with its metadata"):
        check(series(indicator="eurostat_first_permits_flow", source_id="eurostat"))


def test_a_stock_spans_one_date_only():
    with pytest.raises(schemas.SchemaViolation, match="a stock is a count on one date"):
        check(series(period_start=pd.Timestamp("2024-01-01")))


def test_ratio_units_and_kinds_go_together():
    with pytest.raises(schemas.SchemaViolation, match="ratios"):
        check(series(unit="percent", value=50.0))


def test_unknown_column_is_rejected():
    with pytest.raises(schemas.SchemaViolation, match="column_in_schema"):
        check(series().assign(extra=1))


def estimate(**overrides) -> pd.DataFrame:
    row = {"estimate_id": "pace_2023", "fact_id": "SURV_PACE_LOW", "publisher": "PACE", "source_title": "Doc. 15783",
           "source_url": "https://pace.coe.int/en/files/31822/html", "published": "2023-06-05",
           "period_start": pd.Timestamp("2020-08-09"), "period_end": pd.Timestamp("2023-06-05"),
           "low": 300_000.0, "high": 500_000.0, "unit": "persons", "bound": "range", "counted": "forced_to_flee",
           "destinations": "not_stated", "stated_as": "Range 300,000-500,000", "verification": "verified"}
    row.update(overrides)
    return pd.DataFrame([row])


def test_an_estimate_has_the_ends_its_bound_promises():
    schemas.validate(estimate(), schemas.ESTIMATES_SCHEMA)
    schemas.validate(estimate(bound="upper_bound", low=None), schemas.ESTIMATES_SCHEMA)
    with pytest.raises(schemas.SchemaViolation, match="low end is below its high end"):
        schemas.validate(estimate(low=500_000.0, high=300_000.0), schemas.ESTIMATES_SCHEMA)
    with pytest.raises(schemas.SchemaViolation, match="has a high end unless it is a lower bound"):
        schemas.validate(estimate(high=None), schemas.ESTIMATES_SCHEMA)
    with pytest.raises(schemas.SchemaViolation, match="has a low end unless it is an upper bound"):
        schemas.validate(estimate(bound="upper_bound"), schemas.ESTIMATES_SCHEMA)
