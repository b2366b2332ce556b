"""Pagination: page sizes, the per_page cap and the exact recorded Link header format."""

from __future__ import annotations

from sandbox_helpers import Api

from noko_core.sandbox import Dataset, Sandbox


def test_default_page_is_30_items(api: Api) -> None:
    assert len(api.get("/entries").json()) == 30


def test_first_page_link_has_last_and_next_only(sandbox: Sandbox, api: Api) -> None:
    response = api.get("/users", per_page=8)

    base = f"{sandbox.base_url}/users"
    assert response.headers["Link"] == (
        f'<{base}?page=5&per_page=8>; rel="last", <{base}?page=2&per_page=8>; rel="next"'
    )


def test_middle_page_link_has_first_last_next_prev(sandbox: Sandbox, api: Api) -> None:
    response = api.get("/users", per_page=8, page=3)

    base = f"{sandbox.base_url}/users"
    assert response.headers["Link"] == (
        f'<{base}?page=1&per_page=8>; rel="first", <{base}?page=5&per_page=8>; rel="last", '
        f'<{base}?page=4&per_page=8>; rel="next", <{base}?page=2&per_page=8>; rel="prev"'
    )
    assert [u["id"] for u in response.json()] == list(range(17, 25))


def test_last_page_link_has_first_and_prev_only(sandbox: Sandbox, api: Api) -> None:
    response = api.get("/users", per_page=8, page=5)

    base = f"{sandbox.base_url}/users"
    assert response.headers["Link"] == (
        f'<{base}?page=1&per_page=8>; rel="first", <{base}?page=4&per_page=8>; rel="prev"'
    )
    assert len(response.json()) == 8


def test_single_page_has_no_link_header(api: Api) -> None:
    response = api.get("/tags")

    assert len(response.json()) == 15
    assert "Link" not in response.headers


def test_link_keeps_filters_sorted_after_page_and_encodes_values(
    sandbox: Sandbox, api: Api
) -> None:
    params = {
        "user_ids": "1,2",
        "updated_from": "2026-09-01T00:00:00Z",
        "tag_filter_type": "combination of",
        "tag_ids": "1,2,3",
        "noko_token": sandbox.token,
    }

    response = api.get("/entries", **params)

    next_url = response.links["next"]["url"]
    assert next_url == (
        f"{sandbox.base_url}/entries?page=2&tag_filter_type=combination+of&tag_ids=1,2,3"
        "&updated_from=2026-09-01T00%3A00%3A00Z&user_ids=1,2"
    )
    assert "per_page" not in next_url and "noko_token" not in response.headers["Link"]


def test_following_next_links_visits_every_item_once(api: Api, dataset: Dataset) -> None:
    members = set(dataset.team_named("Engineering").user_ids)
    expected = sum(1 for e in dataset.entries if e.user_id in members)

    pages: list[int] = []
    response = api.get("/teams/1/entries", per_page=1000)
    while True:
        pages.append(len(response.json()))
        if "next" not in response.links:
            break
        response = api.session.get(response.links["next"]["url"], timeout=30)

    assert expected > 2000
    assert pages == [1000, 1000, expected - 2000]


def test_per_page_above_1000_is_capped(api: Api) -> None:
    assert len(api.get("/entries", per_page=5000).json()) == 1000


def test_page_past_the_end_is_empty_list(api: Api) -> None:
    response = api.get("/users", per_page=8, page=9)

    assert response.status_code == 200
    assert response.json() == []


def test_non_numeric_per_page_is_validation_error(api: Api) -> None:
    response = api.get("/users", per_page="lots")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"resource": "User", "field": "per_page", "code": "invalid"}
    ]
