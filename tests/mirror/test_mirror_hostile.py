"""Hostile data from Noko, on SQLite and PostgreSQL: text the database refuses (NUL, lone
surrogates) is stored with U+FFFD, objects with ids or numbers out of range are refused one by one
with a log line, and neither stops a sync or a webhook delivery queue."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from mirrorkit import SECRET, add_entry, delivery, syncer
from sqlalchemy import select

from bot.mirror import MirrorStore
from bot.mirror.storage.models import MirrorEntryRow, MirrorTeamRow, MirrorUserRow
from noko_core import NokoClient
from noko_core.sandbox import Sandbox
from noko_core.webhooks import sign_payload as sign

HOSTILE = "Design\x00 \ud800 team"
STORED = "Design\ufffd \ufffd team"


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]


def _entry_ids(store: MirrorStore) -> set[int]:
    with store.read() as session:
        return set(session.scalars(select(MirrorEntryRow.id)))


def _put_entry(sandbox: Sandbox, **fields: Any) -> None:
    """An entry as Noko might list it, straight into the sandbox's store."""
    with sandbox.store.lock:
        template = next(iter(sandbox.store.entries_by_id.values()))
        entry = replace(template, **fields)
        sandbox.store.entries_by_id[entry.id] = entry
        sandbox.store.entries = sorted(
            sandbox.store.entries_by_id.values(), key=lambda e: (e.date, e.id), reverse=True
        )


