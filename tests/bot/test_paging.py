"""Long answers page: 2,002 teams and a 300-member team, clicked through end to end.

Every page is a real reply through Bolt (the fake Slack checks each payload against Slack's
limits); Next re-reads Noko through the cache and replaces the message, or republishes the Home.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from slackkit import BOT_TODAY

from bot.blocks.render import unescape
from bot.devtools.fake_slack import SlackCall
from bot.ids import ActionId, BlockId
from bot.services.periods import DASH
from noko_core.sandbox import Dataset, Sandbox, build_dataset
from noko_core.sandbox.dataset import Team, User
from tests.blockkit import block_text, blocks_by_id

TEAMS = 2002
MEMBERS = 300
ENGINEERING = 1  # the dataset's big team
TEXT_CHARS = 4000
# Two people whose long names are the same and whose e-mails differ only deep inside.
TWIN_NAME = ("Maximiliana-Theodora", "Vandersteenhoven-Oppenheimer-Castellanos")
TWIN_EMAILS = (
    "maximiliana.theodora.a.vandersteenhoven.oppenheimer.castellanos@example.com",
    "maximiliana.theodora.b.vandersteenhoven.oppenheimer.castellanos@example.com",
)


def _big_dataset() -> Dataset:
    """The demo account with a 300-member Engineering, 2,002 teams in all, and two look-alikes."""
    dataset = build_dataset(
        today=BOT_TODAY, big_team_size=MEMBERS, weeks=2, entries_per_member_day=1
    )
    # conftest's people.coworker (the first active coworker) is assigned to five projects, so
    # what they may read of Engineering's week runs to several pages but not to all 300 people.
    coworker = next(u for u in dataset.users if u.role == "coworker" and u.state == "active")
    for project in dataset.projects[:5]:
        project.participant_ids = sorted({*project.participant_ids, coworker.id})
    stamp = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    start = max(t.id for t in dataset.teams) + 1
    extra = TEAMS - len(dataset.teams)
    dataset.teams += [Team(start + i, f"Squad {i:04d}", [], stamp, stamp) for i in range(extra)]
    next_user = max(u.id for u in dataset.users) + 1
    for offset, email in enumerate(TWIN_EMAILS):
        first, last = TWIN_NAME
        user = User(
            next_user + offset, email, first, last, "coworker", "active", False, stamp, stamp
        )
        dataset.users.append(user)
    return dataset


@pytest.fixture(scope="module")
def big_dataset() -> Dataset:
    return _big_dataset()


@pytest.fixture(scope="module")
def big_sandbox(big_dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(rate_limit=False, dataset=copy.deepcopy(big_dataset)) as sb:
        yield sb


@pytest.fixture
def sandbox(big_sandbox: Sandbox) -> Sandbox:
    """Overrides conftest's: the bot of these tests runs against the big account."""
    big_sandbox.reset()
    return big_sandbox


# -- helpers -------------------------------------------------------------------------------------
def _button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any] | None:
    pagers = [b for b in blocks if b.get("block_id") == BlockId.PAGER]
    found = [e for b in pagers for e in b["elements"] if e["action_id"] == action_id]
    return found[0] if found else None


def _page_label(blocks: list[dict[str, Any]]) -> str:
    return block_text(blocks_by_id(blocks, BlockId.PAGE)[0])


