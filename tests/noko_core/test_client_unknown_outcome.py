"""Writes whose answer is lost: NokoOutcomeUnknownError, and a re-sent DELETE's 404 is done."""

from __future__ import annotations

import socket

import pytest
from client_helpers import TOKEN, make_client, settled_requests

from noko_core import (
    NokoClient,
    NokoNotFoundError,
    NokoOutcomeUnknownError,
    NokoTransportError,
)
from noko_core.sandbox import Sandbox


def _names(sb: Sandbox) -> list[str]:
    return [t.name for t in sb.store.teams.values()]


def test_post_whose_answer_is_dropped_is_unknown(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("apply-then-drop", method="POST", path="/v2/teams")

    with pytest.raises(NokoOutcomeUnknownError) as caught:
        fresh_client.create_team(name="Applied", user_ids=[1])

    assert (caught.value.method, caught.value.path) == ("POST", "/v2/teams")
    assert "may or may not have been made" in str(caught.value)
    assert _names(fresh_sb).count("Applied") == 1
    assert [(r.method, r.status) for r in settled_requests(fresh_sb)] == [("POST", 201)]


def test_post_whose_answer_is_held_past_the_timeout_is_unknown(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("apply-then-stall", seconds=1.0, method="POST", path="/add_users")

    with make_client(fresh_sb, timeout=0.3) as c, pytest.raises(NokoOutcomeUnknownError):
        c.add_users_to_team(3, [1])

    assert 1 in fresh_sb.store.teams[3].user_ids


def test_put_held_on_every_attempt_is_unknown(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("apply-then-stall", seconds=0.6, method="PUT", path="/v2/teams/2", count=2)

    with (
        make_client(fresh_sb, timeout=0.2, max_retries=1) as c,
        pytest.raises(NokoOutcomeUnknownError),
    ):
        c.edit_team(2, "Held rename")

    assert fresh_sb.store.teams[2].name == "Held rename"


def test_put_resent_after_a_lost_answer_succeeds(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("apply-then-drop", method="PUT", path="/v2/teams/2/remove_all_users")

    fresh_client.remove_all_users_from_team(2)

    assert [r.status for r in settled_requests(fresh_sb)] == [204, 204]


def test_delete_resent_after_a_lost_answer_counts_404_as_done(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    fresh_sb.inject("apply-then-drop", method="DELETE", path="/v2/teams/2")

    assert fresh_client.delete_team(2) is None

    assert 2 not in fresh_sb.store.teams
    assert [(r.method, r.status) for r in settled_requests(fresh_sb)] == [
        ("DELETE", 204),
        ("DELETE", 404),
    ]


def test_delete_of_a_missing_team_is_still_not_found(fresh_client: NokoClient) -> None:
    with pytest.raises(NokoNotFoundError):
        fresh_client.delete_team(999_999)


def test_delete_without_retries_after_a_lost_answer_is_unknown(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("apply-then-drop", method="DELETE", path="/v2/teams/2")

    with make_client(fresh_sb, max_retries=0) as c, pytest.raises(NokoOutcomeUnknownError):
        c.delete_team(2)


def test_resent_write_refused_after_a_lost_answer_is_unknown(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("apply-then-drop", method="PUT", path="/v2/teams/2")
    fresh_sb.inject("status", status=503, method="PUT", path="/v2/teams/2", count=5)

    with make_client(fresh_sb, max_retries=2) as c, pytest.raises(NokoOutcomeUnknownError) as e:
        c.edit_team(2, "Renamed, answer lost")

    assert "then status 503" in str(e.value)


def test_read_that_times_out_is_not_unknown(sb: Sandbox) -> None:
    sb.inject("stall", seconds=0.6, method="GET", path="/v2/account")

    with make_client(sb, timeout=0.2, max_retries=0) as c, pytest.raises(NokoTransportError) as e:
        c.get_account()

    assert not isinstance(e.value, NokoOutcomeUnknownError)


def test_refused_connection_is_not_unknown() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = NokoClient(TOKEN, base_url=f"http://127.0.0.1:{port}/v2", max_retries=0)

    with client, pytest.raises(NokoTransportError) as caught:
        client.create_team(name="Never sent")

    assert not isinstance(caught.value, NokoOutcomeUnknownError)


def test_put_answered_by_a_gateway_timeout_on_every_attempt_is_unknown(fresh_sb: Sandbox) -> None:
    fresh_sb.inject("status", status=504, method="PUT", path="/v2/teams/2", count=5)

    with make_client(fresh_sb, max_retries=1) as c, pytest.raises(NokoOutcomeUnknownError):
        c.edit_team(2, "Behind a gateway")

    assert [r.status for r in settled_requests(fresh_sb)] == [504, 504]


def test_delete_after_a_gateway_timeout_then_404_is_done(fresh_sb: Sandbox) -> None:
    # The gateway timed out while Noko deleted the team; the re-sent DELETE finds it gone.
    fresh_sb.inject("status", status=502, method="DELETE", path="/v2/teams/4", count=1)
    fresh_sb.store.teams.pop(4)

    with make_client(fresh_sb, max_retries=2) as c:
        c.delete_team(4)

    assert [r.status for r in settled_requests(fresh_sb)] == [502, 404]
