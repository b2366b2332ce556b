"""The Socket Mode fake behaves like Slack where the socket process test relies on it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest
import requests

pytest.importorskip("websockets", reason="the Socket Mode fake needs websockets (the test extra)")

from socketproc import wait_until
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from bot.devtools.fake_slack import FakeSlack
from bot.devtools.fake_socket_mode import DEFAULT_APP_TOKEN, FakeSocketMode


@pytest.fixture
def fakes() -> Iterator[tuple[FakeSlack, FakeSocketMode]]:
    with FakeSlack() as slack, FakeSocketMode(slack) as socket_mode:
        yield slack, socket_mode


def open_connection(slack: FakeSlack, token: str | None = DEFAULT_APP_TOKEN) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.post(slack.api_url + "apps.connections.open", headers=headers, timeout=5)
    body = answer.json()
    assert isinstance(body, dict)
    return body


@contextlib.contextmanager
def connected(slack: FakeSlack) -> Iterator[ClientConnection]:
    with connect(str(open_connection(slack)["url"]), compression=None) as client:
        assert json.loads(client.recv(timeout=5))["type"] == "hello"
        yield client


@pytest.mark.parametrize(
    ("token", "error"),
    [
        (None, "not_authed"),
        ("xoxb-a-bot-token", "not_allowed_token_type"),
        ("xapp-1-A0001-another-app", "invalid_auth"),
        ("garbage", "invalid_auth"),
    ],
)
def test_connections_open_refuses_anything_but_the_app_token(fakes, token, error) -> None:
    slack, _ = fakes
    assert open_connection(slack, token) == {"ok": False, "error": error}


def test_connections_open_gives_a_local_websocket_url(fakes) -> None:
    slack, socket_mode = fakes
    answer = open_connection(slack)
    assert answer["ok"] is True
    assert str(answer["url"]).startswith(f"ws://127.0.0.1:{socket_mode.port}/link/?ticket=")


def test_connection_starts_with_hello_naming_the_app(fakes) -> None:
    slack, socket_mode = fakes
    with connect(str(open_connection(slack)["url"]), compression=None) as client:
        hello = json.loads(client.recv(timeout=5))
        socket_mode.wait_connected()
    assert hello["type"] == "hello" and hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A0001"}


def test_a_url_opens_one_connection_only(fakes) -> None:
    slack, socket_mode = fakes
    url = str(open_connection(slack)["url"])
    with connect(url, compression=None):
        with pytest.raises(InvalidStatus) as refused:
            connect(url, compression=None)
        assert refused.value.response.status_code == 401
    assert socket_mode.connections_opened == 1
    assert len(socket_mode.problems) == 1


def test_an_ack_with_its_envelope_id_is_recorded_with_its_payload(fakes) -> None:
    slack, socket_mode = fakes
    with connected(slack) as client:
        socket_mode.wait_connected()
        envelope_id = socket_mode.send_slash_command("list", user_id="U1", response_url="x")
        envelope = json.loads(client.recv(timeout=5))
        client.send(json.dumps({"envelope_id": envelope["envelope_id"], "payload": {"text": "ok"}}))
        ack = socket_mode.wait_for_ack(envelope_id)
    assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True
    assert envelope["payload"]["command"] == "/noko-team" and envelope["payload"]["text"] == "list"
    assert ack.payload == {"text": "ok"}
    assert socket_mode.problems == []


@pytest.mark.parametrize(
    ("frame", "problem"),
    [
        ("{}", "an ack without envelope_id"),
        ('{"envelope_id": "never-sent"}', "an ack for an envelope never delivered"),
        ("not json", "not a JSON object"),
        (b'{"envelope_id": "x"}', "not a JSON object in a text frame"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_confused_frames_are_problems_not_acks(fakes, frame, problem) -> None:
    slack, socket_mode = fakes
    with connected(slack) as client:
        client.send(frame)
        wait_until(lambda: socket_mode.problems, "the problem recorded", timeout=10)
    assert len(socket_mode.problems) == 1 and socket_mode.problems[0].startswith(problem)


def test_a_second_ack_for_one_envelope_is_a_problem(fakes) -> None:
    slack, socket_mode = fakes
    with connected(slack) as client:
        socket_mode.wait_connected()
        envelope_id = socket_mode.send_envelope("slash_commands", {"text": "x"})
        client.send(json.dumps({"envelope_id": envelope_id}))
        client.send(json.dumps({"envelope_id": envelope_id}))
        socket_mode.wait_for_ack(envelope_id)
    socket_mode.wait_closed()
    assert [p.split(":")[0] for p in socket_mode.problems] == ["a second ack for one envelope"]


def test_delivering_without_a_connection_fails_loudly(fakes) -> None:
    _, socket_mode = fakes
    with pytest.raises(AssertionError, match="no open Socket Mode connection"):
        socket_mode.send_envelope("slash_commands", {})
