"""The access token never appears in a message, a repr or a log line."""

from __future__ import annotations

import logging

import pytest
from client_helpers import TOKEN, make_client

from noko_core import NokoClient, NokoError
from noko_core.sandbox import Sandbox


def _failures(sb: Sandbox, client: NokoClient) -> list[NokoError]:
    caught: list[NokoError] = []
    sb.inject("status", status=500, path="/v2/teams")
    sb.inject("stall", method="GET", path="/v2/users", seconds=0.5, count=2)
    calls = [
        lambda: client.list_teams(name="secret?", user_ids=[1, 2]),  # 500, query in the URL
        lambda: client.list_users(role="leader", email="a@b.c"),  # read timeouts, retried
        lambda: client.get_single_team(424242),  # html 404
        lambda: client.create_team(name="x", user_ids=[99999]),  # 400 with errors
        lambda: client.list_entries(billable="maybe"),  # input error
        lambda: client.request("GET", "/teams", params={"noko_token": TOKEN}),  # refused
        lambda: client.request("GET", "/teams", params={"page": "x"}),  # 400 from the server
    ]
    for call in calls:
        try:
            call()
        except NokoError as exc:
            caught.append(exc)
    return caught


def test_token_never_in_errors_reprs_or_logs(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(sb, timeout=0.2, max_retries=1)

    errors = _failures(sb, client)

    assert len(errors) == 7
    texts = [repr(client), caplog.text]
    texts += [f"{exc!s} {exc!r} {exc.args!r} {vars(exc)!r}" for exc in errors]
    assert all(TOKEN not in text for text in texts)
    assert TOKEN not in str(sb.requests[0].raw_query)  # it travels as a header only
    client.close()


def test_wrong_token_is_not_echoed(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-but-still-secret-42"
    with make_client(sb, token=wrong) as client, pytest.raises(NokoError) as caught:
        client.get_account()

    assert wrong not in f"{caught.value!s} {caught.value!r} {client!r} {caplog.text}"


def test_debug_log_has_method_path_status_and_time(
    sb: Sandbox, client: NokoClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="noko_core")

    client.list_teams(name="Eng")

    messages = [r.getMessage() for r in caplog.records if r.name == "noko_core"]
    assert len(messages) == 1
    assert messages[0].startswith("GET /v2/teams -> 200 in ")
    assert "Eng" not in messages[0]  # queries are not logged
