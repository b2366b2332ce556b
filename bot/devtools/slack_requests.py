"""Build signed Slack requests (slash commands, interactions) the way Slack sends them."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier


def signed_headers(secret: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # only None when the timestamp is missing
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def slash_command_fields(
    text: str,
    *,
    user_id: str,
    response_url: str,
    channel_id: str = "C0DEMO",
    trigger_id: str = "1337.42.abcdef",
    command: str = "/noko-team",
    app_id: str = "A0001",
) -> dict[str, str]:
    """The fields Slack sends for a slash command (a form over HTTP, JSON over Socket Mode)."""
    return {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "team_domain": "demo",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": trigger_id,
        "api_app_id": app_id,
    }


def slash_command_body(text: str, **fields: str) -> str:
    return urlencode(slash_command_fields(text, **fields))


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})
