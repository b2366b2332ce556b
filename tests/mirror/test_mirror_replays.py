"""Replayed webhook deliveries, as an attacker who captured some would send them (the delivery id
is not signed, so each comes with a new one): nothing older than the mirror's copy is applied,
a raised role is read back from Noko, and deliveries older than Noko's retry window are refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from mirrorkit import SECRET, delivery, open_mirror, syncer, web_app
from sqlalchemy import select

from bot.mirror import MirrorStore
from bot.mirror.storage.models import (
    MirrorParticipantRow,
    MirrorTeamMemberRow,
    MirrorTeamRow,
    MirrorUserRow,
)
from bot.mirror.webhooks import ACCEPTED_FOR, DELIVERY_MEMORY
from bot.scheduler.clock import ManualClock
from noko_core import NokoClient
from noko_core.sandbox import Sandbox

OLD = "2020-03-02T09:00:00Z"


@pytest.fixture
def store(database_url: str, noko: NokoClient) -> Iterator[MirrorStore]:
    """A mirror synced from the sandbox, its webhook secret stored."""
    repo, mirror = open_mirror(database_url)
    mirror.update_state(webhook_id=1, webhook_secret=SECRET)
    syncer(mirror, noko).sync()
    yield mirror
    repo.close()


def _post(web: FlaskClient, body: bytes, headers: dict[str, str]) -> Any:
    return web.post("/noko/webhooks", data=body, headers=headers)


def _members(store: MirrorStore, team_id: int) -> set[int]:
    with store.read() as session:
        link = MirrorTeamMemberRow
        return set(session.scalars(select(link.user_id).where(link.team_id == team_id)))


def _participants(store: MirrorStore, project_id: int) -> set[int]:
    with store.read() as session:
        link = MirrorParticipantRow
        return set(session.scalars(select(link.user_id).where(link.project_id == project_id)))


def _role(store: MirrorStore, user_id: int) -> str | None:
    with store.read() as session:
        return session.get_one(MirrorUserRow, user_id).role


def _contractor(sandbox: Sandbox) -> int:
    return next(u.id for u in sandbox.store.users_sorted() if u.role == "contractor")


def test_replayed_team_update_does_not_reapply_old_members(
    web: FlaskClient, store: MirrorStore, noko: NokoClient
) -> None:
    team = dict(noko.get_single_team(1))
    members = _members(store, 1)
    captured = {**team, "users": team["users"][:1], "name": "Old name", "updated_at": OLD}

    response = _post(web, *delivery("team.updated", captured))

    assert response.status_code == 200
    assert _members(store, 1) == members, "members of the mirror's newer copy stay"
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name == team["name"]


def test_replayed_team_update_at_the_same_updated_at_changes_nothing(
    web: FlaskClient, store: MirrorStore, noko: NokoClient
) -> None:
    team = dict(noko.get_single_team(1))
    members = _members(store, 1)

    _post(web, *delivery("team.updated", {**team, "users": team["users"][:1]}))

    assert _members(store, 1) == members


def test_2020_dated_project_update_does_not_readd_someone(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    project = dict(noko.list_projects()[0])
    outsider = next(
        u for u in noko.list_users() if u["id"] not in _participants(store, project["id"])
    )
    before = _participants(store, project["id"])
    captured = {**project, "participants": [*project["participants"], outsider], "updated_at": OLD}

    assert _post(web, *delivery("project.updated", captured)).status_code == 200

    assert outsider["id"] not in _participants(store, project["id"])
    assert _participants(store, project["id"]) == before


def test_user_update_without_updated_at_does_not_raise_a_contractor(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    user = dict(noko.get_single_user(_contractor(sandbox)))
    user.pop("updated_at")

    assert _post(web, *delivery("user.updated", {**user, "role": "supervisor"})).status_code == 200

    assert _role(store, user["id"]) == "contractor"


def test_newer_user_update_raising_a_role_is_read_back_from_noko(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    user = dict(noko.get_single_user(_contractor(sandbox)))
    forged = {**user, "role": "supervisor", "updated_at": "2030-01-01T00:00:00Z"}
    asked_before = [r for r in sandbox.requests if r.path == f"/v2/users/{user['id']}"]

    assert _post(web, *delivery("user.updated", forged)).status_code == 200

    asked = [r for r in sandbox.requests if r.path == f"/v2/users/{user['id']}"]
    assert len(asked) == len(asked_before) + 1, "the raise was read back from Noko"
    assert _role(store, user["id"]) == "contractor", "Noko says contractor: the mirror too"


def test_role_raised_in_noko_is_applied_after_the_read_back(
    web: FlaskClient, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    user_id = _contractor(sandbox)
    noko_user = sandbox.store.users[user_id]
    noko_user.role = "supervisor"
    noko_user.updated_at += dt.timedelta(hours=1)
    obj = dict(noko.get_single_user(user_id))

    assert _post(web, *delivery("user.updated", obj)).status_code == 200

    assert _role(store, user_id) == "supervisor"


def test_role_raise_is_not_stored_when_noko_cannot_confirm_it(
    database_url: str, store: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    user = dict(noko.get_single_user(_contractor(sandbox)))
    newer = {
        **user,
        "role": "leader",
        "first_name": "Renamed",
        "updated_at": "2030-01-01T00:00:00Z",
    }
    dead = "http://127.0.0.1:9/v2"
    with NokoClient("t", base_url=dead, requests_per_second=None, max_retries=0) as unreachable:
        repo, web = web_app(database_url, unreachable)
        try:
            assert _post(web, *delivery("user.updated", newer)).status_code == 200
        finally:
            repo.close()

    assert _role(store, user["id"]) == "contractor"
    with store.read() as session:
        assert session.get_one(MirrorUserRow, user["id"]).first_name == "Renamed"


def test_delivery_older_than_noko_retries_is_refused(
    web: FlaskClient, store: MirrorStore, noko: NokoClient
) -> None:
    team = {**noko.get_single_team(1), "name": "Replayed", "updated_at": "2030-01-01T00:00:00Z"}
    created = dt.datetime(2020, 3, 2, 9, 0, tzinfo=dt.UTC)

    response = _post(web, *delivery("team.updated", team, created_at=created))

    assert response.status_code == 400
    with store.read() as session:
        assert session.get_one(MirrorTeamRow, 1).name != "Replayed"


def test_seen_delivery_ids_are_forgotten_after_the_retry_window_and_replays_refused(
    database_url: str, store: MirrorStore, noko: NokoClient
) -> None:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock = ManualClock(start)
    repo, web = web_app(database_url, noko, clock=clock.now)
    team = dict(noko.get_single_team(1))
    first = delivery(
        "team.updated", {**team, "updated_at": "2030-01-01T00:00:00Z"}, created_at=start
    )
    try:
        assert _post(web, *first).status_code == 200
        clock.set(start + DELIVERY_MEMORY + dt.timedelta(seconds=1))
        later = start + DELIVERY_MEMORY
        second = delivery(
            "team.updated", {**team, "updated_at": "2030-01-02T00:00:00Z"}, created_at=later
        )
        assert _post(web, *second).status_code == 200
        kept = store.counts()["deliveries"]

        replay = _post(web, *first)
    finally:
        repo.close()

    assert kept == 1, "the first delivery's id was pruned"
    assert replay.status_code == 400, "and the first delivery can no longer be applied"
    assert DELIVERY_MEMORY > ACCEPTED_FOR
