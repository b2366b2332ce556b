"""The access token never appears in a URL, a message, a repr or a log line."""

from __future__ import annotations

import logging

import pytest
from client_helpers import TOKEN, make_client
from wire import Wire, answer, timed_out, wired_client

from noko_core import NokoClient, NokoError
from noko_core.sandbox import Sandbox

# A server that echoes what it got: the token must still not come back out of the client.
ECHOED = {"message": f"bad request for {TOKEN}", "errors": [{"field": "user_ids"}]}


def _failures(client: NokoClient) -> list[NokoError]:
    caught: list[NokoError] = []
    calls = [
        lambda: client.list_teams(name="secret?", user_ids=[1, 2]),  # 500, query in the URL
        lambda: client.list_users(role="leader", email="a@b.c"),  # read timeouts, retried
        lambda: client.get_single_team(424242),  # html 404
        lambda: client.create_team(name="x", user_ids=[99999]),  # 400 echoing the token
        lambda: client.list_entries(billable="maybe"),  # input error
        lambda: client.request("GET", "/teams", params={"noko_token": TOKEN}),  # refused
        lambda: client.request("GET", "/teams", params={"page": "x"}),  # 422 echoing it
    ]
    for call in calls:
        try:
            call()
        except NokoError as exc:
            caught.append(exc)
    return caught


def test_token_never_in_urls_errors_reprs_or_logs(
    wire: Wire, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wire.then(answer(500), timed_out(), timed_out(), answer(404, text=" "))
    wire.then(answer(400, json=ECHOED), answer(422, json=ECHOED))
    client = wired_client(wire, max_retries=1)

    errors = _failures(client)

    assert len(errors) == 7
    assert wire.unused == 0  # the input errors sent nothing
    texts = [repr(client), caplog.text, *(sent.url for sent in wire.sent)]
    texts += [f"{exc!s} {exc!r} {exc.args!r} {vars(exc)!r}" for exc in errors]
    assert all(TOKEN not in text for text in texts)
    assert all(sent.headers["x-nokotoken"] == TOKEN for sent in wire.sent)  # a header only
    client.close()


def test_wrong_token_is_not_echoed(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    """End to end: urllib3's own DEBUG lines are in the log too."""
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-but-still-secret-42"
    with make_client(sb, token=wrong) as client, pytest.raises(NokoError) as caught:
        client.get_account()

    assert wrong not in f"{caught.value!s} {caught.value!r} {client!r} {caplog.text}"
    assert "urllib3" in {record.name.split(".")[0] for record in caplog.records}


def test_debug_log_has_method_path_status_and_time(
    wire: Wire, wired: NokoClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="noko_core")
    wire.then(answer(json=[]))

    wired.list_teams(name="Eng")

    messages = [r.getMessage() for r in caplog.records if r.name == "noko_core"]
    assert len(messages) == 1
    assert messages[0].startswith("GET /v2/teams -> 200 in ")
    assert "Eng" not in messages[0]  # queries are not logged
