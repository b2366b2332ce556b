"""Retries: what is retried (429, 502/503/504, drops on idempotent verbs) and what never is."""

from __future__ import annotations

import logging
import socket

import pytest
from client_helpers import TOKEN, make_client, settled_requests, wait_for

from noko_core import (
    NokoClient,
    NokoOutcomeUnknownError,
    NokoRateLimitError,
    NokoServerError,
    NokoTransportError,
)
from noko_core.sandbox import Sandbox

MAX_RETRIES = 3  # make_client's setting


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_is_retried_until_success(sb: Sandbox, client: NokoClient, status: int) -> None:
    sb.inject("status", status=status, count=2, path="/v2/teams")

    teams = client.list_teams()

    assert [r.status for r in settled_requests(sb)] == [status, status, 200]
    assert len(teams) == len(sb.store.teams)


def test_429_mid_listing_keeps_pages_already_fetched(sb: Sandbox, client: NokoClient) -> None:
    pages = client.iter_entries_for_users_in_team(1, per_page=100)
    first_page = [next(pages) for _ in range(100)]
    sb.inject("status", status=429, path="/v2/teams/1/entries")

    rest = list(pages)

    members = set(sb.store.teams[1].user_ids)
    expected = [e.id for e in sb.store.entries if e.user_id in members]
    assert [e["id"] for e in first_page + rest] == expected
    assert [r.status for r in settled_requests(sb)][:3] == [200, 429, 200]


def test_429_after_retries_exhausted(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("status", status=429, count=MAX_RETRIES + 1, path="/v2/users")

    with pytest.raises(NokoRateLimitError) as caught:
        client.list_users()

    assert caught.value.status == 429
    assert [r.status for r in settled_requests(sb)] == [429] * (MAX_RETRIES + 1)


def test_503_after_retries_exhausted(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("status", status=503, count=MAX_RETRIES + 1, path="/v2/account")

    with pytest.raises(NokoServerError) as caught:
        client.get_account()

    assert caught.value.status == 503
    assert len(settled_requests(sb)) == MAX_RETRIES + 1


def test_500_is_not_retried(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("status", status=500, path="/v2/account")

    with pytest.raises(NokoServerError):
        client.get_account()

    assert [r.status for r in settled_requests(sb)] == [500]


def test_retry_after_is_honoured(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("status", status=429, path="/v2/account", retry_after=1)

    client.get_account()

    first, second = settled_requests(sb)
    assert (first.status, second.status) == (429, 200)
    # backoff_base is 0.01 s: only the server's hint can explain a wait of about a second.
    assert second.received_at - first.received_at >= 0.95


def test_retry_after_beyond_backoff_max_is_reported_not_slept(sb: Sandbox) -> None:
    sb.inject("status", status=429, path="/v2/account", retry_after=120)

    with make_client(sb, backoff_max=5.0) as c, pytest.raises(NokoRateLimitError) as caught:
        c.get_account()

    assert caught.value.retry_after == 120
    assert len(settled_requests(sb)) == 1


def test_post_is_resent_after_429(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    fresh_sb.inject("status", status=429, method="POST", path="/v2/teams")

    team = fresh_client.create_team(name="After 429", user_ids=[1])

    assert [r.status for r in settled_requests(fresh_sb)] == [429, 201]
    assert [t.name for t in fresh_sb.store.teams.values()].count("After 429") == 1
    assert team["name"] == "After 429"


@pytest.mark.parametrize(
    ("status", "error"),
    # 503: Noko refused the request. 502/504: a gateway got no answer; the change may be made.
    [(502, NokoOutcomeUnknownError), (503, NokoServerError), (504, NokoOutcomeUnknownError)],
)
def test_post_is_not_resent_after_5xx(
    fresh_sb: Sandbox, fresh_client: NokoClient, status: int, error: type[Exception]
) -> None:
    fresh_sb.inject("status", status=status, method="POST", path="/v2/teams/1/add_users")

    with pytest.raises(error):
        fresh_client.add_users_to_team(1, [2])

    assert [(r.method, r.status) for r in settled_requests(fresh_sb)] == [("POST", status)]


def test_post_is_not_resent_after_a_read_timeout(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("stall", method="POST", path="/v2/teams", seconds=1.0)

    with make_client(fresh_sb, timeout=0.3) as c, pytest.raises(NokoTransportError):
        c.create_team(name="Maybe created", user_ids=[1])

    assert wait_for(lambda: len(fresh_sb.requests) >= 1)
    assert wait_for(lambda: False, timeout=1.2) is False  # outlast the stall: no late re-send
    assert [(r.method, r.status) for r in fresh_sb.requests] == [("POST", 0)]


def test_post_is_not_resent_after_a_dropped_connection(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("drop", method="POST", path="/v2/teams")

    with pytest.raises(NokoTransportError):
        fresh_client.create_team(name="Dropped", user_ids=[1])

    assert [(r.method, r.status) for r in settled_requests(fresh_sb)] == [("POST", 0)]


def test_get_is_retried_after_a_drop(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("drop", method="GET", path="/v2/teams/2")

    team = client.get_single_team(2)

    assert [r.status for r in settled_requests(sb)] == [0, 200]
    assert team["id"] == 2


def test_get_is_retried_after_a_read_timeout(sb: Sandbox) -> None:
    sb.inject("stall", method="GET", path="/v2/current_user", seconds=0.6)

    with make_client(sb, timeout=0.2) as c:
        user = c.get_current_user()

    assert user["id"] == sb.store.current_user_id
    assert wait_for(lambda: len(sb.requests) == 2)
    assert [r.status for r in sb.requests] == [0, 200] or [r.status for r in sb.requests] == [
        200,
        0,
    ]


def test_put_is_retried_after_a_drop(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    fresh_sb.inject("drop", method="PUT", path="/v2/teams/2/remove_all_users")

    fresh_client.remove_all_users_from_team(2)

    assert [r.status for r in settled_requests(fresh_sb)] == [0, 204]
    assert fresh_sb.store.teams[2].user_ids == []


def test_refused_connection_is_retried_even_for_post(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again on exit: nothing listens there
    client = NokoClient(
        TOKEN, base_url=f"http://127.0.0.1:{port}/v2", backoff_base=0.01, max_retries=2
    )
    caplog.set_level(logging.DEBUG, logger="noko_core")

    with client, pytest.raises(NokoTransportError) as caught:
        client.create_team(name="x")

    assert str(caught.value) == "POST /v2/teams: connection refused or dropped"
    # The connection was never made, so re-sending the POST cannot duplicate anything.
    assert len([r for r in caplog.records if r.getMessage().startswith("retrying POST")]) == 2
