"""Eurostat Statistics API: the real recorded answers pass; every fault is refused with a clear
message, the expected number of requests, and the data folder untouched."""
from datetime import datetime, UTC

import pytest

from etl import refresh
from etl.fetch import eurostat
from tests.etl.fetch.recorded import EUROSTAT_RAW, JSON, dumps, eurostat_doc, fixture, tree

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
RESVALID = eurostat.QUERIES[0]
URL = eurostat.API + RESVALID.dataset


def refused(published, recorder, match):
    before = tree(published)
    with pytest.raises(refresh.RefreshError, match=match) as caught:
        refresh.run(published, ["eurostat"], client=recorder.client, now=NOW, log=recorder.lines.append)
    assert str(caught.value).endswith("; nothing was changed")
    assert tree(published) == before


def test_real_answer_is_kept_byte_for_byte_with_its_provenance(rsps, recorder):
    body = (EUROSTAT_RAW / RESVALID.file).read_bytes()
    rsps.get(URL, body=body, content_type=JSON, headers={"ETag": '"abc"'})
    document = eurostat.fetch_query(recorder.client, RESVALID, NOW, recorder.lines.append)
    assert document.body == body and document.name == "migr_resvalid_BY.json"
    meta = document.provenance
    assert meta["updated"] == "2026-07-09T23:00:00+0200" and meta["release_date"] == "2026-07-09"
    assert meta["rows"] == 329 and meta["http_status"] == 200 and meta["etag"] == '"abc"'
    sent = rsps.calls[0].request.params
    assert sent["citizen"] == "BY" and sent["sinceTimePeriod"] == "2015" and sent["format"] == "JSON"
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("status, body, message", [
    (400, "eurostat/error_400_syntax.json",
     r"Eurostat rejected the query as invalid for migr_resvalid \(HTTP 400, error 140: Syntax error"),
    (404, "eurostat/error_404_dataset.json",
     r"Eurostat has no such dataset \(renamed or withdrawn\?\) for migr_resvalid \(HTTP 404, error 100"),
    (413, "eurostat/error_413_too_big.json",
     r"refused the query: the extraction is too large for migr_resvalid \(HTTP 413, error 413: EXTRACTION_TOO_BIG"),
    (416, "eurostat/error_416_categories.json",
     r"refused the query: too many categories requested for migr_resvalid \(HTTP 416, error 416"),
])
def test_client_errors_are_explained_and_never_retried(published, rsps, recorder, status, body, message):
    rsps.get(URL, status=status, body=fixture(body), content_type=JSON)
    refused(published, recorder, message)
    assert len(rsps.calls) == 1 and recorder.sleeps == []


def test_503_then_success(rsps, recorder):
    rsps.get(URL, status=503, body=fixture("eurostat/maintenance.html"), content_type="text/html")
    rsps.get(URL, body=(EUROSTAT_RAW / RESVALID.file).read_bytes(), content_type=JSON)
    eurostat.fetch_query(recorder.client, RESVALID, NOW, recorder.lines.append)
    assert len(rsps.calls) == 2 and len(recorder.sleeps) == 1


def test_html_maintenance_page_with_200_is_retried_then_refused(published, rsps, recorder):
    rsps.get(URL, body=fixture("eurostat/maintenance.html"), content_type="text/html")
    refused(published, recorder, r"answered migr_resvalid with an HTML page instead of JSON .*gave up after 4 attempts")
    assert len(rsps.calls) == 4


def test_200_with_empty_value_is_refused(published, rsps, recorder):
    doc = eurostat_doc(RESVALID.file)
    doc["value"], doc["status"] = {}, {}
    rsps.get(URL, body=dumps(doc), content_type=JSON)
    refused(published, recorder, r"sent migr_resvalid without a single observation \(`value` is empty\)")
    assert len(rsps.calls) == 1


def test_unknown_flag_letter_is_refused(published, rsps, recorder):
    doc = eurostat_doc(RESVALID.file)
    doc["status"]["116"] = "q"
    rsps.get(URL, body=dumps(doc), content_type=JSON)
    refused(published, recorder, r"migr_resvalid: unknown observation flag\(s\) \['q'\]")
    assert len(rsps.calls) == 1


def test_old_quarter_time_code_is_refused(published, rsps, recorder):
    doc = eurostat_doc(RESVALID.file)
    index = doc["dimension"]["time"]["category"]["index"]
    doc["dimension"]["time"]["category"]["index"] = {("2015Q4" if code == "2015" else code): i
                                                      for code, i in index.items()}
    rsps.get(URL, body=dumps(doc), content_type=JSON)
    refused(published, recorder, r"migr_resvalid: unknown time code\(s\) \['2015Q4'\]")
    assert len(rsps.calls) == 1


def test_codes_that_were_not_asked_for_are_refused(published, rsps, recorder):
    doc = eurostat_doc(RESVALID.file)
    doc["dimension"]["citizen"]["category"]["index"] = {"RU": 0}
    rsps.get(URL, body=dumps(doc), content_type=JSON)
    refused(published, recorder, r"migr_resvalid: citizen \['RU'\] was not asked for")


def test_a_query_above_the_cell_cap_is_never_sent(rsps, recorder):
    with pytest.raises(eurostat.FetchError, match=r"not asking Eurostat for migr_asydcfsta: about 2,232 cells, above the cap of 1,000"):
        eurostat.fetch_query(recorder.client, eurostat.QUERIES[4], NOW, cap=1_000)
    assert len(rsps.calls) == 0
