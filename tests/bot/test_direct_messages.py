"""A direct message is no channel for a digest: Post to channel and the subscribe form say what
to do instead (issue 17 §2)."""

from __future__ import annotations

from urllib.parse import urlencode

from slackkit import reply_text

from bot.ids import ActionId, BlockId
from bot.listeners.actions.digests import DigestButton


def _command_in_dm(slack, fake, user_id: str, text: str, key: str) -> None:
    """``/noko-team <text>`` typed in the DM D0DM; its reply goes to response url ``key``."""
    form = {
        "token": "legacy", "team_id": "T0001", "channel_id": "D0DM",
        "user_id": user_id, "user_name": "s", "command": "/noko-team",
        "text": text, "response_url": fake.response_url(key), "trigger_id": f"trigger.{key}",
    }  # fmt: skip
    response = slack.dispatch(urlencode(form), "application/x-www-form-urlencoded")
    assert response.status == 200, response.body


def test_post_to_channel_from_a_dm_says_to_run_it_in_a_channel(slack, fake, deps, people, dataset):
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    value = DigestButton(t=team_id, s=dataset.today, e=dataset.today, k="day").model_dump_json()
    key = slack.action(
        people.supervisor,
        {"action_id": ActionId.POST_DIGEST, "value": value},
        channel={"id": "D0DM"},
    )
    text = reply_text(slack.reply(key))

    assert "this is a direct message" in text and "subscribe a channel" in text, text
    assert "not a member" not in text, text
    assert fake.calls_to("chat.postMessage") == [], "nothing is posted to a DM"


def test_the_subscribe_form_opened_in_a_dm_leaves_the_channel_to_pick(slack, fake, people):
    _command_in_dm(slack, fake, people.supervisor.id, "subscribe", "dm1")
    view = fake.wait_for("views.update")[0].args["view"]

    block = next(b for b in view["blocks"] if b.get("block_id") == BlockId.SUB_CHANNEL)
    assert "initial_conversation" not in block["element"], block
    assert "D0DM" not in str(view), view


def test_subscribe_with_every_option_typed_in_a_dm_subscribes_nothing(slack, fake, deps, people):
    _command_in_dm(slack, fake, people.supervisor.id, "subscribe Design weekly mon 09:00", "dm2")
    text = reply_text(slack.reply("dm2"))

    assert "direct message" in text, text
    assert deps.repo.list_subscriptions() == [], "a DM gets no digest"
