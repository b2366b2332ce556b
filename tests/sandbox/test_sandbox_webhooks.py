"""Webhook registration endpoints: list, read, create, edit, events, secret, state, delete."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import Api

from noko_core.sandbox import Sandbox

URI = "http://127.0.0.1:9/hooks"  # nothing listens: deliveries are not what these tests check
FIELDS = {
    "id", "name", "state", "events", "payload_uri", "url", "add_events_url",
    "remove_events_url", "reroll_secret_url", "enable_url", "disable_url",
}  # fmt: skip


def _create(api: Api, **body: Any) -> dict[str, Any]:
    body = {"name": "Mirror", "payload_uri": URI, "events": ["entry.created"], **body}
    response = api.request("POST", "/webhooks", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _errors(response: Any) -> list[tuple[str, str, str]]:
    assert response.status_code == 400, response.text
    return [(e["resource"], e["field"], e["code"]) for e in response.json()["errors"]]


def test_create_webhook_is_201_with_location_and_secret(sandbox: Sandbox, api: Api) -> None:
    response = api.request(
        "POST", "/webhooks", json={"name": "Mirror", "payload_uri": URI, "events": ["*"]}
    )

    hook = response.json()
    url = f"{sandbox.base_url}/webhooks/{hook['id']}"
    assert response.status_code == 201
    assert response.headers["Location"] == url
    assert set(hook) == FIELDS | {"secret"}
    assert len(hook["secret"]) >= 32
    assert (hook["name"], hook["state"], hook["events"]) == ("Mirror", "enabled", ["*"])
    assert (hook["url"], hook["enable_url"]) == (url, f"{url}/enable")


def test_secret_is_shown_only_at_create_and_reroll(api: Api) -> None:
    hook = _create(api)
    path = f"/webhooks/{hook['id']}"

    read = api.get(path).json()
    listed = api.get("/webhooks").json()
    edited = api.request("PUT", path, json={"name": "Renamed"}).json()
    rerolled = api.request("PUT", f"{path}/reroll_secret")

    assert set(read) == FIELDS and "secret" not in listed[0] and "secret" not in edited
    assert rerolled.status_code == 200
    assert set(rerolled.json()) == {"secret"}
    assert rerolled.json()["secret"] != hook["secret"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("name", "missing_field"), ("payload_uri", "missing_field"),
              ("events", "missing_field")]),
        ({"name": " ", "payload_uri": URI, "events": ["*"]}, [("name", "missing_field")]),
        ({"name": "x", "payload_uri": "ftp://h/x", "events": ["*"]}, [("payload_uri", "invalid")]),
        ({"name": "x", "payload_uri": "/relative", "events": ["*"]}, [("payload_uri", "invalid")]),
        ({"name": "x", "payload_uri": 5, "events": ["*"]}, [("payload_uri", "invalid")]),
        ({"name": "x", "payload_uri": URI, "events": []}, [("events", "missing_field")]),
        ({"name": "x", "payload_uri": URI, "events": "entry.created"}, [("events", "invalid")]),
        ({"name": "x", "payload_uri": URI, "events": ["entry.made"]}, [("events", "invalid")]),
        ({"name": "x", "payload_uri": URI, "events": [1]}, [("events", "invalid")]),
    ],
)  # fmt: skip
def test_create_webhook_validation_errors(
    sandbox: Sandbox, api: Api, body: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    response = api.request("POST", "/webhooks", json=body)

    assert _errors(response) == [("Webhook", f, c) for f, c in expected]
    assert sandbox.store.webhooks == {}


def test_list_webhooks_newest_first_with_filters(api: Api) -> None:
    first = _create(api, name="Entries", events=["entry.created", "entry.updated"])
    second = _create(api, name="Teams", events=["team.updated"])
    third = _create(api, name="Everything", events=["*"])
    api.request("PUT", f"/webhooks/{second['id']}/disable")

    def ids(**query: str) -> list[int]:
        response = api.get("/webhooks", **query)
        assert response.status_code == 200, response.text
        return [hook["id"] for hook in response.json()]

    assert ids() == [third["id"], second["id"], first["id"]]
    assert ids(name="ent") == [first["id"]]
    assert ids(state="disabled") == [second["id"]]
    assert ids(state="enabled") == [third["id"], first["id"]]
    assert ids(events="entry.updated,team.deleted") == [third["id"], first["id"]]
    assert ids(events="team.updated", state="disabled") == [second["id"]]


@pytest.mark.parametrize("query", [{"state": "paused"}, {"events": "entry.made"}])
def test_list_webhooks_bad_filter_is_400(api: Api, query: dict[str, str]) -> None:
    response = api.get("/webhooks", **query)

    assert _errors(response) == [("Webhook", next(iter(query)), "invalid")]


def test_edit_webhook_changes_name_and_uri(api: Api) -> None:
    hook = _create(api)

    response = api.request(
        "PUT", f"/webhooks/{hook['id']}", json={"name": "New", "payload_uri": "https://e.com/h"}
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["payload_uri"]) == ("New", "https://e.com/h")
    assert response.json()["events"] == hook["events"]


def test_edit_webhook_bad_uri_changes_nothing(api: Api) -> None:
    hook = _create(api)

    response = api.request("PUT", f"/webhooks/{hook['id']}", json={"payload_uri": "nope"})

    assert _errors(response) == [("Webhook", "payload_uri", "invalid")]
    assert api.get(f"/webhooks/{hook['id']}").json()["payload_uri"] == URI


def test_add_and_remove_events_ignore_what_is_already_so(api: Api) -> None:
    hook = _create(api, events=["entry.created"])
    path = f"/webhooks/{hook['id']}"

    added = api.request(
        "PUT", f"{path}/add_events", json={"events": ["entry.created", "team.deleted"]}
    )
    removed = api.request(
        "PUT", f"{path}/remove_events", json={"events": ["entry.created", "user.created"]}
    )

    assert added.status_code == 200
    assert added.json()["events"] == ["entry.created", "team.deleted"]
    assert removed.json()["events"] == ["team.deleted"]


def test_add_unknown_event_is_invalid(api: Api) -> None:
    hook = _create(api)

    response = api.request("PUT", f"/webhooks/{hook['id']}/add_events", json={"events": ["x"]})

    assert _errors(response) == [("Webhook", "events", "invalid")]


def test_enable_disable_are_204_and_set_state(api: Api) -> None:
    hook = _create(api)
    path = f"/webhooks/{hook['id']}"

    disabled = api.request("PUT", f"{path}/disable")
    state_off = api.get(path).json()["state"]
    enabled = api.request("PUT", f"{path}/enable")

    assert (disabled.status_code, enabled.status_code) == (204, 204)
    assert disabled.content == b""
    assert (state_off, api.get(path).json()["state"]) == ("disabled", "enabled")


def test_ping_is_202_and_retry_of_unknown_payload_is_404(api: Api) -> None:
    hook = _create(api)
    path = f"/webhooks/{hook['id']}"

    assert api.request("PUT", f"{path}/ping").status_code == 202
    unknown = "6578e997-d144-46fb-a67d-07c886d1a7a1"
    assert api.request("PUT", f"{path}/retry/{unknown}").status_code == 404


def test_delete_webhook_is_204_then_404(api: Api) -> None:
    hook = _create(api)
    path = f"/webhooks/{hook['id']}"

    response = api.request("DELETE", path)

    assert response.status_code == 204
    for method, sub in [("GET", ""), ("PUT", "/enable"), ("PUT", "/ping"), ("DELETE", "")]:
        assert api.request(method, path + sub).status_code == 404


def test_reset_forgets_webhooks(sandbox: Sandbox, api: Api) -> None:
    _create(api)

    sandbox.reset()

    assert api.get("/webhooks").json() == []
