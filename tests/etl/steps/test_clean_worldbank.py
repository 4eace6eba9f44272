import pandas as pd
import pytest

from etl import schemas
from etl.paths import REPO_ROOT
from etl.steps import clean_worldbank

RAW = REPO_ROOT / "data/raw/worldbank/2026-11-29/world_bank_population.csv"


def read() -> pd.DataFrame:
    return pd.read_csv(RAW, dtype=str, keep_default_na=False)


def test_only_countries_are_kept_kosovo_included_aggregates_never():
    clean = clean_worldbank.clean(read())
    codes = set(clean["iso3"])
    # World Bank aggregates (EU, world, Europe & Central Asia, high income, euro area) and the
    # Channel Islands (a group of two ISO territories) are not countries.
    assert not codes & {"EUU", "WLD", "ECS", "HIC", "EMU", "CHI"}
    assert {"XKX", "POL", "LTU", "DEU"} <= codes
    assert len(codes) == 216  # 265 codes in the file, 49 aggregates and CHI dropped


def test_values_are_typed_and_equal_the_raw_file():
    clean = clean_worldbank.clean(read())
    assert clean["year"].dtype == "int64" and clean["population"].dtype == "int64"
    row = clean[(clean.iso3 == "POL") & (clean.year == 2024)]
    assert row["population"].item() == 36_559_233  # raw line "Poland,POL,2024,36559233"
    row = clean[(clean.iso3 == "XKX") & (clean.year == 2024)]
    assert row["population"].item() == 1_594_353  # raw line "Kosovo,XKX,2024,1594353"
    assert clean["year"].max() == 2024


@pytest.mark.parametrize("value", ["", "12.5", "n/a"])
def test_a_blank_or_non_integer_population_stops_the_build(value):
    raw = read()
    raw.loc[raw.index[0], "Value"] = value
    with pytest.raises(ValueError, match="column population has non-integer value"):
        clean_worldbank.clean(raw)


def test_the_published_schema_refuses_an_aggregate_as_a_country():
    frame = pd.DataFrame({"iso3": ["POL", "EUU"], "year": [2024, 2024], "population": [36_559_233, 449_000_000],
                          "source_id": ["worldbank", "worldbank"]})
    with pytest.raises(schemas.SchemaViolation, match="not a country code"):
        schemas.validate(frame, schemas.POPULATION_SCHEMA, ["iso3", "year"])
