"""UNHCR population API: population, asylum applications and asylum decisions of Belarusian
(and, for comparison, Russian and Ukrainian) citizens, every year, every country of asylum.

Every request sends cf_type=ISO, so coo/coa are ISO 3166 codes rather than UNHCR's own, and
yearFrom together with yearTo. Every page is walked and checked before anything is kept: the
rows must add up to `total`; a count is a number, a number sent as a string, or "-" (not
reported: null, never 0), and anything else is an anomaly that refuses the whole fetch; the
origins must be the ones asked for. An HTML page or a 200 without `items` is a transient fault.
"""
from __future__ import annotations

import json
import re
from typing import Any
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from etl.fetch.http import Answer, FetchError, HttpClient, TransientFault
from etl.fetch.snapshot import FetchedSource, RawDocument, answer_provenance
from etl.raw import RawSnapshotError, select_snapshot
from etl.steps.clean_unhcr import DECISION_COUNTS, POPULATION_COUNTS

SOURCE_ID = "unhcr"
API = "https://api.unhcr.org/population/v1/"
ORIGINS = ("BLR", "RUS", "UKR")
FIRST_YEAR = 1951
PAGE_SIZE = 1000
# UNSD regions come from UNHCR's country list, which the API does not serve in this form: the
# new snapshot names the file of the newest snapshot that has it.
CARRIED_TABLES = ("countries.csv",)
ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Endpoint:
    path: str
    table: str                    # the raw table the build reads (etl/steps/clean_unhcr.py)
    counts: tuple[str, ...]
    breakdown: tuple[str, ...]    # columns the API must break the figures down by

    @property
    def stem(self) -> str:
        return self.table.removesuffix(".csv")


ENDPOINTS = (
    Endpoint("population/", "population.csv", tuple(POPULATION_COUNTS), ()),
    Endpoint("asylum-applications/", "asylum_applications.csv", ("applied",),
             ("procedure_type", "app_type", "dec_level", "app_pc")),
    Endpoint("asylum-decisions/", "asylum_decisions.csv", tuple(DECISION_COUNTS),
             ("procedure_type", "dec_level", "dec_pc")),
)


def page_params(endpoint: Endpoint, page: int, year_to: int) -> list[tuple[str, str]]:
    params = [("cf_type", "ISO"), ("coo", ",".join(ORIGINS)), ("coo_all", "true"), ("coa_all", "true"),
              ("yearFrom", str(FIRST_YEAR)), ("yearTo", str(year_to)),
              ("limit", str(PAGE_SIZE)), ("page", str(page))]
    if endpoint.breakdown:  # without columns[] the asylum endpoints add the breakdown up
        params += [("columns[]", column) for column in (*endpoint.breakdown, *endpoint.counts)]
    return params


def parse_page(answer: Answer) -> dict:
    if answer.looks_like_html():
        raise TransientFault("UNHCR answered with an HTML page instead of JSON (maintenance or an error page)")
    try:
        doc = json.loads(answer.body)
    except ValueError:
        raise TransientFault("UNHCR sent a body that is not JSON (cut short?)") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise TransientFault("UNHCR answered 200 without `items`")
    return doc


def explain(answer: Answer) -> str:
    text = " ".join(answer.body[:300].decode("utf-8", "replace").split())
    return f"UNHCR refused {answer.url} (HTTP {answer.status}): {text}"


def count_value(value, column: str, where: str) -> int | None:
    if value is None or value == "-":
        return None  # not reported: null, never 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise FetchError(f"UNHCR {where}: {column} is {value!r}, neither a count nor '-'; anomaly, fetch refused")


def check_rows(endpoint: Endpoint, pages: list[dict], year_to: int) -> list[dict]:
    """Every row of every page as numbers (None for '-'), or FetchError naming the first anomaly."""
    rows = []
    for number, page in enumerate(pages, 1):
        for index, item in enumerate(page["items"], 1):
            where = f"{endpoint.path} page {number} row {index}"
            expected = ("year", "coo_iso", "coa_iso", *endpoint.breakdown, *endpoint.counts)
            missing = [c for c in expected if c not in item]
            if missing:
                raise FetchError(f"UNHCR {where}: no {', '.join(missing)}; fetch refused")
            if item["coo_iso"] not in ORIGINS:
                raise FetchError(f"UNHCR {where}: origin {item['coo_iso']!r} was not asked for "
                                 f"(asked for {', '.join(ORIGINS)}); fetch refused")
            if not ISO3.match(str(item["coa_iso"])):
                raise FetchError(f"UNHCR {where}: country of asylum {item['coa_iso']!r} is not an ISO3 code; "
                                 "fetch refused")
            year = count_value(item["year"], "year", where)
            if year is None or not FIRST_YEAR <= year <= year_to:
                raise FetchError(f"UNHCR {where}: year {item['year']!r} outside {FIRST_YEAR}-{year_to}; fetch refused")
            rows.append({column: count_value(item[column], column, where) for column in endpoint.counts})
    return rows