def _sections(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(block_text(b) for b in blocks if b["type"] == "section")


def _text_ok(call: SlackCall) -> None:
    assert 0 < len(call.args["text"]) <= TEXT_CHARS


def _click_through(slack, clicker, first: SlackCall) -> list[SlackCall]:
    """Every page of a reply, by pressing Next until there is none; each replaces the last."""
    calls = [first]
    while (button := _button(calls[-1].args["blocks"], ActionId.PAGE_NEXT)) is not None:
        assert len(calls) < 200, "Next never stops"
        action = {"action_id": button["action_id"], "value": button["value"]}
        call = slack.reply(slack.action(clicker, action))
        assert call.args["replace_original"] is True
        _text_ok(call)
        calls.append(call)
    return calls


def _team_names(call: SlackCall) -> list[str]:
    return [
        unescape(n) for n in re.findall(r"^• \*(.+?)\* — ", _sections(call.args["blocks"]), re.M)
    ]


# -- list ------------------------------------------------------------------------------------------
def test_list_pages_through_all_2002_teams(slack, people, big_dataset):
    first = slack.run("list", people.coworker)
    _text_ok(first)
    assert _button(first.args["blocks"], ActionId.PAGE_PREVIOUS) is None
    calls = _click_through(slack, people.coworker, first)

    shown = [name for call in calls for name in _team_names(call)]
    expected = sorted((t.name for t in big_dataset.teams), key=str.casefold)
    assert shown == expected  # every team once, in order, across the pages
    assert _page_label(calls[0].args["blocks"]).startswith(
        f"Teams 1{DASH}50 of 2,002 (page 1 of 41)"
    )
    assert _page_label(calls[1].args["blocks"]).startswith(f"Teams 51{DASH}100 of 2,002")
    assert _page_label(calls[-1].args["blocks"]).startswith(f"Teams 2,001{DASH}2,002 of 2,002")
    assert len(calls) == 41


def test_previous_goes_back_a_page(slack, people):
    first = slack.run("list squad", people.coworker)
    second = _click_through(slack, people.coworker, first)[1]
    back = _button(second.args["blocks"], ActionId.PAGE_PREVIOUS)
    assert back is not None
    call = slack.reply(
        slack.action(people.coworker, {"action_id": back["action_id"], "value": back["value"]})
    )
    assert _team_names(call) == _team_names(first)
    assert _page_label(call.args["blocks"]).startswith(f"Teams 1{DASH}50 of 1,996")


def test_shared_list_shows_the_first_page_and_how_to_see_the_rest(slack, people):
    call = slack.run("list --share", people.coworker)
    assert call.args["response_type"] == "in_channel"
    assert _button(call.args["blocks"], ActionId.PAGE_NEXT) is None  # nobody else may page it
    label = _page_label(call.args["blocks"])
    assert (
        f"Teams 1{DASH}50 of 2,002" in label
        and "Run `/noko-team list` to page through them." in label
    )


# -- show / members / hours ------------------------------------------------------------------------
def _emails(call: SlackCall) -> list[str]:
    return re.findall(r"^• .+? \(([^,()]+@[^,()]+)", _sections(call.args["blocks"]), re.M)


def test_show_pages_through_300_members(slack, people, big_dataset):
    calls = _click_through(slack, people.coworker, slack.run("show Engineering", people.coworker))
    members = big_dataset.team_named("Engineering").user_ids
    expected = {u.email for u in big_dataset.users if u.id in members}
    shown = [e for call in calls for e in _emails(call)]
    assert len(shown) == MEMBERS and set(shown) == expected
    assert _page_label(calls[1].args["blocks"]).startswith(f"Members 51{DASH}100 of 300")


def test_members_pages_keep_the_filter(slack, people, big_dataset):
    calls = _click_through(
        slack, people.coworker, slack.run("members Engineering coworker", people.coworker)
    )
    members = set(big_dataset.team_named("Engineering").user_ids)
    expected = {u.email for u in big_dataset.users if u.id in members and u.role == "coworker"}
    assert len(calls) > 1
    assert {e for call in calls for e in _emails(call)} == expected
    assert all("coworker" in call.args["text"] for call in calls)


def test_hours_pages_through_300_members_of_the_same_period(slack, people, big_dataset):
    first = slack.run("hours Engineering last week", people.supervisor)
    calls = _click_through(slack, people.supervisor, first)
    members = set(big_dataset.team_named("Engineering").user_ids)
    expected = {u.full_name for u in big_dataset.users if u.id in members}
    names = [
        unescape(n)
        for call in calls
        for n in re.findall(r"^• (.+?): ", _sections(call.args["blocks"]), re.M)
    ]
    member_names = [n for n in names if n in expected]
    assert len(member_names) == MEMBERS and set(member_names) == expected
    title = first.args["blocks"][0]["text"]["text"]
    assert all(call.args["blocks"][0]["text"]["text"] == title for call in calls)


def test_an_hours_page_shows_the_clicker_only_what_noko_shows_them(slack, people, big_dataset):
    first = slack.run("hours Engineering last week", people.supervisor)
    button = _button(first.args["blocks"], ActionId.PAGE_NEXT)
    action = {"action_id": button["action_id"], "value": button["value"]}
    # The same button pressed by a coworker (a forwarded value): their own level applies.
    seen = slack.reply(slack.action(people.coworker, action))
    text = "\n".join(block_text(b) for b in seen.args["blocks"])
    assert "is not shown" in text and "of 300" not in text  # not the supervisor's 300 people
    assert re.search(r"Members [0-9]+\u2013[0-9]+ of [0-9]+ ", text)
    # And by someone with no Noko user: nothing.
    refused = slack.reply(slack.action(people.stranger, action))
    assert "I can't show you anyone's time" in refused.args["text"]
    assert "Per member" not in json.dumps(refused.args.get("blocks") or [])


def test_a_members_page_needs_the_right_to_read_membership(slack, people):
    value = json.dumps({"cmd": "members", "team": ENGINEERING, "page": 1})
    action = {"action_id": ActionId.PAGE_NEXT, "value": value}
    refused = slack.reply(slack.action(people.stranger, action))
    assert "not who is in them" in refused.args["text"]


# -- App Home --------------------------------------------------------------------------------------
def test_home_pages_through_all_2002_teams(slack, people, fake, big_dataset):
    slack.event({"type": "app_home_opened", "user": people.coworker.id, "tab": "home"})
    views = [fake.wait_for("views.publish")[0].args["view"]]
    while (button := _button(views[-1]["blocks"], ActionId.PAGE_NEXT)) is not None:
        assert len(views) < 200
        slack.action(people.coworker, {"action_id": button["action_id"], "value": button["value"]})
        views.append(fake.wait_for("views.publish", count=len(views) + 1)[-1].args["view"])
    prefix = f"{BlockId.HOME_TEAMS}:"
    ids = [
        int(b["block_id"][len(prefix) :])
        for view in views
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith(prefix)
    ]
    assert sorted(ids) == sorted(t.id for t in big_dataset.teams) and len(ids) == TEAMS
    assert f"Teams 41{DASH}80 of 2,002" in _page_label(views[1]["blocks"])
    assert all(len(v["blocks"]) <= 100 for v in views)


# -- broken buttons --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "",
        "not json",
        '{"cmd": "list", "page": -1}',
        '{"cmd": "drop", "page": 1}',
        '{"cmd": "members", "team": 1, "page": 1, "sql": "x"}',
        '{"cmd": "members", "team": "1; drop", "page": 1}',
        '{"cmd": "members", "team": 1, "role": "admin"}',
        '{"cmd": "hours", "team": 1, "start": "2020-01-01", "end": "2029-01-01"}',
        '{"cmd": "list", "text": "' + "x" * 500 + '"}',
    ],
)
def test_a_forged_page_button_gets_a_clear_message(slack, people, fake, value):
    call = slack.reply(
        slack.action(people.coworker, {"action_id": ActionId.PAGE_NEXT, "value": value})
    )
    assert "it is not one I made" in call.args["text"] and "Traceback" not in call.args["text"]
    assert not fake.calls_to("views.publish")


