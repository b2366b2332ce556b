"""Edge inputs that used to end in a traceback: Unicode digits, huge ids, date.min, odd zones."""

from __future__ import annotations

import json
import logging

import pytest
from slackkit import reply_text

from bot.devtools.fake_slack import SlackUser
from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.views.subscribe import SubscribeDraft
from bot.zones import UnknownZoneError, is_zone, zone_info

UNEXPECTED = "Something went wrong on my side"
DESIGN_CHANNEL = "<#C0DESIGN|team-design>"


def _answer(slack, user, text, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        reply = reply_text(slack.run(text, user))
    assert UNEXPECTED not in reply
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    return reply


@pytest.mark.parametrize("text", ["show ①", "show ²", "members ٣", "hours ¹²"])
def test_unicode_digits_are_names_not_ids(slack, people, caplog, text):
    reply = _answer(slack, people.coworker, text, caplog)
    assert "Team not found" in reply


@pytest.mark.parametrize(
    "text", ["pause ²", "resume ①", "pause 99999999999999999999", "pause #2147483648"]
)
def test_pause_needs_an_ascii_id_that_fits_the_database(slack, people, caplog, text):
    reply = _answer(slack, people.admin, text, caplog)
    assert "Give the subscription's number" in reply


def test_pause_with_the_largest_id_says_there_is_no_such_subscription(slack, people, caplog):
    reply = _answer(slack, people.admin, "pause 2147483647", caplog)
    assert "There is no digest subscription #2147483647" in reply


def test_unsubscribe_with_a_huge_number_is_not_a_crash(slack, people, caplog):
    reply = _answer(slack, people.admin, "unsubscribe 99999999999999999999", caplog)
    assert "Team not found" in reply


def test_add_with_a_huge_noko_user_id_names_it(slack, people, caplog):
    reply = _answer(slack, people.admin, "add Design 99999999999999999999", caplog)
    assert "99999999999999999999" in reply and "Nothing was changed" in reply


def test_subscribe_with_unicode_day_number_is_not_a_crash(slack, people, fake, caplog):
    caplog.clear()
    slack.command(f"subscribe Design {DESIGN_CHANNEL} monthly ³", people.admin)
    fake.wait_for("views.update")  # the form opens with the problem shown
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


@pytest.mark.parametrize(
    "text", ["digest Design 0001-01-01..0001-01-07", "hours Design 0001-01-01..0001-01-07"]
)
def test_a_range_at_the_start_of_the_calendar_is_refused(slack, people, caplog, text):
    reply = _answer(slack, people.coworker, text, caplog)
    assert "starts too early" in reply


def test_a_range_at_the_end_of_the_calendar_is_a_digest(slack, people, caplog):
    reply = _answer(slack, people.coworker, "digest Design 9999-12-25..9999-12-31", caplog)
    assert "Design · 25\u201331 Dec 9999" in reply


@pytest.mark.parametrize("zone", ["America", "../../etc", "", "zone.tab", "Europe/Berlin/"])
def test_a_slack_time_zone_python_cannot_load_falls_back_to_utc(
    slack, people, fake, deps, caplog, zone
):
    # A Noko supervisor (who may read the digest) with a zone Python can't load.
    user = SlackUser("UODDZONE", "Odd Zone", people.admin.email, tz=zone, is_admin=True)
    fake.add_user(user)
    reply = _answer(slack, user, f"subscribe Design {DESIGN_CHANNEL} weekly", caplog)
    assert "Subscribed <#C0DESIGN>" in reply and "(UTC)" in reply
    assert [s.timezone for s in deps.repo.list_subscriptions()] == ["UTC"]
    assert "Design · " in _answer(slack, user, "digest Design today", caplog)


@pytest.mark.parametrize("zone", ["America", "zone.tab", "Europe/../UTC"])
def test_a_typed_time_zone_that_is_not_one_opens_the_form_with_the_problem(
    slack, people, fake, deps, caplog, zone
):
    caplog.clear()
    slack.command(f"subscribe Design {DESIGN_CHANNEL} weekly 09:00 {zone}", people.admin)
    view = fake.wait_for("views.update")[0].args["view"]
    assert f"“{zone}”" in str(view)
    assert not deps.repo.list_subscriptions()
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


@pytest.mark.parametrize(
    "name",
    ["America", "../../etc", "", "zone.tab", "/etc/passwd", "Europe/Berlin/", "a\0b", "x" * 300],
)
def test_zone_info_refuses_every_odd_name_with_one_error(name):
    with pytest.raises(UnknownZoneError):
        zone_info(name)
    assert not is_zone(name)


@pytest.mark.parametrize(("time", "day"), [("0٣:00", "m3"), ("09:00", "m1٣")])
def test_subscribe_form_takes_only_ascii_times_and_days(slack, people, deps, time, day):
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")

    def chosen(value):
        return {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}

    values = {
        BlockId.TEAM: {ActionId.TEAM_SELECT: chosen(str(team_id))},
        BlockId.SUB_CHANNEL: {ActionId.SUB_CHANNEL: {"selected_conversation": "C0DESIGN"}},
        BlockId.SUB_CADENCE: {ActionId.SUB_CADENCE: chosen("monthly")},
        BlockId.SUB_DAY: {ActionId.SUB_DAY: chosen(day)},
        BlockId.SUB_TIME: {ActionId.SUB_TIME: {"selected_time": time}},
        BlockId.SUB_TIMEZONE: {ActionId.SUB_TIMEZONE: chosen("UTC")},
    }
    view = {
        "callback_id": CallbackId.SUBSCRIBE,
        "private_metadata": SubscribeDraft().metadata(),
        "state": {"values": values},
    }
    response = slack.submit(people.admin, view)
    assert json.loads(response.body)["response_action"] == "errors"
    assert deps.repo.list_subscriptions() == []
