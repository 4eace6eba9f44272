"""Eurostat Statistics API (JSON-stat 2.0): residence permits and asylum of Belarusian citizens.

The answer is read by `id`/`size` with sparse `value` and `status` (etl/jsonstat.py), which also
refuses unknown flags and time codes. Beyond that a good answer has observations, an `updated`
stamp (kept in the sidecar), and only the codes that were asked for. An error body
(`error.id`, `label`) becomes a sentence naming the dataset; a query whose estimated cell count
exceeds the cap is never sent, since Eurostat answers such extractions slowly or not at all.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from math import prod
from pathlib import Path

from etl import jsonstat
from etl.fetch.http import Answer, FetchError, HttpClient, TransientFault
from etl.fetch.snapshot import FetchedSource, RawDocument, answer_provenance

SOURCE_ID = "eurostat"
API = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"
FIRST_YEAR = 2015
CELL_CAP = 20_000
# The 27 member states, the EU aggregate and EFTA: the columns of the embedded snapshot.
GEOS = ("EU27_2020", "BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV", "LT",
        "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE", "IS", "NO", "CH")
PERMITS = {"freq": ("A",), "citizen": ("BY",), "reason": ("TOTAL",), "unit": ("PER",)}
ASYLUM = {"freq": ("A",), "citizen": ("BY",), "sex": ("T",), "age": ("TOTAL",), "unit": ("PER",)}
REFUSALS = {
    400: "rejected the query as invalid",
    404: "has no such dataset (renamed or withdrawn?)",
    413: "refused the query: the extraction is too large",
    416: "refused the query: too many categories requested",
}


@dataclass(frozen=True)
class Query:
    file: str                            # file name in the snapshot, the table the build reads
    dataset: str
    filters: dict[str, tuple[str, ...]]  # every dimension but time, with the codes asked for
    years: tuple[str, ...] = ()          # explicit years; none means every year since FIRST_YEAR

    def params(self) -> list[tuple[str, str]]:
        time = [("time", year) for year in self.years] or [("sinceTimePeriod", str(FIRST_YEAR))]
        return [("format", "JSON"), ("lang", "EN"),
                *[(dim, code) for dim, codes in self.filters.items() for code in codes], *time]

    def estimated_cells(self, current_year: int) -> int:
        years = len(self.years) or current_year - FIRST_YEAR + 1
        return prod(len(codes) for codes in self.filters.values()) * years


QUERIES = (
    Query("migr_resvalid_BY.json", "migr_resvalid", {**PERMITS, "duration": ("TOTAL",), "geo": GEOS}),
    Query("migr_resfirst_BY.json", "migr_resfirst", {**PERMITS, "duration": ("TOTAL",), "geo": GEOS}),
    Query("migr_resfirst_BY_2019_by_duration.json", "migr_resfirst",
          {**PERMITS, "duration": ("TOTAL", "M3-5", "M6-11", "M_GE12"), "geo": ("LT", "PL")}, years=("2019",)),
    Query("migr_asyappctza_BY.json", "migr_asyappctza", {**ASYLUM, "applicant": ("ASY_APP", "NASY_APP"), "geo": GEOS}),
    Query("migr_asydcfsta_BY.json", "migr_asydcfsta",
          {**ASYLUM, "decision": ("TOTAL", "TOTAL_POS", "GENCONV", "HUMSTAT", "SUB_PROT", "REJECTED"), "geo": GEOS}),
)


def error_detail(body: bytes) -> str:
    """`error.id: label` from Eurostat's error body (an object, or a list of them)."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read: no detail to give
        return ""
    error = doc.get("error") if isinstance(doc, dict) else None
    if isinstance(error, list) and error:
        error = error[0]
    if isinstance(error, dict):
        return f"error {error.get('id')}: {error.get('label')}"
    if isinstance(doc, dict) and doc.get("class") == "error":
        return str(doc.get("label"))
    return ""


def explain(query: Query):
    def words(answer: Answer) -> str:
        detail = error_detail(answer.body)
        what = REFUSALS.get(answer.status, "refused the request")
        return f"Eurostat {what} for {query.dataset} (HTTP {answer.status}{', ' + detail if detail else ''})"
    return words


def parser(query: Query):
    def parse(answer: Answer) -> tuple[dict, object]:
        if answer.looks_like_html():
            raise TransientFault(f"Eurostat answered {query.dataset} with an HTML page instead of JSON (maintenance?)")
        try:
            doc = json.loads(answer.body)
        except ValueError:
            raise TransientFault(f"Eurostat sent a body for {query.dataset} that is not JSON (cut short?)") from None
        if not isinstance(doc, dict):
            raise FetchError(f"Eurostat sent {query.dataset} as something other than a JSON-stat dataset")
        detail = error_detail(answer.body)
        if detail:
            raise FetchError(f"Eurostat answered {query.dataset} with an error ({detail})")
        if not doc.get("value"):
            raise FetchError(f"Eurostat sent {query.dataset} without a single observation (`value` is empty); "
                             "refusing to replace good data with nothing")
        if not doc.get("updated"):
            raise FetchError(f"Eurostat sent {query.dataset} without its `updated` stamp")
        try:
            frame = jsonstat.parse(doc)
        except jsonstat.JsonStatError as exc:
            raise FetchError(f"Eurostat {query.dataset}: {exc}") from exc
        for dim, codes in query.filters.items():
            extra = sorted(set(frame[dim]) - set(codes)) if dim in frame else ["(dimension missing)"]
            if extra:
                raise FetchError(f"Eurostat {query.dataset}: {dim} {extra} was not asked for")
        return doc, frame
    return parse


def fetch_query(client: HttpClient, query: Query, now: datetime, log=print, cap: int = CELL_CAP) -> RawDocument:
    cells = query.estimated_cells(now.year)
    if cells > cap:
        raise FetchError(f"not asking Eurostat for {query.dataset}: about {cells:,} cells, above the cap of "
                         f"{cap:,}; narrow the query")
    params = query.params()
    answer, (doc, frame) = client.get(API + query.dataset, params, parser(query), explain(query))
    updated = doc["updated"]
    log(f"  eurostat {query.file:<40} {len(frame):>5} observations, updated {updated}")
    return RawDocument(query.file, query.file, answer.body, {
        "description": f"{doc.get('label', query.dataset)}: citizens of BY",
        "title": f"{doc.get('label', query.dataset)} ({query.dataset})",
        "url": f"https://ec.europa.eu/eurostat/databrowser/view/{query.dataset}/default/table",
        "citation": f"Source: Eurostat ({query.dataset}), updated {updated[:10]}",
        "release": f"Eurostat dissemination of {updated[:10]}",
        "release_date": updated[:10],
        "updated": updated,
        "rows": len(frame),
        **answer_provenance(answer, params),
    })


def fetch(client: HttpClient, raw_root: Path, now: datetime, log=print) -> FetchedSource:
    return FetchedSource(SOURCE_ID, [fetch_query(client, query, now, log) for query in QUERIES])
