"""Entry writes: POST/PUT/DELETE /entries, their rules and errors, and the indexes they keep."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sandbox_helpers import Api

from noko_core.sandbox import Sandbox

ACME = 1  # billing increment 15, billable
ARCHIVED = 7  # "Hooli Integration", archived
VANDELAY = 9  # billing increment 1


def _errors(response: Any) -> list[tuple[str, str, str]]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] == "Validation Failed"
    return [(e["resource"], e["field"], e["code"]) for e in body["errors"]]


def _create(api: Api, **body: Any) -> dict[str, Any]:
    body = {"date": "2026-11-26", "minutes": 30, "project_id": ACME, **body}
    response = api.request("POST", "/entries", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_create_entry_is_201_with_location_and_the_entry(sandbox: Sandbox, api: Api) -> None:
    response = api.request(
        "POST",
        "/entries",
        json={"date": "2026-11-26", "minutes": 45, "project_id": ACME, "description": "Plan"},
    )

    entry = response.json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"{sandbox.base_url}/entries/{entry['id']}"
    assert api.get(f"/entries/{entry['id']}").json() == entry
    assert (entry["date"], entry["minutes"], entry["description"]) == ("2026-11-26", 45, "Plan")
    assert entry["project"]["id"] == ACME
    assert entry["user"]["id"] == sandbox.store.current_user_id
    assert entry["created_at"] == entry["updated_at"]
    assert entry["id"] > max(e.id for e in sandbox.store.entries if e.id != entry["id"])


@pytest.mark.parametrize(("project_id", "minutes", "expected"), [(ACME, 31, 45), (ACME, 15, 15),
                         (VANDELAY, 31, 31), (None, 7, 7)])  # fmt: skip
def test_create_entry_rounds_minutes_up_to_the_billing_increment(
    api: Api, project_id: int | None, minutes: int, expected: int
) -> None:
    entry = _create(api, minutes=minutes, project_id=project_id)

    assert entry["minutes"] == expected


def test_create_entry_turns_hashtags_into_tags_creating_missing_ones(
    sandbox: Sandbox, api: Api
) -> None:
    entry = _create(api, description="Pairing #Review and #brand-new-tag, not a#word")

    names = sorted(t["name"] for t in entry["tags"])
    assert names == ["brand-new-tag", "review"]
    created = next(t for t in entry["tags"] if t["name"] == "brand-new-tag")
    assert api.get(f"/tags/{created['id']}").json()["entries"] == 1


def test_create_entry_with_unbillable_tag_is_not_billable(api: Api) -> None:
    assert _create(api, description="#meeting")["billable"] is True
    assert _create(api, description="Paperwork #admin")["billable"] is False


def test_create_entry_for_another_user(api: Api) -> None:
    entry = _create(api, user_id=5)

    assert entry["user"]["id"] == 5


def test_create_entry_with_project_name_finds_or_creates_the_project(
    sandbox: Sandbox, api: Api
) -> None:
    existing = _create(api, project_id=None, project_name="acme website relaunch")
    created = _create(api, project_id=None, project_name="Skunkworks")

    assert existing["project"]["id"] == ACME
    project = api.get(f"/projects/{created['project']['id']}").json()
    assert project["name"] == "Skunkworks"
    assert project["entries"] == 1
    assert len(sandbox.store.projects) == len(api.all_pages("/projects"))


def test_project_id_wins_over_project_name(sandbox: Sandbox, api: Api) -> None:
    count = len(sandbox.store.projects)

    entry = _create(api, project_id=ACME, project_name="Never made")

    assert entry["project"]["id"] == ACME
    assert len(sandbox.store.projects) == count


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("date", "missing_field"), ("minutes", "missing_field")]),
        ({"date": "2026-11-26"}, [("minutes", "missing_field")]),
        ({"date": "2026-13-01", "minutes": 5}, [("date", "invalid")]),
        ({"date": "26/11/2026", "minutes": 5}, [("date", "invalid")]),
        ({"date": 20261126, "minutes": 5}, [("date", "invalid")]),
        ({"date": "2026-11-26", "minutes": 0}, [("minutes", "invalid")]),
        ({"date": "2026-11-26", "minutes": -5}, [("minutes", "invalid")]),
        ({"date": "2026-11-26", "minutes": "30"}, [("minutes", "invalid")]),
        ({"date": "2026-11-26", "minutes": 1.5}, [("minutes", "invalid")]),
        ({"date": "2026-11-26", "minutes": True}, [("minutes", "invalid")]),
        ({"date": "2026-11-26", "minutes": 5, "user_id": 9999}, [("user_id", "missing")]),
        ({"date": "2026-11-26", "minutes": 5, "user_id": "5"}, [("user_id", "invalid")]),
        ({"date": "2026-11-26", "minutes": 5, "project_id": 9999}, [("project_id", "missing")]),
        ({"date": "2026-11-26", "minutes": 5, "project_name": " "},
         [("project_name", "missing_field")]),
        ({"date": "2026-11-26", "minutes": 5, "description": 5}, [("description", "invalid")]),
        ({"date": "2026-11-26", "minutes": 5, "project_id": ARCHIVED},
         [("project_id", "archived_project")]),
    ],
)  # fmt: skip
def test_create_entry_validation_errors_change_nothing(
    sandbox: Sandbox, api: Api, body: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    count, projects, tags = (
        len(sandbox.store.entries),
        len(sandbox.store.projects),
        len(sandbox.store.tags),
    )

    response = api.request("POST", "/entries", json=body)

    assert _errors(response) == [("Entry", f, c) for f, c in expected]
    assert len(sandbox.store.entries) == count
    assert (len(sandbox.store.projects), len(sandbox.store.tags)) == (projects, tags)


def test_edit_entry_changes_given_keys_and_bumps_updated_at(sandbox: Sandbox, api: Api) -> None:
    entry = _create(api, minutes=30, description="Old #review")
    sandbox.store.entries_by_id[entry["id"]].updated_at -= dt.timedelta(minutes=5)
    before = api.get(f"/entries/{entry['id']}").json()

    response = api.request(
        "PUT", f"/entries/{entry['id']}", json={"minutes": 50, "description": "New #design"}
    )

    after = response.json()
    assert response.status_code == 200
    assert after["minutes"] == 60  # rounded up to 15
    assert [t["name"] for t in after["tags"]] == ["design"]
    assert after["date"] == before["date"] and after["project"] == before["project"]
    assert after["updated_at"] > before["updated_at"]
    assert after["created_at"] == before["created_at"]
    assert api.get(f"/entries/{entry['id']}").json() == after


def test_edit_entry_moving_project_re_rounds_minutes(api: Api) -> None:
    entry = _create(api, project_id=VANDELAY, minutes=31)

    after = api.request("PUT", f"/entries/{entry['id']}", json={"project_id": ACME}).json()

    assert (after["project"]["id"], after["minutes"]) == (ACME, 45)


@pytest.mark.parametrize("body", [{"minutes": None}, {}, {"minutes": 30, "project_id": ACME}])
def test_edit_entry_that_changes_nothing_keeps_updated_at(
    sandbox: Sandbox, api: Api, body: dict[str, Any]
) -> None:
    entry = _create(api, minutes=30)
    stored = sandbox.store.entries_by_id[entry["id"]]

    response = api.request("PUT", f"/entries/{entry['id']}", json=body)

    assert response.status_code == 200
    assert response.json() == entry
    assert sandbox.store.entries_by_id[entry["id"]] is stored


def test_edit_approved_entry_is_approved_and_locked(sandbox: Sandbox, api: Api) -> None:
    approved = next(e for e in sandbox.store.entries if e.approved_at and not e.invoice_id)

    response = api.request("PUT", f"/entries/{approved.id}", json={"minutes": 5})

    assert _errors(response) == [("Entry", "base", "approved_and_locked")]
    assert sandbox.store.entries_by_id[approved.id] is approved


def test_edit_entry_validation_error_changes_nothing(sandbox: Sandbox, api: Api) -> None:
    entry = _create(api)
    stored = sandbox.store.entries_by_id[entry["id"]]

    response = api.request("PUT", f"/entries/{entry['id']}", json={"minutes": 0, "date": "x"})

    assert _errors(response) == [("Entry", "date", "invalid"), ("Entry", "minutes", "invalid")]
    assert sandbox.store.entries_by_id[entry["id"]] is stored


def test_edit_or_delete_unknown_entry_is_404(api: Api) -> None:
    assert api.request("PUT", "/entries/999999", json={"minutes": 5}).status_code == 404
    assert api.request("DELETE", "/entries/999999").status_code == 404


def test_delete_entry_is_204_then_gone(sandbox: Sandbox, api: Api) -> None:
    entry = _create(api)

    response = api.request("DELETE", f"/entries/{entry['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/entries/{entry['id']}").status_code == 404
    assert entry["id"] not in {e.id for e in sandbox.store.entries}


@pytest.mark.parametrize(
    ("kind", "code"), [("approved", "approved_and_locked"), ("invoiced", "invoiced")]
)
def test_delete_locked_entry_is_refused(sandbox: Sandbox, api: Api, kind: str, code: str) -> None:
    if kind == "approved":
        entry = next(e for e in sandbox.store.entries if e.approved_at)
    else:
        entry = next(e for e in sandbox.store.entries if e.invoice_id and not e.approved_at)

    response = api.request("DELETE", f"/entries/{entry.id}")

    assert _errors(response) == [("Entry", "base", code)]
    assert sandbox.store.entries_by_id[entry.id] is entry


def test_delete_entry_of_archived_project_is_refused(sandbox: Sandbox, api: Api) -> None:
    entry = next(
        e for e in sandbox.store.entries
        if e.project_id == ARCHIVED and not e.approved_at and not e.invoice_id
    )  # fmt: skip

    response = api.request("DELETE", f"/entries/{entry.id}")

    assert _errors(response) == [("Entry", "base", "archived_project")]


def test_writes_keep_user_project_and_tag_counts_in_step(api: Api) -> None:
    user, project, tag = (api.get(p).json() for p in ("/users/5", "/projects/1", "/tags/4"))

    entry = _create(api, user_id=5, minutes=30, description="#review")
    api.request("PUT", f"/entries/{entry['id']}", json={"minutes": 60})
    other = _create(api, user_id=5, minutes=15, description="#review")
    api.request("DELETE", f"/entries/{other['id']}")

    assert api.get("/users/5").json()["entries"] == user["entries"] + 1
    assert api.get("/tags/4").json()["entries"] == tag["entries"] + 1
    after = api.get("/projects/1").json()
    assert after["entries"] == project["entries"] + 1
    assert after["minutes"] == project["minutes"] + 60
    assert after["billable_minutes"] == project["billable_minutes"] + 60
    assert after["uninvoiced_minutes"] == project["uninvoiced_minutes"] + 60


def test_new_entries_take_their_place_in_the_date_order(api: Api) -> None:
    old = _create(api, date="2026-09-07", minutes=15)
    window = {"from": "2026-09-04", "to": "2026-09-08"}

    listed = api.all_pages("/entries", **window)

    keys = [(e["date"], e["id"]) for e in listed]
    assert (old["date"], old["id"]) in keys
    assert keys == sorted(keys, reverse=True)


def test_updated_from_lists_exactly_the_changed_entries(sandbox: Sandbox, api: Api) -> None:
    newest = max(e.updated_at for e in sandbox.store.entries)
    editable = next(
        e for e in sandbox.store.entries
        if not e.approved_at and not e.invoice_id and e.project_id != ARCHIVED
    )  # fmt: skip
    unchanged = api.all_pages("/entries", updated_from=_stamp(newest + dt.timedelta(seconds=1)))

    created = _create(api)
    edited = api.request("PUT", f"/entries/{editable.id}", json={"description": "edited"}).json()

    assert unchanged == []
    listed = api.all_pages("/entries", updated_from=created["updated_at"])
    assert sorted(e["id"] for e in listed) == sorted([created["id"], edited["id"]])
    before = api.all_pages("/entries", updated_to=_stamp(newest), user_ids=str(editable.user_id))
    assert editable.id not in {e["id"] for e in before}


def test_concurrent_creates_get_distinct_ids_and_consistent_counts(
    sandbox: Sandbox, api: Api
) -> None:
    before = api.get("/users/5").json()["entries"]

    def create(i: int) -> int:
        entry = _create(api, user_id=5, minutes=15 + i)
        return int(entry["id"])

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(40)))

    assert len(set(ids)) == 40
    assert api.get("/users/5").json()["entries"] == before + 40
    assert len(sandbox.store.entries) == len(sandbox.store.entries_by_id)


def test_reset_undoes_entry_writes(sandbox: Sandbox, api: Api) -> None:
    count = len(sandbox.store.entries)
    editable = next(e for e in sandbox.store.entries if not e.approved_at and not e.invoice_id)
    _create(api, project_name="Temporary", description="#temporary")
    api.request("PUT", f"/entries/{editable.id}", json={"minutes": 999})

    sandbox.reset()

    assert len(sandbox.store.entries) == count
    assert sandbox.store.entries_by_id[editable.id] is editable
    assert all(p.name != "Temporary" for p in sandbox.store.projects.values())
    assert all(t.name != "temporary" for t in sandbox.store.tags.values())
