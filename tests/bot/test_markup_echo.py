"""Raw Slack markup is never echoed back: a mention where a team was expected reads "@name", and
names in Noko or typed text that spell markup reach Slack inert (see tests/hostile.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from slackkit import reply_text

from bot.errors import readable, safe
from bot.services.digest import NOKO_URL
from noko_core.sandbox import Dataset, Sandbox
from tests.hostile import Legit, assert_inert


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


# -- hostile text end to end: a Noko account whose names are markup --------------------------
LAUNCH = "Launch <!channel> & <@U1> *now* <http://x|y>"  # Marketing, renamed
PERSON = ("<!here>", "O'Neil & <#C1|general>")
PROJECT = "<!subteam^S1> R&D `x` ~y~"
DESCRIPTION = "<!everyone> <https://evil.example|Open Noko>"
EMAIL = "<!channel>&co"  # in the e-mail address of each of them
NOKO_TEXT = (LAUNCH, *PERSON, PROJECT, DESCRIPTION, EMAIL)


@pytest.fixture(scope="module")
def bot_sandbox(dataset: Dataset) -> Iterator[Sandbox]:
    """The dataset with Marketing, its people (but not the test's Slack users), the projects
    and the entries' descriptions named in Slack markup."""
    hostile = copy.deepcopy(dataset)
    team = hostile.team_named("Marketing")
    team.name = LAUNCH
    for user in hostile.users:
        if user.id in team.user_ids:
            user.first_name, user.last_name = PERSON
            user.email = user.email.replace("@", f"+{EMAIL}@")
    for project in hostile.projects:
        project.name = f"{PROJECT} {project.id}"
    for entry in hostile.entries:
        entry.description = DESCRIPTION
    with Sandbox(rate_limit=False, dataset=hostile) as sb:
        yield sb


def _legit(people: Any) -> Legit:
    users = [
        getattr(people, f).id
        for f in ("admin", "supervisor", "coworker", "stranger", "mate", "no_email")
    ]
    return Legit.of(users=users, channels=["C0GENERAL", "C0DESIGN", "CAUDIT"], urls=[NOKO_URL])


@pytest.mark.parametrize(
    ("command", "typed", "shown"),
    [
        ("list", "", LAUNCH),
        ("list Launch", "", LAUNCH),
        ("show Launch", "", EMAIL),
        ("members Launch coworker", "", PERSON[1]),
        ("hours Launch last week", "", PROJECT),
        ("digest Launch last week", "", PERSON[0]),
        ('hours Launch "2024-<!channel>"', "2024-<!channel>", "2024-@channel"),
        ("hours Launch last wek <!here>", "last wek <!here>", "last wek @here"),
        (
            "show Nope <!channel> &amp; <@U1|boss>",
            "Nope <!channel> & <@U1|boss>",
            "Nope @channel &",
        ),
        ("show R&amp;D <!here> *x*", "R&D <!here> *x*", "R&D @here *x*"),
        ("list <!channel> &amp;", "<!channel> &", "@channel &"),
        ("<!channel>", "<!channel>", "<!channel>"),
        ("hours", "", "<team>"),  # its usage line
        ("help", "", "<team> is a name"),
    ],
)
def test_hostile_names_and_typed_text_come_back_inert(slack, people, command, typed, shown):
    call = slack.run(command, people.supervisor)

    assert_inert(call.args, [*NOKO_TEXT, typed], _legit(people))
    assert safe(shown) in json.dumps(call.args, ensure_ascii=False)  # it did go through


def test_a_period_echo_is_escaped(slack, people) -> None:
    text = slack.run('hours Launch "2024-<!channel>"', people.supervisor).args["text"]

    assert "“2024-@channel” as a period" in text, text  # Slack showed the person "@channel"


# Slack escapes & < > typed by hand; the echo shows exactly what the person typed, escaped once.
@pytest.mark.parametrize(
    ("command", "echoed"),
    [
        ("list &lt;!here&gt;", "No Noko team matches “&lt;!here&gt;”."),
        ("hours Design 2024-&lt;!channel&gt;", "I couldn't read “2024-&lt;!channel&gt;” as a"),
        ("hours Design 2024-01-01..2024-&lt;!channel&gt;", "“2024-&lt;!channel&gt;” is not a"),
    ],
)
def test_typed_text_is_echoed_escaped_once(slack, people, command, echoed) -> None:
    text = slack.run(command, people.admin).args["text"]

    assert echoed in text, text
    assert "&amp;lt;" not in text and "&amp;amp;" not in text, text


def test_a_typed_mention_is_echoed_as_its_name_not_a_live_mention(slack, people) -> None:
    text = slack.run("add R&amp;D <@UTYPED|x>", people.admin).args["text"]

    assert "I couldn't match @x (Slack shows me no e-mail address" in text, text
    assert "<@UTYPED" not in text, text


def test_the_create_form_is_prefilled_with_the_typed_name_unescaped(slack, people, fake) -> None:
    slack.command("create &lt;!channel&gt; &amp; Co", people.admin)
    view = fake.wait_for("views.update")[0].args["view"]

    element = view["blocks"][0]["element"]
    assert element["initial_value"] == "<!channel> & Co", element


def test_a_subscriptions_filter_is_escaped_in_the_fallback_text(slack, people, deps) -> None:
    team = next(t for t in deps.noko.list_teams() if t["name"] == LAUNCH)
    deps.repo.create_subscription(
        team_id=team["id"], team_name=LAUNCH, channel_id="C0DESIGN", cadence="weekly", weekday=0,
        local_time="09:00", timezone="Europe/Berlin", created_by=people.admin.id,
    )  # fmt: skip
    legit = _legit(people)
    for command, typed in [
        ("subscriptions", ""),
        ("subscriptions Launch <!channel>", "Launch <!channel>"),
    ]:
        call = slack.run(command, people.supervisor)
        assert_inert(call.args, [*NOKO_TEXT, typed], legit)
        assert LAUNCH not in call.args["text"]


def test_the_subscribe_form_escapes_its_problems_once(slack, people, fake) -> None:
    slack.command("subscribe R&amp;D Labs <!here> weekly 25:00", people.supervisor)
    view = fake.wait_for("views.update")[0].args["view"]

    assert_inert(view, [*NOKO_TEXT, "R&D Labs <!here>"], _legit(people))
    problem = json.dumps(view, ensure_ascii=False)
    assert "“R&amp;D Labs @here”" in problem and "&amp;amp;" not in problem


def test_changes_their_audit_posts_and_the_home_tab_are_inert(slack, people, fake, deps) -> None:
    legit = _legit(people)
    for command in [
        "add Launch <@UMATE|mate>",
        "remove Launch <@UMATE|mate>",
        "add Launch x&amp;y@example.com <@UNOMAIL|ghost> 99999",
    ]:
        assert_inert(slack.run(command, people.admin).args, [*NOKO_TEXT, "x&y@example.com"], legit)
    slack.event({"type": "app_home_opened", "user": people.supervisor.id, "tab": "home"})
    published = fake.wait_for("views.publish")[0].args

    for call in [published, *fake.calls_to("chat.postMessage")]:
        assert_inert(call, NOKO_TEXT, legit)
    assert len(fake.calls_to("chat.postMessage")) == 2  # the audit posts of the add and remove
