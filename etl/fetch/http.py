"""One polite HTTP client for the live refresh: timeouts, a retry policy, and clear errors.

Only idempotent GETs are sent, so asking again is always safe. Retried: 429, 5xx, connection
errors, timeouts, a connection cut mid-body (ChunkedEncodingError), a body that claims a
compression it does not have (ContentDecodingError), and answers a source calls transient
(e.g. an HTML maintenance page sent with status 200). Never retried: 400, 404, 413, 416 and other
client errors, which would only get the same answer again, and a document nested too deeply to
read (json raises RecursionError). Waits back off exponentially with jitter and honour
Retry-After; no wait may run past the total budget. A host name that does not resolve means
there is no network: that fails at once instead of backing off. Whatever goes wrong ends in a
FetchError with one sentence, never a traceback.
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from datetime import datetime, UTC
from email.utils import parsedate_to_datetime
from typing import Any
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from tenacity import (Retrying, retry_if_exception_type, stop_after_attempt, stop_before_delay,
                      wait_exponential_jitter)
from urllib3.exceptions import NameResolutionError

USER_AGENT = ("belarus-exile-flows-dashboard/1.0 (open data-journalism dashboard on Belarusian exile "
              "flows; ETL refresh, a few requests per run)")


class FetchError(Exception):
    """An upstream answer was refused or never came."""


class Unreachable(FetchError):
    """The host cannot be reached at all (no network, or DNS does not know it)."""


class TransientFault(FetchError):
    """A fault worth asking again for: 429, 5xx, an HTML page or a truncated body instead of data."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    connect_timeout: float = 5.0   # short: with no network, fail fast
    read_timeout: float = 120.0    # per attempt; big extractions are slow to start
    budget: float = 600.0          # seconds for all attempts of one request, waits included
    backoff_multiplier: float = 2.0
    backoff_max: float = 60.0
    jitter: float = 1.0


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as it came, with what its provenance needs."""

    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    retrieved_at: str  # UTC, ISO 8601
    attempts: int

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def looks_like_html(self) -> bool:
        return "html" in self.content_type.lower() or self.body.lstrip()[:1] == b"<"


# Faults of the transport rather than of the answer: the same request may well succeed next time.
BROKEN_BODY = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
RETRIED_EXCEPTIONS = (TransientFault, requests.ConnectionError, requests.Timeout, *BROKEN_BODY)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def cannot_resolve(exc: BaseException) -> bool:
    """True when the failure is a host name that does not resolve (urllib3 nests the cause)."""
    stack, seen = [exc], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (NameResolutionError, socket.gaierror)):
            return True
        stack += [arg for arg in item.args if isinstance(arg, BaseException)]
        stack += [x for x in (getattr(item, "reason", None), item.__cause__, item.__context__)
                  if isinstance(x, BaseException)]
    return False


class HttpClient:
    """GET with retries. `parse(answer)` turns a 200 into a document or raises TransientFault
    (ask again) or FetchError (refuse); `explain(answer)` words a client-error answer."""

    def __init__(self, policy: RetryPolicy = RetryPolicy(), session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep, log: Callable[[str], None] = print):
        self.policy = policy
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.sleep = sleep
        self.log = log
        self._backoff = wait_exponential_jitter(multiplier=policy.backoff_multiplier, max=policy.backoff_max,
                                                jitter=policy.jitter)

    def get(self, url: str, params: list[tuple[str, str]], parse: Callable[[Answer], Any],
            explain: Callable[[Answer], str]) -> tuple[Answer, Any]:
        host = urlsplit(url).hostname or url
        policy = self.policy
        attempts = 0

        def attempt() -> tuple[Answer, Any]:
            nonlocal attempts
            attempts += 1
            try:
                response = self.session.get(url, params=params, timeout=(policy.connect_timeout, policy.read_timeout))
            except requests.ConnectionError as exc:
                if cannot_resolve(exc):
                    raise Unreachable(f"cannot reach {host}: the name does not resolve (no network?)") from exc
                raise
            except RETRIED_EXCEPTIONS:
                raise
            except requests.RequestException as exc:  # invalid URL, too many redirects, bad header …
                raise FetchError(f"the request to {host} failed: {type(exc).__name__}") from exc
            answer = Answer(response.url, response.status_code, response.content, dict(response.headers),
                            datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                            attempts)
            try:
                if answer.status == 429 or answer.status >= 500:
                    raise TransientFault(f"HTTP {answer.status} from {host}",
                                         retry_after_seconds(answer.headers.get("Retry-After")))
                if answer.status != 200:
                    raise FetchError(explain(answer))
                return answer, parse(answer)
            except RecursionError:
                # json.loads recurses once per level: a hostile or broken document nested thousands
                # deep cannot be read, and asking again would get the same bytes.
                raise FetchError(f"{host} sent a JSON document nested too deeply to read (HTTP {answer.status}); "
                                 "refused") from None

        retrying = Retrying(
            retry=retry_if_exception_type(RETRIED_EXCEPTIONS),
            wait=self._wait,
            stop=stop_after_attempt(policy.max_attempts) | stop_before_delay(policy.budget),
            sleep=self.sleep,
            before_sleep=lambda state: self.log(
                f"    {describe(_attempt_error(state), host, policy)}; attempt {state.attempt_number + 1}"
                f"/{policy.max_attempts} in {state.upcoming_sleep:.1f} s"),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except FetchError as exc:
            if isinstance(exc, TransientFault):
                raise FetchError(f"{exc} (gave up after {plural(attempts, 'attempt')})") from exc
            raise
        except BROKEN_BODY as exc:
            raise FetchError(f"{describe(exc, host, policy)} (gave up after {plural(attempts, 'attempt')})") from exc
        except RETRIED_EXCEPTIONS as exc:
            raise Unreachable(f"{describe(exc, host, policy)} (gave up after {plural(attempts, 'attempt')})") from exc

    def _wait(self, state) -> float:
        backoff = self._backoff(state)
        retry_after = getattr(state.outcome.exception(), "retry_after", None)
        # The server's own Retry-After wins when it asks for longer than our backoff.
        return max(backoff, retry_after or 0.0)


def _attempt_error(state) -> BaseException:
    """The exception of the attempt tenacity is about to retry (it only retries on one)."""
    error = state.outcome.exception() if state.outcome is not None else None
    return error if error is not None else RuntimeError("unknown error")


def describe(exc: BaseException, host: str, policy: RetryPolicy) -> str:
    if isinstance(exc, requests.ReadTimeout):
        return f"{host} sent no answer within {policy.read_timeout:g} s"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"the connection to {host} was cut in the middle of the answer (ChunkedEncodingError)"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return f"{host} sent a body that claims a compression it does not have (ContentDecodingError)"
    if isinstance(exc, requests.ConnectionError):
        return f"cannot reach {host}: {type(exc).__name__}"
    return str(exc)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
