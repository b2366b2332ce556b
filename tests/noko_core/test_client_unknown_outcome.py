"""Writes whose answer is lost: NokoOutcomeUnknownError, and a re-sent DELETE's 404 is done.

In process; the same endings over real sockets, with the sandbox's state, are in
test_client_faults_e2e.
"""

from __future__ import annotations

import pytest
from wire import Wire, answer, dropped, refused, timed_out, wired_client

from noko_core import (
    NokoClient,
    NokoNotFoundError,
    NokoOutcomeUnknownError,
    NokoServerError,
    NokoTransportError,
)

NOT_FOUND = answer(404, text=" ")  # Noko's 404: text/html, one space


@pytest.mark.parametrize("failure", [dropped, timed_out], ids=["dropped", "read timeout"])
def test_post_whose_answer_is_lost_is_unknown(
    wire: Wire, wired: NokoClient, failure: object
) -> None:
    wire.then(failure())  # type: ignore[operator]

    with pytest.raises(NokoOutcomeUnknownError) as caught:
        wired.create_team(name="Applied", user_ids=[1])

    assert (caught.value.method, caught.value.path) == ("POST", "/v2/teams")
    assert "may or may not have been made" in str(caught.value)
    assert len(wire.sent) == 1


def test_put_unanswered_on_every_attempt_is_unknown(wire: Wire) -> None:
    wire.then(timed_out(), timed_out())

    with wired_client(wire, max_retries=1) as c, pytest.raises(NokoOutcomeUnknownError):
        c.edit_team(2, "Held rename")

    assert [s.method for s in wire.sent] == ["PUT", "PUT"]


def test_put_resent_after_a_lost_answer_succeeds(wire: Wire, wired: NokoClient) -> None:
    wire.then(dropped(), answer(204))

    assert wired.remove_all_users_from_team(2) is None

    assert [(s.method, s.path) for s in wire.sent] == [("PUT", "/v2/teams/2/remove_all_users")] * 2


def test_delete_resent_after_a_lost_answer_counts_404_as_done(
    wire: Wire, wired: NokoClient
) -> None:
    wire.then(dropped(), NOT_FOUND)

    assert wired.delete_team(2) is None

    assert [(s.method, s.path) for s in wire.sent] == [("DELETE", "/v2/teams/2")] * 2


def test_delete_of_a_missing_team_is_still_not_found(wire: Wire, wired: NokoClient) -> None:
    wire.then(NOT_FOUND)

    with pytest.raises(NokoNotFoundError):
        wired.delete_team(999_999)

    assert len(wire.sent) == 1


def test_put_resent_after_a_lost_answer_then_404_is_unknown(wire: Wire, wired: NokoClient) -> None:
    # Only a DELETE's 404 tells that the lost attempt did the work; a PUT's does not.
    wire.then(dropped(), NOT_FOUND)

    with pytest.raises(NokoOutcomeUnknownError) as caught:
        wired.edit_team(2, "Renamed")

    assert "then status 404" in str(caught.value)


def test_delete_without_retries_after_a_lost_answer_is_unknown(wire: Wire) -> None:
    wire.then(dropped())

    with wired_client(wire, max_retries=0) as c, pytest.raises(NokoOutcomeUnknownError):
        c.delete_team(2)

    assert len(wire.sent) == 1


def test_resent_write_refused_after_a_lost_answer_is_unknown(wire: Wire) -> None:
    wire.then(dropped(), answer(503), answer(503))

    with wired_client(wire, max_retries=2) as c, pytest.raises(NokoOutcomeUnknownError) as e:
        c.edit_team(2, "Renamed, answer lost")

    assert "then status 503" in str(e.value)
    assert len(wire.sent) == 3


def test_read_that_times_out_is_not_unknown(wire: Wire) -> None:
    wire.then(timed_out())

    with wired_client(wire, max_retries=0) as c, pytest.raises(NokoTransportError) as e:
        c.get_account()

    assert not isinstance(e.value, NokoOutcomeUnknownError)
    assert str(e.value) == "GET /v2/account: no response within 30.0s"


def test_refused_connection_is_not_unknown(wire: Wire) -> None:
    wire.then(refused())

    with wired_client(wire, max_retries=0) as c, pytest.raises(NokoTransportError) as caught:
        c.create_team(name="Never sent")

    assert not isinstance(caught.value, NokoOutcomeUnknownError)


def test_put_answered_by_a_gateway_timeout_on_every_attempt_is_unknown(wire: Wire) -> None:
    wire.then(answer(504), answer(504))

    with wired_client(wire, max_retries=1) as c, pytest.raises(NokoOutcomeUnknownError):
        c.edit_team(2, "Behind a gateway")

    assert len(wire.sent) == 2


def test_get_answered_by_a_gateway_timeout_on_every_attempt_is_a_server_error(
    wire: Wire,
) -> None:
    wire.then(answer(504), answer(504))

    with wired_client(wire, max_retries=1) as c, pytest.raises(NokoServerError) as caught:
        c.get_single_team(2)

    assert not isinstance(caught.value, NokoOutcomeUnknownError)


def test_delete_after_a_gateway_timeout_then_404_is_done(wire: Wire) -> None:
    # The gateway timed out while Noko deleted the team; the re-sent DELETE finds it gone.
    wire.then(answer(502), NOT_FOUND)

    with wired_client(wire, max_retries=2) as c:
        assert c.delete_team(4) is None

    assert [(s.method, s.path) for s in wire.sent] == [("DELETE", "/v2/teams/4")] * 2
