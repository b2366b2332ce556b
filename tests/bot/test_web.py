"""The Flask app over real HTTP: signatures, /healthz, start-up settings checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests
from slackkit import signed_headers
from werkzeug.serving import make_server

from bot.app import create_app
from bot.settings import Settings, check_required
from bot.web import create_web_app, create_wsgi


@pytest.fixture
def server(settings, deps) -> Iterator[str]:
    http = make_server("127.0.0.1", 0, create_web_app(settings, deps), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=5)


def _command_body(fake, text="list"):
    return urlencode(
        {
            "team_id": "T0001",
            "user_id": "UCOWORK",
            "channel_id": "C0GENERAL",
            "command": "/noko-team",
            "text": text,
            "response_url": fake.response_url("http"),
            "trigger_id": "t.1",
        }
    )


def _post(url, body, headers):
    flat = {k: v[0] for k, v in headers.items()}
    return requests.post(f"{url}/slack/events", data=body.encode(), headers=flat, timeout=10)


def test_healthz(server):
    response = requests.get(f"{server}/healthz", timeout=5)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_signed_command_over_http_acks_and_replies(server, fake):
    body = _command_body(fake)
    response = _post(server, body, signed_headers(body, "application/x-www-form-urlencoded"))
    assert response.status_code == 200
    reply = fake.wait_for("response_url")[0]
    assert "Noko teams" in reply.args["text"]


def test_forged_signature_is_rejected(server, fake):
    body = _command_body(fake)
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    headers["x-slack-signature"] = ["v0=" + "0" * 64]
    assert _post(server, body, headers).status_code == 401
    assert fake.calls_to("response_url") == []


def test_old_timestamp_is_rejected(server, fake):
    body = _command_body(fake)
    stale = int(time.time()) - 6 * 60
    headers = signed_headers(body, "application/x-www-form-urlencoded", timestamp=stale)
    assert _post(server, body, headers).status_code == 401


def test_oauth_env_does_not_switch_bolt_to_oauth(settings, deps, monkeypatch):
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "shh")
    app = create_app(settings, deps)
    assert app.oauth_flow is None and app.installation_store is None


def test_http_mode_without_signing_secret_refuses_to_build(settings, deps):
    unsigned = settings.model_copy(update={"slack_signing_secret": None})
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        create_app(unsigned, deps)


def test_check_required_names_each_missing_variable():
    problems = check_required(Settings(_env_file=None), mode="http")
    text = "\n".join(problems)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "NOKO_ACCESS_TOKEN"):
        assert name in text
    assert all("\n" not in p for p in problems)


def test_check_required_socket_mode_needs_app_token():
    settings = Settings(_env_file=None, slack_bot_token="xoxb-1", noko_access_token="n")
    assert [p.split()[0] for p in check_required(settings, mode="socket")] == ["SLACK_APP_TOKEN"]


def test_create_wsgi_exits_2_naming_the_variable(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "NOKO_ACCESS_TOKEN", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORT", "not-a-port")
    with pytest.raises(SystemExit) as exit_info:
        create_wsgi()
    assert exit_info.value.code == 2
    assert "PORT is invalid" in capsys.readouterr().err


def test_view_submission_over_http_returns_inline_errors(server, fake):
    import json
    from urllib.parse import quote

    payload = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": "USUPER"},
        "api_app_id": "A1",
        "view": {"id": "V1", "type": "modal", "callback_id": "noko_add_members", "state": {}},
    }
    body = "payload=" + quote(json.dumps(payload))
    response = _post(server, body, signed_headers(body, "application/x-www-form-urlencoded"))
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [("abc", None), ("²", None), (None, "v0=ÿþ"), (None, "v0=" + "0" * 64), ("", ""), ("1", None)],
)
def test_bolt_app_itself_refuses_unverified_requests(app, fake, timestamp, signature):
    # The Bolt app checks too (Socket Mode aside), for any adapter that reaches dispatch().
    from slack_bolt import BoltRequest

    body = _command_body(fake)
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    if timestamp is not None:
        headers["x-slack-request-timestamp"] = [timestamp]
    if signature is not None:
        headers["x-slack-signature"] = [signature]
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    time.sleep(0.3)
    assert fake.calls == []
