"""Shared test helpers: Slack payload validation and reply text extraction."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier

from bot.devtools.fake_slack import SlackCall
from tests.hostile import WELL_FORMED, assert_inert

# The day the bot's tests live on: the sandbox's data ends on it and the bot's clock reads noon of
# it. A Wednesday, so "this week" and "today" both hold time; never the machine's date.
BOT_TODAY = dt.date(2026, 11, 11)
BOT_TOKEN = "xoxb-0000-SECRET-BOT-TOKEN"
SIGNING_SECRET = "test-signing-secret"


def check_blocks(blocks: list[dict[str, Any]], limit: int) -> None:
    assert len(blocks) <= limit, f"{len(blocks)} blocks > {limit}"
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000


def check_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    check_blocks(view.get("blocks") or [], 100)
    assert_inert(view, [], WELL_FORMED)


def check_payload(call: SlackCall) -> None:
    assert call.args.get("blocks", None) != [], f"{call.method} sent an empty blocks list"
    if isinstance(call.args.get("view"), dict):
        check_view(call.args["view"])
    if call.args.get("blocks"):
        check_blocks(call.args["blocks"], 50)
    if call.method in ("response_url", "chat.postMessage"):
        assert call.args.get("text"), f"{call.method} without fallback text"
        assert len(call.args["text"]) <= 4000, f"{call.method} text over Slack's 4,000 advised"
    assert_inert(call.args, [], WELL_FORMED)  # no <team>, no bare &, no escapes in plain text
    assert BOT_TOKEN not in json.dumps(call.args), "the bot token leaked into a payload"


def reply_text(call: SlackCall) -> str:
    """The reply's fallback text and all its block text, for assertions."""
    blocks = json.dumps(call.args.get("blocks") or [], ensure_ascii=False)
    return call.args.get("text", "") + "\n" + blocks


def signed_headers(body: str, content_type: str, timestamp: int | None = None) -> dict[str, Any]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    return {
        "content-type": [content_type],
        "x-slack-request-timestamp": [ts],
        "x-slack-signature": [signature],
    }


def subscribe_design(deps: Any, people: Any, repository: Any = None, **fields: Any) -> Any:
    """A weekly Monday 09:00 (Berlin) digest of Design to #C0DESIGN, stored directly (in
    ``repository`` when given, else ``deps.repo``)."""
    team = next(t for t in deps.noko.list_teams() if t["name"] == "Design")
    values = dict(
        team_id=team["id"],
        team_name="Design",
        channel_id="C0DESIGN",
        cadence="weekly",
        weekday=0,
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by=people.admin.id,
    )
    return (repository or deps.repo).create_subscription(**{**values, **fields})


def daily_subscribe_form(team_id: int, channel_id: str) -> dict[str, Any]:
    """A submitted subscribe form: ``team_id``'s digest to ``channel_id``, daily at 09:00 UTC."""
    from bot.ids import ActionId, BlockId, CallbackId
    from bot.listeners.views.subscribe import SubscribeDraft

    opt = {"text": {"type": "plain_text", "text": "x"}, "value": "x"}

    def chosen(value: str) -> dict[str, Any]:
        return {"selected_option": {**opt, "value": value}}

    values = {
        BlockId.TEAM: {ActionId.TEAM_SELECT: chosen(str(team_id))},
        BlockId.SUB_CHANNEL: {ActionId.SUB_CHANNEL: {"selected_conversation": channel_id}},
        BlockId.SUB_CADENCE: {ActionId.SUB_CADENCE: chosen("daily")},
        BlockId.SUB_TIME: {ActionId.SUB_TIME: {"selected_time": "09:00"}},
        BlockId.SUB_TIMEZONE: {ActionId.SUB_TIMEZONE: chosen("UTC")},
    }
    return {
        "callback_id": CallbackId.SUBSCRIBE,
        "private_metadata": SubscribeDraft().metadata(),
        "state": {"values": values},
    }
