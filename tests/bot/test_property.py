"""Property: whatever text follows /noko-team, the bot acks with 200 and replies something, and
nothing it typed comes back as Slack markup (tests/hostile.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blocks.render import unescape
from tests.hostile import Legit, assert_inert

WORDS = st.sampled_from(
    [
        "list",
        "show",
        "members",
        "hours",
        "add",
        "remove",
        "create",
        "rename",
        "delete",
        "clear",
        "help",
        "Design",
        "“Engineering Ops”",
        '"',
        "“",
        "<@UMATE|m>",
        "<mailto:a@b.c|a@b.c>",
        "<",
        ">",
        "&amp;",
        "--share",
        "last-week",
        "2024-01-01..2024-02-30",
        "12",
        "leader",
        "é",
        "<!channel>",
        "<!here|here>",
        "<#C1|general>",
        "<http://x|y>",
        "<!subteam^S1|@eng>",
        "R&amp;D",
        "&lt;!channel&gt;",
        "*bold*",
        "`x`",
        "\u202e",
    ]
)
TEXT = st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=5).map(" ".join))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
def test_any_command_text_gets_a_reply_and_no_unhandled_error(slack, people, caplog, text):
    # A coworker may change nothing, so random text never alters the shared sandbox.
    caplog.clear()
    response, key = slack.command(text, people.coworker)
    assert response.status == 200
    answer = slack.answer(key)
    # What Slack shows of the typed text is the text with its escapes undone.
    assert_inert(answer.args, [text, unescape(text)], Legit.of(users=[people.mate.id]))
    if answer.method == "response_url":
        assert answer.args.get("text", "").strip()
    else:  # add/remove/create without members open a modal instead of replying
        assert answer.method == "views.open"
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
