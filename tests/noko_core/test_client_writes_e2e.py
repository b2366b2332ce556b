"""Entry writes and webhook registration through the client against the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from noko_core import NokoClient, NokoNotFoundError, NokoValidationError
from noko_core.sandbox import Sandbox
from tests.webhook_receiver import running_receiver


def test_created_and_edited_entries_show_up_in_updated_from(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    newest = max(e.updated_at for e in fresh_sb.store.entries)
    since = newest + dt.timedelta(seconds=1)
    assert fresh_client.list_entries(updated_from=since) == []

    entry = fresh_client.create_entry(fresh_sb.store.today, 20, project_id=1, description="#review")
    edited = fresh_client.edit_entry(entry["id"], minutes=50)

    listed = fresh_client.list_entries(updated_from=since)
    assert [e["id"] for e in listed] == [entry["id"]]
    assert listed[0] == edited
    assert edited["minutes"] == 60  # project 1 bills in 15-minute steps
    assert [t["name"] for t in edited["tags"]] == ["review"]


def test_deleted_entry_is_gone(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    entry = fresh_client.create_entry("2026-01-05", 15)

    fresh_client.delete_entry(entry["id"])

    with pytest.raises(NokoNotFoundError):
        fresh_client.get_single_entry(entry["id"])


def test_editing_an_approved_entry_is_a_validation_error(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    approved = next(e for e in fresh_sb.store.entries if e.approved_at)

    with pytest.raises(NokoValidationError) as caught:
        fresh_client.edit_entry(approved.id, minutes=5)

    assert caught.value.status == 400
    assert caught.value.errors == [
        {"resource": "Entry", "field": "base", "code": "approved_and_locked"}
    ]


def test_webhook_registration_round_trip(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    created = fresh_client.create_webhook("Mirror", "http://127.0.0.1:9/h", ["entry.created"])
    hook_id = created["id"]

    fresh_client.add_webhook_events(hook_id, "team.updated")
    fresh_client.edit_webhook(hook_id, name="Bot mirror")
    fresh_client.disable_webhook(hook_id)
    secret = fresh_client.reroll_webhook_secret(hook_id)["secret"]

    hook = fresh_client.get_single_webhook(hook_id)
    assert created["secret"] and secret != created["secret"]
    assert "secret" not in hook
    assert (hook["name"], hook["state"]) == ("Bot mirror", "disabled")
    assert hook["events"] == ["entry.created", "team.updated"]
    assert fresh_client.list_webhooks(state="disabled") == [hook]
    fresh_client.delete_webhook(hook_id)
    assert fresh_client.list_webhooks() == []


def test_entry_written_through_the_client_reaches_a_client_made_webhook(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    with running_receiver() as receiver:
        hook = fresh_client.create_webhook("Mirror", receiver.url, "entry.created,entry.deleted")
        entry = fresh_client.create_entry("2026-01-05", 15, description="#call")
        fresh_client.delete_entry(entry["id"])
        assert fresh_sb.webhooks.wait_idle(10)
        new_secret = fresh_client.reroll_webhook_secret(hook["id"])["secret"]
        fresh_client.ping_webhook(hook["id"])
        assert fresh_sb.webhooks.wait_idle(10)

        ping, created, deleted, pinged = receiver.received

    assert [r.json["type"] for r in (ping, created, deleted, pinged)] == [
        "webhook.ping", "entry.created", "entry.deleted", "webhook.ping",
    ]  # fmt: skip
    assert all(r.signed_with(hook["secret"]) for r in (ping, created, deleted))
    assert pinged.signed_with(new_secret)
    assert created.json["object"] == entry == deleted.json["object"]


def test_retrying_a_payload_through_the_client(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    with running_receiver() as receiver:
        hook = fresh_client.create_webhook("Mirror", receiver.url, ["*"])
        assert fresh_sb.webhooks.wait_idle(10)
        [ping] = receiver.received

        fresh_client.retry_webhook_payload(hook["id"], ping.headers["x-noko-delivery"])
        assert fresh_sb.webhooks.wait_idle(10)

        assert [r.body for r in receiver.received] == [ping.body, ping.body]
    with pytest.raises(NokoNotFoundError):
        fresh_client.retry_webhook_payload(hook["id"], "6578e997-d144-46fb-a67d-07c886d1a7a1")
