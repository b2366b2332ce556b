"""HTTP transport: pooled session, headers, JSON, timeouts, pacing, retries and error mapping."""

from __future__ import annotations

import copy
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from noko_core.errors import (
    NokoAuthError,
    NokoForbiddenError,
    NokoHTTPError,
    NokoNotFoundError,
    NokoOutcomeUnknownError,
    NokoRateLimitError,
    NokoServerError,
    NokoTransportError,
    NokoValidationError,
)
from noko_core.params import query_string
from noko_core.ratelimit import Limiter, full_jitter, is_background, retry_after

logger = logging.getLogger("noko_core")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# A gateway that got no (valid) answer from the server in time: a write may have been made.
GATEWAY_STATUSES = frozenset({502, 504})
# PUT and DELETE are idempotent in Noko's API (edits and "actions" that set a state).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_REASONS = {
    400: "Bad request",
    401: "Unauthorized (is the access token right?)",
    403: "Forbidden",
    404: "Not found",
    422: "Unprocessable entity",
    429: "Too many requests",
}


@dataclass(frozen=True)
class Reply:
    """A successful response: decoded JSON (None for 204) and the Link rel="next" URL."""

    status: int
    data: Any
    next_url: str | None


@dataclass(frozen=True)
class Policy:
    """Timeouts, pacing and retry settings of one client."""

    timeout: float = 30.0
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0


_ERROR_CLASSES: dict[int, type[NokoHTTPError]] = {
    400: NokoValidationError,
    401: NokoAuthError,
    403: NokoForbiddenError,
    404: NokoNotFoundError,
    422: NokoValidationError,
    429: NokoRateLimitError,
}


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    followers: int = 0
    reply: Reply | None = None
    error: BaseException | None = None


