"""The Procfile's web process: `noko-bot web` runs gunicorn with the real app on $PORT."""

from __future__ import annotations

import requests
from webproc import SECRET, WebProcess

from bot.devtools.slack_requests import signed_headers, slash_command_body


def test_web_process_serves_healthz_and_slash_commands(web: WebProcess) -> None:
    assert requests.get(f"{web.base}/healthz", timeout=5).json() == {"status": "ok"}
    body = slash_command_body("list", user_id="U1", response_url=web.slack.response_url("web"))

    answer = requests.post(
        f"{web.base}/slack/events", data=body, headers=signed_headers(SECRET, body), timeout=10
    )

    assert answer.status_code == 200
    reply = web.slack.wait_for("response_url", timeout=30)[0]
    assert "Noko teams: 6" in str(reply.args)
