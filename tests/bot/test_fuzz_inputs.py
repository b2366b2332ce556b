"""Fuzz: the input classes that once ended in tracebacks never reach the unexpected-error path."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.devtools.fake_slack import SlackUser
from bot.ids import ActionId

UNEXPECTED = "Something went wrong on my side"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Subcommands that change no Noko team (subscriptions live in the test's own database).
SUBCOMMANDS = st.sampled_from(
    [
        "show",
        "members",
        "hours",
        "digest",
        "subscribe",
        "subscriptions",
        "unsubscribe",
        "pause",
        "resume",
        "list",
        "help",
    ]
)
UNICODE_DIGITS = st.text(
    st.characters(categories=["Nd", "No"], exclude_characters="0123456789"), min_size=1, max_size=4
)
HUGE = st.integers(min_value=2**31 - 2, max_value=10**30).map(str)
EDGE_DATES = st.one_of(
    st.dates(max_value=dt.date(3, 1, 1)), st.dates(min_value=dt.date(9998, 1, 1)), st.dates()
)
RANGES = st.tuples(EDGE_DATES, EDGE_DATES).map(lambda d: f"{d[0]}..{d[1]}")
ODD_ZONES = st.sampled_from(
    [
        "America",
        "Europe",
        "../../etc",
        "/etc/passwd",
        "zone.tab",
        "tzdata.zi",
        "Europe/Berlin/",
        "Europe/../UTC",
        "posixrules",
        "Factory",
        "UTC",
        "GMT",
        "Asia/Tokyo",
        "x/y",
        "A" * 80,
        "",
    ]
)
CHANNELS = st.sampled_from(
    [
        "<#C0DESIGN|design>",
        "<#C0PRIVATE>",
        "&lt;#C0PRIVATE&gt;",
        "&amp;lt;#C0PRIVATE&amp;gt;",
        "#design",
        "<#G0HIDDEN|hidden>",
        "<#C0DESIGN",
        "&lt;@UADMIN&gt;",
    ]
)
OTHER = st.sampled_from(
    [
        "Design",
        "weekly",
        "monthly",
        "daily",
        "monday",
        "09:00",
        "٠٩:٣٠",
        "31",
        "0",
        "#1",
        "#",
        "last-week",
        "today",
        "“Design”",
        "--share",
    ]
)
WORD = st.one_of(UNICODE_DIGITS, HUGE, RANGES, ODD_ZONES, CHANNELS, OTHER)
# Mostly about a real team, so the words after it reach the period, channel and zone parsing.
TEAM = st.one_of(st.just("Design"), st.just("Design"), WORD)
TEXT = st.tuples(SUBCOMMANDS, TEAM, st.lists(WORD, max_size=4)).map(
    lambda t: " ".join([t[0], t[1], *t[2]])
)


def _assert_no_unexpected_error(fake, caplog, since: int) -> None:
    for call in fake.calls[since:]:
        assert UNEXPECTED not in json.dumps(call.args), call
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


@FUZZ
@given(text=TEXT, zone=ODD_ZONES)
def test_fuzz_command_text_and_slack_time_zones(slack, fake, caplog, text, zone):
    caplog.clear()
    fake.set_channel("G0HIDDEN", None)
    user = SlackUser("UFUZZ", "Fuzz Admin", "fuzz@corp.example", tz=zone, is_admin=True)
    fake.add_user(user)
    since, updates = len(fake.calls), len(fake.calls_to("views.update"))
    response, key = slack.command(text, user)
    assert response.status == 200
    if slack.answer(key).method == "views.open":  # a form: wait until it is filled in
        fake.wait_for("views.update", count=updates + 1)
    _assert_no_unexpected_error(fake, caplog, since)


@FUZZ
@given(
    team=st.one_of(st.none(), st.integers(min_value=-5, max_value=10**12), st.text(max_size=5)),
    start=EDGE_DATES,
    end=EDGE_DATES,
    kind=st.sampled_from(["day", "week", "month", "range", "year"]),
)
def test_fuzz_post_button_values(slack, people, deps, fake, caplog, team, start, end, kind):
    caplog.clear()
    since = len(fake.calls)
    if team is None:  # the real team, so the dates decide
        team = next(t["id"] for t in deps.cache.teams() if t["name"] == "Design")
    value = json.dumps({"t": team, "s": str(start), "e": str(end), "k": kind})
    key = slack.action(
        people.coworker,
        {"action_id": ActionId.POST_DIGEST, "value": value},
        channel={"id": "C0GENERAL"},
    )
    assert slack.reply(key).args["text"]
    _assert_no_unexpected_error(fake, caplog, since)
