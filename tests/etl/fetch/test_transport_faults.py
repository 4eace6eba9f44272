"""Faults of the transfer itself, as a fake upstream served them: a connection cut mid-body, a body
that claims gzip and is not, a JSON document nested too deeply to read, and anything else the
requests stack raises. Each is retried when asking again may help, and ends, through
`python -m etl refresh`, in one line on stderr (exit 5), never a traceback, with the data folder
untouched."""
from datetime import datetime, UTC

import pytest
import requests
import responses

from etl import cli, jsonstat, refresh
from etl.fetch import eurostat, unhcr
from etl.fetch.http import FetchError
from tests.etl.fetch.recorded import EUROSTAT_RAW, JSON, Recorder, fixture, tree

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
POPULATION = unhcr.API + "population/"
RESVALID = eurostat.QUERIES[0]
RESVALID_URL = eurostat.API + RESVALID.dataset
PAGE_1 = fixture("unhcr/population_page1.json")
# Content-Length promises more than the body holds: urllib3 raises IncompleteRead while reading,
# requests turns it into ChunkedEncodingError, as with a connection cut mid-body.
CUT = {"body": PAGE_1[:40], "headers": {"Content-Length": str(len(PAGE_1))}, "auto_calculate_content_length": False}
# Claims gzip, is plain JSON: urllib3's decoder fails, requests raises ContentDecodingError.
NOT_GZIP = {"body": PAGE_1, "headers": {"Content-Encoding": "gzip"}}
DEEP = b"[" * 100_000 + b"]" * 100_000  # json.loads gives up with RecursionError


def population(recorder):
    return unhcr.fetch_endpoint(recorder.client, unhcr.ENDPOINTS[0], NOW.year, recorder.lines.append)


@pytest.fixture
def cli_client(monkeypatch):
    """`python -m etl refresh` in-process with the test client: waits recorded, not slept."""
    recorder = Recorder()
    monkeypatch.setattr(refresh, "HttpClient", lambda log=print: recorder.client)
    return recorder


def refresh_fails_in_one_line(published, capsys, *sources) -> str:
    before = tree(published)
    args = ["--data-dir", str(published.root), "refresh", *[a for s in sources for a in ("--source", s)]]
    assert cli.main(args) == 5
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.startswith("Refresh failed: ") and err.count("\n") == 1
    assert err.rstrip().endswith("; nothing was changed")
    assert tree(published) == before
    return err


@pytest.mark.parametrize("fault, words", [(CUT, "was cut in the middle of the answer (ChunkedEncodingError)"),
                                          (NOT_GZIP, "claims a compression it does not have (ContentDecodingError)")],
                         ids=["cut-mid-body", "not-gzip"])
def test_a_broken_transfer_is_retried_like_a_timeout(rsps, recorder, fault, words):
    rsps.get(POPULATION, content_type=JSON, **fault)
    rsps.get(POPULATION, body=PAGE_1, content_type=JSON)
    rsps.get(POPULATION, body=fixture("unhcr/population_page2.json"), content_type=JSON)
    documents = population(recorder)
    assert documents[0].body == PAGE_1 and documents[0].provenance["attempts"] == 2
    assert len(rsps.calls) == 3 and len(recorder.sleeps) == 1
    assert words in recorder.lines[0] and "attempt 2/4" in recorder.lines[0]


@pytest.mark.parametrize("fault, words", [(CUT, "the connection to api.unhcr.org was cut in the middle of the answer"),
                                          (NOT_GZIP, "api.unhcr.org sent a body that claims a compression it does not "
                                                     "have")],
                         ids=["cut-mid-body", "not-gzip"])
def test_a_transfer_broken_every_time_ends_in_one_line(published, rsps, cli_client, capsys, fault, words):
    rsps.get(POPULATION, content_type=JSON, **fault)
    err = refresh_fails_in_one_line(published, capsys, "unhcr")
    assert words in err and "(gave up after 4 attempts)" in err
    assert len(rsps.calls) == 4 and len(cli_client.sleeps) == 3


def test_eurostat_cut_mid_body_then_success(rsps, recorder):
    body = (EUROSTAT_RAW / RESVALID.file).read_bytes()
    rsps.get(RESVALID_URL, body=body[:100], headers={"Content-Length": str(len(body))},
             auto_calculate_content_length=False, content_type=JSON)
    rsps.get(RESVALID_URL, body=body, content_type=JSON)
    assert eurostat.fetch_query(recorder.client, RESVALID, NOW, recorder.lines.append).body == body
    assert len(rsps.calls) == 2


def test_deeply_nested_json_is_refused_at_once(published, rsps, cli_client, capsys):
    rsps.get(POPULATION, body=DEEP, content_type=JSON)
    err = refresh_fails_in_one_line(published, capsys, "unhcr")
    assert "api.unhcr.org sent a JSON document nested too deeply to read (HTTP 200); refused" in err
    assert len(rsps.calls) == 1 and cli_client.sleeps == []  # the same bytes would come again


def test_deeply_nested_eurostat_answer_and_error_body(rsps, recorder):
    rsps.get(RESVALID_URL, body=b'{"value": ' + DEEP + b"}", content_type=JSON)
    with pytest.raises(FetchError, match="ec.europa.eu sent a JSON document nested too deeply"):
        eurostat.fetch_query(recorder.client, RESVALID, NOW)
    rsps.replace(responses.GET, RESVALID_URL, status=400, body=DEEP, content_type=JSON)
    with pytest.raises(FetchError, match=r"Eurostat rejected the query as invalid for migr_resvalid \(HTTP 400\)$"):
        eurostat.fetch_query(recorder.client, RESVALID, NOW)
    assert eurostat.error_detail(DEEP) == ""


def test_other_request_failures_are_a_sentence_and_not_retried(rsps, recorder):
    rsps.get(POPULATION, body=requests.TooManyRedirects("Exceeded 30 redirects."))
    with pytest.raises(FetchError, match=r"^the request to api.unhcr.org failed: TooManyRedirects$"):
        population(recorder)
    assert len(rsps.calls) == 1 and recorder.sleeps == []


def test_an_answer_no_check_foresaw_ends_in_one_line(published, rsps, cli_client, capsys, monkeypatch):
    def broken(doc):
        raise KeyError("dimension")

    monkeypatch.setattr(jsonstat, "parse", broken)
    rsps.get(RESVALID_URL, body=(EUROSTAT_RAW / RESVALID.file).read_bytes(), content_type=JSON)
    err = refresh_fails_in_one_line(published, capsys, "eurostat")
    assert "eurostat: the answer could not be read (KeyError: 'dimension')" in err
