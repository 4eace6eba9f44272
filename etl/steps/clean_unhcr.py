"""UNHCR population, asylum applications and decisions → typed clean tables.

"-" and blanks mean 'not applicable / not reported' in UNHCR's files: they become null,
never 0. Any other non-numeric text fails the build rather than being guessed at.

A raw table is either a CSV (the embedded snapshot) or the JSON pages of the population API
(a live refresh); both are read into the same text frame in the API's column names.
"""
from __future__ import annotations

import json

import pandas as pd

INPUTS = {"raw": {"unhcr": ["population.csv", "asylum_applications.csv", "asylum_decisions.csv", "countries.csv"]}}
OUTPUTS = ["clean_unhcr__population", "clean_unhcr__asylum_applications",
           "clean_unhcr__asylum_decisions", "clean_unhcr__countries"]

POPULATION_COUNTS = ["refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps",
                     "stateless", "ooc", "oip", "hst"]
DECISION_COUNTS = ["dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total"]
RENAME = {"coo_iso": "origin", "coa_iso": "destination", "coo_name": "origin_name", "coa_name": "destination_name"}


def read_raw_csv(path) -> pd.DataFrame:
    # keep_default_na=False: UNHCR codes such as "NA" (new applications) must stay text.
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def read_api_pages(paths) -> pd.DataFrame:
    """The `items` of every page, in page order, as text like the CSV: a number becomes its
    digits, "-" stays "-" (not reported), null becomes blank."""
    items = [item for path in paths for item in json.loads(path.read_text(encoding="utf-8"))["items"]]
    return pd.DataFrame([{key: "" if value is None else str(value) for key, value in item.items()}
                         for item in items], dtype=str)


def read_raw_table(ctx, name: str) -> pd.DataFrame:
    pages = sorted((raw for raw in ctx.raw_files() if raw.source_id == "unhcr" and raw.provenance.get("table") == name
                    and raw.path.suffix == ".json"), key=lambda raw: raw.path.name)
    if pages:
        return read_api_pages([raw.path for raw in pages])
    return read_raw_csv(ctx.raw_path("unhcr", name))


def to_counts(frame: pd.DataFrame, columns: list[str], table: str) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        text = out[column].str.strip()
        missing = text.isin(["", "-"])
        numeric = text.str.fullmatch(r"\d+")
        bad = ~(missing | numeric)
        if bad.any():
            first = out.index[bad][0]
            raise ValueError(f"{table}: column {column} has non-numeric value {text[first]!r} "
                             f"at data row {first + 2} (and {bad.sum() - 1} more)")
        out[column] = pd.to_numeric(text.where(~missing), errors="raise").astype("Int64")
    return out


def clean_population(raw: pd.DataFrame) -> pd.DataFrame:
    frame = to_counts(raw, POPULATION_COUNTS, "population")
    frame["year"] = frame["year"].astype("int64")
    return frame.rename(columns=RENAME)[["year", "origin", "origin_name", "destination", "destination_name",
                                         *POPULATION_COUNTS]]


def clean_applications(raw: pd.DataFrame) -> pd.DataFrame:
    frame = to_counts(raw, ["applied"], "asylum_applications")
    frame["year"] = frame["year"].astype("int64")
    return frame.rename(columns=RENAME)[["year", "origin", "origin_name", "destination", "destination_name",
                                         "procedure_type", "app_type", "dec_level", "app_pc", "applied"]]


def clean_decisions(raw: pd.DataFrame) -> pd.DataFrame:
    frame = to_counts(raw, DECISION_COUNTS, "asylum_decisions")
    frame["year"] = frame["year"].astype("int64")
    return frame.rename(columns=RENAME)[["year", "origin", "origin_name", "destination", "destination_name",
                                         "procedure_type", "dec_level", "dec_pc", *DECISION_COUNTS]]


def clean_countries(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.rename(columns={"iso_code": "iso3"})
    return frame.replace({"": None})


def run(ctx) -> dict[str, pd.DataFrame]:
    return {
        "clean_unhcr__population": clean_population(read_raw_table(ctx, "population.csv")),
        "clean_unhcr__asylum_applications": clean_applications(read_raw_table(ctx, "asylum_applications.csv")),
        "clean_unhcr__asylum_decisions": clean_decisions(read_raw_table(ctx, "asylum_decisions.csv")),
        "clean_unhcr__countries": clean_countries(read_raw_table(ctx, "countries.csv")),
    }
