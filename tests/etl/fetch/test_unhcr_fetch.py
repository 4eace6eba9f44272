"""UNHCR population API: paging, counts, origins, and the faults a refresh must survive.

Each fault runs a whole refresh against a copy of a published data folder and checks the
message, the number of requests, and that no file of the folder changed."""
import json
from datetime import datetime, UTC

import pytest
import requests
from responses import matchers

from etl import refresh
from etl.fetch import unhcr
from tests.etl.fetch.recorded import JSON, fixture, tree

POPULATION = unhcr.API + "population/"
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
PAGE_1, PAGE_2 = fixture("unhcr/population_page1.json"), fixture("unhcr/population_page2.json")


def page(number):
    return [matchers.query_param_matcher({"page": str(number)}, strict_match=False)]


def fetch_population(recorder):
    return unhcr.fetch_endpoint(recorder.client, unhcr.ENDPOINTS[0], NOW.year, recorder.lines.append)


def refused(published, recorder, match):
    """Run a UNHCR refresh that must fail; return the number of requests it made."""
    before = tree(published)
    with pytest.raises(refresh.RefreshError, match=match) as caught:
        refresh.run(published, ["unhcr"], client=recorder.client, now=NOW, log=recorder.lines.append)
    assert str(caught.value).endswith("; nothing was changed")
    assert tree(published) == before  # the raw snapshots and the published release are untouched


def test_two_pages_are_walked_and_kept_byte_for_byte(rsps, recorder):
    rsps.get(POPULATION, body=PAGE_1, content_type=JSON, match=page(1))
    rsps.get(POPULATION, body=PAGE_2, content_type=JSON, match=page(2))
    documents = fetch_population(recorder)
    assert [d.name for d in documents] == ["population.p001.json", "population.p002.json"]
    assert [d.body for d in documents] == [PAGE_1, PAGE_2]
    assert {d.table for d in documents} == {"population.csv"}
    assert documents[1].provenance["page"] == 2 and documents[1].provenance["rows"] == 1
    sent = rsps.calls[0].request.params
    assert sent["cf_type"] == "ISO" and sent["coo"] == "BLR,RUS,UKR"
    assert (sent["yearFrom"], sent["yearTo"]) == ("1951", "2026")  # always together
    assert len(rsps.calls) == 2


def test_string_numbers_become_numbers_and_dash_becomes_null():
    pages = [json.loads(PAGE_1), json.loads(PAGE_2)]
    rows = unhcr.check_rows(unhcr.ENDPOINTS[0], pages, 2026)
    assert rows[1]["refugees"] == 10035 and rows[1]["asylum_seekers"] == 2085  # a number and a string
    assert rows[2]["refugees"] == 18700
    assert rows[0]["oip"] is None  # "-": not reported, never 0
    assert rows[0]["returned_refugees"] == 0


def test_column_totals_are_checked_when_total_gives_them():
    pages = [json.loads(PAGE_1), json.loads(PAGE_2)]
    rows = unhcr.check_rows(unhcr.ENDPOINTS[0], pages, 2026)
    unhcr.check_total(unhcr.ENDPOINTS[0], [{"refugees": "29437", "oip": "-"}], rows)
    with pytest.raises(unhcr.FetchError, match="refugees adds up to 29437 over the pages but `total` says 30000"):
        unhcr.check_total(unhcr.ENDPOINTS[0], {"refugees": 30000}, rows)


def test_a_page_short_of_total_is_refused(published, rsps, recorder):
    short = json.loads(PAGE_2)
    short["items"] = []
    rsps.get(POPULATION, body=PAGE_1, content_type=JSON, match=page(1))
    rsps.get(POPULATION, body=json.dumps(short), content_type=JSON, match=page(2))
    refused(published, recorder, r"population/: the pages hold 2 rows but `total` says 3; a page came back short")
    assert len(rsps.calls) == 2


def test_other_text_in_a_count_is_an_anomaly(published, rsps, recorder):
    odd = json.loads(PAGE_1)
    odd["items"][1]["refugees"] = "n/a"
    rsps.get(POPULATION, body=json.dumps(odd), content_type=JSON, match=page(1))
    rsps.get(POPULATION, body=PAGE_2, content_type=JSON, match=page(2))
    refused(published, recorder, r"population/ page 1 row 2: refugees is 'n/a', neither a count nor '-'; anomaly")
    assert len(rsps.calls) == 2


def test_an_html_error_page_is_retried_then_refused(published, rsps, recorder):
    rsps.get(POPULATION, body=fixture("unhcr/error_page.html"), content_type="text/html")
    refused(published, recorder, r"UNHCR answered with an HTML page instead of JSON .*gave up after 4 attempts")
    assert len(rsps.calls) == 4 and len(recorder.sleeps) == 3


def test_a_200_without_items_is_transient(rsps, recorder):
    rsps.get(POPULATION, json={"message": "Welcome to the API"})
    rsps.get(POPULATION, body=PAGE_1, content_type=JSON, match=page(1))
    rsps.get(POPULATION, body=PAGE_2, content_type=JSON, match=page(2))
    assert len(fetch_population(recorder)) == 2
    assert len(rsps.calls) == 3 and "without `items`" in recorder.lines[0]


def test_a_wrong_iso_code_back_is_refused(published, rsps, recorder):
    rsps.get(POPULATION, body=fixture("unhcr/population_wrong_iso.json"), content_type=JSON)
    refused(published, recorder, r"origin 'GEO' was not asked for \(asked for BLR, RUS, UKR\)")
    assert len(rsps.calls) == 1


def test_429_with_retry_after_then_success(rsps, recorder):
    rsps.get(POPULATION, status=429, headers={"Retry-After": "20"}, match=page(1))
    rsps.get(POPULATION, body=PAGE_1, content_type=JSON, match=page(1))
    rsps.get(POPULATION, body=PAGE_2, content_type=JSON, match=page(2))
    assert len(fetch_population(recorder)) == 2
    assert len(rsps.calls) == 3 and recorder.sleeps == [20.0]


def test_a_read_timeout_then_success(rsps, recorder):
    rsps.get(POPULATION, body=requests.ReadTimeout("read timed out"), match=page(1))
    rsps.get(POPULATION, body=PAGE_1, content_type=JSON, match=page(1))
    rsps.get(POPULATION, body=PAGE_2, content_type=JSON, match=page(2))
    documents = fetch_population(recorder)
    assert len(rsps.calls) == 3 and documents[0].provenance["attempts"] == 2


def test_persistent_read_timeouts_are_refused(published, rsps, recorder):
    rsps.get(POPULATION, body=requests.ReadTimeout("read timed out"))
    refused(published, recorder, r"api.unhcr.org sent no answer within 120 s \(gave up after 4 attempts\)")
    assert len(rsps.calls) == 4
