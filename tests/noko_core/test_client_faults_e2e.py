"""Real sockets on 127.0.0.1: drops, stalls and refusals reach the client as the failures it
decides on (the decisions themselves are pinned in process, in test_client_retries and
test_client_unknown_outcome), and the sandbox's state shows what happened."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
import requests
from client_helpers import TOKEN, make_client, wait_for
from wire import dropped, refused, timed_out

from noko_core import NokoClient, NokoOutcomeUnknownError, NokoTransportError
from noko_core.sandbox import Sandbox


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again on exit: nothing listens there


def _real_failure(sb: Sandbox, kind: str) -> BaseException:
    url = f"{sb.base_url}/account"
    if kind == "refused":
        url = f"http://127.0.0.1:{_closed_port()}/v2/account"
    elif kind == "stall":
        sb.inject("stall", seconds=2.0)
    else:
        sb.inject(kind)
    try:
        requests.get(url, headers={"User-Agent": "t/1"}, timeout=0.3)
    except requests.RequestException as exc:
        return exc
    raise AssertionError(f"{kind}: the request did not fail")


@pytest.mark.parametrize(
    ("kind", "canned"), [("drop", dropped), ("stall", timed_out), ("refused", refused)]
)
def test_canned_failures_have_the_shape_requests_really_raises(
    sb: Sandbox, kind: str, canned: Callable[[], BaseException]
) -> None:
    real, fake = _real_failure(sb, kind), canned()

    assert type(real) is type(fake)
    assert type(real.args[0]) is type(fake.args[0])
    assert type(getattr(real.args[0], "reason", None)) is type(
        getattr(fake.args[0], "reason", None)
    )


def test_get_is_retried_after_a_drop(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("drop", method="GET", path="/v2/teams/2")

    team = client.get_single_team(2)

    assert [r.status for r in sb.requests] == [0, 200]
    assert team["id"] == 2


def test_get_is_retried_after_a_read_timeout(sb: Sandbox) -> None:
    sb.inject("stall", method="GET", path="/v2/current_user", seconds=0.6)

    with make_client(sb, timeout=0.2) as c:
        user = c.get_current_user()

    assert user["id"] == sb.store.current_user_id
    assert wait_for(lambda: len(sb.requests) == 2)
    assert sorted(r.status for r in sb.requests) == [0, 200]


def test_put_is_retried_after_a_drop(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    fresh_sb.inject("drop", method="PUT", path="/v2/teams/2/remove_all_users")

    fresh_client.remove_all_users_from_team(2)

    assert [r.status for r in fresh_sb.requests] == [0, 204]
    assert fresh_sb.store.teams[2].user_ids == []


def test_post_is_not_resent_after_a_read_timeout(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("stall", method="POST", path="/v2/teams", seconds=1.0)

    with make_client(fresh_sb, timeout=0.3) as c, pytest.raises(NokoTransportError):
        c.create_team(name="Maybe created", user_ids=[1])

    # The stalled request is recorded before its stall; the client has returned, so nothing
    # can follow it.
    assert [(r.method, r.status) for r in fresh_sb.requests] == [("POST", 0)]
    assert all(t.name != "Maybe created" for t in fresh_sb.store.teams.values())


def test_post_is_not_resent_after_a_dropped_connection(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("drop", method="POST", path="/v2/teams")

    with pytest.raises(NokoTransportError):
        fresh_client.create_team(name="Dropped", user_ids=[1])

    assert [(r.method, r.status) for r in fresh_sb.requests] == [("POST", 0)]


def test_refused_connection_is_retried_even_for_post() -> None:
    client = NokoClient(
        TOKEN,
        base_url=f"http://127.0.0.1:{_closed_port()}/v2",
        max_retries=2,
        sleep=lambda _: None,
    )

    with client, pytest.raises(NokoTransportError) as caught:
        client.create_team(name="x")

    assert str(caught.value) == "POST /v2/teams: connection refused or dropped"
    assert not isinstance(caught.value, NokoOutcomeUnknownError)


def test_post_whose_answer_is_dropped_is_unknown_and_made(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("apply-then-drop", method="POST", path="/v2/teams")

    with pytest.raises(NokoOutcomeUnknownError):
        fresh_client.create_team(name="Applied", user_ids=[1])

    assert [t.name for t in fresh_sb.store.teams.values()].count("Applied") == 1
    assert [(r.method, r.status) for r in fresh_sb.requests] == [("POST", 201)]


def test_post_whose_answer_is_held_past_the_timeout_is_unknown(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("apply-then-stall", seconds=1.0, method="POST", path="/add_users")

    with make_client(fresh_sb, timeout=0.3) as c, pytest.raises(NokoOutcomeUnknownError):
        c.add_users_to_team(3, [1])

    assert 1 in fresh_sb.store.teams[3].user_ids


def test_delete_resent_after_a_lost_answer_counts_404_as_done(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("apply-then-drop", method="DELETE", path="/v2/teams/2")

    assert fresh_client.delete_team(2) is None

    assert 2 not in fresh_sb.store.teams
    assert [(r.method, r.status) for r in fresh_sb.requests] == [
        ("DELETE", 204),
        ("DELETE", 404),
    ]
