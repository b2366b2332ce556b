"""Retries: what is retried (429, 502/503/504, drops on idempotent verbs), how long the client
waits first, and what is never re-sent. In process: the real sockets are in test_client_faults_e2e.
"""

from __future__ import annotations

import pytest
from wire import BASE_URL, FakeClock, Wire, answer, dropped, refused, timed_out, wired_client

from noko_core import (
    NokoClient,
    NokoOutcomeUnknownError,
    NokoRateLimitError,
    NokoServerError,
    NokoTransportError,
)

MAX_RETRIES = 4  # the client's default
BACKOFF_BASE = 0.5  # the client's default: attempt n waits at most 0.5 * 2**n seconds
TEAM = {"id": 2, "name": "Design", "users": []}


def _same_request_each_time(wire: Wire, count: int) -> None:
    assert len(wire.sent) == count
    assert all(sent == wire.sent[0] for sent in wire.sent), "a retry must re-send it unchanged"


def _backoffs_within_bounds(sleeps: list[float]) -> None:
    assert all(0 <= wait <= BACKOFF_BASE * 2**n for n, wait in enumerate(sleeps)), sleeps


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_is_retried_until_success(
    wire: Wire, wired: NokoClient, clock: FakeClock, status: int
) -> None:
    wire.then(answer(status), answer(status), answer(json=[TEAM]))

    teams = wired.list_teams()

    assert teams == [TEAM]
    _same_request_each_time(wire, 3)
    assert len(clock.sleeps) == 2
    _backoffs_within_bounds(clock.sleeps)


def test_429_mid_listing_keeps_pages_already_fetched(wire: Wire, wired: NokoClient) -> None:
    page_2 = f"{BASE_URL}/teams/1/entries?page=2&per_page=100"
    wire.then(
        answer(json=[{"id": 1}], headers={"Link": f'<{page_2}>; rel="next"'}),
        answer(429),
        answer(json=[{"id": 2}]),
    )

    entries = wired.get_entries_for_users_in_team(1, per_page=100)

    assert entries == [{"id": 1}, {"id": 2}]
    assert [sent.url for sent in wire.sent][1:] == [page_2, page_2]


def test_429_after_retries_exhausted(wire: Wire, wired: NokoClient) -> None:
    wire.then(*[answer(429)] * (MAX_RETRIES + 1))

    with pytest.raises(NokoRateLimitError) as caught:
        wired.list_users()

    assert caught.value.status == 429
    _same_request_each_time(wire, MAX_RETRIES + 1)


def test_503_after_retries_exhausted(wire: Wire, wired: NokoClient, clock: FakeClock) -> None:
    wire.then(*[answer(503, json={"message": "Busy"})] * (MAX_RETRIES + 1))

    with pytest.raises(NokoServerError) as caught:
        wired.get_account()

    assert (caught.value.status, caught.value.message) == (503, "Busy")
    _same_request_each_time(wire, MAX_RETRIES + 1)
    _backoffs_within_bounds(clock.sleeps)


def test_max_retries_zero_sends_once(wire: Wire) -> None:
    wire.then(answer(503))

    with wired_client(wire, max_retries=0) as client, pytest.raises(NokoServerError):
        client.get_account()

    assert len(wire.sent) == 1


def test_500_is_not_retried(wire: Wire, wired: NokoClient, clock: FakeClock) -> None:
    wire.then(answer(500, json={"message": "Boom"}))

    with pytest.raises(NokoServerError):
        wired.get_account()

    assert len(wire.sent) == 1
    assert clock.sleeps == []


def test_retry_after_is_honoured_exactly(wire: Wire, wired: NokoClient, clock: FakeClock) -> None:
    wire.then(answer(429, headers={"Retry-After": "3"}), answer(json={"id": 1}))

    wired.get_account()

    _same_request_each_time(wire, 2)
    assert clock.sleeps == [3.0]  # the server's hint, not the (shorter) backoff


def test_retry_after_beyond_backoff_max_is_reported_not_slept(wire: Wire, clock: FakeClock) -> None:
    wire.then(answer(429, headers={"Retry-After": "120"}))

    with (
        wired_client(wire, clock, backoff_max=5.0) as client,
        pytest.raises(NokoRateLimitError) as caught,
    ):
        client.get_account()

    assert caught.value.retry_after == 120
    assert len(wire.sent) == 1
    assert clock.sleeps == []


def test_post_is_resent_after_429(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(429), answer(201, json=TEAM))

    team = wired.create_team(name="After 429", user_ids=[1])

    _same_request_each_time(wire, 2)
    assert wire.sent[0].json == {"name": "After 429", "user_ids": [1]}
    assert team == TEAM


@pytest.mark.parametrize(
    ("status", "error"),
    # 503: Noko refused the request. 502/504: a gateway got no answer; the change may be made.
    [(502, NokoOutcomeUnknownError), (503, NokoServerError), (504, NokoOutcomeUnknownError)],
)
def test_post_is_not_resent_after_5xx(
    wire: Wire, wired: NokoClient, status: int, error: type[Exception]
) -> None:
    wire.then(answer(status))

    with pytest.raises(error):
        wired.add_users_to_team(1, [2])

    assert [(s.method, s.path) for s in wire.sent] == [("POST", "/v2/teams/1/add_users")]


@pytest.mark.parametrize("failure", [timed_out, dropped], ids=["read timeout", "dropped"])
def test_post_is_not_resent_after_an_unanswered_attempt(
    wire: Wire, wired: NokoClient, failure: object
) -> None:
    wire.then(failure())  # type: ignore[operator]

    with pytest.raises(NokoTransportError):
        wired.create_team(name="Maybe created", user_ids=[1])

    assert len(wire.sent) == 1


@pytest.mark.parametrize("failure", [timed_out, dropped], ids=["read timeout", "dropped"])
@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda c: c.get_single_team(2), "GET"),
        (lambda c: c.edit_team(2, "Design"), "PUT"),
        (lambda c: c.delete_team(2), "DELETE"),
    ],
    ids=["GET", "PUT", "DELETE"],
)
def test_idempotent_request_is_retried_after_an_unanswered_attempt(
    wire: Wire, wired: NokoClient, call: object, method: str, failure: object
) -> None:
    wire.then(failure(), answer(json=TEAM))  # type: ignore[operator]

    call(wired)  # type: ignore[operator]

    _same_request_each_time(wire, 2)
    assert wire.sent[0].method == method


def test_refused_connection_is_retried_even_for_post(
    wire: Wire, wired: NokoClient, clock: FakeClock
) -> None:
    wire.then(*[refused() for _ in range(MAX_RETRIES + 1)])

    with pytest.raises(NokoTransportError) as caught:
        wired.create_team(name="x")

    assert str(caught.value) == "POST /v2/teams: connection refused or dropped"
    # The connection was never made, so re-sending the POST cannot duplicate anything.
    _same_request_each_time(wire, MAX_RETRIES + 1)
    assert len(clock.sleeps) == MAX_RETRIES
    _backoffs_within_bounds(clock.sleeps)
