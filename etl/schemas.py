"""Schemas of the published tables, enforced when a table is written (pandera).

A frame that breaks its schema is not written; SchemaViolation names the offending rows.
Types come from the field dictionary (etl/fields.py) so a column has one type everywhere.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from etl.codes import iso3_codes, known_codes
from etl.fields import FIELDS

KINDS = ("stock", "flow", "cumulative", "ratio")
UNITS = ("persons", "cases", "permits", "visas", "decisions", "applications", "percent", "share")
EVENT_CATEGORIES = ("election", "repression", "war", "security", "policy-support", "policy-restriction")
VERIFICATION = ("verified", "unverified", "corroborated", "unchecked")
PRECISIONS = ("day", "month", "year")  # how precisely a date is known (etl/metadata/date_precision.yml)
SERIES_KEY = ["indicator", "source_id", "origin", "destination", "category",
              "period_start", "period_end", "unit", "fact_id"]
SERIES_COLUMNS = SERIES_KEY[:-1] + ["period_start_precision", "period_end_precision", "value", "kind", "flag",
                                    "fact_id", "conflict_group", "verification"]

_PANDERA_TYPES = {"string": "string", "date": "datetime64[ns]", "float": "float64", "int": "int64"}


class SchemaViolation(ValueError):
    """A table broke its schema; the message lists the failing checks and rows."""


def _column(name: str, nullable: bool = False, checks=None, unique: bool = False) -> pa.Column:
    return pa.Column(_PANDERA_TYPES[FIELDS[name]["dtype"]], checks=checks or [], nullable=nullable,
                     coerce=True, unique=unique, description=FIELDS[name]["description"])


def _known_code() -> pa.Check:
    codes = known_codes()
    return pa.Check(lambda s: s.isin(codes), element_wise=False, error="unknown country code")


def _one_kind_per_indicator(declared: dict[str, str] | None):
    """Stocks and flows are separate indicators: an indicator whose rows mix kinds, or whose
    kind differs from its metadata, is a stock added to a flow somewhere upstream."""
    def check(frame: pd.DataFrame) -> pd.Series:
        kinds = frame.groupby("indicator")["kind"].transform("nunique")
        ok = kinds == 1
        if declared is not None:
            expected = frame["indicator"].map(declared)
            ok &= expected.notna() & (expected == frame["kind"])
        return ok
    return pa.Check(check, error="indicator mixes kinds or disagrees with its metadata "
                                 "(a stock added to a flow?)")


def series_schema(declared_kinds: dict[str, str] | None = None) -> pa.DataFrameSchema:
    """pub_series: one long table of every numeric series. `declared_kinds` maps indicator → kind
    from the metadata; every indicator must be declared."""
    return pa.DataFrameSchema(
        {
            "indicator": _column("indicator", checks=[pa.Check.str_matches(r"^[a-z0-9_]+$")]),
            "source_id": _column("source_id", checks=[pa.Check.isin(["unhcr", "eurostat", "udsc", "curated"])]),
            "origin": _column("origin", checks=[_known_code()]),
            "destination": _column("destination", checks=[_known_code()]),
            "category": _column("category", checks=[pa.Check.str_length(1, 80)]),
            "period_start": _column("period_start"),
            "period_end": _column("period_end"),
            "period_start_precision": _column("period_start_precision", checks=[pa.Check.isin(PRECISIONS)]),
            "period_end_precision": _column("period_end_precision", checks=[pa.Check.isin(PRECISIONS)]),
            "unit": _column("unit", checks=[pa.Check.isin(UNITS)]),
            "value": _column("value", checks=[pa.Check.ge(0)]),
            "kind": _column("kind", checks=[pa.Check.isin(KINDS)]),
            "flag": _column("flag", nullable=True),
            "fact_id": _column("fact_id", nullable=True),
            "conflict_group": _column("conflict_group", nullable=True),
            "verification": _column("verification", nullable=True, checks=[pa.Check.isin(VERIFICATION)]),
        },
        checks=[
            pa.Check(lambda f: f["period_end"] >= f["period_start"], error="period ends before it starts"),
            pa.Check(lambda f: (f["kind"] != "stock") | (f["period_start"] == f["period_end"]),
                     error="a stock is a count on one date: period_start must equal period_end"),
            pa.Check(lambda f: (f["unit"] != "percent") | (f["value"] <= 100), error="percent above 100"),
            pa.Check(lambda f: (f["unit"] != "share") | (f["value"] <= 1), error="share above 1"),
            pa.Check(lambda f: (f["kind"] == "ratio") == f["unit"].isin(["percent", "share"]),
                     error="ratios (percent, share) and counts must not share a kind"),
            _one_kind_per_indicator(declared_kinds),
        ],
        unique=SERIES_KEY,
        strict=True,
        ordered=False,
        name="pub_series",
    )


FACTS_SCHEMA = pa.DataFrameSchema(
    {
        "fact_id": _column("fact_id", unique=True, checks=[pa.Check.str_matches(r"^[A-Za-z0-9_]+$")]),
        "indicator": _column("indicator"),
        "metric": _column("metric"),
        "origin": _column("origin", checks=[_known_code()]),
        "destination": _column("destination", checks=[_known_code()]),
        "period_start": _column("period_start"),
        "period_end": _column("period_end"),
        "period_start_precision": _column("period_start_precision", checks=[pa.Check.isin(PRECISIONS)]),
        "period_end_precision": _column("period_end_precision", checks=[pa.Check.isin(PRECISIONS)]),
        "value": _column("value", checks=[pa.Check.ge(0)]),
        "unit": _column("unit", checks=[pa.Check.isin(UNITS)]),
        "kind": _column("kind", checks=[pa.Check.isin(KINDS)]),
        "publisher": _column("publisher"),
        "source_title": _column("source_title"),
        "source_url": _column("source_url", checks=[pa.Check.str_matches(r"^https?://")]),
        "published": _column("published", nullable=True),
        "note": _column("note", nullable=True),
        "verification": _column("verification", checks=[pa.Check.isin(VERIFICATION)]),
        "conflict_group": _column("conflict_group", nullable=True),
    },
    checks=[pa.Check(lambda f: f["period_end"] >= f["period_start"], error="period ends before it starts")],
    strict=True,
    name="pub_facts",
)

EVENTS_SCHEMA = pa.DataFrameSchema(
    {
        "date": _column("date"),
        "date_precision": _column("date_precision", checks=[pa.Check.isin(PRECISIONS)]),
        "country": _column("country", checks=[_known_code()]),
        "event": _column("event", checks=[pa.Check.str_length(1, 1000)]),
        "event_category": _column("event_category", checks=[pa.Check.isin(EVENT_CATEGORIES)]),
        "source_title": _column("source_title"),
        "source_url": _column("source_url", checks=[pa.Check.str_matches(r"^https?://")]),
        "verification": _column("verification", checks=[pa.Check.isin(VERIFICATION)]),
    },
    unique=["date", "country", "event"],
    strict=True,
    name="pub_events",
)

CLAIMS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _column("claim_id", unique=True, checks=[pa.Check.str_matches(r"^C\d+$")]),
        "quote": _column("quote"),
        "subject": _column("subject"),
        "claim_kind": _column("claim_kind", checks=[pa.Check.isin(["numeric", "survey", "event"])]),
        "evidence_hint": _column("evidence_hint"),
    },
    strict=True,
    name="pub_claims",
)

SOURCES_SCHEMA = pa.DataFrameSchema(
    {
        "source_id": _column("source_id"),
        "release_dir": _column("release_dir"),
        "file": _column("file"),
        "release": _column("release"),
        "producer": _column("producer"),
        "title": _column("title"),
        "url": _column("url", checks=[pa.Check.str_matches(r"^https?://")]),
        "licence": _column("licence"),
        "citation": _column("citation"),
        "accessed": _column("accessed"),
        "sha256": _column("sha256", checks=[pa.Check.str_matches(r"^[0-9a-f]{64}$")]),
        "bytes": _column("bytes", checks=[pa.Check.gt(0)]),
    },
    unique=["source_id", "release_dir", "file"],
    strict=True,
    name="pub_sources",
)


ESTIMATES_SCHEMA = pa.DataFrameSchema(
    {
        "estimate_id": _column("estimate_id", unique=True, checks=[pa.Check.str_matches(r"^[a-z0-9_]+$")]),
        "fact_id": _column("fact_id", unique=True),
        "publisher": _column("publisher"),
        "source_title": _column("source_title"),
        "source_url": _column("source_url", checks=[pa.Check.str_matches(r"^https?://")]),
        "published": _column("published", nullable=True),
        "period_start": _column("period_start"),
        "period_end": _column("period_end"),
        "low": _column("low", nullable=True, checks=[pa.Check.gt(0)]),
        "high": _column("high", nullable=True, checks=[pa.Check.gt(0)]),
        "unit": _column("unit", checks=[pa.Check.isin(["persons"])]),
        "bound": _column("bound", checks=[pa.Check.isin(["lower_bound", "upper_bound", "range"])]),
        "counted": _column("counted"),
        "destinations": _column("destinations", checks=[pa.Check.isin(["west", "including_russia", "not_stated"])]),
        "stated_as": _column("stated_as"),
        "verification": _column("verification", checks=[pa.Check.isin(VERIFICATION)]),
    },
    checks=[
        pa.Check(lambda f: f["low"].isna() == (f["bound"] == "upper_bound"),
                 error="an estimate has a low end unless it is an upper bound"),
        pa.Check(lambda f: f["high"].isna() == (f["bound"] == "lower_bound"),
                 error="an estimate has a high end unless it is a lower bound"),
        pa.Check(lambda f: f["low"].isna() | f["high"].isna() | (f["low"] < f["high"]),
                 error="a range's low end is below its high end"),
        pa.Check(lambda f: f["period_end"] >= f["period_start"], error="period ends before it starts"),
    ],
    strict=True,
    name="pub_estimates",
)

def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, key: list[str] | None = None) -> pd.DataFrame:
    """Validate (and coerce) a frame; on failure raise SchemaViolation naming the rows."""
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise SchemaViolation(_describe_failures(schema.name, frame, exc.failure_cases, key)) from None


def _describe_failures(name: str, frame: pd.DataFrame, cases: pd.DataFrame, key: list[str] | None,
                       limit: int = 12) -> str:
    key = [c for c in (key or list(frame.columns[:4])) if c in frame.columns]
    # A table-wide check reports every column of a failing row: keep one line per check and row.
    table_wide = cases["schema_context"].eq("DataFrameSchema") & cases["check"].ne("column_in_schema")
    cases = cases.assign(where_col=cases["column"].where(~table_wide, "table"))
    cases = cases.drop_duplicates(subset=["where_col", "check", "index"])
    cases = cases.sort_values("where_col", key=lambda s: s.eq("table"), kind="stable")
    lines = [f"{name}: {len(cases)} schema failure(s); the table was not written."]
    for case in cases.head(limit).itertuples(index=False):
        where = ""
        index = case.index
        if index is not None and not pd.isna(index) and index in frame.index:
            row = frame.loc[index]
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            where = f" at row {index} (" + ", ".join(f"{c}={row[c]}" for c in key) + ")"
        failed = "" if case.where_col == "table" else f" on {case.failure_case!r}"
        lines.append(f"  - {case.where_col}: check '{case.check}' failed{failed}{where}")
    if len(cases) > limit:
        lines.append(f"  … and {len(cases) - limit} more")
    return "\n".join(lines)


COUNTRIES_SCHEMA = pa.DataFrameSchema(
    {
        "iso3": pa.Column("string", checks=[_known_code()], unique=True, coerce=True,
                          description="ISO 3166-1 alpha-3 code."),
        "name": pa.Column("string", coerce=True, description="English short name (pycountry)."),
        "unsd_region": pa.Column("string", nullable=True, coerce=True, description="UN M49 region."),
        "unsd_subregion": pa.Column("string", nullable=True, coerce=True, description="UN M49 sub-region."),
        "unhcr_region": pa.Column("string", nullable=True, coerce=True, description="UNHCR regional bureau."),
    },
    strict=True,
    name="pub_countries",
)


POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        # Countries only: an aggregate such as EU27_2020 or the World Bank's EUU must never be a denominator.
        "iso3": _column("iso3", checks=[pa.Check(lambda s: s.isin(iso3_codes()), element_wise=False,
                                                 error="not a country code (aggregates are not countries)")]),
        "year": _column("year", checks=[pa.Check.in_range(1950, 2100)]),
        "population": _column("population", checks=[pa.Check.gt(0)]),
        "source_id": _column("source_id", checks=[pa.Check.isin(["worldbank"])]),
    },
    unique=["iso3", "year"],
    strict=True,
    name="pub_population",
)


VERDICTS = ("supported", "partly_supported", "not_supported", "not_checkable")
STRENGTHS = ("official_statistics", "official_reported", "checked_event", "unchecked", "none")
CLAIM_VIEWS = ("article", "latest")
CLAIM_VERDICTS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _column("claim_id", unique=True),
        "verdict": _column("verdict", checks=[pa.Check.isin(VERDICTS)]),
        "reason": _column("reason"),
        "evidence_strength": _column("evidence_strength", checks=[pa.Check.isin(STRENGTHS)]),
        "article_date": _column("article_date"),
        "verdict_later": _column("verdict_later", nullable=True, checks=[pa.Check.isin(VERDICTS)]),
        "reason_later": _column("reason_later", nullable=True),
        "evidence_strength_later": _column("evidence_strength_later", nullable=True,
                                           checks=[pa.Check.isin(STRENGTHS)]),
    },
    checks=[pa.Check(lambda f: f["verdict_later"].isna() == f["reason_later"].isna(),
                     error="a later verdict comes with its reason")],
    strict=True,
    name="pub_claim_verdicts",
)
CLAIM_PARTS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _column("claim_id"),
        "as_of": _column("as_of", checks=[pa.Check.isin(CLAIM_VIEWS)]),
        "part": _column("part", checks=[pa.Check.str_matches(r"^[a-z0-9_]+$")]),
        "verdict": _column("verdict", checks=[pa.Check.isin(VERDICTS)]),
        "reason": _column("reason"),
        "evidence_strength": _column("evidence_strength", checks=[pa.Check.isin(STRENGTHS)]),
        "rule": _column("rule", checks=[pa.Check.isin(["at_least", "events_exist", "not_checkable"])]),
        "threshold": _column("threshold", nullable=True),
    },
    checks=[pa.Check(lambda f: (f["verdict"] != "supported") | ~f["evidence_strength"].isin(["unchecked", "none"]),
                     error="a part resting on unchecked evidence (or none) cannot be supported")],
    unique=["claim_id", "as_of", "part"],
    strict=True,
    name="pub_claim_parts",
)
CLAIM_FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _column("claim_id"),
        "as_of": _column("as_of", checks=[pa.Check.isin(CLAIM_VIEWS)]),
        "figure": _column("figure"),
        "value_id": _column("value_id"),
        "role": _column("role", checks=[pa.Check.str_matches(r"^(figure|event|missing|derived:[a-z]+)$")]),
        "value": pa.Column("float64", nullable=True, coerce=True,
                           description="The figure's value (null where the data no longer hold it: role missing)."),
        "inputs": _column("inputs", nullable=True),
        "unit": _column("unit", nullable=True),
        "kind": _column("kind", nullable=True),
        "indicator": _column("indicator", nullable=True),
        "source_id": _column("source_id", nullable=True),
        "fact_id": _column("fact_id", nullable=True),
        "origin": _column("origin", nullable=True),
        "destination": _column("destination", nullable=True),
        "category": _column("category", nullable=True),
        "period_start": _column("period_start", nullable=True),
        "period_end": _column("period_end", nullable=True),
        "verification": _column("verification", nullable=True, checks=[pa.Check.isin(VERIFICATION)]),
        "evidence_strength": _column("evidence_strength", checks=[pa.Check.isin(STRENGTHS)]),
    },
    checks=[pa.Check(lambda f: f["role"].str.startswith("derived:") == f["inputs"].notna(),
                     error="a derived value names its inputs, and only a derived value has inputs")],
    unique=["claim_id", "as_of", "value_id"],
    strict=True,
    name="pub_claim_figures",
)
