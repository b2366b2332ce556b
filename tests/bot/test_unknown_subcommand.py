"""An unknown subcommand: the nearest one when a typo is close, the whole help otherwise."""

from __future__ import annotations

from slackkit import reply_text


def test_a_typo_gets_the_nearest_subcommand_only(slack, people) -> None:
    text = reply_text(slack.run("lsit", people.coworker))

    assert "I don't know the subcommand “lsit”. Did you mean `/noko-team list [text]`?" in text
    assert "/noko-team rename" not in text  # not the whole help


def test_nothing_close_gets_the_whole_help(slack, people) -> None:
    text = reply_text(slack.run("frobnicate Design", people.coworker))

    assert "I don't know the subcommand “frobnicate”." in text and "Did you mean" not in text
    assert "/noko-team rename" in text and "/noko-team subscribe" in text
