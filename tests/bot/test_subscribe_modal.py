"""The subscribe modal: opened pre-filled, submissions validated inline, then subscribed."""

from __future__ import annotations

import json

from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.views.subscribe import SubscribeDraft


def _team_id(deps, name="Design"):
    return next(t["id"] for t in deps.noko.list_teams() if t["name"] == name)


def _inputs(view):
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def _opt(value):
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def _state(
    team_id=None, channel="C0DESIGN", cadence="weekly", day="w0", time="09:00", tz="Europe/Berlin"
):
    values = {
        BlockId.SUB_CHANNEL: {ActionId.SUB_CHANNEL: {"selected_conversation": channel}},
        BlockId.SUB_CADENCE: {ActionId.SUB_CADENCE: {"selected_option": _opt(cadence)}},
        BlockId.SUB_DAY: {ActionId.SUB_DAY: {"selected_option": _opt(day) if day else None}},
        BlockId.SUB_TIME: {ActionId.SUB_TIME: {"selected_time": time}},
        BlockId.SUB_TIMEZONE: {ActionId.SUB_TIMEZONE: {"selected_option": _opt(tz)}},
    }
    if team_id is not None:
        values[BlockId.TEAM] = {ActionId.TEAM_SELECT: {"selected_option": _opt(str(team_id))}}
    return {"values": values}


def _view(state, draft=None):
    meta = (draft or SubscribeDraft()).metadata()
    return {"callback_id": CallbackId.SUBSCRIBE, "private_metadata": meta, "state": state}


def test_subscribe_without_team_opens_the_form_with_the_defaults(slack, people, fake):
    slack.command("subscribe", people.admin)
    assert "Loading" in json.dumps(fake.wait_for("views.open")[0].args["view"])
    view = fake.wait_for("views.update")[0].args["view"]
    assert view["callback_id"] == CallbackId.SUBSCRIBE
    inputs = _inputs(view)
    assert "initial_option" not in inputs[BlockId.TEAM]
    assert inputs[BlockId.SUB_CHANNEL]["initial_conversation"] == "C0GENERAL"
    assert inputs[BlockId.SUB_CADENCE]["initial_option"]["value"] == "weekly"
    assert inputs[BlockId.SUB_DAY]["initial_option"]["value"] == "w0"
    assert inputs[BlockId.SUB_TIME]["initial_time"] == "09:00"
    assert inputs[BlockId.SUB_TIMEZONE]["initial_option"]["value"] == "Europe/Berlin"


def test_form_is_prefilled_with_what_was_given_and_names_the_problem(slack, people, fake, deps):
    slack.command("subscribe Design <#C0X|x> monthly 15 8:30 Mars/Olympus", people.admin)
    view = fake.wait_for("views.update")[0].args["view"]
    inputs = _inputs(view)
    assert inputs[BlockId.TEAM]["initial_option"]["value"] == str(_team_id(deps))
    assert inputs[BlockId.SUB_CHANNEL]["initial_conversation"] == "C0X"
    assert inputs[BlockId.SUB_DAY]["initial_option"]["value"] == "m15"
    assert inputs[BlockId.SUB_TIME]["initial_time"] == "08:30"
    assert "“Mars/Olympus” is not a time zone" in json.dumps(view, ensure_ascii=False)
    meta = SubscribeDraft.model_validate_json(view["private_metadata"])
    assert meta.team_id == _team_id(deps) and meta.cadence == "monthly"


def test_form_for_an_unknown_team_says_so_and_leaves_the_picker_empty(slack, people, fake):
    slack.command("subscribe Nowhere weekly friday 99:00", people.admin)
    view = fake.wait_for("views.update")[0].args["view"]
    assert "initial_option" not in _inputs(view)[BlockId.TEAM]
    assert "Team not found" in json.dumps(view, ensure_ascii=False)


def test_form_is_refused_to_a_coworker_in_the_modal(slack, people, fake, deps):
    slack.command("subscribe", people.coworker)
    view = fake.wait_for("views.update")[0].args["view"]
    assert "can't subscribe channels" in json.dumps(view)
    assert deps.repo.list_audit()[0].result == "denied"


