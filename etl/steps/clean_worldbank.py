"""World Bank population (SP.POP.TOTL, mid-year totals) → one typed table of real countries.

The file mixes countries with World Bank aggregates (EUU European Union, WLD World, ECS Europe &
Central Asia, income groups, ...) under codes that look like ISO3. A code is kept only if it is
a country in the ISO 3166-1 list (pycountry) or Kosovo (XKX, the code the EU and the World Bank
use); everything else is an aggregate or a territory group (CHI Channel Islands) and is dropped,
so an aggregate can never be matched as a host country. A blank or non-integer value fails the
build rather than being guessed at.
"""
from __future__ import annotations

import pandas as pd

from etl.codes import iso3_codes

INPUTS = {"raw": {"worldbank": ["world_bank_population.csv"]}}
OUTPUTS = ["clean_worldbank__population"]
COLUMNS = {"Country Name": "name", "Country Code": "iso3", "Year": "year", "Value": "population"}


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    missing = set(COLUMNS) - set(raw.columns)
    if missing:
        raise ValueError(f"world_bank_population.csv: missing columns {sorted(missing)}")
    frame = raw.rename(columns=COLUMNS)[list(COLUMNS.values())].copy()
    for column in ("year", "population"):
        text = frame[column].str.strip()
        bad = ~text.str.fullmatch(r"\d+")
        if bad.any():
            first = frame.index[bad][0]
            raise ValueError(f"world_bank_population.csv: column {column} has non-integer value {text[first]!r} "
                             f"at data row {first + 2} (and {bad.sum() - 1} more)")
        frame[column] = text.astype("int64")
    frame = frame[frame["iso3"].isin(iso3_codes())]
    duplicated = frame.duplicated(["iso3", "year"])
    if duplicated.any():
        pairs = frame.loc[duplicated, ["iso3", "year"]].head().values.tolist()
        raise ValueError(f"world_bank_population.csv: several rows for {pairs}")
    return frame.sort_values(["iso3", "year"]).reset_index(drop=True)


def run(ctx) -> dict[str, pd.DataFrame]:
    raw = pd.read_csv(ctx.raw_path("worldbank", "world_bank_population.csv"), dtype=str, keep_default_na=False,
                      encoding="utf-8")
    return {"clean_worldbank__population": clean(raw)}
