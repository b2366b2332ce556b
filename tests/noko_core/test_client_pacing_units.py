"""Pure helpers: Retry-After, backoff bounds, limiter slots on a fake clock, error mapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from wire import FakeClock, Wire, answer

from noko_core import (
    NokoAuthError,
    NokoClient,
    NokoForbiddenError,
    NokoHTTPError,
    NokoNotFoundError,
    NokoRateLimitError,
    NokoServerError,
    NokoValidationError,
)
from noko_core.ratelimit import RateLimiter, full_jitter, retry_after
from noko_core.transport import error_class


@pytest.mark.parametrize(("header", "seconds"), [("3", 3.0), ("0.5", 0.5), ("-4", 0.0)])
def test_retry_after_delta_seconds(header: str, seconds: float) -> None:
    assert retry_after(header) == seconds


def test_retry_after_http_date() -> None:
    header = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)

    assert 25 <= (retry_after(header) or 0) <= 30


@pytest.mark.parametrize("header", [None, "", "soon", "Mon, 99 Foo 2024"])
def test_retry_after_unusable_is_none(header: str | None) -> None:
    assert retry_after(header) is None


def test_full_jitter_stays_under_the_exponential_ceiling() -> None:
    delays = [full_jitter(attempt, 0.5, 4.0) for attempt in range(6) for _ in range(50)]

    assert all(0 <= d <= 4.0 for d in delays)
    assert max(full_jitter(0, 0.5, 4.0) for _ in range(50)) <= 0.5


def test_limiter_gives_consecutive_slots_half_a_second_apart() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)

    waits = [limiter.acquire() for _ in range(4)]

    assert waits == [0.0, 0.5, 0.5, 0.5]
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_limiter_defer_holds_back_the_next_slot() -> None:
    clock = FakeClock()
    limiter = RateLimiter(None, clock=clock, sleep=clock.sleep)
    limiter.acquire()

    limiter.defer(3.0)

    assert limiter.acquire() == 3.0


def test_client_paces_two_requests_per_second_by_default() -> None:
    wire, clock = Wire(*[answer(json={}) for _ in range(3)]), FakeClock()

    with NokoClient("tok", session=wire, clock=clock, sleep=clock.sleep) as client:
        for _ in range(3):
            client.get_account()

    assert clock.sleeps == [0.5, 0.5]
    assert len(wire.sent) == 3


def test_429_holds_back_the_clients_next_request_through_the_shared_limiter() -> None:
    # Noko limits per IP: after a 429 every request of the client waits, not only the retry.
    wire, clock = Wire(answer(429, headers={"Retry-After": "2"}), answer(json={})), FakeClock()

    with NokoClient("tok", session=wire, clock=clock, sleep=clock.sleep) as client:
        client.get_account()

    assert clock.sleeps == [2.0]  # the hint replaces the 0.5 s slot, it is not added to it


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, NokoValidationError),
        (422, NokoValidationError),
        (401, NokoAuthError),
        (403, NokoForbiddenError),
        (404, NokoNotFoundError),
        (429, NokoRateLimitError),
        (500, NokoServerError),
        (503, NokoServerError),
        (409, NokoHTTPError),
    ],
)
def test_status_maps_to_one_error_class(status: int, expected: type[NokoHTTPError]) -> None:
    assert error_class(status) is expected
