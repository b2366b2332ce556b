"""Calendar commands: holidays (admins change them, audited), away and back, workdays."""

from __future__ import annotations

import datetime as dt
import json

from slackkit import reply_text

from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.views.subscribe import SubscribeDraft

DESIGN_CHANNEL = "<#C0DESIGN|design>"


def test_holidays_add_list_remove_by_an_admin(slack, people, deps, fake):
    reply = reply_text(slack.run("holidays add 2030-12-24 Christmas <Eve>", people.admin))
    assert "Added the holiday Tue 2030-12-24 (Christmas &lt;Eve&gt;)" in reply
    assert [h.day for h in deps.repo.list_holidays()] == [dt.date(2030, 12, 24)]
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.slack_user_id) == ("holidays", "ok", "UADMIN")
    assert any(c.args["channel"] == "CAUDIT" for c in fake.wait_for("chat.postMessage"))
    listed = reply_text(slack.run("holidays", people.coworker))  # anyone may read the list
    assert "Tue 2030-12-24 (Christmas &lt;Eve&gt;)" in listed
    again = reply_text(slack.run("holidays add 2030-12-24 Xmas", people.admin))
    assert "already a holiday" in again and deps.repo.list_holidays()[0].name == "Xmas"
    removed = reply_text(slack.run("holidays remove 2030-12-24", people.admin))
    assert "is no longer a holiday" in removed and deps.repo.list_holidays() == []
    missing = reply_text(slack.run("holidays remove 2030-12-24", people.admin))
    assert "2030-12-24 is not a holiday" in missing


def test_holidays_change_is_refused_to_a_coworker_and_audited(slack, people, deps):
    reply = reply_text(slack.run("holidays add 2030-12-24", people.coworker))
    assert "can't change the holiday list" in reply
    assert deps.repo.list_holidays() == []
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result) == ("holidays", "denied")


def test_holidays_bad_input_says_what_is_wrong(slack, people, deps):
    bad_date = reply_text(slack.run("holidays add 2030-02-30", people.admin))
    assert "“2030-02-30” is not a holiday date" in bad_date and "YYYY-MM-DD" in bad_date
    assert "Which day?" in reply_text(slack.run("holidays add", people.admin))
    assert "`add YYYY-MM-DD [name]`" in reply_text(
        slack.run("holidays drop 2030-01-01", people.admin)
    )
    assert "only the date" in reply_text(slack.run("holidays remove 2030-01-01 x", people.admin))
    assert deps.repo.list_holidays() == []


def test_away_until_and_back(slack, people, deps):
    today = deps.clock().date()
    until = today + dt.timedelta(days=10)
    reply = reply_text(slack.run(f"away until {until.isoformat()}", people.mate))
    assert f"away until {until:%a} {until.isoformat()}" in reply
    [(user, email, start, end)] = deps.repo.absences_between(today, until)
    assert (user, email, start, end) == ("UMATE", people.mate.email, today, until)
    assert "Welcome back" in reply_text(slack.run("back", people.mate))
    assert deps.repo.absences_between(today, until) == []
    assert "weren't marked away" in reply_text(slack.run("back", people.mate))


def test_away_bad_dates_say_what_is_wrong(slack, people, deps):
    today = deps.clock().date()
    past = reply_text(slack.run(f"away until {today - dt.timedelta(days=1)}", people.mate))
    assert "is already past" in past
    assert "is not a date" in reply_text(slack.run("away until tomorrow", people.mate))
    assert "Say until when" in reply_text(slack.run("away", people.mate))
    assert "within a year" in reply_text(slack.run("away until 2999-01-01", people.mate))
    no_email = reply_text(slack.run(f"away until {today}", people.no_email))
    assert "can't see your e-mail address" in no_email
    assert deps.repo.absences_between(dt.date.min, dt.date.max) == []


def test_subscribe_with_workdays_stores_them_and_shows_them(slack, people, deps):
    text = f"subscribe Design {DESIGN_CHANNEL} daily 09:00 UTC mon-sat"
    reply = reply_text(slack.run(text, people.admin))
    (sub,) = deps.repo.list_subscriptions()
    assert sub.options["workdays"] == [0, 1, 2, 3, 4, 5]
    assert "workdays Mon\u2013Sat" in reply
    # Updated without workdays: they stay.
    slack.run(f"subscribe Design {DESIGN_CHANNEL} daily 10:00 UTC", people.admin)
    assert deps.repo.list_subscriptions()[0].options["workdays"] == [0, 1, 2, 3, 4, 5]
    listed = reply_text(slack.run("subscriptions", people.admin))
    assert "workdays Mon\u2013Sat" in listed and "covering" in listed


def _workday_boxes(view):
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.SUB_WORKDAYS]
    return block["element"]


def _submit_state(team_id, ticked):
    def opt(value):
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    values = {
        BlockId.TEAM: {ActionId.TEAM_SELECT: {"selected_option": opt(str(team_id))}},
        BlockId.SUB_CHANNEL: {ActionId.SUB_CHANNEL: {"selected_conversation": "C0DESIGN"}},
        BlockId.SUB_CADENCE: {ActionId.SUB_CADENCE: {"selected_option": opt("daily")}},
        BlockId.SUB_TIME: {ActionId.SUB_TIME: {"selected_time": "09:00"}},
        BlockId.SUB_TIMEZONE: {ActionId.SUB_TIMEZONE: {"selected_option": opt("UTC")}},
        BlockId.SUB_WORKDAYS: {
            ActionId.SUB_WORKDAYS: {"selected_options": [opt(str(d)) for d in ticked]}
        },
    }
    return {
        "callback_id": CallbackId.SUBSCRIBE,
        "private_metadata": SubscribeDraft().metadata(),
        "state": {"values": values},
    }


def test_the_form_offers_workdays_and_keeps_them(slack, people, fake, deps):
    slack.command("subscribe Design daily mon-sat 9:00 Mars/Olympus", people.admin)
    view = fake.wait_for("views.update")[0].args["view"]
    boxes = _workday_boxes(view)
    assert [o["value"] for o in boxes["initial_options"]] == ["0", "1", "2", "3", "4", "5"]
    design = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    slack.submit(people.admin, _submit_state(design, [0, 1, 2, 3, 4, 5]))
    assert "Subscribed" in json.dumps(fake.wait_for("views.update", 2)[1].args["view"])
    (sub,) = deps.repo.list_subscriptions()
    assert sub.options["workdays"] == [0, 1, 2, 3, 4, 5]
    # Left at the form's default, Monday to Friday, they keep what the subscription had.
    slack.submit(people.admin, _submit_state(design, [0, 1, 2, 3, 4]))
    assert "Updated" in json.dumps(fake.wait_for("views.update", 3)[2].args["view"])
    assert deps.repo.list_subscriptions()[0].options["workdays"] == [0, 1, 2, 3, 4, 5]
    body = json.loads(slack.submit(people.admin, _submit_state(design, [])).body)
    assert body["errors"] == {BlockId.SUB_WORKDAYS: "Tick at least one workday."}
