"""The retry policy: what is asked again, how long it waits, and when it gives up."""
import pytest
import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError

from etl.fetch.http import FetchError, HttpClient, RetryPolicy, TransientFault, Unreachable, retry_after_seconds
from tests.etl.fetch.recorded import Recorder

URL = "https://api.example.org/data"


def get(recorder, parse=lambda answer: answer.body):
    return recorder.client.get(URL, [("q", "1")], parse, lambda answer: f"refused with HTTP {answer.status}")


def test_503_then_success_waits_with_backoff(rsps, recorder):
    rsps.get(URL, status=503)
    rsps.get(URL, body=b"ok")
    answer, body = get(recorder)
    assert body == b"ok" and answer.attempts == 2 and len(rsps.calls) == 2
    assert len(recorder.sleeps) == 1 and 2 <= recorder.sleeps[0] <= 3  # 2 s backoff plus up to 1 s jitter
    assert "HTTP 503" in recorder.lines[0] and "attempt 2/4" in recorder.lines[0]


def test_retry_after_is_honoured_without_really_waiting(rsps, recorder):
    rsps.get(URL, status=429, headers={"Retry-After": "30"})
    rsps.get(URL, body=b"ok")
    assert get(recorder)[0].attempts == 2
    assert recorder.sleeps == [30.0]


def test_retry_after_beyond_the_budget_gives_up_at_once(rsps):
    recorder = Recorder(budget=60)
    rsps.get(URL, status=503, headers={"Retry-After": "3600"})
    with pytest.raises(FetchError, match=r"HTTP 503 from api.example.org \(gave up after 1 attempt\)"):
        get(recorder)
    assert recorder.sleeps == [] and len(rsps.calls) == 1


def test_persistent_5xx_gives_up_after_max_attempts(rsps, recorder):
    rsps.get(URL, status=502)
    with pytest.raises(FetchError, match=r"HTTP 502 .*gave up after 4 attempts"):
        get(recorder)
    assert len(rsps.calls) == 4 and len(recorder.sleeps) == 3
    assert recorder.sleeps == sorted(recorder.sleeps)  # exponential backoff grows


@pytest.mark.parametrize("status", [400, 404, 413, 416, 403])
def test_client_errors_are_never_retried(rsps, recorder, status):
    rsps.get(URL, status=status)
    with pytest.raises(FetchError, match=f"refused with HTTP {status}"):
        get(recorder)
    assert len(rsps.calls) == 1 and recorder.sleeps == []


def test_read_timeout_then_success(rsps, recorder):
    rsps.get(URL, body=requests.ReadTimeout("read timed out"))
    rsps.get(URL, body=b"ok")
    assert get(recorder)[1] == b"ok" and len(rsps.calls) == 2


def test_connection_errors_are_retried_then_reported(rsps, recorder):
    rsps.get(URL, body=requests.ConnectionError("connection reset by peer"))
    with pytest.raises(Unreachable, match=r"cannot reach api.example.org.*gave up after 4 attempts"):
        get(recorder)
    assert len(rsps.calls) == 4


def test_unresolvable_host_fails_fast(rsps, recorder):
    cause = NameResolutionError("api.example.org", None, "[Errno -2] Name or service not known")
    rsps.get(URL, body=requests.ConnectionError(MaxRetryError(None, URL, cause)))
    with pytest.raises(Unreachable, match="cannot reach api.example.org: the name does not resolve"):
        get(recorder)
    assert len(rsps.calls) == 1 and recorder.sleeps == []


def test_transient_body_is_asked_again(rsps, recorder):
    rsps.get(URL, body=b"<html>maintenance</html>", content_type="text/html")
    rsps.get(URL, body=b"{}")

    def parse(answer):
        if answer.looks_like_html():
            raise TransientFault("an HTML page")
        return answer.body

    assert get(recorder, parse)[1] == b"{}" and len(rsps.calls) == 2


def test_polite_user_agent_and_timeouts(rsps):
    rsps.get(URL, body=b"ok")
    client = HttpClient(RetryPolicy(connect_timeout=2, read_timeout=9), log=lambda *_: None)
    client.get(URL, [], lambda a: a.body, str)
    request = rsps.calls[0].request
    assert "belarus-exile-flows-dashboard" in request.headers["User-Agent"]
    assert request.req_kwargs["timeout"] == (2, 9)


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no extra wait
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