def check_total(endpoint: Endpoint, total, rows: list[dict]) -> None:
    """`total` is the row count of the whole query; an answer that gives the column sums
    instead is checked against those."""
    if isinstance(total, list) and len(total) == 1:
        total = total[0]
    if isinstance(total, (int, str)) and str(total).isdigit():
        if len(rows) != int(total):
            raise FetchError(f"UNHCR {endpoint.path}: the pages hold {len(rows)} rows but `total` says {total}; "
                             "a page came back short, fetch refused")
    elif isinstance(total, dict):
        for column in endpoint.counts:
            expected = count_value(total.get(column), column, f"{endpoint.path} total")
            got = sum(row[column] or 0 for row in rows)
            if expected is not None and got != expected:
                raise FetchError(f"UNHCR {endpoint.path}: {column} adds up to {got} over the pages but `total` "
                                 f"says {expected}; a page came back short, fetch refused")
    else:
        raise FetchError(f"UNHCR {endpoint.path}: `total` is {total!r}; cannot check the pages are complete")
    if not rows:
        raise FetchError(f"UNHCR {endpoint.path}: no rows for {', '.join(ORIGINS)}; fetch refused")


def fetch_endpoint(client: HttpClient, endpoint: Endpoint, year_to: int, log) -> list[RawDocument]:
    url = API + endpoint.path
    answers: list[tuple[Any, list[tuple[str, str]]]] = []  # (the raw answer, the query it answered)
    pages: list[dict] = []  # the parsed pages
    max_pages = 1
    while len(pages) < max_pages:
        number = len(pages) + 1
        params = page_params(endpoint, number, year_to)
        answer, page = client.get(url, params, parse_page, explain)
        if number == 1:
            max_pages = page.get("maxPages")
            if not isinstance(max_pages, int) or max_pages < 1:
                raise FetchError(f"UNHCR {endpoint.path}: maxPages is {max_pages!r}; fetch refused")
        elif (page.get("maxPages"), page.get("total")) != (max_pages, pages[0].get("total")):
            raise FetchError(f"UNHCR {endpoint.path}: page {number} reports maxPages/total "
                             f"{page.get('maxPages')}/{page.get('total')!r}, page 1 said {max_pages}/"
                             f"{pages[0].get('total')!r}: the data changed while paging; fetch refused")
        log(f"  unhcr {endpoint.path:<22} page {number}/{max_pages}: {len(page['items'])} rows")
        answers.append((answer, params))
        pages.append(page)
    rows = check_rows(endpoint, pages, year_to)
    check_total(endpoint, pages[0].get("total"), rows)
    return [
        RawDocument(f"{endpoint.stem}.p{number:03d}.json", endpoint.table, answer.body, {
            "description": f"UNHCR population API, {endpoint.path.rstrip('/')}: origins {', '.join(ORIGINS)}, "
                           f"every country of asylum, {FIRST_YEAR}-{year_to}; page {number} of {len(pages)}",
            "citation": f"Refugee Population Statistics Database, UNHCR (population API, retrieved "
                        f"{answer.retrieved_at[:10]})",
            "release": f"UNHCR population API as served on {answer.retrieved_at[:10]}",
            "page": number, "pages": len(pages), "rows": len(page["items"]), "total": page.get("total"),
            **answer_provenance(answer, params),
        })
        for number, ((answer, params), page) in enumerate(zip(answers, pages), 1)
    ]


def carried_tables(raw_root: Path) -> dict[str, list[str]]:
    try:
        held = select_snapshot(raw_root, SOURCE_ID, list(CARRIED_TABLES))
    except RawSnapshotError as exc:
        raise FetchError(f"no earlier UNHCR snapshot holds {', '.join(CARRIED_TABLES)} ({exc})") from exc
    return {name: [f"../{raw.release_dir}/{name}"] for name, raw in held.items()}


def fetch(client: HttpClient, raw_root: Path, now: datetime, log=print) -> FetchedSource:
    documents = []
    for endpoint in ENDPOINTS:
        documents += fetch_endpoint(client, endpoint, now.year, log)
    return FetchedSource(SOURCE_ID, documents, carried_tables(raw_root))
