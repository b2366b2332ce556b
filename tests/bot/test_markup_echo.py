"""Raw Slack markup is never echoed back: a mention where a team was expected reads "@name"."""

from __future__ import annotations

import pytest
from slackkit import reply_text

from bot.errors import readable


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<@UPEER0000|wen>", "@wen"),
        ("<@U1>", "@someone"),
        ("<#C1|design>", "#design"),
        ("<!here>", "@here"),
        ("<!subteam^S1|@eng>", "@eng"),
        ("<https://x.example|site>", "site"),
        ("R&D <b", "R&D <b"),
    ],
)
def test_readable_shows_what_people_saw(typed: str, shown: str) -> None:
    assert readable(typed) == shown


def test_a_mention_where_a_team_was_expected_is_answered_with_the_name(slack, people) -> None:
    text = reply_text(slack.run("show <@UPEER0000|wen>", people.coworker))

    assert "“@wen”" in text and "name the team first" in text
    assert "UPEER0000" not in text
