"""A coworker's or contractor's view posted to a channel says whose view it is and what it leaves
out, in words for the channel; the private reply keeps speaking to "you" (issue 17 §2)."""

from __future__ import annotations

import datetime as dt
import json

from slackkit import reply_text

from bot.devtools.fake_slack import SlackUser
from bot.ids import ActionId
from bot.listeners.actions.digests import DigestButton

LIAM = "liam.xu@example.com"  # a Noko coworker assigned to five projects


def _liam(fake) -> SlackUser:
    user = SlackUser("ULIAM", "Liam Xu", LIAM)
    fake.add_user(user)
    fake.set_channel("C0GENERAL", [user.id])
    return user


def _period(dataset) -> str:
    return f"{dataset.today - dt.timedelta(days=27)}..{dataset.today}"


def _members_text(payload: str) -> str:
    return payload.split("Per member", 1)[-1].split("Hours per member", 1)[-1]


def test_shared_hours_say_whose_view_it_is_to_the_channel(slack, fake, dataset):
    liam = _liam(fake)
    call = slack.run(f"hours Design {_period(dataset)} --share", liam)
    text = reply_text(call)

    assert call.args["response_type"] == "in_channel", call.args
    assert "As <@ULIAM> can see it in Noko (a coworker): " in text, text
    assert "projects they aren't assigned to are not shown" in text, text
    assert "You see" not in text and "you aren't" not in text, text


def test_shared_hours_mark_other_members_lines_as_partial(slack, fake, dataset):
    liam = _liam(fake)
    text = reply_text(slack.run(f"hours Design {_period(dataset)} --share", liam))

    members = _members_text(text)
    assert "Rosa Hoffmann: 21h (only projects <@ULIAM> can see)" in members, members
    assert "Liam Xu: 118h 30m\\n" in members, members  # their own time is all there


def test_the_private_hours_reply_still_speaks_to_you(slack, fake, dataset):
    liam = _liam(fake)
    text = reply_text(slack.run(f"hours Design {_period(dataset)}", liam))

    assert "You see what Noko shows a coworker: 13 projects you aren't assigned to" in text, text
    assert "Rosa Hoffmann: 21h (only projects you can see)" in text, text
    assert "<@ULIAM>" not in text, text


def test_post_to_channel_says_whose_view_the_channel_reads(slack, fake, deps, dataset):
    liam = _liam(fake)
    start, end = _period(dataset).split("..")
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    value = DigestButton(t=team_id, s=start, e=end, k="range").model_dump_json()
    key = slack.action(
        liam, {"action_id": ActionId.POST_DIGEST, "value": value}, channel={"id": "C0GENERAL"}
    )
    slack.reply(key)
    (post,) = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0GENERAL"]
    payload = json.dumps(post.args, ensure_ascii=False)

    assert "As <@ULIAM> can see it in Noko (a coworker): 13 projects" in payload, payload
    assert "You see" not in payload, payload
    assert "(only projects <@ULIAM> can see)" in _members_text(payload), payload
