"""Invalid input raises NokoInputError naming the parameter, before any request is made."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from wire import Wire

from noko_core import NokoClient, NokoInputError

Call = Callable[[NokoClient], object]

BAD_CALLS: list[tuple[str, Call, str]] = [
    ("unknown keyword", lambda c: c.list_teams(nmae="x"), "nmae"),
    ("page is not ours to set", lambda c: c.list_teams(page=2), "page"),
    ("ids abc", lambda c: c.list_teams(user_ids="abc"), "user_ids"),
    ("ids 1,,x", lambda c: c.list_teams(user_ids="1,,x"), "user_ids"),
    ("ids trailing comma", lambda c: c.list_teams(user_ids="1,2,"), "user_ids"),
    ("ids bool", lambda c: c.list_teams(user_ids=True), "user_ids"),
    ("ids bool in list", lambda c: c.list_teams(user_ids=[1, False]), "user_ids"),
    ("ids negative", lambda c: c.list_teams(user_ids=-3), "user_ids"),
    ("ids zero string", lambda c: c.list_teams(user_ids="0"), "user_ids"),
    ("ids float", lambda c: c.list_teams(user_ids=1.5), "user_ids"),
    ("ids empty list", lambda c: c.list_teams(user_ids=[]), "user_ids"),
    ("ids unicode digit", lambda c: c.list_teams(user_ids="²"), "user_ids"),
    ("per_page zero", lambda c: c.list_teams(per_page=0), "per_page"),
    ("per_page too big", lambda c: c.list_users(per_page=1001), "per_page"),
    ("per_page bool", lambda c: c.list_tags(per_page=True), "per_page"),
    ("name not str", lambda c: c.list_teams(name=5), "name"),
    ("bad month", lambda c: c.list_entries(from_="2024-13-01"), "from_"),
    ("bad month as from", lambda c: c.list_entries(**{"from": "2024-13-01"}), "from"),
    (
        "from and from_",
        lambda c: c.list_entries(**{"from": "2024-01-01", "from_": "2024-01-02"}),
        "from",
    ),
    ("short date", lambda c: c.list_entries(to="2024-1-1"), "to"),
    ("date as int", lambda c: c.list_entries(approved_at_to=20240101), "approved_at_to"),
    ("timestamp words", lambda c: c.list_entries(updated_from="yesterday"), "updated_from"),
    ("role boss", lambda c: c.list_users(role="boss"), "role"),
    ("state asleep", lambda c: c.get_users_in_team(1, state="asleep"), "state"),
    ("tag_filter_type or", lambda c: c.list_entries(tag_filter_type="or"), "tag_filter_type"),
    ("billable maybe", lambda c: c.list_entries(billable="maybe"), "billable"),
    ("invoiced 1", lambda c: c.list_entries(invoiced=1), "invoiced"),
    ("enabled yes", lambda c: c.list_projects(enabled="yes"), "enabled"),
    ("billing increment 7", lambda c: c.list_projects(billing_increment=7), "billing_increment"),
    (
        "billing increment bool",
        lambda c: c.list_projects(billing_increment=True),
        "billing_increment",
    ),
    ("team entries filter", lambda c: c.get_entries_for_users_in_team(1, tag_ids="x"), "tag_ids"),
    ("team entries unknown", lambda c: c.get_entries_for_users_in_team(1, users="1"), "users"),
    ("team id abc", lambda c: c.get_single_team("abc"), "team_id"),
    ("team id bool", lambda c: c.delete_team(True), "team_id"),
    ("team id zero", lambda c: c.edit_team(0, "x"), "team_id"),
    ("edit blank name", lambda c: c.edit_team(1, "  "), "name"),
    ("edit no name", lambda c: c.edit_team(1, None), "name"),  # type: ignore[arg-type]
    ("create without name", lambda c: c.create_team(user_ids=[1]), "name"),
    ("create stale users key", lambda c: c.create_team(name="x", users=[1]), "users"),
    ("create ids 1,,x", lambda c: c.create_team(name="x", user_ids="1,,x"), "user_ids"),
    ("add ids abc", lambda c: c.add_users_to_team(1, "abc"), "user_ids"),
    ("add ids none", lambda c: c.add_users_to_team(1, None), "user_ids"),
    ("add team id", lambda c: c.add_users_to_team("1a", [1]), "team_id"),
    ("remove ids empty", lambda c: c.remove_users_from_team(1, ""), "user_ids"),
    ("remove all team id", lambda c: c.remove_all_users_from_team(-1), "team_id"),
    ("users in team unknown", lambda c: c.iter_users_in_team(1, roles="leader"), "roles"),
    ("single user id", lambda c: c.get_single_user("me"), "user_id"),
    ("single entry id", lambda c: c.get_single_entry([1]), "entry_id"),
    ("single project id", lambda c: c.get_single_project(None), "project_id"),
    ("single tag id", lambda c: c.get_single_tag(2.0), "tag_id"),
]


@pytest.mark.parametrize(("label", "call", "param"), BAD_CALLS, ids=[row[0] for row in BAD_CALLS])
def test_invalid_input_is_rejected_before_any_request(
    wire: Wire, wired: NokoClient, label: str, call: Call, param: str
) -> None:
    with pytest.raises(NokoInputError) as caught:
        call(wired)

    assert param in caught.value.params
    assert param in str(caught.value)
    assert wire.sent == []


def test_input_error_names_the_method_and_every_bad_param(wired: NokoClient) -> None:
    with pytest.raises(NokoInputError) as caught:
        wired.list_entries(role="x", billable="maybe", user_ids="a")

    assert caught.value.method == "list_entries"
    assert sorted(caught.value.params) == ["billable", "role", "user_ids"]


def test_input_error_is_a_value_error(wired: NokoClient) -> None:
    with pytest.raises(ValueError):
        wired.list_users(role="boss")