def test_a_page_of_a_deleted_team_says_it_is_gone(slack, people):
    value = json.dumps({"cmd": "members", "team": 987654, "page": 1})
    call = slack.reply(
        slack.action(people.coworker, {"action_id": ActionId.PAGE_NEXT, "value": value})
    )
    assert "no longer in Noko" in call.args["text"]


def test_a_page_past_the_end_shows_the_last_one(slack, people):
    value = json.dumps({"cmd": "members", "team": ENGINEERING, "page": 99})
    call = slack.reply(
        slack.action(people.coworker, {"action_id": ActionId.PAGE_NEXT, "value": value})
    )
    assert _page_label(call.args["blocks"]).startswith(f"Members 251{DASH}300 of 300")
    assert _button(call.args["blocks"], ActionId.PAGE_NEXT) is None


# -- nothing cut without saying how much -----------------------------------------------------------
def test_clearing_300_members_names_whole_people_and_how_many_more(
    slack, people, fake, big_dataset
):
    call = slack.run("clear Engineering", people.admin)
    button = next(
        e
        for b in call.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ActionId.CONFIRM_CLEAR
    )
    done = slack.reply(
        slack.action(people.admin, {"action_id": button["action_id"], "value": button["value"]})
    )
    text = done.args["blocks"][0]["text"]["text"]
    match = re.fullmatch(r"Removed everyone from \*Engineering\*: (.+) …and ([0-9,]+) more\.", text)
    assert match, text[-200:]
    named = match.group(1).split(", ")
    members = set(big_dataset.team_named("Engineering").user_ids)
    assert set(named) <= {u.full_name for u in big_dataset.users if u.id in members}
    assert len(named) + int(match.group(2).replace(",", "")) == MEMBERS
    _text_ok(done)
    audit = [c for c in fake.wait_for("chat.postMessage") if c.args["channel"] == "CAUDIT"]
    assert audit and all(len(c.args["text"]) <= TEXT_CHARS for c in audit)
    assert re.search(r" …and [0-9,]+ more\.$", audit[-1].args["text"])


# -- pickers ---------------------------------------------------------------------------------------
def test_picker_labels_keep_name_and_email_and_never_read_the_same(slack, people, deps):
    deps.cache.users()
    response = slack.suggest(
        people.coworker, ActionId.USERS_SELECT, "maximiliana", {"callback_id": "x"}
    )
    labels = [o["text"]["text"] for o in json.loads(response.body)["options"]]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert all(len(label) <= 75 for label in labels)
    assert all(label.startswith("Maximiliana") and "@example.com)" in label for label in labels)


def test_team_picker_options_never_read_the_same(slack, people, deps, sandbox):
    long = "Platform engineering and developer experience working group, Europe and Asia, "
    for suffix in ("North", "South"):
        sandbox.store.create_team(long + suffix, [])
    deps.cache.invalidate_teams()
    deps.cache.teams()
    response = slack.suggest(
        people.coworker, ActionId.TEAM_SELECT, "platform", {"callback_id": "x"}
    )
    labels = [o["text"]["text"] for o in json.loads(response.body)["options"]]
    assert len(labels) == 2 and len(set(labels)) == 2 and all(len(t) <= 75 for t in labels)


def test_an_error_naming_hundreds_of_people_is_cut_between_them(slack, people):
    strangers = [f"someone.{i}@nowhere.example" for i in range(400)]
    call = slack.run("add Design " + " ".join(strangers), people.admin)
    text = call.args["text"]
    assert len(text) <= TEXT_CHARS and text.startswith("Nothing was changed: I couldn't match")
    shown, _, more = text.rpartition(" …and ")
    listed = shown.split(": I couldn't match ", 1)[1].split("; ")
    assert all(re.fullmatch(r"someone\.[0-9]+@nowhere\.example \(.+\)", p) for p in listed)
    assert more == f"{400 - len(listed)} more"
