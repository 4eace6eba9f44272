"""The published series and the indicator metadata that captions them must agree: a row of a kind,
unit or source its indicator's file does not describe stops the build, naming what differs."""
import pandas as pd
import pytest

from etl import metadata


@pytest.fixture(scope="module")
def series(built) -> pd.DataFrame:
    paths, manifest = built
    return pd.read_parquet(paths.root / manifest["tables"]["pub_series"]["path"])


@pytest.fixture(scope="module")
def indicators() -> dict[str, dict]:
    return metadata.load_indicators()


def test_the_published_series_matches_its_metadata(series, indicators):
    metadata.check_series(series, indicators)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("kind", "flow", r"rows are \['flow', 'stock'\], metadata says stock"),
    ("unit", "percent", r"rows in \['percent', 'persons'\], metadata allows"),
    ("source_id", "press", r"rows from \['press', 'unhcr'\], metadata names"),
    ("indicator", "unhcr_undescribed_stock", r"unhcr_undescribed_stock: no metadata file"),
])
def test_one_row_unlike_its_metadata_stops_the_build(series, indicators, column, value, message):
    changed = series.copy()
    first = changed.index[changed["indicator"] == "unhcr_refugees_stock"][0]
    changed.loc[first, column] = value
    with pytest.raises(metadata.MetadataError, match=message):
        metadata.check_series(changed, indicators)
