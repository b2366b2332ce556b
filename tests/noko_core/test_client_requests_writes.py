"""Entry writes and webhook methods: each sends one request with the exact verb, path and body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from client_helpers import assert_headers
from wire import Wire, answer

from noko_core import NokoClient

BASE = "https://api.nokotime.com/v2"
ENTRY = {"id": 7, "date": "2026-11-26", "minutes": 30, "billable": True, "user": {}}
HOOK = {"id": 3, "name": "Mirror", "state": "enabled", "events": ["*"], "payload_uri": "x"}
PAYLOAD = "6578e997-d144-46fb-a67d-07c886d1a7a1"


def test_create_entry_sends_the_body_with_wire_types(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(201, json=ENTRY))

    entry = wired.create_entry(
        dt.date(2026, 11, 26),
        "30",
        user_id="5",
        project_id=2,
        description="Pairing #review",
        source_url=" https://example.com/pr/1 ",
    )

    sent = wire.only()
    assert (sent.method, sent.url) == ("POST", f"{BASE}/entries")
    assert sent.json == {
        "date": "2026-11-26",
        "minutes": 30,
        "user_id": 5,
        "project_id": 2,
        "description": "Pairing #review",
        "source_url": "https://example.com/pr/1",
    }
    assert_headers(sent, has_body=True)
    assert entry == ENTRY


def test_create_entry_sends_only_what_is_given(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(201, json=ENTRY))

    wired.create_entry("2026-11-26", 15, project_name="Skunkworks")

    assert wire.only().json == {"date": "2026-11-26", "minutes": 15, "project_name": "Skunkworks"}


def test_edit_entry_sends_only_the_changed_keys(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json=ENTRY))

    wired.edit_entry("7", minutes=45, description=None, date=dt.datetime(2026, 11, 25, 23, 0))

    sent = wire.only()
    assert (sent.method, sent.url) == ("PUT", f"{BASE}/entries/7")
    assert sent.json == {"minutes": 45, "date": "2026-11-25"}


def test_delete_entry(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(204))

    assert wired.delete_entry(7) is None

    sent = wire.only()
    assert (sent.method, sent.url) == ("DELETE", f"{BASE}/entries/7")
    assert_headers(sent, has_body=False)


def test_list_webhooks_filters_in_query(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json=[HOOK]))

    hooks = wired.list_webhooks(name="Mir", events=["entry.created", "*"], state="enabled")

    sent = wire.only()
    assert (sent.method, sent.path) == ("GET", "/v2/webhooks")
    assert sent.query == {
        "name": ["Mir"],
        "events": ["entry.created,*"],
        "state": ["enabled"],
        "per_page": ["1000"],
    }
    assert hooks == [HOOK]


def test_create_webhook_body(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(201, json={**HOOK, "secret": "s3cret"}))

    hook = wired.create_webhook(
        "Mirror", "https://bot.example.com/noko/webhooks", "*, team.updated"
    )

    sent = wire.only()
    assert (sent.method, sent.url) == ("POST", f"{BASE}/webhooks")
    assert sent.json == {
        "name": "Mirror",
        "payload_uri": "https://bot.example.com/noko/webhooks",
        "events": ["*", "team.updated"],
    }
    assert hook["secret"] == "s3cret"


def test_edit_webhook_sends_given_keys(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json=HOOK))

    wired.edit_webhook(3, payload_uri="http://127.0.0.1:8000/hooks")

    sent = wire.only()
    assert (sent.method, sent.url) == ("PUT", f"{BASE}/webhooks/3")
    assert sent.json == {"payload_uri": "http://127.0.0.1:8000/hooks"}


CallPlan = tuple[Callable[[NokoClient], Any], str, str, Any]
ACTIONS: list[CallPlan] = [
    (lambda c: c.get_single_webhook("3"), "GET", "webhooks/3", None),
    (lambda c: c.add_webhook_events(3, ["entry.deleted"]), "PUT", "webhooks/3/add_events",
     {"events": ["entry.deleted"]}),
    (lambda c: c.remove_webhook_events(3, "team.created,team.deleted"), "PUT",
     "webhooks/3/remove_events", {"events": ["team.created", "team.deleted"]}),
    (lambda c: c.reroll_webhook_secret(3), "PUT", "webhooks/3/reroll_secret", None),
    (lambda c: c.enable_webhook(3), "PUT", "webhooks/3/enable", None),
    (lambda c: c.disable_webhook(3), "PUT", "webhooks/3/disable", None),
    (lambda c: c.ping_webhook(3), "PUT", "webhooks/3/ping", None),
    (lambda c: c.retry_webhook_payload(3, PAYLOAD.upper()), "PUT",
     f"webhooks/3/retry/{PAYLOAD}", None),
    (lambda c: c.delete_webhook(3), "DELETE", "webhooks/3", None),
]  # fmt: skip


@pytest.mark.parametrize(("call", "method", "path", "body"), ACTIONS)
def test_webhook_action_sends_one_exact_request(
    wire: Wire,
    wired: NokoClient,
    call: Callable[[NokoClient], Any],
    method: str,
    path: str,
    body: Any,
) -> None:
    wire.then(answer(200, json=HOOK))

    call(wired)

    sent = wire.only()
    assert (sent.method, sent.url, sent.json) == (method, f"{BASE}/{path}", body)
    assert_headers(sent, has_body=body is not None)
