"""POST /noko/webhooks through the Flask app: signature, idempotency, each event applied, and
every refusal changing nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from mirrorkit import SECRET, delivery, syncer
from sqlalchemy import select

from bot.mirror import MirrorStore
from bot.mirror.storage.models import MirrorEntryRow, MirrorTeamRow
from noko_core import NokoClient
from noko_core.sandbox import Sandbox
from noko_core.webhooks import sign_payload as sign


def _post(web: FlaskClient, body: bytes, headers: dict[str, str]) -> Any:
    return web.post("/noko/webhooks", data=body, headers=headers)


def _entries(store: MirrorStore) -> dict[int, int]:
    with store.read() as session:
        return dict(session.execute(select(MirrorEntryRow.id, MirrorEntryRow.minutes)).all())


def _snapshot(store: MirrorStore) -> tuple[Any, ...]:
    return (_entries(store), store.counts(), store.state().last_webhook_at)


def _entry(noko: NokoClient, sandbox: Sandbox, **changes: Any) -> dict[str, Any]:
    entry_id = max(sandbox.store.entries_by_id)
    obj: dict[str, Any] = dict(noko.get_single_entry(entry_id))
    return {**obj, **changes}


def test_webhook_signed_entry_event_is_applied(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    obj = _entry(noko, sandbox, minutes=95)

    response = _post(web, *delivery("entry.created", obj))

    assert response.status_code == 200
    assert _entries(store) == {obj["id"]: 95}
    assert store.state().last_webhook_at is not None
    assert store.log()[0].kind == "webhook" and store.log()[0].rows_upserted == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Noko-Signature": "0" * 64},
        {"X-Noko-Signature": ""},
        {"X-Noko-Signature": "ünïcode"},
        {},
    ],
    ids=["bad", "empty", "non-ascii", "missing"],
)
def test_webhook_bad_or_missing_signature_is_401_and_changes_nothing(
    web: FlaskClient,
    store: MirrorStore,
    noko: NokoClient,
    sandbox: Sandbox,
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    body, signed = delivery("entry.created", _entry(noko, sandbox))
    signed.pop("X-Noko-Signature")
    before = _snapshot(store)

    response = _post(web, body, {**signed, **headers})

    assert response.status_code == 401
    assert _snapshot(store) == before
    assert SECRET not in caplog.text
    assert [r.message for r in caplog.records if "refused" in r.message]


def test_webhook_signed_with_another_secret_is_401(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    before = _snapshot(store)
    body, headers = delivery("entry.created", _entry(noko, sandbox), secret="not-the-secret")

    assert _post(web, body, headers).status_code == 401
    assert _snapshot(store) == before


def test_webhook_without_a_stored_secret_is_401(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    store.update_state(webhook_secret=None)
    before = _snapshot(store)

    assert _post(web, *delivery("entry.created", _entry(noko, sandbox))).status_code == 401
    assert _snapshot(store) == before


def test_webhook_duplicate_delivery_is_applied_once(
    web: FlaskClient, store: MirrorStore, noko: NokoClient
) -> None:
    team = dict(noko.get_single_team(1))
    first = delivery(
        "team.updated",
        {**team, "name": "First", "updated_at": "2026-11-20T10:00:00Z"},
        delivery_id="d-1",
    )
    second = {**team, "name": "Second", "updated_at": "2026-11-20T11:00:00Z"}
    assert _post(web, *first).status_code == 200
    assert _post(web, *delivery("team.updated", second)).status_code == 200
    counts = store.counts()

    again = _post(web, *first)

    assert again.status_code == 200 and "duplicate" in again.get_json()["message"]
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name == "Second"
    assert store.counts() == counts and counts["deliveries"] == 2
    assert [e.rows_upserted for e in store.log() if e.kind == "webhook"] == [0, 1, 1]


def test_webhook_redelivered_update_does_not_undo_a_later_change(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    first = delivery(
        "entry.updated",
        _entry(noko, sandbox, minutes=30, updated_at="2026-11-20T10:00:00Z"),
        delivery_id="a",
    )
    later = delivery(
        "entry.updated",
        _entry(noko, sandbox, minutes=60, updated_at="2026-11-20T11:00:00Z"),
        delivery_id="b",
    )
    assert _post(web, *first).status_code == 200
    assert _post(web, *later).status_code == 200

    assert _post(web, *first).status_code == 200  # Noko retried the first one

    assert list(_entries(store).values()) == [60]


def test_webhook_entry_deleted_removes_it_and_a_stale_page_cannot_bring_it_back(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    syncer(store, noko).sync()
    obj = _entry(noko, sandbox)

    assert _post(web, *delivery("entry.deleted", obj)).status_code == 200
    with store.write() as session:  # a page read before the deletion, stored after it
        store.upsert_entries(session, [noko.get_single_entry(obj["id"])])

    assert obj["id"] not in _entries(store)
    assert store.log()[0].rows_deleted == 1


def test_webhook_team_events_upsert_and_delete(
    web: FlaskClient, store: MirrorStore, noko: NokoClient
) -> None:
    team = dict(noko.get_single_team(1))
    renamed = {**team, "name": "Renamed", "users": team["users"][:2]}
    assert _post(web, *delivery("team.updated", renamed)).status_code == 200
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name == "Renamed"

    assert _post(web, *delivery("team.deleted", {"id": 1})).status_code == 200

    with store.read() as session:
        assert session.get(MirrorTeamRow, 1) is None


def test_webhook_ping_is_200(web: FlaskClient, store: MirrorStore) -> None:
    body = json.dumps({"payload_id": "p", "type": "webhook.ping", "object": {}}).encode()
    response = _post(web, body, {"X-Noko-Signature": sign(SECRET, body), "X-Noko-Delivery": "p"})

    assert response.status_code == 200 and store.counts()["entries"] == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b"null",
        b'"entry.created"',
        b'{"type": "entry.created", "object": {"id": 5}}',
        b'{"type": "entry.created", "object": {"id": "x", "date": "2026-11-01"}}',
        b'{"type": "team.updated", "object": {"id": 1, "name": "T", "users": [{"id": true}]}}',
        b'{"type": "entry.deleted", "object": {}}',
        b'{"object": {"id": 1}}',
        b'{"type": "entry.created", "object": {"id": 1e400}}',
    ],
)
def test_webhook_signed_but_malformed_is_400_and_changes_nothing(
    web: FlaskClient, store: MirrorStore, body: bytes
) -> None:
    before = _snapshot(store)
    headers = {"X-Noko-Signature": sign(SECRET, body), "X-Noko-Delivery": "m-1"}

    assert _post(web, body, headers).status_code == 400
    assert _snapshot(store) == before


def test_webhook_body_over_the_bound_is_413_unread(web: FlaskClient, store: MirrorStore) -> None:
    body = b"{" + b" " * (300 * 1024) + b"}"
    response = _post(web, body, {"X-Noko-Signature": sign(SECRET, body)})

    assert response.status_code == 413 and store.counts()["deliveries"] == 0


def test_webhook_overlong_delivery_id_is_400(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    body, headers = delivery("entry.created", _entry(noko, sandbox), delivery_id="x" * 65)

    assert _post(web, body, headers).status_code == 400
    assert store.counts()["entries"] == 0


def test_webhook_last_time_moves_freshness(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    before = store.clock() - dt.timedelta(seconds=1)
    _post(web, *delivery("entry.created", _entry(noko, sandbox)))

    stamp = store.state().last_webhook_at
    assert stamp is not None and stamp >= before