# -- sync over HTTP ------------------------------------------------------------------------------
def test_sync_stores_unstorable_text_with_replacement_characters(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    sandbox.store.teams[1].name = HOSTILE
    user = next(iter(sandbox.store.users.values()))
    user.first_name = "Ro\x00sa"
    entry_id = max(sandbox.store.entries_by_id)
    _put_entry(sandbox, id=entry_id, description="fixed \x00 bug \udfff")

    result = syncer(store, noko).sync()

    assert result.kind == "first"
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name == STORED
        assert session.get_one(MirrorUserRow, user.id).first_name == "Ro\ufffdsa"
        assert session.get_one(MirrorEntryRow, entry_id).description == "fixed \ufffd bug \ufffd"


@pytest.mark.parametrize(
    "fields",
    [
        {"id": 2**70},
        {"id": 2**63},
        {"minutes": -30},
        {"minutes": 2**70},
        {"user_id": 2**64},
    ],
    ids=["id-2^70", "id-2^63", "negative-minutes", "minutes-2^70", "user-id-2^64"],
)
def test_sync_refuses_an_out_of_range_entry_with_one_log_line_and_goes_on(
    sandbox: Sandbox,
    store: MirrorStore,
    noko: NokoClient,
    fields: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad_id = fields.get("id", 2**40)
    _put_entry(sandbox, **{"id": bad_id, **fields})
    if "user_id" in fields:  # Noko lists the entry's user inside it: a user it knows
        template = next(iter(sandbox.store.users.values()))
        sandbox.store.users[fields["user_id"]] = replace(template, id=fields["user_id"])
    good = set(sandbox.store.entries_by_id) - {bad_id}
    caplog.set_level(logging.WARNING)

    first = syncer(store, noko).sync()
    later = add_entry(sandbox, next(iter(sandbox.store.users)), sandbox.store.today, 45)
    again = syncer(store, noko).sync()

    assert (first.kind, again.kind) == ("first", "incremental")
    assert _entry_ids(store) == good | {later.id}, "every other entry, and the later one, arrive"
    lines = [m for m in _refusals(caplog) if "entry" in m]
    assert len(lines) >= 1, f"a log line names the refused entry: {_refusals(caplog)}"
    assert all("\n" not in m and len(m) < 200 for m in lines)


def test_sync_keeps_the_old_copy_of_a_team_noko_now_lists_with_a_bad_member(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient, caplog: pytest.LogCaptureFixture
) -> None:
    syncer(store, noko).sync()
    team = sandbox.store.teams[1]
    template = sandbox.store.users[team.user_ids[0]]
    sandbox.store.users[2**65] = replace(template, id=2**65)
    team.user_ids.append(2**65)
    team.name = "Renamed"
    team.updated_at += dt.timedelta(hours=1)

    result = syncer(store, noko).sync()

    assert result.kind == "incremental"
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name != "Renamed"
    assert any("team 1" in m for m in _refusals(caplog))


# -- signed webhook deliveries ---------------------------------------------------------------------
def _post(web: FlaskClient, body: bytes, headers: dict[str, str]) -> Any:
    return web.post("/noko/webhooks", data=body, headers=headers)


def _entry(noko: NokoClient, sandbox: Sandbox, **changes: Any) -> dict[str, Any]:
    return {**noko.get_single_entry(max(sandbox.store.entries_by_id)), **changes}


def test_webhook_with_unstorable_text_is_stored_and_answered_200(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    team = {**noko.get_single_team(1), "name": HOSTILE}
    obj = _entry(noko, sandbox, description="a\x00b\ud83d")

    team_reply = _post(web, *delivery("team.updated", team))
    entry_reply = _post(web, *delivery("entry.updated", obj))

    assert (team_reply.status_code, entry_reply.status_code) == (200, 200)
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name == STORED
        assert session.get_one(MirrorEntryRow, obj["id"]).description == "a\ufffdb\ufffd"


def _signed(body: bytes) -> dict[str, str]:
    return {"X-Noko-Signature": sign(SECRET, body), "X-Noko-Delivery": "hostile-1"}


def _entry_body(obj: dict[str, Any]) -> bytes:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"type": "entry.updated", "created_at": stamp, "object": obj}).encode()


@pytest.mark.parametrize(
    "change",
    [
        {"id": 2**63},
        {"id": 2**70},
        {"minutes": -30},
        {"minutes": 2**70},
        {"user": {"id": 2**64, "email": "x@example.com"}},
        {"project": {"id": 2**63, "name": "P"}},
    ],
    ids=["id-2^63", "id-2^70", "negative-minutes", "minutes-2^70", "user-2^64", "project-2^63"],
)
def test_webhook_signed_with_numbers_out_of_range_is_400_with_one_log_line(
    web: FlaskClient,
    store: MirrorStore,
    noko: NokoClient,
    sandbox: Sandbox,
    change: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = _entry_body(_entry(noko, sandbox, **change))
    before = store.counts()

    response = web.post("/noko/webhooks", data=body, headers=_signed(body))

    assert response.status_code == 400, response.get_data(as_text=True)
    assert store.counts() == before
    assert len(_refusals(caplog)) == 1, _refusals(caplog)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("kind", ["entry.deleted", "team.deleted", "user.deleted"])
def test_webhook_signed_delete_of_an_id_over_2_63_is_400(
    web: FlaskClient, store: MirrorStore, kind: str
) -> None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps({"type": kind, "created_at": stamp, "object": {"id": 2**64}}).encode()

    assert web.post("/noko/webhooks", data=body, headers=_signed(body)).status_code == 400
    assert store.counts()["deliveries"] == 0


def test_webhook_signed_body_nested_40000_deep_is_400_with_one_log_line(
    web: FlaskClient, store: MirrorStore, caplog: pytest.LogCaptureFixture
) -> None:
    body = b'{"type": "entry.updated", "object": {"id": 1, "x": ' + b"[" * 40_000
    body += b"]" * 40_000 + b"}}"

    response = web.post("/noko/webhooks", data=body, headers=_signed(body))

    assert response.status_code == 400
    assert store.counts()["deliveries"] == 0
    assert len(_refusals(caplog)) == 1 and "Traceback" not in caplog.text


def test_webhook_unsigned_deep_body_is_401_and_does_no_work(
    web: FlaskClient, store: MirrorStore, caplog: pytest.LogCaptureFixture
) -> None:
    body = b"[" * 40_000 + b"]" * 40_000

    response = web.post("/noko/webhooks", data=body, headers={"X-Noko-Signature": "0" * 64})

    assert response.status_code == 401
    assert store.counts()["deliveries"] == 0 and store.log() == []
