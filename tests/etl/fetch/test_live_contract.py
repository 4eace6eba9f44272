"""Live contract: re-check, against the real APIs, the upstream behaviours the fetchers rely on.

Opt-in (it needs the internet and asks the APIs a few dozen questions):
    EXILE_LIVE_TESTS=1 python -m pytest -m live tests/etl/fetch/test_live_contract.py
"""
import json
import os
from datetime import datetime, UTC

import pytest

from etl.fetch import eurostat, unhcr
from etl.fetch.http import FetchError, HttpClient

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(os.environ.get("EXILE_LIVE_TESTS") != "1",
                                 reason="talks to the real APIs; set EXILE_LIVE_TESTS=1 to run")]
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def client():
    return HttpClient(log=print)


def test_unhcr_pages_add_up_and_filter_by_iso_origin(client):
    # Walks every page of the population endpoint through all of the fetcher's checks:
    # cf_type=ISO filters by ISO codes, `total` and maxPages describe the whole query.
    documents = unhcr.fetch_endpoint(client, unhcr.ENDPOINTS[0], NOW.year, print)
    first = json.loads(documents[0].body)
    assert isinstance(first["maxPages"], int) and len(documents) == first["maxPages"]


@pytest.mark.parametrize("endpoint", unhcr.ENDPOINTS[1:], ids=lambda e: e.path)
def test_unhcr_asylum_endpoints_break_down_by_the_columns_asked_for(client, endpoint):
    answer, page = client.get(unhcr.API + endpoint.path, unhcr.page_params(endpoint, 1, NOW.year),
                              unhcr.parse_page, unhcr.explain)
    unhcr.check_rows(endpoint, [page], NOW.year)  # every breakdown column present, counts well formed


@pytest.mark.parametrize("query", eurostat.QUERIES, ids=lambda q: q.file)
def test_eurostat_queries_are_valid_and_answers_pass_every_check(client, query):
    document = eurostat.fetch_query(client, query, NOW, print)  # codes, flags, time codes, `updated`
    assert document.provenance["rows"] > 0


def test_eurostat_error_bodies_carry_an_id_and_label(client):
    missing = eurostat.Query("x.json", "migr_resvalid_no_such_dataset", {"citizen": ("BY",)})
    with pytest.raises(FetchError, match=r"\(HTTP (400|404), error \S+: .+\)"):
        eurostat.fetch_query(client, missing, NOW, print)