class SingleFlight:
    """Runs one call per key at a time; callers arriving meanwhile get its result.

    Each caller gets its own copy of the decoded JSON when the result was shared (nobody's
    edits reach another caller), and the uncontended leader gets the original, uncopied. A
    failure reaches every caller as its own copy of the exception.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight] = {}

    def run(self, key: Hashable, call: Callable[[], Reply]) -> Reply:
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
            else:
                flight.followers += 1
        if not leader:
            flight.done.wait()
            return _result(flight)
        try:
            flight.reply = call()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]  # later callers start a new request
            flight.done.set()
        # Followers are counted under the lock, and none can join after the removal above.
        return _result(flight) if flight.followers else flight.reply


def _result(flight: _Flight) -> Reply:
    if flight.reply is not None:
        return replace(flight.reply, data=copy.deepcopy(flight.reply.data))
    error = flight.error
    if not isinstance(error, Exception):  # the leader was interrupted (KeyboardInterrupt...)
        raise NokoTransportError("the request this call shared was interrupted")
    clone = type(error).__new__(type(error))
    clone.args = error.args
    clone.__dict__.update(error.__dict__)
    raise clone from None


def error_class(status: int) -> type[NokoHTTPError]:
    """The single status -> error class mapping."""
    return NokoServerError if status >= 500 else _ERROR_CLASSES.get(status, NokoHTTPError)


class Transport:
    """Sends requests to one Noko base URL; the token goes only to that URL's origin."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str,
        user_agent: str,
        policy: Policy,
        limiter: Limiter,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        coalesce: bool = True,
    ) -> None:
        self._token = token
        self.base_url = base_url.rstrip("/")
        self.user_agent = user_agent
        self.policy = policy
        self.limiter = limiter
        self._owns_session = session is None
        self._session = session if session is not None else _pooled_session()
        self._sleep = sleep
        self._flights: SingleFlight | None = SingleFlight() if coalesce else None

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r}, user_agent={self.user_agent!r})"

    def close(self) -> None:
        """Close the session if this transport created it (a caller's session is theirs)."""
        if self._owns_session:
            self._session.close()

    def send(
        self,
        method: str,
        target: str,
        *,
        query: Mapping[str, object] | None = None,
        body: Any = None,
    ) -> Reply:
        """Send with pacing and retries; ``target`` is a path or an absolute URL used verbatim.

        Concurrent identical GETs (same URL and query; same token, as this transport has one)
        share one request: see ``SingleFlight``. Interactive and background callers never share
        one, so an interactive caller never waits behind background pacing.
        """
        method = method.upper()
        url = self._url(target, query)
        if method == "GET" and self._flights is not None:
            return self._flights.run((url, is_background()), lambda: self._send(method, url, body))
        return self._send(method, url, body)

    def _send(self, method: str, url: str, body: Any) -> Reply:
        # Set once an attempt of this write was sent but never answered: from then on only a
        # success tells what happened, and any other ending is "outcome unknown".
        unanswered = False
        for attempt in itertools.count():
            try:
                response = self._exchange(method, url, body)
            except _TRANSIENT as exc:
                unanswered = unanswered or (method in WRITES and not _never_connected(exc))
                delay = self._delay_after_failure(method, exc, attempt)
                if delay is None:
                    raise self._transport_error(method, url, exc, unanswered) from None
                self._pause(method, url, delay, type(exc).__name__, shared=False)
                continue
            except requests.RequestException as exc:
                raise self._transport_error(method, url, exc, unanswered) from None
            if method in WRITES and response.status_code in GATEWAY_STATUSES:
                unanswered = True
            delay = self._delay_after_status(method, response, attempt)
            if delay is None:
                if unanswered:
                    return self._settle(method, url, response)
                return self._reply(method, url, response)
            status = response.status_code
            response.close()
            self._pause(method, url, delay, f"status {status}", shared=status == 429)
        raise AssertionError("unreachable")

    def _url(self, target: str, query: Mapping[str, object] | None) -> str:
        if target.startswith(("http://", "https://")):
            url = target
        else:
            url = f"{self.base_url}/{target.lstrip('/')}"
        encoded = query_string(query or {})
        return f"{url}{'&' if '?' in url else '?'}{encoded}" if encoded else url

    def _exchange(self, method: str, url: str, body: Any) -> requests.Response:
        # Redirects are followed here rather than by requests, which would forward X-NokoToken
        # to another host (it strips only the Authorization header).
        for _ in range(_MAX_REDIRECTS + 1):
            response = self._hop(method, url, body)
            location = response.headers.get("Location")
            if response.status_code not in _REDIRECTS or not location:
                return response
            response.close()
            url = urljoin(url, location)
            if response.status_code == 303 or (response.status_code < 303 and method == "POST"):
                method, body = "GET", None
        raise requests.TooManyRedirects(f"more than {_MAX_REDIRECTS} redirects")

    def _hop(self, method: str, url: str, body: Any) -> requests.Response:
        self.limiter.acquire()
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        started = time.monotonic()
        response = self._session.request(
            method,
            url,
            data=data,
            headers=self._headers(url, has_body=data is not None),
            timeout=self.policy.timeout,
            allow_redirects=False,
        )
        elapsed = time.monotonic() - started
        logger.debug("%s %s -> %s in %.3fs", method, _path(url), response.status_code, elapsed)
        return response

    def _headers(self, url: str, *, has_body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if _origin(url) == _origin(self.base_url):
            headers["X-NokoToken"] = self._token
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _delay_after_failure(self, method: str, exc: Exception, attempt: int) -> float | None:
        if attempt >= self.policy.max_retries:
            return None
        # A POST is re-sent only when the connection was never made: after a read timeout or a
        # dropped connection the server may already have created the object.
        if method in IDEMPOTENT or _never_connected(exc):
            return self._backoff(attempt)
        return None

    def _delay_after_status(
        self, method: str, response: requests.Response, attempt: int
    ) -> float | None:
        status = response.status_code
        if attempt >= self.policy.max_retries or status not in RETRY_STATUSES:
            return None
        # A 429 is refused by Noko's limiter before the app runs, so even a POST is safe to
        # re-send; a 5xx POST may have been processed.
        if method not in IDEMPOTENT and status != 429:
            return None
        hinted = retry_after(response.headers.get("Retry-After"))
        if hinted is None:
            return self._backoff(attempt)
        # Honour the hint exactly; one longer than backoff_max is reported, not slept through.
        return hinted if hinted <= self.policy.backoff_max else None

    def _backoff(self, attempt: int) -> float:
        return full_jitter(attempt, self.policy.backoff_base, self.policy.backoff_max)

    def _pause(self, method: str, url: str, delay: float, why: str, *, shared: bool) -> None:
        logger.debug("retrying %s %s in %.2fs after %s", method, _path(url), delay, why)
        if shared:
            # Noko rate-limits per IP: hold back every thread of this client, not only this one.
            self.limiter.defer(delay)
        else:
            self._sleep(delay)

    def _reply(self, method: str, url: str, response: requests.Response) -> Reply:
        if not 200 <= response.status_code < 300:
            raise self._http_error(method, url, response)
        next_link = response.links.get("next", {}).get("url")
        return Reply(response.status_code, self._decode(method, url, response), next_link)

    def _settle(self, method: str, url: str, response: requests.Response) -> Reply:
        """The answer to a write re-sent after an earlier attempt went unanswered."""
        status = response.status_code
        if 200 <= status < 300:
            return self._reply(method, url, response)
        response.close()
        if method == "DELETE" and status == 404:
            # The one home of this rule: the unanswered attempt deleted it, so the delete is done.
            logger.info("DELETE %s: 404 after an unanswered attempt, counted as done", _path(url))
            return Reply(status, None, None)
        what = f"no answer to an attempt, then status {status}"
        raise self._unknown_error(method, url, what)

    def _unknown_error(self, method: str, url: str, what: str) -> NokoOutcomeUnknownError:
        path = _path(url)
        message = self._redact(f"{method} {path}: {what}; the change may or may not have been made")
        return NokoOutcomeUnknownError(message, method=method, path=path)

    def _decode(self, method: str, url: str, response: requests.Response) -> Any:
        if response.status_code == 204 or not response.content.strip():
            return None
        if not _is_json(response):
            return response.text
        try:
            return response.json()
        except ValueError:
            raise NokoTransportError(f"{method} {_path(url)}: response is not valid JSON") from None

    def _http_error(self, method: str, url: str, response: requests.Response) -> NokoHTTPError:
        status, path = response.status_code, _path(url)
        message, errors = _error_details(response)
        if not message:
            reason = _REASONS.get(status) or response.reason or "HTTP error"
            message = f"{reason}: {method} {path}"
        error = error_class(status)(status, self._redact(message), errors, method, path)
        if isinstance(error, NokoRateLimitError):
            error.retry_after = retry_after(response.headers.get("Retry-After"))
        return error

    def _transport_error(
        self, method: str, url: str, exc: Exception, unanswered: bool
    ) -> NokoTransportError:
        # Built from our own words: requests' messages embed the full URL, query included.
        if isinstance(exc, requests.ConnectTimeout):
            what = f"could not connect within {self.policy.timeout}s"
        elif isinstance(exc, requests.Timeout):
            what = f"no response within {self.policy.timeout}s"
        elif isinstance(exc, requests.ConnectionError):
            what = "connection refused or dropped"
        else:
            what = type(exc).__name__
        if unanswered:
            return self._unknown_error(method, url, what)
        return NokoTransportError(self._redact(f"{method} {_path(url)}: {what}"))

    def _redact(self, text: str) -> str:
        # Our messages never include the token; this guards server-echoed text. Very short
        # (test) tokens are skipped: replacing them would garble every message.
        return text.replace(self._token, "[token]") if len(self._token) >= 8 else text


def _error_details(response: requests.Response) -> tuple[str, list[dict[str, Any]]]:
    if not _is_json(response) or not response.content.strip():
        return "", []
    try:
        payload = response.json()
    except ValueError:
        return "", []
    if not isinstance(payload, dict):
        return "", []
    message = payload.get("message") or payload.get("error_description") or ""
    errors = payload.get("errors")
    items = [item for item in errors if isinstance(item, dict)] if isinstance(errors, list) else []
    return str(message), items


def _never_connected(exc: Exception) -> bool:
    if isinstance(exc, requests.ConnectTimeout):
        return True
    # requests wraps urllib3's NewConnectionError (refused, unresolvable); matched by name
    # because noko_core does not import urllib3 directly.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return any(cls.__name__ == "NewConnectionError" for cls in type(reason).__mro__)


def _is_json(response: requests.Response) -> bool:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _path(url: str) -> str:
    return urlsplit(url).path


def _pooled_session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
