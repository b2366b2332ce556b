"""`hours` and `digest` read a period in the words people use, and name the part they can't read."""

from __future__ import annotations

from slackkit import reply_text


def test_hours_with_a_period_in_words(slack, people) -> None:
    text = reply_text(slack.run("hours Engineering last week", people.coworker))

    assert "Engineering" in text and "Week of" in text and "Team not found" not in text


def test_digest_of_a_team_with_spaces_and_a_three_word_period(slack, people) -> None:
    text = reply_text(slack.run("digest Customer Success last 7 days", people.coworker))

    assert text.startswith("Customer Success · ")


def test_an_unreadable_period_is_named_not_blamed_on_the_team(slack, people) -> None:
    text = reply_text(slack.run("hours Engineering last wek", people.coworker))

    assert "I couldn't read “last wek” as a period" in text and "Team not found" not in text


def test_a_team_whose_name_starts_like_a_period_still_resolves(slack, people) -> None:
    text = reply_text(slack.run("hours Engineering Ops", people.coworker))

    assert "Engineering Ops" in text and "couldn't read" not in text