def test_valid_submission_subscribes_and_shows_the_result(slack, people, deps, fake):
    state = _state(_team_id(deps), cadence="monthly", day="m3", time="17:45", tz="Asia/Tokyo")
    response = slack.submit(people.supervisor, _view(state))
    assert json.loads(response.body)["response_action"] == "update"
    result = json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert "Subscribed <#C0DESIGN> to *Design*" in result
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.cadence, sub.day_of_month, sub.local_time, sub.timezone, sub.created_by) == (
        "monthly",
        3,
        "17:45",
        "Asia/Tokyo",
        people.supervisor.id,
    )
    assert deps.repo.list_audit()[0].action == "subscribe"


def test_submission_falls_back_to_the_prefilled_values_slack_left_out(slack, people, deps, fake):
    draft = SubscribeDraft(
        team_id=_team_id(deps),
        channel_id="C0DESIGN",
        cadence="daily",
        local_time="06:00",
        timezone="UTC",
    )
    slack.submit(people.admin, _view({"values": {}}, draft))
    fake.wait_for("views.update")
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.cadence, sub.local_time, sub.timezone) == ("daily", "06:00", "UTC")
    assert sub.weekday is None


def test_invalid_submission_gets_inline_errors_and_changes_nothing(slack, people, deps, fake):
    state = _state(None, channel=None, cadence="weekly", day="m3", tz="Mars/Olympus")
    response = slack.submit(people.admin, _view(state))
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    # Every block's problem at once (weekly with a day of the month too), so one fix is enough.
    assert set(body["errors"]) == {
        BlockId.TEAM,
        BlockId.SUB_CHANNEL,
        BlockId.SUB_DAY,
        BlockId.SUB_TIMEZONE,
    }
    assert deps.repo.list_subscriptions() == [] and not fake.calls_to("views.update")


def test_weekly_submission_needs_a_weekday(slack, people, deps):
    state = _state(_team_id(deps), cadence="weekly", day="m3")
    body = json.loads(slack.submit(people.admin, _view(state)).body)
    assert body["errors"] == {BlockId.SUB_DAY: body["errors"][BlockId.SUB_DAY]}
    assert "weekday" in body["errors"][BlockId.SUB_DAY]


def test_submission_by_coworker_is_denied_in_the_modal(slack, people, deps, fake):
    slack.submit(people.coworker, _view(_state(_team_id(deps))))
    assert "can't subscribe channels" in json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert deps.repo.list_subscriptions() == []
    assert deps.repo.list_audit()[0].result == "denied"


def test_a_form_opened_from_a_command_keeps_the_chart_and_hours_it_named(slack, people, deps, fake):
    slack.command("subscribe Design weekly 25:00 chart 6h/day", people.admin)  # 25:00: the form
    view = fake.wait_for("views.update")[0].args["view"]
    state = _state(_team_id(deps), time="10:00")
    slack.submit(
        people.admin, _view(state, SubscribeDraft.model_validate_json(view["private_metadata"]))
    )
    result = json.dumps(fake.wait_for("views.update", count=2)[1].args["view"], ensure_ascii=False)
    (sub,) = deps.repo.list_subscriptions()
    assert sub.options == {"chart": True, "hours_per_day": 6.0}, sub.options
    assert "6h/day expected, a chart in its thread" in result, result


def test_updating_from_the_form_keeps_chart_and_hours_and_lists_them(slack, people, deps, fake):
    slack.run("subscribe Design <#C0DESIGN> weekly 09:00 chart 7.5h/day", people.admin)
    slack.submit(people.admin, _view(_state(_team_id(deps), day="w2", time="11:00")))
    result = json.dumps(fake.wait_for("views.update")[0].args["view"], ensure_ascii=False)
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.weekday, sub.local_time) == (2, "11:00")
    assert sub.options == {"chart": True, "hours_per_day": 7.5}, sub.options
    said = "weekly on Wednesday at 11:00 (Europe/Berlin), workdays Mon\u2013Fri, 7.5h/day"
    assert said in result, result
