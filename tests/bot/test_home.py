"""App Home: published on app_home_opened; its buttons and menus open the modals."""

from __future__ import annotations

import json

from bot.ids import ActionId, BlockId, CallbackId
from tests.blockkit import block_by_id


def test_home_lists_teams_with_counts(slack, people, fake):
    response = slack.event({"type": "app_home_opened", "user": people.supervisor.id, "tab": "home"})
    assert response.status == 200
    published = fake.wait_for("views.publish")[0].args
    assert published["user_id"] == people.supervisor.id
    text = json.dumps(published["view"])
    assert "*Design*\\n5 members" in text and ActionId.OPEN_CREATE in text


def test_home_messages_tab_is_ignored(slack, people, fake):
    slack.event({"type": "app_home_opened", "user": people.coworker.id, "tab": "messages"})
    slack.event({"type": "app_home_opened", "user": people.admin.id, "tab": "home"})
    published = fake.wait_for("views.publish")
    assert [c.args["user_id"] for c in published] == [people.admin.id]


def test_home_button_opens_create_modal(slack, people, fake):
    slack.action(people.admin, {"action_id": ActionId.OPEN_CREATE, "value": "create"})
    fake.wait_for("views.open")
    assert fake.wait_for("views.update")[0].args["view"]["callback_id"] == CallbackId.CREATE_TEAM


def test_home_team_menu_opens_remove_modal_for_that_team(slack, people, fake, dataset):
    team = dataset.team_named("Design")
    option = {"text": {"type": "plain_text", "text": "Remove"}, "value": f"remove:{team.id}"}
    slack.action(people.admin, {"action_id": ActionId.TEAM_MENU, "selected_option": option})
    view = fake.wait_for("views.update")[0].args["view"]
    assert view["callback_id"] == CallbackId.REMOVE_MEMBERS
    team_input = block_by_id(view["blocks"], BlockId.TEAM)["element"]
    assert team_input["initial_option"]["value"] == str(team.id)


def test_refresh_button_republishes(slack, people, fake):
    slack.action(people.coworker, {"action_id": ActionId.REFRESH_HOME, "value": "refresh"})
    assert fake.wait_for("views.publish")[0].args["user_id"] == people.coworker.id


def test_home_when_noko_fails_tells_the_user_by_dm(slack, people, fake, sandbox):
    sandbox.inject("status", status=500, path="/teams", count=3)
    slack.event({"type": "app_home_opened", "user": people.coworker.id, "tab": "home"})
    message = fake.wait_for("chat.postMessage")[0].args
    assert message["channel"] == people.coworker.id and "Noko didn't answer" in message["text"]
