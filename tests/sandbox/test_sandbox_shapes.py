"""Object shapes: key sets, embedded objects, absolute URLs and timestamp formats."""

from __future__ import annotations

import re
from typing import Any

from sandbox_helpers import Api

from noko_core.sandbox import Dataset, Sandbox

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SIMPLE_USER = {"id", "email", "first_name", "last_name", "profile_image_url", "url"}
SIMPLE_TEAM = {"id", "name", "url"}
SIMPLE_PROJECT = {"id", "name", "billing_increment", "enabled", "billable", "color", "url"}
SIMPLE_TAG = {"id", "name", "billable", "formatted_name", "url"}
USER = SIMPLE_USER | {
    "state",
    "role",
    "teams",
    "entries",
    "entries_url",
    "expenses",
    "expenses_url",
    "give_access_to_projects_url",
    "revoke_access_to_projects_url",
    "revoke_access_to_all_projects_url",
    "activate_url",
    "deactivate_url",
    "created_at",
    "updated_at",
}
TEAM = {
    "id",
    "name",
    "users",
    "url",
    "entries_url",
    "users_url",
    "created_at",
    "updated_at",
    "add_users_url",
    "remove_users_url",
    "remove_all_users_url",
}
ENTRY = {
    "id",
    "date",
    "billable",
    "minutes",
    "description",
    "created_at",
    "updated_at",
    "approved_at",
    "source_url",
    "user",
    "approved_by",
    "tags",
    "project",
    "url",
    "invoiced_outside_of_freckle_url",
    "invoiced_outside_of_noko_url",
    "approved_url",
    "unapproved_url",
}
INVOICED = {"invoiced_at", "invoice", "import"}


def _urls(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        found = [v for k, v in obj.items() if k.endswith("url") and k != "source_url"]
        return found + [u for v in obj.values() for u in _urls(v)]
    if isinstance(obj, list):
        return [u for item in obj for u in _urls(item)]
    return []


def test_team_shape_embeds_simple_users(sandbox: Sandbox, api: Api) -> None:
    team = api.get("/teams/1").json()

    assert set(team) == TEAM
    assert all(set(u) == SIMPLE_USER for u in team["users"])
    assert team["url"] == f"{sandbox.base_url}/teams/1"
    assert team["entries_url"] == f"{sandbox.base_url}/teams/1/entries/"
    assert team["users_url"] == f"{sandbox.base_url}/teams/1/users/"
    assert STAMP.match(team["created_at"]) and STAMP.match(team["updated_at"])


def test_user_shape_has_counts_and_simple_teams(api: Api, dataset: Dataset) -> None:
    user = api.get("/users/1").json()

    assert set(user) == USER
    assert user["entries"] == sum(1 for e in dataset.entries if e.user_id == 1)
    assert user["expenses"] == 0
    assert user["teams"] and all(set(t) == SIMPLE_TEAM for t in user["teams"])


def test_entry_shape_with_embedded_objects(api: Api) -> None:
    entry = api.get("/entries", per_page=1).json()[0]

    assert set(entry) == ENTRY
    assert set(entry["user"]) == SIMPLE_USER
    assert set(entry["project"]) == SIMPLE_PROJECT
    assert all(set(t) == SIMPLE_TAG for t in entry["tags"])
    assert STAMP.match(entry["created_at"]) and re.match(r"^\d{4}-\d{2}-\d{2}$", entry["date"])


def test_invoiced_entry_carries_invoice_fields(api: Api, dataset: Dataset) -> None:
    invoiced = next(e for e in dataset.entries if e.invoice_id is not None and e.approved_by_id)

    entry = api.get(f"/entries/{invoiced.id}").json()

    assert set(entry) == ENTRY | {"invoiced_at", "invoice"}
    assert STAMP.match(entry["invoiced_at"]) and STAMP.match(entry["approved_at"])
    assert entry["invoice"]["id"] == invoiced.invoice_id
    assert set(entry["approved_by"]) == SIMPLE_USER


def test_unapproved_entry_has_null_approval(api: Api, dataset: Dataset) -> None:
    plain = next(e for e in dataset.entries if e.approved_at is None and e.invoice_id is None)

    entry = api.get(f"/entries/{plain.id}").json()

    assert entry["approved_at"] is None and entry["approved_by"] is None
    assert not INVOICED & set(entry)


def test_current_user_shape(api: Api) -> None:
    me = api.get("/current_user").json()

    assert me["id"] == 1 and me["role"] == "supervisor"
    assert me["week_start"] == "monday"
    assert {"time_format", "utc_offset", "send_personal_weekly_report_email"} <= set(me)
    assert "teams" not in me and "activate_url" not in me


def test_account_shape(sandbox: Sandbox, api: Api) -> None:
    account = api.get("/account").json()

    assert set(account) == {
        "id",
        "name",
        "invoicing_enabled",
        "owner",
        "url",
        "created_at",
        "updated_at",
    }
    assert account["owner"]["id"] == 1
    assert account["url"] == f"{sandbox.base_url}/account/"


def test_project_and_tag_shapes(api: Api) -> None:
    project = api.get("/projects/1").json()
    tag = api.get("/tags/1").json()

    assert SIMPLE_PROJECT | {"group", "minutes", "participants", "entries", "entries_url"} <= set(
        project
    )
    assert project["minutes"] == project["billable_minutes"] + project["unbillable_minutes"]
    assert set(tag) == SIMPLE_TAG | {"entries", "entries_url", "created_at", "updated_at"}
    assert tag["formatted_name"] == f"#{tag['name']}"


def test_every_url_is_absolute_on_the_sandbox(sandbox: Sandbox, api: Api) -> None:
    root = sandbox.base_url.removesuffix("/v2")
    payloads = [api.get(p).json() for p in ("/teams", "/users", "/entries", "/projects", "/tags")]

    urls = [u for payload in payloads for u in _urls(payload) if u]

    assert urls and all(u.startswith(root + "/") for u in urls)
