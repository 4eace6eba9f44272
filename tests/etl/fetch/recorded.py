"""Recorded upstream answers and helpers shared by the fetch and refresh tests (no network)."""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import responses
from responses import matchers

from etl.fetch import eurostat, unhcr
from etl.fetch.http import HttpClient, RetryPolicy
from etl.paths import REPO_ROOT, DataPaths

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "recorded"
EUROSTAT_RAW = REPO_ROOT / "data" / "raw" / "eurostat" / "2026-07-09"
UNHCR_RAW = REPO_ROOT / "data" / "raw" / "unhcr" / "2026-06-25"
UPDATED = "2026-07-09T23:00:00+0200"
JSON = "application/json"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def eurostat_doc(name: str) -> dict:
    """A real recorded Eurostat answer (the embedded snapshot), as a document to edit."""
    return json.loads((EUROSTAT_RAW / name).read_bytes())


def dumps(doc: dict) -> bytes:
    return json.dumps(doc).encode()


class Recorder:
    """An HttpClient whose waits are recorded instead of slept."""

    def __init__(self, max_attempts: int = 4, budget: float = 300.0):
        self.sleeps: list[float] = []
        self.lines: list[str] = []
        self.client = HttpClient(RetryPolicy(max_attempts=max_attempts, budget=budget), sleep=self.sleeps.append,
                                 log=self.lines.append)


def copy_data(source: DataPaths, dest: Path) -> DataPaths:
    shutil.copytree(source.root, dest)
    return DataPaths(dest)


def tree(paths: DataPaths) -> dict[str, str]:
    """Every file under the data folder with its sha256: 'untouched' means this is equal."""
    return {str(p.relative_to(paths.root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(paths.root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- UNHCR
def unhcr_items(table: str) -> list[dict]:
    """The embedded snapshot's rows for the refreshed origins, typed the way the API sends them:
    some counts as numbers, some as strings, '-' where nothing is reported."""
    with open(UNHCR_RAW / table, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["coo_iso"] in unhcr.ORIGINS]
    items = []
    for row in rows:
        item = {}
        for index, (key, value) in enumerate(row.items()):
            if value == "":
                item[key] = "-"
            elif value.isdigit():
                item[key] = int(value) if index % 2 else value
            else:
                item[key] = value
        item["year"] = int(row["year"])
        items.append(item)
    return items


def unhcr_pages(table: str, page_size: int = unhcr.PAGE_SIZE) -> list[bytes]:
    items = unhcr_items(table)
    chunks = [items[i:i + page_size] for i in range(0, len(items), page_size)]
    return [dumps({"page": n, "maxPages": len(chunks), "total": len(items), "items": chunk})
            for n, chunk in enumerate(chunks, 1)]


def serve_unhcr(rsps: responses.RequestsMock) -> None:
    for endpoint in unhcr.ENDPOINTS:
        for number, body in enumerate(unhcr_pages(endpoint.table), 1):
            rsps.get(unhcr.API + endpoint.path, body=body, content_type=JSON,
                     match=[matchers.query_param_matcher({"page": str(number)}, strict_match=False)])


# ---------------------------------------------------------------- Eurostat
def asylum_doc(query: eurostat.Query) -> dict:
    """A small JSON-stat answer for an asylum query: PL and LT, 2023-2024, a few cells."""
    breakdown = "applicant" if "applicant" in query.filters else "decision"
    categories = list(query.filters[breakdown])[:2]
    ids = ["freq", "unit", "citizen", "sex", breakdown, "age", "geo", "time"]
    codes = {"freq": ["A"], "unit": ["PER"], "citizen": ["BY"], "sex": ["T"], breakdown: categories,
             "age": ["TOTAL"], "geo": ["LT", "PL"], "time": ["2023", "2024"]}
    return {
        "version": "2.0", "class": "dataset", "label": f"{query.dataset} (test answer)", "source": "ESTAT",
        "updated": UPDATED, "id": ids, "size": [len(codes[d]) for d in ids],
        "dimension": {d: {"category": {"index": {c: i for i, c in enumerate(codes[d])}}} for d in ids},
        "value": {"0": 455, "1": 520, "2": 3395, "3": 2605, "4": 310, "5": 350}, "status": {"3": "p"},
    }


def eurostat_answers() -> dict[str, bytes]:
    """file name → answer: the real recorded ones, and test answers for the asylum datasets."""
    return {query.file: (EUROSTAT_RAW / query.file).read_bytes() if (EUROSTAT_RAW / query.file).exists()
            else dumps(asylum_doc(query)) for query in eurostat.QUERIES}


def serve_eurostat(rsps: responses.RequestsMock, answers: dict[str, bytes] | None = None) -> None:
    answers = {**eurostat_answers(), **(answers or {})}
    for query in eurostat.QUERIES:
        time = {"time": query.years[0]} if query.years else {"sinceTimePeriod": str(eurostat.FIRST_YEAR)}
        rsps.get(eurostat.API + query.dataset, body=answers[query.file], content_type=JSON,
                 match=[matchers.query_param_matcher(time, strict_match=False)])
