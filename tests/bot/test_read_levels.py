"""Reading follows Noko's permission levels (issue 9 §1, §2).

A table of levels (supervisor, leader, coworker with and without project assignments, contractor,
no Noko user) by what they read (`hours`, `digest`, `--share`, Post to channel, the App Home
preview) and the change forms, against the sandbox's projects and participants. The expected
figures are counted here from Noko's own answers (entries, projects and their participants), not
from the bot's rule.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from dataclasses import dataclass

import pytest
from slackkit import reply_text, subscribe_design

from bot.devtools.fake_slack import SlackUser
from bot.ids import ActionId
from bot.listeners.actions.digests import DigestButton
from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.services.schedule import next_due


@dataclass(frozen=True)
class Level:
    name: str
    email: str | None
    sees: str  # "all", "projects", "own", "none"


LEVELS = [
    Level("supervisor", "sofia.ito@example.com", "all"),
    Level("leader", "carlos.costa@example.com", "all"),
    Level("coworker", "liam.xu@example.com", "projects"),  # assigned to 5 projects
    Level("coworker without projects", "oscar.petrov@example.com", "projects"),
    Level("contractor", "isla.jensen@example.com", "own"),
    Level("no Noko user", "stan@elsewhere.example", "none"),
    Level("suspended Noko user", "tom.yilmaz@example.com", "none"),
]
IDS = [level.name for level in LEVELS]


@pytest.fixture
def read_access() -> str:
    return "noko"


@pytest.fixture
def settings(settings, read_access):
    return settings.model_copy(update={"read_access": read_access})


def _user(fake, level: Level) -> SlackUser:
    user = SlackUser(f"UL{abs(hash(level.name)) % 10**8}", level.name.title(), level.email)
    fake.add_user(user)
    fake.set_channel("C0GENERAL", [user.id])
    return user


@dataclass(frozen=True)
class Expected:
    entries: int
    hidden_projects: int
    hidden_people: int


def _period(dataset) -> tuple[dt.date, dt.date]:
    return dataset.today - dt.timedelta(days=27), dataset.today


def _expected(deps, level: Level, team: str, start: dt.date, end: dt.date) -> Expected:
    """What Noko would show this person of the team's entries, counted from Noko's answers."""
    noko = deps.noko
    team_id = next(t["id"] for t in noko.list_teams() if t["name"] == team)
    entries = noko.get_entries_for_users_in_team(team_id, from_=start, to=end)
    me = next((u for u in noko.list_users() if u["email"] == level.email), None)
    if level.sees == "all":
        return Expected(len(entries), 0, 0)
    assert me is not None
    mine = {
        p["id"]
        for p in noko.list_projects()
        if me["id"] in [x["id"] for x in p.get("participants") or []]
    }

    def visible(e) -> bool:
        own = e["user"]["id"] == me["id"]
        in_project = e.get("project") and e["project"]["id"] in mine
        return own or (level.sees == "projects" and bool(in_project))

    shown = [e for e in entries if visible(e)]
    hidden = [e for e in entries if not visible(e)]
    projects = {e["project"]["id"] for e in hidden if e.get("project")}
    return Expected(len(shown), len(projects), len({e["user"]["id"] for e in hidden}))


def _hours_entries(text: str) -> int:
    found = re.search(r"\*Total:\* [^*]+? in (\d+) entries", text)
    assert found, text
    return int(found.group(1))


def _digest_entries(payload: str) -> int:
    found = re.search(r"\*Entries\*\\n([\d,]+)", payload)
    assert found, payload[:2000]
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("level", LEVELS, ids=IDS)
def test_hours_shows_what_noko_shows_that_level(slack, fake, deps, dataset, level):
    user = _user(fake, level)
    start, end = _period(dataset)
    text = reply_text(slack.run(f"hours Design {start}..{end}", user))
    if level.sees == "none":
        assert "I can't show you anyone's time" in text and "*Total:*" not in text
        return
    expected = _expected(deps, level, "Design", start, end)
    assert _hours_entries(text) == expected.entries
    if level.sees == "all":
        assert "not shown" not in text and "You see what Noko shows" not in text
        return
    assert (
        f"You see what Noko shows a {(level.sees == 'own' and 'contractor') or 'coworker'}" in text
    )
    if level.sees == "projects" and expected.hidden_projects:
        plural = "s" if expected.hidden_projects != 1 else ""
        assert f"{expected.hidden_projects} project{plural} you aren't assigned to" in text
    if level.sees == "own":
        assert f"the time of {expected.hidden_people} other people is not shown" in text
    assert ": no time" not in text  # "no time logged" can't be told apart from "not shown"


@pytest.mark.parametrize("level", LEVELS, ids=IDS)
def test_digest_and_share_show_what_noko_shows_that_level(slack, fake, deps, dataset, level):
    user = _user(fake, level)
    start, end = _period(dataset)
    digest = slack.run(f"digest Design {start}..{end}", user)
    shared = slack.run(f"hours Design {start}..{end} --share", user)
    if level.sees == "none":
        assert "I can't show you anyone's time" in reply_text(digest)
        assert "I can't show you anyone's time" in reply_text(shared)
        assert shared.args.get("response_type") != "in_channel"
        return
    expected = _expected(deps, level, "Design", start, end)
    assert _digest_entries(json.dumps(digest.args)) == expected.entries
    assert shared.args["response_type"] == "in_channel"
    assert _hours_entries(reply_text(shared)) == expected.entries


@pytest.mark.parametrize("level", LEVELS, ids=IDS)
def test_post_to_channel_posts_what_the_clicker_may_read(slack, fake, deps, dataset, level):
    user = _user(fake, level)
    start, end = _period(dataset)
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    # A button value anyone could forge: it names a team and dates, never whose view to show.
    value = DigestButton(t=team_id, s=start, e=end, k="range").model_dump_json()
    key = slack.action(
        user, {"action_id": ActionId.POST_DIGEST, "value": value}, channel={"id": "C0GENERAL"}
    )
    posted = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0GENERAL"]
    if level.sees == "none":
        assert "I can't show you anyone's time" in reply_text(slack.reply(key))
        assert posted == []
        return
    slack.reply(key)
    posted = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0GENERAL"]
    expected = _expected(deps, level, "Design", start, end)
    assert _digest_entries(json.dumps(posted[0].args)) == expected.entries


@pytest.mark.parametrize("level", LEVELS, ids=IDS)
def test_home_preview_shows_no_more_than_the_viewer_may_read(slack, fake, deps, people, level):
    user = _user(fake, level)
    sub = subscribe_design(deps, people, read_level="all")  # owned by a supervisor
    slack.action(user, {"action_id": ActionId.SUB_PREVIEW, "value": str(sub.id)})
    view = json.dumps(fake.wait_for("views.update")[0].args["view"], ensure_ascii=False)
    if level.sees == "none":
        assert "I can't show you anyone's time" in view and "*Entries*" not in view
        return
    header = re.search(r"Design · ([^\"]+)", view)
    assert header, view[:1000]
    if level.sees == "all":
        assert "You see what Noko shows" not in view
    else:
        assert "You see what Noko shows a" in view


@pytest.mark.parametrize("level", LEVELS, ids=IDS)
def test_change_forms_open_only_for_those_who_may_change(slack, fake, deps, level):
    user = _user(fake, level)
    slack.action(user, {"action_id": ActionId.OPEN_ADD, "value": "add"})
    view = fake.wait_for("views.update")[0].args["view"]
    may_change = level.name in ("supervisor", "leader")
    assert ("submit" in view) is may_change, view
    audits = deps.repo.list_audit()
    if may_change:
        assert not [a for a in audits if a.result == "denied"]
    else:
        assert "Sorry, you can't add people to teams" in json.dumps(view)
        assert [(a.action, a.result, a.slack_user_id) for a in audits] == [
            ("add", "denied", user.id)
        ]


@pytest.mark.parametrize(
    ("level", "buttons"),
    [
        (LEVELS[0], {ActionId.OPEN_CREATE, ActionId.OPEN_ADD, ActionId.OPEN_REMOVE}),
        (LEVELS[2], set()),
        (LEVELS[5], set()),
    ],
    ids=["supervisor", "coworker", "no Noko user"],
)
def test_home_shows_change_buttons_only_to_those_who_may_change(
    slack, fake, deps, people, level, buttons
):
    user = _user(fake, level)
    subscribe_design(deps, people)
    slack.event({"type": "app_home_opened", "user": user.id, "tab": "home"})
    view = fake.wait_for("views.publish")[0].args["view"]
    text = json.dumps(view)
    shown = {
        a for a in (ActionId.OPEN_CREATE, ActionId.OPEN_ADD, ActionId.OPEN_REMOVE) if a in text
    }
    assert shown == buttons
    change_buttons = (ActionId.TEAM_MENU, ActionId.SUB_PAUSE, ActionId.SUB_DELETE)
    assert all((a in text) is bool(buttons) for a in change_buttons)
    assert ActionId.SUB_PREVIEW in text and ActionId.REFRESH_HOME in text  # read-only stay


def test_a_slack_user_without_noko_sees_team_names_but_not_members(slack, fake, people):
    stranger = _user(fake, LEVELS[5])
    assert "Design" in reply_text(slack.run("list", stranger))
    text = reply_text(slack.run("show Design", stranger))
    assert "not who is in them" in text and "Oscar" not in text
    assert "not who is in them" in reply_text(slack.run("members Design", stranger))
    # Whoever may change teams sees who is in them, Noko user or not.
    admin = SlackUser("UADMINX", "Ann Admin", "ann@corp.example", is_admin=True)
    fake.add_user(admin)
    assert "Oscar" in reply_text(slack.run("show Design", admin))


@pytest.mark.parametrize("read_access", ["everyone"])
def test_read_access_everyone_restores_open_reading(slack, fake, deps, dataset, read_access):
    stranger = _user(fake, LEVELS[5])
    contractor = _user(fake, LEVELS[4])
    start, end = _period(dataset)
    everything = _expected(deps, LEVELS[0], "Design", start, end).entries
    for user in (stranger, contractor):
        text = reply_text(slack.run(f"hours Design {start}..{end}", user))
        assert _hours_entries(text) == everything and "not shown" not in text


def test_a_role_change_in_noko_takes_effect_once_the_cache_is_refreshed(
    slack, fake, deps, dataset, sandbox
):
    coworker = _user(fake, LEVELS[2])
    start, end = _period(dataset)
    before = _hours_entries(reply_text(slack.run(f"hours Design {start}..{end}", coworker)))
    everything = _expected(deps, LEVELS[0], "Design", start, end).entries
    assert before < everything
    liam = next(u for u in sandbox.store.users.values() if u.email == LEVELS[2].email)
    liam.role = "leader"
    cached = _hours_entries(reply_text(slack.run(f"hours Design {start}..{end}", coworker)))
    assert cached == before  # within the cache's minute
    deps.cache._users._clock.now += 61  # the injected monotonic clock (Ticker)
    # Stale-while-revalidate: the first command after the minute is answered at once from what
    # is cached, and starts one refresh in the background; the commands after it see the change.
    stale = _hours_entries(reply_text(slack.run(f"hours Design {start}..{end}", coworker)))
    assert stale == before
    deadline = time.monotonic() + 10
    while True:
        after = _hours_entries(reply_text(slack.run(f"hours Design {start}..{end}", coworker)))
        if after == everything or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert after == everything


# -- a channel digest reads as its owner, and pauses when the owner's level falls ----------------


def _tick(settings, deps, sub):
    due = next_due(sub, sub.created_at)
    clock = ManualClock(due + dt.timedelta(seconds=30))
    return build_runner(settings, deps.repo, clock, deps.noko, threading.Event()).tick()


def _owned_by(deps, people, fake, level: Level):
    owner = _user(fake, level)
    return owner, subscribe_design(deps, people, created_by=owner.id, read_level=level.sees)


def test_a_channel_digest_posts_what_its_owner_may_read(settings, deps, people, fake):
    owner, sub = _owned_by(deps, people, fake, LEVELS[2])
    report = _tick(settings, deps, sub)
    assert report.posted == [sub.id]
    (post,) = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0DESIGN"][:1]
    payload = json.dumps(post.args)
    assert f"As <@{owner.id}> can see it in Noko (a coworker)" in payload, payload  # for a channel
    assert "You see" not in payload, payload


@pytest.mark.parametrize(
    "change",
    ["role to contractor", "suspended in Noko", "left Slack", "no longer a Noko user"],
)
def test_a_digest_pauses_when_its_owner_may_read_less(
    settings, deps, people, fake, sandbox, change
):
    owner, sub = _owned_by(deps, people, fake, LEVELS[2])
    liam = next(u for u in sandbox.store.users.values() if u.email == LEVELS[2].email)
    if change == "role to contractor":
        liam.role = "contractor"
    elif change == "suspended in Noko":
        liam.state = "suspended"
    elif change == "no longer a Noko user":
        liam.email = "someone.else@example.com"
    else:
        fake.add_user(SlackUser(owner.id, owner.name, owner.email, deleted=True))
    report = _tick(settings, deps, sub)
    assert report.posted == [] and report.paused == [sub.id]
    assert deps.repo.get_subscription(sub.id).paused
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0DESIGN"]
    (audit,) = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "CAUDIT"]
    assert f"Paused the digest of *Design* in <#C0DESIGN> (#{sub.id})" in audit.args["text"]
    assert f"<@{owner.id}> owns it" in audit.args["text"]
    rows = [a for a in deps.repo.list_audit() if a.action == "pause"]
    assert [(r.slack_user_id, r.result) for r in rows] == [("clock", "ok")]


def test_resuming_a_paused_digest_makes_the_resumer_its_owner(slack, settings, deps, people, fake):
    _, sub = _owned_by(deps, people, fake, LEVELS[2])
    deps.repo.set_paused(sub.id, True)
    slack.run(f"resume {sub.id}", people.supervisor)
    resumed = deps.repo.get_subscription(sub.id)
    assert (resumed.created_by, resumed.read_level, resumed.paused) == (
        people.supervisor.id,
        "all",
        False,
    )


def test_a_digest_set_up_by_a_coworker_says_it_shows_part_of_the_time(slack, fake, deps):
    # A Slack admin may set digests up; in Noko this one is a coworker.
    admin = SlackUser("UADMINCO", "Liam Admin", LEVELS[2].email, is_admin=True)
    fake.add_user(admin)
    fake.set_channel("C0GENERAL", [admin.id])
    text = reply_text(slack.run("subscribe Design weekly", admin))
    assert f"It shows only what <@{admin.id}> may read in Noko: their own time and" in text
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.created_by, sub.read_level) == (admin.id, "projects")


def test_someone_who_may_read_no_time_cannot_own_a_digest(slack, fake, deps):
    admin = SlackUser("UADMINX", "Ann Admin", "ann@corp.example", is_admin=True)
    fake.add_user(admin)
    fake.set_channel("C0GENERAL", [admin.id])
    text = reply_text(slack.run("subscribe Design weekly", admin))
    assert "A channel digest posts the time you may read" in text
    assert deps.repo.list_subscriptions() == []
    assert [(a.action, a.result) for a in deps.repo.list_audit()] == [("subscribe", "denied")]
