"""Signed webhook deliveries over real HTTP to a receiver on 127.0.0.1: headers, signature, body,
order, retries with backoff, 410, giving up, ping, retry, and that the API never waits for them."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sandbox_helpers import Api

from noko_core.sandbox import DeliveryPolicy, Sandbox
from tests.webhook_receiver import Receiver, running_receiver

FAST = DeliveryPolicy(base_delay=0.02, max_delay=0.2, max_attempts=4, timeout=2.0)
ENTRY = {"date": "2026-11-26", "minutes": 30, "project_id": 1, "description": "Pairing"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


@pytest.fixture
def fast(sandbox: Sandbox) -> Sandbox:
    sandbox.webhooks.policy = FAST
    return sandbox


def _hook(api: Api, receiver: Receiver, events: list[str] | None = None) -> dict[str, Any]:
    body = {"name": "Mirror", "payload_uri": receiver.url, "events": events or ["*"]}
    response = api.request("POST", "/webhooks", json=body)
    assert response.status_code == 201, response.text
    hook: dict[str, Any] = response.json()
    return hook


def _entry(api: Api, **body: Any) -> dict[str, Any]:
    response = api.request("POST", "/entries", json={**ENTRY, **body})
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry


def _drain(sandbox: Sandbox) -> None:
    assert sandbox.webhooks.wait_idle(10), sandbox.webhooks.attempts


def test_delivery_is_signed_with_the_documented_headers(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["entry.created"])
    entry = _entry(api)
    _drain(fast)

    ping, created = receiver.wait_for(2)

    assert created.path == "/noko/webhooks"
    assert created.headers["content-type"] == "application/json"
    assert created.headers["user-agent"] == "Noko-Webhooks"
    assert created.headers["x-noko-eventcategory"] == "entry"
    assert uuid.UUID(created.headers["x-noko-delivery"]).version == 4
    assert created.signed_with(hook["secret"])
    assert not created.signed_with(hook["secret"] + "x")
    body = created.json
    assert body == {
        "webhook": {"id": hook["id"], "name": "Mirror"},
        "type": "entry.created",
        "created_at": body["created_at"],
        "changes": {},
        "object": api.get(f"/entries/{entry['id']}").json(),
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created_at"])
    assert body["created_at"] >= entry["updated_at"]
    assert ping.headers["x-noko-delivery"] != created.headers["x-noko-delivery"]


def test_create_pings_and_ping_endpoint_pings_again(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["team.created"])

    response = api.request("PUT", f"/webhooks/{hook['id']}/ping")
    first, second = receiver.wait_for(2)

    assert response.status_code == 202
    for ping in (first, second):
        body = ping.json
        assert ping.headers["x-noko-eventcategory"] == "webhook"
        assert body["type"] == "webhook.ping"
        assert body["payload_id"] == ping.headers["x-noko-delivery"]
        assert (body["object"], body["webhook"]) == ({}, {"id": hook["id"], "name": "Mirror"})
        assert ping.signed_with(hook["secret"])
    assert first.json["payload_id"] != second.json["payload_id"]


def test_entry_lifecycle_arrives_in_order_with_changes(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    _hook(api, receiver, ["entry.created", "entry.updated", "entry.deleted"])
    entry = _entry(api)
    edited = api.request("PUT", f"/entries/{entry['id']}", json={"minutes": 60}).json()
    api.request("DELETE", f"/entries/{entry['id']}")
    _drain(fast)

    bodies = [r.json for r in receiver.wait_for(4)]

    assert [b["type"] for b in bodies] == [
        "webhook.ping", "entry.created", "entry.updated", "entry.deleted",
    ]  # fmt: skip
    changes = bodies[2]["changes"]
    assert changes == {"minutes": [30, 60]}
    assert bodies[2]["object"] == edited
    assert bodies[3]["object"] == edited  # the entry as it was


def test_only_subscribed_enabled_webhooks_receive(fast: Sandbox, api: Api) -> None:
    with running_receiver() as teams, running_receiver() as everything, running_receiver() as off:
        _hook(api, teams, ["team.created"])
        _hook(api, everything, ["*"])
        disabled = _hook(api, off, ["*"])
        _drain(fast)
        api.request("PUT", f"/webhooks/{disabled['id']}/disable")

        _entry(api)
        api.request("POST", "/teams", json={"name": "Support", "user_ids": [3]})
        _drain(fast)

        assert [r.json["type"] for r in teams.received] == ["webhook.ping", "team.created"]
        assert [r.json["type"] for r in everything.received] == [
            "webhook.ping", "entry.created", "team.created",
        ]  # fmt: skip
        assert [r.json["type"] for r in off.received] == ["webhook.ping"]


def test_team_changes_are_delivered(fast: Sandbox, api: Api, receiver: Receiver) -> None:
    _hook(api, receiver, ["team.created", "team.updated", "team.deleted"])
    team = api.request("POST", "/teams", json={"name": "Support", "user_ids": [3]}).json()
    path = f"/teams/{team['id']}"
    api.request("PUT", path, json={"name": "Support Desk"})
    api.request("PUT", path, json={"name": "Support Desk"})  # no change: no event
    api.request("POST", f"{path}/add_users", json={"user_ids": [5, 3]})
    api.request("PUT", f"{path}/remove_users", json={"user_ids": [3]})
    last = api.get(path).json()
    api.request("PUT", f"{path}/remove_all_users")
    api.request("DELETE", path)
    _drain(fast)

    bodies = [r.json for r in receiver.received][1:]

    assert [b["type"] for b in bodies] == [
        "team.created", "team.updated", "team.updated", "team.updated", "team.updated",
        "team.deleted",
    ]  # fmt: skip
    assert bodies[0]["object"] == {**team}
    assert bodies[1]["changes"] == {"name": ["Support", "Support Desk"]}
    assert [[u["id"] for u in side] for side in bodies[2]["changes"]["users"]] == [[3], [3, 5]]
    assert bodies[3]["object"] == last
    assert bodies[5]["object"]["users"] == []
    assert all(r.headers["x-noko-eventcategory"] == "team" for r in receiver.received[1:])


def test_failed_delivery_is_retried_with_backoff_and_holds_back_the_next(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["entry.created"])
    receiver.wait_for(1)
    receiver.answer(500, 503)
    first = _entry(api)
    second = _entry(api)
    _drain(fast)

    got = receiver.received[1:]

    assert [(r.json["object"]["id"], r.status) for r in got] == [
        (first["id"], 500), (first["id"], 503), (first["id"], 200), (second["id"], 200),
    ]  # fmt: skip
    assert len({r.headers["x-noko-delivery"] for r in got[:3]}) == 1
    assert len({r.body for r in got[:3]}) == 1
    times = [a.at for a in fast.webhooks.attempts if a.event == "entry.created"]
    assert times[1] - times[0] >= FAST.base_delay * 0.9
    assert times[2] - times[1] >= FAST.base_delay * 2 * 0.9
    assert api.get(f"/webhooks/{hook['id']}").json()["state"] == "enabled"


def test_410_disables_the_webhook_at_once(fast: Sandbox, api: Api, receiver: Receiver) -> None:
    receiver.answer(410)
    hook = _hook(api, receiver, ["*"])
    _drain(fast)
    _entry(api)
    _drain(fast)

    assert [r.status for r in receiver.received] == [410]
    assert api.get(f"/webhooks/{hook['id']}").json()["state"] == "disabled"
    assert [p.state for p in fast.webhooks.payloads(hook["id"])] == ["gone"]


def test_gives_up_after_max_attempts_then_retry_endpoint_resends(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    receiver.answer(*[500] * FAST.max_attempts)
    hook = _hook(api, receiver, ["entry.created"])
    _drain(fast)
    [payload] = fast.webhooks.payloads(hook["id"])

    assert len(receiver.received) == FAST.max_attempts
    assert payload.state == "failed"
    assert api.get(f"/webhooks/{hook['id']}").json()["state"] == "disabled"

    path = f"/webhooks/{hook['id']}"
    assert api.request("PUT", f"{path}/enable").status_code == 204
    assert api.request("PUT", f"{path}/retry/{payload.id}").status_code == 202
    _drain(fast)

    resent = receiver.received[-1]
    assert (resent.status, resent.headers["x-noko-delivery"]) == (200, payload.id)
    assert resent.body == receiver.received[0].body
    assert fast.webhooks.payloads(hook["id"])[0].state == "delivered"


def test_unreachable_receiver_counts_as_failure(fast: Sandbox, api: Api) -> None:
    with running_receiver() as gone:
        url = gone.url
    response = api.request(
        "POST", "/webhooks", json={"name": "Down", "payload_uri": url, "events": ["*"]}
    )
    _drain(fast)

    attempts = fast.webhooks.attempts
    assert [a.status for a in attempts] == [0] * FAST.max_attempts
    assert all(a.error for a in attempts)
    assert api.get(f"/webhooks/{response.json()['id']}").json()["state"] == "disabled"


def test_rerolled_secret_signs_later_deliveries(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["entry.created"])
    _drain(fast)
    secret = api.request("PUT", f"/webhooks/{hook['id']}/reroll_secret").json()["secret"]
    _entry(api)
    _drain(fast)

    delivered = receiver.received[-1]

    assert delivered.signed_with(secret)
    assert not delivered.signed_with(hook["secret"])


def test_api_answers_without_waiting_for_a_slow_receiver(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    _hook(api, receiver, ["entry.created"])
    _drain(fast)
    receiver.hold()

    started = time.monotonic()
    _entry(api)
    _entry(api)
    took = time.monotonic() - started
    receiver.wait_for(2)  # the first delivery arrived and is being held

    assert took < 1.0
    assert fast.webhooks.wait_idle(0.2) is False
    receiver.release()
    _drain(fast)
    assert len(receiver.received) == 3


def test_deleting_a_webhook_drops_its_queue(fast: Sandbox, api: Api, receiver: Receiver) -> None:
    fast.webhooks.policy = DeliveryPolicy(base_delay=30, max_attempts=5, timeout=2)
    receiver.answer(500)
    hook = _hook(api, receiver, ["*"])
    receiver.wait_for(1)
    _entry(api)

    api.request("DELETE", f"/webhooks/{hook['id']}")

    assert fast.webhooks.wait_idle(5)
    assert len(receiver.received) == 1


def test_reset_forgets_queued_deliveries_and_the_log(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    fast.webhooks.policy = DeliveryPolicy(base_delay=30, max_attempts=5, timeout=2)
    receiver.answer(500)
    _hook(api, receiver, ["*"])
    receiver.wait_for(1)

    fast.reset()

    assert fast.webhooks.wait_idle(2)
    assert fast.webhooks.attempts == [] and fast.webhooks.payloads() == []
    assert fast.webhooks.policy == DeliveryPolicy()


def test_stop_ends_the_delivery_thread_with_retries_pending(receiver: Receiver) -> None:
    policy = DeliveryPolicy(base_delay=30, max_attempts=5, timeout=2)
    with Sandbox(rate_limit=False, webhook_policy=policy) as sb:
        api = Api(sb)
        receiver.answer(500)
        _hook(api, receiver, ["*"])
        receiver.wait_for(1)
        api.session.close()
        assert sb.webhooks.running
        started = time.monotonic()

    assert time.monotonic() - started < 3
    assert not sb.webhooks.running


def test_concurrent_writes_arrive_in_the_order_they_were_made(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    _hook(api, receiver, ["entry.created"])

    with ThreadPoolExecutor(6) as pool:
        created = list(pool.map(lambda i: _entry(api, minutes=15 + i), range(24)))
    _drain(fast)

    ids = [r.json["object"]["id"] for r in receiver.received[1:]]
    assert sorted(ids) == sorted(e["id"] for e in created)
    assert ids == sorted(ids)  # ids are handed out in write order, under the store's lock


def test_ping_to_a_disabled_webhook_waits_until_it_is_enabled(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["entry.created"])
    _drain(fast)
    path = f"/webhooks/{hook['id']}"
    api.request("PUT", f"{path}/disable")

    api.request("PUT", f"{path}/ping")
    _entry(api)
    _drain(fast)
    held = len(receiver.received)
    api.request("PUT", f"{path}/enable")
    _drain(fast)

    assert held == 1
    assert [r.json["type"] for r in receiver.received] == ["webhook.ping", "webhook.ping"]


def test_retry_names_a_payload_of_that_webhook_only(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    first = _hook(api, receiver, ["entry.created"])
    second = _hook(api, receiver, ["entry.created"])
    _drain(fast)
    [payload] = fast.webhooks.payloads(first["id"])

    wrong = api.request("PUT", f"/webhooks/{second['id']}/retry/{payload.id}")
    right = api.request("PUT", f"/webhooks/{first['id']}/retry/{payload.id.upper()}")

    assert (wrong.status_code, right.status_code) == (404, 202)


def test_timeouts_are_retried_until_the_receiver_answers(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    fast.webhooks.policy = DeliveryPolicy(base_delay=0.02, max_attempts=10, timeout=0.3)
    receiver.hold()
    hook = _hook(api, receiver, ["entry.created"])
    deadline = time.monotonic() + 10
    while len(fast.webhooks.attempts) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    receiver.release()
    _drain(fast)

    attempts = fast.webhooks.attempts
    assert [(a.status, a.error) for a in attempts[:2]] == [(0, "ReadTimeout")] * 2
    assert attempts[-1].status == 200
    assert len({r.headers["x-noko-delivery"] for r in receiver.received}) == 1
    assert api.get(f"/webhooks/{hook['id']}").json()["state"] == "enabled"


def test_projects_and_tags_an_entry_creates_are_announced_first(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    _hook(api, receiver, ["*"])
    entry = _entry(api, project_id=None, project_name="Skunkworks", description="#stealth")
    _drain(fast)

    bodies = [r.json for r in receiver.received[1:]]

    assert [b["type"] for b in bodies] == ["project.created", "tag.created", "entry.created"]
    assert bodies[0]["object"] == api.get(f"/projects/{entry['project']['id']}").json()
    assert bodies[1]["object"] == api.get(f"/tags/{entry['tags'][0]['id']}").json()
    assert [r.headers["x-noko-eventcategory"] for r in receiver.received[1:]] == [
        "project", "tag", "entry",
    ]  # fmt: skip


def test_an_edit_that_changes_nothing_sends_nothing(
    fast: Sandbox, api: Api, receiver: Receiver
) -> None:
    _hook(api, receiver, ["entry.updated"])
    entry = _entry(api)

    api.request("PUT", f"/entries/{entry['id']}", json={"minutes": 30})
    _drain(fast)

    assert [r.json["type"] for r in receiver.received] == ["webhook.ping"]


def test_a_webhook_aimed_at_the_sandbox_itself_writes_nothing(fast: Sandbox, api: Api) -> None:
    count = len(fast.store.entries)
    body = {"name": "Loop", "payload_uri": f"{fast.base_url}/entries", "events": ["*"]}
    hook = api.request("POST", "/webhooks", json=body).json()
    _entry(api)
    _drain(fast)

    statuses = [a.status for a in fast.webhooks.attempts]
    assert statuses == [401] * FAST.max_attempts  # deliveries carry no token
    assert len(fast.store.entries) == count + 1
    assert api.get(f"/webhooks/{hook['id']}").json()["state"] == "disabled"
