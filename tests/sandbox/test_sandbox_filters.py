"""List filters in the query string, their strict parsing, and sort orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sandbox_helpers import Api

from noko_core.sandbox import Dataset, Entry


def _ids(api: Api, path: str, **params: Any) -> list[int]:
    return [item["id"] for item in api.all_pages(path, per_page=1000, **params)]


def _expected(dataset: Dataset, keep: Any) -> list[int]:
    chosen = [e for e in dataset.entries if keep(e)]
    return [e.id for e in sorted(chosen, key=lambda e: (e.date, e.id), reverse=True)]


def test_entries_sorted_by_date_then_id_descending(api: Api, dataset: Dataset) -> None:
    entries = api.get("/entries", per_page=200).json()

    keys = [(e["date"], e["id"]) for e in entries]
    assert keys == sorted(keys, reverse=True)
    assert entries[0]["id"] == _expected(dataset, lambda e: True)[0]


def test_entries_user_ids_filter(api: Api, dataset: Dataset) -> None:
    assert _ids(api, "/entries", user_ids="3,5") == _expected(
        dataset, lambda e: e.user_id in (3, 5)
    )


def test_entries_ids_tolerate_encoded_comma(api: Api, dataset: Dataset) -> None:
    response = api.session.get(api.url("/entries?user_ids=3%2C5&per_page=1000"), timeout=30)

    assert response.status_code == 200
    assert {e["user"]["id"] for e in response.json()} == {3, 5}


def test_entries_date_range_is_inclusive(api: Api, dataset: Dataset) -> None:
    low, high = dt.date(2026, 11, 2), dt.date(2026, 11, 6)

    ids = _ids(api, "/entries", **{"from": "2026-11-02", "to": "2026-11-06"})

    assert ids == _expected(dataset, lambda e: low <= e.date <= high)
    assert {
        api.get(f"/entries/{ids[0]}").json()["date"],
        api.get(f"/entries/{ids[-1]}").json()["date"],
    } == {
        "2026-11-06",
        "2026-11-02",
    }


def test_entries_description_is_case_insensitive_substring(api: Api, dataset: Dataset) -> None:
    ids = _ids(api, "/entries", description="SPRINT plan", user_ids="1")

    assert ids == _expected(
        dataset, lambda e: e.user_id == 1 and "sprint plan" in e.description.lower()
    )
    assert ids


def test_entries_tag_ids_and_mode_requires_all_tags(api: Api, dataset: Dataset) -> None:
    ids = _ids(api, "/entries", tag_ids="1,7")

    assert ids == _expected(dataset, lambda e: {1, 7} <= set(e.tag_ids))
    assert ids == _ids(api, "/entries", tag_ids="1,7", tag_filter_type="and")


def test_entries_tag_ids_combination_of_matches_any_tag(api: Api, dataset: Dataset) -> None:
    ids = _ids(api, "/entries", tag_ids="1,7", tag_filter_type="combination of")

    assert ids == _expected(dataset, lambda e: bool({1, 7} & set(e.tag_ids)))
    assert len(ids) > len(_ids(api, "/entries", tag_ids="1,7"))


def test_entries_project_and_billable_filters(api: Api, dataset: Dataset) -> None:
    ids = _ids(api, "/entries", project_ids="1", billable="false")

    assert ids == _expected(dataset, lambda e: e.project_id == 1 and not e.billable)
    assert ids


def test_entries_updated_from_takes_timestamps(api: Api, dataset: Dataset) -> None:
    since = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)

    ids = _ids(
        api, "/entries", updated_from="2026-11-20T12:00:00Z", updated_to="2026-11-25T00:00:00Z"
    )

    until = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert ids == _expected(dataset, lambda e: since <= e.updated_at <= until)
    assert ids


def test_entries_invoice_and_approval_filters(api: Api, dataset: Dataset) -> None:
    def invoiced(e: Entry) -> bool:
        return e.invoice_id is not None

    def approved_by_2(e: Entry) -> bool:
        return (
            e.approved_by_id == 2
            and e.approved_at is not None
            and e.approved_at.date() >= dt.date(2026, 10, 1)
        )

    assert _ids(api, "/entries", invoiced="true") == _expected(dataset, invoiced)
    assert _ids(api, "/entries", invoice_ids="5001") == _expected(
        dataset, lambda e: e.invoice_id == 5001
    )
    assert _ids(api, "/entries", import_ids="77") == _expected(dataset, lambda e: e.import_id == 77)
    assert _ids(api, "/entries", approved_by_ids="2", approved_at_from="2026-10-01") == _expected(
        dataset, approved_by_2
    )


def test_entries_invoiced_at_range(api: Api, dataset: Dataset) -> None:
    def within(e: Entry) -> bool:
        return e.invoiced_at is not None and e.invoiced_at.date() <= dt.date(2026, 10, 1)

    assert _ids(api, "/entries", invoiced_at_to="2026-10-01") == _expected(dataset, within)


def test_scoped_entry_lists(api: Api, dataset: Dataset) -> None:
    members = set(dataset.team_named("Design").user_ids)

    assert _ids(api, "/teams/2/entries") == _expected(dataset, lambda e: e.user_id in members)
    assert _ids(api, "/users/4/entries") == _expected(dataset, lambda e: e.user_id == 4)
    assert _ids(api, "/projects/3/entries") == _expected(dataset, lambda e: e.project_id == 3)
    assert _ids(api, "/tags/5/entries") == _expected(dataset, lambda e: 5 in e.tag_ids)
    assert _ids(api, "/current_user/entries") == _expected(dataset, lambda e: e.user_id == 1)


def test_scoped_entries_combine_with_filters(api: Api, dataset: Dataset) -> None:
    ids = _ids(api, "/teams/1/entries", user_ids="2,40", **{"from": "2026-11-23"})

    assert ids == _expected(dataset, lambda e: e.user_id == 2 and e.date >= dt.date(2026, 11, 23))


@pytest.mark.parametrize(
    ("path", "param", "bad"),
    [
        ("/entries", "from", "2024-13-01"),
        ("/entries", "to", "yesterday"),
        ("/entries", "user_ids", "abc"),
        ("/entries", "project_ids", "1,,2"),
        ("/entries", "billable", "maybe"),
        ("/entries", "invoiced", "1"),
        ("/entries", "updated_from", "2026-11-20"),
        ("/entries", "updated_to", "2026-11-20T12:00:00+01:00"),
        ("/entries", "tag_filter_type", "any"),
        ("/entries", "approved_at_from", "2026-02-30"),
        ("/teams/1/entries", "per_page", "0"),
        ("/users", "role", "owner"),
        ("/users", "state", "gone"),
        ("/teams", "user_ids", "1;2"),
        ("/projects", "billing_increment", "7"),
        ("/projects", "enabled", "yes"),
        ("/tags", "billable", "TRUE"),
        ("/tags", "page", "-1"),
    ],
)
def test_malformed_filter_is_validation_error(api: Api, path: str, param: str, bad: str) -> None:
    response = api.get(path, **{param: bad})

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Validation Failed"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(param, "invalid")]


def test_blank_and_unknown_params_are_ignored(api: Api) -> None:
    everything = api.get("/users").json()

    assert api.get("/users", role="", colour="blue").json() == everything


def test_users_filters(api: Api, dataset: Dataset) -> None:
    first = dataset.users[5]

    assert _ids(api, "/users", name=first.last_name.upper()) == [
        u.id for u in dataset.users if first.last_name.lower() in u.full_name.lower()
    ]
    assert _ids(api, "/users", email="@EXAMPLE.com") == [u.id for u in dataset.users]
    assert _ids(api, "/users", role="contractor") == [
        u.id for u in dataset.users if u.role == "contractor"
    ]
    assert _ids(api, "/users", state="pending") == [
        u.id for u in dataset.users if u.state == "pending"
    ]


def test_users_name_matches_across_first_and_last_name(api: Api, dataset: Dataset) -> None:
    user = dataset.users[0]

    assert user.id in _ids(api, "/users", name=f"{user.first_name} {user.last_name}")


def test_projects_filters(api: Api, dataset: Dataset) -> None:
    ps = dataset.projects

    assert _ids(api, "/projects", enabled="false") == [p.id for p in ps if not p.enabled]
    assert _ids(api, "/projects", billable="false") == [p.id for p in ps if not p.billable]
    assert _ids(api, "/projects", project_group_ids="2,3") == [
        p.id for p in ps if p.group_id in (2, 3)
    ]
    assert _ids(api, "/projects", billing_increment="5") == [
        p.id for p in ps if p.billing_increment == 5
    ]
    assert _ids(api, "/projects", name="app") == [p.id for p in ps if "app" in p.name.lower()]


def test_tags_filters(api: Api, dataset: Dataset) -> None:
    assert _ids(api, "/tags", billable="false") == [t.id for t in dataset.tags if not t.billable]
    assert _ids(api, "/tags", name="DE") == [t.id for t in dataset.tags if "de" in t.name]


def test_non_entry_lists_sorted_by_id(api: Api) -> None:
    for path in ("/users", "/teams", "/projects", "/tags"):
        ids = _ids(api, path)
        assert ids == sorted(ids), path
