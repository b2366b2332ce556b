"""A command whose text says "payload" is still a command (Bolt took it for an empty payload)."""

from __future__ import annotations

from slackkit import reply_text


def test_command_text_with_the_word_payload_is_answered(slack, people) -> None:
    answer = reply_text(slack.run("show payload", people.coworker))

    assert "Team not found" in answer and "payload" in answer


def test_payload_in_an_interactive_body_is_still_read_as_the_payload(slack, people) -> None:
    key = slack.action(people.coworker, {"action_id": "noko_cancel", "value": "x"})

    assert "Cancelled" in reply_text(slack.reply(key))
