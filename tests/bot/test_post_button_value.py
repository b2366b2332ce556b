"""The Post to channel button's value comes back from the client: it is checked like typed text."""

from __future__ import annotations

import json
import logging

import pytest

from bot.ids import ActionId

UNEXPECTED = "Something went wrong on my side"


def _design_id(deps) -> int:
    return next(int(t["id"]) for t in deps.noko.list_teams() if t["name"] == "Design")


def _click(slack, people, value: str):
    return slack.action(
        people.coworker,
        {"action_id": ActionId.POST_DIGEST, "value": value},
        channel={"id": "C0GENERAL"},
    )


@pytest.mark.parametrize(
    ("dates", "problem"),
    [
        (("2025-01-01", "2026-11-20"), "longer than 366 days"),
        (("2026-11-20", "2026-11-01"), "ends before it starts"),
        (("0001-01-01", "0001-01-07"), "starts too early"),
    ],
)
def test_post_button_with_a_forged_period_posts_nothing_and_says_why(
    slack, people, deps, fake, caplog, dates, problem
):
    value = json.dumps({"t": _design_id(deps), "s": dates[0], "e": dates[1], "k": "range"})
    with caplog.at_level(logging.INFO):
        key = _click(slack, people, value)
        text = slack.reply(key).args["text"]
    assert "Nothing was posted" in text and problem in text
    assert UNEXPECTED not in text
    assert fake.calls_to("chat.postMessage") == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "",
        json.dumps({"t": 2**31, "s": "2026-11-01", "e": "2026-11-07"}),
        json.dumps({"t": -4, "s": "2026-11-01", "e": "2026-11-07"}),
        json.dumps({"t": 1, "s": "2026-11-01"}),
    ],
)
def test_post_button_with_a_value_it_never_made_posts_nothing(slack, people, fake, caplog, value):
    with caplog.at_level(logging.INFO):
        text = slack.reply(_click(slack, people, value)).args["text"]
    assert "Nothing was posted" in text and "not one I made" in text
    assert fake.calls_to("chat.postMessage") == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


def test_post_button_with_a_week_long_range_still_posts(slack, people, deps, fake):
    value = json.dumps({"t": _design_id(deps), "s": "2026-11-02", "e": "2026-11-08", "k": "week"})
    key = _click(slack, people, value)
    assert "Posted the digest to <#C0GENERAL>" in slack.reply(key).args["text"]
    assert fake.wait_for("chat.postMessage")[0].args["channel"] == "C0GENERAL"


@pytest.mark.parametrize("value", ["①", "abc", "99999999999999999999", ""])
def test_app_home_subscription_buttons_with_a_forged_id_answer_plainly(
    slack, people, fake, caplog, value
):
    with caplog.at_level(logging.INFO):
        key = slack.action(people.admin, {"action_id": ActionId.SUB_PAUSE, "value": value})
        text = slack.reply(key).args["text"]
    assert "names no digest subscription" in text
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
