"""The global error handler and what reaches the logs: error ids, never a token."""

from __future__ import annotations

import logging
import re
import time

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slackkit import BOT_TOKEN, reply_text

from bot.listeners.errors import handle_error


def test_unknown_error_shows_an_id_that_is_in_the_log(fake, caplog):
    respond = Respond(response_url=fake.response_url("err"))
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
    with caplog.at_level(logging.ERROR):
        handle_error(RuntimeError("boom"), {"type": None}, client, respond, {"verified": True})
    text = fake.wait_for("response_url")[0].args["text"]
    error_id = re.search(r"error id `(\w+)`", text).group(1)
    assert error_id in caplog.text and "boom" not in text


def test_errors_on_unverified_requests_are_answered_by_nobody(fake, caplog):
    respond = Respond(response_url=fake.response_url("err"))
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
    body = {"type": "block_actions", "user": {"id": "UVICTIM"}, "user_id": "C0PUBLIC"}
    for context in (None, {}, {"verified": False}, {"verified": "yes"}):
        handle_error(RuntimeError("boom"), body, client, respond, context)
    handle_error(RuntimeError("boom"), [], client, respond, {"verified": True})
    time.sleep(0.3)
    assert fake.calls == []


def test_no_secret_in_any_log_line(slack, people, sandbox, settings, caplog):
    secrets = [BOT_TOKEN, sandbox.token, settings.slack_signing_secret.get_secret_value()]
    sandbox.inject("status", status=500, path="/teams", count=1)
    with caplog.at_level(logging.DEBUG):
        for text in ("list", "show Design", "hours Design", f"add Design <@{people.mate.id}>"):
            assert reply_text(slack.run(text, people.admin))
    assert caplog.records, "expected some logging to check"
    for secret in secrets:
        assert secret not in caplog.text
